#include "hooks.h"
#include "buf.h"
#include "config.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const kvmd_hook_names[] = { "post-merge", "reference-transaction", NULL };

#define ORIG_SUFFIX ".kvmdigest-orig"

int kvmd_hooks_dir(struct kvmd_buf *out, git_repository *repo, struct kvmd_config *cfg,
		   struct kvmd_buf *err)
{
	git_buf path = { 0 };
	const char *hooks_path = kvmd_config_get(cfg, "core.hooksPath");
	int ret = -1;

	kvmd_buf_reset(out);
	if (hooks_path && *hooks_path) {
		if (hooks_path[0] == '/') {
			kvmd_buf_adds(out, hooks_path);
		} else if (hooks_path[0] == '~' && hooks_path[1] == '/' && getenv("HOME")) {
			kvmd_buf_addf(out, "%s/%s", getenv("HOME"), hooks_path + 2);
		} else {
			/* git runs hooks from the top of the work tree (the git dir when bare) */
			const char *base = git_repository_workdir(repo);
			if (!base)
				base = git_repository_path(repo);
			kvmd_buf_addf(out, "%s%s%s", base,
				      base[strlen(base) - 1] == '/' ? "" : "/", hooks_path);
		}
		ret = 0;
	} else if (git_repository_item_path(&path, repo, GIT_REPOSITORY_ITEM_HOOKS) == 0) {
		kvmd_buf_adds(out, path.ptr);
		ret = 0;
	} else {
		kvmd_buf_addf(err, "cannot find the hooks directory: %s", kvmd_git_error());
	}
	while (out->len > 1 && out->ptr[out->len - 1] == '/')
		kvmd_buf_truncate(out, out->len - 1);
	git_buf_dispose(&path);
	return ret;
}

static int is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

void kvmd_hooks_source(struct kvmd_buf *out, const char *sharedir)
{
	const char *env = getenv("KVMD_HOOKS_DIR");
	char exe[4096];
	ssize_t n;

	kvmd_buf_reset(out);
	if (env && *env) {
		kvmd_buf_adds(out, env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			kvmd_buf_add(out, exe, (size_t)(slash - exe));
			kvmd_buf_adds(out, "/hooks");
			if (is_dir(out->ptr))
				return;
			kvmd_buf_reset(out);
		}
	}
	kvmd_buf_addf(out, "%s/hooks", sharedir);
}

/* Reads a whole small file; returns NULL (errno set) when it cannot. */
static char *read_file(const char *path, size_t *len)
{
	struct kvmd_buf b = KVMD_BUF_INIT;

	if (kvmd_buf_read_file(&b, path) < 0) {
		kvmd_buf_release(&b);
		return NULL;
	}
	return kvmd_buf_detach(&b, len);
}

/* The first lines of the scripts before KVMD_HOOK_MARKER, whole lines too. */
static const char *const legacy_markers[] = {
	"# git-kvmdigest hook: digest what a pull or merge brought, ORIG_HEAD..HEAD,",
	"# git-kvmdigest hook: git has no post-fetch hook, so this one digests,",
	NULL,
};

static int has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line), at = 0;

	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t l = nl ? (size_t)(nl - text - at) : len - at;

		if (l == n && !memcmp(text + at, line, n))
			return 1;
		at += l + 1;
	}
	return 0;
}

/* Ours only when a whole line is our marker: a user's hook that calls us is not. */
static int is_ours(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	const char *const *m;
	int ours = text && has_line(text, len, KVMD_HOOK_MARKER);

	for (m = legacy_markers; text && !ours && *m; m++)
		ours = has_line(text, len, *m);
	free(text);
	return ours;
}

static int exists(const char *path)
{
	struct stat st;
	return !lstat(path, &st);
}

/* Writes `text` to `path` through a temporary file and a rename. */
static int write_hook(const char *path, const char *text, size_t len, struct kvmd_buf *err)
{
	struct kvmd_buf tmp = KVMD_BUF_INIT;
	FILE *f;
	int ret = -1;

	kvmd_buf_addf(&tmp, "%s.kvmdigest-tmp", path);
	f = fopen(tmp.ptr, "wb");
	if (!f) {
		kvmd_buf_addf(err, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto cleanup;
	}
	if (fwrite(text, 1, len, f) != len || fclose(f)) {
		kvmd_buf_addf(err, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		unlink(tmp.ptr);
		goto cleanup;
	}
	if (chmod(tmp.ptr, 0755) || rename(tmp.ptr, path)) {
		kvmd_buf_addf(err, "cannot install '%s': %s", path, strerror(errno));
		unlink(tmp.ptr);
		goto cleanup;
	}
	ret = 0;

cleanup:
	kvmd_buf_release(&tmp);
	return ret;
}

static int install_one(const char *dir, const char *src, const char *name,
		       struct kvmd_buf *report, struct kvmd_buf *err)
{
	struct kvmd_buf target = KVMD_BUF_INIT, orig = KVMD_BUF_INIT, from = KVMD_BUF_INIT;
	char *text = NULL, *current = NULL;
	size_t len, cur_len;
	int ret = -1;

	kvmd_buf_addf(&target, "%s/%s", dir, name);
	kvmd_buf_addf(&orig, "%s/%s%s", dir, name, ORIG_SUFFIX);
	kvmd_buf_addf(&from, "%s/%s", src, name);
	text = read_file(from.ptr, &len);
	if (!text) {
		kvmd_buf_addf(err, "cannot read the hook script '%s': %s", from.ptr, strerror(errno));
		goto cleanup;
	}
	if (exists(target.ptr) && is_ours(target.ptr)) {
		current = read_file(target.ptr, &cur_len);
		if (current && cur_len == len && !memcmp(current, text, len)) {
			if (report)
				kvmd_buf_addf(report, "%s: already installed\n", target.ptr);
			ret = 0;
			goto cleanup;
		}
		/* ours, but an older script: replace it, keep the saved original */
	} else if (exists(target.ptr)) {
		if (exists(orig.ptr)) {
			kvmd_buf_addf(err, "'%s' exists already; not touching '%s'",
				      orig.ptr, target.ptr);
			goto cleanup;
		}
		if (rename(target.ptr, orig.ptr)) {
			kvmd_buf_addf(err, "cannot keep '%s' as '%s': %s", target.ptr,
				      orig.ptr, strerror(errno));
			goto cleanup;
		}
		if (report)
			kvmd_buf_addf(report, "%s: kept the existing hook as %s%s, run first\n",
				      target.ptr, name, ORIG_SUFFIX);
	}
	if (write_hook(target.ptr, text, len, err) < 0) {
		/* put the original back rather than leave no hook at all */
		if (exists(orig.ptr) && !exists(target.ptr))
			rename(orig.ptr, target.ptr);
		goto cleanup;
	}
	if (report)
		kvmd_buf_addf(report, "%s: installed\n", target.ptr);
	ret = 0;

cleanup:
	free(text);
	free(current);
	kvmd_buf_release(&target);
	kvmd_buf_release(&orig);
	kvmd_buf_release(&from);
	return ret;
}

static int uninstall_one(const char *dir, const char *name, struct kvmd_buf *report,
			 struct kvmd_buf *err);

int kvmd_hooks_install(const char *dir, const char *src, unsigned flags,
		       struct kvmd_buf *report, struct kvmd_buf *err)
{
	const char *const *name;

	if (!is_dir(dir) && mkdir(dir, 0777) && errno != EEXIST) {
		kvmd_buf_addf(err, "cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	for (name = kvmd_hook_names; *name; name++) {
		int fetch_hook = !strcmp(*name, "reference-transaction");

		if (fetch_hook && (flags & KVMD_HOOKS_NO_FETCH)) {
			if (uninstall_one(dir, *name, report, err) < 0)
				return -1;
		} else if (install_one(dir, src, *name, report, err) < 0) {
			return -1;
		}
	}
	return 0;
}

int kvmd_hooks_uninstall(const char *dir, struct kvmd_buf *report, struct kvmd_buf *err)
{
	const char *const *name;

	for (name = kvmd_hook_names; *name; name++)
		if (uninstall_one(dir, *name, report, err) < 0)
			return -1;
	return 0;
}

static int uninstall_one(const char *dir, const char *name, struct kvmd_buf *report,
			 struct kvmd_buf *err)
{
	int ret = 0;

	{
		struct kvmd_buf target = KVMD_BUF_INIT, orig = KVMD_BUF_INIT;

		kvmd_buf_addf(&target, "%s/%s", dir, name);
		kvmd_buf_addf(&orig, "%s/%s%s", dir, name, ORIG_SUFFIX);
		if (!exists(target.ptr) || !is_ours(target.ptr)) {
			if (report && exists(target.ptr))
				kvmd_buf_addf(report, "%s: not ours, left alone\n", target.ptr);
		} else if (exists(orig.ptr)) {
			/* rename() keeps the original's bytes and mode exactly */
			if (rename(orig.ptr, target.ptr)) {
				kvmd_buf_addf(err, "cannot restore '%s': %s", target.ptr, strerror(errno));
				ret = -1;
			} else if (report) {
				kvmd_buf_addf(report, "%s: restored the original hook\n", target.ptr);
			}
		} else if (unlink(target.ptr)) {
			kvmd_buf_addf(err, "cannot remove '%s': %s", target.ptr, strerror(errno));
			ret = -1;
		} else if (report) {
			kvmd_buf_addf(report, "%s: removed\n", target.ptr);
		}
		kvmd_buf_release(&target);
		kvmd_buf_release(&orig);
	}
	return ret;
}
