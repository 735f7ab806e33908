/*
 * diffstat.c - the diffstat block of `git format-patch`, from libgit2
 *
 * git prints the block in three steps, and so do we:
 *
 *  1. the file pairs: a tree diff of the first parent against the
 *     commit, then rename detection as diffcore-rename does it with
 *     format-patch's defaults (renames on, 50% similarity, no copies,
 *     rename limit 1000): exact renames, then renames between files of
 *     the same basename, then the best-match matrix.  Similarity is
 *     git's measure (diffcore-delta), not libgit2's, because the
 *     percentage is printed;
 *  2. the counts: added and deleted lines from libgit2's xdiff, or for
 *     binary files the blob sizes;
 *  3. the layout of diff.c's stat output for a 72-column mail, the
 *     summary line, and the create/delete/rename/mode lines.
 *
 * Everything below is written from the behaviour of git 2.39, checked
 * against `git format-patch` by t/t3100-diffstat.sh.
 */
#include "diffstat.h"
#include "buf.h"
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* git's similarity scores run from 0 to MAX_SCORE. */
#define MAX_SCORE 60000
/* -M's default: 50% similar. */
#define RENAME_MIN_SCORE 30000
/* Same-basename pairs must be halfway from 50% to 100%: 75%. */
#define BASENAME_MIN_SCORE (RENAME_MIN_SCORE + (MAX_SCORE - RENAME_MIN_SCORE) / 2)
/* diff.renameLimit's default: no matrix beyond 1000 x 1000 pairs. */
#define RENAME_LIMIT 1000
/* The best candidates kept per rename destination. */
#define CANDIDATES_PER_DST 4
/* Identical sources looked at per destination before settling. */
#define EXACT_CANDIDATE_LIMIT 100
/* A NUL within the first 8000 bytes makes a file binary. */
#define BINARY_PROBE 8000
/* format-patch's stat width (MAIL_DEFAULT_WRAP). */
#define MAIL_WIDTH 72
/* A chunk for similarity hashing ends at LF or after this many bytes. */
#define SPAN_MAX 64
/* The prime the chunk hashes are reduced by. */
#define SPAN_HASHBASE 107927

/*
 * Blobs of one commit kept for the next: walking a history, the old
 * side of a commit is the new side of its parent.
 */
#define KEEP_MAX_BLOBS 1024
#define KEEP_MAX_BYTES (64 * 1024 * 1024)

/* Paths whose "diff" attribute is remembered, before starting over. */
#define MEMO_MAX_PATH_BYTES (16 * 1024 * 1024)

#define MODE_TYPE(m) ((m) & 0170000)
#define MODE_REGULAR 0100000
#define MODE_GITLINK 0160000

/* Bytes of one chunk hash, as counted for similarity. */
struct ds_span {
	uint32_t hash;
	uint32_t cnt;
};

/* One side of a file pair: a blob (or gitlink) at a path. */
struct ds_spec {
	const char *path;	/* in kvmd_diffstat.paths, once all are in */
	size_t path_off;
	git_oid id;
	uint32_t mode;		/* 0: this side does not exist */
	git_blob *blob;		/* while the content is loaded */
	const unsigned char *data;
	size_t size;
	unsigned loaded : 1;
	unsigned size_known : 1;
	unsigned has_spans : 1;
	signed char binary;	/* -1 until known */
	int rename_used;
	size_t span_off, span_nr;	/* in kvmd_diffstat.spans */
	char link_text[96];	/* "Subproject commit <hex>\n" for gitlinks */
};

/* One entry of git's diff queue. */
struct ds_file {
	size_t one, two;	/* indexes in kvmd_diffstat.specs */
	char status;		/* 'A', 'D', 'M', 'T' or 'R' */
	unsigned dropped : 1;	/* a deletion that became a rename */
	unsigned binary : 1;
	int score;		/* similarity of a rename */
	uint64_t added, deleted;	/* lines, or bytes when binary */
	size_t name_off, name_len;	/* print name, in kvmd_diffstat.names */
};

/* A candidate pairing in the rename matrix. */
struct ds_score {
	int dst;		/* index in dsts, -1 for an empty slot */
	int src;		/* index in srcs */
	int score;
	int name_score;		/* 1 if the basenames are equal */
	size_t pos;		/* slot position, to keep the sort stable */
};

/* A loaded blob kept for reuse, and the commit that last used it. */
struct ds_kept {
	git_oid id;
	git_blob *blob;
	unsigned long gen;
};

/* A path whose "diff" attribute was looked up, in a hash table. */
struct ds_memo {
	size_t off;		/* 1 + offset in kvmd_diffstat.memo_paths; 0: free */
	uint32_t hash;
	signed char value;	/* what attr_binary() said */
};

/* A basename with the index it came from, for lookups by name. */
struct ds_base {
	const char *base;
	size_t idx;
};

/* An object id with the index it came from, for lookups by content. */
struct ds_idref {
	const git_oid *id;
	size_t idx;
};

struct kvmd_diffstat {
	git_repository *repo;
	git_odb *odb;			/* for sizes without loading */
	struct kvmd_config *config;	/* for diff.<driver>.binary; borrowed */
	git_diff_options blob_opts;

	/* Per commit; the arrays keep their memory between commits. */
	struct ds_file *files;
	size_t files_nr, files_alloc;
	struct ds_spec *specs;
	size_t specs_nr, specs_alloc;
	struct ds_span *spans;
	size_t spans_nr, spans_alloc;
	size_t *srcs, *dsts;		/* file indexes of deletions, creations */
	size_t srcs_nr, srcs_alloc, dsts_nr, dsts_alloc;
	unsigned char *dst_done;	/* 1 when a creation became a rename */
	size_t dst_done_alloc;
	struct ds_idref *order;		/* srcs sorted by object id */
	size_t order_alloc;
	struct ds_base *bases;
	size_t bases_alloc;
	struct ds_score *mx;
	size_t mx_alloc;
	struct kvmd_buf names;
	struct kvmd_buf paths;		/* full paths, NUL-terminated */
	struct kvmd_buf base;		/* directory being walked */

	/* attr_binary() by path: attribute files do not change in a run. */
	struct ds_memo *memo;
	size_t memo_nr, memo_size;	/* memo_size: 0 or a power of 2 */
	struct kvmd_buf memo_paths;

	/* Blobs kept between commits, sorted by id. */
	struct ds_kept *kept;
	size_t kept_nr, kept_alloc, kept_bytes;
	unsigned long gen;		/* commits seen */
};

/* ---- setup -------------------------------------------------------- */

int kvmd_diffstat_new(struct kvmd_diffstat **out, git_repository *repo,
		      struct kvmd_config *config)
{
	struct kvmd_diffstat *ds;
	int error;

	*out = NULL;
	ds = kvmd_xcalloc(1, sizeof(*ds));
	ds->repo = repo;
	ds->config = config;
	kvmd_buf_init(&ds->names);
	kvmd_buf_init(&ds->paths);
	kvmd_buf_init(&ds->base);
	kvmd_buf_init(&ds->memo_paths);

	if ((error = git_repository_odb(&ds->odb, repo)) < 0)
		goto cleanup;

	/*
	 * Line counts: we decided text or binary already, and with no
	 * context every hunk header counts changed lines only.
	 */
	if ((error = git_diff_options_init(&ds->blob_opts,
					   GIT_DIFF_OPTIONS_VERSION)) < 0)
		goto cleanup;
	ds->blob_opts.flags = GIT_DIFF_FORCE_TEXT;
	ds->blob_opts.context_lines = 0;
	ds->blob_opts.interhunk_lines = 0;

	*out = ds;
	ds = NULL;
cleanup:
	kvmd_diffstat_free(ds);
	return error;
}

/* Where `id` is, or would go, in the kept blobs. */
static size_t kept_pos(const struct kvmd_diffstat *ds, const git_oid *id,
		       int *found)
{
	size_t lo = 0, hi = ds->kept_nr, mid;
	int cmp;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = git_oid_cmp(&ds->kept[mid].id, id);
		if (!cmp) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A kept copy of blob `id`, with its own reference, or NULL. */
static git_blob *kept_get(struct kvmd_diffstat *ds, const git_oid *id)
{
	git_blob *blob;
	int found;
	size_t pos = kept_pos(ds, id, &found);

	if (!found || git_blob_dup(&blob, ds->kept[pos].blob) < 0)
		return NULL;
	ds->kept[pos].gen = ds->gen;
	return blob;
}

/* Take over `blob` into the kept ones if there is room, else free it. */
static void kept_put(struct kvmd_diffstat *ds, git_blob *blob)
{
	const git_oid *id = git_blob_id(blob);
	size_t size = (size_t)git_blob_rawsize(blob);
	int found;
	size_t pos = kept_pos(ds, id, &found);

	if (found) {
		ds->kept[pos].gen = ds->gen;
		git_blob_free(blob);
		return;
	}
	if (ds->kept_nr >= KEEP_MAX_BLOBS ||
	    ds->kept_bytes + size > KEEP_MAX_BYTES) {
		git_blob_free(blob);
		return;
	}
	KVMD_ALLOC_GROW(ds->kept, ds->kept_nr + 1, ds->kept_alloc);
	memmove(ds->kept + pos + 1, ds->kept + pos,
		(ds->kept_nr - pos) * sizeof(*ds->kept));
	git_oid_cpy(&ds->kept[pos].id, id);
	ds->kept[pos].blob = blob;
	ds->kept[pos].gen = ds->gen;
	ds->kept_nr++;
	ds->kept_bytes += size;
}

/* Free the kept blobs that the commit just done did not use. */
static void kept_expire(struct kvmd_diffstat *ds, unsigned long keep_gen)
{
	size_t i, out = 0;

	for (i = 0; i < ds->kept_nr; i++) {
		if (ds->kept[i].gen >= keep_gen) {
			ds->kept[out++] = ds->kept[i];
			continue;
		}
		ds->kept_bytes -= (size_t)git_blob_rawsize(ds->kept[i].blob);
		git_blob_free(ds->kept[i].blob);
	}
	ds->kept_nr = out;
}

/* Drop a side's content; the blob may be kept for later. */
static void spec_unload(struct kvmd_diffstat *ds, struct ds_spec *spec)
{
	if (spec->blob)
		kept_put(ds, spec->blob);
	spec->blob = NULL;
	spec->data = NULL;
	spec->loaded = 0;
}

/* Forget the previous commit, keeping the allocations. */
static void reset_commit(struct kvmd_diffstat *ds)
{
	size_t i;

	for (i = 0; i < ds->specs_nr; i++)
		spec_unload(ds, &ds->specs[i]);
	ds->files_nr = ds->specs_nr = ds->spans_nr = 0;
	ds->srcs_nr = ds->dsts_nr = 0;
	kvmd_buf_reset(&ds->names);
	kvmd_buf_reset(&ds->paths);
	kvmd_buf_reset(&ds->base);
}

void kvmd_diffstat_free(struct kvmd_diffstat *ds)
{
	if (!ds)
		return;
	reset_commit(ds);
	kept_expire(ds, ULONG_MAX);
	free(ds->kept);
	git_odb_free(ds->odb);
	free(ds->files);
	free(ds->specs);
	free(ds->spans);
	free(ds->srcs);
	free(ds->dsts);
	free(ds->dst_done);
	free(ds->order);
	free(ds->bases);
	free(ds->mx);
	kvmd_buf_release(&ds->names);
	kvmd_buf_release(&ds->paths);
	kvmd_buf_release(&ds->base);
	kvmd_buf_release(&ds->memo_paths);
	free(ds->memo);
	free(ds);
}

/* ---- file content ------------------------------------------------- */

/*
 * Load a side's content.  A missing side is empty; a gitlink reads as
 * "Subproject commit <hex>\n", as git shows submodules.
 */
static int spec_load(struct kvmd_diffstat *ds, struct ds_spec *spec)
{
	int error;

	if (spec->loaded)
		return 0;
	if (!spec->mode) {
		spec->data = (const unsigned char *)"";
		spec->size = 0;
	} else if (MODE_TYPE(spec->mode) == MODE_GITLINK) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &spec->id);
		snprintf(spec->link_text, sizeof(spec->link_text),
			 "Subproject commit %s\n", hex);
		spec->data = (const unsigned char *)spec->link_text;
		spec->size = strlen(spec->link_text);
	} else {
		spec->blob = kept_get(ds, &spec->id);
		if (!spec->blob &&
		    (error = git_blob_lookup(&spec->blob, ds->repo, &spec->id)) < 0)
			return error;
		spec->data = git_blob_rawcontent(spec->blob);
		spec->size = (size_t)git_blob_rawsize(spec->blob);
	}
	spec->loaded = 1;
	spec->size_known = 1;
	return 0;
}

/* A side's size, from the object header when it is not loaded. */
static int spec_size(struct kvmd_diffstat *ds, struct ds_spec *spec,
		     size_t *out)
{
	git_object_t type;
	size_t size;
	int error;

	if (!spec->size_known) {
		if (!spec->mode || MODE_TYPE(spec->mode) == MODE_GITLINK) {
			if ((error = spec_load(ds, spec)) < 0)
				return error;
		} else {
			if ((error = git_odb_read_header(&size, &type, ds->odb,
							 &spec->id)) < 0)
				return error;
			spec->size = size;
			spec->size_known = 1;
		}
	}
	*out = spec->size;
	return 0;
}

/*
 * What the "diff" attribute says: 1 binary ("-diff", "binary", or a
 * driver with diff.<driver>.binary true), 0 text (that setting false),
 * -1 no opinion, so the content decides.
 */
static int attr_binary(struct kvmd_diffstat *ds, const char *path)
{
	const char *value;
	char key[256];
	int is_binary;

	if (git_attr_get(&value, ds->repo, GIT_ATTR_CHECK_FILE_THEN_INDEX,
			 path, "diff") < 0) {
		git_error_clear();
		return -1;
	}
	switch (git_attr_value(value)) {
	case GIT_ATTR_VALUE_FALSE:
		return 1;
	case GIT_ATTR_VALUE_STRING:
		if ((size_t)snprintf(key, sizeof(key), "diff.%s.binary", value) >=
		    sizeof(key))
			return -1;
		/* unset or not a boolean: the content decides, as in git */
		if (kvmd_config_get_bool(&is_binary, ds->config, key, NULL) <= 0)
			return -1;
		return is_binary;
	default:
		return -1;
	}
}

/* FNV-1a, for the attribute memo. */
static uint32_t path_hash(const char *path)
{
	uint32_t h = 2166136261u;

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	return h;
}

/* The memo slot of `path`: its entry, or the free slot for it. */
static struct ds_memo *memo_slot(struct kvmd_diffstat *ds, const char *path,
				 uint32_t hash)
{
	size_t mask = ds->memo_size - 1, i = hash & mask;

	while (ds->memo[i].off &&
	       (ds->memo[i].hash != hash ||
		strcmp(ds->memo_paths.ptr + ds->memo[i].off - 1, path)))
		i = (i + 1) & mask;
	return &ds->memo[i];
}

/* Make room for one more entry: at most half the slots are used. */
static void memo_grow(struct kvmd_diffstat *ds)
{
	struct ds_memo *old = ds->memo;
	size_t i, old_size = ds->memo_size;

	if (ds->memo_paths.len > MEMO_MAX_PATH_BYTES) {
		memset(ds->memo, 0, ds->memo_size * sizeof(*ds->memo));
		ds->memo_nr = 0;
		kvmd_buf_reset(&ds->memo_paths);
	}
	if ((ds->memo_nr + 1) * 2 <= ds->memo_size)
		return;
	ds->memo_size = old_size ? old_size * 2 : 256;
	ds->memo = kvmd_xcalloc(ds->memo_size, sizeof(*ds->memo));
	for (i = 0; i < old_size; i++)
		if (old[i].off)
			*memo_slot(ds, ds->memo_paths.ptr + old[i].off - 1,
				   old[i].hash) = old[i];
	free(old);
}

/* attr_binary(), asked once per path. */
static int attr_binary_memo(struct kvmd_diffstat *ds, const char *path)
{
	uint32_t hash = path_hash(path);
	struct ds_memo *slot;

	memo_grow(ds);
	slot = memo_slot(ds, path, hash);
	if (!slot->off) {
		slot->off = ds->memo_paths.len + 1;
		slot->hash = hash;
		slot->value = (signed char)attr_binary(ds, path);
		kvmd_buf_add(&ds->memo_paths, path, strlen(path) + 1);
		ds->memo_nr++;
	}
	return slot->value;
}

/* Binary as git decides it: the attribute, else a NUL near the start. */
static int spec_is_binary(struct kvmd_diffstat *ds, struct ds_spec *spec,
			  int *out)
{
	int error;

	if (spec->binary < 0 && spec->mode)
		spec->binary = (signed char)attr_binary_memo(ds, spec->path);
	if (spec->binary < 0) {
		size_t probe;

		if ((error = spec_load(ds, spec)) < 0)
			return error;
		probe = spec->size < BINARY_PROBE ? spec->size : BINARY_PROBE;
		spec->binary = probe && memchr(spec->data, 0, probe) != NULL;
	}
	*out = spec->binary;
	return 0;
}

/* ---- similarity (git's diffcore-delta measure) -------------------- */

static int span_cmp(const void *a_, const void *b_)
{
	const struct ds_span *a = a_, *b = b_;

	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/*
 * Cut the content into chunks that end at a LF or after 64 bytes,
 * hash each into [0, SPAN_HASHBASE) and count the bytes per hash,
 * sorted by hash.  In text, a CR before a LF is skipped.  As in git,
 * a last chunk that ends neither way is not counted.
 */
static int spec_spans(struct kvmd_diffstat *ds, struct ds_spec *spec)
{
	uint32_t acc1 = 0, acc2 = 0, n = 0;
	const unsigned char *p, *end;
	struct ds_span *span;
	size_t start, i, out;
	int binary, error;

	if (spec->has_spans)
		return 0;
	if ((error = spec_is_binary(ds, spec, &binary)) < 0 ||
	    (error = spec_load(ds, spec)) < 0)
		return error;

	start = ds->spans_nr;
	p = spec->data;
	end = p + spec->size;
	while (p < end) {
		uint32_t c = *p++, old1 = acc1;

		if (!binary && c == '\r' && p < end && *p == '\n')
			continue;
		acc1 = (acc1 << 7) ^ (acc2 >> 25);
		acc2 = (acc2 << 7) ^ (old1 >> 25);
		acc1 += c;
		if (++n < SPAN_MAX && c != '\n')
			continue;
		KVMD_ALLOC_GROW(ds->spans, ds->spans_nr + 1, ds->spans_alloc);
		span = &ds->spans[ds->spans_nr++];
		span->hash = (acc1 + acc2 * 0x61) % SPAN_HASHBASE;
		span->cnt = n;
		n = acc1 = acc2 = 0;
	}

	/* Sort this file's chunks and merge those of equal hash. */
	span = ds->spans + start;
	qsort(span, ds->spans_nr - start, sizeof(*span), span_cmp);
	for (i = out = 0; i < ds->spans_nr - start; i++) {
		if (out && span[out - 1].hash == span[i].hash)
			span[out - 1].cnt += span[i].cnt;
		else
			span[out++] = span[i];
	}
	ds->spans_nr = start + out;
	spec->span_off = start;
	spec->span_nr = out;
	spec->has_spans = 1;
	return 0;
}

/* Bytes of `dst` that also occur in `src`, chunk hash by chunk hash. */
static uint64_t spans_copied(const struct kvmd_diffstat *ds,
			     const struct ds_spec *src,
			     const struct ds_spec *dst)
{
	const struct ds_span *s = ds->spans + src->span_off;
	const struct ds_span *d = ds->spans + dst->span_off;
	const struct ds_span *s_end = s + src->span_nr;
	const struct ds_span *d_end = d + dst->span_nr;
	uint64_t copied = 0;

	while (s < s_end && d < d_end) {
		if (s->hash < d->hash) {
			s++;
		} else if (d->hash < s->hash) {
			d++;
		} else {
			copied += s->cnt < d->cnt ? s->cnt : d->cnt;
			s++;
			d++;
		}
	}
	return copied;
}

/*
 * How much of `dst` comes from `src`, 0..MAX_SCORE: regular files
 * only, and 0 at once when the sizes differ by more than `min_score`
 * allows.  The content is dropped afterwards; the chunk counts stay.
 */
static int similarity(struct kvmd_diffstat *ds, struct ds_spec *src,
		      struct ds_spec *dst, int min_score, int *out)
{
	size_t src_size, dst_size, max_size, delta;
	int error;

	*out = 0;
	if (MODE_TYPE(src->mode) != MODE_REGULAR ||
	    MODE_TYPE(dst->mode) != MODE_REGULAR)
		return 0;
	if ((error = spec_size(ds, src, &src_size)) < 0 ||
	    (error = spec_size(ds, dst, &dst_size)) < 0)
		return error;
	max_size = src_size > dst_size ? src_size : dst_size;
	delta = max_size - (src_size < dst_size ? src_size : dst_size);
	if ((uint64_t)max_size * (MAX_SCORE - min_score) <
	    (uint64_t)delta * MAX_SCORE)
		return 0;

	if ((error = spec_spans(ds, src)) < 0 ||
	    (error = spec_spans(ds, dst)) < 0)
		return error;
	spec_unload(ds, src);
	spec_unload(ds, dst);
	if (dst_size)
		*out = (int)(spans_copied(ds, src, dst) * MAX_SCORE / max_size);
	return 0;
}

/* ---- rename detection (diffcore-rename with -M defaults) ---------- */

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* 1 if both paths end in the same file name. */
static int same_basename(const char *a, const char *b)
{
	return !strcmp(basename_of(a), basename_of(b));
}

static struct ds_spec *src_spec(struct kvmd_diffstat *ds, size_t i)
{
	return &ds->specs[ds->files[ds->srcs[i]].one];
}

static struct ds_spec *dst_spec(struct kvmd_diffstat *ds, size_t i)
{
	return &ds->specs[ds->files[ds->dsts[i]].two];
}

/* Turn creation `dst` into a rename from deletion `src`. */
static void record_rename(struct kvmd_diffstat *ds, size_t dst, size_t src,
			  int score)
{
	struct ds_file *to = &ds->files[ds->dsts[dst]];
	struct ds_file *from = &ds->files[ds->srcs[src]];

	to->one = from->one;
	to->status = 'R';
	to->score = score;
	from->dropped = 1;
	ds->specs[from->one].rename_used++;
	ds->dst_done[dst] = 1;
}

static int idref_cmp(const void *a_, const void *b_)
{
	const struct ds_idref *a = a_, *b = b_;
	int cmp = git_oid_cmp(a->id, b->id);

	return cmp ? cmp : (a->idx > b->idx) - (a->idx < b->idx);
}

/*
 * Exact renames: each creation takes the first deletion, in path
 * order, with the same content (and the same mode unless both are
 * regular files) that no other creation took, preferring one with
 * the same basename.  At most 100 such deletions are looked at.
 */
static void find_exact_renames(struct kvmd_diffstat *ds)
{
	size_t i, lo, hi, mid, k;

	KVMD_ALLOC_GROW(ds->order, ds->srcs_nr, ds->order_alloc);
	for (i = 0; i < ds->srcs_nr; i++) {
		ds->order[i].id = &src_spec(ds, i)->id;
		ds->order[i].idx = i;
	}
	qsort(ds->order, ds->srcs_nr, sizeof(*ds->order), idref_cmp);

	for (i = 0; i < ds->dsts_nr; i++) {
		struct ds_spec *two = dst_spec(ds, i);
		int best = -1, best_score = -1, tries = EXACT_CANDIDATE_LIMIT;

		lo = 0;
		hi = ds->srcs_nr;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (git_oid_cmp(ds->order[mid].id, &two->id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < ds->srcs_nr; k++) {
			struct ds_spec *one = src_spec(ds, ds->order[k].idx);
			int score;

			if (git_oid_cmp(&one->id, &two->id))
				break;
			if ((MODE_TYPE(one->mode) != MODE_REGULAR ||
			     MODE_TYPE(two->mode) != MODE_REGULAR) &&
			    one->mode != two->mode)
				continue;
			if (one->rename_used)
				continue;
			score = 1 + same_basename(one->path, two->path);
			if (score > best_score) {
				best = (int)ds->order[k].idx;
				best_score = score;
				if (score == 2)
					break;
			}
			if (!--tries)
				break;
		}
		if (best >= 0)
			record_rename(ds, i, (size_t)best, MAX_SCORE);
	}
}

static int base_cmp(const void *a_, const void *b_)
{
	const struct ds_base *a = a_, *b = b_;
	int cmp = strcmp(a->base, b->base);

	return cmp ? cmp : (a->idx > b->idx) - (a->idx < b->idx);
}

/* Index of the only entry named `base` in bases[0..nr), or -1. */
static long unique_base(const struct ds_base *bases, size_t nr,
			const char *base)
{
	size_t lo = 0, hi = nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(bases[mid].base, base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= nr || strcmp(bases[lo].base, base))
		return -1;
	if (lo + 1 < nr && !strcmp(bases[lo + 1].base, base))
		return -1;
	return (long)bases[lo].idx;
}

/*
 * Same-basename renames (git 2.33 and later): a deletion and a
 * creation left over whose file name is unique among the deletions
 * and among the creations pair up when they are 75% similar.
 */
static int find_basename_renames(struct kvmd_diffstat *ds)
{
	struct ds_base *src_bases, *dst_bases;
	size_t i, src_nr = 0, dst_nr = 0;
	int error;

	KVMD_ALLOC_GROW(ds->bases, ds->srcs_nr + ds->dsts_nr, ds->bases_alloc);
	src_bases = ds->bases;
	for (i = 0; i < ds->srcs_nr; i++) {
		if (src_spec(ds, i)->rename_used)
			continue;
		src_bases[src_nr].base = basename_of(src_spec(ds, i)->path);
		src_bases[src_nr++].idx = i;
	}
	dst_bases = ds->bases + src_nr;
	for (i = 0; i < ds->dsts_nr; i++) {
		if (ds->dst_done[i])
			continue;
		dst_bases[dst_nr].base = basename_of(dst_spec(ds, i)->path);
		dst_bases[dst_nr++].idx = i;
	}
	if (!src_nr || !dst_nr)
		return 0;
	qsort(src_bases, src_nr, sizeof(*src_bases), base_cmp);
	qsort(dst_bases, dst_nr, sizeof(*dst_bases), base_cmp);

	for (i = 0; i < ds->srcs_nr; i++) {
		struct ds_spec *one = src_spec(ds, i);
		const char *base;
		long dst;
		int score;

		if (one->rename_used)
			continue;
		base = basename_of(one->path);
		if (unique_base(src_bases, src_nr, base) != (long)i)
			continue;
		dst = unique_base(dst_bases, dst_nr, base);
		if (dst < 0 || ds->dst_done[dst])
			continue;
		if ((error = similarity(ds, one, dst_spec(ds, (size_t)dst),
					BASENAME_MIN_SCORE, &score)) < 0)
			return error;
		if (score >= BASENAME_MIN_SCORE)
			record_rename(ds, (size_t)dst, i, score);
	}
	return 0;
}

/*
 * The order of git's score_compare: empty slots last, then higher
 * score, then same basename first.  0 means equal.
 */
static int score_order(const struct ds_score *a, const struct ds_score *b)
{
	if (a->dst < 0)
		return b->dst >= 0;
	if (b->dst < 0)
		return -1;
	if (a->score != b->score)
		return b->score - a->score;
	return b->name_score - a->name_score;
}

static int score_cmp_stable(const void *a_, const void *b_)
{
	const struct ds_score *a = a_, *b = b_;
	int cmp = score_order(a, b);

	return cmp ? cmp : (a->pos > b->pos) - (a->pos < b->pos);
}

/* Keep `o` among a destination's candidates if it beats the worst. */
static void keep_if_better(struct ds_score *m, const struct ds_score *o)
{
	int i, worst = 0;

	for (i = 1; i < CANDIDATES_PER_DST; i++)
		if (score_order(&m[i], &m[worst]) > 0)
			worst = i;
	if (score_order(&m[worst], o) > 0)
		m[worst] = *o;
}

/* The best CANDIDATES_PER_DST deletions for creation `dst`, into `m`. */
static int rank_sources(struct kvmd_diffstat *ds, size_t dst,
			struct ds_score *m)
{
	struct ds_spec *two = dst_spec(ds, dst);
	size_t j;
	int k, error;

	for (k = 0; k < CANDIDATES_PER_DST; k++)
		m[k].dst = -1;
	for (j = 0; j < ds->srcs_nr; j++) {
		struct ds_spec *one = src_spec(ds, j);
		struct ds_score o;

		if (one->rename_used)
			continue;
		if ((error = similarity(ds, one, two, RENAME_MIN_SCORE,
					&o.score)) < 0)
			return error;
		o.name_score = same_basename(one->path, two->path);
		o.dst = (int)dst;
		o.src = (int)j;
		o.pos = 0;
		keep_if_better(m, &o);
	}
	return 0;
}

/*
 * The matrix: every remaining creation against every remaining
 * deletion, unless that is more than RENAME_LIMIT squared pairs.  The
 * best pairs of at least 50% are taken first, each file at most once;
 * equal pairs go in the order of the creations.
 */
static int find_inexact_renames(struct kvmd_diffstat *ds)
{
	size_t i, k, nsrc = 0, ndst = 0, slots = 0;
	int error;

	for (i = 0; i < ds->srcs_nr; i++)
		nsrc += !src_spec(ds, i)->rename_used;
	for (i = 0; i < ds->dsts_nr; i++)
		ndst += !ds->dst_done[i];
	if (!nsrc || !ndst ||
	    (uint64_t)nsrc * ndst > (uint64_t)RENAME_LIMIT * RENAME_LIMIT)
		return 0;

	KVMD_ALLOC_GROW(ds->mx, ndst * CANDIDATES_PER_DST, ds->mx_alloc);
	for (i = 0; i < ds->dsts_nr; i++) {
		if (ds->dst_done[i])
			continue;
		if ((error = rank_sources(ds, i, ds->mx + slots)) < 0)
			return error;
		slots += CANDIDATES_PER_DST;
	}
	for (k = 0; k < slots; k++)
		ds->mx[k].pos = k;
	qsort(ds->mx, slots, sizeof(*ds->mx), score_cmp_stable);

	for (k = 0; k < slots; k++) {
		struct ds_score *s = &ds->mx[k];

		if (s->dst < 0 || s->score < RENAME_MIN_SCORE)
			break;
		if (ds->dst_done[s->dst] ||
		    src_spec(ds, (size_t)s->src)->rename_used)
			continue;
		record_rename(ds, (size_t)s->dst, (size_t)s->src, s->score);
	}
	return 0;
}

static int detect_renames(struct kvmd_diffstat *ds)
{
	size_t i;
	int error;

	for (i = 0; i < ds->files_nr; i++) {
		if (ds->files[i].status == 'D') {
			KVMD_ALLOC_GROW(ds->srcs, ds->srcs_nr + 1, ds->srcs_alloc);
			ds->srcs[ds->srcs_nr++] = i;
		} else if (ds->files[i].status == 'A') {
			KVMD_ALLOC_GROW(ds->dsts, ds->dsts_nr + 1, ds->dsts_alloc);
			ds->dsts[ds->dsts_nr++] = i;
		}
	}
	if (!ds->srcs_nr || !ds->dsts_nr)
		return 0;
	KVMD_ALLOC_GROW(ds->dst_done, ds->dsts_nr, ds->dst_done_alloc);
	memset(ds->dst_done, 0, ds->dsts_nr * sizeof(*ds->dst_done));

	find_exact_renames(ds);
	if ((error = find_basename_renames(ds)) < 0)
		return error;
	return find_inexact_renames(ds);
}

/* ---- the file pairs (git's diff-tree) ----------------------------- */

static int entry_is_tree(const git_tree_entry *e)
{
	return git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

/*
 * The order of entries in a git tree: by name, where a tree's name
 * reads as if it ended in '/'.  Walking two trees in this order meets
 * every path in the order of git's diff queue.
 */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb);
	int cmp = memcmp(na, nb, la < lb ? la : lb);
	unsigned char ca, cb;

	if (cmp)
		return cmp;
	ca = la > lb ? (unsigned char)na[lb] : entry_is_tree(a) ? '/' : 0;
	cb = lb > la ? (unsigned char)nb[la] : entry_is_tree(b) ? '/' : 0;
	return (int)ca - (int)cb;
}

static size_t add_spec(struct kvmd_diffstat *ds, const git_tree_entry *e,
		       size_t path_off)
{
	struct ds_spec *spec;

	KVMD_ALLOC_GROW(ds->specs, ds->specs_nr + 1, ds->specs_alloc);
	spec = &ds->specs[ds->specs_nr];
	memset(spec, 0, sizeof(*spec));
	spec->path_off = path_off;
	spec->binary = -1;
	if (e) {
		git_oid_cpy(&spec->id, git_tree_entry_id(e));
		spec->mode = (uint32_t)git_tree_entry_filemode(e);
	}
	return ds->specs_nr++;
}

/* Queue the pair of non-tree entries `a` (old) and `b` (new). */
static void add_pair(struct kvmd_diffstat *ds, const git_tree_entry *a,
		     const git_tree_entry *b)
{
	const git_tree_entry *e = a ? a : b;
	size_t path_off = ds->paths.len;
	struct ds_file *file;

	kvmd_buf_add(&ds->paths, ds->base.ptr, ds->base.len);
	kvmd_buf_adds(&ds->paths, git_tree_entry_name(e));
	kvmd_buf_addch(&ds->paths, '\0');

	KVMD_ALLOC_GROW(ds->files, ds->files_nr + 1, ds->files_alloc);
	file = &ds->files[ds->files_nr++];
	memset(file, 0, sizeof(*file));
	if (!a)
		file->status = 'A';
	else if (!b)
		file->status = 'D';
	else if (MODE_TYPE(git_tree_entry_filemode(a)) !=
		 MODE_TYPE(git_tree_entry_filemode(b)))
		file->status = 'T';
	else
		file->status = 'M';
	file->one = add_spec(ds, a, path_off);
	file->two = add_spec(ds, b, path_off);
}

static int walk_trees(struct kvmd_diffstat *ds, git_tree *old, git_tree *new);

/*
 * One name in the old tree, the new one or both: nothing when it did
 * not change, a pair for a file, symlink or submodule, and the walk
 * of a directory on either side (a file and a directory of the same
 * name are two names).
 */
static int walk_entry(struct kvmd_diffstat *ds, const git_tree_entry *a,
		      const git_tree_entry *b)
{
	git_tree *old = NULL, *new = NULL;
	size_t base_len = ds->base.len;
	const git_tree_entry *e = a ? a : b;
	int error;

	if (a && b && git_tree_entry_filemode(a) == git_tree_entry_filemode(b) &&
	    git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)))
		return 0;
	if (!entry_is_tree(e)) {
		add_pair(ds, a, b);
		return 0;
	}
	if ((a && (error = git_tree_lookup(&old, ds->repo,
					   git_tree_entry_id(a))) < 0) ||
	    (b && (error = git_tree_lookup(&new, ds->repo,
					   git_tree_entry_id(b))) < 0))
		goto cleanup;
	kvmd_buf_adds(&ds->base, git_tree_entry_name(e));
	kvmd_buf_addch(&ds->base, '/');
	error = walk_trees(ds, old, new);
	kvmd_buf_truncate(&ds->base, base_len);
cleanup:
	git_tree_free(new);
	git_tree_free(old);
	return error;
}

/* Merge the sorted entries of two trees, either of which may be NULL. */
static int walk_trees(struct kvmd_diffstat *ds, git_tree *old, git_tree *new)
{
	size_t i = 0, j = 0;
	size_t n_old = old ? git_tree_entrycount(old) : 0;
	size_t n_new = new ? git_tree_entrycount(new) : 0;
	int error = 0;

	while (!error && (i < n_old || j < n_new)) {
		const git_tree_entry *a = i < n_old ? git_tree_entry_byindex(old, i) : NULL;
		const git_tree_entry *b = j < n_new ? git_tree_entry_byindex(new, j) : NULL;
		int cmp = !a ? 1 : !b ? -1 : entry_cmp(a, b);

		if (cmp < 0) {
			error = walk_entry(ds, a, NULL);
			i++;
		} else if (cmp > 0) {
			error = walk_entry(ds, NULL, b);
			j++;
		} else {
			error = walk_entry(ds, a, b);
			i++;
			j++;
		}
	}
	return error;
}

/* The changed paths between two trees, in git's order. */
static int collect_files(struct kvmd_diffstat *ds, git_tree *old,
			 git_tree *new)
{
	size_t i;
	int error;

	if ((error = walk_trees(ds, old, new)) < 0)
		return error;
	for (i = 0; i < ds->specs_nr; i++)
		ds->specs[i].path = ds->paths.ptr + ds->specs[i].path_off;
	return 0;
}

/* Lines as xdiff counts them: the last one may lack its newline. */
static uint64_t count_lines(const struct ds_spec *spec)
{
	const unsigned char *p = spec->data, *end = p + spec->size;
	uint64_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	if (spec->size && spec->data[spec->size - 1] != '\n')
		n++;
	return n;
}

static int hunk_count(const git_diff_delta *delta,
		      const git_diff_hunk *hunk, void *payload)
{
	struct ds_file *file = payload;

	(void)delta;
	file->deleted += (uint64_t)hunk->old_lines;
	file->added += (uint64_t)hunk->new_lines;
	return 0;
}

/*
 * The counts of one pair.  Binary files (either side) count bytes
 * of each side, or nothing when the content did not change; text
 * counts the lines xdiff adds and deletes.
 */
static int count_file(struct kvmd_diffstat *ds, struct ds_file *file, int counts)
{
	struct ds_spec *one = &ds->specs[file->one];
	struct ds_spec *two = &ds->specs[file->two];
	int same = one->mode && two->mode && git_oid_equal(&one->id, &two->id);
	int bin1 = 0, bin2 = 0, error;

	if ((one->mode && (error = spec_is_binary(ds, one, &bin1)) < 0) ||
	    (two->mode && (error = spec_is_binary(ds, two, &bin2)) < 0))
		return error;
	file->binary = bin1 || bin2;
	if (same)
		return 0;
	if ((error = spec_load(ds, one)) < 0 ||
	    (error = spec_load(ds, two)) < 0)
		return error;

	if (!counts) {
		/* the caller diffs the content itself */
	} else if (file->binary) {
		file->deleted = one->size;
		file->added = two->size;
	} else if (!one->mode) {
		file->added = count_lines(two);
	} else if (!two->mode) {
		file->deleted = count_lines(one);
	} else if (one->blob && two->blob) {
		/* Blobs, not buffers: libgit2 would hash buffers again. */
		error = git_diff_blobs(one->blob, NULL, two->blob, NULL,
				       &ds->blob_opts, NULL, NULL,
				       hunk_count, NULL, file);
	} else {
		error = git_diff_buffers(one->data, one->size, NULL,
					 two->data, two->size, NULL,
					 &ds->blob_opts, NULL, NULL,
					 hunk_count, NULL, file);
	}
	return error;
}

/* ---- names -------------------------------------------------------- */

static int must_quote(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

static int path_needs_quotes(const char *path)
{
	for (; *path; path++)
		if (must_quote((unsigned char)*path))
			return 1;
	return 0;
}

/*
 * A path as git's quote_c_style writes it (core.quotePath on): in
 * double quotes with C escapes when it has a control character, a
 * quote, a backslash or a byte above 0x7e; as it is otherwise.
 */
static void add_path(struct kvmd_buf *out, const char *path)
{
	static const char esc[] = "abtnvfr";

	if (!path_needs_quotes(path)) {
		kvmd_buf_adds(out, path);
		return;
	}
	kvmd_buf_addch(out, '"');
	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;

		if (!must_quote(c)) {
			kvmd_buf_addch(out, c);
		} else if (c == '"' || c == '\\') {
			kvmd_buf_addch(out, '\\');
			kvmd_buf_addch(out, c);
		} else if (c >= '\a' && c <= '\r') {
			kvmd_buf_addch(out, '\\');
			kvmd_buf_addch(out, esc[c - '\a']);
		} else {
			kvmd_buf_addf(out, "\\%03o", c);
		}
	}
	kvmd_buf_addch(out, '"');
}

/*
 * "old => new" as git's pprint_rename writes it: a common leading
 * directory and a common trailing "/..." part go outside braces,
 * "dir/{a => b}/file"; the suffix may reach back into the prefix's
 * final slash, which then belongs to both.  Paths needing quotes are
 * written whole.
 */
static void add_rename(struct kvmd_buf *out, const char *a, const char *b)
{
	long len_a = (long)strlen(a), len_b = (long)strlen(b);
	long pfx = 0, sfx = 0, i, ia, ib, adj, mid_a, mid_b;

	if (path_needs_quotes(a) || path_needs_quotes(b)) {
		add_path(out, a);
		kvmd_buf_adds(out, " => ");
		add_path(out, b);
		return;
	}
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			pfx = i + 1;

	adj = pfx ? 1 : 0;
	for (ia = len_a, ib = len_b;
	     ia >= pfx - adj && ib >= pfx - adj && a[ia] == b[ib];
	     ia--, ib--)
		if (a[ia] == '/')
			sfx = len_a - ia;

	mid_a = len_a - pfx - sfx;
	mid_b = len_b - pfx - sfx;
	if (mid_a < 0)
		mid_a = 0;
	if (mid_b < 0)
		mid_b = 0;
	if (pfx + sfx) {
		kvmd_buf_add(out, a, (size_t)pfx);
		kvmd_buf_addch(out, '{');
	}
	kvmd_buf_add(out, a + pfx, (size_t)mid_a);
	kvmd_buf_adds(out, " => ");
	kvmd_buf_add(out, b + pfx, (size_t)mid_b);
	if (pfx + sfx) {
		kvmd_buf_addch(out, '}');
		kvmd_buf_add(out, a + len_a - sfx, (size_t)sfx);
	}
}

static void make_print_name(struct kvmd_diffstat *ds, struct ds_file *file)
{
	const char *from = ds->specs[file->one].path;
	const char *to = ds->specs[file->two].path;

	file->name_off = ds->names.len;
	if (file->status == 'R' && strcmp(from, to))
		add_rename(&ds->names, from, to);
	else
		add_path(&ds->names, to ? to : from);
	file->name_len = ds->names.len - file->name_off;
}

/* ---- layout (diff.c's show_stats for a 72-column mail) ------------ */

static int decimal_width(uint64_t n)
{
	int width = 1;

	while (n >= 10) {
		n /= 10;
		width++;
	}
	return width;
}

/*
 * Scale `it` of `max` into `width` columns, giving any non-zero
 * change at least one column.
 */
static uint64_t scale_linear(uint64_t it, uint64_t width, uint64_t max)
{
	if (!it)
		return 0;
	return 1 + it * (width - 1) / max;
}

struct layout {
	long name_width;
	long graph_width;
	int number_width;
	uint64_t max_change;
};

/*
 * The column budget: the name gets what it needs and the graph one
 * column per changed line, when that fits in 72 columns with the
 * " | " and the count.  Otherwise the graph gets at most 3/8 of the
 * width less the count (but 6 at least), the name what is left, and
 * a short name gives its spare columns back to the graph.  A binary
 * file's "Bin X -> Y bytes" wants room like a graph but is not scaled.
 */
static void compute_layout(struct kvmd_diffstat *ds, struct layout *l)
{
	long max_len = 0, bin_width = 0, width = MAIL_WIDTH;
	size_t i;

	l->number_width = 0;
	l->max_change = 0;
	for (i = 0; i < ds->files_nr; i++) {
		struct ds_file *f = &ds->files[i];

		if (f->dropped)
			continue;
		if ((long)f->name_len > max_len)
			max_len = (long)f->name_len;
		if (f->binary) {
			long w = 14 + decimal_width(f->added) +
				 decimal_width(f->deleted);

			if (w > bin_width)
				bin_width = w;
			l->number_width = 3;
		} else if (f->added + f->deleted > l->max_change) {
			l->max_change = f->added + f->deleted;
		}
	}
	if (decimal_width(l->max_change) > l->number_width)
		l->number_width = decimal_width(l->max_change);
	if (width < 16 + 6 + l->number_width)
		width = 16 + 6 + l->number_width;

	l->graph_width = (long)l->max_change + 4 > bin_width ?
			 (long)l->max_change : bin_width - 4;
	l->name_width = max_len;
	if (l->name_width + l->number_width + 6 + l->graph_width > width) {
		long cap = width * 3 / 8 - l->number_width - 6;

		if (l->graph_width > cap)
			l->graph_width = cap < 6 ? 6 : cap;
		if (l->name_width > width - l->number_width - 6 - l->graph_width)
			l->name_width = width - l->number_width - 6 - l->graph_width;
		else
			l->graph_width = width - l->number_width - 6 - l->name_width;
	}
}

/*
 * " name   | ": a name too long for its column loses its head to
 * "...", and then up to its next '/' so that a directory is not cut
 * in two; a shorter one is padded.
 */
static void emit_name(struct kvmd_buf *out, const char *name, long name_len,
		      long width)
{
	const char *prefix = "";

	if (width < name_len) {
		const char *slash;

		prefix = "...";
		width = width > 3 ? width - 3 : 0;
		name += name_len - width;
		name_len = width;
		if ((slash = memchr(name, '/', (size_t)name_len)) != NULL) {
			name_len -= (long)(slash - name);
			name = slash;
		}
	}
	kvmd_buf_addch(out, ' ');
	kvmd_buf_adds(out, prefix);
	kvmd_buf_add(out, name, (size_t)name_len);
	if (width > name_len)
		kvmd_buf_addchars(out, ' ', (size_t)(width - name_len));
	kvmd_buf_adds(out, " | ");
}

/*
 * " name | count +++---", or " name | Bin OLD -> NEW bytes": the
 * graph is scaled when the widest change does not fit, keeping at
 * least one '+' and one '-' for a file with both.
 */
static void emit_stat_line(struct kvmd_buf *out, const struct kvmd_diffstat *ds,
			   const struct ds_file *f, const struct layout *l)
{
	uint64_t add = f->added, del = f->deleted;

	emit_name(out, ds->names.ptr + f->name_off, (long)f->name_len,
		  l->name_width);
	if (f->binary) {
		kvmd_buf_addf(out, "%*s", l->number_width, "Bin");
		if (add || del)
			kvmd_buf_addf(out, " %" PRIu64 " -> %" PRIu64 " bytes",
				      del, add);
		kvmd_buf_addch(out, '\n');
		return;
	}

	if ((uint64_t)l->graph_width <= l->max_change) {
		uint64_t gw = (uint64_t)l->graph_width, max = l->max_change;
		uint64_t total = scale_linear(add + del, gw, max);

		if (total < 2 && add && del)
			total = 2;
		if (add < del) {
			add = scale_linear(add, gw, max);
			del = total - add;
		} else {
			del = scale_linear(del, gw, max);
			add = total - del;
		}
	}
	kvmd_buf_addf(out, "%*" PRIu64 "%s", l->number_width,
		      f->added + f->deleted, f->added + f->deleted ? " " : "");
	kvmd_buf_addchars(out, '+', (size_t)add);
	kvmd_buf_addchars(out, '-', (size_t)del);
	kvmd_buf_addch(out, '\n');
}

/* " N files changed, N insertions(+), N deletions(-)", 0s omitted. */
static void emit_summary(struct kvmd_buf *out, size_t files,
			 uint64_t adds, uint64_t dels)
{
	kvmd_buf_addf(out, " %zu %s changed", files,
		      files == 1 ? "file" : "files");
	if (adds || !dels)
		kvmd_buf_addf(out, ", %" PRIu64 " %s(+)", adds,
			      adds == 1 ? "insertion" : "insertions");
	if (dels || !adds)
		kvmd_buf_addf(out, ", %" PRIu64 " %s(-)", dels,
			      dels == 1 ? "deletion" : "deletions");
	kvmd_buf_addch(out, '\n');
}

/* " mode change OLD => NEW[ path]" when both sides exist and differ. */
static void emit_mode_change(struct kvmd_buf *out, const struct ds_spec *one,
			     const struct ds_spec *two, int show_name)
{
	if (!one->mode || !two->mode || one->mode == two->mode)
		return;
	kvmd_buf_addf(out, " mode change %06o => %06o",
		      (unsigned)one->mode, (unsigned)two->mode);
	if (show_name) {
		kvmd_buf_addch(out, ' ');
		add_path(out, two->path);
	}
	kvmd_buf_addch(out, '\n');
}

/* The --summary line(s) of one pair, as format-patch adds them. */
static void emit_file_summary(struct kvmd_buf *out, const struct ds_file *f,
			      const struct ds_spec *one, const struct ds_spec *two)
{
	switch (f->status) {
	case 'A':
		kvmd_buf_addf(out, " create mode %06o ", (unsigned)two->mode);
		add_path(out, two->path);
		kvmd_buf_addch(out, '\n');
		break;
	case 'D':
		kvmd_buf_addf(out, " delete mode %06o ", (unsigned)one->mode);
		add_path(out, one->path);
		kvmd_buf_addch(out, '\n');
		break;
	case 'R':
		kvmd_buf_adds(out, " rename ");
		add_rename(out, one->path, two->path);
		kvmd_buf_addf(out, " (%d%%)\n", f->score * 100 / MAX_SCORE);
		emit_mode_change(out, one, two, 0);
		break;
	default:
		emit_mode_change(out, one, two, 1);
		break;
	}
}

static void emit_block(struct kvmd_buf *out, struct kvmd_diffstat *ds)
{
	struct layout l;
	uint64_t adds = 0, dels = 0;
	size_t i, shown = 0;

	for (i = 0; i < ds->files_nr; i++)
		if (!ds->files[i].dropped)
			make_print_name(ds, &ds->files[i]);
	compute_layout(ds, &l);

	for (i = 0; i < ds->files_nr; i++) {
		const struct ds_file *f = &ds->files[i];

		if (f->dropped)
			continue;
		emit_stat_line(out, ds, f, &l);
		shown++;
		if (!f->binary) {
			adds += f->added;
			dels += f->deleted;
		}
	}
	if (!shown)
		return;
	emit_summary(out, shown, adds, dels);

	for (i = 0; i < ds->files_nr; i++) {
		const struct ds_file *f = &ds->files[i];

		if (!f->dropped)
			emit_file_summary(out, f, &ds->specs[f->one],
					  &ds->specs[f->two]);
	}
}

/* ---- entry point -------------------------------------------------- */

/*
 * The first parent's tree, or NULL for a root commit.  A commit at
 * the boundary of a shallow clone has a parent that is not there;
 * git shows it as a root commit, and so do we.
 */
static int parent_tree(git_tree **out, struct kvmd_diffstat *ds,
		       git_commit *commit)
{
	git_commit *parent = NULL;
	int error;

	*out = NULL;
	if (!git_commit_parentcount(commit))
		return 0;
	error = git_commit_parent(&parent, commit, 0);
	if (error == GIT_ENOTFOUND && git_repository_is_shallow(ds->repo) == 1) {
		git_error_clear();
		return 0;
	}
	if (error == 0)
		error = git_commit_tree(out, parent);
	git_commit_free(parent);
	return error;
}

/* Hand one pair to a kvmd_diffstat_file_cb. */
static int call_file_cb(struct kvmd_diffstat *ds, const struct ds_file *f,
			kvmd_diffstat_file_cb cb, void *payload)
{
	const struct ds_spec *one = &ds->specs[f->one];
	const struct ds_spec *two = &ds->specs[f->two];
	struct kvmd_diffstat_file file;

	memset(&file, 0, sizeof(file));
	file.status = f->status;
	file.old_path = one->path;
	file.new_path = two->path;
	file.old_mode = one->mode;
	file.new_mode = two->mode;
	file.old_id = &one->id;
	file.new_id = &two->id;
	file.similarity = f->status == 'R' ? f->score * 100 / MAX_SCORE : 0;
	file.binary = f->binary;
	file.same = one->mode && two->mode && git_oid_equal(&one->id, &two->id);
	if (!file.same) {
		file.old_blob = one->blob;
		file.new_blob = two->blob;
		file.old_data = one->data;
		file.new_data = two->data;
		file.old_size = one->size;
		file.new_size = two->size;
	}
	return cb(&file, payload);
}

int kvmd_diffstat_commit(struct kvmd_buf *out, struct kvmd_diffstat *ds,
			 git_commit *commit, git_tree *tree)
{
	return kvmd_diffstat_commit_files(out, ds, commit, tree, NULL, NULL);
}

int kvmd_diffstat_commit_files(struct kvmd_buf *out, struct kvmd_diffstat *ds,
			       git_commit *commit, git_tree *tree,
			       kvmd_diffstat_file_cb cb, void *payload)
{
	git_tree *old_tree = NULL;
	size_t i;
	int error;

	reset_commit(ds);
	ds->gen++;
	if ((error = parent_tree(&old_tree, ds, commit)) < 0)
		goto cleanup;
	if ((error = collect_files(ds, old_tree, tree)) < 0 ||
	    (error = detect_renames(ds)) < 0)
		goto cleanup;

	for (i = 0; i < ds->files_nr; i++) {
		struct ds_file *f = &ds->files[i];

		if (f->dropped)
			continue;
		if ((error = count_file(ds, f, out != NULL)) < 0 ||
		    (cb && (error = call_file_cb(ds, f, cb, payload)) < 0))
			goto cleanup;
		spec_unload(ds, &ds->specs[f->one]);
		spec_unload(ds, &ds->specs[f->two]);
	}
	if (out)
		emit_block(out, ds);

cleanup:
	reset_commit(ds);
	kept_expire(ds, ds->gen);
	git_tree_free(old_tree);
	return error;
}
