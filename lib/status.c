#include "status.h"
#include "buf.h"
#include "followup.h"

#include <glib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The model keeps every string once in a GStringChunk (ids, addresses
 * and keys repeat), the messages in one array, an id -> message table,
 * and builds the series from them in kvmd_status_finish().  Everything
 * is linear in the messages given, but for sorting.
 */

struct ftr {
	const char *key, *name, *email;
};

struct series;

struct msg {
	const char *id, *name, *email, *sender, *subject, *irt, *root, *change_id;
	struct kvmd_subject tag;
	int64_t date;
	int in_range;
	size_t seq;               /* the order added: the last tie-break */
	struct ftr *tr;
	size_t ntr;
	const char **links;
	size_t nlinks;

	/* found by kvmd_status_finish() */
	struct msg *parent;
	struct msg *above;        /* the nearest patch at or above it in the thread */
	int above_done;
	int climbing;             /* patch_above() is on its way through it */
	unsigned visit;           /* patch_series()'s walk that reached it */
	struct series *series;    /* patches: the series they belong to */
	size_t patch;             /* patches but the cover: their index in series->patches */
};

struct fu_vec {
	struct kvmd_followup *v;
	size_t nr, alloc;
	GHashTable *seen;         /* "key\naddress", lower-cased -> index + 1 in v */
};

static void fu_release(struct fu_vec *v)
{
	free(v->v);
	if (v->seen)
		g_hash_table_destroy(v->seen);
}

struct applied_vec {
	struct kvmd_status_applied *v;
	size_t nr, alloc;
};

struct series {
	struct kvmd_status_series pub;
	struct kvmd_status_previous prev;
	struct msg *head;         /* the cover letter, patch 1 or the lone patch; NULL if unknown */
	struct msg *cover;        /* the 0/N letter, when there is one */
	const char *sender;       /* whose replies do not answer it */
	struct msg **members;     /* the cover letter and the patches */
	size_t nmembers, amembers;
	struct kvmd_status_patch *patches;
	struct fu_vec cover_fu;
	struct fu_vec *patch_fu;
	struct fu_vec all_fu;     /* as a previous version: all it received */
	struct applied_vec *patch_applied;  /* per patch: kvmd_status_add_applied()'s */
	struct series *previous;  /* the version it follows */
	int answered;             /* a reply from someone but its sender */
	int superseded;           /* a later version follows it */
};

struct kvmd_status {
	GStringChunk *strings;
	GHashTable *by_id;        /* id -> struct msg * (index + 1 in `msgs`) */
	struct msg *msgs;
	size_t nmsgs, amsgs;
	struct series **series;
	size_t nseries, aseries;
	const struct kvmd_status_series **pub;      /* the series' public parts, in order */
	const struct kvmd_status_series **waiting;
	size_t nwaiting;
	struct kvmd_status_newcomer *newcomers;
	size_t nnewcomers, anewcomers;
	const char **domains;
	size_t ndomains, adomains;
	unsigned visit;
	int finished;
};

static const char *intern(struct kvmd_status *s, const char *str)
{
	return str ? g_string_chunk_insert_const(s->strings, str) : NULL;
}

/* The same without looking for an equal string first: for strings no other message has. */
static const char *copy(struct kvmd_status *s, const char *str)
{
	return str ? g_string_chunk_insert(s->strings, str) : NULL;
}

struct kvmd_status *kvmd_status_new(void)
{
	struct kvmd_status *s = kvmd_xcalloc(1, sizeof(*s));

	s->strings = g_string_chunk_new(64 * 1024);
	s->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	return s;
}

static void series_free(struct series *ser)
{
	size_t i;

	free(ser->members);
	free(ser->patches);
	fu_release(&ser->cover_fu);
	for (i = 0; ser->patch_fu && i < ser->pub.npatches; i++)
		fu_release(&ser->patch_fu[i]);
	free(ser->patch_fu);
	for (i = 0; ser->patch_applied && i < ser->pub.npatches; i++)
		free(ser->patch_applied[i].v);
	free(ser->patch_applied);
	fu_release(&ser->all_fu);
	free(ser);
}

void kvmd_status_free(struct kvmd_status *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nmsgs; i++) {
		free(s->msgs[i].tr);
		free(s->msgs[i].links);
	}
	free(s->msgs);
	for (i = 0; i < s->nseries; i++)
		series_free(s->series[i]);
	free(s->series);
	free(s->pub);
	free(s->waiting);
	free(s->newcomers);
	free(s->domains);
	g_hash_table_destroy(s->by_id);
	g_string_chunk_free(s->strings);
	free(s);
}

void kvmd_status_add(struct kvmd_status *s, const struct kvmd_status_msg *m)
{
	gpointer found;
	struct msg *x;
	size_t i;

	if (!m->message_id || s->finished)
		return;
	found = g_hash_table_lookup(s->by_id, m->message_id);
	if (found) {
		/* kept once; in the range when either copy was */
		s->msgs[GPOINTER_TO_SIZE(found) - 1].in_range |= m->in_range;
		return;
	}
	KVMD_ALLOC_GROW(s->msgs, s->nmsgs + 1, s->amsgs);
	x = &s->msgs[s->nmsgs];
	memset(x, 0, sizeof(*x));
	/* what other messages repeat is kept once; a subject, a change-id is copied */
	x->id = intern(s, m->message_id);
	x->name = intern(s, m->name);
	x->email = intern(s, m->email ? m->email : "");
	x->sender = intern(s, m->sender_email ? m->sender_email : x->email);
	x->subject = copy(s, m->subject ? m->subject : "");
	x->irt = intern(s, m->in_reply_to);
	x->root = intern(s, m->root ? m->root : m->message_id);
	x->change_id = copy(s, m->change_id);
	x->tag = m->tag;
	x->date = m->date;
	x->in_range = m->in_range;
	x->seq = s->nmsgs;
	if (m->ntrailers) {
		x->tr = kvmd_xcalloc(m->ntrailers, sizeof(*x->tr));
		for (i = 0; i < m->ntrailers; i++) {
			x->tr[i].key = intern(s, m->trailers[i].key ? m->trailers[i].key : "");
			x->tr[i].name = intern(s, m->trailers[i].name);
			x->tr[i].email = intern(s, m->trailers[i].email);
		}
		x->ntr = m->ntrailers;
	}
	if (m->nlinks) {
		x->links = kvmd_xcalloc(m->nlinks, sizeof(*x->links));
		for (i = 0; i < m->nlinks; i++)
			if (m->links[i])
				x->links[x->nlinks++] = intern(s, m->links[i]);
	}
	s->nmsgs++;
	g_hash_table_insert(s->by_id, (gpointer)x->id, GSIZE_TO_POINTER(s->nmsgs));
}

size_t kvmd_status_count(const struct kvmd_status *s)
{
	return s->nmsgs;
}

void kvmd_status_drop_from(struct kvmd_status *s, size_t n)
{
	if (s->finished)
		return;
	while (s->nmsgs > n) {
		struct msg *x = &s->msgs[--s->nmsgs];

		/* its strings stay in the chunk: other messages may share them */
		g_hash_table_remove(s->by_id, x->id);
		free(x->tr);
		free(x->links);
		x->tr = NULL;
		x->links = NULL;
	}
}

void kvmd_status_add_newcomer(struct kvmd_status *s, const char *name, const char *email,
			      const char *message_id)
{
	struct kvmd_status_newcomer *n;

	KVMD_ALLOC_GROW(s->newcomers, s->nnewcomers + 1, s->anewcomers);
	n = &s->newcomers[s->nnewcomers++];
	n->name = intern(s, name);
	n->email = intern(s, email ? email : "");
	n->message_id = intern(s, message_id);
}

void kvmd_status_add_new_domain(struct kvmd_status *s, const char *domain)
{
	if (!domain)
		return;
	KVMD_ALLOC_GROW(s->domains, s->ndomains + 1, s->adomains);
	s->domains[s->ndomains++] = intern(s, domain);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The length of a `Re:`, `Fwd:`, `Fw:` or `Aw:` prefix at `p`, 0 when none. */
static size_t reply_prefix(const char *p)
{
	static const char *const prefixes[] = { "re", "fwd", "fw", "aw" };
	size_t i, n;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (!g_ascii_strncasecmp(p, prefixes[i], n)) {
			size_t j = n;

			while (p[j] == ' ' || p[j] == '\t')
				j++;
			if (p[j] == ':')
				return j + 1;
		}
	}
	return 0;
}

void kvmd_status_subject_key(struct kvmd_buf *out, const char *subject)
{
	const char *p = subject ? subject : "";
	size_t n;

	kvmd_buf_reset(out);
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '[') {
			const char *ket = strchr(p, ']');

			if (!ket)
				break;
			p = ket + 1;
		} else if ((n = reply_prefix(p))) {
			p += n;
		} else {
			break;
		}
	}
	for (; *p; p++) {
		if (is_blank(*p)) {
			if (out->len && out->ptr[out->len - 1] != ' ')
				kvmd_buf_addch(out, ' ');
		} else {
			kvmd_buf_addch(out, g_ascii_tolower(*p));
		}
	}
	if (out->len && out->ptr[out->len - 1] == ' ')
		kvmd_buf_truncate(out, out->len - 1);
}

static int is_patch(const struct kvmd_subject *t)
{
	return t->kind == KVMD_KIND_PATCH;
}

/* A new version of one patch of a series, sent in reply to that patch's earlier version. */
static int is_partial_reroll(const struct kvmd_subject *t, const struct kvmd_subject *parent)
{
	return parent && is_patch(t) && is_patch(parent) && t->number >= 1 && t->total >= 2 &&
	       parent->number == t->number && parent->version < t->version;
}

int kvmd_status_starts_series(const struct kvmd_status_msg *m,
			      const struct kvmd_status_msg *parent)
{
	const struct kvmd_subject *t = &m->tag, *pt = parent ? &parent->tag : NULL;

	if (!is_patch(t))
		return 0;
	if (t->number < 0 || t->number == 0)
		return 1;
	if (t->number > 1 || is_partial_reroll(t, pt))
		return 0;
	/* patch 1 under its own version's cover letter belongs to it */
	return !(pt && is_patch(pt) && pt->number == 0 && pt->version == t->version);
}

/* The same for a message of the model. */
static int msg_starts_series(const struct msg *m)
{
	struct kvmd_status_msg a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.tag = m->tag;
	if (m->parent)
		b.tag = m->parent->tag;
	return kvmd_status_starts_series(&a, m->parent ? &b : NULL);
}

static struct msg *lookup(const struct kvmd_status *s, const char *id)
{
	gpointer found = id ? g_hash_table_lookup(s->by_id, id) : NULL;

	return found ? &s->msgs[GPOINTER_TO_SIZE(found) - 1] : NULL;
}

/*
 * The nearest patch at or above `m` in the thread (following
 * In-Reply-To), NULL when there is none; remembered on the way, and safe
 * against loops of In-Reply-To.
 */
static struct msg *patch_above(struct msg *m)
{
	struct msg *cur, *res = NULL;

	for (cur = m; cur; cur = cur->parent) {
		if (cur->above_done) {
			res = cur->above;
			break;
		}
		if (is_patch(&cur->tag)) {
			res = cur;
			break;
		}
		if (cur->climbing) /* a loop */
			break;
		cur->climbing = 1;
	}
	for (cur = m; cur && !cur->above_done && !is_patch(&cur->tag); cur = cur->parent) {
		cur->above = res;
		cur->above_done = 1;
		cur->climbing = 0;
	}
	return res;
}

/* The patch a reply (or a patch, for its series) is below: by In-Reply-To, else the thread's root. */
static struct msg *patch_below(struct kvmd_status *s, struct msg *m)
{
	struct msg *up = m->parent ? patch_above(m->parent) : NULL, *root;

	if (!up && (root = lookup(s, m->root)) && root != m)
		up = patch_above(root);
	return up == m ? NULL : up;
}

static struct series *new_series(struct kvmd_status *s, struct msg *head)
{
	struct series *ser = kvmd_xcalloc(1, sizeof(*ser));

	ser->head = head;
	ser->pub.waiting_days = -1;
	KVMD_ALLOC_GROW(s->series, s->nseries + 1, s->aseries);
	s->series[s->nseries++] = ser;
	return ser;
}

static void add_member(struct series *ser, struct msg *m)
{
	m->series = ser;
	KVMD_ALLOC_GROW(ser->members, ser->nmembers + 1, ser->amembers);
	ser->members[ser->nmembers++] = m;
}

/*
 * The series of patch `m`: its own when it starts one, else that of the
 * patch above it (a partial reroll's is the earlier version's), else one
 * for the patches whose thread root is not loaded, by that root.
 * Iterative, remembered on the way: a chain of replies to replies is as
 * long as a series is.
 */
static struct series *patch_series(struct kvmd_status *s, struct msg *m, GHashTable *orphans)
{
	struct msg **path = NULL, *cur = m, *up;
	size_t npath = 0, apath = 0, i;
	struct series *ser = NULL;
	unsigned visit = ++s->visit;

	for (;;) {
		if (cur->series) {
			ser = cur->series;
			break;
		}
		KVMD_ALLOC_GROW(path, npath + 1, apath);
		path[npath++] = cur;
		cur->visit = visit;
		if (msg_starts_series(cur)) {
			ser = new_series(s, cur);
			break;
		}
		up = patch_below(s, cur);
		if (!up || up->visit == visit)
			break;
		cur = up;
	}
	if (!ser) {
		/* a patch 2/N whose cover letter and patch 1 are not loaded */
		ser = g_hash_table_lookup(orphans, m->root);
		if (!ser) {
			ser = new_series(s, NULL);
			g_hash_table_insert(orphans, (gpointer)m->root, ser);
		}
	}
	for (i = 0; i < npath; i++) {
		path[i]->visit = 0;
		add_member(ser, path[i]);
	}
	free(path);
	return ser;
}

static int cmp_msg_date(const struct msg *a, const struct msg *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Patches by number, then version, then date. */
static int cmp_member(const void *pa, const void *pb)
{
	const struct msg *a = *(const struct msg *const *)pa, *b = *(const struct msg *const *)pb;
	int na = a->tag.number < 0 ? 1 : a->tag.number, nb = b->tag.number < 0 ? 1 : b->tag.number;

	if (na != nb)
		return na < nb ? -1 : 1;
	if (a->tag.version != b->tag.version)
		return a->tag.version < b->tag.version ? -1 : 1;
	return cmp_msg_date(a, b);
}

static int cmp_series(const void *pa, const void *pb)
{
	const struct series *a = *(const struct series *const *)pa;
	const struct series *b = *(const struct series *const *)pb;

	if (a->pub.date != b->pub.date)
		return a->pub.date < b->pub.date ? -1 : 1;
	return strcmp(a->pub.message_id, b->pub.message_id);
}

/* The replies, oldest first, so that the first of two equal follow-ups is kept. */
static int cmp_msgp(const void *pa, const void *pb)
{
	const struct msg *a = *(const struct msg *const *)pa, *b = *(const struct msg *const *)pb;
	int c = cmp_msg_date(a, b);

	return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

/* Fills the public fields of a series from its members. */
static void series_fill(struct series *ser)
{
	struct kvmd_status_series *p = &ser->pub;
	struct msg *first;
	size_t i, np = 0;

	qsort(ser->members, ser->nmembers, sizeof(*ser->members), cmp_member);
	for (i = 0; i < ser->nmembers; i++)
		if (ser->members[i]->tag.number == 0 && !ser->cover &&
		    (!ser->head || ser->members[i] == ser->head))
			ser->cover = ser->members[i];
	first = ser->head ? ser->head : ser->members[0];
	/* a series started by patch 1: its head; a cover letter's: the cover */
	p->subject = first->subject;
	for (i = 0; !ser->head && i < ser->nmembers; i++) {
		if (ser->members[i]->tag.number <= 1) {
			first = ser->members[i];
			p->subject = first->subject;
			break;
		}
	}
	p->version = first->tag.version;
	p->total = first->tag.total > 0 ? first->tag.total : 1;
	p->name = first->name;
	p->email = first->email;
	p->message_id = first->id;
	p->date = first->date;
	ser->sender = first->sender;
	p->messages = ser->nmembers;

	ser->patches = kvmd_xcalloc(ser->nmembers, sizeof(*ser->patches));
	for (i = 0; i < ser->nmembers; i++) {
		struct msg *m = ser->members[i];
		struct kvmd_status_patch *pp;

		if (m == ser->cover)
			continue;
		pp = &ser->patches[np];
		pp->number = m->tag.number < 0 ? 1 : m->tag.number;
		pp->version = m->tag.version;
		pp->subject = m->subject;
		pp->message_id = m->id;
		pp->date = m->date;
		pp->email = m->email;
		m->patch = np++;
	}
	p->npatches = np;
	ser->patch_fu = kvmd_xcalloc(np ? np : 1, sizeof(*ser->patch_fu));
	for (i = 0; i < ser->nmembers; i++)
		if (ser->members[i]->in_range)
			p->in_status = 1;
}

static int carries(const struct msg *m, const char *key, const char *email)
{
	size_t i;

	for (i = 0; i < m->ntr; i++)
		if (m->tr[i].email && !g_ascii_strcasecmp(m->tr[i].key, key) &&
		    !g_ascii_strcasecmp(m->tr[i].email, email))
			return 1;
	return 0;
}

/*
 * Adds a follow-up once per key and address (ASCII case ignored); one the
 * sender's own address gave wins.  A hash, not a scan: a thread of many
 * thousand reviewers stays linear.
 */
static void fu_add(struct fu_vec *v, const struct kvmd_followup *f)
{
	char *k = g_strdup_printf("%s\n%s", f->key, f->email), *lower;
	gpointer found;

	lower = g_ascii_strdown(k, -1);
	g_free(k);
	if (!v->seen)
		v->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	found = g_hash_table_lookup(v->seen, lower);
	if (found) {
		struct kvmd_followup *old = &v->v[GPOINTER_TO_SIZE(found) - 1];

		if (old->mismatched && !f->mismatched)
			*old = *f;
		g_free(lower);
		return;
	}
	KVMD_ALLOC_GROW(v->v, v->nr + 1, v->alloc);
	v->v[v->nr++] = *f;
	g_hash_table_insert(v->seen, lower, GSIZE_TO_POINTER(v->nr));
}

static int ignored(const struct kvmd_status_opts *o, const char *email)
{
	size_t i;

	for (i = 0; o && i < o->nignore_from; i++)
		if (o->ignore_from[i] && !g_ascii_strcasecmp(o->ignore_from[i], email))
			return 1;
	return 0;
}

/* What reply `r` says of the patch (or cover letter) `t` it is below. */
static void attribute(struct msg *r, struct msg *t, const struct kvmd_status_opts *o)
{
	struct series *ser = t->series;
	size_t i, j;

	ser->pub.replies++;
	if (r->in_range)
		ser->pub.in_status = 1;
	if (g_ascii_strcasecmp(r->sender, ser->sender) && !ignored(o, r->sender))
		ser->answered = 1;
	for (i = 0; i < r->ntr; i++) {
		struct kvmd_followup f;

		if (!r->tr[i].email || !kvmd_followup_key(r->tr[i].key))
			continue;
		f.key = r->tr[i].key;
		f.name = r->tr[i].name;
		f.email = r->tr[i].email;
		f.message_id = r->id;
		f.mismatched = !kvmd_followup_same_address(f.email, r->sender);
		if (t == ser->cover) {
			/* not counted again when the cover letter or every patch carries it */
			int all = ser->pub.npatches > 0;

			for (j = 0; all && j < ser->nmembers; j++)
				if (ser->members[j] != ser->cover &&
				    !carries(ser->members[j], f.key, f.email))
					all = 0;
			if (!all && !carries(t, f.key, f.email))
				fu_add(&ser->cover_fu, &f);
		} else if (!carries(t, f.key, f.email)) {
			fu_add(&ser->patch_fu[t->patch], &f);
		}
	}
}

/* The newest of two candidate previous versions (NULL for none). */
static struct series *newer(struct series *a, struct series *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return cmp_series(&a, &b) >= 0 ? a : b;
}

/* Whether `p` can be the version `ser` follows: another series, posted before it. */
static int earlier(const struct series *p, const struct series *ser)
{
	return p && p != ser && cmp_series(&p, &ser) < 0;
}

/*
 * The newest earlier series in `list` (oldest first) before `ser`, by
 * binary search: the series sharing a sender and subject key, or a
 * change-id.
 */
static struct series *newest_before(GPtrArray *list, const struct series *ser)
{
	size_t lo = 0, hi = list->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct series *x = g_ptr_array_index(list, mid);

		if (cmp_series(&x, &ser) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? g_ptr_array_index(list, lo - 1) : NULL;
}

static void group_add(GHashTable *groups, char *key, struct series *ser)
{
	GPtrArray *list = g_hash_table_lookup(groups, key);

	if (!list) {
		list = g_ptr_array_new();
		g_hash_table_insert(groups, key, list);
	} else {
		g_free(key);
	}
	g_ptr_array_add(list, ser);
}

/* The key of the series that share a sender and a subject key: both, the address lower-cased. */
static char *subject_group(const struct series *ser, struct kvmd_buf *key)
{
	char *sender = g_ascii_strdown(ser->sender, -1), *k;

	kvmd_status_subject_key(key, ser->pub.subject);
	k = g_strdup_printf("%s\n%s", sender, key->ptr);
	g_free(sender);
	return k;
}

static void link_versions(struct kvmd_status *s)
{
	GHashTable *by_subject = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						       (GDestroyNotify)g_ptr_array_unref);
	GHashTable *by_change = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						      (GDestroyNotify)g_ptr_array_unref);
	struct kvmd_buf key = KVMD_BUF_INIT;
	size_t i, j;

	/* the series are sorted: each group's list is oldest first */
	for (i = 0; i < s->nseries; i++) {
		struct series *ser = s->series[i];

		group_add(by_subject, subject_group(ser, &key), ser);
		if (ser->head && ser->head->change_id)
			group_add(by_change, g_strdup(ser->head->change_id), ser);
	}
	for (i = 0; i < s->nseries; i++) {
		struct series *ser = s->series[i], *best = NULL, *c;
		char *k;

		/*
		 * By subject: the newest earlier post of it, when that is a lower
		 * version (a sender's second "Fix the build" is another patch,
		 * not a v1 following a v1); a subject of tags only says nothing.
		 */
		k = subject_group(ser, &key);
		c = newest_before(g_hash_table_lookup(by_subject, k), ser);
		g_free(k);
		if (key.len && earlier(c, ser) && c->pub.version < ser->pub.version)
			best = c;
		if (ser->head && ser->head->change_id) {
			c = newest_before(g_hash_table_lookup(by_change, ser->head->change_id), ser);
			if (earlier(c, ser))
				best = newer(best, c);
		}
		/* the cover letter (or patch 1) links an earlier message: its series */
		for (j = 0; ser->head && j < ser->head->nlinks; j++) {
			struct msg *l = lookup(s, ser->head->links[j]);
			struct msg *t = l ? (is_patch(&l->tag) ? l : patch_above(l)) : NULL;

			c = t ? t->series : NULL;
			if (earlier(c, ser))
				best = newer(best, c);
		}
		if (best) {
			ser->prev.version = best->pub.version;
			ser->prev.message_id = best->pub.message_id;
			ser->prev.date = best->pub.date;
			ser->pub.previous = &ser->prev;
			ser->previous = best;
			best->superseded = 1;
		}
	}
	/* the previous versions' numbers, once every series has its own */
	for (i = 0; i < s->nseries; i++) {
		struct series *ser = s->series[i], *p = ser->previous;

		if (!p)
			continue;
		ser->prev.replies = p->pub.replies;
		ser->prev.followups = p->all_fu.v;
		ser->prev.nfollowups = p->all_fu.nr;
	}
	kvmd_buf_release(&key);
	g_hash_table_destroy(by_subject);
	g_hash_table_destroy(by_change);
}

/*
 * A reply that kept its patch's subject, tag and all, and dropped only
 * the `Re:` (b4 takes a message in reply to another, with trailers and
 * no diff, for a follow-up): in reply to a patch of the same number,
 * total, version and subject.  A patch never answers its own copy; a
 * patch in reply to another patch has another number or subject.
 */
static int is_reply_with_tag(const struct msg *m, struct kvmd_buf *ka, struct kvmd_buf *kb)
{
	const struct msg *p = m->parent;

	if (!p || !is_patch(&m->tag) || !is_patch(&p->tag) || p->tag.number != m->tag.number ||
	    p->tag.total != m->tag.total || p->tag.version != m->tag.version)
		return 0;
	kvmd_status_subject_key(ka, m->subject);
	kvmd_status_subject_key(kb, p->subject);
	return !strcmp(ka->ptr, kb->ptr);
}

static int cmp_date_id(const void *pa, const void *pb)
{
	const struct msg *a = pa, *b = pb;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return strcmp(a->id, b->id);
}

int kvmd_status_finish(struct kvmd_status *s, const struct kvmd_status_opts *o,
		       struct kvmd_buf *err)
{
	GHashTable *orphans;
	struct msg **replies = NULL;
	struct kvmd_buf ka = KVMD_BUF_INIT, kb = KVMD_BUF_INIT;
	size_t nreplies = 0, i, j;

	if (s->finished) {
		if (err)
			kvmd_buf_adds(err, "the status model is already finished");
		return -1;
	}
	s->finished = 1;
	/*
	 * The messages by date, then Message-ID, whatever order they were
	 * added in: every pass below reads them in that order, and `seq` is
	 * the last tie-break of the sorts.  The index hands them over unsorted
	 * (its sort cost a tenth of the status sections' time).
	 */
	if (s->nmsgs) /* qsort() wants an array, even of none */
		qsort(s->msgs, s->nmsgs, sizeof(*s->msgs), cmp_date_id);
	g_hash_table_remove_all(s->by_id);
	for (i = 0; i < s->nmsgs; i++) {
		s->msgs[i].seq = i;
		g_hash_table_insert(s->by_id, (gpointer)s->msgs[i].id, GSIZE_TO_POINTER(i + 1));
	}
	for (i = 0; i < s->nmsgs; i++) {
		struct msg *m = &s->msgs[i];

		m->parent = lookup(s, m->irt);
		if (m->parent == m)
			m->parent = NULL;
	}
	for (i = 0; i < s->nmsgs; i++)
		if (is_reply_with_tag(&s->msgs[i], &ka, &kb))
			s->msgs[i].tag.kind = KVMD_KIND_REPLY;
	kvmd_buf_release(&ka);
	kvmd_buf_release(&kb);

	/* every patch into its series */
	orphans = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < s->nmsgs; i++)
		if (is_patch(&s->msgs[i].tag))
			patch_series(s, &s->msgs[i], orphans);
	g_hash_table_destroy(orphans);
	for (i = 0; i < s->nseries; i++)
		series_fill(s->series[i]);
	if (s->nseries) /* qsort() wants an array, even of none */
		qsort(s->series, s->nseries, sizeof(*s->series), cmp_series);

	/* the replies: anything below a patch that is not one (with or without Re:) */
	if (s->nmsgs)
		replies = kvmd_xcalloc(s->nmsgs, sizeof(*replies));
	for (i = 0; i < s->nmsgs; i++)
		if (!is_patch(&s->msgs[i].tag))
			replies[nreplies++] = &s->msgs[i];
	if (nreplies)
		qsort(replies, nreplies, sizeof(*replies), cmp_msgp);
	for (i = 0; i < nreplies; i++) {
		struct msg *t = patch_below(s, replies[i]);

		if (t && t->series)
			attribute(replies[i], t, o);
	}
	free(replies);

	/* all a series received, for the series that follow it */
	for (i = 0; i < s->nseries; i++) {
		struct series *ser = s->series[i];

		ser->pub.followups = ser->cover_fu.v;
		ser->pub.nfollowups = ser->cover_fu.nr;
		for (j = 0; j < ser->cover_fu.nr; j++)
			fu_add(&ser->all_fu, &ser->cover_fu.v[j]);
		for (j = 0; j < ser->pub.npatches; j++) {
			size_t k;

			ser->patches[j].followups = ser->patch_fu[j].v;
			ser->patches[j].nfollowups = ser->patch_fu[j].nr;
			for (k = 0; k < ser->patch_fu[j].nr; k++) {
				KVMD_ALLOC_GROW(ser->all_fu.v, ser->all_fu.nr + 1, ser->all_fu.alloc);
				ser->all_fu.v[ser->all_fu.nr++] = ser->patch_fu[j].v[k];
			}
		}
		ser->pub.patches = ser->patches;
	}
	link_versions(s);

	/* waiting: old enough, answered by nobody but the sender, not followed by a new version */
	s->pub = kvmd_xcalloc(s->nseries ? s->nseries : 1, sizeof(*s->pub));
	s->waiting = kvmd_xcalloc(s->nseries ? s->nseries : 1, sizeof(*s->waiting));
	for (i = 0; i < s->nseries; i++)
		s->pub[i] = &s->series[i]->pub;
	/*
	 * A date at or before the epoch is unknown (or forged): no age.  Both
	 * dates positive, `now - date` cannot overflow.
	 */
	if (o && o->now > 0) {
		for (i = 0; i < s->nseries; i++) {
			struct series *ser = s->series[i];
			int64_t age;

			if (ser->answered || ser->superseded || ser->pub.date <= 0)
				continue;
			age = o->now - ser->pub.date;
			if (age < 0 || age / 86400 < (int64_t)(o->wait_days > 0 ? o->wait_days : 0))
				continue;
			ser->pub.waiting_days = age / 86400 > INT_MAX ? INT_MAX : (int)(age / 86400);
			s->waiting[s->nwaiting++] = &ser->pub;
		}
	}
	for (i = 0; i < s->nseries; i++)
		s->series[i]->pub.in_applied = s->series[i]->pub.in_status ||
					       s->series[i]->pub.waiting_days >= 0;
	return 0;
}

/* Every patch 1..total there, each applied: the series leaves `waiting`. */
static void check_fully_applied(struct kvmd_status *s, struct series *ser)
{
	struct kvmd_status_series *p = &ser->pub;
	size_t i, k;

	if (p->fully_applied || p->npatches < (size_t)p->total)
		return;
	for (i = 0; i < (size_t)p->total; i++) {
		for (k = 0; k < p->npatches; k++)
			if (p->patches[k].number == (int)i + 1 && p->patches[k].napplied)
				break;
		if (k == p->npatches)
			return;
	}
	p->fully_applied = 1;
	if (p->waiting_days < 0)
		return;
	p->waiting_days = -1;
	for (i = 0, k = 0; i < s->nwaiting; i++)
		if (s->waiting[i] != p)
			s->waiting[k++] = s->waiting[i];
	s->nwaiting = k;
}

/* The message `id` when it is a patch of a series (not its cover letter). */
static struct msg *series_patch(const struct kvmd_status *s, const char *id)
{
	struct msg *m = s->pub ? lookup(s, id) : NULL;

	if (!m || !m->series || !is_patch(&m->tag) || m == m->series->cover ||
	    m->patch >= m->series->pub.npatches ||
	    m->series->patches[m->patch].message_id != m->id)
		return NULL;
	return m;
}

const struct kvmd_status_patch *kvmd_status_find_patch(const struct kvmd_status *s,
							const char *message_id,
							const struct kvmd_status_series **series)
{
	struct msg *m = series_patch(s, message_id);

	if (series)
		*series = m ? &m->series->pub : NULL;
	return m ? &m->series->patches[m->patch] : NULL;
}

int kvmd_status_add_applied(struct kvmd_status *s, const char *message_id,
			    const char *commit, const char *ref, enum kvmd_status_match match)
{
	struct msg *m = series_patch(s, message_id);
	struct applied_vec *v;
	struct series *ser;
	size_t i;

	if (!m)
		return 0;
	ser = m->series;
	if (!ser->patch_applied)
		ser->patch_applied = kvmd_xcalloc(ser->pub.npatches, sizeof(*ser->patch_applied));
	v = &ser->patch_applied[m->patch];
	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i].commit, commit) && !strcmp(v->v[i].ref, ref))
			return 1;
	KVMD_ALLOC_GROW(v->v, v->nr + 1, v->alloc);
	v->v[v->nr].commit = intern(s, commit);
	v->v[v->nr].ref = intern(s, ref);
	v->v[v->nr].match = match;
	v->nr++;
	ser->patches[m->patch].applied = v->v;
	ser->patches[m->patch].napplied = v->nr;
	check_fully_applied(s, ser);
	return 1;
}

size_t kvmd_status_series(const struct kvmd_status *s,
			  const struct kvmd_status_series *const **out)
{
	*out = s->pub;
	return s->pub ? s->nseries : 0;
}

size_t kvmd_status_waiting(const struct kvmd_status *s,
			   const struct kvmd_status_series *const **out)
{
	*out = s->waiting;
	return s->nwaiting;
}

size_t kvmd_status_newcomers(const struct kvmd_status *s,
			     const struct kvmd_status_newcomer **out)
{
	*out = s->newcomers;
	return s->nnewcomers;
}

size_t kvmd_status_new_domains(const struct kvmd_status *s, const char *const **out)
{
	*out = s->domains;
	return s->ndomains;
}
