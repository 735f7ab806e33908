/*
 * libFuzzer target, differential: kvmd_mail_parse() takes a fast path
 * (its own header split, GMime's decoders) for plain UTF-8 messages and
 * promises the same fields as the whole-GMime parse
 * (kvmd_mail_parse_gmime()).  Whenever the fast path is taken, parse
 * again through GMime and abort on the first field that differs.
 *
 * KVMD_FUZZ_MAILPATH_KNOWN=1 in the environment looks past the
 * differences already reported (fuzz/regressions/mailpath/), to find
 * others until they are fixed: inputs whose header block is not valid
 * UTF-8, holds a CR, a line ending in white space or a folded
 * Message-ID, In-Reply-To or References are skipped, and so are messages
 * GMime refuses outright.
 */
#include "../lib/buf.h"
#include "../lib/mail.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *field, const char *fast, const char *full)
{
	fprintf(stderr, "fast path and GMime differ in %s:\n  fast:  %s%s%s\n  gmime: %s%s%s\n",
		field, fast ? "\"" : "", fast ? fast : "(null)", fast ? "\"" : "",
		full ? "\"" : "", full ? full : "(null)", full ? "\"" : "");
	abort();
}

static void same(const char *field, const char *fast, const char *full)
{
	if (!fast != !full || (fast && strcmp(fast, full)))
		differ(field, fast, full);
}

/*
 * Is the header block (up to the first empty line) valid UTF-8, without
 * CR, white space at a line end or a folded message-id field?
 */
static int headers_plain(const char *raw, size_t size)
{
	const char *p = raw, *end = raw + size, *nl;
	size_t n = size;
	int in_id_field = 0;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (nl + 1 < end && (nl[1] == '\n' || (nl[1] == '\r' && nl + 2 < end && nl[2] == '\n'))) {
			n = (size_t)(nl - raw);
			break;
		}
		p = nl + 1;
	}
	if (memchr(raw, '\r', n))
		return 0;
	for (p = raw; p < raw + n; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(raw + n - p));
		if (!nl)
			nl = raw + n;
		if (nl > p && (nl[-1] == ' ' || nl[-1] == '\t'))
			return 0;
		if (*p == ' ' || *p == '\t') {
			if (in_id_field)
				return 0;
		} else {
			size_t len = (size_t)(nl - p);
			in_id_field = (len >= 11 && !g_ascii_strncasecmp(p, "Message-ID:", 11)) ||
				      (len >= 12 && !g_ascii_strncasecmp(p, "In-Reply-To:", 12)) ||
				      (len >= 11 && !g_ascii_strncasecmp(p, "References:", 11));
		}
	}
	return g_utf8_validate_len(raw, n, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int known = -1;
	struct kvmd_buf why = KVMD_BUF_INIT;
	struct kvmd_mail fast, full;
	char *raw = malloc(size ? size : 1);
	size_t i;
	int rc;

	if (size)
		memcpy(raw, data, size);
	if (known < 0)
		known = getenv("KVMD_FUZZ_MAILPATH_KNOWN") != NULL;
	if (known && !headers_plain(raw, size)) {
		free(raw);
		return 0;
	}
	if (kvmd_mail_parse(&fast, raw, size, &why) < 0 || !fast.fast_path) {
		if (why.len == 0)
			kvmd_mail_release(&fast);
		goto done;
	}
	kvmd_buf_reset(&why);
	rc = kvmd_mail_parse_gmime(&full, raw, size, &why);
	if (rc < 0 && known) {
		kvmd_mail_release(&fast);
		goto done;
	}
	if (rc < 0)
		differ("the result", "parsed", why.ptr);
	same("from_name", fast.from_name, full.from_name);
	same("from_email", fast.from_email, full.from_email);
	same("subject", fast.subject, full.subject);
	same("message_id", fast.message_id, full.message_id);
	same("in_reply_to", fast.in_reply_to, full.in_reply_to);
	if (fast.nrefs != full.nrefs) {
		char a[32], b[32];
		snprintf(a, sizeof(a), "%zu", fast.nrefs);
		snprintf(b, sizeof(b), "%zu", full.nrefs);
		differ("nrefs", a, b);
	}
	for (i = 0; i < fast.nrefs; i++)
		same("refs[i]", fast.refs[i], full.refs[i]);
	same("author_name", fast.author_name, full.author_name);
	same("author_email", fast.author_email, full.author_email);
	same("body", fast.body, full.body);
	if (fast.date != full.date)
		differ("date", "", "");
	if (fast.body_start != full.body_start)
		differ("body_start", "", "");
	kvmd_mail_release(&full);
	kvmd_mail_release(&fast);
done:
	kvmd_buf_release(&why);
	free(raw);
	return 0;
}
