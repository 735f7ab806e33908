#ifndef KVMD_RANGE_H
#define KVMD_RANGE_H

#include <git2.h>

struct kvmd_buf;

/*
 * A range `<old>..<new>` of commits: those reachable from `new` and not
 * from `old`.  Without `old` (has_old 0) it is every ancestor of `new`.
 */
struct kvmd_range {
	git_oid old, new;
	int has_old;
	char old_hex[GIT_OID_HEXSZ + 1];
	char new_hex[GIT_OID_HEXSZ + 1];
};

/*
 * Resolves `spec` (`<old>..<new>`; either side may be any revision that
 * names a commit) in `repo`.  Returns 0, or -1 with a message in `err`.
 */
int kvmd_range_parse(struct kvmd_range *out, git_repository *repo,
		     const char *spec, struct kvmd_buf *err);

/* Fills the range from two commit ids (`old` NULL for none). */
void kvmd_range_set(struct kvmd_range *out, const git_oid *old, const git_oid *new);

#endif
