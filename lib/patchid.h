#ifndef KVMD_PATCHID_H
#define KVMD_PATCHID_H

#include <git2.h>

#include "diffstat.h"

struct kvmd_buf;

/*
 * Stable patch-ids, equal to what `git patch-id --stable` (git 2.39)
 * prints for the same diff: the id of a patch mail, and of a code
 * commit against its first parent, so that a posted patch and the
 * commit it became can be joined.
 *
 * The id is git's: per file, the SHA-1 of the diff lines with all
 * whitespace removed (line numbers and "index" lines left out), the
 * per-file hashes summed as 20-byte numbers, so that the order of the
 * files does not matter.  A binary file is hashed by the two object
 * names of its "index" line: full in a mail (`format-patch --binary`),
 * abbreviated in `git log -p`, so the same binary change has another
 * id in a mail than in a commit, here as in git.
 */

/*
 * The id of the diff in a patch mail's `body` (`len` bytes, the text
 * after the mail's header, decoded from its transfer encoding): the
 * commit message, `---`, the diffstat, the diff, a `-- ` signature, as
 * `git format-patch` writes them, LF or CRLF.  What `git patch-id
 * --stable` prints for the same text.
 *
 * Returns 0 with the id in `out`; 1 when the body carries no diff (a
 * reply, a cover letter: not an error, `out` is zeroed); -1 when the
 * diff is one libgit2 cannot parse (a mangled hunk, say), with the
 * reason in `err`.  A plain diff (text changes of unquoted paths whose
 * hunks add up) is checked here and not parsed twice; every other one
 * is given to git_diff_from_buffer(), and all of them are when
 * KVMD_PATCHID_LIBGIT2 is set: the same mails are refused either way.
 */
int kvmd_patchid_mail(git_oid *out, const char *body, size_t len,
		      struct kvmd_buf *err);

/*
 * The id of commit `c` of `repo` against its first parent (a root
 * commit against the empty tree), as `git log -p --format='commit %H'
 * | git patch-id --stable` prints it.  The diff is the diffstat's
 * (lib/diffstat.h): the same tree walk, renames found by git's rules
 * and measured as git measures them, binary files as git decides,
 * then the hunks of each file with 3 lines of context and the indent
 * heuristic, as `git log -p` makes them.  A merge gets the id of its
 * diff against the first parent, which `git log -p` does not show;
 * callers skip merges.
 *
 * Returns 0 with the id in `out`; 1 when the commit changes nothing
 * (`out` is zeroed); -1 on a libgit2 error (a missing object), with
 * the reason in `err`.
 *
 * A binary file is hashed by the names on its "index" line, abbreviated
 * as git does by default (half the bits of the object count, at least
 * 7 digits, longer while ambiguous: 12 in a kernel checkout).  Known
 * differences: core.abbrev and the diff.* settings `git log -p` reads
 * are not read.
 */
int kvmd_patchid_commit(git_oid *out, git_repository *repo, const git_commit *c,
			struct kvmd_buf *err);

/*
 * As kvmd_patchid_commit(), with the caller's diffstat engine `ds` and
 * the commit's tree: one walk gives both the id and, appended to
 * `stat` unless it is NULL, the diffstat block of kvmd_diffstat_commit().
 * The engine's rules apply (one thread, one commit at a time).
 */
struct kvmd_diffstat;
int kvmd_patchid_commit_stat(git_oid *out, struct kvmd_buf *stat,
			     struct kvmd_diffstat *ds, git_commit *c,
			     git_tree *tree, struct kvmd_buf *err);

/*
 * As kvmd_patchid_commit_stat(), calling `cb` (unless NULL) with each
 * file pair of the same walk before it is hashed, as
 * kvmd_diffstat_commit_files() does: the files a commit touches, for
 * its MAINTAINERS area, without walking its trees again.
 */
int kvmd_patchid_commit_stat_files(git_oid *out, struct kvmd_buf *stat,
				   struct kvmd_diffstat *ds, git_commit *c,
				   git_tree *tree, kvmd_diffstat_file_cb cb,
				   void *payload, struct kvmd_buf *err);

/*
 * The ids of many commits of `repo`, on `jobs` threads (less than 1 is
 * 1, more than 256 is 256, nor more than there are blocks of 32
 * commits): `commits` (`n` of them, borrowed) in, and `cb(commit, id, data)`
 * called in the caller's thread, once for each commit that is not a
 * merge, in the order of `commits`.  `id` is the commit's id as
 * kvmd_patchid_commit() computes it (what `git log --no-merges -p
 * --format='commit %H' | git patch-id --stable` prints), or zero
 * (git_oid_is_zero()) for a commit that changes nothing, for which
 * git prints no line; both pointers live until `cb` returns.  Merges
 * (more than one parent) are skipped: `cb` is not called for them.
 *
 * The caller's thread and `jobs` - 1 more compute the ids, in blocks
 * of consecutive commits (a list in `git log` order diffs a commit,
 * then its parent); the caller's thread hands them on between its
 * blocks, then waits for the rest.  Each thread opens the repository
 * at git_repository_path(repo) again, as the scan does (from the
 * environment, so a hook's quarantine holds), with a diffstat engine
 * of its own; the packs are read through one kvmd_packs (lib/pack.h)
 * with git's delta-base cache, shared by the threads.  `repo` itself
 * is only read for its path.  The diff.<driver>.binary settings are
 * not read, as by kvmd_patchid_commit().  Memory: 24 bytes a commit
 * for the ids waiting for their turn, besides the cache.
 *
 * Returns 0 when every commit was handed to `cb`; the non-zero value
 * `cb` returned, which stops the run (no call after it), with `err`
 * untouched; or -1 with the reason in `err` (a missing object, a
 * thread that cannot start), after the calls for the commits before
 * the failing one.
 */
int kvmd_patchid_commits(git_repository *repo, const git_oid *commits, size_t n,
			 int jobs,
			 int (*cb)(const git_oid *commit, const git_oid *id, void *data),
			 void *data, struct kvmd_buf *err);

/*
 * The id of `text` (`len` bytes), one or more files of a diff in git's
 * format, by git's rules alone: what kvmd_patchid_mail() hashes once
 * libgit2 has parsed the diff.  Returns 0, or 1 when there is nothing
 * to hash.  Exposed for tests and for callers that hold diff text.
 */
int kvmd_patchid_text(git_oid *out, const char *text, size_t len);

#endif
