#include "index.h"
#include "buf.h"
#include "status.h"
#include "usage.h"

#include <errno.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The tables (see index.h), kept small (the bench archive's 100,000
 * mails in under 60 MB): commit and blob ids are their 20 bytes;
 * trailers and links packed as netstrings (`<len>:<bytes>,`, a NULL as
 * `~,`) in one column each, read with their mail, never searched; the
 * thread root is written only when it is not the In-Reply-To id (or,
 * without one, the mail itself), the sender only when it is not the
 * contributor.  Threads are found by `thread`, a 64-bit hash of the
 * root's Message-ID (two threads that share one are loaded together,
 * and the model tells them apart).  A mail's series is the id of the
 * mail that starts it, in `member`, a narrow table of its own: the
 * series pass writes nearly every mail's, and rewriting the wide mail
 * row for it cost that pass half its time.  kvmd_index_update_series()
 * works it out; a mail that belongs to no series has no row.
 */
static const char schema[] =
	"CREATE TABLE archive(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, tip BLOB);"
	"CREATE TABLE mail(id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE,"
	" commit_id BLOB NOT NULL, blob BLOB NOT NULL, archive INTEGER,"
	" date INTEGER NOT NULL, name TEXT, email TEXT NOT NULL, sender_email TEXT,"
	" subject TEXT NOT NULL, kind INTEGER NOT NULL, version INTEGER NOT NULL,"
	" number INTEGER NOT NULL, total INTEGER NOT NULL, tag_end INTEGER NOT NULL,"
	" in_reply_to TEXT, root TEXT, thread INTEGER NOT NULL,"
	" change_id TEXT, trailers BLOB, links BLOB, patch_id BLOB, subject_hash INTEGER);"
	"CREATE TABLE member(id INTEGER PRIMARY KEY, series INTEGER NOT NULL);"
	"CREATE TABLE series(id INTEGER PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE,"
	" sender_email TEXT NOT NULL, subject_key TEXT NOT NULL, version INTEGER NOT NULL,"
	" total INTEGER NOT NULL, date INTEGER NOT NULL, change_id TEXT,"
	" thread INTEGER NOT NULL);"
	"CREATE INDEX series_key ON series(email, subject_key);"
	"CREATE INDEX series_change ON series(change_id) WHERE change_id IS NOT NULL;"
	"CREATE INDEX series_date ON series(date);"
	"CREATE INDEX series_thread ON series(thread);"
	"CREATE TABLE contributor(email TEXT PRIMARY KEY COLLATE NOCASE, name TEXT,"
	" date INTEGER NOT NULL, message_id TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE domain(domain TEXT PRIMARY KEY COLLATE NOCASE, date INTEGER NOT NULL,"
	" message_id TEXT NOT NULL) WITHOUT ROWID;"
	/* issue 14's code commits and applied refs: see applied.h */
	"CREATE TABLE code(id INTEGER PRIMARY KEY, commit_id BLOB NOT NULL UNIQUE,"
	" patch_id BLOB, email TEXT NOT NULL COLLATE NOCASE, subject_key TEXT NOT NULL,"
	" date INTEGER NOT NULL);"
	"CREATE INDEX code_patch_id ON code(patch_id) WHERE patch_id IS NOT NULL;"
	"CREATE INDEX code_subject_key ON code(subject_key);"
	"CREATE TABLE applied_ref(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" tip BLOB, bound INTEGER);"
	"CREATE TABLE code_ref(code INTEGER NOT NULL, ref INTEGER NOT NULL,"
	" PRIMARY KEY(code, ref)) WITHOUT ROWID;";

/*
 * The mail table's other indexes.  A run that fills an empty table
 * creates them once it has written every mail (ensure_indexes()):
 * sorting 100,000 rows once is cheaper than keeping five B-trees in
 * order while rows arrive in random order of these keys.
 */
static const char mail_indexes[] =
	"CREATE INDEX IF NOT EXISTS mail_thread ON mail(thread);"
	"CREATE INDEX IF NOT EXISTS mail_patch_id ON mail(patch_id) WHERE patch_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS mail_patch_date ON mail(date) WHERE patch_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS mail_subject_hash ON mail(subject_hash)"
	" WHERE subject_hash IS NOT NULL;";
/* Created after the series pass, which writes nearly every mail's row. */
static const char mail_series_index[] =
	"CREATE INDEX IF NOT EXISTS member_series ON member(series);";

static const char drop[] =
	"DROP TABLE IF EXISTS archive; DROP TABLE IF EXISTS mail; DROP TABLE IF EXISTS series;"
	"DROP TABLE IF EXISTS member;"
	"DROP TABLE IF EXISTS contributor; DROP TABLE IF EXISTS domain;"
	"DROP TABLE IF EXISTS code; DROP TABLE IF EXISTS applied_ref;"
	"DROP TABLE IF EXISTS code_ref;";

/* This run's own tables: gone with the connection. */
static const char temp_tables[] =
	"CREATE TEMP TABLE touched(thread INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE want(thread INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE more(thread INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE ignore_from(email TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID;";

enum stmt {
	ADD_MAIL,
	ADD_TOUCHED,
	ADD_CONTRIBUTOR,
	ADD_DOMAIN,
	FIND_MAIL,
	ADD_WANT,
	NSTMT
};

static const char *const stmt_sql[NSTMT] = {
	[ADD_MAIL] =
		"INSERT INTO mail(message_id, commit_id, blob, archive, date, name, email,"
		" sender_email, subject, kind, version, number, total, tag_end, in_reply_to,"
		" root, change_id, trailers, links, thread, patch_id, subject_hash)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19, ?20, ?21, ?22)"
		" ON CONFLICT(message_id) DO UPDATE SET commit_id = excluded.commit_id,"
		" blob = excluded.blob, archive = excluded.archive, date = excluded.date,"
		" name = excluded.name, email = excluded.email,"
		" sender_email = excluded.sender_email, subject = excluded.subject,"
		" kind = excluded.kind, version = excluded.version, number = excluded.number,"
		" total = excluded.total, tag_end = excluded.tag_end,"
		" in_reply_to = excluded.in_reply_to, root = excluded.root,"
		" thread = excluded.thread,"
		" change_id = excluded.change_id, trailers = excluded.trailers,"
		" links = excluded.links, patch_id = excluded.patch_id,"
		" subject_hash = excluded.subject_hash"
		" WHERE excluded.commit_id < mail.commit_id",
	[ADD_TOUCHED] = "INSERT OR IGNORE INTO temp.touched(thread) VALUES(?1)",
	[ADD_CONTRIBUTOR] =
		"INSERT INTO contributor(email, name, date, message_id) VALUES(?1, ?2, ?3, ?4)"
		" ON CONFLICT(email) DO UPDATE SET name = excluded.name, date = excluded.date,"
		" message_id = excluded.message_id"
		" WHERE (excluded.date, excluded.message_id) < (contributor.date, contributor.message_id)",
	[ADD_DOMAIN] =
		"INSERT INTO domain(domain, date, message_id) VALUES(?1, ?2, ?3)"
		" ON CONFLICT(domain) DO UPDATE SET date = excluded.date,"
		" message_id = excluded.message_id"
		" WHERE (excluded.date, excluded.message_id) < (domain.date, domain.message_id)",
	[FIND_MAIL] = "SELECT thread FROM mail WHERE message_id = ?1",
	[ADD_WANT] = "INSERT OR IGNORE INTO temp.want(thread) VALUES(?1)",
};

/*
 * SQLite's page cache (negative: KiB).  A run that writes many mails
 * (a whole history) gets the large one after CACHE_GROW_AFTER of them,
 * so that it writes each page to the WAL once rather than again and
 * again; a digest, which reads and writes a few pages, keeps the small
 * one, so that its memory does not grow with the range it reads.
 */
#define CACHE_SMALL "-4096"
#define CACHE_LARGE "-65536"
#define CACHE_GROW_AFTER 1000
/*
 * A run that wrote nothing (a digest of an indexed range) only reads
 * when it loads: each page about once.  The page cache's size also
 * bounds the load's sorter before it spills to a file.
 */
#define CACHE_READ "-1024"

struct kvmd_index {
	sqlite3 *db;
	int in_transaction;
	size_t added;           /* kvmd_index_add() calls, for the cache's size */
	sqlite3_int64 archive;  /* the current archive's id, 0 for none */
	sqlite3_stmt *stmt[NSTMT];
	struct kvmd_buf pack;   /* scratch for packed columns */
	struct kvmd_buf pack2;
	struct kvmd_buf key;    /* scratch for a subject key */
	int deferred;           /* mail_indexes not created yet (ensure_indexes()) */
	/*
	 * Every mail is in tables this run created: no temp.touched, every
	 * thread is new to the series pass.  Until that pass is over.
	 */
	int all_new;
	int wal_later;          /* a new file: WAL once the first run commits */
	int timeout_ms;
	/*
	 * The earliest mail of each address and of each domain this run
	 * added, by the address (domain) with ASCII case ignored, as SQLite's
	 * NOCASE compares: struct first_seen, written by flush_first_seen().
	 */
	GHashTable *contributors, *domains;
	/*
	 * The digested range's mails, by Message-ID: struct mark.  In
	 * memory rather than in a table: a thousand rows written under the
	 * scan's lock, then joined, cost more than the hash lookups.
	 */
	GHashTable *range;
	/* kvmd_index_load(): the range's mails read so far, and the newest's date (the index's) */
	size_t range_loaded;
	sqlite3_int64 range_newest;
};

/* A mail of the range (kvmd_index_mark(), kvmd_index_mark_mail(), kvmd_index_add()). */
struct mark {
	sqlite3_int64 thread;        /* as the scan parsed it, or looked up */
	int known;                   /* `thread` is set */
	int loaded;                  /* kvmd_index_load() read it from its thread */
};

struct first_seen {
	char *key;              /* the address or domain as first written */
	char *name;
	int64_t date;
	char *message_id;
};

static void first_seen_free(gpointer p)
{
	struct first_seen *f = p;

	free(f->key);
	free(f->name);
	free(f->message_id);
	free(f);
}

/* The tables' keys compared as SQLite's NOCASE does: ASCII letters folded. */
static guint nocase_hash(gconstpointer key)
{
	const unsigned char *p = key;
	guint h = 5381;

	for (; *p; p++)
		h = h * 33 + (guint)g_ascii_tolower(*p);
	return h;
}

static gboolean nocase_equal(gconstpointer a, gconstpointer b)
{
	return !g_ascii_strcasecmp(a, b);
}

/* Keeps the earlier of what `table` holds for `key` and this mail, as the SQL upsert does. */
static void first_seen_add(GHashTable *table, const char *key, const char *name, int64_t date,
			   const char *message_id)
{
	struct first_seen *f = g_hash_table_lookup(table, key);

	if (f && (date > f->date || (date == f->date && strcmp(message_id, f->message_id) >= 0)))
		return;
	if (!f) {
		f = kvmd_xcalloc(1, sizeof(*f));
		f->key = kvmd_xstrdup(key);
		g_hash_table_insert(table, f->key, f);
	} else {
		free(f->name);
		free(f->message_id);
	}
	f->name = name ? kvmd_xstrdup(name) : NULL;
	f->date = date;
	f->message_id = kvmd_xstrdup(message_id);
}

void kvmd_index_path(struct kvmd_buf *out, git_repository *repo)
{
	const char *dir = git_repository_commondir(repo);

	kvmd_buf_addf(out, "%s%skvmdigest/index.sqlite3", dir,
		      *dir && dir[strlen(dir) - 1] != '/' ? "/" : "");
}

int kvmd_index_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

int kvmd_index_remove(const char *path, struct kvmd_buf *err)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	struct kvmd_buf p = KVMD_BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		kvmd_buf_reset(&p);
		kvmd_buf_addf(&p, "%s%s", path, suffix[i]);
		if (unlink(p.ptr) < 0 && errno != ENOENT && !ret) {
			kvmd_buf_addf(err, "cannot remove '%s': %s", p.ptr, strerror(errno));
			ret = -1;
		}
	}
	kvmd_buf_release(&p);
	return ret;
}

int kvmd_index_db_error(sqlite3 *db, int rc, const char *what, struct kvmd_buf *err)
{
	int code = rc & 0xff;

	kvmd_buf_addf(err, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return KVMD_INDEX_CORRUPT;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return KVMD_INDEX_BUSY;
	return -1;
}

int kvmd_index_exec(struct kvmd_index *ix, const char *sql, const char *what,
		    struct kvmd_buf *err)
{
	int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : kvmd_index_db_error(ix->db, rc, what, err);
}

int kvmd_index_prepare(sqlite3_stmt **out, struct kvmd_index *ix, const char *sql,
		       struct kvmd_buf *err)
{
	int rc = sqlite3_prepare_v2(ix->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0 : kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
}

int kvmd_index_step_done(sqlite3_stmt *st, struct kvmd_index *ix, const char *what,
			 struct kvmd_buf *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : kvmd_index_db_error(ix->db, rc, what, err);
}

/* This file's short names for them. */
#define exec(ix, sql, what, err) kvmd_index_exec(ix, sql, what, err)
#define prepare(out, ix, sql, err) kvmd_index_prepare(out, ix, sql, err)
#define step_done(st, ix, what, err) kvmd_index_step_done(st, ix, what, err)

/* An integer the query returns in its first row's first column; 0 when none. */
static int query_int(sqlite3_int64 *out, struct kvmd_index *ix, const char *sql,
		     struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	*out = 0;
	if ((ret = prepare(&st, ix, sql, err)) < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
	sqlite3_finalize(st);
	return ret;
}

/* Creates the tables, or empties and recreates them for another schema. */
static int setup_schema(struct kvmd_index *ix, int rebuild, int *rebuilt, struct kvmd_buf *err)
{
	struct kvmd_buf sql = KVMD_BUF_INIT;
	sqlite3_int64 version, tables;
	int ret;

	if ((ret = query_int(&version, ix, "PRAGMA user_version", err)) < 0 ||
	    (ret = query_int(&tables, ix, "SELECT count(*) FROM sqlite_master", err)) < 0)
		return ret;
	if (version == KVMD_INDEX_SCHEMA && tables && !rebuild)
		return 0;
	if (tables)
		*rebuilt = 1;
	kvmd_buf_addf(&sql, "%s%sPRAGMA user_version = %d;", drop, schema, KVMD_INDEX_SCHEMA);
	ret = exec(ix, sql.ptr, "cannot create the index", err);
	ix->deferred = ix->all_new = !ret;
	kvmd_buf_release(&sql);
	return ret;
}

/* kvmd_in_range(message_id): whether the mail is one of the digested range's. */
static void in_range_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct kvmd_index *ix = sqlite3_user_data(ctx);
	const char *id = (const char *)sqlite3_value_text(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, id && g_hash_table_contains(ix->range, id));
}

int kvmd_index_begin(struct kvmd_index **out, const char *path, int timeout_ms,
		     int rebuild, int *rebuilt, struct kvmd_buf *err)
{
	struct kvmd_index *ix = kvmd_xcalloc(1, sizeof(*ix));
	struct kvmd_buf dir = KVMD_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int rc, ret = -1, was_rebuilt = 0, new_file;
	struct stat st;
	size_t i;

	*out = NULL;
	kvmd_buf_init(&ix->pack);
	kvmd_buf_init(&ix->pack2);
	kvmd_buf_init(&ix->key);
	/* keyed by the entries' own `key` */
	ix->contributors = g_hash_table_new_full(nocase_hash, nocase_equal, NULL, first_seen_free);
	ix->domains = g_hash_table_new_full(nocase_hash, nocase_equal, NULL, first_seen_free);
	ix->range = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	if (slash) {
		kvmd_buf_add(&dir, path, (size_t)(slash - path));
		if (mkdir(dir.ptr, 0777) < 0 && errno != EEXIST) {
			kvmd_buf_addf(err, "cannot create '%s': %s", dir.ptr, strerror(errno));
			goto cleanup;
		}
	}
	new_file = stat(path, &st) < 0 ? errno == ENOENT : st.st_size == 0;
	/*
	 * No mutex of its own: one thread at a time uses the connection (the
	 * scan calls kvmd_index_add() under its report lock), see index.h.
	 */
	rc = sqlite3_open_v2(path, &ix->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ret = kvmd_index_db_error(ix->db, rc, "cannot open the index", err);
		goto cleanup;
	}
	kvmd_index_set_timeout(ix, timeout_ms);
	/* for the statements only, never for a view or trigger a file holds */
	rc = sqlite3_create_function_v2(ix->db, "kvmd_in_range", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
					ix, in_range_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		ret = kvmd_index_db_error(ix->db, rc, "cannot open the index", err);
		goto cleanup;
	}
	/*
	 * WAL: readers do not wait for the writer.  Setting it writes the
	 * file's header, so a file that is not a database fails here.  A
	 * read-only file stays in its mode; the first write says so.
	 *
	 * Except in a new file, which its first run fills in the rollback
	 * mode: pages past a file's end need no journal, so each is
	 * written once, where WAL writes it to the log and copies it into
	 * the file at the checkpoint (the whole archive's 60 MB, twice).
	 * kvmd_index_commit() then turns WAL on.
	 */
	ix->wal_later = new_file;
	if ((!new_file &&
	     (ret = exec(ix, "PRAGMA journal_mode = WAL", "cannot open the index", err)) < 0) ||
	    /*
	     * A small page cache to start with: a digest reads a few
	     * threads' pages once each, and what it keeps of them would
	     * grow with the range (kvmd_index_add() makes it large for a
	     * run that writes many mails).  No fsync: after a crash that
	     * loses a run, the file is either whole (the run is lost: its
	     * tip was not recorded) or not a database any more (built
	     * again).
	     */
	    (ret = exec(ix, "PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;"
			" PRAGMA cache_size = " CACHE_SMALL,
			"cannot open the index", err)) < 0 ||
	    (ret = exec(ix, "BEGIN IMMEDIATE", "cannot lock the index", err)) < 0)
		goto cleanup;
	ix->in_transaction = 1;
	if ((ret = setup_schema(ix, rebuild, &was_rebuilt, err)) < 0 ||
	    (ret = exec(ix, temp_tables, "cannot start the run", err)) < 0)
		goto cleanup;
	for (i = 0; i < NSTMT; i++)
		if ((ret = prepare(&ix->stmt[i], ix, stmt_sql[i], err)) < 0)
			goto cleanup;
	*out = ix;
	ix = NULL;
	ret = 0;

cleanup:
	if (rebuilt)
		*rebuilt = was_rebuilt;
	kvmd_index_free(ix);
	kvmd_buf_release(&dir);
	return ret;
}

void kvmd_index_set_timeout(struct kvmd_index *ix, int timeout_ms)
{
	ix->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	sqlite3_busy_timeout(ix->db, ix->timeout_ms);
}

void kvmd_index_free(struct kvmd_index *ix)
{
	size_t i;

	if (!ix)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(ix->stmt[i]);
	if (ix->in_transaction)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(ix->db);
	kvmd_buf_release(&ix->pack);
	kvmd_buf_release(&ix->pack2);
	kvmd_buf_release(&ix->key);
	g_hash_table_destroy(ix->contributors);
	g_hash_table_destroy(ix->domains);
	g_hash_table_destroy(ix->range);
	free(ix);
}

int kvmd_index_archive(struct kvmd_index *ix, const char *name, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	/* looked up first: a digest of an indexed range then writes nothing */
	if ((ret = prepare(&st, ix, "SELECT id FROM archive WHERE name = ?1", err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ix->archive = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
	/* not there: this run's write lock keeps anyone else from adding it */
	if ((ret = prepare(&st, ix, "INSERT INTO archive(name) VALUES(?1) RETURNING id", err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ix->archive = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	ret = rc == SQLITE_DONE ? 0 : kvmd_index_db_error(ix->db, rc, "cannot write the index", err);
	sqlite3_finalize(st);
	return ret;
}

/* Appends `s` as a netstring (NULL as `~,`). */
static void pack_str(struct kvmd_buf *out, const char *s)
{
	char digits[24], *d = digits + sizeof(digits);
	size_t len, n;

	if (!s) {
		kvmd_buf_adds(out, "~,");
		return;
	}
	/* not kvmd_buf_addf(): a printf per trailer field was 1.5% of an index build */
	len = n = strlen(s);
	*--d = ':';
	do
		*--d = (char)('0' + n % 10);
	while ((n /= 10));
	kvmd_buf_add(out, d, (size_t)(digits + sizeof(digits) - d));
	kvmd_buf_add(out, s, len);
	kvmd_buf_addch(out, ',');
}

/*
 * Reads the next netstring of `*p` (up to `end`) into `*s`/`*len`; `*s`
 * NULL for `~,`.  0, or -1 at the end or on a damaged column.
 */
static int unpack_str(const char **s, size_t *len, const char **p, const char *end)
{
	const char *q = *p;
	size_t n = 0;

	if (q >= end)
		return -1;
	if (*q == '~') {
		if (q + 1 >= end || q[1] != ',')
			return -1;
		*s = NULL;
		*len = 0;
		*p = q + 2;
		return 0;
	}
	while (q < end && *q >= '0' && *q <= '9' && n < ((size_t)1 << 40))
		n = n * 10 + (size_t)(*q++ - '0');
	if (q >= end || *q != ':' || (size_t)(end - q - 1) < n + 1 || q[1 + n] != ',')
		return -1;
	*s = q + 1;
	*len = n;
	*p = q + n + 2;
	return 0;
}

/* FNV-1a, 64 bits. */
static sqlite3_int64 hash64(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (sqlite3_int64)h;
}

/* The `thread` of a root Message-ID. */
static sqlite3_int64 thread_of(const char *root)
{
	return hash64(root);
}

int64_t kvmd_index_subject_hash(const char *key)
{
	return hash64(key);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int bind_oid(sqlite3_stmt *st, int i, const char *hex, struct kvmd_buf *err)
{
	git_oid id;

	if (git_oid_fromstrn(&id, hex, GIT_OID_HEXSZ) < 0) {
		kvmd_buf_addf(err, "not an object id: '%s'", hex);
		return -1;
	}
	sqlite3_bind_blob(st, i, id.id, GIT_OID_RAWSZ, SQLITE_TRANSIENT);
	return 0;
}

/* Records a mail of the range; a Message-ID marked twice keeps the first. */
static void mark_put(struct kvmd_index *ix, const char *message_id, sqlite3_int64 thread,
		     int known)
{
	struct mark *k;

	if (!message_id || g_hash_table_contains(ix->range, message_id))
		return;
	k = kvmd_xcalloc(1, sizeof(*k));
	k->thread = thread;
	k->known = known;
	g_hash_table_insert(ix->range, kvmd_xstrdup(message_id), k);
}

int kvmd_index_add(struct kvmd_index *ix, const char *commit, const char *blob,
		   const struct kvmd_status_msg *m, struct kvmd_buf *err)
{
	sqlite3_stmt *st = ix->stmt[ADD_MAIL];
	const char *what = "cannot write the index";
	const char *root = m->root ? m->root : m->message_id, *at;
	sqlite3_int64 thread = thread_of(root);
	size_t i;
	int ret;

	if (++ix->added == CACHE_GROW_AFTER &&
	    (ret = exec(ix, "PRAGMA cache_size = " CACHE_LARGE, what, err)) < 0)
		return ret;
	kvmd_buf_reset(&ix->pack);
	for (i = 0; i < m->ntrailers; i++) {
		pack_str(&ix->pack, m->trailers[i].key);
		pack_str(&ix->pack, m->trailers[i].name);
		pack_str(&ix->pack, m->trailers[i].email);
	}
	kvmd_buf_reset(&ix->pack2);
	for (i = 0; i < m->nlinks; i++)
		pack_str(&ix->pack2, m->links[i]);

	bind_text(st, 1, m->message_id);
	if (bind_oid(st, 2, commit, err) < 0 || bind_oid(st, 3, blob, err) < 0) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (ix->archive)
		sqlite3_bind_int64(st, 4, ix->archive);
	sqlite3_bind_int64(st, 5, m->date);
	bind_text(st, 6, m->name);
	bind_text(st, 7, m->email ? m->email : "");
	if (m->sender_email && (!m->email || strcmp(m->sender_email, m->email)))
		bind_text(st, 8, m->sender_email);
	bind_text(st, 9, m->subject ? m->subject : "");
	sqlite3_bind_int(st, 10, (int)m->tag.kind);
	sqlite3_bind_int(st, 11, m->tag.version);
	sqlite3_bind_int(st, 12, m->tag.number);
	sqlite3_bind_int(st, 13, m->tag.total);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)m->tag.tag_end);
	bind_text(st, 15, m->in_reply_to);
	if (strcmp(root, m->in_reply_to ? m->in_reply_to : m->message_id))
		bind_text(st, 16, root);
	sqlite3_bind_int64(st, 20, thread);
	bind_text(st, 17, m->change_id);
	if (m->ntrailers)
		sqlite3_bind_blob(st, 18, ix->pack.ptr, (int)ix->pack.len, SQLITE_STATIC);
	if (m->nlinks)
		sqlite3_bind_blob(st, 19, ix->pack2.ptr, (int)ix->pack2.len, SQLITE_STATIC);
	if (m->has_patch_id)
		sqlite3_bind_blob(st, 21, m->patch_id, GIT_OID_RAWSZ, SQLITE_STATIC);
	/* what a commit's subject is looked up by (applied.h): patches only */
	if (m->tag.kind == KVMD_KIND_PATCH && m->tag.number != 0) {
		kvmd_status_subject_key(&ix->key, m->subject ? m->subject : "");
		sqlite3_bind_int64(st, 22, kvmd_index_subject_hash(ix->key.ptr));
	}
	if ((ret = step_done(st, ix, what, err)) < 0)
		return ret;

	/* in a table this run created, every thread is new */
	if (!ix->all_new) {
		st = ix->stmt[ADD_TOUCHED];
		sqlite3_bind_int64(st, 1, thread);
		if ((ret = step_done(st, ix, what, err)) < 0)
			return ret;
	}
	if (m->in_range)
		mark_put(ix, m->message_id, thread, 1);
	if (!m->email || !*m->email)
		return 0;
	first_seen_add(ix->contributors, m->email, m->name, m->date, m->message_id);
	at = strrchr(m->email, '@');
	if (at && at[1])
		first_seen_add(ix->domains, at + 1, NULL, m->date, m->message_id);
	return 0;
}

/* Writes what first_seen_add() kept, through `st` (ADD_CONTRIBUTOR or ADD_DOMAIN). */
static int flush_table(struct kvmd_index *ix, GHashTable *table, sqlite3_stmt *st,
		       int with_name, struct kvmd_buf *err)
{
	GHashTableIter it;
	gpointer value;
	int ret = 0, i;

	g_hash_table_iter_init(&it, table);
	while (!ret && g_hash_table_iter_next(&it, NULL, &value)) {
		struct first_seen *f = value;

		i = 1;
		bind_text(st, i++, f->key);
		if (with_name)
			bind_text(st, i++, f->name);
		sqlite3_bind_int64(st, i++, f->date);
		bind_text(st, i, f->message_id);
		ret = step_done(st, ix, "cannot write the index", err);
	}
	g_hash_table_remove_all(table);
	return ret;
}

/* The first mails of the contributors and domains kvmd_index_add() saw, into their tables. */
static int flush_first_seen(struct kvmd_index *ix, struct kvmd_buf *err)
{
	int ret = flush_table(ix, ix->contributors, ix->stmt[ADD_CONTRIBUTOR], 1, err);

	return ret ? ret : flush_table(ix, ix->domains, ix->stmt[ADD_DOMAIN], 0, err);
}

/* The mail table's indexes, when this run created the table (ix->deferred). */
static int ensure_indexes(struct kvmd_index *ix, struct kvmd_buf *err)
{
	int ret;

	if (!ix->deferred)
		return 0;
	if ((ret = exec(ix, mail_indexes, "cannot write the index", err)) < 0 ||
	    (ret = exec(ix, mail_series_index, "cannot write the index", err)) < 0)
		return ret;
	ix->deferred = 0;
	return 0;
}

int kvmd_index_commit(struct kvmd_index *ix, struct kvmd_buf *err)
{
	int ret;

	if ((ret = flush_first_seen(ix, err)) < 0 || (ret = ensure_indexes(ix, err)) < 0 ||
	    (ret = exec(ix, "COMMIT", "cannot write the index", err)) < 0)
		return ret;
	ix->in_transaction = 0;
	/*
	 * Not waiting for others who opened the new file meanwhile: if one
	 * holds it, the next run's kvmd_index_begin() turns WAL on.
	 */
	if (ix->wal_later) {
		sqlite3_busy_timeout(ix->db, 0);
		sqlite3_exec(ix->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		sqlite3_busy_timeout(ix->db, ix->timeout_ms);
		ix->wal_later = 0;
	}
	return 0;
}

/* Reads a 20-byte id column; 0, or -1 when the column is not one. */
static int column_oid(git_oid *out, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB || sqlite3_column_bytes(st, i) != GIT_OID_RAWSZ)
		return -1;
	git_oid_fromraw(out, sqlite3_column_blob(st, i));
	return 0;
}

int kvmd_index_start(git_oid *from, int *covered, struct kvmd_index *ix,
		     git_repository *repo, const git_oid *new, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	git_oid *tips = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret, found = 0;

	if (covered)
		*covered = 0;
	/* the current archive's tip first: what a later run of one archive finds */
	if ((ret = prepare(&st, ix, "SELECT tip FROM archive WHERE tip IS NOT NULL"
			   " ORDER BY id = ?1 DESC, id", err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, ix->archive);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		KVMD_ALLOC_GROW(tips, n + 1, alloc);
		if (column_oid(&tips[n], st, 0) == 0)
			n++;
	}
	if (rc != SQLITE_DONE) {
		ret = kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
		goto cleanup;
	}
	/* equal ids cost nothing to find; a walk between histories can cost a lot */
	for (i = 0; i < n && !found; i++)
		if (git_oid_equal(&tips[i], new)) {
			git_oid_cpy(from, &tips[i]);
			found = 1;
		}
	for (i = 0; i < n && !found; i++) {
		rc = git_graph_descendant_of(repo, new, &tips[i]);
		if (rc > 0) {
			git_oid_cpy(from, &tips[i]);
			found = 1;
		} else if (rc == 0 && covered && !*covered) {
			*covered = git_graph_descendant_of(repo, &tips[i], new) > 0;
		}
		git_error_clear();
	}
	ret = found;

cleanup:
	sqlite3_finalize(st);
	free(tips);
	return ret;
}

int kvmd_index_has_tip(struct kvmd_index *ix, const git_oid *tip, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = prepare(&st, ix, "SELECT 1 FROM archive WHERE tip = ?1", err)) < 0)
		return ret;
	sqlite3_bind_blob(st, 1, tip->id, GIT_OID_RAWSZ, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 :
		kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
	sqlite3_finalize(st);
	return ret;
}

int kvmd_index_mark(struct kvmd_index *ix, const char *message_id, struct kvmd_buf *err)
{
	(void)err;
	mark_put(ix, message_id, 0, 0);
	return 0;
}

int kvmd_index_mark_mail(struct kvmd_index *ix, const struct kvmd_status_msg *m,
			 struct kvmd_buf *err)
{
	(void)err;
	mark_put(ix, m->message_id, thread_of(m->root ? m->root : m->message_id), 1);
	return 0;
}

int kvmd_index_set_tip(struct kvmd_index *ix, const git_oid *tip, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = prepare(&st, ix, "UPDATE archive SET tip = ?1 WHERE id = ?2", err)) < 0)
		return ret;
	sqlite3_bind_blob(st, 1, tip->id, GIT_OID_RAWSZ, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, ix->archive);
	ret = step_done(st, ix, "cannot write the index", err);
	sqlite3_finalize(st);
	return ret;
}

struct sqlite3 *kvmd_index_db(struct kvmd_index *ix)
{
	struct kvmd_buf ignored = KVMD_BUF_INIT;

	/*
	 * The other modules read the mail table by its indexes.  A failure
	 * here leaves ix->deferred set: kvmd_index_commit() tries again and
	 * reports it.
	 */
	ensure_indexes(ix, &ignored);
	kvmd_buf_release(&ignored);
	return ix->db;
}

int kvmd_index_count(size_t *out, struct kvmd_index *ix, struct kvmd_buf *err)
{
	sqlite3_int64 n;
	int ret = query_int(&n, ix, "SELECT count(*) FROM mail", err);

	*out = ret < 0 ? 0 : (size_t)n;
	return ret;
}

/* ------------------------------------------------------------ messages -- */

/* The columns every message query returns, in this order. */
#define MSG_COLUMNS \
	"m.message_id, m.date, m.name, m.email, coalesce(m.sender_email, m.email), m.subject," \
	" m.kind, m.version, m.number, m.total, m.tag_end, m.in_reply_to," \
	" coalesce(m.root, m.in_reply_to, m.message_id), m.change_id, m.trailers, m.links," \
	" m.thread, m.id"
/*
 * The series pass's: what decides a mail's series (kvmd_status_starts_series()
 * reads the tag alone), and the series it was in so far (NULL for none).
 * What a series row needs of its start is read for the starts only
 * (START_COLUMNS): a twentieth of the mails.
 */
#define PASS_COLUMNS \
	"m.id, m.thread, m.message_id, m.in_reply_to, m.kind, m.version, m.number, m.total," \
	" m.tag_end, s.series"
#define PASS_FROM " FROM mail m LEFT JOIN member s ON s.id = m.id"
#define START_COLUMNS \
	"m.email, coalesce(m.sender_email, m.email), m.subject, m.date, m.change_id"

/* A row of PASS_COLUMNS, with storage of its own. */
struct row {
	struct kvmd_status_msg m; /* message_id, in_reply_to (in `ids`) and tag */
	char *ids;
	sqlite3_int64 series;  /* 0 for none */
	sqlite3_int64 thread;
	sqlite3_int64 id;
	int state;             /* 0 not yet, 1 working out, 2 done */
	sqlite3_int64 result;  /* its series, 0 for none */
};

static void row_release(struct row *r)
{
	free(r->ids);
	memset(r, 0, sizeof(*r));
}

/* Reads a row of PASS_COLUMNS: one allocation, for both ids. */
static void row_read(struct row *r, sqlite3_stmt *st)
{
	const unsigned char *id = sqlite3_column_text(st, 2);
	const unsigned char *irt = sqlite3_column_text(st, 3);
	size_t n = id ? (size_t)sqlite3_column_bytes(st, 2) : 0;
	size_t k = irt ? (size_t)sqlite3_column_bytes(st, 3) : 0;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->thread = sqlite3_column_int64(st, 1);
	r->ids = kvmd_xmalloc(n + k + 2);
	memcpy(r->ids, id ? (const char *)id : "", n);
	r->ids[n] = '\0';
	r->m.message_id = r->ids;
	if (irt) {
		memcpy(r->ids + n + 1, irt, k);
		r->ids[n + 1 + k] = '\0';
		r->m.in_reply_to = r->ids + n + 1;
	}
	r->m.tag.kind = (enum kvmd_kind)sqlite3_column_int(st, 4);
	r->m.tag.version = sqlite3_column_int(st, 5);
	r->m.tag.number = sqlite3_column_int(st, 6);
	r->m.tag.total = sqlite3_column_int(st, 7);
	r->m.tag.tag_end = (size_t)sqlite3_column_int64(st, 8);
	r->series = sqlite3_column_int64(st, 9);
}

/*
 * A row of MSG_COLUMNS for kvmd_status_add(), which copies what it
 * keeps: the strings borrowed from the statement's row, the packed
 * columns copied into `scratch` with each string's closing comma made
 * its NUL.  Valid until the next step of the statement or the next
 * call.  A trailer's `value` is left NULL: the model reads the key and
 * the identity only.  A damaged packed column is cut where it is.
 */
struct borrowed {
	struct kvmd_status_msg m;
	struct kvmd_buf scratch;
	struct kvmd_trailer *trailers;
	size_t atrailers;
	const char **links;
	size_t alinks;
};

static const char *column_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Unpacks the netstrings of column `i` in `b->scratch` (from `at` on); their count. */
static size_t borrow_packed(struct borrowed *b, sqlite3_stmt *st, int i, size_t at)
{
	const char *p, *end, *s;
	size_t len, n = 0;

	kvmd_buf_truncate(&b->scratch, at);
	if (sqlite3_column_type(st, i) != SQLITE_BLOB || !sqlite3_column_bytes(st, i))
		return 0;
	kvmd_buf_add(&b->scratch, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
	p = b->scratch.ptr + at;
	end = b->scratch.ptr + b->scratch.len;
	while (p < end && unpack_str(&s, &len, &p, end) == 0) {
		if (s)
			((char *)s)[len] = '\0'; /* the comma */
		n++;
	}
	return n;
}

/* The netstring at `*p`, which borrow_packed() checked, and `*p` past it: NULL for `~,`. */
static const char *borrowed_next(const char **p)
{
	const char *s = *p;
	size_t len = 0;

	if (*s == '~') {
		*p = s + 2;
		return NULL;
	}
	while (*s >= '0' && *s <= '9')
		len = len * 10 + (size_t)(*s++ - '0');
	*p = s + 1 + len + 1;
	return s + 1;
}

static void row_borrow(struct borrowed *b, sqlite3_stmt *st)
{
	struct kvmd_status_msg *m = &b->m;
	const char *p;
	size_t n, nlinks, i, links_at;

	memset(m, 0, sizeof(*m));
	m->message_id = column_str(st, 0);
	m->date = sqlite3_column_int64(st, 1);
	m->name = column_str(st, 2);
	m->email = column_str(st, 3);
	m->sender_email = column_str(st, 4);
	m->subject = column_str(st, 5);
	m->tag.kind = (enum kvmd_kind)sqlite3_column_int(st, 6);
	m->tag.version = sqlite3_column_int(st, 7);
	m->tag.number = sqlite3_column_int(st, 8);
	m->tag.total = sqlite3_column_int(st, 9);
	m->tag.tag_end = (size_t)sqlite3_column_int64(st, 10);
	m->in_reply_to = column_str(st, 11);
	m->root = column_str(st, 12);
	m->change_id = column_str(st, 13);

	/* both columns first: the second may move the scratch buffer */
	kvmd_buf_reset(&b->scratch);
	n = borrow_packed(b, st, 14, 0) / 3; /* key, name, address */
	links_at = b->scratch.len;
	nlinks = borrow_packed(b, st, 15, links_at);
	KVMD_ALLOC_GROW(b->trailers, n, b->atrailers);
	for (p = b->scratch.ptr, i = 0; i < n; i++) {
		struct kvmd_trailer *t = &b->trailers[m->ntrailers];

		t->key = (char *)borrowed_next(&p);
		t->name = (char *)borrowed_next(&p);
		t->email = (char *)borrowed_next(&p);
		t->value = NULL;
		if (t->key && t->email)
			m->ntrailers++;
	}
	m->trailers = b->trailers;

	KVMD_ALLOC_GROW(b->links, nlinks, b->alinks);
	for (p = b->scratch.ptr + links_at, i = 0; i < nlinks; i++)
		if ((b->links[m->nlinks] = borrowed_next(&p)))
			m->nlinks++;
	m->links = b->links;
}

/* -------------------------------------------------------------- series -- */

/* One thread's rows while its series are worked out. */
struct group {
	struct row *v;
	size_t nr, alloc;
	size_t *by_id;         /* indexes into v, by Message-ID */
	struct row *outside;   /* parents in other threads, looked up one by one */
	size_t nout, outalloc;
};

static struct group *sort_group; /* qsort() has no context argument */

static int cmp_by_id(const void *a, const void *b)
{
	return strcmp(sort_group->v[*(const size_t *)a].m.message_id,
		      sort_group->v[*(const size_t *)b].m.message_id);
}

static struct row *group_find(struct group *g, const char *id)
{
	size_t lo = 0, hi = g->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, g->v[g->by_id[mid]].m.message_id);

		if (!c)
			return &g->v[g->by_id[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A mail whose series changed: written once the pass is over, by id. */
struct member_change {
	gint64 id, series; /* series 0: none; gint64 for g_int64_hash() */
};

struct series_pass {
	struct kvmd_index *ix;
	sqlite3_stmt *parent;  /* a mail by Message-ID */
	sqlite3_stmt *detail;  /* START_COLUMNS of a mail by id */
	sqlite3_stmt *start;   /* INSERT INTO series */
	/*
	 * Id -> struct member_change, keyed by its own id: written when the
	 * threads are done, in id order (the rows of member then go in one
	 * after the other; in thread order each went somewhere else in the
	 * B-tree).  Until then it is where a mail whose parent is in another
	 * thread finds the series this pass gave that parent.
	 */
	GHashTable *changed;
	struct kvmd_buf key;
	struct kvmd_buf *err;
	int ret;
};

/* The parent of `r`: in the thread, else looked up (0 found, 1 none, <0 failed). */
static int find_parent(struct row **out, int *outside, struct series_pass *sp,
		       struct group *g, struct row *r)
{
	sqlite3_stmt *st = sp->parent;
	size_t i;
	int rc;

	*out = NULL;
	*outside = 0;
	if (!r->m.in_reply_to)
		return 1;
	if ((*out = group_find(g, r->m.in_reply_to)))
		return 0;
	for (i = 0; i < g->nout; i++)
		if (!strcmp(g->outside[i].m.message_id, r->m.in_reply_to)) {
			*out = &g->outside[i];
			*outside = 1;
			return 0;
		}
	bind_text(st, 1, r->m.in_reply_to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		KVMD_ALLOC_GROW(g->outside, g->nout + 1, g->outalloc);
		row_read(&g->outside[g->nout], st);
		*out = &g->outside[g->nout++];
		*outside = 1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 :
		kvmd_index_db_error(sp->ix->db, rc, "cannot read the index", sp->err);
}

/*
 * The series of `parent`, a mail of another thread: what this pass found
 * when it did that thread already, else what the index holds.
 */
static sqlite3_int64 series_so_far(struct series_pass *sp, const struct row *parent)
{
	gint64 id = parent->id;
	const struct member_change *c = g_hash_table_lookup(sp->changed, &id);

	return c ? c->series : parent->series;
}

/* The series `r` belongs to: the id of the mail that starts it, 0 for none. */
static sqlite3_int64 series_of(struct series_pass *sp, struct group *g, struct row *r)
{
	struct row *parent;
	int outside, found;

	if (r->state == 2)
		return r->result;
	if (r->state == 1)
		return 0; /* In-Reply-To going round in a circle */
	r->state = 1;
	found = find_parent(&parent, &outside, sp, g, r);
	if (found < 0) {
		sp->ret = found;
		found = 1;
	}
	if (kvmd_status_starts_series(&r->m, found ? NULL : &parent->m))
		r->result = r->id;
	else if (!found && outside)
		r->result = series_so_far(sp, parent);
	else if (!found)
		r->result = series_of(sp, g, parent);
	r->state = 2;
	return r->result;
}

static void group_reset(struct group *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		row_release(&g->v[i]);
	for (i = 0; i < g->nout; i++)
		row_release(&g->outside[i]);
	g->nr = g->nout = 0;
}

/* The series row of `r`, which starts one. */
static int write_start(struct series_pass *sp, struct row *r)
{
	sqlite3_stmt *d = sp->detail, *st = sp->start;
	int rc;

	sqlite3_bind_int64(d, 1, r->id);
	rc = sqlite3_step(d);
	if (rc == SQLITE_DONE) {
		/* the row the pass just read: only a damaged file loses it */
		sqlite3_reset(d);
		kvmd_buf_addf(sp->err, "cannot read the index: mail %lld vanished", (long long)r->id);
		return KVMD_INDEX_CORRUPT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(d);
		return kvmd_index_db_error(sp->ix->db, rc, "cannot read the index", sp->err);
	}
	kvmd_status_subject_key(&sp->key, column_str(d, 2));
	sqlite3_bind_int64(st, 1, r->id);
	bind_text(st, 2, column_str(d, 0));
	bind_text(st, 3, column_str(d, 1));
	bind_text(st, 4, sp->key.ptr);
	sqlite3_bind_int(st, 5, r->m.tag.version);
	sqlite3_bind_int(st, 6, r->m.tag.total);
	sqlite3_bind_int64(st, 7, sqlite3_column_int64(d, 3));
	bind_text(st, 8, column_str(d, 4));
	sqlite3_bind_int64(st, 9, r->thread);
	rc = step_done(st, sp->ix, "cannot write the index", sp->err);
	sqlite3_reset(d);
	return rc;
}

/* Works out one thread's series; what changed is written after the pass. */
static int group_flush(struct series_pass *sp, struct group *g)
{
	size_t i;
	int ret = 0;

	free(g->by_id);
	g->by_id = kvmd_xcalloc(g->nr ? g->nr : 1, sizeof(*g->by_id));
	for (i = 0; i < g->nr; i++)
		g->by_id[i] = i;
	sort_group = g;
	qsort(g->by_id, g->nr, sizeof(*g->by_id), cmp_by_id);
	for (i = 0; i < g->nr && !ret; i++) {
		struct row *r = &g->v[i];
		sqlite3_int64 series = series_of(sp, g, r);

		if ((ret = sp->ret) < 0)
			break;
		if (series != r->series) {
			struct member_change *c = g_new(struct member_change, 1);

			c->id = r->id;
			c->series = series;
			g_hash_table_replace(sp->changed, &c->id, c);
		}
		if (series == r->id)
			ret = write_start(sp, r);
	}
	group_reset(g);
	return ret;
}

static int cmp_change(const void *a, const void *b)
{
	const struct member_change *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Writes the series that changed (sp->changed), in id order. */
static int write_changes(struct series_pass *sp)
{
	size_t n = g_hash_table_size(sp->changed), i = 0;
	struct member_change *v = kvmd_xcalloc(n ? n : 1, sizeof(*v));
	sqlite3_stmt *set = NULL, *unset = NULL;
	GHashTableIter it;
	gpointer value;
	int ret;

	g_hash_table_iter_init(&it, sp->changed);
	while (g_hash_table_iter_next(&it, NULL, &value))
		v[i++] = *(struct member_change *)value;
	qsort(v, n, sizeof(*v), cmp_change);
	if ((ret = prepare(&set, sp->ix, "INSERT OR REPLACE INTO member(id, series)"
			   " VALUES(?1, ?2)", sp->err)) < 0 ||
	    (ret = prepare(&unset, sp->ix, "DELETE FROM member WHERE id = ?1", sp->err)) < 0)
		goto cleanup;
	for (i = 0; i < n && !ret; i++) {
		sqlite3_stmt *w = v[i].series ? set : unset;

		sqlite3_bind_int64(w, 1, v[i].id);
		if (v[i].series)
			sqlite3_bind_int64(w, 2, v[i].series);
		ret = step_done(w, sp->ix, "cannot write the index", sp->err);
	}

cleanup:
	sqlite3_finalize(set);
	sqlite3_finalize(unset);
	free(v);
	return ret;
}

int kvmd_index_update_series(struct kvmd_index *ix, struct kvmd_buf *err)
{
	struct series_pass sp = { .ix = ix, .key = KVMD_BUF_INIT, .err = err };
	struct group g = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, ret;

	/* keyed by the member_change's own id: freed with it */
	sp.changed = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);

	/*
	 * The thread index for the pass; the series index after it.  In
	 * tables this run created, every thread is new (kvmd_index_add()
	 * keeps no temp.touched) and there is no series to drop.
	 */
	if ((ix->deferred && (ret = exec(ix, mail_indexes, "cannot write the index", err)) < 0) ||
	    (!ix->all_new &&
	     (ret = exec(ix, "DELETE FROM series WHERE thread IN (SELECT thread FROM temp.touched)",
			 "cannot write the index", err)) < 0) ||
	    (ret = prepare(&sp.parent, ix, "SELECT " PASS_COLUMNS PASS_FROM
			   " WHERE m.message_id = ?1", err)) < 0 ||
	    (ret = prepare(&sp.detail, ix, "SELECT " START_COLUMNS " FROM mail m"
			   " WHERE m.id = ?1", err)) < 0 ||
	    (ret = prepare(&sp.start, ix, "INSERT OR REPLACE INTO series(id, email,"
			   " sender_email, subject_key, version, total, date, change_id, thread)"
			   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", err)) < 0 ||
	    (ret = prepare(&st, ix, ix->all_new ?
			   "SELECT " PASS_COLUMNS PASS_FROM " ORDER BY m.thread" :
			   "SELECT " PASS_COLUMNS PASS_FROM
			   " WHERE m.thread IN (SELECT thread FROM temp.touched) ORDER BY m.thread",
			   err)) < 0)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (g.nr && sqlite3_column_int64(st, 1) != g.v[0].thread &&
		    (ret = group_flush(&sp, &g)) < 0)
			goto cleanup;
		KVMD_ALLOC_GROW(g.v, g.nr + 1, g.alloc);
		row_read(&g.v[g.nr++], st);
	}
	if (rc != SQLITE_DONE) {
		ret = kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
		goto cleanup;
	}
	if (g.nr)
		ret = group_flush(&sp, &g);
	if (!ret)
		ret = write_changes(&sp);
	if (!ret)
		ret = exec(ix, "DELETE FROM temp.touched", "cannot write the index", err);
	if (!ret)
		ix->all_new = 0;
	if (!ret)
		ret = ensure_indexes(ix, err);

cleanup:
	group_reset(&g);
	free(g.v);
	free(g.by_id);
	free(g.outside);
	sqlite3_finalize(st);
	sqlite3_finalize(sp.parent);
	sqlite3_finalize(sp.detail);
	g_hash_table_destroy(sp.changed);
	sqlite3_finalize(sp.start);
	kvmd_buf_release(&sp.key);
	return ret;
}

/* ---------------------------------------------------------------- load -- */

/* The threads the range's marks guessed wrong: out of temp.want. */
static int unwant(struct kvmd_index *ix, const sqlite3_int64 *threads, size_t nr,
		  struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int ret;

	if (!nr)
		return 0;
	if ((ret = prepare(&st, ix, "DELETE FROM temp.want WHERE thread = ?1", err)) < 0)
		return ret;
	for (i = 0; i < nr && ret >= 0; i++) {
		sqlite3_bind_int64(st, 1, threads[i]);
		ret = step_done(st, ix, "cannot read the index", err);
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Adds every row `st` returns (MSG_COLUMNS) to `s`, flagging the range's
 * mails (counted and dated in ix->range_loaded, ix->range_newest).  With
 * `guessed`, `st` orders the rows by thread, and the threads are the
 * scan's guesses (kvmd_index_mark_mail()): one that holds none of the
 * range's mails (the index keeps the mail in another thread, or not at
 * all) is dropped again, from `s` and from temp.want, as if it had
 * never been asked for.
 */
static int add_rows(struct kvmd_status *s, struct kvmd_index *ix, sqlite3_stmt *st,
		    int guessed, struct kvmd_buf *err)
{
	struct borrowed b = { .scratch = KVMD_BUF_INIT };
	sqlite3_int64 thread = 0, *wrong = NULL;
	size_t start = kvmd_status_count(s), nwrong = 0, awrong = 0;
	int rc, ret = 0, rows = 0, hit = 0;

	for (;;) {
		struct mark *k;

		rc = sqlite3_step(st);
		/* a thread ends: kept when it holds a mail of the range */
		if (guessed && rows &&
		    (rc != SQLITE_ROW || sqlite3_column_int64(st, 16) != thread)) {
			if (!hit) {
				kvmd_status_drop_from(s, start);
				KVMD_ALLOC_GROW(wrong, nwrong + 1, awrong);
				wrong[nwrong++] = thread;
			}
			start = kvmd_status_count(s);
			rows = hit = 0;
		}
		if (rc != SQLITE_ROW)
			break;
		row_borrow(&b, st);
		thread = sqlite3_column_int64(st, 16);
		rows++;
		k = g_hash_table_lookup(ix->range, b.m.message_id);
		b.m.in_range = k != NULL;
		hit |= b.m.in_range;
		if (k && !k->loaded) {
			k->loaded = 1;
			if (!ix->range_loaded++ || b.m.date > ix->range_newest)
				ix->range_newest = b.m.date;
		}
		kvmd_status_add(s, &b.m);
	}
	if (rc != SQLITE_DONE)
		ret = kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
	else
		ret = unwant(ix, wrong, nwrong, err);
	kvmd_buf_release(&b.scratch);
	free(b.trailers);
	free(b.links);
	free(wrong);
	return ret;
}

/* The earlier versions of the series in the wanted threads: their threads, into temp.more. */
static int want_versions(struct kvmd_index *ix, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL, *root = NULL;
	const char *p, *end, *id;
	size_t len;
	int rc, ret;

	if ((ret = exec(ix,
			"INSERT OR IGNORE INTO temp.more SELECT p.thread FROM series s"
			" JOIN series p ON p.email = s.email AND p.subject_key = s.subject_key"
			" AND p.date <= s.date AND p.id <> s.id"
			" WHERE s.thread IN (SELECT thread FROM temp.want);"
			"INSERT OR IGNORE INTO temp.more SELECT p.thread FROM series s"
			" JOIN series p ON p.change_id = s.change_id AND p.id <> s.id"
			" WHERE s.thread IN (SELECT thread FROM temp.want) AND s.change_id IS NOT NULL",
			"cannot read the index", err)) < 0 ||
	    (ret = prepare(&st, ix, "SELECT m.links FROM series s JOIN mail m"
			   " ON m.id = s.id WHERE m.links IS NOT NULL"
			   " AND s.thread IN (SELECT thread FROM temp.want)", err)) < 0 ||
	    (ret = prepare(&root, ix, "INSERT OR IGNORE INTO temp.more"
			   " SELECT thread FROM mail WHERE message_id = ?1", err)) < 0)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		end = p + sqlite3_column_bytes(st, 0);
		while (p && p < end && unpack_str(&id, &len, &p, end) == 0) {
			if (!id)
				continue;
			sqlite3_bind_text(root, 1, id, (int)len, SQLITE_TRANSIENT);
			if ((ret = step_done(root, ix, "cannot read the index", err)) < 0)
				goto cleanup;
		}
	}
	if (rc != SQLITE_DONE)
		ret = kvmd_index_db_error(ix->db, rc, "cannot read the index", err);

cleanup:
	sqlite3_finalize(st);
	sqlite3_finalize(root);
	return ret;
}

/* The series waiting longest for an answer: their threads, into temp.more. */
static int want_waiting(struct kvmd_index *ix, const struct kvmd_index_load_opts *o,
			int64_t now, struct kvmd_buf *err)
{
	struct kvmd_buf lower = KVMD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i, j;
	int ret;

	if ((ret = prepare(&st, ix, "INSERT OR IGNORE INTO temp.ignore_from VALUES(?1)", err)) < 0)
		goto cleanup;
	for (i = 0; i < o->nignore_from; i++) {
		kvmd_buf_reset(&lower);
		for (j = 0; o->ignore_from[i][j]; j++) {
			char c = o->ignore_from[i][j];

			kvmd_buf_addch(&lower, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		bind_text(st, 1, lower.ptr);
		if ((ret = step_done(st, ix, "cannot read the index", err)) < 0)
			goto cleanup;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!o->top || !now)
		goto cleanup;
	if ((ret = prepare(&st, ix,
			   "INSERT OR IGNORE INTO temp.more SELECT thread FROM ("
			   " SELECT s.thread AS thread FROM series s WHERE s.date <= ?1 AND NOT EXISTS ("
			   "  SELECT 1 FROM member ms JOIN mail r ON r.id = ms.id WHERE ms.series = s.id"
			   "  AND lower(coalesce(r.sender_email, r.email)) <> lower(s.sender_email)"
			   "  AND lower(coalesce(r.sender_email, r.email))"
			   "   NOT IN (SELECT email FROM temp.ignore_from))"
			   " ORDER BY s.date, s.id LIMIT ?2)", err)) < 0)
		goto cleanup;
	sqlite3_bind_int64(st, 1, now - (int64_t)o->wait_days * 86400);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)o->top);
	ret = step_done(st, ix, "cannot read the index", err);

cleanup:
	sqlite3_finalize(st);
	kvmd_buf_release(&lower);
	return ret;
}

static int add_newcomers(struct kvmd_status *s, struct kvmd_index *ix, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	if ((ret = prepare(&st, ix, "SELECT c.name, c.email, c.message_id FROM contributor c"
			   " WHERE kvmd_in_range(c.message_id) ORDER BY c.date, c.email", err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		kvmd_status_add_newcomer(s, (const char *)sqlite3_column_text(st, 0),
					 (const char *)sqlite3_column_text(st, 1),
					 (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kvmd_index_db_error(ix->db, rc, "cannot read the index", err);

	if ((ret = prepare(&st, ix, "SELECT d.domain FROM domain d"
			   " WHERE kvmd_in_range(d.message_id) ORDER BY d.date, d.domain", err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		kvmd_status_add_new_domain(s, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
}

/* The thread the index keeps the mail `id` in: 1 with `k` set, 0 when it has none, <0 failed. */
static int find_mail(struct kvmd_index *ix, const char *id, struct mark *k, struct kvmd_buf *err)
{
	sqlite3_stmt *st = ix->stmt[FIND_MAIL];
	int rc, ret = 0;

	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		k->thread = sqlite3_column_int64(st, 0);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = kvmd_index_db_error(ix->db, rc, "cannot read the index", err);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * The range's threads, into temp.want; `*known`: how many of the range's
 * marks have one.  The scan guessed each of its mails' (the thread
 * kvmd_index_add() gives it: kvmd_index_mark_mail()), so that the index
 * is read only for the others (kvmd_index_mark()): a thousand lookups
 * of a Message-ID read as many pages of the index, a third of the
 * load's time.  A guess the index belies is undone by add_rows() and
 * want_mislaid().
 */
static int want_range(struct kvmd_index *ix, size_t *known, struct kvmd_buf *err)
{
	sqlite3_stmt *add = ix->stmt[ADD_WANT];
	GHashTableIter iter;
	gpointer key, value;
	int ret;

	*known = 0;
	ix->range_loaded = 0;
	ix->range_newest = 0;
	g_hash_table_iter_init(&iter, ix->range);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		struct mark *k = value;

		k->loaded = 0;
		if (!k->known && (ret = find_mail(ix, key, k, err)) <= 0) {
			if (ret < 0)
				return ret;
			continue; /* not indexed */
		}
		k->known = 1;
		(*known)++;
		sqlite3_bind_int64(add, 1, k->thread);
		if ((ret = step_done(add, ix, "cannot read the index", err)) < 0)
			return ret;
	}
	return 0;
}

/*
 * The threads the index keeps the range's mails in, where the scan put
 * one elsewhere (a mail kept from another commit, or parsed by another
 * version): into temp.more.  Called only when the range's threads,
 * loaded, miss some of its mails.
 */
static int want_mislaid(struct kvmd_index *ix, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	GHashTableIter iter;
	gpointer key, value;
	int ret;

	/* load_more() leaves out what temp.want holds */
	if ((ret = prepare(&st, ix, "INSERT OR IGNORE INTO temp.more(thread) VALUES(?1)", err)) < 0)
		return ret;
	g_hash_table_iter_init(&iter, ix->range);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		struct mark *k = value, found;

		if (!k->known || k->loaded)
			continue;
		if ((ret = find_mail(ix, key, &found, err)) < 0)
			break;
		if (!ret)
			continue;
		sqlite3_bind_int64(st, 1, found.thread);
		if ((ret = step_done(st, ix, "cannot read the index", err)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return ret < 0 ? ret : 0;
}

/*
 * Adds to `s` the mails `sql` selects (MSG_COLUMNS), as add_rows() does
 * (`guessed`: `sql` orders them by thread).
 */
static int load_threads(struct kvmd_status *s, struct kvmd_index *ix, const char *sql,
			int guessed, struct kvmd_buf *err)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = prepare(&st, ix, sql, err)) == 0)
		ret = add_rows(s, ix, st, guessed, err);
	sqlite3_finalize(st);
	return ret;
}

/* The threads in temp.more not loaded yet: into `s`, then into temp.want. */
static int load_more(struct kvmd_status *s, struct kvmd_index *ix, struct kvmd_buf *err)
{
	int ret;

	if ((ret = load_threads(s, ix, "SELECT " MSG_COLUMNS " FROM mail m WHERE m.thread IN"
				" (SELECT thread FROM temp.more"
				"  WHERE thread NOT IN (SELECT thread FROM temp.want))",
				0, err)) < 0)
		return ret;
	return exec(ix, "INSERT OR IGNORE INTO temp.want SELECT thread FROM temp.more;"
		    "DELETE FROM temp.more", "cannot read the index", err);
}

int kvmd_index_load(struct kvmd_status *s, struct kvmd_index *ix,
		    const struct kvmd_index_load_opts *o, struct kvmd_buf *err)
{
	size_t known;
	int ret;

	/*
	 * temp.want: the threads loaded; temp.more: the threads to load
	 * next.  The range's threads first, then those of its mails the scan
	 * put elsewhere, then the earlier versions and the waiting series.
	 */
	if ((ret = flush_first_seen(ix, err)) < 0 || (ret = ensure_indexes(ix, err)) < 0 ||
	    (!ix->added && (ret = exec(ix, "PRAGMA cache_size = " CACHE_READ,
				       "cannot read the index", err)) < 0) ||
	    (ret = exec(ix, "DELETE FROM temp.want; DELETE FROM temp.more;"
			"DELETE FROM temp.ignore_from;", "cannot read the index", err)) < 0 ||
	    (ret = want_range(ix, &known, err)) < 0 ||
	    /* by thread: add_rows() drops a thread the scan guessed wrong */
	    (ret = load_threads(s, ix, "SELECT " MSG_COLUMNS " FROM mail m"
				" WHERE m.thread IN (SELECT thread FROM temp.want) ORDER BY m.thread",
				1, err)) < 0 ||
	    (ix->range_loaded < known && ((ret = want_mislaid(ix, err)) < 0 ||
					   (ret = load_more(s, ix, err)) < 0)) ||
	    (ret = want_versions(ix, err)) < 0 ||
	    (ret = want_waiting(ix, o, ix->range_newest, err)) < 0 ||
	    (ret = load_more(s, ix, err)) < 0 ||
	    (ret = add_newcomers(s, ix, err)) < 0)
		return ret;
	if (o->now)
		*o->now = ix->range_newest;
	return 0;
}
