#ifndef KVMD_DIFFSTAT_H
#define KVMD_DIFFSTAT_H

#include <git2.h>

struct kvmd_buf;

/*
 * The diffstat of a commit against its first parent (the root commit
 * against the empty tree, as `--root` does), exactly as
 * `git format-patch -1 --stdout <commit>` prints it between the `---`
 * line and the diff: the per-file lines (git's 72-column mail width,
 * name shortening with `...` and graph scaling), binary files, renames
 * as git detects them by default, the summary line, then the
 * create/delete/rename/mode lines.  Every line ends in a newline.
 *
 * One diffstat engine serves one thread; create it once per run.
 */
struct kvmd_diffstat;

int kvmd_diffstat_new(struct kvmd_diffstat **out, git_repository *repo);
void kvmd_diffstat_free(struct kvmd_diffstat *ds);

/* Appends the block to `out`; 0, or a negative libgit2 error code. */
int kvmd_diffstat_commit(struct kvmd_buf *out, struct kvmd_diffstat *ds,
			 git_commit *commit);

#endif
