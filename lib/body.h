#ifndef KVMD_BODY_H
#define KVMD_BODY_H

#include <stddef.h>

/*
 * The parts of a decoded mail body that the digest reads, as `git am`
 * reads them: in-body headers at the top, and where the log message
 * ends.  These work on borrowed text and allocate nothing.
 */

/* A span of the body: `ptr` points into it, `len` 0 when absent. */
struct kvmd_span {
	const char *ptr;
	size_t len;
};

/*
 * In-body `From:`, `Subject:` and `Date:` lines at the very top of the
 * body (names in any case, folded lines continue with white space).
 * Values are borrowed from the body and still folded.
 */
struct kvmd_inbody {
	struct kvmd_span from;
	struct kvmd_span subject;
	struct kvmd_span date;
};

/*
 * Fills `out` and returns the offset of the first byte after the in-body
 * header lines (0 when there are none).  The blank line that follows them
 * is not consumed: it stays part of the body, as the digest shows it.
 */
size_t kvmd_body_inbody(struct kvmd_inbody *out, const char *body, size_t len);

/*
 * The length of the message text before the first line that starts the
 * diff (`diff --git`, `diff -`, `Index: `) or is the signature delimiter
 * (exactly `-- `); `len` when there is none.
 */
size_t kvmd_body_cut(const char *body, size_t len);

#endif
