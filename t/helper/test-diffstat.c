/*
 * test-diffstat - print kvmd_diffstat_commit()'s block for commits
 *
 *   test-diffstat <commit-ish>...
 *   test-diffstat --stdin
 *
 * Opens the repository at (or above) the current directory.  With
 * arguments, prints the block of each commit in turn.  With --stdin,
 * reads one commit-ish a line and prints "commit <hex>" before each
 * block, so that a whole history can be checked in one run.
 * Exit status: 0, or 1 on any error (reported on stderr).
 */
#include "buf.h"
#include "config.h"
#include "diffstat.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

static int report(const char *what, const char *arg)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "error: %s '%s': %s\n", what, arg,
		e && e->message ? e->message : "unknown error");
	return -1;
}

/* Append the block of `spec` to `out`, after a "commit" line if asked. */
static int show_one(struct kvmd_buf *out, git_repository *repo,
		    struct kvmd_diffstat *ds, const char *spec, int header)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int error;

	if ((error = git_revparse_single(&obj, repo, spec)) < 0 ||
	    (error = git_object_peel((git_object **)&commit, obj,
				     GIT_OBJECT_COMMIT)) < 0) {
		error = report("cannot resolve", spec);
		goto cleanup;
	}
	if (header) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
		kvmd_buf_addf(out, "commit %s\n", hex);
	}
	if ((error = git_commit_tree(&tree, commit)) < 0 ||
	    (error = kvmd_diffstat_commit(out, ds, commit, tree)) < 0)
		error = report("cannot diffstat", spec);

cleanup:
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return error;
}

static int flush(struct kvmd_buf *out)
{
	int error = 0;

	if (fwrite(out->ptr, 1, out->len, stdout) != out->len)
		error = -1;
	kvmd_buf_reset(out);
	return error;
}

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	struct kvmd_diffstat *ds = NULL;
	struct kvmd_config *cfg = NULL;
	struct kvmd_buf out = KVMD_BUF_INIT;
	char line[4096];
	int i, error = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: test-diffstat (<commit-ish>... | --stdin)\n");
		return 129;
	}
	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		error = report("cannot open repository", ".");
		goto cleanup;
	}
	cfg = kvmd_config_open(repo);
	if ((error = kvmd_diffstat_new(&ds, repo, cfg)) < 0) {
		error = report("cannot set up diffstat in", ".");
		goto cleanup;
	}

	if (!strcmp(argv[1], "--stdin")) {
		while (!error && fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = '\0';
			if (!*line)
				continue;
			if ((error = show_one(&out, repo, ds, line, 1)) == 0)
				error = flush(&out);
		}
	} else {
		for (i = 1; !error && i < argc; i++)
			if ((error = show_one(&out, repo, ds, argv[i], 0)) == 0)
				error = flush(&out);
	}

cleanup:
	kvmd_buf_release(&out);
	kvmd_diffstat_free(ds);
	kvmd_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (fflush(stdout))
		error = -1;
	return error < 0 ? 1 : 0;
}
