#ifndef KVMD_PACK_H
#define KVMD_PACK_H

#include <git2.h>
#include <stddef.h>

/*
 * The packs of a repository, read with git's delta-base cache.
 *
 * libgit2 1.5 caches delta bases in 16 MiB that cannot be sized and
 * that it empties all at once when full; a history walk then inflates
 * whole delta chains again for nearly every blob.  These functions map
 * the packs once and put, in front of libgit2's own object readers, a
 * reader with a least-recently-used cache of delta bases of the size
 * git uses (core.deltaBaseCacheLimit).  What it cannot serve (loose
 * objects, packs that appear later, an index version it does not read,
 * a repository not named by SHA-1, a damaged pack) falls through to
 * libgit2's readers; an index entry pointing outside its pack does not,
 * since libgit2 1.5 crashes on it (see kvmd_pack_reader_read()).
 */

struct kvmd_packs;

/* The default of git's core.deltaBaseCacheLimit: 96 MiB. */
#define KVMD_PACK_CACHE_DEFAULT (96 * 1024 * 1024)

/*
 * Maps the packs of `repo`'s object directory and of its alternates
 * (GIT_ALTERNATE_OBJECT_DIRECTORIES and objects/info/alternates, as
 * git follows them), with a delta-base cache of at most `cache_limit`
 * bytes for all their readers.  They are asked in git's order: the
 * repository's own first, then the newest.  Never fails: packs that
 * cannot be read are left out (libgit2 reads them).  May be shared by
 * any number of threads.
 */
struct kvmd_packs *kvmd_packs_open(git_repository *repo, size_t cache_limit);
void kvmd_packs_free(struct kvmd_packs *packs);

/*
 * Sizes the delta-base cache anew (bases beyond the new limit are let
 * go), for a run whose ranges want different sizes; at any time.
 */
void kvmd_packs_set_cache_limit(struct kvmd_packs *packs, size_t cache_limit);

/* Lets every base go (those in use when they are put back); the limit stays. */
void kvmd_packs_drop_cache(struct kvmd_packs *packs);

/* How many packs it reads. */
size_t kvmd_packs_count(const struct kvmd_packs *packs);

/* How many objects its packs hold, summed (an object in two packs counts twice). */
size_t kvmd_packs_objects(const struct kvmd_packs *packs);

/* The path of the index of pack `i` (< the count), in the order asked; borrowed. */
const char *kvmd_packs_name(const struct kvmd_packs *packs, size_t i);

/*
 * Puts a reader of `packs` in front of `repo`'s object database.  One
 * repository per thread: a reader is not thread-safe, `packs` is.
 * `packs` must outlive `repo`.  Returns 0, or -1 (libgit2's error set)
 * when libgit2 refused it.
 */
int kvmd_packs_attach(git_repository *repo, struct kvmd_packs *packs);

/*
 * Reads the object `id` through a reader of `packs` alone, for tests:
 * 0 with a buffer to free(), GIT_ENOTFOUND when no pack has it,
 * GIT_PASSTHROUGH when it is there but this reader leaves it to
 * libgit2 (damaged, or a base outside the pack), or GIT_ERROR with
 * libgit2's error set: out of memory, or the only index entry for `id`
 * points outside its pack (libgit2 1.5 would read there unchecked).
 * In the object database these are what libgit2 sees.
 */
struct kvmd_pack_reader;
struct kvmd_pack_reader *kvmd_pack_reader_new(struct kvmd_packs *packs);
int kvmd_pack_reader_read(struct kvmd_pack_reader *r, const git_oid *id,
			  void **data, size_t *size, git_object_t *type);

/*
 * The type and size of `id` without inflating more than a delta's first
 * bytes (git_odb_read_header() in the object database); the same returns.
 */
int kvmd_pack_reader_header(struct kvmd_pack_reader *r, const git_oid *id,
			    size_t *size, git_object_t *type);
void kvmd_pack_reader_free(struct kvmd_pack_reader *r);

/*
 * Applies a git delta to `base`; exposed for the unit tests.  Returns
 * the result (size in *out_size, NUL-terminated, to free()), or NULL
 * when the delta is malformed or was not made for a base of that size.
 */
unsigned char *kvmd_delta_apply(const unsigned char *base, size_t base_size,
				const unsigned char *delta, size_t delta_size,
				size_t *out_size);

#endif
