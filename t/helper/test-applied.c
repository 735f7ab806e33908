/*
 * test-applied - drive lib/applied.c on the archive index of the
 * repository at (or above) the current directory, in one index run
 *
 *   test-applied [--jobs=<n>] refresh <pattern>...
 *   test-applied for-mail <pattern>... -- <message-id>...
 *   test-applied posted <commit>...
 *
 * refresh: walks the applied refs `<pattern>...` match into the index
 * and prints "refs <n> walked <n> hashed <n> bound <date>".
 * for-mail: prints, for each Message-ID, "<message-id> <commit> <ref>
 * <patch-id|subject>" for each commit it became (no refresh).
 * posted: for each commit, its patch-id computed by
 * kvmd_patchid_commit(), prints "<commit> <message-id> v<version>
 * <n>/<N> <patch-id|subject>", or "<commit> none".
 * Exit status: 0, or 1 on any error (reported on stderr).
 */
#include "applied.h"
#include "buf.h"
#include "index.h"
#include "patchid.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_match(const struct kvmd_applied_match *m, void *data)
{
	(void)data;
	printf("%s %s %s %s\n", m->message_id, m->commit, m->ref, kvmd_applied_how_name(m->how));
	return 0;
}

static int posted(struct kvmd_applied *a, git_repository *repo, const char *rev,
		  struct kvmd_buf *err)
{
	struct kvmd_applied_post post;
	git_object *obj = NULL;
	git_oid id;
	int ret, empty;

	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_type(obj) != GIT_OBJECT_COMMIT) {
		kvmd_buf_addf(err, "not a commit: %s", rev);
		git_object_free(obj);
		return -1;
	}
	empty = kvmd_patchid_commit(&id, repo, (git_commit *)obj, err);
	if (empty < 0 ||
	    (ret = kvmd_applied_posted(&post, a, (git_commit *)obj, empty ? NULL : &id, err)) < 0) {
		git_object_free(obj);
		return -1;
	}
	if (ret)
		printf("%s %s v%d %d/%d %s\n", rev, post.message_id, post.version, post.number,
		       post.total, kvmd_applied_how_name(post.how));
	else
		printf("%s none\n", rev);
	git_object_free(obj);
	return 0;
}

int main(int argc, char **argv)
{
	struct kvmd_buf path = KVMD_BUF_INIT, err = KVMD_BUF_INIT;
	git_repository *repo = NULL;
	struct kvmd_index *ix = NULL;
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_stats stats;
	const char *cmd;
	int jobs = 1, i, npat, ret = 1;

	git_libgit2_init();
	if (argc > 1 && !strncmp(argv[1], "--jobs=", 7)) {
		jobs = atoi(argv[1] + 7);
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: test-applied [--jobs=<n>] refresh|for-mail|posted ...\n");
		return 129;
	}
	cmd = argv[1];
	argv += 2;
	argc -= 2;
	for (npat = 0; npat < argc && strcmp(argv[npat], "--"); npat++)
		;
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		fprintf(stderr, "error: %s\n", git_error_last()->message);
		goto cleanup;
	}
	kvmd_index_path(&path, repo);
	if (kvmd_index_begin(&ix, path.ptr, 10000, 0, NULL, &err) < 0 ||
	    kvmd_applied_open(&a, ix, repo, (const char *const *)argv,
			      !strcmp(cmd, "posted") ? 0 : (size_t)npat, &err) < 0)
		goto fail;
	if (!strcmp(cmd, "refresh")) {
		if (kvmd_applied_refresh(a, jobs, &stats, &err) < 0)
			goto fail;
		printf("refs %zu walked %zu hashed %zu bound %lld\n", stats.refs, stats.walked,
		       stats.hashed, (long long)stats.bound);
	} else if (!strcmp(cmd, "for-mail")) {
		if (npat < argc &&
		    kvmd_applied_for_mail(a, (const char *const *)argv + npat + 1,
					  (size_t)(argc - npat - 1), print_match, NULL, &err) < 0)
			goto fail;
	} else if (!strcmp(cmd, "posted")) {
		for (i = 0; i < argc; i++)
			if (posted(a, repo, argv[i], &err) < 0)
				goto fail;
	} else {
		fprintf(stderr, "unknown command: %s\n", cmd);
		goto cleanup;
	}
	kvmd_applied_free(a);
	a = NULL;
	if (kvmd_index_commit(ix, &err) < 0)
		goto fail;
	ret = 0;
	goto cleanup;

fail:
	fprintf(stderr, "error: %s\n", err.ptr);
cleanup:
	kvmd_applied_free(a);
	kvmd_index_free(ix);
	git_repository_free(repo);
	kvmd_buf_release(&path);
	kvmd_buf_release(&err);
	git_libgit2_shutdown();
	return ret;
}
