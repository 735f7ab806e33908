/*
 * Unit tests for lib/index.c on a real SQLite file in a temporary
 * directory: the schema and its faults (not a database, another
 * user_version, another process's transaction), the rows a mail and its
 * thread make, and what a range loads into the status model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/index.h"
#include "../../lib/status.h"
#include "../../lib/subject.h"
#include "../../lib/trailer.h"
#include "unit-index.h"

#define DAY 86400
#define T0 ((int64_t)1760000000)

static int setup(void **state)
{
	struct unit_index *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return unit_index_init(f, "test-index", "kvmdigest/index.sqlite3");
}

static int teardown(void **state)
{
	unit_index_release(*state);
	free(*state);
	return 0;
}

/* An integer the query on the index file answers, through a connection of its own. */
static long long query(struct unit_index *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_open(f->path.ptr, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void run_sql(struct unit_index *f, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path.ptr, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A fixture mail, as the scan hands it over. */
struct fx {
	const char *id;
	int64_t date;
	const char *email;
	const char *subject;
	const char *irt, *root;
	int in_range;
	const char *followup; /* a Reviewed-by the reply gives, by `email` */
	const char *commit;   /* NULL: made from the id */
};

static void add(struct unit_index *f, struct kvmd_index *ix, const struct fx *x)
{
	struct kvmd_status_msg m;
	struct kvmd_trailer t = { "Reviewed-by", NULL, "Rev", NULL };
	char commit[41], blob[41];
	unsigned h = 5381;
	const char *p;

	for (p = x->id; *p; p++)
		h = h * 33 + (unsigned char)*p;
	snprintf(commit, sizeof(commit), "%08x%032d", h, 0);
	snprintf(blob, sizeof(blob), "%032d%08x", 0, h);
	memset(&m, 0, sizeof(m));
	m.message_id = x->id;
	m.date = x->date;
	m.name = "Someone";
	m.email = x->email;
	m.sender_email = x->email;
	m.subject = x->subject;
	kvmd_subject_parse(&m.tag, f->subjects, x->subject);
	m.in_reply_to = x->irt;
	m.root = x->root ? x->root : x->irt ? x->irt : x->id;
	m.in_range = x->in_range;
	if (x->followup) {
		t.value = (char *)x->followup;
		t.email = (char *)x->followup;
		m.trailers = &t;
		m.ntrailers = 1;
	}
	assert_int_equal(kvmd_index_add(ix, x->commit ? x->commit : commit, blob, &m, &f->err), 0);
}

static struct kvmd_index *begin(struct unit_index *f, int *rebuilt)
{
	struct kvmd_index *ix = NULL;

	kvmd_buf_reset(&f->err);
	assert_int_equal(kvmd_index_begin(&ix, f->path.ptr, 1000, 0, rebuilt, &f->err), 0);
	assert_non_null(ix);
	assert_int_equal(kvmd_index_archive(ix, "refs/remotes/kvm/master", &f->err), 0);
	return ix;
}

static void test_index_created_versioned_and_kept(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix;
	int rebuilt = -1;
	size_t n = 9;

	assert_false(kvmd_index_exists(f->path.ptr));
	ix = begin(f, &rebuilt);
	assert_int_equal(rebuilt, 0);
	assert_int_equal(kvmd_index_count(&n, ix, &f->err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_true(kvmd_index_exists(f->path.ptr));
	assert_int_equal(query(f, "PRAGMA user_version"), KVMD_INDEX_SCHEMA);

	/* a second run finds it as it was */
	ix = begin(f, &rebuilt);
	assert_int_equal(rebuilt, 0);
	kvmd_index_free(ix);
}

/* The size of `path` + `suffix`, -1 when there is no such file. */
static long long file_size(struct unit_index *f, const char *suffix)
{
	struct kvmd_buf p = KVMD_BUF_INIT;
	struct stat st;
	long long n;

	kvmd_buf_addf(&p, "%s%s", f->path.ptr, suffix);
	n = stat(p.ptr, &st) < 0 ? -1 : (long long)st.st_size;
	kvmd_buf_release(&p);
	return n;
}

/*
 * A new file's first run writes its pages once, into the file, with no
 * WAL and a rollback journal that holds none of them (pages past the
 * end of the file need none); the file is in WAL mode once that run
 * commits, and a later run writes through the WAL.
 */
static void test_index_new_file_filled_without_wal(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix;
	char id[32], subject[64];
	struct fx x = { .id = id, .email = "a@example.com", .subject = subject };
	int i;

	ix = begin(f, NULL);
	/* a small cache spills: the pages must go to the file, not a journal */
	assert_int_equal(sqlite3_exec(kvmd_index_db(ix), "PRAGMA cache_size = 10",
				      NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 2000; i++) {
		snprintf(id, sizeof(id), "m%d@example.com", i);
		snprintf(subject, sizeof(subject), "[PATCH] a change of some length, number %d", i);
		x.date = T0 + i;
		add(f, ix, &x);
	}
	assert_int_equal(file_size(f, "-wal"), -1);
	assert_true(file_size(f, "") > 100 * 1024);
	assert_in_range(file_size(f, "-journal"), 0, 8192);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_int_equal(file_size(f, "-journal"), -1);
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 2000);
	assert_int_equal(query(f, "SELECT count(*) FROM member"), 2000);
	assert_int_equal(query(f, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);

	/* the next run, on a file that is there, writes through the WAL */
	ix = begin(f, NULL);
	snprintf(id, sizeof(id), "later@example.com");
	add(f, ix, &x);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	assert_true(file_size(f, "-wal") > 0);
	assert_int_equal(file_size(f, "-journal"), -1);
	kvmd_index_free(ix);
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 2001);
}

static void test_index_not_a_database(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = NULL;
	FILE *fp;

	kvmd_index_free(begin(f, NULL)); /* the directory */
	assert_int_equal(kvmd_index_remove(f->path.ptr, &f->err), 0);
	fp = fopen(f->path.ptr, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite database, but it is long enough to have a header\n", fp);
	fclose(fp);
	assert_int_equal(kvmd_index_begin(&ix, f->path.ptr, 0, 0, NULL, &f->err),
			 KVMD_INDEX_CORRUPT);
	assert_null(ix);
	assert_non_null(strstr(f->err.ptr, "not a database"));
	/* the caller's remedy: remove it, start again */
	assert_int_equal(kvmd_index_remove(f->path.ptr, &f->err), 0);
	kvmd_index_free(begin(f, NULL));
}

static void test_index_other_schema_rebuilt(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL);
	const struct fx x = { "a@x", T0, "a@x", "[PATCH] KVM: one", NULL, NULL, 1, NULL, NULL };
	int rebuilt = 0;

	add(f, ix, &x);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 1);

	run_sql(f, "PRAGMA user_version = 999");
	ix = begin(f, &rebuilt);
	assert_int_equal(rebuilt, 1);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 0);
	assert_int_equal(query(f, "PRAGMA user_version"), KVMD_INDEX_SCHEMA);

	/* and --rebuild empties one of this schema too */
	ix = begin(f, NULL);
	add(f, ix, &x);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_int_equal(kvmd_index_begin(&ix, f->path.ptr, 0, 1, &rebuilt, &f->err), 0);
	assert_int_equal(rebuilt, 1);
	kvmd_index_free(ix); /* rolled back: the rebuild is lost with the run */
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 1);
}

static void test_index_busy_after_timeout(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL), *other = NULL;
	struct kvmd_buf err = KVMD_BUF_INIT;

	assert_int_equal(kvmd_index_begin(&other, f->path.ptr, 50, 0, NULL, &err),
			 KVMD_INDEX_BUSY);
	assert_null(other);
	assert_non_null(strstr(err.ptr, "locked"));
	kvmd_index_free(ix);
	/* released: the next one gets it */
	kvmd_index_free(begin(f, NULL));
	kvmd_buf_release(&err);
}

static void test_index_smaller_commit_wins(void **state)
{
	struct unit_index *f = *state;
	struct fx a = { "dup@x", T0, "a@x", "[PATCH] KVM: one", NULL, NULL, 0, NULL,
			"1111111111111111111111111111111111111111" };
	struct fx b = a;
	struct kvmd_index *ix;

	b.commit = "2222222222222222222222222222222222222222";
	b.subject = "[PATCH] KVM: two";
	ix = begin(f, NULL);
	add(f, ix, &b);
	add(f, ix, &a);
	add(f, ix, &b);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
	assert_int_equal(query(f, "SELECT count(*) FROM mail"), 1);
	assert_int_equal(query(f, "SELECT count(*) FROM mail WHERE subject = '[PATCH] KVM: one'"
			       " AND hex(commit_id) = '1111111111111111111111111111111111111111'"), 1);
}

/* A v1 series long answered, its v2 in the range with a review, and a lone patch nobody answered. */
static const struct fx thread[] = {
	{ "v1-0@a", T0 - 30 * DAY, "alice@a.example", "[PATCH 0/2] KVM: x86: Tidy up", NULL, NULL, 0, NULL, NULL },
	{ "v1-1@a", T0 - 30 * DAY + 1, "alice@a.example", "[PATCH 1/2] KVM: x86: One", "v1-0@a", NULL, 0, NULL, NULL },
	{ "v1-2@a", T0 - 30 * DAY + 2, "alice@a.example", "[PATCH 2/2] KVM: x86: Two", "v1-0@a", NULL, 0, NULL, NULL },
	{ "v1-r@b", T0 - 29 * DAY, "bob@b.example", "Re: [PATCH 1/2] KVM: x86: One", "v1-1@a", "v1-0@a", 0, NULL, NULL },
	{ "lone@c", T0 - 20 * DAY, "carol@c.example", "[PATCH] KVM: arm64: Lonely", NULL, NULL, 0, NULL, NULL },
	{ "bot@d", T0 - 19 * DAY, "lkp@intel.com", "Re: [PATCH] KVM: arm64: Lonely", "lone@c", NULL, 0, NULL, NULL },
	{ "v2-0@a", T0 - DAY, "alice@a.example", "[PATCH v2 0/2] KVM: x86: Tidy up", NULL, NULL, 1, NULL, NULL },
	{ "v2-1@a", T0 - DAY + 1, "alice@a.example", "[PATCH v2 1/2] KVM: x86: One", "v2-0@a", NULL, 1, NULL, NULL },
	{ "v2-2@a", T0 - DAY + 2, "alice@a.example", "[PATCH v2 2/2] KVM: x86: Two", "v2-0@a", NULL, 1, NULL, NULL },
	{ "v2-r@e", T0, "erin@e.example", "Re: [PATCH v2 0/2] KVM: x86: Tidy up", "v2-0@a", NULL, 1, "erin@e.example", NULL },
};

static void test_index_series_of_each_mail(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL);
	size_t i;

	/* newest first, as the scan reads an archive: replies before their patches */
	for (i = sizeof(thread) / sizeof(*thread); i-- > 0;)
		add(f, ix, &thread[i]);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);

	assert_int_equal(query(f, "SELECT count(*) FROM series"), 3);
	/* every mail of v1's thread is in v1's series, the review too */
	assert_int_equal(query(f, "SELECT count(*) FROM member m JOIN mail s ON s.id = m.series"
			       " WHERE s.message_id = 'v1-0@a'"), 4);
	assert_int_equal(query(f, "SELECT count(*) FROM member m JOIN mail s ON s.id = m.series"
			       " WHERE s.message_id = 'v2-0@a'"), 4);
	assert_int_equal(query(f, "SELECT count(*) FROM member m JOIN mail s ON s.id = m.series"
			       " WHERE s.message_id = 'lone@c'"), 2);
	/* a root written only where In-Reply-To does not give it */
	assert_int_equal(query(f, "SELECT count(*) FROM mail WHERE root IS NOT NULL"), 1);
	assert_int_equal(query(f, "SELECT count(*) FROM contributor"), 5);
	assert_int_equal(query(f, "SELECT count(*) FROM domain"), 5);
}

/*
 * A reply whose References start elsewhere (only its parent is in
 * In-Reply-To) is in another thread than the patch it answers; it is
 * in that patch's series all the same, found in the same run (when the
 * pass did the patch's thread first) and in a later one (from the
 * index).
 */
static void test_index_series_across_threads(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL);
	char id[16][32], root[16][32];
	struct fx r = { .email = "bob@b.example", .subject = "Re: [PATCH 1/2] KVM: x86: One",
			.irt = "v1-1@a" };
	size_t i;

	for (i = 0; i < 4; i++)
		add(f, ix, &thread[i]);
	for (i = 0; i < 16; i++) {
		snprintf(id[i], sizeof(id[i]), "far-%zu@b", i);
		snprintf(root[i], sizeof(root[i]), "first-%zu@b", i);
		r.id = id[i];
		r.root = root[i];
		r.date = T0 - 29 * DAY + (int64_t)i;
		add(f, ix, &r);
		if (i == 7) {
			/* half in the first run, half in the next */
			assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
			assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
			kvmd_index_free(ix);
			ix = begin(f, NULL);
		}
	}
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);

	/* the first run's replies in a thread after the patch's, then all of the next run's */
	assert_in_range(query(f, "SELECT count(*) FROM mail m, mail p WHERE p.message_id = 'v1-1@a'"
			      " AND m.message_id LIKE 'far-%' AND m.date < " "1760000000 - 29 * 86400 + 8"
			      " AND m.thread > p.thread"), 3, 3);
	assert_int_equal(query(f, "SELECT count(*) FROM mail m JOIN mail p ON p.message_id = 'v1-1@a'"
			       " LEFT JOIN member ms ON ms.id = m.id"
			       " LEFT JOIN mail s ON s.id = ms.series"
			       " WHERE m.message_id LIKE 'far-%' AND m.thread <> p.thread"
			       " AND (m.thread > p.thread OR m.date >= 1760000000 - 29 * 86400 + 8)"
			       " AND s.message_id IS NOT 'v1-0@a'"), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM mail m JOIN member ms ON ms.id = m.id"
			       " JOIN mail s ON s.id = ms.series"
			       " WHERE m.message_id LIKE 'far-%' AND s.message_id = 'v1-0@a'"
			       " AND m.date >= 1760000000 - 29 * 86400 + 8"), 8);
}

static void test_index_load_for_a_range(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL);
	const char *ignore[] = { "LKP@intel.com" };
	struct kvmd_index_load_opts o = { .wait_days = 7, .ignore_from = ignore,
					  .nignore_from = 1, .top = 5 };
	struct kvmd_status_opts so = { .wait_days = 7, .ignore_from = ignore, .nignore_from = 1 };
	const struct kvmd_status_series *const *v;
	const struct kvmd_status_newcomer *nc;
	const char *const *domains;
	struct kvmd_status *s = kvmd_status_new();
	int64_t now = 0;
	size_t i, n, found = 0;

	o.now = &now;
	for (i = 0; i < sizeof(thread) / sizeof(*thread); i++)
		add(f, ix, &thread[i]);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
	assert_int_equal(now, T0);
	so.now = now;
	assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);

	/* v2, with v1 (same sender and subject key) as the version it follows */
	n = kvmd_status_series(s, &v);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->message_id, "v2-0@a"))
			continue;
		found++;
		assert_true(v[i]->in_status);
		assert_non_null(v[i]->previous);
		assert_int_equal(v[i]->previous->version, 1);
		assert_string_equal(v[i]->previous->message_id, "v1-0@a");
		assert_int_equal(v[i]->nfollowups, 1);
	}
	assert_int_equal(found, 1);

	/* the lone patch waits: the robot's reply does not count */
	n = kvmd_status_waiting(s, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->message_id, "lone@c");
	assert_int_equal(v[0]->waiting_days, 20);

	/* erin is new in the range, and so is her domain; alice is not */
	n = kvmd_status_newcomers(s, &nc);
	assert_int_equal(n, 1);
	assert_string_equal(nc[0].email, "erin@e.example");
	n = kvmd_status_new_domains(s, &domains);
	assert_int_equal(n, 1);
	assert_string_equal(domains[0], "e.example");

	kvmd_status_free(s);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);
}

/* Adds a mail with trailers and links of its own (the fx table has neither). */
static void add_packed(struct unit_index *f, struct kvmd_index *ix, const char *id, int64_t date,
		       const char *email, const char *subject, const char *irt,
		       const struct kvmd_trailer *tr, size_t ntr, const char *const *links,
		       size_t nlinks)
{
	struct kvmd_status_msg m;
	char commit[41], blob[41];
	unsigned h = 5381;
	const char *p;

	for (p = id; *p; p++)
		h = h * 33 + (unsigned char)*p;
	snprintf(commit, sizeof(commit), "%08x%032d", h, 1);
	snprintf(blob, sizeof(blob), "%032d%08x", 1, h);
	memset(&m, 0, sizeof(m));
	m.message_id = id;
	m.date = date;
	m.name = "Someone";
	m.email = email;
	m.sender_email = email;
	m.subject = subject;
	kvmd_subject_parse(&m.tag, f->subjects, subject);
	m.in_reply_to = irt;
	m.root = irt ? irt : id;
	m.in_range = 1;
	m.trailers = tr;
	m.ntrailers = ntr;
	m.links = links;
	m.nlinks = nlinks;
	assert_int_equal(kvmd_index_add(ix, commit, blob, &m, &f->err), 0);
}

/* Loads the range into a finished model; `*v2` the series `c2@a`, or NULL. */
static struct kvmd_status *load_range(struct unit_index *f, struct kvmd_index *ix,
				      const struct kvmd_status_series **v2)
{
	struct kvmd_index_load_opts o = { .wait_days = 7, .top = 5 };
	struct kvmd_status_opts so = { .wait_days = 7 };
	const struct kvmd_status_series *const *v;
	struct kvmd_status *s = kvmd_status_new();
	size_t i, n;

	assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
	assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);
	*v2 = NULL;
	n = kvmd_status_series(s, &v);
	for (i = 0; i < n; i++)
		if (!strcmp(v[i]->message_id, "c2@a"))
			*v2 = v[i];
	return s;
}

/*
 * The trailers (with and without a name) and the links a mail is
 * indexed with come back with it; a damaged packed column gives what
 * comes before the damage.
 */
static void test_index_load_trailers_and_links(void **state)
{
	struct unit_index *f = *state;
	static const struct kvmd_trailer tr[] = {
		{ "Reviewed-by", "Bee Reviewer <bee@b.example>", "Bee Reviewer", "bee@b.example" },
		{ "Acked-by", "bee@b.example", NULL, "bee@b.example" },
		{ "Tested-by", "Other <other@o.example>", "Other", "other@o.example" },
	};
	static const char *const links[] = { "junk@nowhere", "c1@a" };
	const struct kvmd_status_series *v2;
	struct kvmd_status *s;
	struct kvmd_index *ix = begin(f, NULL);

	/* v2's subject is another: only its cover's link says it follows v1 */
	add_packed(f, ix, "c1@a", T0 - 10 * DAY, "alice@a.example", "[PATCH 0/1] KVM: Old name",
		   NULL, NULL, 0, NULL, 0);
	add_packed(f, ix, "p1@a", T0 - 10 * DAY + 1, "alice@a.example", "[PATCH 1/1] KVM: One",
		   "c1@a", NULL, 0, NULL, 0);
	add_packed(f, ix, "c2@a", T0 - DAY, "alice@a.example", "[PATCH v2 0/1] KVM: New name",
		   NULL, NULL, 0, links, 2);
	add_packed(f, ix, "q1@a", T0 - DAY + 1, "alice@a.example", "[PATCH v2 1/1] KVM: One",
		   "c2@a", NULL, 0, NULL, 0);
	add_packed(f, ix, "r@b", T0, "bee@b.example", "Re: [PATCH v2 0/1] KVM: New name",
		   "c2@a", tr, 3, NULL, 0);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);

	s = load_range(f, ix, &v2);
	assert_non_null(v2);
	assert_non_null(v2->previous);
	assert_string_equal(v2->previous->message_id, "c1@a");
	assert_int_equal(v2->nfollowups, 3);
	assert_string_equal(v2->followups[0].key, "Reviewed-by");
	assert_string_equal(v2->followups[0].name, "Bee Reviewer");
	assert_string_equal(v2->followups[0].email, "bee@b.example");
	assert_false(v2->followups[0].mismatched);
	assert_string_equal(v2->followups[1].key, "Acked-by");
	assert_null(v2->followups[1].name);
	assert_string_equal(v2->followups[1].email, "bee@b.example");
	assert_string_equal(v2->followups[2].name, "Other");
	assert_true(v2->followups[2].mismatched);
	kvmd_status_free(s);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);

	/* the Acked-by's address cut short: the Reviewed-by is still read */
	run_sql(f, "UPDATE mail SET trailers = CAST('11:Reviewed-by,12:Bee Reviewer,"
		   "13:bee@b.example,8:Acked-by,~,13:bee@b.ex' AS BLOB) WHERE message_id = 'r@b'");
	ix = begin(f, NULL);
	assert_int_equal(kvmd_index_mark(ix, "c2@a", &f->err), 0);
	assert_int_equal(kvmd_index_mark(ix, "r@b", &f->err), 0);
	s = load_range(f, ix, &v2);
	assert_non_null(v2);
	assert_non_null(v2->previous);
	assert_int_equal(v2->nfollowups, 1);
	assert_string_equal(v2->followups[0].name, "Bee Reviewer");
	kvmd_status_free(s);
	kvmd_index_free(ix);
}

/* Marks a mail of a range as the scan parsed it: `root` gives its thread. */
static void mark_mail(struct unit_index *f, struct kvmd_index *ix, const char *id,
		      const char *root)
{
	struct kvmd_status_msg m;

	memset(&m, 0, sizeof(m));
	m.message_id = id;
	m.root = root;
	assert_int_equal(kvmd_index_mark_mail(ix, &m, &f->err), 0);
}

/*
 * A digest of an indexed range takes each mail's thread from the scan
 * and reads the index by Message-ID only when that thread lacks the
 * mail; the range's date is the index's, of mails it holds.
 */
static void test_index_marks_with_threads(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index_load_opts o = { .wait_days = 7, .top = 5 };
	struct kvmd_status_opts so = { .wait_days = 7 };
	static const struct kvmd_trailer tr[] = {
		{ "Reviewed-by", "Bee Reviewer <bee@b.example>", "Bee Reviewer", "bee@b.example" },
	};
	static const char *const roots[] = { "c2@a", "elsewhere@x" };
	const struct kvmd_status_series *const *v;
	struct kvmd_status *s;
	struct kvmd_index *ix = begin(f, NULL);
	int64_t now;
	size_t i, j, n, found;

	add_packed(f, ix, "c2@a", T0 - DAY, "alice@a.example", "[PATCH v2 0/1] KVM: New name",
		   NULL, NULL, 0, NULL, 0);
	add_packed(f, ix, "q1@a", T0 - DAY + 1, "alice@a.example", "[PATCH v2 1/1] KVM: One",
		   "c2@a", NULL, 0, NULL, 0);
	add_packed(f, ix, "r@b", T0, "bee@b.example", "Re: [PATCH v2 0/1] KVM: New name",
		   "c2@a", tr, 1, NULL, 0);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);

	/* the reply in its thread, then put elsewhere by the scan: the same series */
	for (i = 0; i < 2; i++) {
		ix = begin(f, NULL);
		mark_mail(f, ix, "r@b", roots[i]);
		s = kvmd_status_new();
		now = 0;
		o.now = &now;
		assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
		assert_int_equal(now, T0);
		assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);
		n = kvmd_status_series(s, &v);
		for (j = found = 0; j < n; j++) {
			if (strcmp(v[j]->message_id, "c2@a"))
				continue;
			found++;
			assert_true(v[j]->in_status);
			assert_int_equal(v[j]->replies, 1);
			assert_int_equal(v[j]->nfollowups, 1);
		}
		assert_int_equal(found, 1);
		kvmd_status_free(s);
		kvmd_index_free(ix);
	}

	/* a mail the index lacks loads nothing; the range's date is of the mails it holds */
	ix = begin(f, NULL);
	mark_mail(f, ix, "ghost@x", "c2@a");
	assert_int_equal(kvmd_index_mark(ix, "q1@a", &f->err), 0);
	s = kvmd_status_new();
	now = 0;
	assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
	assert_int_equal(now, T0 - DAY + 1);
	assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);
	assert_int_equal(kvmd_status_series(s, &v), 1);
	assert_string_equal(v[0]->message_id, "c2@a");
	kvmd_status_free(s);
	kvmd_index_free(ix);
}

/* The series in `s`, finished at `now`: how many, and whether `id` is one in the status. */
static size_t series_of(struct unit_index *f, struct kvmd_status *s, const char *id, int *in_status,
			int64_t now)
{
	struct kvmd_status_opts so = { .wait_days = 7, .now = now };
	const struct kvmd_status_series *const *v;
	size_t i, n;

	assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);
	n = kvmd_status_series(s, &v);
	*in_status = 0;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i]->message_id, id))
			*in_status = v[i]->in_status;
	return n;
}

/*
 * test_index_wrong_thread_guess()'s load, then `ix` freed: the range's
 * date is `want_now`; c2@a's series is in the status, w1@f's waits, and
 * nothing else is loaded.
 */
static void load_guessed(struct unit_index *f, struct kvmd_index *ix, int64_t want_now)
{
	int64_t now = 0;
	struct kvmd_index_load_opts o = { .wait_days = 7, .top = 5, .now = &now };
	const struct kvmd_status_series *const *w;
	struct kvmd_status *s = kvmd_status_new();
	int in_status;

	assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
	assert_int_equal(now, want_now);
	assert_int_equal(series_of(f, s, "c2@a", &in_status, now), 2);
	assert_true(in_status);
	assert_int_equal(kvmd_status_waiting(s, &w), 1);
	assert_string_equal(w[0]->message_id, "w1@f");
	kvmd_status_free(s);
	kvmd_index_free(ix);
}

/*
 * A thread the scan guesses wrong is not loaded: that of a mail the
 * index does not hold, and that of a reply the index keeps from another
 * commit, in another thread (the hook's path, kvmd_index_add()).  Such
 * a thread is still loaded for what else asks for it (a waiting series).
 */
static void test_index_wrong_thread_guess(void **state)
{
	struct unit_index *f = *state;
	const struct fx base[] = {
		{ "c2@a", T0 - DAY, "alice@a.example", "[PATCH v2 0/1] KVM: New name", NULL, NULL,
		  0, NULL, NULL },
		{ "q1@a", T0 - DAY + 1, "alice@a.example", "[PATCH v2 1/1] KVM: One", "c2@a", NULL,
		  0, NULL, NULL },
		{ "dup@b", T0 - DAY + 2, "bee@b.example", "Re: [PATCH v2 0/1] KVM: New name", "c2@a",
		  NULL, 0, NULL, "0000000000000000000000000000000000000001" },
		/* answered: only a load of its thread brings it */
		{ "x1@d", T0 - 20 * DAY, "dave@d.example", "[PATCH] KVM: elsewhere", NULL, NULL,
		  0, NULL, NULL },
		{ "x2@e", T0 - 19 * DAY, "erin@e.example", "Re: [PATCH] KVM: elsewhere", "x1@d", NULL,
		  0, NULL, NULL },
		/* waiting: loaded whatever the guesses */
		{ "w1@f", T0 - 30 * DAY, "fay@f.example", "[PATCH] KVM: unanswered", NULL, NULL,
		  0, NULL, NULL },
	};
	const struct fx again = { "dup@b", T0, "bee@b.example", "Re: [PATCH] KVM: elsewhere",
				  "x1@d", NULL, 1, NULL, "ffffffffffffffffffffffffffffffffffffffff" };
	struct kvmd_index *ix = begin(f, NULL);
	size_t i;

	for (i = 0; i < sizeof(base) / sizeof(*base); i++)
		add(f, ix, &base[i]);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_commit(ix, &f->err), 0);
	kvmd_index_free(ix);

	ix = begin(f, NULL);
	mark_mail(f, ix, "ghost@x", "x1@d");
	mark_mail(f, ix, "ghost@y", "w1@f");
	assert_int_equal(kvmd_index_mark(ix, "q1@a", &f->err), 0);
	load_guessed(f, ix, T0 - DAY + 1);

	ix = begin(f, NULL);
	add(f, ix, &again);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	load_guessed(f, ix, T0 - DAY + 2);
}

static void test_index_waiting_at_most_top(void **state)
{
	struct unit_index *f = *state;
	struct kvmd_index *ix = begin(f, NULL);
	struct kvmd_index_load_opts o = { .wait_days = 7, .top = 1 };
	struct kvmd_status_opts so = { .wait_days = 7, .now = T0 };
	const struct kvmd_status_series *const *v;
	struct kvmd_status *s = kvmd_status_new();
	const struct fx more[] = {
		{ "old1@c", T0 - 40 * DAY, "carol@c.example", "[PATCH] KVM: old one", NULL, NULL, 0, NULL, NULL },
		{ "old2@c", T0 - 30 * DAY, "carol@c.example", "[PATCH] KVM: old two", NULL, NULL, 0, NULL, NULL },
		{ "new@c", T0, "carol@c.example", "KVM: a question", NULL, NULL, 1, NULL, NULL },
	};
	size_t i;

	for (i = 0; i < 3; i++)
		add(f, ix, &more[i]);
	assert_int_equal(kvmd_index_update_series(ix, &f->err), 0);
	assert_int_equal(kvmd_index_load(s, ix, &o, &f->err), 0);
	assert_int_equal(kvmd_status_finish(s, &so, &f->err), 0);
	assert_int_equal(kvmd_status_waiting(s, &v), 1);
	assert_string_equal(v[0]->message_id, "old1@c");
	kvmd_status_free(s);
	kvmd_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_created_versioned_and_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_new_file_filled_without_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_other_schema_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_busy_after_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_smaller_commit_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_series_of_each_mail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_series_across_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_load_for_a_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_waiting_at_most_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_load_trailers_and_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_marks_with_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wrong_thread_guess, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
