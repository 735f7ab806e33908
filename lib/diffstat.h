#ifndef KVMD_DIFFSTAT_H
#define KVMD_DIFFSTAT_H

#include <git2.h>

struct kvmd_buf;
struct kvmd_config;

/*
 * The diffstat of a commit against its first parent (the root commit
 * against the empty tree, as `--root` does), byte for byte as
 * `git format-patch -1 --stdout <commit>` (git 2.39, default
 * configuration) prints it between the `---` line and the diff:
 *
 *	 lib/foo.c             | 12 +++++++-----
 *	 {old => new}/bar.h    |  0
 *	 data.bin              | Bin 0 -> 1234 bytes
 *	 3 files changed, 7 insertions(+), 5 deletions(-)
 *	 create mode 100644 data.bin
 *	 rename {old => new}/bar.h (100%)
 *
 * that is the per-file lines (72-column mail width, names shortened
 * with "...", the graph scaled, binary files by size, paths quoted as
 * git quotes them), the summary line, then the create/delete/rename/
 * mode change lines.  Renames are found as format-patch finds them by
 * default: exact, same-basename and best-match renames of at least
 * 50% similarity by git's own measure, no copies, no inexact renames
 * when more than 1000 x 1000 pairs would have to be compared.
 *
 * Every line ends in "\n".  The blank line that format-patch prints
 * after the block, before the diff, is not part of it.  A commit that
 * changes nothing gives an empty block.  Merge commits get the stat
 * against their first parent, which is not what format-patch shows
 * for them; callers skip merges.
 *
 * Known differences, none of which a usual history meets: blobs above
 * core.bigFileThreshold (512 MiB) are read and judged by content where
 * git calls them binary unread; configuration that changes
 * format-patch's output (diff.renames, diff.renameLimit,
 * core.quotePath, diff.orderFile, ...) is not read, except
 * diff.<driver>.binary for the "diff" attribute.
 */
struct kvmd_diffstat;

/*
 * A diffstat engine for `repo`, which must outlive it.  An engine
 * serves one thread, one commit at a time; create it once per run,
 * as it keeps its buffers, and the blobs of the last commit (up to
 * 64 MiB) for the next one, whose old side they often are.
 * `config` (may be NULL) gives diff.<driver>.binary, `git -c` included,
 * and must outlive the engine too; it is only read, so one serves every
 * thread.  Returns 0 or a negative libgit2 error code; free with
 * kvmd_diffstat_free().
 */
int kvmd_diffstat_new(struct kvmd_diffstat **out, git_repository *repo,
		      struct kvmd_config *config);
void kvmd_diffstat_free(struct kvmd_diffstat *ds);

/*
 * Appends the block of `commit`, whose tree is `tree` (read by the
 * caller, who has it already), to `out`.  Returns 0, or a negative
 * libgit2 error code (a missing object, say) with nothing appended.
 */
int kvmd_diffstat_commit(struct kvmd_buf *out, struct kvmd_diffstat *ds,
			 git_commit *commit, git_tree *tree);

/*
 * One file pair of a commit, as the diffstat found it: the pairs come
 * in the order git shows them, renames found by git's rules and
 * measure.  Everything points into the engine and lives until the
 * callback returns.
 */
struct kvmd_diffstat_file {
	char status;		/* 'A', 'D', 'M', 'T' (type change) or 'R' */
	const char *old_path, *new_path;	/* equal unless renamed */
	unsigned old_mode, new_mode;	/* 0: that side is not there */
	const git_oid *old_id, *new_id;	/* zero for a side not there */
	int similarity;		/* percent, as git prints it, for 'R' */
	int binary;		/* either side is binary, by git's rules */
	int same;		/* same content: a pure rename or mode change */
	/*
	 * The content of each side, unless `same`: a blob (NULL for a
	 * side that is not there or a submodule) and its bytes ("" for a
	 * side not there, "Subproject commit <hex>\n" for a submodule).
	 */
	const git_blob *old_blob, *new_blob;
	const unsigned char *old_data, *new_data;
	size_t old_size, new_size;
};

/*
 * As kvmd_diffstat_commit(), calling `cb` (unless NULL) with each
 * file pair before appending the block, in the same tree walk: for a
 * caller that needs more of the diff than its stat (lib/patchid.c).
 * A negative return from `cb` stops the walk and is returned.  With
 * `out` NULL there is no block, and the lines are not counted: the
 * pairs alone, for a caller that diffs their content itself.
 */
typedef int (*kvmd_diffstat_file_cb)(const struct kvmd_diffstat_file *file,
				     void *payload);
int kvmd_diffstat_commit_files(struct kvmd_buf *out, struct kvmd_diffstat *ds,
			       git_commit *commit, git_tree *tree,
			       kvmd_diffstat_file_cb cb, void *payload);

#endif
