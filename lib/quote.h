#ifndef KVMD_QUOTE_H
#define KVMD_QUOTE_H

#include <stddef.h>

struct kvmd_buf;

/*
 * Text from mail is written by strangers: before it reaches a terminal,
 * a note or a JSON string it is made safe here, in one place, so that
 * every output (digests, messages on stderr) shows it the same way.
 */

/*
 * Appends `len` bytes of `text` made safe for a terminal and a note:
 * control characters other than newline and tab are shown as `\xNN`
 * (C1 controls as `\u00NN`; a CR before a newline is dropped), a NUL as
 * `\x00`, bidirectional and invisible format characters (U+202A..U+202E,
 * U+2066..U+2069, U+200B..U+200F, U+FEFF) as `\uNNNN`, and bytes that
 * are not valid UTF-8 become U+FFFD.
 */
void kvmd_quote_text(struct kvmd_buf *out, const char *text, size_t len);

/* The same for a one-line field (subject, name): newline and tab escaped too. */
void kvmd_quote_line(struct kvmd_buf *out, const char *text, size_t len);

#endif
