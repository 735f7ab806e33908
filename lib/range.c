#include "range.h"
#include "buf.h"
#include "usage.h"

#include <string.h>

void kvmd_range_set(struct kvmd_range *out, const git_oid *old, const git_oid *new)
{
	memset(out, 0, sizeof(*out));
	if (old) {
		git_oid_cpy(&out->old, old);
		out->has_old = 1;
		git_oid_tostr(out->old_hex, sizeof(out->old_hex), old);
	}
	git_oid_cpy(&out->new, new);
	git_oid_tostr(out->new_hex, sizeof(out->new_hex), new);
}

static int peel_commit(git_oid *out, git_object *obj, const char *name,
		       struct kvmd_buf *err)
{
	git_object *peeled = NULL;

	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		kvmd_buf_addf(err, "'%s' does not name a commit", name);
		return -1;
	}
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	return 0;
}

int kvmd_range_parse(struct kvmd_range *out, git_repository *repo,
		     const char *spec, struct kvmd_buf *err)
{
	git_revspec rs = { 0 };
	git_oid old, new;
	const char *dots = strstr(spec, "..");
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!dots || dots == spec || !dots[2]) {
		kvmd_buf_addf(err, "'%s' is not a range: give <old>..<new>", spec);
		return -1;
	}
	if (dots[2] == '.') {
		kvmd_buf_addf(err, "'%s': symmetric ranges are not supported, give <old>..<new>", spec);
		return -1;
	}
	if (git_revparse(&rs, repo, spec) < 0) {
		/* libgit2 1.5 keeps `from` when `to` fails: freed below */
		kvmd_buf_addf(err, "bad range '%s': %s", spec, kvmd_git_error());
		goto cleanup;
	}
	if (!(rs.flags & GIT_REVSPEC_RANGE) || !rs.from || !rs.to) {
		kvmd_buf_addf(err, "'%s' is not a range: give <old>..<new>", spec);
		goto cleanup;
	}
	if (peel_commit(&old, rs.from, spec, err) < 0 ||
	    peel_commit(&new, rs.to, spec, err) < 0)
		goto cleanup;
	kvmd_range_set(out, &old, &new);
	ret = 0;

cleanup:
	git_object_free(rs.from);
	git_object_free(rs.to);
	return ret;
}

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

int kvmd_range_classify(git_oid *blob, git_repository *repo, git_commit *commit,
			git_tree *tree)
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
	} else {
		ret = KVMD_COMMIT_CODE;
	}
	return ret;
}
