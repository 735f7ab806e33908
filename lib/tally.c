#include "tally.h"
#include "buf.h"
#include "ident.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

struct variant {
	char *text;
	size_t count;
	size_t newest;
};

struct variants {
	struct variant *v;
	size_t nr, alloc;
};

struct identity {
	char *key; /* lower-cased address */
	size_t count;
	struct variants names, emails;
};

struct kvmd_tally {
	struct identity *ids;
	size_t nr, alloc;
	size_t total;
	GHashTable *index; /* key -> index + 1; keys borrowed from ids */
};

struct kvmd_tally *kvmd_tally_new(void)
{
	struct kvmd_tally *t = kvmd_xcalloc(1, sizeof(*t));
	t->index = g_hash_table_new(g_str_hash, g_str_equal);
	return t;
}

static void variants_release(struct variants *vs)
{
	size_t i;
	for (i = 0; i < vs->nr; i++)
		free(vs->v[i].text);
	free(vs->v);
}

void kvmd_tally_free(struct kvmd_tally *t)
{
	size_t i;

	if (!t)
		return;
	g_hash_table_destroy(t->index);
	for (i = 0; i < t->nr; i++) {
		free(t->ids[i].key);
		variants_release(&t->ids[i].names);
		variants_release(&t->ids[i].emails);
	}
	free(t->ids);
	free(t);
}

static void vote(struct variants *vs, const char *text, size_t count, size_t seq)
{
	size_t i;

	for (i = 0; i < vs->nr; i++) {
		if (!strcmp(vs->v[i].text, text)) {
			vs->v[i].count += count;
			if (seq < vs->v[i].newest)
				vs->v[i].newest = seq;
			return;
		}
	}
	KVMD_ALLOC_GROW(vs->v, vs->nr + 1, vs->alloc);
	vs->v[vs->nr].text = kvmd_xstrdup(text);
	vs->v[vs->nr].count = count;
	vs->v[vs->nr].newest = seq;
	vs->nr++;
}

static const char *winner(const struct variants *vs)
{
	const struct variant *best = NULL;
	size_t i;

	for (i = 0; i < vs->nr; i++) {
		const struct variant *v = &vs->v[i];
		if (!best || v->count > best->count ||
		    (v->count == best->count && v->newest < best->newest))
			best = v;
	}
	return best ? best->text : NULL;
}

static size_t identity_for(struct kvmd_tally *t, const char *email)
{
	struct kvmd_buf key = KVMD_BUF_INIT;
	gpointer found;
	size_t i;

	kvmd_ident_key(&key, email);
	found = g_hash_table_lookup(t->index, key.ptr);
	if (found) {
		kvmd_buf_release(&key);
		return GPOINTER_TO_SIZE(found) - 1;
	}
	KVMD_ALLOC_GROW(t->ids, t->nr + 1, t->alloc);
	i = t->nr++;
	memset(&t->ids[i], 0, sizeof(t->ids[i]));
	t->ids[i].key = kvmd_buf_detach(&key, NULL);
	g_hash_table_insert(t->index, t->ids[i].key, GSIZE_TO_POINTER(i + 1));
	return i;
}

size_t kvmd_tally_add(struct kvmd_tally *t, const char *name,
		      const char *email, size_t seq)
{
	size_t i = identity_for(t, email);
	struct identity *id = &t->ids[i];

	id->count++;
	t->total++;
	if (name && *name)
		vote(&id->names, name, 1, seq);
	vote(&id->emails, email, 1, seq);
	return i;
}

size_t kvmd_tally_size(const struct kvmd_tally *t)
{
	return t->nr;
}

size_t kvmd_tally_total(const struct kvmd_tally *t)
{
	return t->total;
}

const char *kvmd_tally_name(const struct kvmd_tally *t, size_t i)
{
	return winner(&t->ids[i].names);
}

const char *kvmd_tally_email(const struct kvmd_tally *t, size_t i)
{
	return winner(&t->ids[i].emails);
}

size_t kvmd_tally_count(const struct kvmd_tally *t, size_t i)
{
	return t->ids[i].count;
}

size_t kvmd_tally_find(const struct kvmd_tally *t, const char *email)
{
	struct kvmd_buf key = KVMD_BUF_INIT;
	gpointer found;

	kvmd_ident_key(&key, email);
	found = g_hash_table_lookup(t->index, key.ptr);
	kvmd_buf_release(&key);
	return found ? GPOINTER_TO_SIZE(found) - 1 : (size_t)-1;
}

static int row_cmp(const void *a, const void *b)
{
	const struct kvmd_tally_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return -strcmp(x->text, y->text);
}

size_t kvmd_tally_rows(const struct kvmd_tally *t, int domains,
		       struct kvmd_tally_row **out)
{
	struct kvmd_tally_row *rows = kvmd_xcalloc(t->nr + 1, sizeof(*rows));
	size_t i, nr = 0;
	GHashTable *seen = NULL;

	if (domains)
		seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < t->nr; i++) {
		struct kvmd_buf text = KVMD_BUF_INIT;
		gpointer at;

		if (domains) {
			kvmd_ident_domain(&text, t->ids[i].key);
			at = g_hash_table_lookup(seen, text.ptr);
			if (at) {
				rows[GPOINTER_TO_SIZE(at) - 1].count += t->ids[i].count;
				kvmd_buf_release(&text);
				continue;
			}
		} else {
			kvmd_ident_format(&text, kvmd_tally_name(t, i),
					  kvmd_tally_email(t, i));
		}
		rows[nr].count = t->ids[i].count;
		rows[nr].id = domains ? (size_t)-1 : i;
		rows[nr].text = kvmd_buf_detach(&text, NULL);
		if (domains)
			g_hash_table_insert(seen, rows[nr].text, GSIZE_TO_POINTER(nr + 1));
		nr++;
	}
	if (seen)
		g_hash_table_destroy(seen);
	if (nr)
		qsort(rows, nr, sizeof(*rows), row_cmp);
	*out = rows;
	return nr;
}

void kvmd_tally_rows_free(struct kvmd_tally_row *rows, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(rows[i].text);
	free(rows);
}
