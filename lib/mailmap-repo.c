#include "mailmap-repo.h"
#include "buf.h"
#include "config.h"
#include "mailmap.h"
#include "usage.h"

#include <stdlib.h>

static void add_file(struct kvmd_mailmap *mm, const char *path)
{
	struct kvmd_buf b = KVMD_BUF_INIT;

	/* git skips a mailmap it cannot read, too */
	if (kvmd_buf_read_file(&b, path) == 0)
		kvmd_mailmap_add_text(mm, b.ptr, b.len);
	kvmd_buf_release(&b);
}

static void add_blob(struct kvmd_mailmap *mm, git_repository *repo, const char *spec)
{
	git_object *obj = NULL;

	if (git_revparse_single(&obj, repo, spec) == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB)
		kvmd_mailmap_add_text(mm, git_blob_rawcontent((git_blob *)obj),
				      (size_t)git_blob_rawsize((git_blob *)obj));
	git_object_free(obj);
}

int kvmd_mailmap_load(struct kvmd_mailmap **out, git_repository *repo,
		      struct kvmd_config *cfg, struct kvmd_buf *err)
{
	struct kvmd_mailmap *mm = kvmd_mailmap_new();
	struct kvmd_config *own = cfg ? NULL : kvmd_config_open(repo);
	const char *workdir = git_repository_workdir(repo);
	const char *blob, *file;

	*out = NULL;
	if (!mm) {
		kvmd_buf_addf(err, "cannot make a mailmap: %s", kvmd_git_error());
		kvmd_config_free(own);
		return -1;
	}
	if (own)
		cfg = own;
	blob = kvmd_config_get(cfg, "mailmap.blob");
	file = kvmd_config_get(cfg, "mailmap.file");
	if (workdir) {
		struct kvmd_buf path = KVMD_BUF_INIT;
		kvmd_buf_addf(&path, "%s.mailmap", workdir);
		add_file(mm, path.ptr);
		kvmd_buf_release(&path);
	}
	if (!blob && git_repository_is_bare(repo))
		blob = "HEAD:.mailmap";
	if (blob && *blob)
		add_blob(mm, repo, blob);
	if (file && *file) {
		struct kvmd_buf path = KVMD_BUF_INIT;
		if (file[0] == '~' && file[1] == '/' && getenv("HOME"))
			kvmd_buf_addf(&path, "%s/%s", getenv("HOME"), file + 2);
		else
			kvmd_buf_adds(&path, file);
		add_file(mm, path.ptr);
		kvmd_buf_release(&path);
	}
	kvmd_config_free(own);
	*out = mm;
	return 0;
}

