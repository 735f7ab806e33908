/*
 * test-mail [--gmime] <file>: parse one raw message as the digest does
 * (or always through a whole GMimeMessage) and print every field, so the
 * tests can check that the fast path and GMime agree.
 */
#include "buf.h"
#include "mail.h"
#include "quote.h"

#include <stdio.h>
#include <string.h>

static void field(const char *name, const char *value)
{
	struct kvmd_buf b = KVMD_BUF_INIT;

	if (value)
		kvmd_quote_line(&b, value, strlen(value));
	printf("%s: %s\n", name, value ? b.ptr : "(none)");
	kvmd_buf_release(&b);
}

int main(int argc, char **argv)
{
	struct kvmd_buf raw = KVMD_BUF_INIT, why = KVMD_BUF_INIT, body = KVMD_BUF_INIT;
	struct kvmd_mail m;
	int gmime = argc == 3 && !strcmp(argv[1], "--gmime");
	const char *path = argv[argc - 1];
	char chunk[65536];
	size_t n, i;
	FILE *f;

	if (argc < 2 || !(f = fopen(path, "rb"))) {
		fprintf(stderr, "usage: test-mail [--gmime] <file>\n");
		return 129;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kvmd_buf_add(&raw, chunk, n);
	fclose(f);

	if ((gmime ? kvmd_mail_parse_gmime : kvmd_mail_parse)(&m, raw.ptr, raw.len, &why) < 0) {
		printf("rejected: %s\n", why.ptr);
		kvmd_buf_release(&raw);
		kvmd_buf_release(&why);
		return 0;
	}
	fprintf(stderr, "path: %s\n", m.fast_path ? "fast" : "gmime");
	field("from-name", m.from_name);
	field("from-email", m.from_email);
	field("subject", m.subject);
	field("message-id", m.message_id);
	field("in-reply-to", m.in_reply_to);
	for (i = 0; i < m.nrefs; i++)
		field("reference", m.refs[i]);
	field("author-name", m.author_name);
	field("author-email", m.author_email);
	printf("date: %lld\n", (long long)m.date);
	printf("body-start: %zu\n", m.body_start);
	kvmd_quote_text(&body, m.body, m.body_len);
	printf("body:\n%s\n", body.ptr);
	if (m.html) {
		kvmd_buf_reset(&body);
		kvmd_quote_text(&body, m.html, m.html_len);
		printf("html:\n%s\n", body.ptr);
	}
	kvmd_mail_release(&m);
	kvmd_buf_release(&raw);
	kvmd_buf_release(&why);
	kvmd_buf_release(&body);
	return 0;
}
