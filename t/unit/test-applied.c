/*
 * Unit tests for lib/applied.c on a real libgit2 repository built here
 * (blobs, trees, commits and refs written through libgit2) and a real
 * SQLite index file: the bounded first walk of an applied ref, the
 * incremental walks after it, a rewritten ref, ranks, the lookups both
 * ways (patch-id, then author and subject).
 *
 * The patch mails are given the patch-id of the commit they stand for
 * (kvmd_patchid_commit()), as the scan would compute it from the mail:
 * t/t8200-applied.sh checks that a real mail's id is that commit's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <git2.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/applied.h"
#include "../../lib/buf.h"
#include "../../lib/index.h"
#include "../../lib/patchid.h"
#include "../../lib/status.h"
#include "../../lib/subject.h"
#include "unit-index.h"
#include "unit-libgit2.h"

#define DAY 86400

/* Asserts that a library call returned `want`, printing its reason when not. */
#define ok(want, call) do { \
	int ok_ret_ = (call); \
	if (ok_ret_ != (want)) \
		print_error("%s\n", f->u.err.ptr); \
	assert_int_equal(ok_ret_, (want)); \
} while (0)
#define T0 ((int64_t)1760000000)

struct fixture {
	struct unit_index u;
	git_repository *repo;
	struct kvmd_index *ix;
	int nmail;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct kvmd_buf p = KVMD_BUF_INIT;
	int ret;

	if (!f)
		return -1;
	*state = f;
	if ((ret = unit_index_init(&f->u, "test-applied", "index.sqlite3")) < 0)
		return ret;
	kvmd_buf_addf(&p, "%s/repo", f->u.dir);
	ret = git_repository_init(&f->repo, p.ptr, 1) < 0 ? -1 : 0;
	kvmd_buf_release(&p);
	return ret;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_index_free(f->ix);
	git_repository_free(f->repo);
	unit_index_release(&f->u);
	free(f);
	return 0;
}

/* An integer the query on the index answers, in the run's connection. */
static long long query(struct fixture *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(kvmd_index_db(f->ix), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void begin(struct fixture *f)
{
	kvmd_buf_reset(&f->u.err);
	assert_int_equal(kvmd_index_begin(&f->ix, f->u.path.ptr, 1000, 0, NULL, &f->u.err), 0);
	assert_int_equal(kvmd_index_archive(f->ix, "refs/remotes/lore/master", &f->u.err), 0);
}

static void commit_run(struct fixture *f)
{
	assert_int_equal(kvmd_index_commit(f->ix, &f->u.err), 0);
	kvmd_index_free(f->ix);
	f->ix = NULL;
}

/*
 * A commit on `parent` (NULL: a root) that sets `path` to `content`, by
 * `email`, committed at `when`; `ref` (may be NULL) moved to it.
 */
static git_oid commit(struct fixture *f, const git_oid *parent, const char *path,
		      const char *content, const char *email, const char *subject,
		      int64_t when, const char *ref)
{
	git_treebuilder *tb = NULL;
	git_commit *p = NULL;
	git_tree *tree = NULL, *base = NULL;
	git_signature *sig = NULL;
	git_oid blob, tree_id, id;
	const git_commit *parents[1];
	char msg[256];

	if (parent) {
		assert_int_equal(git_commit_lookup(&p, f->repo, parent), 0);
		assert_int_equal(git_commit_tree(&base, p), 0);
	}
	assert_int_equal(git_blob_create_from_buffer(&blob, f->repo, content, strlen(content)), 0);
	assert_int_equal(git_treebuilder_new(&tb, f->repo, base), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, path, &blob, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, f->repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "A U Thor", email, when, 0), 0);
	snprintf(msg, sizeof(msg), "%s\n\nBody.\n", subject);
	parents[0] = p;
	assert_int_equal(git_commit_create(&id, f->repo, NULL, sig, sig, NULL, msg, tree,
					   p ? 1 : 0, parents), 0);
	if (ref) {
		git_reference *r = NULL;

		assert_int_equal(git_reference_create(&r, f->repo, ref, &id, 1, NULL), 0);
		git_reference_free(r);
	}
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_treebuilder_free(tb);
	git_commit_free(p);
	return id;
}

static git_oid merge(struct fixture *f, const git_oid *a, const git_oid *b, int64_t when,
		     const char *ref)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_reference *r = NULL;
	const git_commit *parents[2];
	git_oid id;

	assert_int_equal(git_commit_lookup(&ca, f->repo, a), 0);
	assert_int_equal(git_commit_lookup(&cb, f->repo, b), 0);
	assert_int_equal(git_commit_tree(&tree, cb), 0);
	assert_int_equal(git_signature_new(&sig, "M", "m@x", when, 0), 0);
	parents[0] = ca;
	parents[1] = cb;
	assert_int_equal(git_commit_create(&id, f->repo, NULL, sig, sig, NULL, "Merge\n", tree,
					   2, parents), 0);
	assert_int_equal(git_reference_create(&r, f->repo, ref, &id, 1, NULL), 0);
	git_reference_free(r);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(ca);
	git_commit_free(cb);
	return id;
}

static git_oid patch_id_of(struct fixture *f, const git_oid *c)
{
	git_commit *commit = NULL;
	git_oid id;

	assert_int_equal(git_commit_lookup(&commit, f->repo, c), 0);
	assert_int_equal(kvmd_patchid_commit(&id, f->repo, commit, &f->u.err), 0);
	git_commit_free(commit);
	return id;
}

/* Indexes a mail `id`; with `patch_id` (may be NULL) as the scan would compute it. */
static void mail(struct fixture *f, const char *id, const char *email, const char *subject,
		 int64_t date, const git_oid *patch_id)
{
	struct kvmd_status_msg m;
	char commit_hex[41], blob[41];

	f->nmail++;
	snprintf(commit_hex, sizeof(commit_hex), "%08x%032d", (unsigned)f->nmail, 0);
	snprintf(blob, sizeof(blob), "%032d%08x", 0, (unsigned)f->nmail);
	memset(&m, 0, sizeof(m));
	m.message_id = id;
	m.date = date;
	m.email = email;
	m.sender_email = email;
	m.subject = subject;
	kvmd_subject_parse(&m.tag, f->u.subjects, subject);
	m.root = id;
	if (patch_id) {
		memcpy(m.patch_id, patch_id->id, sizeof(m.patch_id));
		m.has_patch_id = 1;
	}
	assert_int_equal(kvmd_index_add(f->ix, commit_hex, blob, &m, &f->u.err), 0);
}

/* What kvmd_applied_for_mail() reported, one line per match. */
static int collect(const struct kvmd_applied_match *m, void *data)
{
	struct kvmd_buf *out = data;

	kvmd_buf_addf(out, "%s %.12s %s %s\n", m->message_id, m->commit, m->ref,
		      kvmd_applied_how_name(m->how));
	return 0;
}

static void expect_applied(struct fixture *f, struct kvmd_applied *a, const char *const *ids,
			   size_t n, const char *want)
{
	struct kvmd_buf out = KVMD_BUF_INIT;

	ok(0, kvmd_applied_for_mail(a, ids, n, collect, &out, &f->u.err));
	assert_string_equal(out.ptr, want);
	kvmd_buf_release(&out);
}

static const char *line(struct kvmd_buf *b, const char *id, const git_oid *c,
			const char *ref, const char *how)
{
	char hex[13];

	git_oid_tostr(hex, sizeof(hex), c);
	kvmd_buf_addf(b, "%s %s %s %s\n", id, hex, ref, how);
	return b->ptr;
}

/*
 * kvm/next: an old commit (before the bound), a merge, then a series of
 * three: patch 1 applied as posted, patch 2 changed on the way in, patch
 * 3 never posted as such; a fourth patch never applied.
 */
static void test_applied_first_walk_and_lookups(void **state)
{
	struct fixture *f = *state;
	const char *next = "refs/remotes/kvm/next";
	git_oid old, side, m, c1, c2, c3, p1, p2, other;
	const char *patterns[] = { "kvm/next" };
	const char *ids[] = { "cover@x", "p1@x", "p2@x", "p3@x", "p4@x", "nosuch@x" };
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_stats stats;
	struct kvmd_buf want = KVMD_BUF_INIT;
	const char *const *refs;

	old = commit(f, NULL, "old.c", "old\n", "o@x", "KVM: old", T0 - 100 * DAY, NULL);
	side = commit(f, &old, "side.c", "side\n", "s@x", "KVM: side", T0 - 20 * DAY, NULL);
	m = merge(f, &old, &side, T0 - 10 * DAY, next);
	c1 = commit(f, &m, "x86.c", "one\n", "a@x", "KVM: x86: one", T0 + DAY, NULL);
	c2 = commit(f, &c1, "x86.c", "one\ntwo fixed\n", "a@x", "KVM: x86: two", T0 + 2 * DAY, NULL);
	c3 = commit(f, &c2, "mmu.c", "three\n", "b@x", "KVM: mmu: three", T0 + 3 * DAY, next);
	/* what patch 2 was as posted: another diff */
	other = commit(f, &c1, "x86.c", "one\ntwo\n", "a@x", "KVM: x86: two", T0 + DAY, NULL);
	p1 = patch_id_of(f, &c1);
	p2 = patch_id_of(f, &other);

	begin(f);
	mail(f, "cover@x", "a@x", "[PATCH 0/3] KVM: x86: things", T0, NULL);
	mail(f, "p1@x", "a@x", "[PATCH 1/3] KVM: x86: one", T0, &p1);
	mail(f, "p2@x", "A@X", "[PATCH 2/3] KVM: x86:  Two", T0, &p2);
	mail(f, "p4@x", "a@x", "[PATCH 3/3] KVM: x86: four", T0, &p2);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	assert_int_equal(kvmd_applied_refs(a, &refs), 1);
	assert_string_equal(refs[0], next);

	ok(0, kvmd_applied_refresh(a, 2, &stats, &f->u.err));
	assert_int_equal(stats.refs, 1);
	assert_int_equal(stats.bound, T0 - 30 * DAY);
	/* c3, c2, c1, side: the merge is walked through, `old` is past the bound */
	assert_int_equal(stats.walked, 4);
	assert_int_equal(stats.hashed, 4);
	assert_int_equal(query(f, "SELECT count(*) FROM code"), 4);
	assert_int_equal(query(f, "SELECT count(*) FROM code_ref"), 4);
	assert_int_equal(query(f, "SELECT count(*) FROM code WHERE patch_id IS NULL"), 0);
	assert_int_equal(query(f, "SELECT bound FROM applied_ref"), T0 - 30 * DAY);

	line(&want, "p1@x", &c1, next, "patch-id");
	line(&want, "p2@x", &c2, next, "subject");
	expect_applied(f, a, ids, 6, want.ptr);
	/* p4 has p2's patch-id: c2's subject is not p4's, and no commit has that id */
	kvmd_buf_reset(&want);
	line(&want, "p1@x", &c1, next, "patch-id");
	expect_applied(f, a, ids + 1, 1, want.ptr);

	kvmd_applied_free(a);
	commit_run(f);
	kvmd_buf_release(&want);
	(void)c3;
}

/* Later runs walk only what is new; a rewritten ref forgets what it held. */
static void test_applied_incremental_and_rewritten(void **state)
{
	struct fixture *f = *state;
	const char *queue = "refs/remotes/kvm/queue";
	const char *patterns[] = { queue };
	const char *ids[] = { "p1@x", "p2@x", "p3@x" };
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_stats stats;
	struct kvmd_buf want = KVMD_BUF_INIT;
	git_oid base, c1, c2, c3, r2, p1, p2, p3;

	base = commit(f, NULL, "a.c", "a\n", "o@x", "KVM: base", T0 - 5 * DAY, NULL);
	c1 = commit(f, &base, "b.c", "b\n", "a@x", "KVM: one", T0 + DAY, queue);
	p1 = patch_id_of(f, &c1);
	begin(f);
	mail(f, "p1@x", "a@x", "[PATCH] KVM: one", T0, &p1);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 1, &stats, &f->u.err));
	assert_int_equal(stats.hashed, 2);
	kvmd_applied_free(a);
	commit_run(f);

	/* two new commits: only they are walked and hashed */
	c2 = commit(f, &c1, "c.c", "c\n", "a@x", "KVM: two", T0 + 2 * DAY, NULL);
	c3 = commit(f, &c2, "d.c", "d\n", "a@x", "KVM: three", T0 + 3 * DAY, queue);
	p2 = patch_id_of(f, &c2);
	p3 = patch_id_of(f, &c3);
	begin(f);
	mail(f, "p2@x", "a@x", "[PATCH] KVM: two", T0 + DAY, &p2);
	mail(f, "p3@x", "a@x", "[PATCH] KVM: three", T0 + DAY, &p3);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 2, &stats, &f->u.err));
	assert_int_equal(stats.walked, 2);
	assert_int_equal(stats.hashed, 2);
	assert_int_equal(stats.bound, 0);
	line(&want, "p1@x", &c1, queue, "patch-id");
	line(&want, "p2@x", &c2, queue, "patch-id");
	line(&want, "p3@x", &c3, queue, "patch-id");
	expect_applied(f, a, ids, 3, want.ptr);
	/* nothing new: nothing walked */
	ok(0, kvmd_applied_refresh(a, 2, &stats, &f->u.err));
	assert_int_equal(stats.walked, 0);
	kvmd_applied_free(a);
	commit_run(f);

	/* the queue rebased without patch 3: walked again, c3 no longer applied */
	r2 = commit(f, &c1, "c.c", "c\n", "a@x", "KVM: two", T0 + 4 * DAY, queue);
	begin(f);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 2, &stats, &f->u.err));
	assert_int_equal(stats.walked, 3);  /* r2, c1, base */
	assert_int_equal(stats.hashed, 1);  /* r2 only: the others are stored */
	kvmd_buf_reset(&want);
	line(&want, "p1@x", &c1, queue, "patch-id");
	line(&want, "p2@x", &r2, queue, "patch-id");  /* c2, its twin, is gone */
	expect_applied(f, a, ids, 3, want.ptr);
	kvmd_applied_free(a);
	commit_run(f);
	kvmd_buf_release(&want);
}

/* A commit on two refs comes once, with the ref of the first pattern. */
static void test_applied_rank(void **state)
{
	struct fixture *f = *state;
	const char *patterns[] = { "refs/remotes/kvm/n*", "refs/remotes/kvm/*", "refs/heads/*" };
	const char *ids[] = { "p1@x", "p2@x" };
	struct kvmd_applied *a = NULL, *b = NULL;
	struct kvmd_buf want = KVMD_BUF_INIT;
	const char *const *refs;
	git_oid c1, c2, p1, p2, twin;

	c1 = commit(f, NULL, "a.c", "a\n", "a@x", "KVM: one", T0, "refs/remotes/kvm/next");
	c2 = commit(f, &c1, "b.c", "b\n", "a@x", "KVM: two", T0 + DAY, "refs/remotes/kvm/queue");
	p1 = patch_id_of(f, &c1);
	p2 = patch_id_of(f, &c2);
	begin(f);
	mail(f, "p1@x", "a@x", "[PATCH 1/2] KVM: one", T0, &p1);
	mail(f, "p2@x", "a@x", "[PATCH 2/2] KVM: two", T0, &p2);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 3, &f->u.err));
	assert_int_equal(kvmd_applied_refs(a, &refs), 2);
	assert_string_equal(refs[0], "refs/remotes/kvm/next");
	assert_string_equal(refs[1], "refs/remotes/kvm/queue");
	ok(0, kvmd_applied_refresh(a, 1, NULL, &f->u.err));
	assert_int_equal(query(f, "SELECT count(*) FROM code_ref"), 3);
	line(&want, "p1@x", &c1, "refs/remotes/kvm/next", "patch-id");
	line(&want, "p2@x", &c2, "refs/remotes/kvm/queue", "patch-id");
	expect_applied(f, a, ids, 2, want.ptr);
	kvmd_applied_free(a);

	/* the same change on a third ref, ranked after: it comes second */
	twin = commit(f, NULL, "a.c", "a\n", "a@x", "KVM: one", T0 + 2 * DAY, "refs/heads/stable");
	ok(0, kvmd_applied_open(&b, f->ix, f->repo, patterns, 3, &f->u.err));
	ok(0, kvmd_applied_refresh(b, 1, NULL, &f->u.err));
	kvmd_buf_reset(&want);
	line(&want, "p1@x", &c1, "refs/remotes/kvm/next", "patch-id");
	line(&want, "p1@x", &twin, "refs/heads/stable", "patch-id");
	expect_applied(f, b, ids, 1, want.ptr);
	kvmd_applied_free(b);
	kvmd_buf_reset(&want);

	/* the other order of patterns: queue first */
	patterns[0] = "kvm/queue";
	kvmd_buf_reset(&want);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 3, &f->u.err));
	line(&want, "p1@x", &c1, "refs/remotes/kvm/queue", "patch-id");
	line(&want, "p1@x", &twin, "refs/heads/stable", "patch-id");
	line(&want, "p2@x", &c2, "refs/remotes/kvm/queue", "patch-id");
	expect_applied(f, a, ids, 2, want.ptr);
	kvmd_applied_free(a);
	commit_run(f);
	kvmd_buf_release(&want);
}

/* Commit -> posted: by patch-id, the newest version; else by author and subject. */
static void test_applied_posted(void **state)
{
	struct fixture *f = *state;
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_post post;
	git_commit *c = NULL;
	git_oid c1, c2, c3, p1, p2, junk;

	c1 = commit(f, NULL, "a.c", "a\n", "a@x", "KVM: one", T0, NULL);
	c2 = commit(f, &c1, "b.c", "b\n", "A@x", "KVM: two", T0 + DAY, NULL);
	c3 = commit(f, &c2, "c.c", "c\n", "a@x", "KVM: three", T0 + 2 * DAY, NULL);
	p1 = patch_id_of(f, &c1);
	p2 = patch_id_of(f, &c2);
	memset(&junk, 0x5a, sizeof(junk));
	begin(f);
	mail(f, "v1@x", "a@x", "[PATCH 1/2] KVM: one", T0 - 9 * DAY, &p1);
	mail(f, "v2@x", "a@x", "[PATCH v2 1/3] KVM: one", T0 - 5 * DAY, &p1);
	mail(f, "v2-again@x", "a@x", "[PATCH RESEND v2 1/3] KVM: one", T0 - 4 * DAY, &p1);
	mail(f, "v1b@x", "a@x", "[PATCH v3 2/2] KVM: two", T0 - 9 * DAY, &junk);
	mail(f, "reply@x", "a@x", "Re: [PATCH v3 2/2] KVM: two", T0 - 8 * DAY, NULL);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, NULL, 0, &f->u.err));

	assert_int_equal(git_commit_lookup(&c, f->repo, &c1), 0);
	ok(0, kvmd_applied_store_commit(a, c, &p1, &f->u.err));
	ok(0, kvmd_applied_store_commit(a, c, &p1, &f->u.err));
	assert_int_equal(query(f, "SELECT count(*) FROM code"), 1);
	ok(1, kvmd_applied_posted(&post, a, c, &p1, &f->u.err));
	assert_string_equal(post.message_id, "v2-again@x");
	assert_int_equal(post.version, 2);
	assert_int_equal(post.number, 1);
	assert_int_equal(post.total, 3);
	assert_int_equal(post.date, T0 - 4 * DAY);
	assert_int_equal(post.how, KVMD_APPLIED_PATCH_ID);
	git_commit_free(c);

	/* changed on the way in: the author (any case) and subject */
	assert_int_equal(git_commit_lookup(&c, f->repo, &c2), 0);
	ok(1, kvmd_applied_posted(&post, a, c, &p2, &f->u.err));
	assert_string_equal(post.message_id, "v1b@x");
	assert_int_equal(post.version, 3);
	assert_int_equal(post.how, KVMD_APPLIED_SUBJECT);
	git_commit_free(c);

	assert_int_equal(git_commit_lookup(&c, f->repo, &c3), 0);
	ok(0, kvmd_applied_posted(&post, a, c, NULL, &f->u.err));
	assert_null(post.message_id);
	git_commit_free(c);

	/* no applied ref: nothing is applied */
	ok(0, kvmd_applied_refresh(a, 1, NULL, &f->u.err));
	expect_applied(f, a, (const char *const[]){ "v1@x" }, 1, "");
	kvmd_applied_free(a);
	commit_run(f);
}

/* An older mail indexed later moves the bound back: the ref is walked again. */
static void test_applied_older_mails(void **state)
{
	struct fixture *f = *state;
	const char *patterns[] = { "refs/heads/master" };
	const char *ids[] = { "old@x" };
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_stats stats;
	struct kvmd_buf want = KVMD_BUF_INIT;
	git_oid old, c1, p, pold;

	old = commit(f, NULL, "a.c", "a\n", "a@x", "KVM: old", T0 - 200 * DAY, NULL);
	c1 = commit(f, &old, "b.c", "b\n", "a@x", "KVM: new", T0, "refs/heads/master");
	p = patch_id_of(f, &c1);
	pold = patch_id_of(f, &old);
	begin(f);
	mail(f, "new@x", "a@x", "[PATCH] KVM: new", T0, &p);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 1, &stats, &f->u.err));
	assert_int_equal(stats.hashed, 1);
	expect_applied(f, a, ids, 1, "");
	kvmd_applied_free(a);
	commit_run(f);

	begin(f);
	mail(f, "old@x", "a@x", "[PATCH] KVM: old", T0 - 190 * DAY, &pold);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 1, &stats, &f->u.err));
	assert_int_equal(stats.bound, T0 - 220 * DAY);
	assert_int_equal(stats.walked, 2);
	assert_int_equal(stats.hashed, 1);
	line(&want, "old@x", &old, "refs/heads/master", "patch-id");
	expect_applied(f, a, ids, 1, want.ptr);
	kvmd_applied_free(a);
	commit_run(f);
	kvmd_buf_release(&want);
}

/* With no patch mail indexed there is nothing to match: no walk, no tip. */
static void test_applied_no_mail_no_walk(void **state)
{
	struct fixture *f = *state;
	const char *patterns[] = { "refs/heads/*" };
	struct kvmd_applied *a = NULL;
	struct kvmd_applied_stats stats;

	commit(f, NULL, "a.c", "a\n", "a@x", "KVM: one", T0, "refs/heads/main");
	begin(f);
	mail(f, "cover@x", "a@x", "[PATCH 0/1] KVM: cover", T0, NULL);
	ok(0, kvmd_applied_open(&a, f->ix, f->repo, patterns, 1, &f->u.err));
	ok(0, kvmd_applied_refresh(a, 1, &stats, &f->u.err));
	assert_int_equal(stats.walked, 0);
	assert_int_equal(query(f, "SELECT count(*) FROM code"), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM applied_ref WHERE tip IS NOT NULL"), 0);
	kvmd_applied_free(a);
	commit_run(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_applied_first_walk_and_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_incremental_and_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_rank, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_posted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_older_mails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_no_mail_no_walk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
