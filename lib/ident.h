#ifndef KVMD_IDENT_H
#define KVMD_IDENT_H

#include <stddef.h>

struct kvmd_buf;

/*
 * Appends `name <email>` in RFC 5322 form: the name in double quotes
 * (with `"` and `\` escaped) when it holds a special character such as
 * `.` or `,`; a NULL or empty name gives the bare `<email>`.
 */
void kvmd_ident_format(struct kvmd_buf *out, const char *name, const char *email);

/* Appends `name <email>` as git prints an author, never quoted. */
void kvmd_ident_format_bare(struct kvmd_buf *out, const char *name, const char *email);

/* Does `name` need quoting in an RFC 5322 display name? */
int kvmd_ident_needs_quotes(const char *name);

/*
 * Appends the domain of `email`, everything after its last `@`,
 * lower-cased (the whole address when it has no `@`).
 */
void kvmd_ident_domain(struct kvmd_buf *out, const char *email);

/* Appends `email` lower-cased (ASCII only), the key that groups identities. */
void kvmd_ident_key(struct kvmd_buf *out, const char *email);

#endif
