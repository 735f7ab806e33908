#ifndef KVMD_PATCHID_H
#define KVMD_PATCHID_H

#include <git2.h>

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
 * files does not matter.  git 2.39 hashes a binary patch as the text
 * it is given: the "GIT binary patch" of a mail and the "Binary files
 * ... differ" line of `git log -p` give different ids for the same
 * change, here as in git.
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
 * reason in `err`.
 */
int kvmd_patchid_mail(git_oid *out, const char *body, size_t len,
		      struct kvmd_buf *err);

/*
 * The id of commit `c` of `repo` against its first parent (a root
 * commit against the empty tree), as `git log -p --format='commit %H'
 * | git patch-id --stable` prints it: renames found as `git log`
 * finds them by default (50% similar, at most 1000 x 1000 pairs, no
 * copies).  A merge gets the id of its diff against the first parent,
 * which `git log -p` does not show; callers skip merges.
 *
 * Returns 0 with the id in `out`; 1 when the commit changes nothing
 * (`out` is zeroed); -1 on a libgit2 error (a missing object), with
 * the reason in `err`.
 *
 * Known differences (t/t3300-patchid.sh keeps the first as a known
 * breakage): libgit2's similarity measure, not git's, gives the
 * percentage of an inexact rename ("similarity index", which is
 * hashed), so such a commit can get another id; a binary file is
 * hashed by the names on its "index" line, which libgit2 abbreviates
 * to core.abbrev (7 by default) where git's automatic length grows
 * with the repository (12 digits in a kernel checkout); libgit2's test
 * for binary content is not git's for a file with control characters
 * but no NUL.  Reusing the diffstat's rename detection
 * (lib/diffstat.c, git's measure) would remove the first.
 */
int kvmd_patchid_commit(git_oid *out, git_repository *repo, const git_commit *c,
			struct kvmd_buf *err);

/*
 * The id of `text` (`len` bytes), one or more files of a diff in git's
 * format, by git's rules alone: what kvmd_patchid_mail() hashes once
 * libgit2 has parsed the diff.  Returns 0, or 1 when there is nothing
 * to hash.  Exposed for tests and for callers that hold diff text.
 */
int kvmd_patchid_text(git_oid *out, const char *text, size_t len);

#endif
