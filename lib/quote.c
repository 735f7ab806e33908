#include "quote.h"
#include "buf.h"

#include <glib.h>

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
			if (c == '\r' && q + 1 < end && q[1] == '\n' && !one_line)
				continue;
			/* C1 controls (U+0080..U+009F) steer terminals too */
			if (c == 0xc2 && q + 1 < bad && (unsigned char)q[1] >= 0x80 &&
			    (unsigned char)q[1] <= 0x9f) {
				kvmd_buf_addf(out, "\\u%04x", (unsigned char)q[1]);
				q++;
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
