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

/*
 * What git says of an argument that names no revision (its
 * verify_non_filename() and friends), word for word: users search for
 * it, and scripts match it.
 */
static void unknown_revision(struct kvmd_buf *err, const char *spec)
{
	kvmd_buf_addf(err, "ambiguous argument '%s': unknown revision or path not in the working tree.\n"
		      "Use '--' to separate paths from revisions, like this:\n"
		      "'git <command> [<revision>...] -- [<file>...]'", spec);
}

/* Does libgit2's error say that a name resolves to nothing? */
static int is_unknown(int error)
{
	return error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC;
}

int kvmd_range_parse(struct kvmd_range *out, git_repository *repo,
		     const char *spec, struct kvmd_buf *err)
{
	git_revspec rs = { 0 };
	git_oid old, new;
	const char *dots = strstr(spec, "..");
	int ret = -1, error;

	memset(out, 0, sizeof(*out));
	if (!dots) {
		/* one revision: all that is reachable from it */
		git_object *obj = NULL;

		error = git_revparse_single(&obj, repo, spec);
		if (is_unknown(error))
			unknown_revision(err, spec);
		else if (error < 0)
			kvmd_buf_addf(err, "bad revision '%s': %s", spec, kvmd_git_error());
		else if ((error = peel_commit(&new, obj, spec, err)) == 0)
			kvmd_range_set(out, NULL, &new);
		git_object_free(obj);
		return error < 0 ? -1 : 0;
	}
	if (dots == spec || !dots[2]) {
		kvmd_buf_addf(err, "'%s' is not a range: give <old>..<new> or one revision", spec);
		return -1;
	}
	if (dots[2] == '.') {
		kvmd_buf_addf(err, "'%s': symmetric ranges are not supported, give <old>..<new>", spec);
		return -1;
	}
	if ((error = git_revparse(&rs, repo, spec)) < 0) {
		/* libgit2 1.5 keeps `from` when `to` fails: freed below */
		if (is_unknown(error))
			unknown_revision(err, spec);
		else
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
