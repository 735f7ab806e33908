#include "digest.h"
#include "area.h"
#include "followup.h"
#include "buf.h"
#include "ident.h"
#include "tally.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * What is kept of the patches to group series at the end: hashes of
 * their Message-ID and of the ids they name, not the strings.  A 64-bit
 * FNV-1a collision between two ids of one range is far less likely than
 * a duplicated Message-ID, which the grouping tolerates anyway.
 *
 * A new patch (a cover, a first or a lone patch) has a record of its
 * own.  The later patches (2/N and on) that name the same ids, with the
 * same sender, version and N, share one: finish puts them in the same
 * series whatever it turns out to be, and needs of them only how many
 * they are, the newest, and the lowest-numbered (the newest of those).
 * git send-email threads a series under its cover, so that a series is
 * two records, not N + 1: the records were the largest part of what grew
 * with the range.  A range is far below 2^32 commits.
 */
struct patch {
	uint64_t id, irt, first_ref, last_ref;
	uint64_t fallback;    /* header From, version, N and the thread root */
	uint32_t seq;         /* the newest message it stands for */
	uint32_t head_seq;    /* the newest of its lowest-numbered messages */
	uint32_t contributor; /* of that message */
	uint32_t count;       /* messages it stands for */
	uint32_t entry;       /* index in entries, or NONE */
	uint32_t series;      /* set by finish */
	int number, total;    /* number: the lowest */
};

#define NONE UINT32_MAX

/*
 * The subject of the lowest-numbered old patch of each fallback group;
 * of equal numbers, the newest (the smallest seq), whatever order the
 * threads add them in.
 */
struct fallback_subject {
	int number;
	uint32_t seq;
	char *subject;
};

/*
 * An entry in memory: where its record waits (see store_record()), and
 * what finish needs.  The text itself is read back when printed, so that
 * memory does not grow with the length of the range.
 */
struct entry {
	uint64_t off;         /* of the record in the spill file, or in `kept` */
	uint64_t len;         /* of the record */
	size_t listed;        /* in `listed`: the subject, then a code commit's id */
	const char *area;     /* interned (area_of()), or NULL */
	uint32_t seq;
	uint32_t contributor;
	uint8_t is_code, in_memory;
};

/*
 * A record: this head, then NUL-terminated the commit, subject, author,
 * body and (code commits, see struct entry) diffstat, then for each
 * trailer a byte of TRAILER_* bits, its key, value, and the name and
 * email it has, then the Message-ID ("" for none).
 */
struct record_head {
	uint32_t ntrailers;
	int32_t kind, version, number, total;
	uint64_t tag_end;
	int64_t date;
};

#define TRAILER_NAME 1
#define TRAILER_EMAIL 2

struct series {
	size_t head;          /* index in patches: the cover, else the lowest number */
	size_t count;
	size_t first_entry;
};

struct kvmd_digest {
	/*
	 * The readers of a scan add to one digest, under a lock held for the
	 * few microseconds an add takes: digests of their own would have to
	 * be merged at the end, holding every array twice.
	 */
	pthread_mutex_t lock;
	int spill_fd;           /* where entries wait, or -1 */
	uint64_t spill_end;
	struct kvmd_buf kept;   /* the records there is no file (or room) for */
	struct kvmd_buf listed; /* what the patch list shows of each entry */
	struct kvmd_tally *contributors, *signers, *reviewers;
	struct entry *entries;
	size_t nr_entries, alloc_entries;
	struct patch *patches;
	size_t nr_patches, alloc_patches;
	uint32_t *later;        /* later patches' records by their ids (add_later()) */
	size_t later_mask, nr_later;
	GHashTable *fallback_subjects; /* uint64 key -> struct fallback_subject */
	struct kvmd_listing *listings;
	size_t nr_listings;
	size_t mails, codes;
	/* area name -> struct kvmd_area_count (owning its name); none in `no_area` */
	GHashTable *areas;
	struct kvmd_area_count no_area;
	struct kvmd_area_count *area_rows; /* by finish: kvmd_digest_areas() */
	size_t nr_area_rows;
	char **only_areas;      /* kvmd_digest_only_areas(), NULL-terminated */
	int64_t first_date, last_date; /* 0: none yet */
	struct kvmd_skip *skipped;
	size_t nr_skipped, alloc_skipped;
	GHashTable *posted;     /* code commit hex -> struct kvmd_posted, owned */
	GHashTable *code_ids;   /* the code entries' commits (hex, in `listed`), once posted asks */
};

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ULL

/* 0 stands for "no id". */
static uint64_t hash_id(const char *id)
{
	uint64_t h;

	if (!id || !*id)
		return 0;
	h = hash_bytes(HASH_SEED, id, strlen(id));
	return h ? h : 1;
}

static guint u64_hash(gconstpointer p)
{
	uint64_t v = *(const uint64_t *)p;
	return (guint)(v ^ (v >> 32));
}

static gboolean u64_equal(gconstpointer a, gconstpointer b)
{
	return *(const uint64_t *)a == *(const uint64_t *)b;
}

static void fallback_subject_free(gpointer p)
{
	struct fallback_subject *fs = p;
	free(fs->subject);
	free(fs);
}

int kvmd_digest_spill(struct kvmd_digest *d)
{
	struct kvmd_buf path = KVMD_BUF_INIT;
	const char *dir = getenv("TMPDIR");

	if (d->spill_fd >= 0)
		return 0;
	/* where git puts its temporary files; tmpfile() would ignore TMPDIR */
	kvmd_buf_addf(&path, "%s/git-kvmdigest-XXXXXX", dir && *dir ? dir : "/tmp");
	d->spill_fd = mkstemp(path.ptr);
	if (d->spill_fd >= 0)
		unlink(path.ptr); /* nothing is left behind, whatever happens */
	kvmd_buf_release(&path);
	return d->spill_fd < 0 ? -1 : 0;
}

/* Puts a record aside, in the spill file or else in memory; with the lock held. */
static void store_record(struct kvmd_digest *d, struct entry *e, const struct kvmd_buf *rec)
{
	size_t done = 0;

	e->len = rec->len;
	if (d->spill_fd >= 0) {
		while (done < rec->len) {
			ssize_t n = pwrite(d->spill_fd, rec->ptr + done, rec->len - done,
					   (off_t)(d->spill_end + done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		if (done == rec->len) {
			e->off = d->spill_end;
			d->spill_end += rec->len;
			return;
		}
	}
	/* no file, or a full disk: in memory after all */
	e->in_memory = 1;
	e->off = d->kept.len;
	kvmd_buf_add(&d->kept, rec->ptr, rec->len);
}

/* The next NUL-terminated string of a record, or NULL past its end. */
static const char *next_string(const char **p, const char *end)
{
	const char *s = *p, *nul = s < end ? memchr(s, '\0', (size_t)(end - s)) : NULL;

	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

/* Points `e` into its record; e->is_code says whether a diffstat is there. */
static int parse_record(struct kvmd_entry *e)
{
	const char *p = e->text_.ptr, *end = p + e->text_.len;
	struct record_head h;
	size_t i;

	if (e->text_.len < sizeof(h))
		return -1;
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	/* a trailer takes at least its bits and two NULs */
	if (h.ntrailers > (size_t)(end - p) / 3)
		return -1;
	e->tag.kind = (enum kvmd_kind)h.kind;
	e->tag.version = h.version;
	e->tag.number = h.number;
	e->tag.total = h.total;
	e->tag.tag_end = (size_t)h.tag_end;
	if (!(e->commit = next_string(&p, end)) || !(e->subject = next_string(&p, end)) ||
	    !(e->author = next_string(&p, end)) || !(e->body = next_string(&p, end)))
		return -1;
	e->body_len = strlen(e->body);
	if (e->tag.tag_end > strlen(e->subject))
		return -1;
	e->diffstat = NULL;
	if (e->is_code && !(e->diffstat = next_string(&p, end)))
		return -1;
	if (h.ntrailers > e->talloc_) {
		e->talloc_ = h.ntrailers;
		e->tv_ = kvmd_xrealloc(e->tv_, e->talloc_ * sizeof(*e->tv_));
	}
	for (i = 0; i < h.ntrailers; i++) {
		struct kvmd_trailer *t = &e->tv_[i];
		unsigned bits = p < end ? (unsigned char)*p++ : 0;

		t->key = (char *)next_string(&p, end);
		t->value = (char *)next_string(&p, end);
		t->name = bits & TRAILER_NAME ? (char *)next_string(&p, end) : NULL;
		t->email = bits & TRAILER_EMAIL ? (char *)next_string(&p, end) : NULL;
		if (!t->key || !t->value || (bits & TRAILER_NAME && !t->name) ||
		    (bits & TRAILER_EMAIL && !t->email))
			return -1;
	}
	e->trailers = e->tv_;
	e->ntrailers = h.ntrailers;
	e->date = h.date;
	if (!(e->message_id = next_string(&p, end)))
		return -1;
	if (!*e->message_id)
		e->message_id = NULL;
	return 0;
}

int kvmd_digest_entry(const struct kvmd_digest *d, size_t i, struct kvmd_entry *e)
{
	const struct entry *in = &d->entries[i];
	size_t len = (size_t)in->len, done = 0;

	kvmd_buf_reset(&e->text_);
	kvmd_buf_grow(&e->text_, len);
	if (in->in_memory) {
		memcpy(e->text_.ptr, d->kept.ptr + in->off, len);
		done = len;
	}
	while (done < len) {
		ssize_t n = pread(d->spill_fd, e->text_.ptr + done, len - done,
				  (off_t)(in->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n) {
			errno = EIO; /* the file is shorter than what was written */
			return -1;
		}
		done += (size_t)n;
	}
	e->text_.len = len;
	e->text_.ptr[len] = '\0';
	e->seq = in->seq;
	e->contributor = in->contributor;
	e->is_code = in->is_code;
	e->area = in->area;
	if (parse_record(e) < 0) {
		errno = EIO;
		return -1;
	}
	e->posted = e->is_code && d->posted ? g_hash_table_lookup(d->posted, e->commit) : NULL;
	return 0;
}

void kvmd_entry_release(struct kvmd_entry *e)
{
	struct kvmd_entry empty = KVMD_ENTRY_INIT;

	kvmd_buf_release(&e->text_);
	free(e->tv_);
	*e = empty;
}

static void area_count_free(gpointer p)
{
	struct kvmd_area_count *a = p;

	free((char *)a->area);
	free(a);
}

/* The count of `area` (NULL: none), made on first use; with the lock held. */
static struct kvmd_area_count *area_of(struct kvmd_digest *d, const char *area)
{
	struct kvmd_area_count *a;

	if (!area)
		return &d->no_area;
	if (!(a = g_hash_table_lookup(d->areas, area))) {
		a = kvmd_xcalloc(1, sizeof(*a));
		a->area = kvmd_xstrdup(area);
		g_hash_table_insert(d->areas, (char *)a->area, a);
	}
	return a;
}

void kvmd_digest_only_areas(struct kvmd_digest *d, const char *const *names, size_t n)
{
	size_t i;

	d->only_areas = kvmd_xcalloc(n + 1, sizeof(*d->only_areas));
	for (i = 0; i < n; i++)
		d->only_areas[i] = kvmd_xstrdup(names[i]);
}

/* Whether a message or commit of `area` (NULL: none) is digested. */
static int wanted_area(const struct kvmd_digest *d, const char *area)
{
	char **name;

	if (!d->only_areas)
		return 1;
	for (name = d->only_areas; *name; name++)
		if (kvmd_area_matches(area, *name))
			return 1;
	return 0;
}

struct kvmd_digest *kvmd_digest_new(void)
{
	struct kvmd_digest *d = kvmd_xcalloc(1, sizeof(*d));

	pthread_mutex_init(&d->lock, NULL);
	d->spill_fd = -1;
	d->contributors = kvmd_tally_new();
	d->signers = kvmd_tally_new();
	d->reviewers = kvmd_tally_new();
	d->fallback_subjects = g_hash_table_new_full(u64_hash, u64_equal, free,
						     fallback_subject_free);
	d->areas = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, area_count_free);
	return d;
}

void kvmd_digest_free(struct kvmd_digest *d)
{
	size_t i;

	if (!d)
		return;
	if (d->spill_fd >= 0)
		close(d->spill_fd);
	pthread_mutex_destroy(&d->lock);
	kvmd_tally_free(d->contributors);
	kvmd_tally_free(d->signers);
	kvmd_tally_free(d->reviewers);
	kvmd_buf_release(&d->kept);
	kvmd_buf_release(&d->listed);
	free(d->entries);
	free(d->patches);
	free(d->later);
	g_hash_table_destroy(d->fallback_subjects);
	g_hash_table_destroy(d->areas);
	free(d->area_rows);
	if (d->only_areas)
		for (i = 0; d->only_areas[i]; i++)
			free(d->only_areas[i]);
	free(d->only_areas);
	if (d->posted)
		g_hash_table_destroy(d->posted);
	if (d->code_ids)
		g_hash_table_destroy(d->code_ids);
	free(d->listings);
	for (i = 0; i < d->nr_skipped; i++) {
		free(d->skipped[i].commit);
		free(d->skipped[i].reason);
	}
	free(d->skipped);
	free(d);
}

/*
 * Counts the trailer identities of one message or commit: each identity
 * once per table, as `git shortlog --group=trailer:<key>` counts them.
 */
static void count_trailers(struct kvmd_digest *d, const struct kvmd_trailer *t,
			   size_t n, size_t seq)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		enum kvmd_trailer_kind kind = kvmd_trailer_kind(t[i].key);
		struct kvmd_tally *tally;
		int dup = 0;

		if (kind == KVMD_TRAILER_OTHER || !t[i].email)
			continue;
		for (j = 0; j < i && !dup; j++)
			dup = t[j].email && kvmd_trailer_kind(t[j].key) == kind &&
			      !g_ascii_strcasecmp(t[j].email, t[i].email);
		if (dup)
			continue;
		tally = kind == KVMD_TRAILER_SIGNER ? d->signers : d->reviewers;
		kvmd_tally_add(tally, t[i].name, t[i].email, seq);
	}
}

/*
 * Counts the follow-up trailers of a reply in the reviewers table: those
 * of its sender's own address (a mismatched one is not counted), each
 * identity once, and not again when the reply's own trailers (already
 * counted) hold it.
 */
static void count_followups(struct kvmd_digest *d, const struct kvmd_message *m)
{
	const struct kvmd_trailer *f = m->followups, *t = m->trailers;
	size_t i, j;

	for (i = 0; m->sender_email && i < m->nfollowups; i++) {
		int dup = 0;

		if (kvmd_trailer_kind(f[i].key) != KVMD_TRAILER_REVIEWER || !f[i].email ||
		    !kvmd_followup_same_address(f[i].email, m->sender_email))
			continue;
		for (j = 0; j < m->ntrailers && !dup; j++)
			dup = t[j].email && kvmd_trailer_kind(t[j].key) == KVMD_TRAILER_REVIEWER &&
			      !g_ascii_strcasecmp(t[j].email, f[i].email);
		for (j = 0; j < i && !dup; j++)
			dup = f[j].email && kvmd_trailer_kind(f[j].key) == KVMD_TRAILER_REVIEWER &&
			      !g_ascii_strcasecmp(f[j].email, f[i].email);
		if (!dup)
			kvmd_tally_add(d->reviewers, f[i].name, f[i].email, m->seq);
	}
}

/*
 * Appends to `rec` at most KVMD_ENTRY_MAX bytes of a body, cut at a line
 * end when there is one (else at a UTF-8 character boundary), with a
 * marker that says how much was left out.  A 5 MB mail is a digest
 * entry, not a 5 MB note.  Bodies end at a NUL, as C strings do.
 */
static void add_capped_body(struct kvmd_buf *rec, const char *body, size_t len)
{
	size_t cut;

	len = body ? strnlen(body, len) : 0;
	if (len <= KVMD_ENTRY_MAX) {
		kvmd_buf_add(rec, body, len);
		kvmd_buf_addch(rec, '\0');
		return;
	}
	cut = KVMD_ENTRY_MAX;
	while (cut > KVMD_ENTRY_MAX / 2 && body[cut - 1] != '\n')
		cut--;
	if (body[cut - 1] != '\n') {
		cut = KVMD_ENTRY_MAX;
		while (cut && ((unsigned char)body[cut] & 0xc0) == 0x80)
			cut--;
	}
	kvmd_buf_add(rec, body, cut);
	if (cut && body[cut - 1] != '\n')
		kvmd_buf_addch(rec, '\n');
	kvmd_buf_addf(rec, "[... %zu more bytes not shown]\n", len - cut);
	kvmd_buf_addch(rec, '\0');
}

static void add_string(struct kvmd_buf *rec, const char *s)
{
	kvmd_buf_add(rec, s, strlen(s) + 1);
}

/* An entry's record, made before the lock is taken: see struct record_head. */
static void make_record(struct kvmd_buf *rec, int is_code, const struct kvmd_subject *tag,
			const char *commit, const char *subject,
			const char *name, const char *email,
			const char *body, size_t body_len, const char *diffstat,
			const struct kvmd_trailer *t, size_t nt,
			const char *message_id, int64_t date)
{
	struct record_head h;
	size_t i;

	memset(&h, 0, sizeof(h));
	h.ntrailers = (uint32_t)nt;
	h.kind = (int32_t)tag->kind;
	h.version = tag->version;
	h.number = tag->number;
	h.total = tag->total;
	h.tag_end = tag->tag_end;
	h.date = date;
	kvmd_buf_add(rec, &h, sizeof(h));
	add_string(rec, commit);
	add_string(rec, subject);
	kvmd_ident_format_bare(rec, name, email);
	kvmd_buf_addch(rec, '\0');
	add_capped_body(rec, body, body_len);
	if (is_code)
		add_string(rec, diffstat ? diffstat : "");
	for (i = 0; i < nt; i++) {
		kvmd_buf_addch(rec, (char)((t[i].name ? TRAILER_NAME : 0) |
					   (t[i].email ? TRAILER_EMAIL : 0)));
		add_string(rec, t[i].key);
		add_string(rec, t[i].value);
		if (t[i].name)
			add_string(rec, t[i].name);
		if (t[i].email)
			add_string(rec, t[i].email);
	}
	add_string(rec, message_id ? message_id : "");
}

/*
 * Adds an entry with its record; with the lock held.  What the patch
 * list shows of it stays in memory: its subject, and a code commit's id.
 */
static uint32_t add_entry(struct kvmd_digest *d, const struct kvmd_buf *rec, size_t seq,
			  int is_code, const char *subject, const char *commit,
			  size_t contributor, const char *area)
{
	struct entry *e;

	KVMD_ALLOC_GROW(d->entries, d->nr_entries + 1, d->alloc_entries);
	e = &d->entries[d->nr_entries];
	memset(e, 0, sizeof(*e));
	e->seq = (uint32_t)seq;
	e->contributor = (uint32_t)contributor;
	e->is_code = (uint8_t)is_code;
	e->area = area;
	e->listed = d->listed.len;
	add_string(&d->listed, subject);
	if (is_code)
		add_string(&d->listed, commit);
	store_record(d, e, rec);
	return (uint32_t)d->nr_entries++;
}

static uint64_t fallback_key(const struct kvmd_message *m)
{
	struct kvmd_buf key = KVMD_BUF_INIT;
	const char *root;
	uint64_t h;

	/* the thread root: the first of References, else the patch itself */
	root = m->nrefs ? m->refs[0] : m->in_reply_to ? m->in_reply_to : m->message_id;
	kvmd_ident_key(&key, m->from_email);
	kvmd_buf_addf(&key, "\n%d\n%d\n%s", m->tag.version, m->tag.total, root ? root : "");
	h = hash_bytes(HASH_SEED, key.ptr, key.len);
	kvmd_buf_release(&key);
	return h;
}

/* With the lock held. */
static void keep_fallback_subject(struct kvmd_digest *d, uint64_t key, int number,
				  uint32_t seq, const char *subject)
{
	struct fallback_subject *fs = g_hash_table_lookup(d->fallback_subjects, &key);

	if (!fs) {
		uint64_t *k = kvmd_xmalloc(sizeof(*k));
		*k = key;
		fs = kvmd_xcalloc(1, sizeof(*fs));
		g_hash_table_insert(d->fallback_subjects, k, fs);
	} else if (number > fs->number || (number == fs->number && seq > fs->seq)) {
		return;
	}
	free(fs->subject);
	fs->number = number;
	fs->seq = seq;
	fs->subject = kvmd_xstrdup(subject);
}

/* Widens the period to `date` (0 or less: unknown); with the lock held. */
static void add_date(struct kvmd_digest *d, int64_t date)
{
	if (date <= 0)
		return;
	if (!d->first_date || date < d->first_date)
		d->first_date = date;
	if (date > d->last_date)
		d->last_date = date;
}

static void add_patch(struct kvmd_digest *d, const struct patch *p)
{
	KVMD_ALLOC_GROW(d->patches, d->nr_patches + 1, d->alloc_patches);
	d->patches[d->nr_patches++] = *p;
}

static int same_series(const struct patch *a, const struct patch *b)
{
	return a->irt == b->irt && a->first_ref == b->first_ref &&
	       a->last_ref == b->last_ref && a->fallback == b->fallback &&
	       a->total == b->total;
}

static size_t later_hash(const struct patch *p)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = p->irt * k;

	h = (h ^ p->first_ref) * k;
	h = (h ^ p->last_ref) * k;
	h = (h ^ p->fallback) * k;
	return (size_t)(h >> 32);
}

/*
 * The slot in d->later (open addressing; 1 + an index in patches, 0 for
 * none) of the record `p` belongs to, or the free slot it would take.
 */
static uint32_t *later_slot(struct kvmd_digest *d, const struct patch *p)
{
	size_t i = later_hash(p) & d->later_mask;

	while (d->later[i] && !same_series(&d->patches[d->later[i] - 1], p))
		i = (i + 1) & d->later_mask;
	return &d->later[i];
}

static void later_grow(struct kvmd_digest *d)
{
	size_t old = d->later ? d->later_mask + 1 : 0, i;
	uint32_t *slots = d->later;

	d->later_mask = old ? old * 2 - 1 : 255;
	d->later = kvmd_xcalloc(d->later_mask + 1, sizeof(*d->later));
	for (i = 0; i < old; i++)
		if (slots[i])
			*later_slot(d, &d->patches[slots[i] - 1]) = slots[i];
	free(slots);
}

/* Counts a later patch in the record of its kind (see struct patch); with the lock held. */
static void add_later(struct kvmd_digest *d, const struct patch *p)
{
	uint32_t *slot;
	struct patch *q;

	if (!d->later || (d->nr_later + 1) * 2 > d->later_mask + 1)
		later_grow(d);
	slot = later_slot(d, p);
	if (!*slot) {
		add_patch(d, p);
		*slot = (uint32_t)d->nr_patches;
		d->nr_later++;
		return;
	}
	q = &d->patches[*slot - 1];
	q->count++;
	if (p->seq < q->seq)
		q->seq = p->seq;
	if (p->number < q->number || (p->number == q->number && p->seq < q->head_seq)) {
		q->number = p->number;
		q->head_seq = p->seq;
		q->contributor = p->contributor;
	}
}

void kvmd_digest_add_mail(struct kvmd_digest *d, const struct kvmd_message *m)
{
	int is_patch = m->tag.kind == KVMD_KIND_PATCH;
	int is_new = is_patch && kvmd_subject_is_new_patch(&m->tag);
	struct kvmd_buf rec = KVMD_BUF_INIT, area = KVMD_BUF_INIT;
	struct kvmd_area_count *counted;
	struct patch p;
	size_t who;
	int has_area;

	/* what takes time is done before the lock is taken */
	has_area = kvmd_area_of_subject(&area, m->subject, strlen(m->subject));
	if (!wanted_area(d, has_area ? area.ptr : NULL)) {
		kvmd_buf_release(&area);
		return;
	}
	memset(&p, 0, sizeof(p));
	if (is_patch) {
		p.id = hash_id(m->message_id);
		p.irt = hash_id(m->in_reply_to);
		p.first_ref = m->nrefs ? hash_id(m->refs[0]) : 0;
		p.last_ref = m->nrefs ? hash_id(m->refs[m->nrefs - 1]) : 0;
		p.fallback = fallback_key(m);
		p.seq = p.head_seq = (uint32_t)m->seq;
		p.count = 1;
		p.entry = NONE;
		p.number = m->tag.number;
		p.total = m->tag.total;
	}
	if (is_new)
		make_record(&rec, 0, &m->tag, m->commit, m->subject, m->from_name,
			    m->from_email, m->body, m->body_len, NULL,
			    m->trailers, m->ntrailers, m->message_id, m->date);

	pthread_mutex_lock(&d->lock);
	who = kvmd_tally_add(d->contributors, m->contributor_name, m->contributor_email, m->seq);
	d->mails++;
	counted = area_of(d, has_area ? area.ptr : NULL);
	counted->messages++;
	add_date(d, m->date);
	count_trailers(d, m->trailers, m->ntrailers, m->seq);
	count_followups(d, m);
	p.contributor = (uint32_t)who;
	if (is_new) {
		p.entry = add_entry(d, &rec, m->seq, 0, m->subject, NULL, who, counted->area);
		add_patch(d, &p);
	} else if (is_patch) {
		keep_fallback_subject(d, p.fallback, p.number, p.seq, m->subject);
		/* without N, finish gives each its own series: no sharing */
		if (p.total >= 0)
			add_later(d, &p);
		else
			add_patch(d, &p);
	}
	pthread_mutex_unlock(&d->lock);
	kvmd_buf_release(&rec);
	kvmd_buf_release(&area);
}

void kvmd_digest_add_code(struct kvmd_digest *d, const struct kvmd_code_commit *c)
{
	struct kvmd_subject tag = { KVMD_KIND_OTHER, 0, -1, -1, 0 };
	struct kvmd_buf rec = KVMD_BUF_INIT;
	struct kvmd_area_count *counted;
	size_t who;

	if (!wanted_area(d, c->area))
		return;
	make_record(&rec, 1, &tag, c->commit, c->subject, c->author_name, c->author_email,
		    c->body, c->body_len, c->diffstat, c->trailers, c->ntrailers, NULL, 0);

	pthread_mutex_lock(&d->lock);
	who = kvmd_tally_add(d->contributors, c->author_name, c->author_email, c->seq);
	d->codes++;
	add_date(d, c->date);
	counted = area_of(d, c->area);
	counted->messages++;
	count_trailers(d, c->trailers, c->ntrailers, c->seq);
	add_entry(d, &rec, c->seq, 1, c->subject, c->commit, who, counted->area);
	pthread_mutex_unlock(&d->lock);
	kvmd_buf_release(&rec);
}

void kvmd_digest_add_skipped(struct kvmd_digest *d, const char *commit, size_t seq,
			     const char *why)
{
	struct kvmd_skip sk;

	sk.commit = kvmd_xstrdup(commit);
	sk.reason = kvmd_xstrdup(why);
	sk.seq = seq;
	pthread_mutex_lock(&d->lock);
	KVMD_ALLOC_GROW(d->skipped, d->nr_skipped + 1, d->alloc_skipped);
	d->skipped[d->nr_skipped++] = sk;
	pthread_mutex_unlock(&d->lock);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int skip_cmp(const void *a, const void *b)
{
	const struct kvmd_skip *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int patch_cmp(const void *a, const void *b)
{
	const struct patch *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int listing_cmp(const void *a, const void *b)
{
	const struct kvmd_listing *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static size_t series_for(GHashTable *map, uint64_t key)
{
	gpointer v = key ? g_hash_table_lookup(map, &key) : NULL;
	return v ? GPOINTER_TO_SIZE(v) - 1 : (size_t)-1;
}

static size_t add_series(struct series **s, size_t *nr, size_t *alloc, size_t head)
{
	KVMD_ALLOC_GROW(*s, *nr + 1, *alloc);
	memset(&(*s)[*nr], 0, sizeof(**s));
	(*s)[*nr].head = head;
	(*s)[*nr].first_entry = (size_t)-1;
	return (*nr)++;
}

/*
 * Orders what the readers added, in whatever order they came: skipped
 * commits and entries newest first, patches as patch_cmp says, each
 * patch pointing at its entry's new place.
 */
static void sort_records(struct kvmd_digest *d)
{
	size_t i;

	/* the records move: their index goes */
	free(d->later);
	d->later = NULL;
	d->nr_later = 0;
	/* newest first, as the walk lists them, whatever order they came in */
	if (d->nr_skipped)
		qsort(d->skipped, d->nr_skipped, sizeof(*d->skipped), skip_cmp);
	if (d->nr_entries)
		qsort(d->entries, d->nr_entries, sizeof(*d->entries), entry_cmp);
	for (i = 0; i < d->nr_patches; i++) {
		struct patch *p = &d->patches[i];
		if (p->entry != NONE) {
			/* entries were sorted: find this one again by its seq */
			size_t lo = 0, hi = d->nr_entries;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (d->entries[mid].seq < p->seq)
					lo = mid + 1;
				else
					hi = mid;
			}
			p->entry = (uint32_t)lo;
		}
	}
	if (d->nr_patches)
		qsort(d->patches, d->nr_patches, sizeof(*d->patches), patch_cmp);
}

/*
 * Groups the patches into series, in `*out` (`*nr` of them): a cover
 * letter (0/N) heads the patches that name it; without one, patches of
 * the same sender, version, N and thread go together.  Each series
 * knows its head, its message count and its first entry (none when no
 * message of it in the range is a new patch).
 */
static void group_series(struct kvmd_digest *d, struct series **out, size_t *nr)
{
	GHashTable *covers = g_hash_table_new(u64_hash, u64_equal);
	GHashTable *fallback = g_hash_table_new(u64_hash, u64_equal);
	struct series *series = NULL;
	size_t nr_series = 0, alloc_series = 0, i;

	/* a cover letter (0/N) heads the series of the patches that name it */
	for (i = 0; i < d->nr_patches; i++) {
		struct patch *p = &d->patches[i];
		if (p->number == 0 && p->id && !g_hash_table_contains(covers, &p->id)) {
			p->series = (uint32_t)add_series(&series, &nr_series, &alloc_series, i);
			g_hash_table_insert(covers, &p->id, GSIZE_TO_POINTER((size_t)p->series + 1));
		} else {
			p->series = NONE;
		}
	}
	for (i = 0; i < d->nr_patches; i++) {
		struct patch *p = &d->patches[i];
		size_t s;

		if (p->series != NONE)
			continue;
		s = series_for(covers, p->irt);
		if (s == (size_t)-1)
			s = series_for(covers, p->first_ref);
		if (s == (size_t)-1)
			s = series_for(covers, p->last_ref);
		if (s == (size_t)-1 && p->total >= 0) {
			/* no cover in the range: same sender, version, N and thread */
			s = series_for(fallback, p->fallback);
			if (s == (size_t)-1) {
				s = add_series(&series, &nr_series, &alloc_series, i);
				g_hash_table_insert(fallback, &p->fallback, GSIZE_TO_POINTER(s + 1));
			}
		}
		if (s == (size_t)-1)
			s = add_series(&series, &nr_series, &alloc_series, i);
		p->series = (uint32_t)s;
	}

	for (i = 0; i < d->nr_patches; i++) {
		struct patch *p = &d->patches[i];
		struct series *s = &series[p->series];
		struct patch *head = &d->patches[s->head];

		s->count += p->count;
		/* the lowest number, the newest of those, unless a cover heads it */
		if (head->number != 0 && p->number >= 0 &&
		    (head->number < 0 || p->number < head->number ||
		     (p->number == head->number && p->head_seq < head->head_seq)))
			s->head = i;
		if (p->entry != NONE && s->first_entry == (size_t)-1)
			s->first_entry = p->entry;
	}

	g_hash_table_destroy(covers);
	g_hash_table_destroy(fallback);
	*out = series;
	*nr = nr_series;
}

/* The patch list: a line per series and per code commit, in entry order. */
static void list_series(struct kvmd_digest *d, const struct series *series, size_t nr_series)
{
	struct kvmd_buf area = KVMD_BUF_INIT;
	size_t i;

	d->listings = kvmd_xcalloc(nr_series + d->nr_entries + 1, sizeof(*d->listings));
	for (i = 0; i < nr_series; i++) {
		const struct series *s = &series[i];
		struct patch *head = &d->patches[s->head];
		struct kvmd_listing *l;

		/*
		 * The list follows the entries: a series none of whose
		 * messages in the range is a new patch (only 2/6..6/6 came)
		 * has no line; its messages still count in the tables.
		 */
		if (s->first_entry == (size_t)-1)
			continue;
		l = &d->listings[d->nr_listings++];
		if (head->entry != NONE) {
			l->subject = d->listed.ptr + d->entries[head->entry].listed;
			l->area = d->entries[head->entry].area;
		} else {
			struct fallback_subject *fs =
				g_hash_table_lookup(d->fallback_subjects, &head->fallback);
			l->subject = fs ? fs->subject : "";
			kvmd_buf_reset(&area);
			if (kvmd_area_of_subject(&area, l->subject, strlen(l->subject)))
				l->area = area_of(d, area.ptr)->area;
		}
		area_of(d, l->area)->series++;
		l->contributor = head->contributor;
		l->messages = s->count;
		l->pos = d->entries[s->first_entry].seq;
	}
	for (i = 0; i < d->nr_entries; i++) {
		struct entry *e = &d->entries[i];
		struct kvmd_listing *l;

		if (!e->is_code)
			continue;
		l = &d->listings[d->nr_listings++];
		l->subject = d->listed.ptr + e->listed;
		l->commit = l->subject + strlen(l->subject) + 1;
		l->contributor = e->contributor;
		l->messages = 1;
		l->pos = e->seq;
		l->area = e->area;
		area_of(d, l->area)->series++;
	}
	kvmd_buf_release(&area);
	if (d->nr_listings)
		qsort(d->listings, d->nr_listings, sizeof(*d->listings), listing_cmp);
}

static int area_row_cmp(const void *a, const void *b)
{
	const struct kvmd_area_count *x = a, *y = b;
	int c;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	c = g_ascii_strcasecmp(x->area, y->area);
	return c ? c : strcmp(x->area, y->area);
}

/* The areas section's rows, once the series are counted. */
static void list_areas(struct kvmd_digest *d)
{
	GHashTableIter it;
	gpointer value;

	d->area_rows = kvmd_xcalloc(g_hash_table_size(d->areas) + 1, sizeof(*d->area_rows));
	g_hash_table_iter_init(&it, d->areas);
	while (g_hash_table_iter_next(&it, NULL, &value))
		d->area_rows[d->nr_area_rows++] = *(struct kvmd_area_count *)value;
	if (d->nr_area_rows)
		qsort(d->area_rows, d->nr_area_rows, sizeof(*d->area_rows), area_row_cmp);
	if (d->no_area.messages || d->no_area.series)
		d->area_rows[d->nr_area_rows++] = d->no_area;
}

void kvmd_digest_finish(struct kvmd_digest *d)
{
	struct series *series;
	size_t nr_series;

	sort_records(d);
	group_series(d, &series, &nr_series);
	list_series(d, series, nr_series);
	free(series);
	list_areas(d);
}

size_t kvmd_digest_areas(const struct kvmd_digest *d, const struct kvmd_area_count **out)
{
	*out = d->area_rows;
	return d->nr_area_rows;
}

const struct kvmd_tally *kvmd_digest_contributors(const struct kvmd_digest *d)
{
	return d->contributors;
}

const struct kvmd_tally *kvmd_digest_signers(const struct kvmd_digest *d)
{
	return d->signers;
}

const struct kvmd_tally *kvmd_digest_reviewers(const struct kvmd_digest *d)
{
	return d->reviewers;
}

size_t kvmd_digest_entry_count(const struct kvmd_digest *d)
{
	return d->nr_entries;
}

size_t kvmd_digest_listings(const struct kvmd_digest *d, const struct kvmd_listing **out)
{
	*out = d->listings;
	return d->nr_listings;
}

size_t kvmd_digest_mail_count(const struct kvmd_digest *d)
{
	return d->mails;
}

size_t kvmd_digest_code_count(const struct kvmd_digest *d)
{
	return d->codes;
}

void kvmd_digest_dates(const struct kvmd_digest *d, int64_t *first, int64_t *last)
{
	*first = d->first_date;
	*last = d->last_date;
}

size_t kvmd_digest_skipped(const struct kvmd_digest *d, const struct kvmd_skip **out)
{
	if (out)
		*out = d->skipped;
	return d->nr_skipped;
}

/* One allocation holds a kvmd_posted, its follow-ups and their strings. */
static size_t posted_size(const struct kvmd_posted *p)
{
	size_t n = sizeof(*p) + p->nfollowups * sizeof(*p->followups) + strlen(p->message_id) + 1, i;

	for (i = 0; i < p->nfollowups; i++) {
		const struct kvmd_followup *f = &p->followups[i];

		n += strlen(f->key) + 1 + (f->name ? strlen(f->name) + 1 : 0) +
		     (f->email ? strlen(f->email) + 1 : 0) +
		     (f->message_id ? strlen(f->message_id) + 1 : 0);
	}
	return n;
}

static const char *posted_str(char **at, const char *s)
{
	char *copy = *at;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(copy, s, n);
	*at += n;
	return copy;
}

static struct kvmd_posted *posted_copy(const struct kvmd_posted *p)
{
	struct kvmd_posted *c = kvmd_xcalloc(1, posted_size(p));
	struct kvmd_followup *f = (struct kvmd_followup *)(c + 1);
	char *at = (char *)(f + p->nfollowups);
	size_t i;

	*c = *p;
	c->followups = p->nfollowups ? f : NULL;
	for (i = 0; i < p->nfollowups; i++) {
		f[i] = p->followups[i];
		f[i].key = posted_str(&at, p->followups[i].key);
		f[i].name = posted_str(&at, p->followups[i].name);
		f[i].email = posted_str(&at, p->followups[i].email);
		f[i].message_id = posted_str(&at, p->followups[i].message_id);
	}
	c->message_id = posted_str(&at, p->message_id);
	return c;
}

void kvmd_digest_set_posted(struct kvmd_digest *d, const char *commit,
			    const struct kvmd_posted *p)
{
	const char *key;
	size_t i;

	if (!d->code_ids) {
		d->code_ids = g_hash_table_new(g_str_hash, g_str_equal);
		/* a code entry's listed text is its subject, then its commit */
		for (i = 0; i < d->nr_listings; i++)
			if (d->listings[i].commit)
				g_hash_table_add(d->code_ids, (gpointer)d->listings[i].commit);
	}
	key = g_hash_table_lookup(d->code_ids, commit);
	if (!key)
		return;
	if (!d->posted)
		d->posted = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
	g_hash_table_replace(d->posted, (gpointer)key, posted_copy(p));
}

size_t kvmd_digest_unposted(const struct kvmd_digest *d)
{
	return d->codes - (d->posted ? g_hash_table_size(d->posted) : 0);
}
