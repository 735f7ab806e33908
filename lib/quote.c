#include "quote.h"
#include "buf.h"

#include <glib.h>

/*
 * The code point of the three-byte UTF-8 sequence at `q` when it is a
 * bidirectional or invisible format character, else 0: embeddings and
 * overrides U+202A..U+202E, isolates U+2066..U+2069, zero-width and
 * direction marks U+200B..U+200F, and U+FEFF.  They reorder or hide
 * text on a terminal or a web page (a reviewer's name shown backwards,
 * an invisible character in a subject), as controls do.
 */
static unsigned format_char(const unsigned char *q)
{
	unsigned cp;

	if ((q[0] != 0xe2 && q[0] != 0xef) || (q[1] & 0xc0) != 0x80 || (q[2] & 0xc0) != 0x80)
		return 0;
	cp = ((unsigned)(q[0] & 0x0f) << 12) | ((unsigned)(q[1] & 0x3f) << 6) | (q[2] & 0x3f);
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
		return cp;
	return 0;
}

static void safe(struct kvmd_buf *out, const char *text, size_t len, int one_line)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const gchar *bad;
		const char *q;

		/* copy the longest valid UTF-8 run, escaping controls in it */
		g_utf8_validate(p, end - p, &bad);
		for (q = p; q < bad; q++) {
			unsigned char c = (unsigned char)*q;
			unsigned cp;

			if (c == '\r' && q + 1 < end && q[1] == '\n' && !one_line)
				continue;
			/* C1 controls (U+0080..U+009F) steer terminals too */
			if (c == 0xc2 && q + 1 < bad && (unsigned char)q[1] >= 0x80 &&
			    (unsigned char)q[1] <= 0x9f) {
				kvmd_buf_addf(out, "\\u%04x", (unsigned char)q[1]);
				q++;
				continue;
			}
			if (bad - q >= 3 && (cp = format_char((const unsigned char *)q))) {
				kvmd_buf_addf(out, "\\u%04x", cp);
				q += 2;
				continue;
			}
			if ((c < 0x20 && ((c != '\n' && c != '\t') || one_line)) || c == 0x7f)
				kvmd_buf_addf(out, "\\x%02x", c);
			else
				kvmd_buf_addch(out, c);
		}
		if (bad >= end)
			break;
		if (*bad == '\0')
			kvmd_buf_adds(out, "\\x00");
		else
			kvmd_buf_adds(out, "\xef\xbf\xbd"); /* U+FFFD */
		p = bad + 1;
	}
}

void kvmd_quote_text(struct kvmd_buf *out, const char *text, size_t len)
{
	safe(out, text, len, 0);
}

void kvmd_quote_line(struct kvmd_buf *out, const char *text, size_t len)
{
	safe(out, text, len, 1);
}
