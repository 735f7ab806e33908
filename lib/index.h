#ifndef KVMD_INDEX_H
#define KVMD_INDEX_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The archive index: what the status sections need to know of the whole
 * archive, kept between runs in an SQLite database at
 * `<common git dir>/kvmdigest/index.sqlite3` (worktrees share it).
 *
 *   mail         one row per indexed mail commit, keyed by Message-ID:
 *                every field of a kvmd_status_msg (status.h), the commit
 *                and blob it came from, the archive that brought it;
 *                trailers and links packed
 *   member       the series each mail belongs to (the id of the mail
 *                that starts it), for those that belong to one
 *   series       one row per series start (cover letter, patch 1, lone
 *                patch): sender, subject key, version, date, change-id
 *   contributor  each address's first message; `domain` each domain's
 *   archive      each archive ref (or revision) indexed, and its tip
 *
 * and, for patches (kvmd_status_msg's `tag` a patch, not a cover
 * letter), the stable patch-id of the diff each carries (NULL when none
 * parses) and a 64-bit hash of its subject key (kvmd_index_subject_hash();
 * the key itself is worked out again from the subject: 4 MB less for
 * 100,000 mails), by which applied.h finds the commits they became and
 * the other way round; its tables of code commits and applied refs
 * (`code`, `code_ref`, `applied_ref`) are described there.
 *
 * Several archives (a list's epochs as separate refs or remotes) share
 * one index: a thread that crosses an epoch stays one thread.
 *
 * It is a cache.  The schema is versioned (PRAGMA user_version) and an
 * index from another version is rebuilt empty; a file that is not a
 * database (truncated, overwritten) reports KVMD_INDEX_CORRUPT, after
 * which the caller may kvmd_index_remove() it and start again.  The
 * database is in WAL mode, except while its first run fills a new file
 * (in SQLite's rollback mode, which writes each new page once); a run
 * is one write transaction (kvmd_index_begin() .. kvmd_index_commit()),
 * which waits for another process's up to `timeout_ms`.
 *
 * Layer 3.  Never prints: errors come back as -1 (or KVMD_INDEX_CORRUPT,
 * KVMD_INDEX_BUSY) with the reason in `err`.  Not for several threads at
 * once (the connection has no mutex of its own): the scan serializes its
 * callbacks.
 */

struct kvmd_buf;
struct kvmd_status;
struct kvmd_status_msg;

/* The schema this code writes; an index with another user_version is rebuilt. */
#define KVMD_INDEX_SCHEMA 4

/* Specific failures (all also negative). */
#define KVMD_INDEX_CORRUPT (-2)  /* not a database, or a damaged one */
#define KVMD_INDEX_BUSY (-3)     /* another process held it past the timeout */

struct kvmd_index;

/* Appends the index's path for `repo` to `out`. */
void kvmd_index_path(struct kvmd_buf *out, git_repository *repo);

/* Whether the index file exists at `path`. */
int kvmd_index_exists(const char *path);

/*
 * Removes the index at `path` with its -wal and -shm files; 0, or -1
 * with the reason in `err` (a missing file is not an error).
 */
int kvmd_index_remove(const char *path, struct kvmd_buf *err);

/*
 * Opens the index at `path`, creating it (and its directory) when it is
 * missing, and starts the run's write transaction, waiting for another
 * run up to `timeout_ms`.  An index of another schema is emptied and
 * recreated (`*rebuilt` set to 1, else 0; may be NULL), so is every
 * index when `rebuild` is set.  `*out` is NULL after a failure.
 */
int kvmd_index_begin(struct kvmd_index **out, const char *path, int timeout_ms,
		     int rebuild, int *rebuilt, struct kvmd_buf *err);

/*
 * How long the connection waits for another process's lock from now on
 * (a run begun with 0, so as not to wait then, waits later as others do).
 */
void kvmd_index_set_timeout(struct kvmd_index *ix, int timeout_ms);

/*
 * Names the archive the mails added next come from: a ref, or the
 * revision as given.  Call once per archive, before kvmd_index_add().
 */
int kvmd_index_archive(struct kvmd_index *ix, const char *name, struct kvmd_buf *err);

/*
 * Adds (or refreshes) one mail: `m` as the scan built it, from `commit`
 * and `blob` (full hex).  When `m->in_range` is set, the message is
 * part of the digested range for kvmd_index_load().  A Message-ID kept
 * from two commits keeps the smaller commit id, whatever the order.
 * The sender's first mail (and its domain's) is kept in memory and
 * written by kvmd_index_load() or kvmd_index_commit(); in an index this
 * run created, the mail table's secondary indexes are created by
 * kvmd_index_update_series() (or the first of kvmd_index_load(),
 * kvmd_index_db(), kvmd_index_commit()), after the rows.
 */
int kvmd_index_add(struct kvmd_index *ix, const char *commit, const char *blob,
		   const struct kvmd_status_msg *m, struct kvmd_buf *err);

/*
 * Where indexing up to `new` has to start: `*from` is an indexed tip
 * that `new` descends from or equals (the current archive's first, then
 * the others').  1 with `*from` set, 0 when no
 * tip is an ancestor (the whole history of `new` is to be indexed, or
 * it already is when `*covered` is set: `new` is an ancestor of a tip).
 * `covered` may be NULL.
 */
int kvmd_index_start(git_oid *from, int *covered, struct kvmd_index *ix,
		     git_repository *repo, const git_oid *new, struct kvmd_buf *err);


/*
 * Whether `tip` is an indexed tip (its whole history is indexed): 1 or
 * 0, or <0 with the reason in `err`.
 */
int kvmd_index_has_tip(struct kvmd_index *ix, const git_oid *tip, struct kvmd_buf *err);

/*
 * Marks the mail `message_id` (already indexed) as part of the digested
 * range for kvmd_index_load(), writing nothing: for a range whose
 * history is indexed.  A NULL Message-ID marks nothing; one marked
 * twice, once.
 */
int kvmd_index_mark(struct kvmd_index *ix, const char *message_id, struct kvmd_buf *err);

/*
 * The same for a mail `m` as the scan parsed it (its Message-ID and
 * root): kvmd_index_load() reads the thread kvmd_index_add() put it in
 * without looking the mail up, and looks it up only when that thread
 * lacks it (a Message-ID the index keeps from another commit, with
 * another root); a thread that holds none of the range's mails is not
 * loaded.
 */
int kvmd_index_mark_mail(struct kvmd_index *ix, const struct kvmd_status_msg *m,
			 struct kvmd_buf *err);

/* Records that the current archive is indexed up to `tip`. */
int kvmd_index_set_tip(struct kvmd_index *ix, const git_oid *tip, struct kvmd_buf *err);

/*
 * Attributes what was added since kvmd_index_begin() to its series (the
 * threads it touched are worked out again).  Call before loading and
 * committing.
 */
int kvmd_index_update_series(struct kvmd_index *ix, struct kvmd_buf *err);

/* What a digest loads besides its range. */
struct kvmd_index_load_opts {
	int wait_days;                  /* kvmdigest.waitDays */
	const char *const *ignore_from; /* kvmdigest.ignoreFrom: replies that do not count */
	size_t nignore_from;
	size_t top;                     /* waiting series: at most this many */
	int64_t *now;                   /* out, may be NULL: the range's newest date */
};

/*
 * Loads into `s` the messages of the range (added with `in_range`, or
 * marked, since kvmd_index_begin()), every message of the threads the
 * index keeps them in, the earlier versions of their series (same
 * sender and subject key, same change-id, Message-IDs their series
 * starts link to) and the series waiting for an answer, with their
 * threads; then the newcomers and new domains of the range.  The
 * range's date (`o->now`) is that of its newest mail the index holds.
 * The caller then calls kvmd_status_finish().
 */
int kvmd_index_load(struct kvmd_status *s, struct kvmd_index *ix,
		    const struct kvmd_index_load_opts *o, struct kvmd_buf *err);

/* Commits the run's transaction. */
int kvmd_index_commit(struct kvmd_index *ix, struct kvmd_buf *err);

/* Counts the mails in the index (for `git kvmdigest index` and tests). */
int kvmd_index_count(size_t *out, struct kvmd_index *ix, struct kvmd_buf *err);

/* The `subject_hash` of a patch whose kvmd_status_subject_key() is `key`. */
int64_t kvmd_index_subject_hash(const char *key);

/*
 * ---- For the engine modules that share the connection (applied.h) ----
 *
 * They keep tables in the index's database and run their statements in
 * the index's transaction (layer 3, the same run), reporting failures as
 * the index's own calls do.
 */
struct sqlite3;
struct sqlite3_stmt;

/*
 * The index's database: borrowed from `ix`, used only between
 * kvmd_index_begin() and kvmd_index_free().
 */
struct sqlite3 *kvmd_index_db(struct kvmd_index *ix);

/*
 * The failure `rc` of the last call on `db` as a return value
 * (KVMD_INDEX_CORRUPT, KVMD_INDEX_BUSY or -1), with "<what>: <reason>"
 * appended to `err`.
 */
int kvmd_index_db_error(struct sqlite3 *db, int rc, const char *what, struct kvmd_buf *err);

/* Runs `sql` (statements without rows) on the index; "<what>: <reason>" on failure. */
int kvmd_index_exec(struct kvmd_index *ix, const char *sql, const char *what,
		    struct kvmd_buf *err);

/*
 * Prepares `sql` on the index into `*out`, which the caller finalizes
 * (sqlite3_finalize(), also after a failure, when it is NULL).
 */
int kvmd_index_prepare(struct sqlite3_stmt **out, struct kvmd_index *ix, const char *sql,
		       struct kvmd_buf *err);

/*
 * Steps `st`, a bound statement that returns no row, then resets it and
 * clears its bindings for the next use, whatever the step gave.
 */
int kvmd_index_step_done(struct sqlite3_stmt *st, struct kvmd_index *ix, const char *what,
			 struct kvmd_buf *err);

/* ---- end of the engine modules' block ---- */

/* Closes the index; a transaction still open is rolled back.  NULL is fine. */
void kvmd_index_free(struct kvmd_index *ix);

#endif
