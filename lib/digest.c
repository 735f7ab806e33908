#include "digest.h"
#include "buf.h"
#include "ident.h"
#include "tally.h"

#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * What is kept of every patch to group series at the end: hashes of its
 * Message-ID and of the ids it names, not the strings.  A 64-bit FNV-1a
 * collision between two ids of one range is far less likely than a
 * duplicated Message-ID, which the grouping tolerates anyway.
 */
/*
 * One patch mail, kept until finish groups the series: every patch of
 * the range has one, so it is kept small (64 bytes; a range is far
 * below 2^32 commits).
 */
struct patch {
	uint64_t id, irt, first_ref, last_ref;
	uint64_t fallback;    /* header From, version, N and the thread root */
	uint32_t seq;
	uint32_t contributor;
	uint32_t entry;       /* index in entries, or NONE */
	uint32_t series;      /* set by finish */
	int number, total;
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

struct series {
	size_t head;          /* index in patches: the cover, else the lowest number */
	size_t count;
	size_t first_entry;
	size_t pos;
};

struct kvmd_digest {
	/*
	 * The readers of a scan add to one digest: a lock held for the few
	 * microseconds an add takes, where digests of their own had to be
	 * merged at the end (100,000 messages: 8.7 MB of arrays held twice
	 * while merged, the peak of the run).
	 */
	pthread_mutex_t lock;
	int spill_fd;           /* where entry bodies wait, or -1 */
	long long spill_end;
	struct kvmd_tally *contributors, *signers, *reviewers;
	struct kvmd_entry *entries;
	size_t nr_entries, alloc_entries;
	struct patch *patches;
	size_t nr_patches, alloc_patches;
	GHashTable *fallback_subjects; /* uint64 key -> struct fallback_subject */
	struct kvmd_listing *listings;
	size_t nr_listings;
	size_t mails, codes;
	struct kvmd_skip *skipped;
	size_t nr_skipped, alloc_skipped;
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

int kvmd_digest_spill_bodies(struct kvmd_digest *d)
{
	FILE *f;

	if (d->spill_fd >= 0)
		return 0;
	f = tmpfile(); /* unlinked: nothing is left behind, whatever happens */
	if (!f)
		return -1;
	d->spill_fd = dup(fileno(f));
	fclose(f);
	return d->spill_fd < 0 ? -1 : 0;
}

/*
 * Puts the body aside in the spill file, or keeps it when there is none;
 * with the lock held.
 */
static void keep_body(struct kvmd_digest *d, struct kvmd_entry *e, char *body)
{
	size_t len = strlen(body), done = 0;
	long long off;

	e->body_len = len;
	if (d->spill_fd < 0 || !len) {
		e->body = body;
		return;
	}
	off = d->spill_end;
	d->spill_end += (long long)len;
	while (done < len) {
		ssize_t n = pwrite(d->spill_fd, body + done, len - done, (off_t)(off + (long long)done));
		if (n <= 0) {
			e->body = body; /* a full disk: keep it in memory after all */
			return;
		}
		done += (size_t)n;
	}
	e->body_off = off;
	free(body);
}

const char *kvmd_digest_body(const struct kvmd_digest *d, const struct kvmd_entry *e,
			     struct kvmd_buf *scratch)
{
	size_t done = 0;

	if (e->body)
		return e->body;
	kvmd_buf_reset(scratch);
	if (!e->body_len || d->spill_fd < 0)
		return "";
	kvmd_buf_grow(scratch, e->body_len);
	while (done < e->body_len) {
		ssize_t n = pread(d->spill_fd, scratch->ptr + done, e->body_len - done,
				  (off_t)(e->body_off + (long long)done));
		if (n <= 0)
			return "";
		done += (size_t)n;
	}
	scratch->len = e->body_len;
	scratch->ptr[scratch->len] = '\0';
	return scratch->ptr;
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
	return d;
}

static void entry_release(struct kvmd_entry *e)
{
	free(e->commit);
	free(e->subject);
	free(e->author);
	free(e->body);
	free(e->diffstat);
	kvmd_trailers_release(&e->trailers);
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
	for (i = 0; i < d->nr_entries; i++)
		entry_release(&d->entries[i]);
	free(d->entries);
	free(d->patches);
	g_hash_table_destroy(d->fallback_subjects);
	free(d->listings);
	for (i = 0; i < d->nr_skipped; i++) {
		free(d->skipped[i].commit);
		free(d->skipped[i].reason);
	}
	free(d->skipped);
	free(d);
}

static void copy_trailers(struct kvmd_trailers *out, const struct kvmd_trailer *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct kvmd_trailer *c;
		KVMD_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		c = &out->v[out->nr++];
		c->key = kvmd_xstrdup(t[i].key);
		c->value = kvmd_xstrdup(t[i].value);
		c->name = t[i].name ? kvmd_xstrdup(t[i].name) : NULL;
		c->email = t[i].email ? kvmd_xstrdup(t[i].email) : NULL;
	}
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
		unsigned section = kvmd_trailer_section(t[i].key);
		struct kvmd_tally *tally;
		int dup = 0;

		if (!section || !t[i].email)
			continue;
		for (j = 0; j < i && !dup; j++)
			dup = t[j].email && kvmd_trailer_section(t[j].key) == section &&
			      !g_ascii_strcasecmp(t[j].email, t[i].email);
		if (dup)
			continue;
		tally = section == KVMD_SECTION_SIGNERS ? d->signers : d->reviewers;
		kvmd_tally_add(tally, t[i].name, t[i].email, seq);
	}
}

/* A new entry, made before the lock is taken: add it with add_entry(). */
static void new_entry(struct kvmd_entry *e, const char *commit, size_t seq,
		      const char *subject, const char *name, const char *email,
		      const struct kvmd_trailer *t, size_t nt)
{
	struct kvmd_buf author = KVMD_BUF_INIT;

	memset(e, 0, sizeof(*e));
	e->commit = kvmd_xstrdup(commit);
	e->seq = seq;
	e->subject = kvmd_xstrdup(subject);
	kvmd_ident_format_bare(&author, name, email);
	e->author = kvmd_xstrdup(author.ptr); /* no spare room: there is one per entry */
	kvmd_buf_release(&author);
	copy_trailers(&e->trailers, t, nt);
}

/* Adds `e` with its body; with the lock held.  Returns its index. */
static uint32_t add_entry(struct kvmd_digest *d, struct kvmd_entry *e, char *body,
			  size_t contributor)
{
	keep_body(d, e, body);
	e->contributor = contributor;
	KVMD_ALLOC_GROW(d->entries, d->nr_entries + 1, d->alloc_entries);
	d->entries[d->nr_entries] = *e;
	return (uint32_t)d->nr_entries++;
}

/*
 * The body an entry keeps: at most KVMD_ENTRY_MAX bytes, cut at a line end
 * when there is one (else at a UTF-8 character boundary), with a marker
 * that says how much was left out.  A 5 MB mail is a digest entry, not a
 * 5 MB note.
 */
static char *capped_body(const char *body, size_t len)
{
	struct kvmd_buf b = KVMD_BUF_INIT;
	size_t cut = len;

	if (len <= KVMD_ENTRY_MAX)
		return kvmd_xmemdupz(body, len);
	cut = KVMD_ENTRY_MAX;
	while (cut > KVMD_ENTRY_MAX / 2 && body[cut - 1] != '\n')
		cut--;
	if (body[cut - 1] != '\n') {
		cut = KVMD_ENTRY_MAX;
		while (cut && ((unsigned char)body[cut] & 0xc0) == 0x80)
			cut--;
	}
	kvmd_buf_add(&b, body, cut);
	if (b.len && b.ptr[b.len - 1] != '\n')
		kvmd_buf_addch(&b, '\n');
	kvmd_buf_addf(&b, "[... %zu more bytes not shown]\n", len - cut);
	return kvmd_buf_detach(&b, NULL);
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

void kvmd_digest_add_mail(struct kvmd_digest *d, const struct kvmd_message *m)
{
	int is_patch = m->tag.kind == KVMD_KIND_PATCH;
	int is_new = is_patch && kvmd_subject_is_new_patch(&m->tag);
	struct kvmd_entry e;
	struct patch p;
	char *body = NULL;
	size_t who;

	/* what takes time is done before the lock is taken */
	memset(&p, 0, sizeof(p));
	if (is_patch) {
		p.id = hash_id(m->message_id);
		p.irt = hash_id(m->in_reply_to);
		p.first_ref = m->nrefs ? hash_id(m->refs[0]) : 0;
		p.last_ref = m->nrefs ? hash_id(m->refs[m->nrefs - 1]) : 0;
		p.fallback = fallback_key(m);
		p.seq = (uint32_t)m->seq;
		p.entry = NONE;
		p.number = m->tag.number;
		p.total = m->tag.total;
	}
	if (is_new) {
		new_entry(&e, m->commit, m->seq, m->subject, m->from_name, m->from_email,
			  m->trailers, m->ntrailers);
		e.tag = m->tag;
		body = capped_body(m->body ? m->body : "", m->body ? m->body_len : 0);
	}

	pthread_mutex_lock(&d->lock);
	who = kvmd_tally_add(d->contributors, m->contributor_name, m->contributor_email, m->seq);
	d->mails++;
	count_trailers(d, m->trailers, m->ntrailers, m->seq);
	if (is_patch) {
		if (is_new)
			p.entry = add_entry(d, &e, body, who);
		else
			keep_fallback_subject(d, p.fallback, p.number, p.seq, m->subject);
		p.contributor = (uint32_t)who;
		KVMD_ALLOC_GROW(d->patches, d->nr_patches + 1, d->alloc_patches);
		d->patches[d->nr_patches++] = p;
	}
	pthread_mutex_unlock(&d->lock);
}

void kvmd_digest_add_code(struct kvmd_digest *d, const struct kvmd_code_commit *c)
{
	struct kvmd_entry e;
	char *body;
	size_t who;

	new_entry(&e, c->commit, c->seq, c->subject, c->author_name, c->author_email,
		  c->trailers, c->ntrailers);
	e.is_code = 1;
	e.diffstat = kvmd_xstrdup(c->diffstat ? c->diffstat : "");
	e.tag.number = e.tag.total = -1;
	body = capped_body(c->body ? c->body : "", c->body ? c->body_len : 0);

	pthread_mutex_lock(&d->lock);
	who = kvmd_tally_add(d->contributors, c->author_name, c->author_email, c->seq);
	d->codes++;
	count_trailers(d, c->trailers, c->ntrailers, c->seq);
	add_entry(d, &e, body, who);
	pthread_mutex_unlock(&d->lock);
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
	const struct kvmd_entry *x = a, *y = b;
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
	(*s)[*nr].pos = (size_t)-1;
	return (*nr)++;
}

void kvmd_digest_finish(struct kvmd_digest *d)
{
	GHashTable *covers = g_hash_table_new(u64_hash, u64_equal);
	GHashTable *fallback = g_hash_table_new(u64_hash, u64_equal);
	struct series *series = NULL;
	size_t nr_series = 0, alloc_series = 0, i, *entry_pos;

	/* newest first, as the walk lists them, whatever order they came in */
	if (d->nr_skipped)
		qsort(d->skipped, d->nr_skipped, sizeof(*d->skipped), skip_cmp);
	if (d->nr_entries)
		qsort(d->entries, d->nr_entries, sizeof(*d->entries), entry_cmp);
	entry_pos = kvmd_xcalloc(d->nr_entries + 1, sizeof(*entry_pos));
	for (i = 0; i < d->nr_entries; i++)
		entry_pos[i] = d->entries[i].seq;
	for (i = 0; i < d->nr_patches; i++) {
		struct patch *p = &d->patches[i];
		if (p->entry != NONE) {
			/* entries were sorted: find this one again by its seq */
			size_t lo = 0, hi = d->nr_entries;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (entry_pos[mid] < p->seq)
					lo = mid + 1;
				else
					hi = mid;
			}
			p->entry = (uint32_t)lo;
		}
	}
	free(entry_pos);
	if (d->nr_patches)
		qsort(d->patches, d->nr_patches, sizeof(*d->patches), patch_cmp);

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

		s->count++;
		if (head->number != 0 && p->number >= 0 &&
		    (head->number < 0 || p->number < head->number))
			s->head = i;
		if (p->entry != NONE && s->first_entry == (size_t)-1)
			s->first_entry = p->entry;
		if (s->pos == (size_t)-1)
			s->pos = p->seq;
	}

	d->listings = kvmd_xcalloc(nr_series + d->nr_entries + 1, sizeof(*d->listings));
	for (i = 0; i < nr_series; i++) {
		struct series *s = &series[i];
		struct patch *head = &d->patches[s->head];
		struct kvmd_listing *l = &d->listings[d->nr_listings++];

		if (head->entry != NONE) {
			l->subject = d->entries[head->entry].subject;
		} else {
			struct fallback_subject *fs =
				g_hash_table_lookup(d->fallback_subjects, &head->fallback);
			l->subject = fs ? fs->subject : "";
		}
		l->contributor = head->contributor;
		l->messages = s->count;
		/* ordered by the first entry, else by the newest message */
		l->pos = s->first_entry != (size_t)-1 ?
			d->entries[s->first_entry].seq : s->pos;
	}
	for (i = 0; i < d->nr_entries; i++) {
		struct kvmd_entry *e = &d->entries[i];
		struct kvmd_listing *l;

		if (!e->is_code)
			continue;
		l = &d->listings[d->nr_listings++];
		l->subject = e->subject;
		l->commit = e->commit;
		l->contributor = e->contributor;
		l->messages = 1;
		l->pos = e->seq;
	}
	if (d->nr_listings)
		qsort(d->listings, d->nr_listings, sizeof(*d->listings), listing_cmp);

	free(series);
	g_hash_table_destroy(covers);
	g_hash_table_destroy(fallback);
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

size_t kvmd_digest_entries(const struct kvmd_digest *d, const struct kvmd_entry **out)
{
	*out = d->entries;
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

size_t kvmd_digest_skipped(const struct kvmd_digest *d, const struct kvmd_skip **out)
{
	if (out)
		*out = d->skipped;
	return d->nr_skipped;
}
