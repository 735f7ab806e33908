#ifndef KVMD_FOLLOWUP_H
#define KVMD_FOLLOWUP_H

#include <stddef.h>

#include "trailer.h"

/*
 * What a mail's body says about other mails, as `b4 am` reads replies:
 * the follow-up trailers a reviewer gives (`Reviewed-by: Name <addr>`
 * lines in the reply's own text), the b4 `change-id:` a series carries,
 * and the Message-IDs a cover letter links to (earlier versions).
 * Layer 2: text in, malloc()ed values out, no git objects.
 */

struct kvmd_buf;

/*
 * Appends the follow-up trailers of a reply's decoded body to `out`:
 * `Key-by: Name <address>` (or a bare address) lines of the reply's own
 * text, wherever they stand in it, as b4 collects them: a `*-by` key,
 * white space before it allowed, a value that holds an address and no
 * URL, a `# note` after it dropped, a name whose `<address>` was wrapped
 * onto the next line joined with it.  Lines quoted with `>` (a quoted
 * patch among them: a review below it counts) and everything below a
 * `-- ` signature line do not count, nor does anything from the first
 * line of a diff the reply carries unquoted (`diff -`, `Index: `,
 * `@@ -`, `--- ` over `+++ `), whose context lines are the patch's.
 * `html` says `body` is the text of a text/html part (an HTML-only
 * reply): tags are dropped, entities decoded, <blockquote> read as `>`
 * quoting first.  Identities are as written (mapping them is the
 * caller's step).  Returns the number appended.
 */
size_t kvmd_followups_parse(struct kvmd_trailers *out, struct kvmd_trailer_parser *p,
			    const char *body, size_t len, int html);

/*
 * Whether addresses `a` and `b` are one person's, as b4 compares a
 * trailer's with its reply's sender before calling it mismatched: ASCII
 * case ignored, a `+tag` in the local part ignored, and a domain that is
 * the other's with one more label in front (foo@linux.intel.com and
 * foo@intel.com) the same.
 */
int kvmd_followup_same_address(const char *a, const char *b);

/* Whether `key` is a follow-up trailer's (Reviewed-by, Acked-by, Tested-by, *-by). */
int kvmd_followup_key(const char *key);

/*
 * The value of the body's b4 `change-id: <id>` line (malloc()ed), or
 * NULL when it has none.
 */
char *kvmd_followup_change_id(const char *body, size_t len);

/*
 * Appends to `out` the Message-IDs (without angle brackets, percent-
 * decoded, malloc()ed) that `body` links to: lore-style archive URLs
 * (`https://lore.kernel.org/<list>/<id>/`, `.../r/<id>`), `msgid.link`
 * URLs and `<id>` references in `Link:` lines.  Duplicates are kept
 * once.  Returns the number appended.
 */
size_t kvmd_followup_links(char ***out, size_t *nr, const char *body, size_t len);

#endif
