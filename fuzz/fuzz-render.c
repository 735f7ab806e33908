/*
 * libFuzzer target: kvmd_quote_text(), which every string of a digest
 * goes through.  Whatever comes in, what comes out must be valid UTF-8
 * with no C0 control character other than newline and tab, no DEL, no
 * C1 control (U+0080..U+009F) and no bidirectional or invisible format
 * character (U+202A..U+202E, U+2066..U+2069, U+200B..U+200F, U+FEFF):
 * nothing a terminal could be fooled by.
 * kvmd_quote_line() (subjects, names) the same, and one line: no
 * newline nor tab either.
 */
#include "../lib/buf.h"
#include "../lib/quote.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 sequence at p (RFC 3629), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Is the valid three-byte sequence at p U+202A..U+202E, U+2066..U+2069,
 * U+200B..U+200F or U+FEFF?
 */
static int is_format(const unsigned char *p)
{
	unsigned long cp = ((unsigned long)(p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);

	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff;
}

static void fail(const char *what, const struct kvmd_buf *out, size_t at)
{
	fprintf(stderr, "kvmd_quote_text: %s at offset %zu of %zu bytes\n",
		what, at, out->len);
	abort();
}

static void check(void (*render)(struct kvmd_buf *, const char *, size_t),
		  const char *text, size_t size, int one_line)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	const unsigned char *p, *end;

	kvmd_buf_adds(&out, "> ");
	render(&out, text, size);

	if (out.ptr[out.len] != '\0')
		fail("buffer not NUL-terminated", &out, out.len);
	if (strlen(out.ptr) != out.len)
		fail("NUL byte", &out, strlen(out.ptr));
	if (memcmp(out.ptr, "> ", 2))
		fail("existing content changed", &out, 0);
	p = (const unsigned char *)out.ptr;
	end = p + out.len;
	while (p < end) {
		size_t n = utf8_seq(p, end);
		if (!n)
			fail("invalid UTF-8", &out, (size_t)(p - (const unsigned char *)out.ptr));
		if (n == 1 && ((*p < 0x20 && ((*p != '\n' && *p != '\t') || one_line)) ||
			       *p == 0x7f))
			fail(one_line ? "control character (one line)" : "control character",
			     &out, (size_t)(p - (const unsigned char *)out.ptr));
		/* C1 controls, U+0080..U+009F (U+009B is CSI) */
		if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f)
			fail("C1 control character", &out, (size_t)(p - (const unsigned char *)out.ptr));
		/* bidi and invisible format characters */
		if (n == 3 && is_format(p))
			fail("format character", &out, (size_t)(p - (const unsigned char *)out.ptr));
		p += n;
	}
	/* nothing is lost: every byte but a CR before a newline shows */
	if (out.len - 2 + 1 < size / 2)
		fail("output much shorter than input", &out, out.len);
	kvmd_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* copy, so ASan catches a read past `size` */
	char *text = malloc(size ? size : 1);

	if (size)
		memcpy(text, data, size);
	check(kvmd_quote_text, text, size, 0);
	check(kvmd_quote_line, text, size, 1);
	free(text);
	return 0;
}
