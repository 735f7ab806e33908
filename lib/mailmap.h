#ifndef KVMD_MAILMAP_H
#define KVMD_MAILMAP_H

#include <git2.h>

/*
 * A mailmap: identities mapped as gitmailmap(5) says, matched ignoring
 * case.  Where the text comes from (the work tree, mailmap.blob,
 * mailmap.file) is the engine's business: lib/mailmap-repo.h.
 *
 * libgit2 1.5 does not match ignoring case, so the lines are parsed here
 * (PCRE2) and stored in a git_mailmap with the matched name and address
 * lower-cased; lookups lower-case them too.  Resolving only reads the
 * map: one map serves every thread.
 */
struct kvmd_mailmap;

void kvmd_mailmap_free(struct kvmd_mailmap *mm);

/* Adds the entries of mailmap text `text` (one file's worth). */
int kvmd_mailmap_add_text(struct kvmd_mailmap *mm, const char *text, size_t len);

/* An empty map, to add text to. */
struct kvmd_mailmap *kvmd_mailmap_new(void);

/*
 * The identity `name <email>` maps to, in `*out_name`/`*out_email`:
 * borrowed from the map or from the arguments, valid while both live.
 * `mm` may be NULL (no mapping).
 */
void kvmd_mailmap_resolve(const struct kvmd_mailmap *mm, const char *name,
			  const char *email, const char **out_name,
			  const char **out_email);

/*
 * Replaces the identity in `*name` and `*email` (malloc()ed, owned by the
 * caller; `*name` may be NULL) with the one it maps to, in new malloc()ed
 * strings; an empty mapped name becomes NULL.  `mm` may be NULL.
 */
void kvmd_mailmap_apply(const struct kvmd_mailmap *mm, char **name, char **email);

#endif
