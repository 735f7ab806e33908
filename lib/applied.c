#include "applied.h"
#include "buf.h"
#include "index.h"
#include "patchid.h"
#include "status.h"
#include "usage.h"
#include "watch.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/*
 * The tables are created with the index's (index.c); this file reads
 * and writes them through the index's connection, in its transaction.
 * The ranks of this run's applied refs are a temporary table
 * (temp.applied_rank: ref id, rank), so that the lookups join on it and
 * a ref no pattern names any more is left out.
 */

enum stmt {
	CODE_BY_COMMIT,   /* the code row of a commit */
	ADD_CODE,         /* a new code row */
	ADD_CODE_REF,     /* a commit walked from a ref */
	MAIL_BY_ID,       /* a patch mail's patch-id, subject key, address */
	CODE_BY_ID,       /* the commits with a patch-id */
	CODE_BY_KEY,      /* the commits with a subject key and address */
	BEST_REF,         /* the best-ranked applied ref a commit was walked from */
	POSTED_BY_ID,     /* the newest patch mail with a patch-id */
	POSTED_BY_KEY,    /* the newest patch mail with a subject key and address */
	ADD_REF,          /* an applied ref's row, new or not: its id */
	RANK_REF,         /* this run's rank of an applied ref */
	READ_REF,         /* an applied ref's walked tip and bound */
	WRITE_REF,        /* its new walked tip and bound */
	FORGET_REF,       /* the commits it was walked from, forgotten */
	OLDEST_PATCH,     /* the oldest patch mail's date */
	NSTMT
};

/* what a failed write says (kvmd_index_exec(), kvmd_index_step_done()) */
#define WRITING "cannot write the index"

#define POSTED_COLUMNS "SELECT message_id, date, version, number, total, subject FROM mail"
#define POSTED_ORDER " ORDER BY version DESC, date DESC, message_id"

static const char *const stmt_sql[NSTMT] = {
	[CODE_BY_COMMIT] = "SELECT id FROM code WHERE commit_id = ?1",
	[ADD_CODE] =
		"INSERT INTO code(commit_id, patch_id, email, subject_key, date)"
		" VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(commit_id) DO NOTHING",
	[ADD_CODE_REF] = "INSERT OR IGNORE INTO code_ref(code, ref) VALUES(?1, ?2)",
	[MAIL_BY_ID] =
		"SELECT patch_id, subject, email, subject_hash IS NOT NULL FROM mail"
		" WHERE message_id = ?1",
	/*
	 * Most patches are not applied: a plain probe of `code` first,
	 * the join with the refs only for what it finds (sorted in C).
	 */
	[CODE_BY_ID] = "SELECT id, commit_id, date FROM code WHERE patch_id = ?1",
	[CODE_BY_KEY] =
		"SELECT id, commit_id, date FROM code WHERE subject_key = ?1 AND email = ?2",
	[BEST_REF] =
		"SELECT r.name, k.rank FROM code_ref cr"
		" CROSS JOIN temp.applied_rank k ON k.ref = cr.ref"
		" JOIN applied_ref r ON r.id = cr.ref"
		" WHERE cr.code = ?1 ORDER BY k.rank LIMIT 1",
	[POSTED_BY_ID] = POSTED_COLUMNS " WHERE patch_id = ?1" POSTED_ORDER " LIMIT 1",
	/* a hash: the subjects are compared in read_post() */
	[POSTED_BY_KEY] = POSTED_COLUMNS
		" WHERE subject_hash = ?1 AND email = ?2 COLLATE NOCASE" POSTED_ORDER,
	[ADD_REF] =
		"INSERT INTO applied_ref(name) VALUES(?1)"
		" ON CONFLICT(name) DO UPDATE SET name = name RETURNING id",
	[RANK_REF] = "INSERT OR REPLACE INTO temp.applied_rank(ref, rank) VALUES(?1, ?2)",
	[READ_REF] = "SELECT tip, bound FROM applied_ref WHERE id = ?1",
	[WRITE_REF] = "UPDATE applied_ref SET tip = ?1, bound = ?2 WHERE id = ?3",
	[FORGET_REF] = "DELETE FROM code_ref WHERE ref = ?1",
	[OLDEST_PATCH] = "SELECT min(date) FROM mail WHERE patch_id IS NOT NULL AND date > 0",
};

struct applied_ref {
	char *name;
	sqlite3_int64 id;   /* its applied_ref row */
};

struct kvmd_applied {
	struct kvmd_index *ix;
	sqlite3 *db;
	git_repository *repo;
	struct applied_ref *refs;  /* by rank */
	size_t nrefs;
	const char **names;        /* the refs' names, for kvmd_applied_refs() */
	sqlite3_stmt *stmt[NSTMT];  /* prepared at open, finalized by kvmd_applied_free() */
	struct kvmd_buf key;       /* scratch for a subject key */
	struct kvmd_buf key2;
	char *post_message_id;     /* what the last kvmd_applied_posted() returned */
};

static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void bind_oid(sqlite3_stmt *st, int i, const git_oid *id)
{
	sqlite3_bind_blob(st, i, id->id, GIT_OID_RAWSZ, SQLITE_TRANSIENT);
}

/* Reads a 20-byte id column; 0, or -1 when the column is not one. */
static int column_oid(git_oid *out, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, i) != GIT_OID_RAWSZ)
		return -1;
	git_oid_fromraw(out, sqlite3_column_blob(st, i));
	return 0;
}

const char *kvmd_applied_how_name(enum kvmd_applied_how how)
{
	return how == KVMD_APPLIED_SUBJECT ? "subject" : "patch-id";
}

/* ---------------------------------------------------------------- open -- */

struct ref_names {
	char **v;
	size_t nr, alloc;
};

static int collect_ref(const char *name, void *data)
{
	struct ref_names *names = data;

	KVMD_ALLOC_GROW(names->v, names->nr + 1, names->alloc);
	names->v[names->nr++] = kvmd_xstrdup(name);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether `name` is a direct ref to a commit (a symbolic one is its target's alias). */
static int names_commit(git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int ok;

	ok = git_reference_lookup(&ref, repo, name) == 0 &&
	     git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
	     git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0;
	git_object_free(obj);
	git_reference_free(ref);
	git_error_clear();
	return ok;
}

/* Ranks the refs `patterns` match, and gives each its applied_ref row. */
static int find_refs(struct kvmd_applied *a, const char *const *patterns, size_t npatterns,
		     struct kvmd_buf *err)
{
	struct ref_names names = { 0 };
	sqlite3_stmt *add = a->stmt[ADD_REF], *rank = a->stmt[RANK_REF];
	size_t i, j, alloc = 0;
	int rc, ret = 0;

	if (!npatterns)
		return 0;
	if (git_reference_foreach_name(a->repo, collect_ref, &names) < 0) {
		kvmd_buf_addf(err, "cannot list the refs: %s", kvmd_git_error());
		ret = -1;
		goto cleanup;
	}
	if (names.nr)
		qsort(names.v, names.nr, sizeof(*names.v), cmp_str);
	for (i = 0; i < npatterns; i++) {
		for (j = 0; j < names.nr; j++) {
			if (!names.v[j] || !kvmd_watch_match_one(patterns[i], names.v[j]))
				continue;
			if (names_commit(a->repo, names.v[j])) {
				KVMD_ALLOC_GROW(a->refs, a->nrefs + 1, alloc);
				a->refs[a->nrefs++].name = names.v[j];
			} else {
				free(names.v[j]);
			}
			names.v[j] = NULL; /* ranked by its first pattern */
		}
	}

	for (i = 0; i < a->nrefs; i++) {
		sqlite3_bind_text(add, 1, a->refs[i].name, -1, SQLITE_STATIC);
		rc = sqlite3_step(add);
		if (rc == SQLITE_ROW) {
			a->refs[i].id = sqlite3_column_int64(add, 0);
			rc = sqlite3_step(add);
		}
		done(add);
		if (rc != SQLITE_DONE) {
			ret = kvmd_index_db_error(a->db, rc, WRITING, err);
			goto cleanup;
		}
		sqlite3_bind_int64(rank, 1, a->refs[i].id);
		sqlite3_bind_int64(rank, 2, (sqlite3_int64)i);
		if ((ret = kvmd_index_step_done(rank, a->ix, WRITING, err)) < 0)
			goto cleanup;
	}

cleanup:
	for (j = 0; j < names.nr; j++)
		free(names.v[j]);
	free(names.v);
	return ret;
}

int kvmd_applied_open(struct kvmd_applied **out, struct kvmd_index *ix,
		      git_repository *repo, const char *const *patterns,
		      size_t npatterns, struct kvmd_buf *err)
{
	struct kvmd_applied *a = kvmd_xcalloc(1, sizeof(*a));
	size_t i;
	int ret;

	*out = NULL;
	a->ix = ix;
	a->db = kvmd_index_db(ix);
	a->repo = repo;
	kvmd_buf_init(&a->key);
	kvmd_buf_init(&a->key2);
	if ((ret = kvmd_index_exec(a->ix, "CREATE TEMP TABLE IF NOT EXISTS applied_rank("
				   " ref INTEGER PRIMARY KEY, rank INTEGER NOT NULL);"
				   " DELETE FROM temp.applied_rank", WRITING, err)) < 0)
		goto cleanup;
	for (i = 0; i < NSTMT; i++)
		if ((ret = kvmd_index_prepare(&a->stmt[i], a->ix, stmt_sql[i], err)) < 0)
			goto cleanup;
	if ((ret = find_refs(a, patterns, npatterns, err)) < 0)
		goto cleanup;
	a->names = kvmd_xcalloc(a->nrefs + 1, sizeof(*a->names));
	for (i = 0; i < a->nrefs; i++)
		a->names[i] = a->refs[i].name;
	*out = a;
	a = NULL;

cleanup:
	kvmd_applied_free(a);
	return ret;
}

void kvmd_applied_free(struct kvmd_applied *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(a->stmt[i]);
	for (i = 0; i < a->nrefs; i++)
		free(a->refs[i].name);
	free(a->refs);
	free(a->names);
	free(a->post_message_id);
	kvmd_buf_release(&a->key);
	kvmd_buf_release(&a->key2);
	free(a);
}

size_t kvmd_applied_refs(const struct kvmd_applied *a, const char *const **out)
{
	*out = a->names;
	return a->nrefs;
}

/* ------------------------------------------------------------- storing -- */

/* What a code row keeps of a commit, but its patch-id. */
struct code_row {
	git_oid commit;
	const char *email;   /* the author's address; NULL without an author */
	const char *key;     /* kvmd_status_subject_key() of its summary */
	int64_t date;        /* its committer date */
};

/*
 * The code row of `c`: its strings borrowed from `c` and from the
 * engine's `key` scratch, until the next call.
 */
static void code_row_of(struct code_row *out, struct kvmd_applied *a, const git_commit *c)
{
	const git_signature *author = git_commit_author(c);
	const char *summary = git_commit_summary((git_commit *)c);

	git_oid_cpy(&out->commit, git_commit_id(c));
	out->email = author ? author->email : NULL;
	kvmd_status_subject_key(&a->key, summary ? summary : "");
	out->key = a->key.ptr;
	out->date = git_commit_time(c);
}

/* Writes a new code row; its id in `*id` (0 when the commit was stored already). */
static int add_code(sqlite3_int64 *id, struct kvmd_applied *a, const struct code_row *r,
		    const git_oid *patch_id, struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[ADD_CODE];
	int ret;

	bind_oid(st, 1, &r->commit);
	if (patch_id && !git_oid_is_zero(patch_id))
		bind_oid(st, 2, patch_id);
	sqlite3_bind_text(st, 3, r->email ? r->email : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->date);
	if ((ret = kvmd_index_step_done(st, a->ix, WRITING, err)) < 0)
		return ret;
	*id = sqlite3_changes(a->db) ? sqlite3_last_insert_rowid(a->db) : 0;
	return 0;
}

/* The code row of `commit`: 1 with `*id`, 0 when it is not stored. */
static int find_code(sqlite3_int64 *id, struct kvmd_applied *a, const git_oid *commit,
		     struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[CODE_BY_COMMIT];
	int rc;

	*id = 0;
	bind_oid(st, 1, commit);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : kvmd_index_db_error(a->db, rc, "cannot read the index", err);
}

static int add_code_ref(struct kvmd_applied *a, sqlite3_int64 code, sqlite3_int64 ref,
			struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[ADD_CODE_REF];

	sqlite3_bind_int64(st, 1, code);
	sqlite3_bind_int64(st, 2, ref);
	return kvmd_index_step_done(st, a->ix, WRITING, err);
}

int kvmd_applied_store_commit(struct kvmd_applied *a, const git_commit *c,
			      const git_oid *patch_id, struct kvmd_buf *err)
{
	struct code_row r;
	sqlite3_int64 id;

	code_row_of(&r, a, c);
	return add_code(&id, a, &r, patch_id, err);
}

/* ------------------------------------------------------------- refresh -- */

/* The commits a walk found that are not stored yet, with what is stored of them. */
struct pending {
	struct code_row *v;  /* their strings are the list's own */
	size_t nr, alloc, next;
	struct kvmd_applied *a;
	sqlite3_int64 ref;
	size_t hashed;
	struct kvmd_buf *err;
	int ret;
};

static void pending_add(struct pending *p, const struct code_row *r)
{
	struct code_row *copy;

	KVMD_ALLOC_GROW(p->v, p->nr + 1, p->alloc);
	copy = &p->v[p->nr++];
	*copy = *r;
	copy->email = kvmd_xstrdup(r->email ? r->email : "");
	copy->key = kvmd_xstrdup(r->key);
}

static void pending_release(struct pending *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		free((char *)p->v[i].email);
		free((char *)p->v[i].key);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* kvmd_patchid_commits()'s callback, in this thread: stores one commit. */
static int store_hashed(const git_oid *commit, const git_oid *id, void *data)
{
	struct pending *p = data;
	sqlite3_int64 code;
	int ret;

	/* handed in the order of the list; merges were left out of it already */
	while (p->next < p->nr && !git_oid_equal(&p->v[p->next].commit, commit))
		p->next++;
	if (p->next == p->nr)
		return 0;
	if ((ret = add_code(&code, p->a, &p->v[p->next], id, p->err)) < 0 ||
	    (!code && (ret = find_code(&code, p->a, commit, p->err)) < 0) ||
	    (code && (ret = add_code_ref(p->a, code, p->ref, p->err)) < 0)) {
		p->ret = ret;
		return 1; /* stops the run */
	}
	p->hashed++;
	p->next++;
	return 0;
}

/* The applied_ref row of `ref`: its walked tip (`*has_tip`) and bound. */
static int read_ref(git_oid *tip, int *has_tip, int64_t *bound, struct kvmd_applied *a,
		    sqlite3_int64 ref, struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[READ_REF];
	int rc, ret;

	*has_tip = 0;
	*bound = 0;
	sqlite3_bind_int64(st, 1, ref);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*has_tip = column_oid(tip, st, 0) == 0;
		*bound = sqlite3_column_int64(st, 1);
	}
	ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		kvmd_index_db_error(a->db, rc, "cannot read the index", err);
	done(st);
	return ret;
}

static int write_ref(struct kvmd_applied *a, sqlite3_int64 ref, const git_oid *tip,
		     int64_t bound, struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[WRITE_REF];

	bind_oid(st, 1, tip);
	sqlite3_bind_int64(st, 2, bound);
	sqlite3_bind_int64(st, 3, ref);
	return kvmd_index_step_done(st, a->ix, WRITING, err);
}

static int forget_ref(struct kvmd_applied *a, sqlite3_int64 ref, struct kvmd_buf *err)
{
	sqlite3_stmt *st = a->stmt[FORGET_REF];

	sqlite3_bind_int64(st, 1, ref);
	return kvmd_index_step_done(st, a->ix, WRITING, err);
}

/*
 * Walks one ref from `tip`: down to `hide` (NULL: down to commits older
 * than `bound`), storing what is not stored and linking all to the ref.
 */
static int walk_ref(struct kvmd_applied *a, const struct applied_ref *ref, const git_oid *tip,
		    const git_oid *hide, int64_t bound, int jobs,
		    struct kvmd_applied_stats *stats, struct kvmd_buf *err)
{
	struct pending p = { 0 };
	struct code_row r;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id, *ids = NULL;
	size_t i;
	sqlite3_int64 code;
	int rc, ret = -1;

	p.a = a;
	p.ref = ref->id;
	p.err = err;
	if (git_revwalk_new(&walk, a->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, tip) < 0 ||
	    (hide && git_revwalk_hide(walk, hide) < 0)) {
		kvmd_buf_addf(err, "cannot walk '%s': %s", ref->name, kvmd_git_error());
		goto cleanup;
	}
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		if (git_commit_lookup(&c, a->repo, &id) < 0) {
			kvmd_buf_addf(err, "cannot walk '%s': %s", ref->name, kvmd_git_error());
			ret = -1;
			goto cleanup;
		}
		/* by commit date, newest first: the rest is older (clock skew aside) */
		if (!hide && git_commit_time(c) < bound)
			break;
		if (git_commit_parentcount(c) > 1)
			goto next;
		stats->walked++;
		if ((ret = find_code(&code, a, &id, err)) < 0)
			goto cleanup;
		if (code) {
			if ((ret = add_code_ref(a, code, ref->id, err)) < 0)
				goto cleanup;
			goto next;
		}
		code_row_of(&r, a, c);
		pending_add(&p, &r);
next:
		git_commit_free(c);
		c = NULL;
	}
	if (rc < 0 && rc != GIT_ITEROVER) {
		kvmd_buf_addf(err, "cannot walk '%s': %s", ref->name, kvmd_git_error());
		ret = -1;
		goto cleanup;
	}
	ids = kvmd_xcalloc(p.nr + 1, sizeof(*ids));
	for (i = 0; i < p.nr; i++)
		git_oid_cpy(&ids[i], &p.v[i].commit);
	ret = kvmd_patchid_commits(a->repo, ids, p.nr, jobs, store_hashed, &p, err);
	if (p.ret < 0)
		ret = p.ret;
	else if (ret > 0)
		ret = -1;
	stats->hashed += p.hashed;

cleanup:
	git_commit_free(c);
	git_revwalk_free(walk);
	pending_release(&p);
	free(ids);
	return ret;
}

int kvmd_applied_refresh(struct kvmd_applied *a, int jobs,
			 struct kvmd_applied_stats *stats, struct kvmd_buf *err)
{
	struct kvmd_applied_stats own;
	sqlite3_stmt *st = a->stmt[OLDEST_PATCH];
	int64_t oldest = 0, bound, old_bound;
	git_oid tip, old;
	size_t i;
	int rc, ret = 0, has_old, any = 0;

	if (!stats)
		stats = &own;
	memset(stats, 0, sizeof(*stats));
	if (!a->nrefs)
		return 0;
	/* the oldest patch mail: what the first walks go down to */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		oldest = sqlite3_column_int64(st, 0);
		any = 1;
	}
	ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		kvmd_index_db_error(a->db, rc, "cannot read the index", err);
	done(st);
	if (ret < 0 || !any)
		return ret; /* nothing posted to match */
	bound = oldest - (int64_t)KVMD_APPLIED_MARGIN_DAYS * 86400;

	for (i = 0; i < a->nrefs; i++) {
		const struct applied_ref *ref = &a->refs[i];
		int incremental = 0;

		stats->refs++;
		if (git_reference_name_to_id(&tip, a->repo, ref->name) < 0) {
			git_error_clear();
			continue; /* gone since open: its rows stay for when it is back */
		}
		if ((ret = read_ref(&old, &has_old, &old_bound, a, ref->id, err)) < 0)
			return ret;
		if (has_old && old_bound <= bound) {
			if (git_oid_equal(&old, &tip))
				continue;
			incremental = git_graph_descendant_of(a->repo, &tip, &old) > 0;
			git_error_clear();
		}
		if (!incremental) {
			/* first walk, rewritten ref, or older mails: down to the bound again */
			if (has_old && (ret = forget_ref(a, ref->id, err)) < 0)
				return ret;
			stats->bound = bound;
			old_bound = bound;
		}
		if ((ret = walk_ref(a, ref, &tip, incremental ? &old : NULL, bound, jobs,
				    stats, err)) < 0 ||
		    (ret = write_ref(a, ref->id, &tip, old_bound, err)) < 0)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------- lookups -- */

/* A commit a lookup found, on an applied ref. */
struct cand {
	git_oid commit;
	int64_t date;
	sqlite3_int64 rank;
	char *ref;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return git_oid_cmp(&x->commit, &y->commit);
}

/*
 * Calls `cb` for each commit `st` (a CODE_BY_* lookup, bound) finds on
 * an applied ref, by rank, date and id; `*found` says whether there was
 * one.  The callback's non-zero return, or <0.
 */
static int each_match(struct kvmd_applied *a, sqlite3_stmt *st, const char *message_id,
		      enum kvmd_applied_how how,
		      int (*cb)(const struct kvmd_applied_match *m, void *data),
		      void *data, int *found, struct kvmd_buf *err)
{
	sqlite3_stmt *best = a->stmt[BEST_REF];
	struct cand *v = NULL;
	size_t n = 0, alloc = 0, i;
	struct kvmd_applied_match m;
	char hex[GIT_OID_HEXSZ + 1];
	int rc, rc2, ret = 0;

	*found = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		git_oid id;

		if (column_oid(&id, st, 1) < 0)
			continue;
		sqlite3_bind_int64(best, 1, sqlite3_column_int64(st, 0));
		rc2 = sqlite3_step(best);
		if (rc2 == SQLITE_ROW) {
			KVMD_ALLOC_GROW(v, n + 1, alloc);
			git_oid_cpy(&v[n].commit, &id);
			v[n].date = sqlite3_column_int64(st, 2);
			v[n].ref = kvmd_xstrdup((const char *)sqlite3_column_text(best, 0));
			v[n].rank = sqlite3_column_int64(best, 1);
			n++;
		}
		done(best);
		if (rc2 != SQLITE_ROW && rc2 != SQLITE_DONE) {
			ret = kvmd_index_db_error(a->db, rc2, "cannot read the index", err);
			break;
		}
	}
	if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = kvmd_index_db_error(a->db, rc, "cannot read the index", err);
	done(st);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_cand);
	for (i = 0; i < n && !ret; i++) {
		git_oid_tostr(hex, sizeof(hex), &v[i].commit);
		m.message_id = message_id;
		m.commit = hex;
		m.ref = v[i].ref;
		m.how = how;
		m.date = v[i].date;
		*found = 1;
		ret = cb(&m, data);
	}
	for (i = 0; i < n; i++)
		free(v[i].ref);
	free(v);
	return ret;
}

int kvmd_applied_for_mail(struct kvmd_applied *a, const char *const *message_ids, size_t n,
			  int (*cb)(const struct kvmd_applied_match *m, void *data),
			  void *data, struct kvmd_buf *err)
{
	sqlite3_stmt *mail = a->stmt[MAIL_BY_ID], *st;
	size_t i;
	int rc, ret = 0, found;

	if (!a->nrefs)
		return 0;
	for (i = 0; i < n && !ret; i++) {
		git_oid patch_id;
		int has_id;
		char *key = NULL, *email = NULL;

		sqlite3_bind_text(mail, 1, message_ids[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(mail);
		if (rc != SQLITE_ROW) {
			done(mail);
			if (rc != SQLITE_DONE)
				ret = kvmd_index_db_error(a->db, rc, "cannot read the index", err);
			continue;
		}
		has_id = column_oid(&patch_id, mail, 0) == 0;
		if (sqlite3_column_int(mail, 3)) {
			/* a patch: its subject key, as the index hashed it */
			kvmd_status_subject_key(&a->key,
						(const char *)sqlite3_column_text(mail, 1));
			key = kvmd_xstrdup(a->key.ptr);
			email = kvmd_xstrdup((const char *)sqlite3_column_text(mail, 2));
		}
		done(mail);

		found = 0;
		if (has_id) {
			st = a->stmt[CODE_BY_ID];
			bind_oid(st, 1, &patch_id);
			ret = each_match(a, st, message_ids[i], KVMD_APPLIED_PATCH_ID,
					 cb, data, &found, err);
		}
		if (!ret && !found && key) {
			st = a->stmt[CODE_BY_KEY];
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
			ret = each_match(a, st, message_ids[i], KVMD_APPLIED_SUBJECT,
					 cb, data, &found, err);
		}
		free(key);
		free(email);
	}
	return ret;
}

/*
 * Reads the first row of a POSTED_* statement into `out`, with the
 * subject key `key` when it is not NULL (a hash found the rows): 1, 0
 * or <0.
 */
static int read_post(struct kvmd_applied_post *out, struct kvmd_applied *a, sqlite3_stmt *st,
		     enum kvmd_applied_how how, const char *key, struct kvmd_buf *err)
{
	int rc, ret;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && key) {
		kvmd_status_subject_key(&a->key2, (const char *)sqlite3_column_text(st, 5));
		if (!strcmp(a->key2.ptr, key))
			break;
	}
	if (rc == SQLITE_ROW) {
		free(a->post_message_id);
		a->post_message_id = kvmd_xstrdup((const char *)sqlite3_column_text(st, 0));
		out->message_id = a->post_message_id;
		out->date = sqlite3_column_int64(st, 1);
		out->version = sqlite3_column_int(st, 2);
		out->number = sqlite3_column_int(st, 3);
		out->total = sqlite3_column_int(st, 4);
		out->how = how;
	}
	ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 :
		kvmd_index_db_error(a->db, rc, "cannot read the index", err);
	done(st);
	return ret;
}

int kvmd_applied_posted(struct kvmd_applied_post *out, struct kvmd_applied *a,
			const git_commit *c, const git_oid *patch_id,
			struct kvmd_buf *err)
{
	struct code_row r;
	sqlite3_stmt *st;
	int ret;

	memset(out, 0, sizeof(*out));
	if (patch_id && !git_oid_is_zero(patch_id)) {
		st = a->stmt[POSTED_BY_ID];
		bind_oid(st, 1, patch_id);
		if ((ret = read_post(out, a, st, KVMD_APPLIED_PATCH_ID, NULL, err)) != 0)
			return ret;
	}
	code_row_of(&r, a, c);
	if (!*r.key || !r.email)
		return 0;
	st = a->stmt[POSTED_BY_KEY];
	sqlite3_bind_int64(st, 1, kvmd_index_subject_hash(r.key));
	sqlite3_bind_text(st, 2, r.email, -1, SQLITE_STATIC);
	return read_post(out, a, st, KVMD_APPLIED_SUBJECT, r.key, err);
}
