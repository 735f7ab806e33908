#ifndef KVMD_WATCH_H
#define KVMD_WATCH_H

#include <git2.h>

struct kvmd_buf;
struct kvmd_config;
struct kvmd_range;

/*
 * Which refs a digest without a range follows, and what is new on them
 * "since the last digest".
 */

/*
 * The watched ref patterns: every kvmdigest.ref value (fnmatch globs such
 * as `refs/remotes/kvm-lore/` followed by `*`), or, when there is none, the current
 * branch's upstream.  Returns the number of patterns put in `out` (a
 * NULL-terminated malloc()ed array of malloc()ed strings; free with
 * kvmd_watch_free()), 0 when nothing is watched.
 */
size_t kvmd_watch_patterns(char ***out, git_repository *repo, struct kvmd_config *cfg);
void kvmd_watch_free(char **patterns);

/*
 * Does `refname` match `pattern` (one kvmdigest.ref or
 * kvmdigest.appliedRef value)?  An fnmatch() glob without flags (`*`
 * crosses `/`); a pattern not under `refs/` matches as
 * `refs/remotes/<pattern>` and `refs/heads/<pattern>` as well.
 * Allocates nothing.
 */
int kvmd_watch_match_one(const char *pattern, const char *refname);

/* Does `refname` match one of `patterns` (NULL-terminated; NULL: none)? */
int kvmd_watch_matches(char *const *patterns, const char *refname);

/*
 * What is new on `refname`: from the newest ancestor of its tip that
 * carries a note in `notes_ref` (exclusive) to the tip; without one, from
 * the ref's previous reflog value (`<ref>@{1}`).  Returns 1 with `out`
 * filled, 0 when nothing is new (the tip has its digest already), or -1
 * with a message in `err` (e.g. neither a note nor a reflog to start
 * from: give a range).
 */
int kvmd_watch_since_last(struct kvmd_range *out, git_repository *repo,
			  const char *notes_ref, const char *refname,
			  struct kvmd_buf *err);

/*
 * The same for a tip the caller has, as the fetch hook sees it: from the
 * newest ancestor of `tip` that carries a note, or without one from
 * `old` (the ref's value before the update; NULL for none), else from
 * the reflog of `refname`.  Shallow history ends where it ends, as in
 * `git log`.  Returns 1, 0 or -1 as kvmd_watch_since_last().
 */
int kvmd_watch_since(struct kvmd_range *out, git_repository *repo, const char *notes_ref,
		     const git_oid *tip, const git_oid *old, const char *refname,
		     struct kvmd_buf *err);

#endif
