/*
 * test-pack [--header] [--cache=<bytes>] [--twice [--then-cache=<bytes> | --then-drop]]:
 * read the object ids on stdin
 * through the pack reader alone (lib/pack.c, not libgit2's) in the
 * repository of the current directory, and print for each
 *
 *   <id> <type> <size>    read, and the content hashes back to <id>
 *   <id> BAD <type> <size> read, but the content does not hash to <id>
 *   <id> passthrough      in a pack, left to libgit2 (damage, a base
 *                         in another pack)
 *   <id> missing          in no pack it reads
 *   <id> error <n>: <msg> refused with libgit2's error <n>
 *
 * so that the tests can compare it with `git cat-file --batch-check`.
 * --header reads only type and size (git_odb_read_header()'s way).
 * --twice reads the list a second time, from a warm cache, or from one
 * sized anew (--then-cache) or emptied (--then-drop) in between.
 * On stderr: "packs: <n>", then "pack: <index path>" for each, in the
 * order the reader asks them.
 */
#include "buf.h"
#include "pack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int header_only;

static void read_all(struct kvmd_pack_reader *r, git_oid *ids, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		char hex[GIT_OID_HEXSZ + 1];
		void *data = NULL;
		size_t size = 0;
		git_object_t type = GIT_OBJECT_INVALID;
		git_oid check;
		int error = header_only ?
			kvmd_pack_reader_header(r, &ids[i], &size, &type) :
			kvmd_pack_reader_read(r, &ids[i], &data, &size, &type);

		git_oid_tostr(hex, sizeof(hex), &ids[i]);
		if (error == GIT_ENOTFOUND) {
			printf("%s missing\n", hex);
		} else if (error == GIT_PASSTHROUGH) {
			printf("%s passthrough\n", hex);
		} else if (error < 0) {
			const git_error *e = git_error_last();

			printf("%s error %d: %s\n", hex, error, e ? e->message : "(none)");
		} else if (header_only) {
			printf("%s %s %zu\n", hex, git_object_type2string(type), size);
		} else {
			int bad = git_odb_hash(&check, data, size, type) < 0 ||
				  git_oid_cmp(&check, &ids[i]);

			printf("%s %s%s %zu\n", hex, bad ? "BAD " : "",
			       git_object_type2string(type), size);
			free(data);
		}
	}
}

int main(int argc, char **argv)
{
	size_t cache = KVMD_PACK_CACHE_DEFAULT, nr = 0, alloc = 0;
	git_repository *repo = NULL;
	struct kvmd_packs *packs;
	struct kvmd_pack_reader *r;
	git_oid *ids = NULL;
	char line[256];
	int twice = 0, drop = 0, i;
	long long then = -1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--header")) {
			header_only = 1;
		} else if (!strncmp(argv[i], "--cache=", 8)) {
			cache = (size_t)strtoull(argv[i] + 8, NULL, 10);
		} else if (!strcmp(argv[i], "--twice")) {
			twice = 1;
		} else if (!strncmp(argv[i], "--then-cache=", 13)) {
			then = strtoll(argv[i] + 13, NULL, 10);
		} else if (!strcmp(argv[i], "--then-drop")) {
			drop = 1;
		} else {
			fprintf(stderr, "usage: test-pack [--header] [--cache=<bytes>] "
				"[--twice [--then-cache=<bytes> | --then-drop]] <ids\n");
			return 129;
		}
	}
	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		fprintf(stderr, "fatal: not a git repository\n");
		return 128;
	}
	while (fgets(line, sizeof(line), stdin)) {
		KVMD_ALLOC_GROW(ids, nr + 1, alloc);
		line[strcspn(line, "\n")] = '\0';
		if (git_oid_fromstr(&ids[nr], line) < 0) {
			fprintf(stderr, "fatal: not an object id: %s\n", line);
			return 128;
		}
		nr++;
	}
	packs = kvmd_packs_open(repo, cache);
	fprintf(stderr, "packs: %zu\n", kvmd_packs_count(packs));
	for (i = 0; (size_t)i < kvmd_packs_count(packs); i++)
		fprintf(stderr, "pack: %s\n", kvmd_packs_name(packs, (size_t)i));
	r = kvmd_pack_reader_new(packs);
	read_all(r, ids, nr);
	if (then >= 0)
		kvmd_packs_set_cache_limit(packs, (size_t)then);
	if (drop)
		kvmd_packs_drop_cache(packs);
	if (twice)
		read_all(r, ids, nr);
	kvmd_pack_reader_free(r);
	kvmd_packs_free(packs);
	free(ids);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}
