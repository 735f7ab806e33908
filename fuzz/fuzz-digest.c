/*
 * libFuzzer target: a whole range, end to end without git.  The input is
 * several raw messages separated by KVMD_FUZZ_SEP; each is parsed and
 * added to one digest as the scanner adds a mail commit (in-body
 * headers, subject kind, log message cut, trailers), or skipped; the
 * digest is finished and rendered as text and as JSON.  The text must be
 * what the note holds: valid UTF-8, no control character but newline and
 * tab, no C1 control; the JSON must be valid UTF-8.
 */
#define _GNU_SOURCE /* memmem */
#include "../lib/buf.h"
#include "../lib/digest.h"
#include "../lib/mail.h"
#include "../lib/render.h"
#include "../lib/scan.h"
#include "../lib/subject.h"
#include "../lib/trailer.h"

#include <assert.h>
#include <git2.h>
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KVMD_FUZZ_SEP "\n\001=====\001\n"

static struct kvmd_subject_parser *subjects;
static struct kvmd_trailer_parser *trailers;

static void add_one(struct kvmd_digest *d, const char *raw, size_t len, size_t seq)
{
	struct kvmd_buf why = KVMD_BUF_INIT;
	struct kvmd_trailers t = KVMD_TRAILERS_INIT;
	struct kvmd_message m;
	struct kvmd_mail mail;
	char hex[41];

	snprintf(hex, sizeof(hex), "%040zx", seq * 0x9e3779b97f4a7c15u);
	if (kvmd_mail_parse(&mail, raw, len, &why) < 0) {
		kvmd_digest_add_skipped(d, hex, seq, why.ptr);
		kvmd_buf_release(&why);
		return;
	}
	kvmd_scan_message(&m, &mail, hex, seq, subjects);
	kvmd_trailers_parse_body(&t, trailers, mail.body + mail.body_start,
				 mail.body_len - mail.body_start);
	m.trailers = t.v;
	m.ntrailers = t.nr;
	kvmd_digest_add_mail(d, &m);
	kvmd_trailers_release(&t);
	kvmd_mail_release(&mail);
	kvmd_buf_release(&why);
}

static void check_text(const struct kvmd_buf *out, int controls_ok)
{
	const unsigned char *p = (const unsigned char *)out->ptr, *end = p + out->len;
	const gchar *bad;

	if (!g_utf8_validate(out->ptr, (gssize)out->len, &bad)) {
		fprintf(stderr, "invalid UTF-8 at offset %zu\n", (size_t)(bad - out->ptr));
		abort();
	}
	for (; p < end; p++) {
		/* bidi and invisible format characters, as quote.c escapes them */
		if (end - p >= 3 && ((p[0] == 0xe2 && p[1] == 0x80 &&
				      ((p[2] >= 0x8b && p[2] <= 0x8f) || (p[2] >= 0xaa && p[2] <= 0xae))) ||
				     (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9) ||
				     (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf))) {
			fprintf(stderr, "format character at offset %zu\n",
				(size_t)(p - (const unsigned char *)out->ptr));
			abort();
		}
		if (controls_ok)
			continue;
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
		    (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f)) {
			fprintf(stderr, "control character 0x%02x at offset %zu\n",
				*p, (size_t)(p - (const unsigned char *)out->ptr));
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = KVMD_FUZZ_SEP;
	const char *p = (const char *)data, *end = p + size;
	struct kvmd_digest *d;
	struct kvmd_render_opts o;
	struct kvmd_buf text = KVMD_BUF_INIT, json = KVMD_BUF_INIT;
	size_t seq = 0;

	if (!subjects) {
		git_libgit2_init();
		kvmd_mail_global_init();
		subjects = kvmd_subject_parser_new(NULL);
		trailers = kvmd_trailer_parser_new(NULL);
		assert(subjects && trailers);
	}
	d = kvmd_digest_new();
	while (p <= end && seq < 64) {
		const char *next = memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1);
		size_t len = next ? (size_t)(next - p) : (size_t)(end - p);
		/* the copy is exactly `len` bytes, so ASan sees any overread */
		char *raw = malloc(len ? len : 1);

		if (len)
			memcpy(raw, p, len);
		add_one(d, raw, len, seq++);
		free(raw);
		if (!next)
			break;
		p = next + sizeof(sep) - 1;
	}
	kvmd_digest_finish(d);

	memset(&o, 0, sizeof(o));
	o.title = KVMD_DEFAULT_TITLE;
	o.top = KVMD_DEFAULT_TOP;
	o.sections = KVMD_SECTIONS_DEFAULT | KVMD_SECTION_SIGNERS | KVMD_SECTION_REVIEWERS;
	o.old_hex = "0123456789abcdef0123456789abcdef01234567";
	o.new_hex = "89abcdef0123456789abcdef0123456789abcdef";
	/* entries kept in memory are always read back */
	if (kvmd_render_text(&text, d, &o) < 0)
		abort();
	check_text(&text, 0);
	if (kvmd_render_json(&json, d, &o) == 0)
		check_text(&json, 1);

	kvmd_buf_release(&text);
	kvmd_buf_release(&json);
	kvmd_digest_free(d);
	return 0;
}
