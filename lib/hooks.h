#ifndef KVMD_HOOKS_H
#define KVMD_HOOKS_H

#include <git2.h>

struct kvmd_buf;
struct kvmd_config;

/*
 * The hooks that make digests automatic: `post-merge` (after a pull or
 * merge) and `reference-transaction` (git has no post-fetch hook; this
 * one sees every ref a fetch updates).  A hook that was already there is
 * kept as `<name>.kvmdigest-orig` and our script runs it first, with
 * `$0` still the hook's own name, the same arguments and input, and
 * exits with its status.
 */

/* The names of the hooks we install, NULL-terminated. */
extern const char *const kvmd_hook_names[];

/*
 * The line that says a hook file is ours: a whole line of the file,
 * exactly this, never a substring (a user's hook may call us).
 */
#define KVMD_HOOK_MARKER "# Installed by git kvmdigest install-hooks: this line marks the hook as ours."

/* kvmd_hooks_install() flags: the post-merge hook only (see --no-fetch-hook). */
#define KVMD_HOOKS_NO_FETCH 1

/*
 * The directory git runs `repo`'s hooks from: core.hooksPath when set
 * (relative to the work tree, or the git directory when bare), else the
 * common git directory's hooks/ (shared by worktrees).  core.hooksPath
 * is read from `cfg`, so that `git -c core.hooksPath=...` counts too.
 * 0 or -1.
 */
int kvmd_hooks_dir(struct kvmd_buf *out, git_repository *repo, struct kvmd_config *cfg,
		   struct kvmd_buf *err);

/*
 * The directory the hook scripts are installed from: $KVMD_HOOKS_DIR,
 * else hooks/ beside the running program (a build tree), else the
 * installed share directory.
 */
void kvmd_hooks_source(struct kvmd_buf *out, const char *sharedir);

/*
 * Installs the hooks from `src` into `dir` (with KVMD_HOOKS_NO_FETCH in
 * `flags`, post-merge only, and our reference-transaction hook is
 * removed).  Installing again changes nothing.  Returns 0 or -1 with a
 * message in `err`; `report` (when not NULL) gets one line per hook
 * saying what was done.
 */
int kvmd_hooks_install(const char *dir, const char *src, unsigned flags,
		       struct kvmd_buf *report, struct kvmd_buf *err);

/*
 * Removes our hooks and puts back what was there before, bytes and mode
 * (a rename); 0 or -1.
 */
int kvmd_hooks_uninstall(const char *dir, struct kvmd_buf *report, struct kvmd_buf *err);

#endif
