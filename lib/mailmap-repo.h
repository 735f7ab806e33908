#ifndef KVMD_MAILMAP_REPO_H
#define KVMD_MAILMAP_REPO_H

#include <git2.h>

struct kvmd_buf;
struct kvmd_config;
struct kvmd_mailmap;

/*
 * The repository's mailmap, read as git reads it: `.mailmap` at the top
 * of the work tree, then mailmap.blob (HEAD:.mailmap by default in a bare
 * repository), then mailmap.file, later entries winning, with `git -c`
 * overrides seen through `cfg` (NULL: the repository's own configuration).
 * libgit2's git_mailmap_from_repository reads no `git -c`.
 *
 * 0 with a map in `*out` (free it with kvmd_mailmap_free), or -1 with a
 * message in `err`.  An unreadable mailmap.file is skipped, as git does.
 */
int kvmd_mailmap_load(struct kvmd_mailmap **out, git_repository *repo,
		      struct kvmd_config *cfg, struct kvmd_buf *err);

#endif
