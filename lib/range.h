#ifndef KVMD_RANGE_H
#define KVMD_RANGE_H

#include <git2.h>

struct kvmd_buf;

/*
 * A range `<old>..<new>` of commits: those reachable from `new` and not
 * from `old`.  Without `old` (has_old 0) it is every ancestor of `new`.
 *
 * A window of commit (committer) dates may narrow it, as `git log
 * --since/--until` do: with has_since, a commit older than `since` is
 * left out and so is what lies behind it (the walk does not go past
 * it); with has_until, a commit newer than `until` is left out, and the
 * walk goes on to its parents.  Both are seconds since the epoch.
 */
struct kvmd_range {
	git_oid old, new;
	int has_old;
	char old_hex[GIT_OID_HEXSZ + 1];
	char new_hex[GIT_OID_HEXSZ + 1];
	int has_since, has_until;
	git_time_t since, until;
	/*
	 * Pathspecs (borrowed, `paths_nr` of them; none: every commit):
	 * only the commits whose diff against their first parent (a root
	 * commit's against the empty tree) touches a path they match, as
	 * `git log -- <paths>` lists them, merges aside.  Matched as
	 * libgit2 matches pathspecs: a directory covers what is under it,
	 * and `*`, `?` and `[...]` are globs.
	 */
	const char **paths;
	size_t paths_nr;
};

/*
 * Resolves `spec` in `repo`: `<old>..<new>` (either side any revision
 * that names a commit), or one revision, which means everything
 * reachable from it, as `git log <rev>` does.  Returns 0, or -1 with a
 * message in `err`.
 */
int kvmd_range_parse(struct kvmd_range *out, git_repository *repo,
		     const char *spec, struct kvmd_buf *err);

/* Fills the range from two commit ids (`old` NULL for none). */
void kvmd_range_set(struct kvmd_range *out, const git_oid *old, const git_oid *new);

#endif
