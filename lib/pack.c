/*
 * pack.c - the repository's packs, read with git's delta-base cache
 *
 * What it buys: a history walk reads every changed blob at the end of a
 * delta chain.  git-fast-import stores each version of a file as a
 * delta against the version before it, up to 50 deep; pack-objects
 * chains up to 50 too.  git keeps the chain's intermediate results in
 * a 96 MiB least-recently-used cache, so the next (older) version is
 * one small delta away.  libgit2 1.5 keeps them in 16 MiB that it
 * empties completely whenever it is full, which on a kernel-like tree
 * happens every few commits: then every blob costs a whole chain of
 * inflates again.  Measured on the 40,000-commit bench repository,
 * 8,000 commits, one thread: `git log --stat` 5.0 s, the same with
 * core.deltaBaseCacheLimit=16m 10.4 s, the digest through libgit2's
 * reader 12.9 s (two thirds of it in zlib).  bench/RESULTS.md has the
 * figures with this reader.
 *
 * The layout read here is git's Documentation/gitformat-pack.txt: index
 * version 2, pack version 2 or 3, OFS_DELTA and REF_DELTA (the base in
 * the same pack).  Every offset, size and delta instruction is checked
 * against the mapped files; on anything unexpected the read is handed
 * to libgit2's pack reader (GIT_PASSTHROUGH), which reports errors in
 * its own words.  One exception: an index entry whose offset lies
 * outside the pack is reported here, since libgit2 1.5 reads at that
 * offset unchecked and crashes (SIGSEGV).  Like git, the result is not
 * hashed again on read.
 */
#include "pack.h"
#include "buf.h"

#include <git2/sys/odb_backend.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ID_SIZE 20
#define PACK_HEADER 12
#define IDX_HEADER 8
#define FANOUT_SIZE (256 * 4)

/* Pack object types. */
#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7

/* Deeper chains than any git writes: a REF_DELTA cycle ends here. */
#define MAX_CHAIN 10000

/* zlib never expands more than about 1032:1; a larger claim is damage. */
#define MAX_INFLATE_RATIO 1100

struct pack {
	const unsigned char *idx;
	size_t idx_size;
	const unsigned char *data;
	size_t size;		/* of data, the trailing checksum included */
	uint32_t nr;
	const unsigned char *ids;	/* nr sorted object ids */
	const unsigned char *off32;	/* nr big-endian offsets */
	const unsigned char *off64;	/* the large offsets */
	size_t nr_off64;
	size_t read_since_release;	/* bytes inflated from data; atomic */
	char *idx_path;			/* for messages */
	int local;			/* in the repository's own object directory */
	struct timespec mtime;		/* of the .pack: newer packs are asked first */
};

/*
 * Pages of the mapping count in the process's resident size as long as
 * they stay mapped, and a walk through a whole archive touches all of
 * it; a fault maps a whole large folio of the page cache, so a few
 * bytes read can map megabytes.  Every RELEASE_EVERY bytes inflated
 * (each read counted as a page at least: the range walk reads 100,000
 * small commits spread over the whole pack), the pages of the pack and
 * its index are let go: they are clean, so the next read maps
 * them again from the page cache, at the cost of a minor fault.  git
 * bounds its mapped pack windows the same way (core.packedGitLimit),
 * only much later.  Without it a whole-archive digest's resident size
 * is the size of the pack.  The cost is refaults, which is why the
 * interval is not smaller (bench/RESULTS.md has the measurements).
 */
#define RELEASE_EVERY (8 * 1024 * 1024)
#define PAGE_GUESS 4096

struct cache;
static struct cache *cache_new(size_t limit);
static void cache_free(struct cache *c);

struct kvmd_packs {
	struct pack *pack;
	size_t nr;
	struct cache *cache;
};

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Maps `path` read-only; its size in *size, its mtime in *mtime when not NULL. */
static void *map_file(const char *path, size_t *size, struct timespec *mtime)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	*size = (size_t)st.st_size;
	if (mtime)
		*mtime = st.st_mtim;
	return map;
}

static void pack_unmap(struct pack *p)
{
	if (p->idx)
		munmap((void *)p->idx, p->idx_size);
	if (p->data)
		munmap((void *)p->data, p->size);
	free(p->idx_path);
	memset(p, 0, sizeof(*p));
}

/* Maps one .idx and its .pack; 0 when both look whole and match. */
static int pack_map(struct pack *p, const char *idx_path)
{
	size_t len = strlen(idx_path), min, i;
	uint64_t min64;
	uint32_t prev = 0;
	char *pack_path;
	const unsigned char *fanout;

	memset(p, 0, sizeof(*p));
	if (!(p->idx = map_file(idx_path, &p->idx_size, NULL)))
		return -1;
	p->idx_path = kvmd_xstrdup(idx_path);
	/*
	 * version 2 only; git has not written version 1 by default since
	 * 2009.  SHA-1 only: a SHA-256 index of version 2 looks the same
	 * up to here, and is refused below by its sizes or by the 32-byte
	 * checksums at its end (the repository's own packs are not even
	 * looked at then, see uses_sha1()).
	 */
	if (p->idx_size < IDX_HEADER + FANOUT_SIZE + 2 * ID_SIZE ||
	    memcmp(p->idx, "\377tOc", 4) || get_be32(p->idx + 4) != 2)
		goto fail;
	fanout = p->idx + IDX_HEADER;
	for (i = 0; i < 256; i++) {
		uint32_t n = get_be32(fanout + 4 * i);
		if (n < prev)
			goto fail;
		prev = n;
	}
	p->nr = prev;
	/* in 64 bits: a forged count must not wrap a 32-bit size_t */
	min64 = IDX_HEADER + FANOUT_SIZE + (uint64_t)p->nr * (ID_SIZE + 4 + 4) + 2 * ID_SIZE;
	if (min64 > p->idx_size || (p->idx_size - min64) % 8)
		goto fail;
	min = (size_t)min64;
	p->ids = fanout + FANOUT_SIZE;
	p->off32 = p->ids + (size_t)p->nr * (ID_SIZE + 4);
	p->off64 = p->off32 + (size_t)p->nr * 4;
	p->nr_off64 = (p->idx_size - min) / 8;

	pack_path = kvmd_xmalloc(len + 2);
	memcpy(pack_path, idx_path, len - 4);
	memcpy(pack_path + len - 4, ".pack", 6);
	p->data = map_file(pack_path, &p->size, &p->mtime);
	free(pack_path);
	if (!p->data || p->size < PACK_HEADER + ID_SIZE ||
	    memcmp(p->data, "PACK", 4) ||
	    (get_be32(p->data + 4) != 2 && get_be32(p->data + 4) != 3) ||
	    get_be32(p->data + 8) != p->nr ||
	    /* the pack's checksum, as its index recorded it */
	    memcmp(p->data + p->size - ID_SIZE, p->idx + p->idx_size - 2 * ID_SIZE, ID_SIZE))
		goto fail;
	return 0;
fail:
	pack_unmap(p);
	return -1;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

/*
 * The object directories whose packs are read: the repository's own,
 * then its alternates as git finds them (GIT_ALTERNATE_OBJECT_DIRECTORIES,
 * then objects/info/alternates in each directory, a relative path taken
 * from the directory that names it), each once.  `clone --reference`
 * and `--shared` kernel trees keep nearly all their objects in an
 * alternate.  git follows alternates of alternates ALT_LEVELS deep, and
 * so does libgit2.
 */
#define ALT_LEVELS 6

struct dirs {
	char **v;		/* real paths, the repository's own first */
	size_t nr, alloc;
};

static void dirs_add(struct dirs *dirs, const char *path, const char *base, int depth);

/* Adds the directories named in `dir`/info/alternates, one a line. */
static void dirs_add_file(struct dirs *dirs, const char *dir, int depth)
{
	struct kvmd_buf path = KVMD_BUF_INIT, file = KVMD_BUF_INIT;
	char *line, *next;

	kvmd_buf_addf(&path, "%s/info/alternates", dir);
	if (kvmd_buf_read_file(&file, path.ptr) < 0)
		goto cleanup;
	for (line = file.ptr; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (*line && *line != '#')
			dirs_add(dirs, line, dir, depth + 1);
	}
cleanup:
	kvmd_buf_release(&file);
	kvmd_buf_release(&path);
}

static void dirs_add(struct dirs *dirs, const char *path, const char *base, int depth)
{
	struct kvmd_buf joined = KVMD_BUF_INIT;
	char *real;
	size_t i;

	/* deeper than git goes: git says so, libgit2 and we leave it */
	if (depth > ALT_LEVELS)
		return;
	if (base && *path != '/') {
		kvmd_buf_addf(&joined, "%s/%s", base, path);
		path = joined.ptr;
	}
	real = realpath(path, NULL);
	kvmd_buf_release(&joined);
	if (!real)
		return; /* gone: libgit2 says what it says */
	for (i = 0; i < dirs->nr; i++) {
		if (!strcmp(dirs->v[i], real)) {
			free(real);
			return;
		}
	}
	KVMD_ALLOC_GROW(dirs->v, dirs->nr + 1, dirs->alloc);
	dirs->v[dirs->nr++] = real;
	dirs_add_file(dirs, real, depth);
}

/* Maps the packs of object directory `dir`. */
static void packs_add_dir(struct kvmd_packs *packs, size_t *alloc, const char *dir, int local)
{
	struct kvmd_buf path = KVMD_BUF_INIT;
	struct dirent *de;
	size_t base;
	DIR *d;

	kvmd_buf_addf(&path, "%s/pack/", dir);
	base = path.len;
	if (!(d = opendir(path.ptr)))
		goto cleanup;
	while ((de = readdir(d))) {
		if (!has_suffix(de->d_name, ".idx"))
			continue;
		kvmd_buf_truncate(&path, base);
		kvmd_buf_adds(&path, de->d_name);
		KVMD_ALLOC_GROW(packs->pack, packs->nr + 1, *alloc);
		if (!pack_map(&packs->pack[packs->nr], path.ptr))
			packs->pack[packs->nr++].local = local;
	}
	closedir(d);
cleanup:
	kvmd_buf_release(&path);
}

/*
 * git's order: the repository's own packs before its alternates', then
 * the newest first, since recent objects are the ones most asked for.
 * The name decides a tie, so that every run asks in the same order.
 */
static int pack_order(const void *va, const void *vb)
{
	const struct pack *a = va, *b = vb;

	if (a->local != b->local)
		return b->local - a->local;
	if (a->mtime.tv_sec != b->mtime.tv_sec)
		return a->mtime.tv_sec < b->mtime.tv_sec ? 1 : -1;
	if (a->mtime.tv_nsec != b->mtime.tv_nsec)
		return a->mtime.tv_nsec < b->mtime.tv_nsec ? 1 : -1;
	return strcmp(a->idx_path, b->idx_path);
}

/*
 * Whether `repo` names its objects by SHA-1, the only hash this reader
 * knows.  libgit2 1.5 does not open a repository with
 * extensions.objectFormat at all; should a later one, its packs are
 * left to it rather than read with 20-byte ids.
 */
static int uses_sha1(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf format = GIT_BUF_INIT;
	int sha1 = 1;

	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		git_error_clear();
		return 0;
	}
	if (!git_config_get_string_buf(&format, cfg, "extensions.objectformat"))
		sha1 = !strcasecmp(format.ptr, "sha1");
	else
		git_error_clear();
	git_buf_dispose(&format);
	git_config_free(cfg);
	return sha1;
}

struct kvmd_packs *kvmd_packs_open(git_repository *repo, size_t cache_limit)
{
	struct kvmd_packs *packs = kvmd_xcalloc(1, sizeof(*packs));
	git_buf objects = GIT_BUF_INIT;
	struct dirs dirs = { NULL, 0, 0 };
	size_t alloc = 0, i;
	const char *env;

	packs->cache = cache_new(cache_limit);
	if (!uses_sha1(repo))
		return packs;
	/* the object directory git (and libgit2, opened from the environment) uses */
	if ((env = getenv("GIT_OBJECT_DIRECTORY")) && *env) {
		dirs_add(&dirs, env, NULL, 0);
	} else if (!git_repository_item_path(&objects, repo, GIT_REPOSITORY_ITEM_OBJECTS)) {
		dirs_add(&dirs, objects.ptr, NULL, 0);
		git_buf_dispose(&objects);
	} else {
		git_error_clear();
	}
	if (!dirs.nr)
		return packs;
	if ((env = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES")) && *env) {
		char *list = kvmd_xstrdup(env), *dir, *save = NULL;

		for (dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
			dirs_add(&dirs, dir, NULL, 1);
		free(list);
	}
	for (i = 0; i < dirs.nr; i++) {
		packs_add_dir(packs, &alloc, dirs.v[i], !i);
		free(dirs.v[i]);
	}
	free(dirs.v);
	if (packs->nr > 1)
		qsort(packs->pack, packs->nr, sizeof(*packs->pack), pack_order);
	return packs;
}

void kvmd_packs_free(struct kvmd_packs *packs)
{
	size_t i;

	if (!packs)
		return;
	for (i = 0; i < packs->nr; i++)
		pack_unmap(&packs->pack[i]);
	free(packs->pack);
	cache_free(packs->cache);
	free(packs);
}

size_t kvmd_packs_count(const struct kvmd_packs *packs)
{
	return packs ? packs->nr : 0;
}

size_t kvmd_packs_objects(const struct kvmd_packs *packs)
{
	size_t i, n = 0;

	for (i = 0; i < packs->nr; i++)
		n += packs->pack[i].nr;
	return n;
}

const char *kvmd_packs_name(const struct kvmd_packs *packs, size_t i)
{
	return packs->pack[i].idx_path;
}

/* The offset of `id` in `p`: 1 found, 0 not there, -1 damaged index. */
static int pack_find(const struct pack *p, const unsigned char *id, uint64_t *offset)
{
	const unsigned char *fanout = p->idx + IDX_HEADER;
	uint32_t lo = id[0] ? get_be32(fanout + 4 * (id[0] - 1)) : 0;
	uint32_t hi = get_be32(fanout + 4 * id[0]);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp = memcmp(p->ids + (size_t)mid * ID_SIZE, id, ID_SIZE);

		if (!cmp) {
			uint32_t o = get_be32(p->off32 + (size_t)mid * 4);
			uint64_t off = o;

			if (o & 0x80000000u) {
				const unsigned char *big;

				if ((o & 0x7fffffffu) >= p->nr_off64)
					return -1;
				big = p->off64 + (size_t)(o & 0x7fffffffu) * 8;
				off = (uint64_t)get_be32(big) << 32 | get_be32(big + 4);
			}
			if (off < PACK_HEADER || off >= p->size - ID_SIZE)
				return -1;
			*offset = off;
			return 1;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The delta-base cache: git's, keyed by pack and offset, least recently
 * used first out.  One for all threads: the workers read neighbouring
 * stretches of history, whose delta chains run through the same older
 * versions, so one shared cache serves them better than a half each.
 * An entry in use by a reader
 * (refs > 0) is not freed until it is put back.
 */
struct cached {
	struct cached *hnext;
	struct cached *prev, *next;	/* least recently used first */
	size_t pack;
	uint64_t offset;
	git_object_t type;
	size_t size;
	unsigned char *data;
	unsigned refs;
	int dropped;		/* out of the table, freed at the last put */
};

struct cache {
	pthread_mutex_t lock;
	struct cached **buckets;
	size_t nbuckets, nr;	/* nbuckets: a power of two */
	struct cached lru;	/* sentinel */
	size_t used, limit;
};

/* One link of a delta chain: an object header, parsed. */
struct link {
	uint64_t offset;	/* of the header, the cache key */
	size_t pos;		/* of the compressed data */
	size_t size;		/* inflated size */
	int type;
};

struct kvmd_pack_reader {
	struct kvmd_packs *packs;
	size_t last;		/* the pack the last object was in */
	z_stream z;
	int z_ready;
	struct link *chain;
	size_t chain_alloc;
	unsigned char *delta;	/* an inflated delta, reused */
	size_t delta_alloc;
};

static size_t cache_hash(const struct cache *c, size_t pack, uint64_t offset)
{
	uint64_t h = (offset ^ ((uint64_t)pack << 48)) * UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 32) & (c->nbuckets - 1);
}

static void lru_unlink(struct cached *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_append(struct cache *c, struct cached *e)
{
	e->prev = c->lru.prev;
	e->next = &c->lru;
	c->lru.prev->next = e;
	c->lru.prev = e;
}

static struct cache *cache_new(size_t limit)
{
	struct cache *c = kvmd_xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	c->lru.prev = c->lru.next = &c->lru;
	c->limit = limit;
	return c;
}

static void cached_free(struct cached *e)
{
	free(e->data);
	free(e);
}

/* Takes `e` out of the table; with the lock held. */
static void cache_drop(struct cache *c, struct cached *e)
{
	struct cached **pp = &c->buckets[cache_hash(c, e->pack, e->offset)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(e);
	c->used -= e->size;
	c->nr--;
	if (e->refs)
		e->dropped = 1;
	else
		cached_free(e);
}

static void cache_free(struct cache *c)
{
	while (c->lru.next != &c->lru)
		cache_drop(c, c->lru.next);
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The entry for pack:offset, or NULL; with the lock held. */
static struct cached *cache_find(struct cache *c, size_t pack, uint64_t offset)
{
	struct cached *e;

	if (!c->nr)
		return NULL;
	for (e = c->buckets[cache_hash(c, pack, offset)]; e; e = e->hnext)
		if (e->offset == offset && e->pack == pack)
			return e;
	return NULL;
}

/* The base at pack:offset, held until cache_put(), or NULL. */
static struct cached *cache_get(struct cache *c, size_t pack, uint64_t offset)
{
	struct cached *e;

	pthread_mutex_lock(&c->lock);
	if ((e = cache_find(c, pack, offset))) {
		lru_unlink(e);
		lru_append(c, e);
		e->refs++;
	}
	pthread_mutex_unlock(&c->lock);
	return e;
}

/*
 * Hands back an entry from cache_get().  `spent`: make it the first to
 * go, for a base read as itself, which in a newest-first walk is seldom
 * wanted again (see unpack()).
 */
static void cache_put(struct cache *c, struct cached *e, int spent)
{
	int gone;

	pthread_mutex_lock(&c->lock);
	if (spent && !e->dropped) {
		lru_unlink(e);
		e->prev = &c->lru;
		e->next = c->lru.next;
		c->lru.next->prev = e;
		c->lru.next = e;
	}
	gone = !--e->refs && e->dropped;
	pthread_mutex_unlock(&c->lock);
	if (gone)
		cached_free(e);
}

static void cache_rehash(struct cache *c)
{
	size_t old = c->nbuckets, i;
	struct cached **buckets = c->buckets;

	c->nbuckets = old ? old * 2 : 256;
	c->buckets = kvmd_xcalloc(c->nbuckets, sizeof(*c->buckets));
	for (i = 0; i < old; i++) {
		struct cached *e = buckets[i], *next;

		for (; e; e = next) {
			size_t h = cache_hash(c, e->pack, e->offset);

			next = e->hnext;
			e->hnext = c->buckets[h];
			c->buckets[h] = e;
		}
	}
	free(buckets);
}

/* Lets bases go until at most `keep` bytes are held; with the lock held. */
static void cache_trim(struct cache *c, size_t keep)
{
	while (c->used > keep && c->lru.next != &c->lru)
		cache_drop(c, c->lru.next);
}

/* Keeps `data` (malloc()ed) as the base at pack:offset, or frees it. */
static void cache_add(struct cache *c, size_t pack, uint64_t offset,
		      git_object_t type, unsigned char *data, size_t size)
{
	struct cached *e;
	size_t h;

	pthread_mutex_lock(&c->lock);
	/* too large to keep, or another reader made the same base meanwhile */
	if (!c->limit || size > c->limit / 2 || cache_find(c, pack, offset)) {
		pthread_mutex_unlock(&c->lock);
		free(data);
		return;
	}
	cache_trim(c, c->limit - size);
	if (c->nr >= c->nbuckets)
		cache_rehash(c);
	e = kvmd_xcalloc(1, sizeof(*e));
	e->pack = pack;
	e->offset = offset;
	e->type = type;
	e->size = size;
	e->data = data;
	h = cache_hash(c, pack, offset);
	e->hnext = c->buckets[h];
	c->buckets[h] = e;
	lru_append(c, e);
	c->used += size;
	c->nr++;
	pthread_mutex_unlock(&c->lock);
}

void kvmd_packs_set_cache_limit(struct kvmd_packs *packs, size_t cache_limit)
{
	struct cache *c = packs->cache;

	pthread_mutex_lock(&c->lock);
	c->limit = cache_limit;
	cache_trim(c, cache_limit);
	pthread_mutex_unlock(&c->lock);
}

void kvmd_packs_drop_cache(struct kvmd_packs *packs)
{
	struct cache *c = packs->cache;

	pthread_mutex_lock(&c->lock);
	cache_trim(c, 0);
	pthread_mutex_unlock(&c->lock);
}

struct kvmd_pack_reader *kvmd_pack_reader_new(struct kvmd_packs *packs)
{
	struct kvmd_pack_reader *r = kvmd_xcalloc(1, sizeof(*r));

	r->packs = packs;
	return r;
}

void kvmd_pack_reader_free(struct kvmd_pack_reader *r)
{
	if (!r)
		return;
	if (r->z_ready)
		inflateEnd(&r->z);
	free(r->chain);
	free(r->delta);
	free(r);
}

/* Parses the object header at `offset`: 0, or -1 when it is damaged. */
static int parse_header(const struct pack *p, uint64_t offset, struct link *link,
			uint64_t *base_offset, int *base_known)
{
	size_t end = p->size - ID_SIZE, pos = (size_t)offset, shift = 4;
	unsigned c;
	uint64_t size;

	*base_known = 0;
	if (offset < PACK_HEADER || offset >= end)
		return -1;
	c = p->data[pos++];
	link->offset = offset;
	link->type = (c >> 4) & 7;
	size = c & 15;
	while (c & 0x80) {
		if (pos >= end || shift > 57)
			return -1;
		c = p->data[pos++];
		size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (link->type == OBJ_OFS_DELTA) {
		uint64_t back;

		if (pos >= end)
			return -1;
		c = p->data[pos++];
		back = c & 127;
		while (c & 128) {
			if (pos >= end || back >= (UINT64_C(1) << 56))
				return -1;
			c = p->data[pos++];
			back = ((back + 1) << 7) | (c & 127);
		}
		if (!back || back > offset - PACK_HEADER)
			return -1;
		*base_offset = offset - back;
		*base_known = 1;
	} else if (link->type == OBJ_REF_DELTA) {
		int found;

		if (end - pos < ID_SIZE)
			return -1;
		found = pack_find(p, p->data + pos, base_offset);
		if (found <= 0)
			return -1; /* the base is elsewhere: libgit2's business */
		pos += ID_SIZE;
		*base_known = 1;
	} else if (link->type < GIT_OBJECT_COMMIT || link->type > GIT_OBJECT_TAG) {
		return -1;
	}
	if (size > SIZE_MAX - 1 || size > UINT_MAX - 1 ||
	    size / MAX_INFLATE_RATIO > end - pos)
		return -1;
	link->pos = pos;
	link->size = (size_t)size;
	return 0;
}

/* Counts `n` bytes read from `p`; lets its pages go every RELEASE_EVERY. */
static void note_read(struct pack *p, size_t n)
{
	size_t total = __atomic_add_fetch(&p->read_since_release, n, __ATOMIC_RELAXED);

	if (total >= RELEASE_EVERY &&
	    __atomic_compare_exchange_n(&p->read_since_release, &total, 0, 0,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		madvise((void *)p->data, p->size, MADV_DONTNEED);
		madvise((void *)p->idx, p->idx_size, MADV_DONTNEED);
	}
}

/* Readies the reader's zlib stream for the data at `pos` of `p`. */
static int inflate_start(struct kvmd_pack_reader *r, struct pack *p, size_t pos)
{
	size_t avail = p->size - ID_SIZE - pos;

	if (!r->z_ready) {
		memset(&r->z, 0, sizeof(r->z));
		if (inflateInit(&r->z) != Z_OK)
			return -1;
		r->z_ready = 1;
	} else if (inflateReset(&r->z) != Z_OK) {
		return -1;
	}
	r->z.next_in = (unsigned char *)p->data + pos;
	r->z.avail_in = avail > UINT_MAX ? UINT_MAX : (unsigned)avail;
	return 0;
}

/* Inflates exactly `size` bytes from `pos` into out[size + 1]. */
static int inflate_at(struct kvmd_pack_reader *r, struct pack *p, size_t pos,
		      unsigned char *out, size_t size)
{
	int st;

	if (inflate_start(r, p, pos) < 0)
		return -1;
	r->z.next_out = out;
	r->z.avail_out = (unsigned)size + 1;	/* one more: a stream too long shows */
	st = inflate(&r->z, Z_FINISH);
	/* a read maps a page at least, however few bytes it takes */
	note_read(p, r->z.total_in + PAGE_GUESS);
	out[size] = '\0';
	return st == Z_STREAM_END && r->z.total_out == size ? 0 : -1;
}

static int delta_varint(const unsigned char **p, const unsigned char *end, size_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		if (*p >= end || shift > 63)
			return -1;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	if (v > SIZE_MAX - 1)
		return -1;
	*out = (size_t)v;
	return 0;
}

/*
 * Reads the sizes a delta starts with; the instructions follow at *p.
 * One instruction makes at most 127 bytes (an insert) or as much as the
 * base holds, up to 0xffffff (a copy), so a result size the instructions
 * cannot reach is damage, refused before any allocation.
 */
static int delta_sizes(const unsigned char **p, const unsigned char *end,
		       size_t *base_size, size_t *result_size)
{
	size_t most;

	if (delta_varint(p, end, base_size) || delta_varint(p, end, result_size))
		return -1;
	most = *base_size < 0xffffff ? *base_size : 0xffffff;
	if (most < 127)
		most = 127;
	return *result_size / most > (size_t)(end - *p) ? -1 : 0;
}

/* Runs the delta's instructions; `out` holds exactly `out_size` bytes. */
static int delta_run(const unsigned char *base, size_t base_size,
		     const unsigned char *op, const unsigned char *end,
		     unsigned char *out, size_t out_size)
{
	size_t done = 0;

	while (op < end) {
		unsigned cmd = *op++;

		if (cmd & 0x80) {
			size_t off = 0, len = 0;
			int i;

			for (i = 0; i < 4; i++) {
				if (cmd & (1u << i)) {
					if (op >= end)
						return -1;
					off |= (size_t)*op++ << (8 * i);
				}
			}
			for (i = 0; i < 3; i++) {
				if (cmd & (0x10u << i)) {
					if (op >= end)
						return -1;
					len |= (size_t)*op++ << (8 * i);
				}
			}
			if (!len)
				len = 0x10000;
			if (off > base_size || len > base_size - off || len > out_size - done)
				return -1;
			memcpy(out + done, base + off, len);
			done += len;
		} else if (cmd) {
			if ((size_t)(end - op) < cmd || cmd > out_size - done)
				return -1;
			memcpy(out + done, op, cmd);
			op += cmd;
			done += cmd;
		} else {
			return -1; /* reserved */
		}
	}
	return done == out_size ? 0 : -1;
}

unsigned char *kvmd_delta_apply(const unsigned char *base, size_t base_size,
				const unsigned char *delta, size_t delta_size,
				size_t *out_size)
{
	const unsigned char *op = delta, *end = delta + delta_size;
	size_t want_base, size;
	unsigned char *out;

	if (delta_sizes(&op, end, &want_base, &size) || want_base != base_size)
		return NULL;
	if (!(out = malloc(size + 1)))
		return NULL;
	if (delta_run(base, base_size, op, end, out, size)) {
		free(out);
		return NULL;
	}
	out[size] = '\0';
	*out_size = size;
	return out;
}

/* Where results go: malloc() for the tests, libgit2's allocator for the ODB. */
struct sink {
	void *(*alloc)(void *ctx, size_t size);
	void (*release)(void *ctx, void *data);
	void *ctx;
};

/*
 * Room for one result of a chain: the last, handed out, from the sink;
 * the ones before it, kept as bases or freed, from malloc().
 */
static void *result_alloc(const struct sink *sink, int last, size_t size)
{
	return last ? sink->alloc(sink->ctx, size) : malloc(size);
}

static void result_release(const struct sink *sink, int last, void *data)
{
	if (last)
		sink->release(sink->ctx, data);
	else
		free(data);
}

static void *plain_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void plain_release(void *ctx, void *data)
{
	(void)ctx;
	free(data);
}

static int out_of_memory(void)
{
	git_error_set_oom();
	return GIT_ERROR;
}

/*
 * Reads the object at pack:offset: walks the chain down to a cached
 * base or a whole object, then applies the deltas upwards, keeping each
 * intermediate result as a base, as git's unpack_entry() does.
 */
static int unpack(struct kvmd_pack_reader *r, size_t pack, uint64_t offset,
		  const struct sink *sink, void **out, size_t *out_size, git_object_t *out_type)
{
	struct pack *p = &r->packs->pack[pack];
	struct cache *cache = r->packs->cache;
	struct cached *hit = NULL;
	size_t n = 0, i, size;
	git_object_t type;
	unsigned char *obj;
	int owned, error;

	for (;;) {
		uint64_t base_offset;
		int delta;

		if ((hit = cache_get(cache, pack, offset)))
			break;
		if (n == MAX_CHAIN)
			return GIT_PASSTHROUGH;
		KVMD_ALLOC_GROW(r->chain, n + 1, r->chain_alloc);
		if (parse_header(p, offset, &r->chain[n], &base_offset, &delta) < 0)
			return GIT_PASSTHROUGH;
		n++;
		if (!delta)
			break;
		offset = base_offset;
	}

	if (hit && !n) {
		/*
		 * The object itself is a cached base: hand out a copy, and
		 * let the entry go first.  Read newest first, a chain's
		 * bases are the older versions, each wanted once more as
		 * itself and then seldom again: kept in order of use, they
		 * filled the cache (a whole archive: 96 MiB of bases no
		 * read would touch again).  Siblings of a pack-objects delta
		 * tree still find their shared base while there is room.
		 */
		obj = sink->alloc(sink->ctx, hit->size + 1);
		if (obj) {
			memcpy(obj, hit->data, hit->size + 1);
			*out = obj;
			*out_size = hit->size;
			*out_type = hit->type;
		}
		cache_put(cache, hit, 1);
		return obj ? 0 : out_of_memory();
	}
	if (hit) {
		obj = hit->data;
		size = hit->size;
		type = hit->type;
		owned = 0;
	} else {
		struct link *whole = &r->chain[--n];

		type = (git_object_t)whole->type;
		size = whole->size;
		obj = result_alloc(sink, !n, size + 1);
		if (!obj)
			return out_of_memory();
		if (inflate_at(r, p, whole->pos, obj, size) < 0) {
			result_release(sink, !n, obj);
			return GIT_PASSTHROUGH;
		}
		owned = 1;
	}

	/* r->chain[i] is a delta against the object just made */
	for (i = n; i-- > 0;) {
		struct link *l = &r->chain[i];
		const unsigned char *op, *end;
		size_t want_base, result_size;
		unsigned char *result = NULL;

		if (l->size + 1 > r->delta_alloc) {
			/* a forged size must not end the process: libgit2 decides */
			free(r->delta);
			r->delta_alloc = 0;
			if (!(r->delta = malloc(l->size + 1))) {
				error = out_of_memory();
				goto fail;
			}
			r->delta_alloc = l->size + 1;
		}
		op = r->delta;
		end = r->delta + l->size;
		error = GIT_PASSTHROUGH;
		if (inflate_at(r, p, l->pos, r->delta, l->size) < 0 ||
		    delta_sizes(&op, end, &want_base, &result_size) ||
		    want_base != size || result_size > UINT_MAX - 1)
			goto fail;
		if (!(result = result_alloc(sink, !i, result_size + 1))) {
			error = out_of_memory();
			goto fail;
		}
		if (delta_run(obj, size, op, end, result, result_size)) {
			result_release(sink, !i, result);
			goto fail;
		}
		result[result_size] = '\0';
		/* the base has served: keep it for the next object */
		if (owned)
			cache_add(cache, pack, r->chain[i + 1].offset, type, obj, size);
		else
			cache_put(cache, hit, 0);
		obj = result;
		size = result_size;
		owned = 1;
	}
	*out = obj;
	*out_size = size;
	*out_type = type;
	return 0;

fail:
	/* damaged: libgit2 reads it (GIT_PASSTHROUGH); out of memory: -1 */
	if (owned)
		free(obj);
	else
		cache_put(cache, hit, 0);
	return error;
}

/*
 * Finds the pack holding `id`, the last one used first.  An index entry
 * that points outside its pack is reported here, not handed on: libgit2
 * 1.5 reads such an offset unchecked and dies of SIGSEGV.  Another pack
 * holding the object still serves it.
 */
static int locate(struct kvmd_pack_reader *r, const git_oid *id, size_t *pack, uint64_t *offset)
{
	struct kvmd_packs *packs = r->packs;
	size_t i, damaged = SIZE_MAX;
	int found;

	if (!packs->nr)
		return GIT_ENOTFOUND;
	for (i = 0; i <= packs->nr; i++) {
		/* the last pack first, then the others in order */
		size_t at = !i ? r->last : i - 1;

		if (at >= packs->nr || (i && at == r->last))
			continue;
		found = pack_find(&packs->pack[at], id->id, offset);
		if (found > 0) {
			*pack = r->last = at;
			return 0;
		}
		if (found < 0 && damaged == SIZE_MAX)
			damaged = at;
	}
	if (damaged != SIZE_MAX) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), id);
		git_error_set(GIT_ERROR_ODB, "damaged pack index '%s': object %s lies outside its pack",
			      packs->pack[damaged].idx_path, hex);
		return GIT_ERROR;
	}
	return GIT_ENOTFOUND;
}

static int reader_read(struct kvmd_pack_reader *r, const git_oid *id, const struct sink *sink,
		       void **data, size_t *size, git_object_t *type)
{
	size_t pack;
	uint64_t offset;
	int error;

	if ((error = locate(r, id, &pack, &offset)) < 0)
		return error;
	return unpack(r, pack, offset, sink, data, size, type);
}

/*
 * Inflates the first bytes at `pos`, at most `size`, into `out`: how
 * many there are in *got.  For the sizes a delta starts with.
 */
static int inflate_head(struct kvmd_pack_reader *r, struct pack *p, size_t pos,
			unsigned char *out, size_t size, size_t *got)
{
	int st;

	if (inflate_start(r, p, pos) < 0)
		return -1;
	r->z.next_out = out;
	r->z.avail_out = (unsigned)size;
	st = inflate(&r->z, Z_SYNC_FLUSH);
	note_read(p, r->z.total_in + PAGE_GUESS);
	if (st != Z_OK && st != Z_STREAM_END && st != Z_BUF_ERROR)
		return -1;
	*got = r->z.total_out;
	return 0;
}

/*
 * The type and size of `id` without making it, as git's
 * packed_object_info(): the size a delta says its result has, the type
 * of the whole object at the end of its chain.  The diffstat asks this
 * of nearly every blob it does not read.
 */
static int reader_header(struct kvmd_pack_reader *r, const git_oid *id,
			 size_t *size, git_object_t *type)
{
	unsigned char head[20];	/* two sizes of at most 10 bytes each */
	const unsigned char *op = head;
	size_t pack, want, got, base_size, n;
	uint64_t offset, base;
	struct link link;
	struct pack *p;
	int delta, error;

	if ((error = locate(r, id, &pack, &offset)) < 0)
		return error;
	p = &r->packs->pack[pack];
	if (parse_header(p, offset, &link, &base, &delta) < 0)
		return GIT_PASSTHROUGH;
	if (!delta) {
		*size = link.size;
		*type = (git_object_t)link.type;
		return 0;
	}
	want = link.size < sizeof(head) ? link.size : sizeof(head);
	if (inflate_head(r, p, link.pos, head, want, &got) < 0 ||
	    delta_varint(&op, head + got, &base_size) ||
	    delta_varint(&op, head + got, size) || *size > UINT_MAX - 1)
		return GIT_PASSTHROUGH;
	for (n = 0; delta; n++) {
		if (n == MAX_CHAIN || parse_header(p, base, &link, &base, &delta) < 0)
			return GIT_PASSTHROUGH;
	}
	*type = (git_object_t)link.type;
	return 0;
}

int kvmd_pack_reader_header(struct kvmd_pack_reader *r, const git_oid *id,
			    size_t *size, git_object_t *type)
{
	return reader_header(r, id, size, type);
}

int kvmd_pack_reader_read(struct kvmd_pack_reader *r, const git_oid *id,
			  void **data, size_t *size, git_object_t *type)
{
	struct sink sink = { plain_alloc, plain_release, NULL };

	return reader_read(r, id, &sink, data, size, type);
}

/* The ODB backend around a reader. */
struct backend {
	git_odb_backend parent;
	struct kvmd_pack_reader *reader;
};

static void *backend_alloc(void *ctx, size_t size)
{
	return git_odb_backend_data_alloc(ctx, size);
}

static void backend_release(void *ctx, void *data)
{
	git_odb_backend_data_free(ctx, data);
}

static int backend_read(void **data, size_t *size, git_object_t *type,
			git_odb_backend *parent, const git_oid *id)
{
	struct backend *b = (struct backend *)parent;
	struct sink sink = { backend_alloc, backend_release, parent };

	return reader_read(b->reader, id, &sink, data, size, type);
}

static int backend_read_header(size_t *size, git_object_t *type, git_odb_backend *parent,
			       const git_oid *id)
{
	return reader_header(((struct backend *)parent)->reader, id, size, type);
}

static void backend_free(git_odb_backend *parent)
{
	struct backend *b = (struct backend *)parent;

	kvmd_pack_reader_free(b->reader);
	free(b);
}

/* Above libgit2's packed (2) and loose (1) readers: asked first. */
#define BACKEND_PRIORITY 3

int kvmd_packs_attach(git_repository *repo, struct kvmd_packs *packs)
{
	struct backend *b;
	git_odb *odb = NULL;
	int error;

	if (!packs || !packs->nr)
		return 0;
	if ((error = git_repository_odb(&odb, repo)) < 0)
		return error;
	b = kvmd_xcalloc(1, sizeof(*b));
	if ((error = git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION)) < 0) {
		free(b);
		git_odb_free(odb);
		return error;
	}
	b->parent.read = backend_read;
	b->parent.read_header = backend_read_header;
	b->parent.free = backend_free;
	b->reader = kvmd_pack_reader_new(packs);
	/* on success the database owns the backend */
	if ((error = git_odb_add_backend(odb, &b->parent, BACKEND_PRIORITY)) < 0)
		backend_free(&b->parent);
	git_odb_free(odb);
	return error;
}
