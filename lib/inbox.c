#include "inbox.h"
#include "buf.h"
#include "usage.h"

#include <string.h>

/* Does every top-level entry look like a v1 archive's fan-out directory? */
static int is_v1_tree(const git_tree *tree)
{
	size_t i, n = git_tree_entrycount(tree);

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE || strlen(name) != 2 ||
		    !strchr("0123456789abcdef", name[0]) || !strchr("0123456789abcdef", name[1]))
			return 0;
	}
	return 1;
}

struct v1_added {
	git_oid blob;
	int found;
};

static int v1_file_cb(const git_diff_delta *delta, float progress, void *payload)
{
	struct v1_added *added = payload;

	(void)progress;
	if (delta->status == GIT_DELTA_ADDED && !added->found) {
		git_oid_cpy(&added->blob, &delta->new_file.id);
		added->found = 1;
	}
	return 0;
}

static int classify_v1(git_oid *blob, git_repository *repo, git_commit *commit,
		       git_tree *tree)
{
	git_commit *parent = NULL;
	git_tree *ptree = NULL;
	git_diff *diff = NULL;
	struct v1_added added = { { { 0 } }, 0 };
	int ret = -1;

	if (git_commit_parentcount(commit) &&
	    (git_commit_parent(&parent, commit, 0) < 0 ||
	     git_commit_tree(&ptree, parent) < 0))
		goto cleanup;
	if (git_diff_tree_to_tree(&diff, repo, ptree, tree, NULL) < 0 ||
	    git_diff_foreach(diff, v1_file_cb, NULL, NULL, NULL, &added) < 0)
		goto cleanup;
	if (added.found) {
		git_oid_cpy(blob, &added.blob);
		ret = KVMD_COMMIT_MAIL;
	} else {
		ret = KVMD_COMMIT_REMOVAL;
	}

cleanup:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_commit_free(parent);
	return ret;
}

/*
 * Does the first parent hold the same blob at `name`?  A tree with `m`
 * beside other files is a message only when the commit brought that `m`:
 * after an archive is merged into a kernel tree, every later code commit
 * still carries the old `m`.
 */
static int parent_has_blob(git_commit *commit, const char *name, const git_oid *id)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *e;
	int same = 0;

	if (git_commit_parentcount(commit) &&
	    git_commit_parent(&parent, commit, 0) == 0 &&
	    git_commit_tree(&tree, parent) == 0 &&
	    (e = git_tree_entry_byname(tree, name)))
		same = !git_oid_cmp(git_tree_entry_id(e), id);
	git_tree_free(tree);
	git_commit_free(parent);
	return same;
}

int kvmd_inbox_classify(git_oid *blob, git_repository *repo, git_commit *commit,
			git_tree *tree, struct kvmd_buf *err)
{
	const git_tree_entry *e;
	int ret;

	if ((e = git_tree_entry_byname(tree, "m")) &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    (git_tree_entrycount(tree) == 1 || !parent_has_blob(commit, "m", git_tree_entry_id(e)))) {
		git_oid_cpy(blob, git_tree_entry_id(e));
		ret = KVMD_COMMIT_MAIL;
	} else if ((e = git_tree_entry_byname(tree, "d")) &&
		   git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
		   git_tree_entrycount(tree) == 1) {
		ret = KVMD_COMMIT_REMOVAL;
	} else if (is_v1_tree(tree)) {
		ret = classify_v1(blob, repo, commit, tree);
		if (ret < 0 && err)
			kvmd_buf_addf(err, "cannot read its tree: %s", kvmd_git_error());
	} else {
		ret = KVMD_COMMIT_CODE;
	}
	return ret;
}

int kvmd_inbox_is_archive_commit(git_repository *repo, const git_oid *id)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid blob;
	int type = -1;

	if (git_commit_lookup(&commit, repo, id) == 0 &&
	    git_commit_tree(&tree, commit) == 0)
		type = kvmd_inbox_classify(&blob, repo, commit, tree, NULL);
	git_tree_free(tree);
	git_commit_free(commit);
	return type == KVMD_COMMIT_MAIL || type == KVMD_COMMIT_REMOVAL;
}
