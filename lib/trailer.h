#ifndef KVMD_TRAILER_H
#define KVMD_TRAILER_H

#include <stddef.h>

/*
 * Trailers of a commit message or patch mail: `Key: value` lines of the
 * message's trailer block (its last paragraph before `---`), found as git
 * finds them (git_message_trailers), with the identity in the value when
 * it is one.
 */
struct kvmd_trailer {
	char *key;     /* as written, e.g. "Signed-off-by" */
	char *value;
	char *name;    /* the identity's name in `value`, or NULL */
	char *email;   /* NULL when `value` holds no address */
};

struct kvmd_trailers {
	struct kvmd_trailer *v;
	size_t nr, alloc;
};

#define KVMD_TRAILERS_INIT { NULL, 0, 0 }

struct kvmd_buf;
struct kvmd_trailer_parser;

/* Compiles the identity pattern once; NULL with the reason in `err` when PCRE2 refuses it. */
struct kvmd_trailer_parser *kvmd_trailer_parser_new(struct kvmd_buf *err);
void kvmd_trailer_parser_free(struct kvmd_trailer_parser *p);

/*
 * Appends the trailers of `message` (the log message: for a mail, the
 * body up to its `---` line) to `out`, identities as written: mapping
 * them (kvmd_mailmap_apply) is the caller's step, as in git shortlog.
 * Returns the number appended.
 */
size_t kvmd_trailers_parse(struct kvmd_trailers *out,
			   struct kvmd_trailer_parser *p,
			   const char *message, size_t len);

/*
 * The same for the body of a mail (after its in-body headers), whose
 * subject is in the mail's header: the body's first paragraph can be the
 * trailer block (`Signed-off-by:` alone), as `git interpret-trailers`
 * finds it in "subject, blank line, body".
 */
size_t kvmd_trailers_parse_body(struct kvmd_trailers *out,
				struct kvmd_trailer_parser *p,
				const char *body, size_t len);

/* Splits `value` into an identity: 1 when it holds `Name <email>` or a bare address. */
int kvmd_trailer_ident(struct kvmd_trailer_parser *p, const char *value,
		       char **name, char **email);

void kvmd_trailers_release(struct kvmd_trailers *t);

/* What a trailer says of the identity in it, by its key (case ignored). */
enum kvmd_trailer_kind {
	KVMD_TRAILER_OTHER = 0, /* Link:, Cc:, Fixes: ... */
	KVMD_TRAILER_SIGNER,    /* Signed-off-by */
	KVMD_TRAILER_REVIEWER,  /* Reviewed-by, Acked-by, Tested-by */
};

enum kvmd_trailer_kind kvmd_trailer_kind(const char *key);

#endif
