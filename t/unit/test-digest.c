/*
 * Unit tests for lib/digest.c: entries, series and listings from messages
 * filled in by hand (the scanner's side is tested end to end).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/digest.h"
#include "../../lib/render.h"
#include "../../lib/subject.h"
#include "../../lib/tally.h"

struct fixture {
	struct kvmd_digest *d;
	struct kvmd_subject_parser *subjects;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->d = kvmd_digest_new();
	f->subjects = kvmd_subject_parser_new(NULL);
	if (!f->d || !f->subjects)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_digest_free(f->d);
	kvmd_subject_parser_free(f->subjects);
	free(f);
	return 0;
}

/* One mail of a test, as few words as the digest needs. */
struct mail {
	size_t seq;
	const char *subject;
	const char *name, *email;
	const char *message_id, *in_reply_to, *ref; /* ref: the only Reference */
};

static void add_mail(struct kvmd_digest *d, struct kvmd_subject_parser *sp,
		     const struct mail *m)
{
	struct kvmd_message msg;
	const char *refs[1];
	char commit[41], body[128];

	memset(&msg, 0, sizeof(msg));
	snprintf(commit, sizeof(commit), "%040zx", m->seq + 0xc0ffee);
	snprintf(body, sizeof(body), "body of %s\n", m->subject);
	msg.commit = commit;
	msg.seq = m->seq;
	msg.subject = m->subject;
	kvmd_subject_parse(&msg.tag, sp, m->subject);
	msg.contributor_name = m->name;
	msg.contributor_email = m->email;
	msg.from_name = m->name;
	msg.from_email = m->email;
	msg.message_id = m->message_id;
	msg.in_reply_to = m->in_reply_to;
	if (m->ref) {
		refs[0] = m->ref;
		msg.refs = refs;
		msg.nrefs = 1;
	}
	msg.body = body;
	msg.body_len = strlen(body);
	kvmd_digest_add_mail(d, &msg);
}

static void add_mails(struct kvmd_digest *d, struct kvmd_subject_parser *sp,
		      const struct mail *m, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		add_mail(d, sp, &m[i]);
}

#define ADD_ALL(f, mails) add_mails((f)->d, (f)->subjects, (mails), \
				    sizeof(mails) / sizeof((mails)[0]))

static const char *who(const struct kvmd_digest *d, size_t i)
{
	const struct kvmd_tally *t = kvmd_digest_contributors(d);
	const char *name = kvmd_tally_name(t, i);

	return name ? name : kvmd_tally_email(t, i);
}

/*
 * The finished digest as text: the listings, then the entries, so that a
 * test compares the whole outcome at once and a failure shows all of it.
 */
static char *dump(const struct kvmd_digest *d)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	const struct kvmd_listing *l;
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	size_t nl = kvmd_digest_listings(d, &l), ne = kvmd_digest_entry_count(d), i;

	for (i = 0; i < nl; i++) {
		kvmd_buf_addf(&out, "L %zu %s (%s, %zu)", l[i].pos, l[i].subject,
			      who(d, l[i].contributor), l[i].messages);
		if (l[i].commit)
			kvmd_buf_addf(&out, " commit %.12s", l[i].commit);
		kvmd_buf_addch(&out, '\n');
	}
	for (i = 0; i < ne; i++) {
		assert_int_equal(kvmd_digest_entry(d, i, &e), 0);
		kvmd_buf_addf(&out, "E %zu %s%s (%s)\n", e.seq, e.subject,
			      e.is_code ? " [code]" : "", who(d, e.contributor));
	}
	kvmd_entry_release(&e);
	return kvmd_buf_detach(&out, NULL);
}

static void assert_dump(const struct kvmd_digest *d, const char *want)
{
	char *got = dump(d);

	assert_string_equal(got, want);
	free(got);
}

/* The contributors table, "count text" a row, against `want`. */
static void assert_contributors(const struct kvmd_digest *d, const char *want)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	struct kvmd_tally_row *rows;
	size_t i, nr = kvmd_tally_rows(kvmd_digest_contributors(d), 0, &rows);

	for (i = 0; i < nr; i++)
		kvmd_buf_addf(&out, "%zu %s\n", rows[i].count, rows[i].text);
	kvmd_tally_rows_free(rows, nr);
	assert_string_equal(out.ptr, want);
	kvmd_buf_release(&out);
}

#define SAMPAT "Pratik R. Sampat", "prsampat@amd.com"
#define ODAKI "Akihiko Odaki", "akihiko.odaki@daynix.com"
#define BONZINI "Paolo Bonzini", "pbonzini@redhat.com"
#define MAO "Bibo Mao", "maobibo@loongson.cn"

/* A cover letter and its patches, added in a scrambled order. */
static const struct mail cover_series[] = {
	{ 1, "[PATCH v8 02/03] KVM: selftests: two", SAMPAT, "p2@amd", "c@amd", "c@amd" },
	{ 3, "[PATCH v8 00/03] Basic SEV-SNP Selftests", SAMPAT, "c@amd", NULL, NULL },
	{ 0, "[PATCH v8 03/03] KVM: selftests: three", SAMPAT, "p3@amd", "c@amd", "c@amd" },
	{ 2, "[PATCH v8 01/03] KVM: selftests: one", SAMPAT, "p1@amd", "c@amd", "c@amd" },
};

static void test_digest_cover_series(void **state)
{
	struct fixture *f = *state;
	struct kvmd_entry e = KVMD_ENTRY_INIT;

	ADD_ALL(f, cover_series);
	kvmd_digest_finish(f->d);
	/* one listing with the cover's subject; 0/N and 1/N are entries */
	assert_dump(f->d,
		    "L 2 [PATCH v8 00/03] Basic SEV-SNP Selftests (Pratik R. Sampat, 4)\n"
		    "E 2 [PATCH v8 01/03] KVM: selftests: one (Pratik R. Sampat)\n"
		    "E 3 [PATCH v8 00/03] Basic SEV-SNP Selftests (Pratik R. Sampat)\n");
	assert_int_equal(kvmd_digest_mail_count(f->d), 4);
	assert_int_equal(kvmd_digest_code_count(f->d), 0);

	/* what an entry keeps */
	assert_int_equal(kvmd_digest_entry_count(f->d), 2);
	assert_int_equal(kvmd_digest_entry(f->d, 0, &e), 0);
	assert_string_equal(e.author, "Pratik R. Sampat <prsampat@amd.com>");
	assert_string_equal(e.body, "body of [PATCH v8 01/03] KVM: selftests: one\n");
	assert_string_equal(e.commit, "0000000000000000000000000000000000c0fff0");
	assert_false(e.is_code);
	assert_null(e.diffstat);
	assert_int_equal(e.tag.kind, KVMD_KIND_PATCH);
	assert_int_equal(e.tag.number, 1);
	assert_int_equal(e.tag.version, 8);
	assert_int_equal(e.ntrailers, 0);
	kvmd_entry_release(&e);
}

/* The patches name the cover by In-Reply-To only, or by References only. */
static const struct mail cover_by_one_header[] = {
	{ 0, "[PATCH 2/2] LoongArch: KVM: b", MAO, "m2@l", NULL, "mc@l" },
	{ 1, "[PATCH 1/2] LoongArch: KVM: a", MAO, "m1@l", "mc@l", NULL },
	{ 2, "[PATCH 0/2] LoongArch: KVM: Small enhancements", MAO, "mc@l", NULL, NULL },
};

static void test_digest_cover_by_irt_or_refs(void **state)
{
	struct fixture *f = *state;

	ADD_ALL(f, cover_by_one_header);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 1 [PATCH 0/2] LoongArch: KVM: Small enhancements (Bibo Mao, 3)\n"
		    "E 1 [PATCH 1/2] LoongArch: KVM: a (Bibo Mao)\n"
		    "E 2 [PATCH 0/2] LoongArch: KVM: Small enhancements (Bibo Mao)\n");
}

/*
 * Several listings: ordered by their first entry, newest first, whatever
 * the order of adds; replies and other mail are counted but listed nowhere.
 */
static const struct mail many[] = {
	{ 6, "[PATCH net-next v8 0/2] tun: hashing", ODAKI, "oc@d", NULL, NULL },
	{ 7, "[PATCH] KVM: x86: block KVM_CAP_SYNC_REGS", BONZINI, "b1@r", NULL, NULL },
	{ 2, "Re: [PATCH net-next v8 1/2] virtio_net: hash", BONZINI, "r1@r", "o1@d", "oc@d" },
	{ 5, "[PATCH net-next v8 1/2] virtio_net: hash", ODAKI, "o1@d", "oc@d", "oc@d" },
	{ 0, "[PATCH net-next v8 2/2] tun: more", ODAKI, "o2@d", "oc@d", "oc@d" },
	{ 3, "[GIT PULL] KVM changes", BONZINI, "pull@r", NULL, NULL },
	{ 4, "[PATCH 0/1] LoongArch: x", MAO, "mc@l", NULL, NULL },
	{ 1, "[PATCH 1/1] LoongArch: y", MAO, "m1@l", "mc@l", "mc@l" },
};

static void test_digest_listing_order(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_tally *t;

	ADD_ALL(f, many);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 1 [PATCH 0/1] LoongArch: x (Bibo Mao, 2)\n"
		    "L 5 [PATCH net-next v8 0/2] tun: hashing (Akihiko Odaki, 3)\n"
		    "L 7 [PATCH] KVM: x86: block KVM_CAP_SYNC_REGS (Paolo Bonzini, 1)\n"
		    "E 1 [PATCH 1/1] LoongArch: y (Bibo Mao)\n"
		    "E 4 [PATCH 0/1] LoongArch: x (Bibo Mao)\n"
		    "E 5 [PATCH net-next v8 1/2] virtio_net: hash (Akihiko Odaki)\n"
		    "E 6 [PATCH net-next v8 0/2] tun: hashing (Akihiko Odaki)\n"
		    "E 7 [PATCH] KVM: x86: block KVM_CAP_SYNC_REGS (Paolo Bonzini)\n");

	/* the reply and the pull request count for their sender */
	t = kvmd_digest_contributors(f->d);
	assert_int_equal(kvmd_digest_mail_count(f->d), 8);
	assert_int_equal(kvmd_tally_total(t), 8);
	assert_int_equal(kvmd_tally_count(t, kvmd_tally_find(t, "pbonzini@redhat.com")), 3);
	assert_int_equal(kvmd_tally_count(t, kvmd_tally_find(t, "akihiko.odaki@daynix.com")), 3);
}

static const struct mail replies_only[] = {
	{ 0, "Re: [PATCH] KVM: x86: x", BONZINI, "r1@r", "b1@r", "b1@r" },
	{ 1, "RE: [PATCH v2 1/3] KVM: x86: y", MAO, "r2@l", "p@x", "p@x" },
	{ 2, "Question about KVM_RUN", ODAKI, "q@d", NULL, NULL },
};

static void test_digest_replies_are_no_entries(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_tally *t = kvmd_digest_contributors(f->d);

	ADD_ALL(f, replies_only);
	kvmd_digest_finish(f->d);
	assert_dump(f->d, "");
	assert_int_equal(kvmd_digest_mail_count(f->d), 3);
	assert_int_equal(kvmd_tally_total(t), 3);
	assert_int_equal(kvmd_tally_size(t), 3);
}

/* No cover in the range: the same From, version, N and thread root. */
static const struct mail no_cover[] = {
	/* sent as replies to the 1/3, as git send-email does without a cover */
	{ 0, "[PATCH v2 3/3] KVM: c", SAMPAT, "s3@a", "s1@a", "s1@a" },
	{ 1, "[PATCH v2 2/3] KVM: b", SAMPAT, "s2@a", "s1@a", "s1@a" },
	{ 2, "[PATCH v2 1/3] KVM: a", SAMPAT, "s1@a", NULL, NULL },
	/* another series by the same sender: other version, thread and N */
	{ 3, "[PATCH v1 2/2] KVM: y", SAMPAT, "t2@a", "tc@a", "tc@a" },
	{ 4, "[PATCH v1 1/2] KVM: x", SAMPAT, "t1@a", "tc@a", "tc@a" },
	/* same version, N and root, but another sender: its own series */
	{ 5, "[PATCH v1 1/2] KVM: z", ODAKI, "u1@d", "tc@a", "tc@a" },
};

static void test_digest_series_without_cover(void **state)
{
	struct fixture *f = *state;

	ADD_ALL(f, no_cover);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 2 [PATCH v2 1/3] KVM: a (Pratik R. Sampat, 3)\n"
		    "L 4 [PATCH v1 1/2] KVM: x (Pratik R. Sampat, 2)\n"
		    "L 5 [PATCH v1 1/2] KVM: z (Akihiko Odaki, 1)\n"
		    "E 2 [PATCH v2 1/3] KVM: a (Pratik R. Sampat)\n"
		    "E 4 [PATCH v1 1/2] KVM: x (Pratik R. Sampat)\n"
		    "E 5 [PATCH v1 1/2] KVM: z (Akihiko Odaki)\n");
}

/*
 * Only later patches of two series in the range (2/4..4/4 and 2/3..3/3,
 * one deep-threaded, In-Reply-To its predecessor): the patch list
 * follows the entries, and none is a new patch, so there is no line;
 * every message still counts in the tables.
 */
static const struct mail later_only[] = {
	{ 0, "[PATCH v2 4/4] KVM: d", SAMPAT, "z4@a", "z0@a", "z0@a" },
	{ 1, "[PATCH v3 3/3] KVM: y", ODAKI, "w3@d", "w0@d", "w0@d" },
	{ 2, "[PATCH v2 2/4] KVM: b", SAMPAT, "z2@a", "z0@a", "z0@a" },
	{ 3, "[PATCH v2 3/4] KVM: c", SAMPAT, "z3@a", "z0@a", "z0@a" },
	{ 4, "[PATCH v3 2/3] KVM: x", ODAKI, "w2@d", "w1@d", "w0@d" },
};

/* Adds `m` in walk order and backwards: both digests dump as `want`. */
static void assert_both_orders(struct fixture *f, const struct mail *m, size_t n,
			       const char *want)
{
	struct kvmd_digest *backward = kvmd_digest_new();
	size_t i;

	for (i = 0; i < n; i++) {
		add_mail(f->d, f->subjects, &m[i]);
		add_mail(backward, f->subjects, &m[n - 1 - i]);
	}
	kvmd_digest_finish(f->d);
	kvmd_digest_finish(backward);
	assert_dump(f->d, want);
	assert_dump(backward, want);
	kvmd_digest_free(backward);
}

static void test_digest_later_patches_only(void **state)
{
	struct fixture *f = *state;

	assert_both_orders(f, later_only, sizeof(later_only) / sizeof(later_only[0]), "");
	assert_contributors(f->d,
			    "3 \"Pratik R. Sampat\" <prsampat@amd.com>\n"
			    "2 Akihiko Odaki <akihiko.odaki@daynix.com>\n");
}

/*
 * A later patch without N (the subject parser never makes one, a caller
 * might): each is a series of its own, and no new patch: no line.
 */
static void test_digest_later_without_total(void **state)
{
	struct fixture *f = *state;
	struct kvmd_message m;
	size_t seq;

	for (seq = 0; seq < 2; seq++) {
		memset(&m, 0, sizeof(m));
		m.commit = "00000000000000000000000000000000000000cc";
		m.seq = seq;
		m.subject = "[PATCH 3] KVM: odd";
		m.tag.kind = KVMD_KIND_PATCH;
		m.tag.version = 1;
		m.tag.number = 3;
		m.tag.total = -1;
		m.contributor_name = m.from_name = "Bibo Mao";
		m.contributor_email = m.from_email = "maobibo@loongson.cn";
		m.message_id = seq ? "o1@l" : "o0@l";
		m.in_reply_to = "gone@l";
		kvmd_digest_add_mail(f->d, &m);
	}
	kvmd_digest_finish(f->d);
	assert_dump(f->d, "");
	assert_contributors(f->d, "2 Bibo Mao <maobibo@loongson.cn>\n");
}

/* Two series of the same sender in one thread differ by version. */
static const struct mail no_cover_versions[] = {
	{ 0, "[PATCH v3 1/2] KVM: a", SAMPAT, "v3a@a", "root@a", "root@a" },
	{ 1, "[PATCH v3 2/2] KVM: b", SAMPAT, "v3b@a", "root@a", "root@a" },
	{ 2, "[PATCH v2 2/2] KVM: b", SAMPAT, "v2b@a", "root@a", "root@a" },
	{ 3, "[PATCH v2 1/2] KVM: a", SAMPAT, "v2a@a", "root@a", "root@a" },
};

static void test_digest_series_without_cover_versions(void **state)
{
	struct fixture *f = *state;

	ADD_ALL(f, no_cover_versions);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 0 [PATCH v3 1/2] KVM: a (Pratik R. Sampat, 2)\n"
		    "L 3 [PATCH v2 1/2] KVM: a (Pratik R. Sampat, 2)\n"
		    "E 0 [PATCH v3 1/2] KVM: a (Pratik R. Sampat)\n"
		    "E 3 [PATCH v2 1/2] KVM: a (Pratik R. Sampat)\n");
}

static const struct mail lone[] = {
	{ 0, "[PATCH]  KVM: SVM: avoid frequency indirect calls", "Peng Hao",
	  "flyingpeng@tencent.com", "ph@t", NULL, NULL },
};

static void test_digest_lone_patch(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_listing *l;

	ADD_ALL(f, lone);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 0 [PATCH]  KVM: SVM: avoid frequency indirect calls (Peng Hao, 1)\n"
		    "E 0 [PATCH]  KVM: SVM: avoid frequency indirect calls (Peng Hao)\n");
	assert_int_equal(kvmd_digest_listings(f->d, &l), 1);
	assert_null(l[0].commit);
}

/* Two lone patches of one sender are two listings, even in one thread. */
static const struct mail two_lone[] = {
	{ 0, "[PATCH] KVM: b", BONZINI, "b@r", "a@r", "a@r" },
	{ 1, "[PATCH] KVM: a", BONZINI, "a@r", NULL, NULL },
};

static void test_digest_lone_patches_apart(void **state)
{
	struct fixture *f = *state;

	ADD_ALL(f, two_lone);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 0 [PATCH] KVM: b (Paolo Bonzini, 1)\n"
		    "L 1 [PATCH] KVM: a (Paolo Bonzini, 1)\n"
		    "E 0 [PATCH] KVM: b (Paolo Bonzini)\n"
		    "E 1 [PATCH] KVM: a (Paolo Bonzini)\n");
}

static void test_digest_entries_sorted_by_seq(void **state)
{
	struct fixture *f = *state;
	static const size_t order[] = { 7, 2, 9, 0, 5, 3, 8, 1, 6, 4 };
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	size_t i, n;

	for (i = 0; i < 10; i++) {
		char subject[64], id[32];
		struct mail m = { order[i], subject, BONZINI, id, NULL, NULL };

		snprintf(subject, sizeof(subject), "[PATCH] KVM: fix %zu", order[i]);
		snprintf(id, sizeof(id), "id%zu@r", order[i]);
		add_mail(f->d, f->subjects, &m);
	}
	kvmd_digest_finish(f->d);
	n = kvmd_digest_entry_count(f->d);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "[PATCH] KVM: fix %zu", i);
		assert_int_equal(kvmd_digest_entry(f->d, i, &e), 0);
		assert_int_equal(e.seq, i);
		assert_string_equal(e.subject, want);
	}
	kvmd_entry_release(&e);
}

static void add_code(struct kvmd_digest *d, size_t seq, const char *hex,
		     const char *subject, const char *name, const char *email)
{
	struct kvmd_code_commit c;

	memset(&c, 0, sizeof(c));
	c.commit = hex;
	c.seq = seq;
	c.subject = subject;
	c.author_name = name;
	c.author_email = email;
	c.body = "Why it changes.\n";
	c.body_len = strlen(c.body);
	c.diffstat = " x.c | 1 +\n 1 file changed, 1 insertion(+)\n";
	kvmd_digest_add_code(d, &c);
}

static void test_digest_code_commits(void **state)
{
	struct fixture *f = *state;
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	const struct kvmd_listing *l;

	add_code(f->d, 1, "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
		 "KVM: x86: one", BONZINI);
	add_code(f->d, 0, "ffeeddccbbaa99887766554433221100ffeeddcc",
		 "KVM: x86: two", BONZINI);
	kvmd_digest_finish(f->d);
	assert_dump(f->d,
		    "L 0 KVM: x86: two (Paolo Bonzini, 1) commit ffeeddccbbaa\n"
		    "L 1 KVM: x86: one (Paolo Bonzini, 1) commit 1a2b3c4d5e6f\n"
		    "E 0 KVM: x86: two [code] (Paolo Bonzini)\n"
		    "E 1 KVM: x86: one [code] (Paolo Bonzini)\n");
	assert_int_equal(kvmd_digest_code_count(f->d), 2);
	assert_int_equal(kvmd_digest_mail_count(f->d), 0);

	assert_int_equal(kvmd_digest_entry_count(f->d), 2);
	assert_int_equal(kvmd_digest_entry(f->d, 1, &e), 0);
	assert_true(e.is_code);
	assert_string_equal(e.commit, "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");
	assert_string_equal(e.author, "Paolo Bonzini <pbonzini@redhat.com>");
	assert_string_equal(e.body, "Why it changes.\n");
	assert_string_equal(e.diffstat, " x.c | 1 +\n 1 file changed, 1 insertion(+)\n");
	kvmd_entry_release(&e);
	assert_int_equal(kvmd_digest_listings(f->d, &l), 2);
	assert_string_equal(l[1].commit, "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");
	assert_int_equal(kvmd_tally_count(kvmd_digest_contributors(f->d), l[1].contributor), 2);
}

/*
 * What an entry keeps comes back whole, from memory or from the file it
 * waits in: trailers with and without a name or address, a diffstat,
 * and a body cut at KVMD_ENTRY_MAX.
 */
static char *entry_round_trip(struct kvmd_subject_parser *sp, int spill,
			      rlim_t file_limit)
{
	static const struct kvmd_trailer trailers[] = {
		{ "Signed-off-by", "Paolo Bonzini <pbonzini@redhat.com>",
		  "Paolo Bonzini", "pbonzini@redhat.com" },
		{ "Link", "https://lore.kernel.org/r/x@y", NULL, NULL },
		{ "Reported-by", "<only@address>", NULL, "only@address" },
	};
	struct kvmd_digest *d = kvmd_digest_new();
	struct kvmd_buf body = KVMD_BUF_INIT, out = KVMD_BUF_INIT;
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	struct kvmd_code_commit c;
	struct kvmd_message m;
	size_t i, k;

	struct rlimit old, lim;

	if (spill)
		assert_int_equal(kvmd_digest_spill(d), 0);
	if (file_limit) {
		/* a full disk, as far as the digest can tell: EFBIG */
		signal(SIGXFSZ, SIG_IGN);
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
		lim = old;
		lim.rlim_cur = file_limit;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	}
	while (body.len < KVMD_ENTRY_MAX + 100)
		kvmd_buf_adds(&body, "a line of a long patch\n");
	memset(&m, 0, sizeof(m));
	m.commit = "00000000000000000000000000000000000000aa";
	m.seq = 1;
	m.subject = "[PATCH v3] KVM: long";
	kvmd_subject_parse(&m.tag, sp, m.subject);
	m.contributor_name = m.from_name = "Peng Hao";
	m.contributor_email = m.from_email = "flyingpeng@tencent.com";
	m.message_id = "long@t";
	m.date = 1762300800;
	m.body = body.ptr;
	m.body_len = body.len;
	m.trailers = trailers;
	m.ntrailers = 3;
	kvmd_digest_add_mail(d, &m);
	memset(&c, 0, sizeof(c));
	c.commit = "00000000000000000000000000000000000000bb";
	c.seq = 0;
	c.subject = "KVM: x86: short";
	c.author_name = "Paolo Bonzini";
	c.author_email = "pbonzini@redhat.com";
	c.body = "Why.\n";
	c.body_len = 5;
	c.diffstat = " x.c | 1 +\n";
	c.trailers = trailers;
	c.ntrailers = 1;
	kvmd_digest_add_code(d, &c);
	if (file_limit)
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	kvmd_digest_finish(d);

	for (i = 0; i < kvmd_digest_entry_count(d); i++) {
		assert_int_equal(kvmd_digest_entry(d, i, &e), 0);
		kvmd_buf_addf(&out, "%s %zu %d %s|%s|%s|v%d %d/%d+%zu|%s|%s|",
			      e.commit, e.seq, e.is_code, e.subject, e.author,
			      e.diffstat ? e.diffstat : "(none)", e.tag.version,
			      e.tag.number, e.tag.total, e.tag.tag_end,
			      e.body + (e.body_len > 40 ? e.body_len - 40 : 0),
			      e.body_len == strlen(e.body) ? "len" : "bad");
		for (k = 0; k < e.ntrailers; k++)
			kvmd_buf_addf(&out, "%s=%s(%s,%s)", e.trailers[k].key, e.trailers[k].value,
				      e.trailers[k].name ? e.trailers[k].name : "-",
				      e.trailers[k].email ? e.trailers[k].email : "-");
		kvmd_buf_addf(&out, " %zu <%s> %lld\n", e.body_len,
			      e.message_id ? e.message_id : "(none)", (long long)e.date);
	}
	kvmd_entry_release(&e);
	kvmd_buf_release(&body);
	kvmd_digest_free(d);
	return kvmd_buf_detach(&out, NULL);
}

static void test_digest_entry_round_trip(void **state)
{
	struct fixture *f = *state;
	char *memory = entry_round_trip(f->subjects, 0, 0);
	char *spilled = entry_round_trip(f->subjects, 1, 0);
	/* the long one is cut short in the file and kept in memory, the next one is filed */
	char *mixed = entry_round_trip(f->subjects, 1, 40000);

	assert_string_equal(spilled, memory);
	assert_string_equal(mixed, memory);
	assert_string_equal(memory,
		"00000000000000000000000000000000000000bb 0 1 KVM: x86: short|"
		"Paolo Bonzini <pbonzini@redhat.com>| x.c | 1 +\n|v0 -1/-1+0|"
		"Why.\n|len|Signed-off-by=Paolo Bonzini <pbonzini@redhat.com>"
		"(Paolo Bonzini,pbonzini@redhat.com) 5 <(none)> 0\n"
		"00000000000000000000000000000000000000aa 1 0 [PATCH v3] KVM: long|"
		"Peng Hao <flyingpeng@tencent.com>|(none)|v3 -1/-1+10|"
		"ng patch\n[... 115 more bytes not shown]\n|len|"
		"Signed-off-by=Paolo Bonzini <pbonzini@redhat.com>(Paolo Bonzini,pbonzini@redhat.com)"
		"Link=https://lore.kernel.org/r/x@y(-,-)"
		"Reported-by=<only@address>(-,only@address) 65558 <long@t> 1762300800\n");
	free(memory);
	free(spilled);
	free(mixed);
}

/* The descriptor of the spill file, found as an unlinked file in `dir`. */
static int spill_fd_in(const char *dir)
{
	DIR *fds = opendir("/proc/self/fd");
	struct dirent *de;
	char prefix[4200];
	int fd = -1;

	if (!fds)
		return -1;
	snprintf(prefix, sizeof(prefix), "%s/git-kvmdigest-", dir);
	while (fd < 0 && (de = readdir(fds))) {
		char path[300], target[4300];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strncmp(target, prefix, strlen(prefix)) && strstr(target, " (deleted)"))
			fd = atoi(de->d_name);
	}
	closedir(fds);
	return fd;
}

/*
 * The entries wait in $TMPDIR, unlinked; when the file cannot be read
 * back, reading an entry and rendering fail with an error, not an
 * empty entry.
 */
static void test_digest_spill_file(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/test-digest-XXXXXX", *old = getenv("TMPDIR");
	struct kvmd_render_opts o = { .title = "t", .top = 15, .sections = KVMD_SECTIONS_DEFAULT,
				      .new_hex = "0123" };
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	struct kvmd_buf out = KVMD_BUF_INIT;
	int fd;

	if (access("/proc/self/fd", R_OK))
		skip();
	old = old ? strdup(old) : NULL;
	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	assert_int_equal(kvmd_digest_spill(f->d), 0);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	ADD_ALL(f, cover_series);
	kvmd_digest_finish(f->d);
	/* there, unlinked: nothing is left behind */
	fd = spill_fd_in(dir);
	assert_true(fd >= 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(kvmd_digest_entry(f->d, 1, &e), 0);
	assert_string_equal(e.subject, "[PATCH v8 00/03] Basic SEV-SNP Selftests");

	assert_int_equal(ftruncate(fd, 0), 0);
	errno = 0;
	assert_int_equal(kvmd_digest_entry(f->d, 1, &e), -1);
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_int_equal(kvmd_render_text(&out, f->d, &o), -1);
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_int_equal(kvmd_render_json(&out, f->d, &o), -1);
	assert_int_equal(errno, EIO);
	kvmd_entry_release(&e);
	kvmd_buf_release(&out);
}

static void test_digest_skipped(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_skip *sk;

	/* newest first once finished, in whatever order they came */
	kvmd_digest_add_skipped(f->d, "def", 7, "not an RFC 5322 message");
	kvmd_digest_add_skipped(f->d, "abc", 3, "no From address");
	kvmd_digest_finish(f->d);
	assert_int_equal(kvmd_digest_skipped(f->d, &sk), 2);
	assert_string_equal(sk[0].commit, "abc");
	assert_string_equal(sk[0].reason, "no From address");
	assert_string_equal(sk[1].commit, "def");
	assert_string_equal(sk[1].reason, "not an RFC 5322 message");
	assert_int_equal(kvmd_digest_mail_count(f->d), 0);
}

/*
 * Later patches of a series whose cover and first patch are older than
 * the range, two with the same number (a resend): no line, in whichever
 * order they come; the three count for their sender.
 */
static const struct mail resent[] = {
	{ 0, "[PATCH v2 2/3] KVM: b, resent", SAMPAT, "y2b@a", "y1@a", "y1@a" },
	{ 1, "[PATCH v2 3/3] KVM: c", SAMPAT, "y3@a", "y1@a", "y1@a" },
	{ 2, "[PATCH v2 2/3] KVM: b", SAMPAT, "y2@a", "y1@a", "y1@a" },
};

static void test_digest_resent_later_patches(void **state)
{
	struct fixture *f = *state;

	assert_both_orders(f, resent, sizeof(resent) / sizeof(resent[0]), "");
	assert_contributors(f->d, "3 \"Pratik R. Sampat\" <prsampat@amd.com>\n");
}

/* Everything at once, to add in several orders. */
static const struct mail everything[] = {
	{ 0, "[PATCH net-next v8 2/2] tun: more", ODAKI, "o2@d", "oc@d", "oc@d" },
	{ 1, "[PATCH 1/1] LoongArch: y", MAO, "m1@l", "mc@l", "mc@l" },
	{ 2, "Re: [PATCH net-next v8 1/2] virtio_net: hash", BONZINI, "r1@r", "o1@d", "oc@d" },
	{ 3, "[GIT PULL] KVM changes", BONZINI, "pull@r", NULL, NULL },
	{ 4, "[PATCH 0/1] LoongArch: x", MAO, "mc@l", NULL, NULL },
	{ 5, "[PATCH net-next v8 1/2] virtio_net: hash", ODAKI, "o1@d", "oc@d", "oc@d" },
	{ 6, "[PATCH net-next v8 0/2] tun: hashing", ODAKI, "oc@d", NULL, NULL },
	{ 7, "[PATCH] KVM: x86: block KVM_CAP_SYNC_REGS", BONZINI, "b1@r", NULL, NULL },
	{ 9, "[PATCH v2 3/3] KVM: c", SAMPAT, "s3@a", "s1@a", "s1@a" },
	{ 10, "[PATCH v2 2/3] KVM: b", SAMPAT, "s2@a", "s1@a", "s1@a" },
	{ 11, "[PATCH v2 1/3] KVM: a", "Pratik Sampat", "PRSAMPAT@amd.com", "s1@a", NULL, NULL },
};

/*
 * Everything added in walk order (0), backwards (1), or as two threads
 * taking turns with the two halves of the walk (2).
 */
/* All a finished digest says: dump(), the contributors, the counts, the skipped. */
static char *describe(const struct kvmd_digest *d)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	const struct kvmd_skip *sk;
	struct kvmd_tally_row *rows;
	size_t i, nr;
	char *text = dump(d);

	kvmd_buf_adds(&out, text);
	free(text);
	nr = kvmd_tally_rows(kvmd_digest_contributors(d), 0, &rows);
	for (i = 0; i < nr; i++)
		kvmd_buf_addf(&out, "T %zu %s\n", rows[i].count, rows[i].text);
	kvmd_tally_rows_free(rows, nr);
	kvmd_buf_addf(&out, "mails %zu codes %zu skipped %zu\n",
		      kvmd_digest_mail_count(d), kvmd_digest_code_count(d),
		      kvmd_digest_skipped(d, NULL));
	nr = kvmd_digest_skipped(d, &sk);
	for (i = 1; i < nr; i++)
		assert_true(sk[i - 1].seq < sk[i].seq);
	return kvmd_buf_detach(&out, NULL);
}

static char *digest_everything(struct kvmd_subject_parser *sp, int order)
{
	struct kvmd_digest *a = kvmd_digest_new();
	size_t i, n = sizeof(everything) / sizeof(everything[0]);
	char *text;

	if (order == 1)
		kvmd_digest_add_skipped(a, "abc", 12, "no From address");
	for (i = 0; i < n; i++) {
		size_t k = order == 0 ? i : order == 1 ? n - 1 - i :
			(i % 2 ? (n + 1) / 2 : 0) + i / 2;
		add_mail(a, sp, &everything[k]);
		if (i == n / 2)
			add_code(a, 8, "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
				 "KVM: x86: one", "Paolo Bonzini", "PBONZINI@redhat.com");
	}
	if (order != 1)
		kvmd_digest_add_skipped(a, "abc", 12, "no From address");
	kvmd_digest_finish(a);
	text = describe(a);
	kvmd_digest_free(a);
	return text;
}

static void test_digest_any_order(void **state)
{
	struct fixture *f = *state;
	char *one = digest_everything(f->subjects, 0);
	char *backward = digest_everything(f->subjects, 1);
	char *halves = digest_everything(f->subjects, 2);

	assert_string_equal(backward, one);
	assert_string_equal(halves, one);
	/* and the expectation itself */
	assert_string_equal(one,
		"L 1 [PATCH 0/1] LoongArch: x (Bibo Mao, 2)\n"
		"L 5 [PATCH net-next v8 0/2] tun: hashing (Akihiko Odaki, 3)\n"
		"L 7 [PATCH] KVM: x86: block KVM_CAP_SYNC_REGS (Paolo Bonzini, 1)\n"
		"L 8 KVM: x86: one (Paolo Bonzini, 1) commit 1a2b3c4d5e6f\n"
		"L 11 [PATCH v2 1/3] KVM: a (Pratik R. Sampat, 3)\n"
		"E 1 [PATCH 1/1] LoongArch: y (Bibo Mao)\n"
		"E 4 [PATCH 0/1] LoongArch: x (Bibo Mao)\n"
		"E 5 [PATCH net-next v8 1/2] virtio_net: hash (Akihiko Odaki)\n"
		"E 6 [PATCH net-next v8 0/2] tun: hashing (Akihiko Odaki)\n"
		"E 7 [PATCH] KVM: x86: block KVM_CAP_SYNC_REGS (Paolo Bonzini)\n"
		"E 8 KVM: x86: one [code] (Paolo Bonzini)\n"
		"E 11 [PATCH v2 1/3] KVM: a (Pratik R. Sampat)\n"
		"T 4 Paolo Bonzini <pbonzini@redhat.com>\n"
		"T 3 Akihiko Odaki <akihiko.odaki@daynix.com>\n"
		"T 3 \"Pratik R. Sampat\" <prsampat@amd.com>\n"
		"T 2 Bibo Mao <maobibo@loongson.cn>\n"
		"mails 11 codes 1 skipped 1\n");
	free(one);
	free(backward);
	free(halves);
}

/*
 * Message k of a made-up stretch of the list, newest first: series of a
 * cover and four patches, each with two replies from someone else; the
 * oldest and newest series are cut by the range.  Every 29th is a code
 * commit and every 97th could not be read.
 */
static void made_up(struct kvmd_digest *d, struct kvmd_subject_parser *sp, size_t k)
{
	static const char *const who[][2] = { { SAMPAT }, { ODAKI }, { BONZINI }, { MAO } };
	char subject[96], id[32], cover[32], hex[41];
	size_t series = (k + 3) / 7, n = (k + 3) % 7, s = series % 4;
	struct mail m = { k, subject, who[s][0], who[s][1], id, cover, cover };

	snprintf(id, sizeof(id), "m%zu@x", k);
	snprintf(cover, sizeof(cover), "m%zu@x", series * 7 + 3);
	snprintf(hex, sizeof(hex), "%040zx", k);
	if (k % 97 == 0) {
		kvmd_digest_add_skipped(d, hex, k, "no From address");
	} else if (k % 29 == 0) {
		add_code(d, k, hex, "KVM: x86: made up", who[s][0], who[s][1]);
	} else if (n == 6) {
		snprintf(subject, sizeof(subject), "[PATCH v%zu 0/4] series %zu", s + 1, series);
		m.in_reply_to = m.ref = NULL;
		add_mail(d, sp, &m);
	} else if (n >= 2) {
		snprintf(subject, sizeof(subject), "[PATCH v%zu %zu/4] part %zu of %zu",
			 s + 1, 6 - n, 6 - n, series);
		add_mail(d, sp, &m);
	} else {
		snprintf(subject, sizeof(subject), "Re: [PATCH v%zu 0/4] series %zu", s + 1, series);
		m.name = who[(s + 1) % 4][0];
		m.email = who[(s + 1) % 4][1];
		add_mail(d, sp, &m);
	}
}

#define MADE_UP 3000
#define THREADS 4

struct adder {
	pthread_t thread;
	struct kvmd_digest *d;
	size_t first;
};

/* Adds blocks of 64 made-up messages, every THREADS-th, as a reader of the scan does. */
static void *add_blocks(void *arg)
{
	struct adder *a = arg;
	struct kvmd_subject_parser *sp = kvmd_subject_parser_new(NULL);
	size_t k;

	for (k = a->first * 64; k < MADE_UP; k++) {
		if (k / 64 % THREADS != a->first)
			continue;
		made_up(a->d, sp, k);
	}
	kvmd_subject_parser_free(sp);
	return NULL;
}

/* Readers add at once; the digest is the one made by adding in walk order. */
static void test_digest_threads(void **state)
{
	struct fixture *f = *state;
	struct kvmd_digest *together = kvmd_digest_new();
	struct adder adders[THREADS];
	char *want, *got;
	size_t k;
	int i;

	for (k = 0; k < MADE_UP; k++)
		made_up(f->d, f->subjects, k);
	kvmd_digest_finish(f->d);
	want = describe(f->d);
	assert_true(kvmd_digest_entry_count(f->d) > 400);
	assert_true(kvmd_digest_skipped(f->d, NULL) > 20);

	assert_int_equal(kvmd_digest_spill(together), 0);
	for (i = 0; i < THREADS; i++) {
		adders[i].d = together;
		adders[i].first = (size_t)i;
		assert_int_equal(pthread_create(&adders[i].thread, NULL, add_blocks, &adders[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(adders[i].thread, NULL);
	kvmd_digest_finish(together);
	got = describe(together);
	assert_string_equal(got, want);
	free(want);
	free(got);
	kvmd_digest_free(together);
}


/* Areas: each mail's from its subject, a code commit's as given; series are list lines */
static const struct mail area_mails[] = {
	{ 0, "Re: [PATCH v2 1/2] KVM: x86/mmu: one", "B", "b@example.com", "r1@x", "x1@x", "x0@x" },
	{ 1, "[PATCH v2 2/2] KVM: x86: two", "A", "a@example.com", "x2@x", "x0@x", "x0@x" },
	{ 2, "[PATCH v2 1/2] KVM: x86/mmu: one", "A", "a@example.com", "x1@x", "x0@x", "x0@x" },
	{ 3, "[PATCH v2 0/2] KVM: x86: cover", "A", "a@example.com", "x0@x", NULL, NULL },
	{ 4, "[PATCH] KVM: arm64: lone", "C", "c@example.com", "a1@x", NULL, NULL },
	{ 5, "[kvm-unit-tests PATCH] x86: test", "D", "d@example.com", "u1@x", NULL, NULL },
	{ 6, "Question about KVM_RUN", "E", "e@example.com", "q@x", NULL, NULL },
};

static void add_area_code(struct kvmd_digest *d, size_t seq, const char *area)
{
	struct kvmd_code_commit c;

	memset(&c, 0, sizeof(c));
	c.commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
	c.seq = seq;
	c.subject = "a commit";
	c.author_name = "F";
	c.author_email = "f@example.com";
	c.body = "";
	c.diffstat = "";
	c.area = area;
	kvmd_digest_add_code(d, &c);
}

static void test_digest_areas(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_area_count *rows;
	const struct kvmd_listing *l;
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	size_t nr;

	ADD_ALL(f, area_mails);
	add_area_code(f->d, 7, "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	add_area_code(f->d, 8, NULL);
	kvmd_digest_finish(f->d);

	nr = kvmd_digest_areas(f->d, &rows);
	assert_int_equal(nr, 5);
	assert_string_equal(rows[0].area, "KVM: x86");
	assert_int_equal(rows[0].messages, 4);
	assert_int_equal(rows[0].series, 1);
	/* one each, by name */
	assert_string_equal(rows[1].area, "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_int_equal(rows[1].messages, 1);
	assert_int_equal(rows[1].series, 1);
	assert_string_equal(rows[2].area, "kvm-unit-tests");	/* '-' before ':' */
	assert_int_equal(rows[2].series, 1);
	assert_string_equal(rows[3].area, "KVM: arm64");
	assert_int_equal(rows[3].series, 1);
	/* none last: the question (no list line) and the code commit */
	assert_null(rows[4].area);
	assert_int_equal(rows[4].messages, 2);
	assert_int_equal(rows[4].series, 1);

	nr = kvmd_digest_listings(f->d, &l);
	assert_int_equal(nr, 5);
	assert_string_equal(l[0].subject, "[PATCH v2 0/2] KVM: x86: cover");
	assert_string_equal(l[0].area, "KVM: x86");
	assert_string_equal(l[1].area, "KVM: arm64");
	assert_string_equal(l[2].area, "kvm-unit-tests");
	assert_string_equal(l[3].area, "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_null(l[4].area);

	assert_int_equal(kvmd_digest_entry(f->d, 0, &e), 0);
	assert_string_equal(e.subject, "[PATCH v2 1/2] KVM: x86/mmu: one");
	assert_string_equal(e.area, "KVM: x86");
	kvmd_entry_release(&e);
}

/* --area: the other areas' mails and commits are not digested at all */
static void test_digest_only_areas(void **state)
{
	struct fixture *f = *state;
	const char *const names[] = { "kvm: X86:", "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)" };
	const struct kvmd_area_count *rows;
	const struct kvmd_listing *l;
	size_t nr;

	kvmd_digest_only_areas(f->d, names, 2);
	ADD_ALL(f, area_mails);
	add_area_code(f->d, 7, "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	add_area_code(f->d, 8, NULL);
	add_area_code(f->d, 9, "KVM: arm64");
	kvmd_digest_finish(f->d);

	assert_int_equal(kvmd_digest_mail_count(f->d), 4);
	assert_int_equal(kvmd_digest_code_count(f->d), 1);
	assert_int_equal(kvmd_tally_size(kvmd_digest_contributors(f->d)), 3);
	nr = kvmd_digest_areas(f->d, &rows);
	assert_int_equal(nr, 2);
	assert_string_equal(rows[0].area, "KVM: x86");
	assert_string_equal(rows[1].area, "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	nr = kvmd_digest_listings(f->d, &l);
	assert_int_equal(nr, 2);
	assert_int_equal(l[0].messages, 3);
	assert_int_equal(kvmd_digest_entry_count(f->d), 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_digest_cover_series),
		T(test_digest_cover_by_irt_or_refs),
		T(test_digest_listing_order),
		T(test_digest_replies_are_no_entries),
		T(test_digest_series_without_cover),
		T(test_digest_series_without_cover_versions),
		T(test_digest_later_patches_only),
		T(test_digest_later_without_total),
		T(test_digest_lone_patch),
		T(test_digest_lone_patches_apart),
		T(test_digest_entries_sorted_by_seq),
		T(test_digest_code_commits),
		T(test_digest_entry_round_trip),
		T(test_digest_spill_file),
		T(test_digest_threads),
		T(test_digest_skipped),
		T(test_digest_resent_later_patches),
		T(test_digest_any_order),
		T(test_digest_areas),
		T(test_digest_only_areas),
	};

	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
