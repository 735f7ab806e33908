/*
 * Unit tests for lib/status.c: the series/status model of issue 13 on
 * fixture threads.  Each fixture mail is read as the index reads it:
 * its subject by the subject parser, a patch's trailers by the trailer
 * parser, a reply's follow-ups, change-id and links by followup.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/followup.h"
#include "../../lib/status.h"
#include "../../lib/subject.h"
#include "../../lib/trailer.h"
#include "unit-libgit2.h"

#define DAY 86400
#define T0 ((int64_t)1760000000)   /* 2025-10-09 */

/* One fixture mail. */
struct fx {
	const char *id;
	int64_t date;
	const char *name, *email;
	const char *subject;
	const char *irt, *root;    /* NULL: none / the message itself */
	const char *body;
	int in_range;
	const char *sender;        /* the header From, when not `email` */
	int html;
};

struct fixture {
	struct kvmd_subject_parser *sp;
	struct kvmd_trailer_parser *tp;
	struct kvmd_status *s;
	struct kvmd_status_opts o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->sp = kvmd_subject_parser_new(NULL);
	f->tp = kvmd_trailer_parser_new(NULL);
	f->s = kvmd_status_new();
	f->o.wait_days = 7;
	if (!f->sp || !f->tp)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_status_free(f->s);
	kvmd_subject_parser_free(f->sp);
	kvmd_trailer_parser_free(f->tp);
	free(f);
	return 0;
}

/* Adds `x` as the index would load it. */
static void add(struct fixture *f, const struct fx *x)
{
	struct kvmd_status_msg m;
	struct kvmd_trailers t = KVMD_TRAILERS_INIT;
	const char *body = x->body ? x->body : "";
	char **links = NULL, *change_id;
	size_t nlinks = 0, i;

	memset(&m, 0, sizeof(m));
	m.message_id = x->id;
	m.date = x->date;
	m.name = x->name;
	m.email = x->email;
	m.sender_email = x->sender ? x->sender : x->email;
	m.subject = x->subject;
	kvmd_subject_parse(&m.tag, f->sp, x->subject);
	m.in_reply_to = x->irt;
	m.root = x->root ? x->root : (x->irt ? x->irt : x->id);
	if (m.tag.kind == KVMD_KIND_PATCH)
		kvmd_trailers_parse_body(&t, f->tp, body, strlen(body));
	else
		kvmd_followups_parse(&t, f->tp, body, strlen(body), x->html);
	m.trailers = t.v;
	m.ntrailers = t.nr;
	change_id = kvmd_followup_change_id(body, strlen(body));
	m.change_id = change_id;
	kvmd_followup_links(&links, &nlinks, body, strlen(body));
	m.links = (const char *const *)links;
	m.nlinks = nlinks;
	m.in_range = x->in_range;
	kvmd_status_add(f->s, &m);
	kvmd_trailers_release(&t);
	free(change_id);
	for (i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
}

static void add_all(struct fixture *f, const struct fx *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		add(f, &x[i]);
}

static void finish(struct fixture *f, int64_t now)
{
	struct kvmd_buf err = KVMD_BUF_INIT;

	f->o.now = now;
	if (kvmd_status_finish(f->s, &f->o, &err) < 0)
		fail_msg("kvmd_status_finish: %s", err.ptr);
	kvmd_buf_release(&err);
}

/* The follow-ups, one "key|name|email|message_id|mismatched" line each. */
static void dump_fu(struct kvmd_buf *out, const struct kvmd_followup *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		kvmd_buf_addf(out, "%s|%s|%s|%s%s\n", v[i].key, v[i].name ? v[i].name : "-",
			      v[i].email, v[i].message_id, v[i].mismatched ? "|mismatched" : "");
}

/*
 * The whole model as text: per series its head, version, total,
 * messages, replies, flags, previous version, the cover letter's
 * follow-ups, then each patch with its own.
 */
static char *dump(struct fixture *f)
{
	const struct kvmd_status_series *const *v;
	struct kvmd_buf out = KVMD_BUF_INIT;
	size_t n = kvmd_status_series(f->s, &v), i, j;

	for (i = 0; i < n; i++) {
		const struct kvmd_status_series *s = v[i];

		kvmd_buf_addf(&out, "series %s v%d /%d \"%s\" by %s: %zu msgs, %zu replies%s",
			      s->message_id, s->version, s->total, s->subject, s->email,
			      s->messages, s->replies, s->in_status ? ", in status" : "");
		if (s->waiting_days >= 0)
			kvmd_buf_addf(&out, ", waiting %d days", s->waiting_days);
		if (s->previous)
			kvmd_buf_addf(&out, ", follows v%d %s (%zu replies, %zu follow-ups)",
				      s->previous->version, s->previous->message_id,
				      s->previous->replies, s->previous->nfollowups);
		kvmd_buf_addch(&out, '\n');
		dump_fu(&out, s->followups, s->nfollowups);
		for (j = 0; j < s->npatches; j++) {
			kvmd_buf_addf(&out, "  patch %d v%d %s\n", s->patches[j].number,
				      s->patches[j].version, s->patches[j].message_id);
			dump_fu(&out, s->patches[j].followups, s->patches[j].nfollowups);
		}
	}
	return kvmd_buf_detach(&out, NULL);
}

static void check(struct fixture *f, const char *want)
{
	char *got = dump(f);

	assert_string_equal(got, want);
	free(got);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A three-patch series with a cover letter, from Paolo, in the range. */
#define SERIES_V1 \
	{ "c1@x", T0, "Paolo Bonzini", "pb@redhat.com", "[PATCH 0/2] KVM: x86: Fix things", \
	  NULL, NULL, "The cover.\n", 1, NULL, 0 }, \
	{ "p1@x", T0 + 1, "Paolo Bonzini", "pb@redhat.com", "[PATCH 1/2] KVM: x86: first", \
	  "c1@x", "c1@x", "First.\n\nSigned-off-by: Paolo Bonzini <pb@redhat.com>\n", 1, NULL, 0 }, \
	{ "p2@x", T0 + 2, "Paolo Bonzini", "pb@redhat.com", "[PATCH 2/2] KVM: x86: second", \
	  "c1@x", "c1@x", "Second.\n\nSigned-off-by: Paolo Bonzini <pb@redhat.com>\n" \
	  "Acked-by: Marc Zyngier <maz@kernel.org>\n", 1, NULL, 0 }

/* A reply to a patch gives to that patch; a reply to that reply gives to the patch above it. */
static void test_status_reply_to_patch_and_reply(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "> First.\n\nReviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
		{ "r2@x", T0 + 2 * DAY, "Paolo Bonzini", "pb@redhat.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "r1@x", "c1@x", "> Reviewed-by: S <s@x>\nThanks!\n",
		  1, NULL, 0 },
		{ "r3@x", T0 + 3 * DAY, "Marc Zyngier", "maz@kernel.org",
		  "Re: [PATCH 1/2] KVM: x86: first", "r2@x", "c1@x",
		  "Tested-by: Marc Zyngier <maz@kernel.org>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 3 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 3 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "Reviewed-by|Sean Christopherson|seanjc@google.com|r1@x\n"
	      "Tested-by|Marc Zyngier|maz@kernel.org|r3@x\n"
	      "  patch 2 v1 p2@x\n");
}

/* A reply to the cover letter gives to every patch: the series' own follow-ups. */
static void test_status_reply_to_cover(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 0/2] KVM: x86: Fix things", "c1@x", "c1@x",
		  "For the series:\nReviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
		/* a reply to that reply gives to the cover too */
		{ "r2@x", T0 + 2 * DAY, "Jim Mattson", "jmattson@google.com",
		  "Re: [PATCH 0/2] KVM: x86: Fix things", "r1@x", "c1@x",
		  "Acked-by: Jim Mattson <jmattson@google.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 3 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 2 replies, in status\n"
	      "Reviewed-by|Sean Christopherson|seanjc@google.com|r1@x\n"
	      "Acked-by|Jim Mattson|jmattson@google.com|r2@x\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n");
}

/* Trailers in quoted text and below the signature are not the reviewer's. */
static void test_status_quoted_and_signature(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "> Reviewed-by: Someone Else <else@example.com>\n"
		  "> Acked-by: Marc Zyngier <maz@kernel.org>\n"
		  "Nope, this breaks nested.\n"
		  "-- \n"
		  "Reviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 3 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 1 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n");
}

/*
 * A trailer for someone else than the reply's sender is shown as
 * mismatched; the same trailer given twice is kept once, the sender's
 * own winning over a mismatched one.
 */
static void test_status_mismatched_and_twice(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Reviewed-by: Vitaly Kuznetsov <vkuznets@redhat.com>\n", 1, NULL, 0 },
		{ "r2@x", T0 + 2 * DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Reviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
		{ "r3@x", T0 + 3 * DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "r2@x", "c1@x",
		  "Oops, again:\nReviewed-by: Sean Christopherson <SeanJC@google.com>\n", 1, NULL, 0 },
		{ "r4@x", T0 + 4 * DAY, "Vitaly Kuznetsov", "vkuznets@redhat.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "r1@x", "c1@x",
		  "Yes: Reviewed-by: not at the start\n"
		  "Reviewed-by: Vitaly Kuznetsov <vkuznets@redhat.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 4 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 4 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "Reviewed-by|Vitaly Kuznetsov|vkuznets@redhat.com|r4@x\n"
	      "Reviewed-by|Sean Christopherson|seanjc@google.com|r2@x\n"
	      "  patch 2 v1 p2@x\n");
}

/* Only the mismatched one: shown, flagged. */
static void test_status_mismatched_alone(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Reviewed-by: Vitaly Kuznetsov <vkuznets@redhat.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 1 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n"
	      "Reviewed-by|Vitaly Kuznetsov|vkuznets@redhat.com|r1@x|mismatched\n");
}

/* An HTML-only reply and a bare address; a reply without `Re:` counts as one. */
static void test_status_html_bare_no_re(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Marc Zyngier", "maz@kernel.org",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "<div>LGTM.<br>Acked-by: Marc Zyngier &lt;maz@kernel.org&gt;</div>"
		  "<blockquote>Reviewed-by: Q &lt;q@x.org&gt;</blockquote>", 1, NULL, 1 },
		{ "r2@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Reviewed-by: seanjc@google.com\n", 1, NULL, 0 },
		/* no Re: (a mailer that drops it), still a reply to patch 2 */
		{ "r3@x", T0 + 2 * DAY, "Jim Mattson", "jmattson@google.com",
		  "KVM: x86: second", "p2@x", "c1@x",
		  "Tested-by: Jim Mattson <jmattson@google.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 2 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 3 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "Acked-by|Marc Zyngier|maz@kernel.org|r1@x\n"
	      "  patch 2 v1 p2@x\n"
	      "Reviewed-by|-|seanjc@google.com|r2@x\n"
	      "Tested-by|Jim Mattson|jmattson@google.com|r3@x\n");
}

/*
 * A trailer the patch already carries is not counted again; on the
 * cover letter, one that every patch carries is not either.
 */
static void test_status_already_carried(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		/* patch 2 carries Marc's Acked-by */
		{ "r1@x", T0 + DAY, "Marc Zyngier", "maz@kernel.org",
		  "Re: [PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Acked-by: Marc Zyngier <MAZ@kernel.org>\n", 1, NULL, 0 },
		/* both patches carry Paolo's Signed-off-by; only patch 2 Marc's Acked-by */
		{ "r2@x", T0 + DAY, "Paolo Bonzini", "pb@redhat.com",
		  "Re: [PATCH 0/2] KVM: x86: Fix things", "c1@x", "c1@x",
		  "Signed-off-by: Paolo Bonzini <pb@redhat.com>\n", 1, NULL, 0 },
		{ "r3@x", T0 + DAY, "Marc Zyngier", "maz@kernel.org",
		  "Re: [PATCH 0/2] KVM: x86: Fix things", "c1@x", "c1@x",
		  "Acked-by: Marc Zyngier <maz@kernel.org>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 3 replies, in status\n"
	      "Acked-by|Marc Zyngier|maz@kernel.org|r3@x\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n");
}

/*
 * A partial reroll ([PATCH v2 2/2] in reply to v1's 2/2) is v1's series'
 * new version of patch 2; a reply to it gives to it.
 */
static void test_status_partial_reroll(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "p2v2@x", T0 + 2 * DAY, "Paolo Bonzini", "pb@redhat.com",
		  "[PATCH v2 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Second, fixed.\n\nSigned-off-by: Paolo Bonzini <pb@redhat.com>\n", 1, NULL, 0 },
		{ "r1@x", T0 + 3 * DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH v2 2/2] KVM: x86: second", "p2v2@x", "c1@x",
		  "Reviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 3 * DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 4 msgs, 1 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n"
	      "  patch 2 v2 p2v2@x\n"
	      "Reviewed-by|Sean Christopherson|seanjc@google.com|r1@x\n");
}

/* Lone patches, a series without a cover letter (patch 1 heads it), patches whose cover is not loaded. */
static void test_status_shapes(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "lone@x", T0, "A", "a@x.org", "[PATCH] KVM: lone", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "n1@x", T0 + 1, "B", "b@x.org", "[PATCH 1/2] KVM: nocover one", NULL, NULL, "x\n", 1, NULL, 0 },
		{ "n2@x", T0 + 2, "B", "b@x.org", "[PATCH 2/2] KVM: nocover two", "n1@x", "n1@x", "x\n", 1, NULL, 0 },
		{ "o2@x", T0 + 3, "C", "c@x.org", "[PATCH 2/3] KVM: orphan two", "gone@x", "gone@x", "x\n", 0, NULL, 0 },
		{ "o3@x", T0 + 4, "C", "c@x.org", "[PATCH 3/3] KVM: orphan three", "gone@x", "gone@x", "x\n", 0, NULL, 0 },
		/* not a patch, not a reply: no series */
		{ "q@x", T0 + 5, "D", "d@x.org", "KVM: a question", NULL, NULL, "x\n", 1, NULL, 0 },
		/* a reply to it: no series to give to */
		{ "qr@x", T0 + 6, "E", "e@x.org", "Re: KVM: a question", "q@x", "q@x",
		  "Reviewed-by: E <e@x.org>\n", 1, NULL, 0 },
		/* added twice: kept once */
		{ "lone@x", T0, "A", "a@x.org", "[PATCH] KVM: lone", NULL, NULL, "x\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 6);
	check(f,
	      "series lone@x v1 /1 \"[PATCH] KVM: lone\" by a@x.org: 1 msgs, 0 replies, in status\n"
	      "  patch 1 v1 lone@x\n"
	      "series n1@x v1 /2 \"[PATCH 1/2] KVM: nocover one\" by b@x.org: 2 msgs, 0 replies, in status\n"
	      "  patch 1 v1 n1@x\n"
	      "  patch 2 v1 n2@x\n"
	      "series o2@x v1 /3 \"[PATCH 2/3] KVM: orphan two\" by c@x.org: 2 msgs, 0 replies\n"
	      "  patch 2 v1 o2@x\n"
	      "  patch 3 v1 o3@x\n");
}

/*
 * Versions by subject and sender: the tag, the version and differences
 * of case and white space do not matter; another sender's series with
 * that subject is not a version; the newest earlier version wins.
 */
static void test_status_versions_by_subject(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "a1@x", T0, "A", "a@x.org", "[PATCH] KVM: x86: Fix the thing", NULL, NULL, "v1\n", 0, NULL, 0 },
		{ "r1@x", T0 + DAY, "R", "r@x.org", "Re: [PATCH] KVM: x86: Fix the thing", "a1@x", "a1@x",
		  "Reviewed-by: R <r@x.org>\n", 0, NULL, 0 },
		{ "a2@x", T0 + 2 * DAY, "A", "A@X.org", "[PATCH v2] kvm:  x86: fix the   thing ", NULL, NULL,
		  "v2\n", 0, NULL, 0 },
		{ "b1@x", T0 + 3 * DAY, "B", "b@x.org", "[PATCH v3] KVM: x86: Fix the thing", NULL, NULL,
		  "another sender\n", 0, NULL, 0 },
		{ "a3@x", T0 + 4 * DAY, "A", "a@x.org", "[RFC PATCH v3] KVM: x86: Fix the thing", NULL, NULL,
		  "v3\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + 20 * DAY);
	check(f,
	      "series a1@x v1 /1 \"[PATCH] KVM: x86: Fix the thing\" by a@x.org: 1 msgs, 1 replies\n"
	      "  patch 1 v1 a1@x\n"
	      "Reviewed-by|R|r@x.org|r1@x\n"
	      "series a2@x v2 /1 \"[PATCH v2] kvm:  x86: fix the   thing \" by A@X.org: 1 msgs, 0 replies, "
	      "follows v1 a1@x (1 replies, 1 follow-ups)\n"
	      "  patch 1 v2 a2@x\n"
	      "series b1@x v3 /1 \"[PATCH v3] KVM: x86: Fix the thing\" by b@x.org: 1 msgs, 0 replies, waiting 17 days\n"
	      "  patch 1 v3 b1@x\n"
	      "series a3@x v3 /1 \"[RFC PATCH v3] KVM: x86: Fix the thing\" by a@x.org: 1 msgs, 0 replies, in status, "
	      "waiting 16 days, follows v2 a2@x (0 replies, 0 follow-ups)\n"
	      "  patch 1 v3 a3@x\n");
}

/* Versions by a link in the cover letter (to any message of the earlier series), and by change-id. */
static void test_status_versions_by_link_and_change_id(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		/* another subject: only the link says it is v2 */
		{ "c2@x", T0 + DAY, "Paolo Bonzini", "pb@redhat.com", "[PATCH v2 0/1] KVM: x86: Fix fewer things",
		  NULL, NULL, "Changes since v1 (https://lore.kernel.org/kvm/p2@x/):\n- squashed\n", 1, NULL, 0 },
		{ "c2p1@x", T0 + DAY + 1, "Paolo Bonzini", "pb@redhat.com", "[PATCH v2 1/1] KVM: x86: both",
		  "c2@x", "c2@x", "x\n", 1, NULL, 0 },
		/* the link to an unknown message, a change-id shared with nothing */
		{ "d1@x", T0, "D", "d@x.org", "[PATCH] KVM: s390: one thing", NULL, NULL,
		  "Link: <unknown@x>\n---\nchange-id: 20251009-s390-aaa\n", 0, NULL, 0 },
		{ "e1@x", T0 + 1, "E", "e@x.org", "[PATCH 0/1] KVM: arm64: a", NULL, NULL,
		  "---\nchange-id: 20251009-arm64-bbb\n", 0, NULL, 0 },
		{ "e1p@x", T0 + 2, "E", "e@x.org", "[PATCH 1/1] KVM: arm64: a", "e1@x", "e1@x", "x\n", 0, NULL, 0 },
		/* another sender and subject: the change-id links it */
		{ "e2@x", T0 + 3 * DAY, "F", "f@x.org", "[PATCH v2 0/1] KVM: arm64: b", NULL, NULL,
		  "---\nchange-id: 20251009-arm64-bbb\n", 1, NULL, 0 },
		{ "e2p@x", T0 + 3 * DAY + 1, "F", "f@x.org", "[PATCH v2 1/1] KVM: arm64: b", "e2@x", "e2@x", "x\n",
		  1, NULL, 0 },
	};

	f->o.wait_days = 3;  /* kvmdigest.waitDays: d1 waits; c1 and e1 were followed */
	add_all(f, mails, N(mails));
	finish(f, T0 + 3 * DAY + 1);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 0 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n"
	      "series d1@x v1 /1 \"[PATCH] KVM: s390: one thing\" by d@x.org: 1 msgs, 0 replies, waiting 3 days\n"
	      "  patch 1 v1 d1@x\n"
	      "series e1@x v1 /1 \"[PATCH 0/1] KVM: arm64: a\" by e@x.org: 2 msgs, 0 replies\n"
	      "  patch 1 v1 e1p@x\n"
	      "series c2@x v2 /1 \"[PATCH v2 0/1] KVM: x86: Fix fewer things\" by pb@redhat.com: 2 msgs, 0 replies, "
	      "in status, follows v1 c1@x (0 replies, 0 follow-ups)\n"
	      "  patch 1 v2 c2p1@x\n"
	      "series e2@x v2 /1 \"[PATCH v2 0/1] KVM: arm64: b\" by f@x.org: 2 msgs, 0 replies, in status, "
	      "follows v1 e1@x (0 replies, 0 follow-ups)\n"
	      "  patch 1 v2 e2p@x\n");
}

/*
 * Waiting: old enough, no reply but from the sender or an ignoreFrom
 * address, oldest first, the age in whole days.
 */
static void test_status_waiting(void **state)
{
	struct fixture *f = *state;
	static const char *const ignore[] = { "LKP@intel.com" };
	const struct fx mails[] = {
		{ "w1@x", T0, "A", "a@x.org", "[PATCH] KVM: nobody answered", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "w2@x", T0 + 1, "B", "b@x.org", "[PATCH] KVM: only the robot", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "w2r@x", T0 + DAY, "kernel test robot", "lkp@intel.com", "Re: [PATCH] KVM: only the robot",
		  "w2@x", "w2@x", "Hi B, build failed\n", 0, NULL, 0 },
		{ "w3@x", T0 + 2, "C", "c@x.org", "[PATCH] KVM: only the sender", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "w3r@x", T0 + DAY, "C", "c@x.org", "Re: [PATCH] KVM: only the sender", "w3@x", "w3@x",
		  "ping\n", 0, NULL, 0 },
		{ "w4@x", T0 + 3, "D", "d@x.org", "[PATCH] KVM: answered", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "w4r@x", T0 + DAY, "R", "r@x.org", "Re: [PATCH] KVM: answered", "w4@x", "w4@x",
		  "no\n", 0, NULL, 0 },
		/* six days and a bit: not yet */
		{ "w5@x", T0 + 4 * DAY, "E", "e@x.org", "[PATCH] KVM: too young", NULL, NULL, "x\n", 0, NULL, 0 },
		/* no date: its age is unknown */
		{ "w6@x", 0, "F", "f@x.org", "[PATCH] KVM: no date", NULL, NULL, "x\n", 0, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;
	size_t n;

	f->o.ignore_from = ignore;
	f->o.nignore_from = 1;
	add_all(f, mails, N(mails));
	finish(f, T0 + 10 * DAY + 5);
	n = kvmd_status_waiting(f->s, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->message_id, "w1@x");
	assert_int_equal(v[0]->waiting_days, 10);
	assert_string_equal(v[1]->message_id, "w2@x");
	assert_int_equal(v[1]->replies, 1);
	assert_string_equal(v[2]->message_id, "w3@x");
	assert_int_equal(v[2]->waiting_days, 10);
	n = kvmd_status_series(f->s, &v);
	assert_int_equal(n, 6);
	assert_string_equal(v[0]->message_id, "w6@x");
	assert_int_equal(v[0]->waiting_days, -1);
	assert_string_equal(v[4]->message_id, "w4@x");
	assert_int_equal(v[4]->waiting_days, -1);
	assert_string_equal(v[5]->message_id, "w5@x");
	assert_int_equal(v[5]->waiting_days, -1);
}

/* Without ignoreFrom the robot's reply answers; a superseded version does not wait. */
static void test_status_waiting_robot_and_superseded(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "w2@x", T0, "B", "b@x.org", "[PATCH] KVM: only the robot", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "w2r@x", T0 + DAY, "kernel test robot", "lkp@intel.com", "Re: [PATCH] KVM: only the robot",
		  "w2@x", "w2@x", "Hi B, build failed\n", 0, NULL, 0 },
		{ "v1@x", T0, "C", "c@x.org", "[PATCH] KVM: first try", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "v2@x", T0 + DAY, "C", "c@x.org", "[PATCH v2] KVM: first try", NULL, NULL, "x\n", 0, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	finish(f, T0 + 30 * DAY);
	assert_int_equal(kvmd_status_waiting(f->s, &v), 1);
	assert_string_equal(v[0]->message_id, "v2@x");
	assert_int_equal(v[0]->waiting_days, 29);
}

/* In status: a series new in the range, or one with a reply in the range. */
static void test_status_in_status(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "old@x", T0, "A", "a@x.org", "[PATCH] KVM: old, answered now", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "oldr@x", T0 + 9 * DAY, "R", "r@x.org", "Re: [PATCH] KVM: old, answered now", "old@x", "old@x",
		  "Acked-by: R <r@x.org>\n", 1, NULL, 0 },
		{ "quiet@x", T0, "B", "b@x.org", "[PATCH] KVM: old, quiet", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "quietr@x", T0 + DAY, "R", "r@x.org", "Re: [PATCH] KVM: old, quiet", "quiet@x", "quiet@x",
		  "ok\n", 0, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	finish(f, T0 + 9 * DAY);
	assert_int_equal(kvmd_status_series(f->s, &v), 2);
	assert_string_equal(v[0]->message_id, "old@x");
	assert_true(v[0]->in_status);
	assert_int_equal(v[0]->patches[0].nfollowups, 1);
	assert_string_equal(v[1]->message_id, "quiet@x");
	assert_false(v[1]->in_status);
}

/* A loop of In-Reply-To (forged) ends; nothing is attributed twice. */
static void test_status_reply_loop(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "a@x", T0, "A", "a@x.org", "Re: loop", "b@x", "b@x", "Acked-by: A <a@x.org>\n", 1, NULL, 0 },
		{ "b@x", T0, "B", "b@x.org", "Re: loop", "a@x", "a@x", "Acked-by: B <b@x.org>\n", 1, NULL, 0 },
		{ "p@x", T0, "C", "c@x.org", "[PATCH 2/2] loop", "q@x", "q@x", "x\n", 1, NULL, 0 },
		{ "q@x", T0, "C", "c@x.org", "[PATCH 3/3] loop", "p@x", "p@x", "x\n", 1, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	finish(f, T0);
	assert_int_equal(kvmd_status_series(f->s, &v), 1);
	assert_int_equal(v[0]->messages, 2);
}

static void test_status_subject_key(void **state)
{
	struct kvmd_buf key = KVMD_BUF_INIT;

	(void)state;
	kvmd_status_subject_key(&key, "[PATCH v3 0/7] KVM: x86:  Fix\tthe THING ");
	assert_string_equal(key.ptr, "kvm: x86: fix the thing");
	kvmd_status_subject_key(&key, " Re: [RFC PATCH] [net-next] Fwd: RE : kvm: x86: fix the thing");
	assert_string_equal(key.ptr, "kvm: x86: fix the thing");
	kvmd_status_subject_key(&key, "[PATCH unclosed");
	assert_string_equal(key.ptr, "[patch unclosed");
	kvmd_status_subject_key(&key, "");
	assert_string_equal(key.ptr, "");
	kvmd_status_subject_key(&key, "Regression: not a prefix");
	assert_string_equal(key.ptr, "regression: not a prefix");
	kvmd_buf_release(&key);
}

static void test_status_starts_series(void **state)
{
	struct fixture *f = *state;
	struct kvmd_status_msg m, p;

	memset(&m, 0, sizeof(m));
	memset(&p, 0, sizeof(p));
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH 0/3] x");
	assert_true(kvmd_status_starts_series(&m, NULL));
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH] x");
	assert_true(kvmd_status_starts_series(&m, NULL));
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH 1/3] x");
	assert_true(kvmd_status_starts_series(&m, NULL));
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH 2/3] x");
	assert_false(kvmd_status_starts_series(&m, NULL));
	kvmd_subject_parse(&m.tag, f->sp, "Re: [PATCH 0/3] x");
	assert_false(kvmd_status_starts_series(&m, NULL));
	/* patch 1 under its cover letter */
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH v2 1/3] x");
	kvmd_subject_parse(&p.tag, f->sp, "[PATCH v2 0/3] x");
	assert_false(kvmd_status_starts_series(&m, &p));
	/* a v2 sent in reply to v1's cover letter starts its own */
	kvmd_subject_parse(&p.tag, f->sp, "[PATCH 0/3] x");
	assert_true(kvmd_status_starts_series(&m, &p));
	/* a partial reroll of patch 1 does not */
	kvmd_subject_parse(&p.tag, f->sp, "[PATCH 1/3] x");
	assert_false(kvmd_status_starts_series(&m, &p));
	/* a cover letter in reply to an older one does */
	kvmd_subject_parse(&m.tag, f->sp, "[PATCH v2 0/3] x");
	kvmd_subject_parse(&p.tag, f->sp, "[PATCH 0/3] x");
	assert_true(kvmd_status_starts_series(&m, &p));
}

/* The model before finish, and finish twice. */
static void test_status_empty_and_twice(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_status_series *const *v;
	const struct kvmd_status_newcomer *nc;
	const char *const *d;
	struct kvmd_buf err = KVMD_BUF_INIT;

	assert_int_equal(kvmd_status_series(f->s, &v), 0);
	kvmd_status_add_newcomer(f->s, "New Person", "new@x.org", "n@x");
	kvmd_status_add_newcomer(f->s, NULL, "anon@x.org", "a@x");
	kvmd_status_add_new_domain(f->s, "x.org");
	finish(f, 0);
	assert_int_equal(kvmd_status_series(f->s, &v), 0);
	assert_int_equal(kvmd_status_waiting(f->s, &v), 0);
	assert_int_equal(kvmd_status_newcomers(f->s, &nc), 2);
	assert_string_equal(nc[0].name, "New Person");
	assert_null(nc[1].name);
	assert_string_equal(nc[1].message_id, "a@x");
	assert_int_equal(kvmd_status_new_domains(f->s, &d), 1);
	assert_string_equal(d[0], "x.org");
	assert_int_equal(kvmd_status_finish(f->s, &f->o, &err), -1);
	assert_true(err.len > 0);
	kvmd_buf_release(&err);
}

/*
 * Forged dates: before the epoch, at the ends of int64_t, in the far
 * future.  No overflow computing an age (UBSan), a date before the
 * epoch is as unknown as 0 (never waiting), a huge age is clamped.
 */
static void test_status_hostile_dates(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "min@x", INT64_MIN, "A", "a@x.org", "[PATCH] KVM: min", NULL, NULL, "x\n", 1, NULL, 0 },
		{ "neg@x", -1, "B", "b@x.org", "[PATCH] KVM: neg", NULL, NULL, "x\n", 1, NULL, 0 },
		{ "one@x", 1, "C", "c@x.org", "[PATCH] KVM: one", NULL, NULL, "x\n", 1, NULL, 0 },
		{ "max@x", INT64_MAX, "D", "d@x.org", "[PATCH] KVM: max", NULL, NULL, "x\n", 1, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	f->o.wait_days = INT_MAX;
	finish(f, INT64_MAX);
	assert_int_equal(kvmd_status_series(f->s, &v), 4);
	assert_int_equal(v[0]->waiting_days, -1);  /* min@x */
	assert_int_equal(v[1]->waiting_days, -1);  /* neg@x */
	assert_int_equal(v[2]->waiting_days, INT_MAX);  /* one@x */
	assert_int_equal(v[3]->waiting_days, -1);  /* max@x: age 0 */
	assert_int_equal(kvmd_status_waiting(f->s, &v), 1);
}

/* A range whose newest date is before the epoch: nothing waits, nothing overflows. */
static void test_status_hostile_now(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "max@x", INT64_MAX, "D", "d@x.org", "[PATCH] KVM: max", NULL, NULL, "x\n", 1, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	finish(f, INT64_MIN);
	assert_int_equal(kvmd_status_waiting(f->s, &v), 0);
}

/*
 * 100,000 generated messages: 10,000 series of a cover letter and four
 * patches, and a chain of 50,000 replies to replies below the first
 * series' patch 1, each from its own reviewer with a Reviewed-by.  The
 * model walks the chain without recursion (a deep stack would overflow)
 * and keeps every reviewer once; run it under the sanitizer and valgrind
 * for memory.  No timing is asserted: the speed goes to `make bench`.
 */
#define BIG_SERIES 10000
#define BIG_CHAIN 50000

static void test_status_big(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_status_series *const *v;
	char id[64], irt[64], subject[96], email[64], body[128];
	struct fx x;
	size_t i, j, n;

	for (i = 0; i < BIG_SERIES; i++) {
		for (j = 0; j <= 4; j++) {
			memset(&x, 0, sizeof(x));
			snprintf(id, sizeof(id), "s%zu.%zu@x", i, j);
			snprintf(irt, sizeof(irt), "s%zu.0@x", i);
			snprintf(subject, sizeof(subject), "[PATCH %zu/4] KVM: series %zu", j, i);
			snprintf(email, sizeof(email), "author%zu@x.org", i % 997);
			x.id = id;
			x.date = T0 + (int64_t)i * 60 + (int64_t)j;
			x.name = "Author";
			x.email = email;
			x.subject = subject;
			x.irt = j ? irt : NULL;
			x.body = "Signed-off-by: Author <a@x.org>\n";
			x.in_range = 1;
			add(f, &x);
		}
	}
	for (i = 0; i < BIG_CHAIN; i++) {
		memset(&x, 0, sizeof(x));
		snprintf(id, sizeof(id), "r%zu@x", i);
		if (i)
			snprintf(irt, sizeof(irt), "r%zu@x", i - 1);
		else
			snprintf(irt, sizeof(irt), "s0.1@x");
		snprintf(email, sizeof(email), "r%zu@x.org", i);
		snprintf(body, sizeof(body), "> quoted\n\nReviewed-by: R %zu <r%zu@x.org>\n", i, i);
		x.id = id;
		x.date = T0 + DAY + (int64_t)i;
		x.name = "R";
		x.email = email;
		x.subject = "Re: [PATCH 1/4] KVM: series 0";
		x.irt = irt;
		x.root = "s0.0@x";
		x.body = body;
		x.in_range = 1;
		add(f, &x);
	}
	finish(f, T0 + 30 * DAY);
	n = kvmd_status_series(f->s, &v);
	assert_int_equal(n, BIG_SERIES);
	assert_string_equal(v[0]->message_id, "s0.0@x");
	assert_int_equal(v[0]->npatches, 4);
	assert_int_equal(v[0]->replies, BIG_CHAIN);
	assert_int_equal(v[0]->patches[0].nfollowups, BIG_CHAIN);
	assert_string_equal(v[0]->patches[0].followups[BIG_CHAIN - 1].email, "r49999@x.org");
	for (i = 1; i < n; i++) {
		assert_int_equal(v[i]->messages, 5);
		assert_int_equal(v[i]->replies, 0);
	}
	assert_int_equal(kvmd_status_waiting(f->s, &v), BIG_SERIES - 1);
}

/*
 * A reply that kept the patch's subject, tag and all, and only dropped
 * the `Re:` (b4 reads a message in reply to another, with trailers and
 * no diff, as a follow-up): not a second patch 2, its review counts.
 * A patch in reply to a patch of another subject stays a patch.
 */
static void test_status_reply_keeps_tag(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "[PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Looks good.\n\nReviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
		{ "fix@x", T0 + DAY, "Paolo Bonzini", "pb@redhat.com",
		  "[PATCH] KVM: x86: fix on top", "p2@x", "c1@x",
		  "Fix.\n\nSigned-off-by: Paolo Bonzini <pb@redhat.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 1 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "  patch 2 v1 p2@x\n"
	      "Reviewed-by|Sean Christopherson|seanjc@google.com|r1@x\n"
	      "series fix@x v1 /1 \"[PATCH] KVM: x86: fix on top\" by pb@redhat.com: 1 msgs, 0 replies, in status\n"
	      "  patch 1 v1 fix@x\n");
}

/*
 * The reply sender's address, as b4 compares it with a trailer's: case
 * ignored, a `+tag` in the local part ignored, and a domain one label
 * longer than the other's (linux.intel.com, intel.com) the same.  Other
 * local parts or unrelated domains stay mismatched.
 */
static void test_status_address_match(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r1@x", T0 + DAY, "Xiaoyao Li", "xiaoyao.li@linux.intel.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Reviewed-by: Xiaoyao Li <Xiaoyao.Li@intel.com>\n", 1, NULL, 0 },
		{ "r2@x", T0 + DAY, "Kai Huang", "kai.huang+lkml@intel.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Acked-by: Kai Huang <kai.huang@intel.com>\n", 1, NULL, 0 },
		{ "r3@x", T0 + DAY, "Bob", "bob@linux.intel.com",
		  "Re: [PATCH 2/2] KVM: x86: second", "p2@x", "c1@x",
		  "Reviewed-by: Alice <alice@intel.com>\n"
		  "Tested-by: Bob <bob@evil.com>\n"
		  "Acked-by: Bob <bob@a.b.linux.intel.com>\n", 1, NULL, 0 },
	};

	add_all(f, mails, N(mails));
	finish(f, T0 + DAY);
	check(f,
	      "series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 3 replies, in status\n"
	      "  patch 1 v1 p1@x\n"
	      "Reviewed-by|Xiaoyao Li|Xiaoyao.Li@intel.com|r1@x\n"
	      "Acked-by|Kai Huang|kai.huang@intel.com|r2@x\n"
	      "  patch 2 v1 p2@x\n"
	      "Reviewed-by|Alice|alice@intel.com|r3@x|mismatched\n"
	      "Tested-by|Bob|bob@evil.com|r3@x|mismatched\n"
	      "Acked-by|Bob|bob@a.b.linux.intel.com|r3@x|mismatched\n");
}

/*
 * A subject a sender uses again for another patch (a generic "Fix the
 * build") is not a new version: by subject, only a higher version
 * follows a lower one.  A subject that is only tags links nothing.
 */
static void test_status_versions_same_subject_again(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		{ "a1@x", T0, "A", "a@x.org", "[PATCH] KVM: selftests: Fix the build", NULL, NULL, "one\n", 0, NULL, 0 },
		{ "a2@x", T0 + 30 * DAY, "A", "a@x.org", "[PATCH] KVM: selftests: Fix the build", NULL, NULL,
		  "another\n", 1, NULL, 0 },
		{ "a3@x", T0 + 31 * DAY, "A", "a@x.org", "[PATCH v2] KVM: selftests: fix the build", NULL, NULL,
		  "v2 of another\n", 1, NULL, 0 },
		{ "e1@x", T0 + DAY, "A", "a@x.org", "[PATCH 0/2]", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "e2@x", T0 + 2 * DAY, "A", "a@x.org", "[PATCH v2 0/2] ", NULL, NULL, "y\n", 0, NULL, 0 },
	};
	const struct kvmd_status_series *const *v;

	add_all(f, mails, N(mails));
	finish(f, T0 + 40 * DAY);
	assert_int_equal(kvmd_status_series(f->s, &v), 5);
	assert_string_equal(v[0]->message_id, "a1@x");
	assert_null(v[0]->previous);
	assert_int_equal(v[0]->waiting_days, 40);  /* nothing follows it */
	assert_string_equal(v[1]->message_id, "e1@x");
	assert_string_equal(v[2]->message_id, "e2@x");
	assert_null(v[2]->previous);
	assert_string_equal(v[3]->message_id, "a2@x");
	assert_null(v[3]->previous);
	assert_string_equal(v[4]->message_id, "a3@x");
	assert_non_null(v[4]->previous);
	assert_string_equal(v[4]->previous->message_id, "a2@x");
}

/*
 * The order the mails are added in does not matter: the model reads them
 * by date, then Message-ID (the index hands them over unsorted).  Of two
 * equal follow-ups sent at the same second, the smaller Message-ID's is
 * kept, whichever came first.  (The model's sorts already broke ties by
 * Message-ID; this keeps it so now that its passes sort for themselves.)
 */
static void test_status_any_order(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "r2@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Reviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
		{ "r1@x", T0 + DAY, "Sean Christopherson", "seanjc@google.com",
		  "Re: [PATCH 1/2] KVM: x86: first", "p1@x", "c1@x",
		  "Reviewed-by: Sean Christopherson <seanjc@google.com>\n", 1, NULL, 0 },
	};
	const char *want =
		"series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 2 replies, in status\n"
		"  patch 1 v1 p1@x\n"
		"Reviewed-by|Sean Christopherson|seanjc@google.com|r1@x\n"
		"  patch 2 v1 p2@x\n";
	size_t i;

	add_all(f, mails, N(mails));
	finish(f, T0 + DAY);
	check(f, want);

	kvmd_status_free(f->s);
	f->s = kvmd_status_new();
	for (i = N(mails); i-- > 0;)
		add(f, &mails[i]);
	finish(f, T0 + DAY);
	check(f, want);
}

/* Messages dropped after they were added are gone, as if never added, and can come again. */
static void test_status_drop_and_add_again(void **state)
{
	struct fixture *f = *state;
	const struct fx mails[] = {
		SERIES_V1,
		{ "quiet@x", T0, "B", "b@x.org", "[PATCH] KVM: old, quiet", NULL, NULL, "x\n", 0, NULL, 0 },
		{ "quietr@x", T0 + DAY, "R", "r@x.org", "Re: [PATCH] KVM: old, quiet", "quiet@x",
		  "quiet@x", "Reviewed-by: R <r@x.org>\n", 0, NULL, 0 },
	};
	const char *want =
		"series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 0 replies, in status\n"
		"  patch 1 v1 p1@x\n"
		"  patch 2 v1 p2@x\n"
		"series quiet@x v1 /1 \"[PATCH] KVM: old, quiet\" by b@x.org: 1 msgs, 1 replies\n"
		"  patch 1 v1 quiet@x\n"
		"Reviewed-by|R|r@x.org|quietr@x\n";

	const char *dropped =
		"series c1@x v1 /2 \"[PATCH 0/2] KVM: x86: Fix things\" by pb@redhat.com: 3 msgs, 0 replies, in status\n"
		"  patch 1 v1 p1@x\n"
		"  patch 2 v1 p2@x\n";

	add_all(f, mails, 3);
	assert_int_equal(kvmd_status_count(f->s), 3);
	add_all(f, mails + 3, 2);
	kvmd_status_drop_from(f->s, 3);
	assert_int_equal(kvmd_status_count(f->s), 3);
	finish(f, T0 + DAY);
	check(f, dropped);

	kvmd_status_free(f->s);
	f->s = kvmd_status_new();
	add_all(f, mails, N(mails));
	kvmd_status_drop_from(f->s, 3);
	add_all(f, mails + 3, 2);
	assert_int_equal(kvmd_status_count(f->s), 5);
	finish(f, T0 + DAY);
	check(f, want);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_status_reply_to_patch_and_reply),
		T(test_status_reply_to_cover),
		T(test_status_quoted_and_signature),
		T(test_status_mismatched_and_twice),
		T(test_status_mismatched_alone),
		T(test_status_html_bare_no_re),
		T(test_status_already_carried),
		T(test_status_partial_reroll),
		T(test_status_shapes),
		T(test_status_versions_by_subject),
		T(test_status_versions_by_link_and_change_id),
		T(test_status_waiting),
		T(test_status_waiting_robot_and_superseded),
		T(test_status_in_status),
		T(test_status_reply_loop),
		T(test_status_subject_key),
		T(test_status_starts_series),
		T(test_status_empty_and_twice),
		T(test_status_hostile_dates),
		T(test_status_hostile_now),
		T(test_status_big),
		T(test_status_reply_keeps_tag),
		T(test_status_address_match),
		T(test_status_versions_same_subject_again),
		T(test_status_any_order),
		T(test_status_drop_and_add_again),
	};

	return cmocka_run_group_tests_name("status", tests, group_setup, group_teardown);
}
