/*
 * test-patchid - print the patch-ids of lib/patchid.c
 *
 *   test-patchid --mail <file>...
 *   test-patchid --parser <file>...
 *   test-patchid --commits[=fresh]
 *   test-patchid --jobs=<n> [--stop-after=<k>]
 *
 * --mail: for each file, the body of a patch mail (everything after
 * the first blank line, or the whole file when it has no header),
 * prints "<patch-id> <file>", "none <file>" when it carries no diff,
 * or "error <file>: <reason>" when the diff does not parse.
 * --parser: for each file, "libgit2 <file>" when libgit2 parsed its
 * diff (git_diff_from_buffer(), counted by the wrapper below), "own
 * <file>" when lib/patchid.c vouched for it alone.
 * --commits: reads commit-ishes, one a line, from the repository at
 * (or above) the current directory and prints "<patch-id> <commit>"
 * for each that changes something, as `git patch-id --stable` does,
 * with one diffstat engine for all (kvmd_patchid_commit_stat());
 * --commits=fresh calls kvmd_patchid_commit() for each instead.
 * --jobs=<n>: the same for the commits read (merges skipped), all in
 * one call of kvmd_patchid_commits() on <n> threads; a full object
 * name is taken as it is, there or not, the rest resolved first.  A
 * commit that changes nothing is printed with the zero id, where git
 * prints nothing.
 * --stop-after=<k>: the callback stops the run after <k> ids, by
 * returning 7, and "stopped <returned value>" is printed.
 * Exit status: 0, or 1 on any error (reported on stderr).
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "buf.h"
#include "diffstat.h"
#include "pack.h"
#include "patchid.h"

#include <dlfcn.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * libgit2's parser, counted: this program's definition is the one
 * lib/patchid.c, linked into it, calls.
 */
static unsigned long diff_parses;

int git_diff_from_buffer(git_diff **out, const char *content, size_t content_len)
{
	static int (*real)(git_diff **, const char *, size_t);

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "git_diff_from_buffer");
	diff_parses++;
	return real(out, content, content_len);
}

/* The body of a mail file: after the header's blank line, LF or CRLF. */
static const char *mail_body(const struct kvmd_buf *mail, size_t *len)
{
	const char *p = mail->ptr, *end = mail->ptr + mail->len;

	if (strncmp(p, "From ", 5) && !strchr(p, ':')) {
		*len = mail->len;
		return p;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (!nl)
			break;
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			*len = end - (nl + 1);
			return nl + 1;
		}
		p = nl + 1;
	}
	*len = 0;
	return end;
}

static int show_mail(const char *path, int parser)
{
	struct kvmd_buf mail = KVMD_BUF_INIT, err = KVMD_BUF_INIT;
	const char *body;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	size_t len;
	int ret = 0;

	if (kvmd_buf_read_file(&mail, path) < 0) {
		perror(path);
		ret = -1;
		goto cleanup;
	}
	body = mail_body(&mail, &len);
	if (parser) {
		unsigned long before = diff_parses;

		kvmd_patchid_mail(&id, body, len, &err);
		printf("%s %s\n", diff_parses > before ? "libgit2" : "own", path);
		goto cleanup;
	}
	switch (kvmd_patchid_mail(&id, body, len, &err)) {
	case 0:
		printf("%s %s\n", git_oid_tostr(hex, sizeof(hex), &id), path);
		break;
	case 1:
		printf("none %s\n", path);
		break;
	default:
		printf("error %s: %s\n", path, err.ptr);
		break;
	}

cleanup:
	kvmd_buf_release(&err);
	kvmd_buf_release(&mail);
	return ret;
}

static int show_commits(int fresh)
{
	git_repository *repo = NULL;
	struct kvmd_packs *packs = NULL;
	struct kvmd_diffstat *ds = NULL;
	struct kvmd_buf err = KVMD_BUF_INIT;
	char line[4096], hex[GIT_OID_HEXSZ + 1];
	int ret = 0;

	/* the packs read as the front end reads them, with git's cache */
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0 ||
	    !(packs = kvmd_packs_open(repo, KVMD_PACK_CACHE_DEFAULT)) ||
	    kvmd_packs_attach(repo, packs) < 0 ||
	    kvmd_diffstat_new(&ds, repo, NULL) < 0) {
		fprintf(stderr, "error: cannot open repository: %s\n",
			git_error_last()->message);
		kvmd_diffstat_free(ds);
		git_repository_free(repo);
		kvmd_packs_free(packs);
		return -1;
	}
	while (!ret && fgets(line, sizeof(line), stdin)) {
		git_object *obj = NULL;
		git_commit *commit = NULL;
		git_tree *tree = NULL;
		git_oid id;
		int got = -1;

		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (git_revparse_single(&obj, repo, line) < 0 ||
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			fprintf(stderr, "error: cannot resolve '%s'\n", line);
			ret = -1;
		} else {
			if (fresh)
				got = kvmd_patchid_commit(&id, repo, commit, &err);
			else if (git_commit_tree(&tree, commit) < 0)
				kvmd_buf_addf(&err, "cannot read tree of '%s'", line);
			else
				got = kvmd_patchid_commit_stat(&id, NULL, ds, commit,
							       tree, &err);
			switch (got) {
			case 0:
				printf("%s ", git_oid_tostr(hex, sizeof(hex), &id));
				printf("%s\n", git_oid_tostr(hex, sizeof(hex),
							     git_commit_id(commit)));
				break;
			case 1:
				break;
			default:
				fprintf(stderr, "error: %s\n", err.ptr);
				ret = -1;
			}
		}
		git_tree_free(tree);
		git_commit_free(commit);
		git_object_free(obj);
	}
	kvmd_buf_release(&err);
	kvmd_diffstat_free(ds);
	git_repository_free(repo);
	kvmd_packs_free(packs);
	return ret;
}

/* `data`: how many ids to print before stopping the run, -1 for all. */
static int print_id(const git_oid *commit, const git_oid *id, void *data)
{
	long *left = data;
	char hex[GIT_OID_HEXSZ + 1];

	if (*left == 0)
		return 7;
	if (*left > 0)
		(*left)--;
	printf("%s ", git_oid_tostr(hex, sizeof(hex), id));
	printf("%s\n", git_oid_tostr(hex, sizeof(hex), commit));
	return 0;
}

/* The commits read, all at once, through kvmd_patchid_commits(). */
static int show_commits_jobs(int jobs, long stop_after)
{
	git_repository *repo = NULL;
	struct kvmd_packs *packs = NULL;
	struct kvmd_buf err = KVMD_BUF_INIT;
	git_oid *ids = NULL;
	size_t nr = 0, alloc = 0;
	char line[4096];
	int ret = 0, got;

	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0 ||
	    !(packs = kvmd_packs_open(repo, KVMD_PACK_CACHE_DEFAULT)) ||
	    kvmd_packs_attach(repo, packs) < 0) {
		fprintf(stderr, "error: cannot open repository: %s\n",
			git_error_last()->message);
		ret = -1;
		goto cleanup;
	}
	while (fgets(line, sizeof(line), stdin)) {
		git_object *obj = NULL;

		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		KVMD_ALLOC_GROW(ids, nr + 1, alloc);
		if (strlen(line) == GIT_OID_HEXSZ && !git_oid_fromstr(&ids[nr], line)) {
			nr++;
			continue;
		}
		if (git_revparse_single(&obj, repo, line) < 0) {
			fprintf(stderr, "error: cannot resolve '%s'\n", line);
			ret = -1;
			goto cleanup;
		}
		git_oid_cpy(&ids[nr++], git_object_id(obj));
		git_object_free(obj);
	}
	got = kvmd_patchid_commits(repo, ids, nr, jobs, print_id, &stop_after, &err);
	if (got < 0) {
		fprintf(stderr, "error: %s\n", err.ptr);
		ret = -1;
	} else if (got) {
		printf("stopped %d\n", got);
	}

cleanup:
	free(ids);
	kvmd_buf_release(&err);
	git_repository_free(repo);
	kvmd_packs_free(packs);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	int commits = argc == 2 && (!strcmp(argv[1], "--commits") ||
				    !strcmp(argv[1], "--commits=fresh"));
	int jobs = argc >= 2 && argc <= 3 && !strncmp(argv[1], "--jobs=", 7) ?
		atoi(argv[1] + 7) : 0;
	long stop_after = -1;

	if (jobs && argc == 3) {
		if (strncmp(argv[2], "--stop-after=", 13))
			jobs = 0;
		else
			stop_after = atol(argv[2] + 13);
	}
	int parser = argc >= 2 && !strcmp(argv[1], "--parser");

	if (argc < 2 || (strcmp(argv[1], "--mail") && !parser && !commits && jobs < 1)) {
		fprintf(stderr, "usage: test-patchid (--mail <file>... | --parser <file>... |\n"
			"                     --commits[=fresh] |\n"
			"                     --jobs=<n> [--stop-after=<k>])\n");
		return 129;
	}
	git_libgit2_init();
	/* the front end's settings (git-kvmdigest.c: set_libgit2_policy()) */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	if (jobs)
		ret = show_commits_jobs(jobs, stop_after);
	else if (commits)
		ret = show_commits(!strcmp(argv[1], "--commits=fresh"));
	else
		for (i = 2; i < argc; i++)
			if (show_mail(argv[i], parser) < 0)
				ret = -1;
	git_libgit2_shutdown();
	if (fflush(stdout))
		ret = -1;
	return ret < 0 ? 1 : 0;
}
