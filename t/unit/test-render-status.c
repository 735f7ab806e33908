/*
 * Unit tests for the status sections of lib/render.c and
 * lib/render-json.c: `status`, `waiting` and `newcomers` rendered from
 * a model built through status.h's own API (lib/status.c), byte for
 * byte, with their links, and what a hostile mail cannot write there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/digest.h"
#include "../../lib/render.h"
#include "../../lib/status.h"
#include "../../lib/subject.h"
#include "../../lib/trailer.h"

#define DAY 86400
#define D0 ((int64_t)1793606400)   /* 2026-11-02 08:00:00 UTC */
#define LORE "https://lore.kernel.org/kvm/"
#define OLD_HEX "0123abcd0123abcd0123abcd0123abcd0123abcd"
#define NEW_HEX "89abcdef89abcdef89abcdef89abcdef89abcdef"

struct fixture {
	struct kvmd_subject_parser *sp;
	struct kvmd_status *s;
	struct kvmd_digest *d;
	struct kvmd_buf out;
	struct kvmd_render_opts opts;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->sp = kvmd_subject_parser_new(NULL);
	f->s = kvmd_status_new();
	f->d = kvmd_digest_new();
	if (!f->sp || !f->s || !f->d)
		return -1;
	kvmd_digest_finish(f->d);
	kvmd_buf_init(&f->out);
	f->opts.title = KVMD_DEFAULT_TITLE;
	f->opts.top = KVMD_DEFAULT_TOP;
	f->opts.sections = KVMD_SECTIONS_STATUS;
	f->opts.old_hex = OLD_HEX;
	f->opts.new_hex = NEW_HEX;
	f->opts.link_base = LORE;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_status_free(f->s);
	kvmd_digest_free(f->d);
	kvmd_subject_parser_free(f->sp);
	kvmd_buf_release(&f->out);
	free(f);
	return 0;
}

/* One mail as the index hands it to the model. */
struct fx {
	const char *id;
	int64_t date;
	const char *name, *email, *sender;
	const char *subject;
	const char *irt, *root;
	const struct kvmd_trailer *t;   /* up to the one with a NULL key */
	const char *link;               /* a Message-ID the body links to */
	int in_range;
};

static void add(struct fixture *f, const struct fx *x)
{
	struct kvmd_status_msg m;
	size_t nt = 0;

	memset(&m, 0, sizeof(m));
	m.message_id = x->id;
	m.date = x->date;
	m.name = x->name;
	m.email = x->email;
	m.sender_email = x->sender ? x->sender : x->email;
	m.subject = x->subject;
	kvmd_subject_parse(&m.tag, f->sp, x->subject);
	m.in_reply_to = x->irt;
	m.root = x->root ? x->root : x->irt ? x->irt : x->id;
	while (x->t && x->t[nt].key)
		nt++;
	m.trailers = x->t;
	m.ntrailers = nt;
	m.links = x->link ? &x->link : NULL;
	m.nlinks = x->link ? 1 : 0;
	m.in_range = x->in_range;
	kvmd_status_add(f->s, &m);
}

#define ALICE "Alice Liddell", "alice@amd.example", NULL
#define SEAN "Sean Christopherson", "seanjc@google.com", NULL

static const struct kvmd_trailer sob[] = {
	{ "Signed-off-by", "Alice Liddell <alice@amd.example>", "Alice Liddell",
	  "alice@amd.example" },
	{ NULL, NULL, NULL, NULL },
};
static const struct kvmd_trailer rb_sean[] = {
	{ "Reviewed-by", "Sean Christopherson <seanjc@google.com>", "Sean Christopherson",
	  "seanjc@google.com" },
	{ NULL, NULL, NULL, NULL },
};
static const struct kvmd_trailer ack_marc[] = {
	{ "Acked-by", "Marc Zyngier <maz@kernel.org>", "Marc Zyngier", "maz@kernel.org" },
	{ NULL, NULL, NULL, NULL },
};
static const struct kvmd_trailer rb_paolo[] = {
	{ "Reviewed-by", "Paolo Bonzini <pbonzini@redhat.com>", "Paolo Bonzini",
	  "pbonzini@redhat.com" },
	{ NULL, NULL, NULL, NULL },
};
static const struct kvmd_trailer tb_sean[] = {
	{ "Tested-by", "Sean Christopherson <seanjc@google.com>", "Sean Christopherson",
	  "seanjc@google.com" },
	{ NULL, NULL, NULL, NULL },
};

/*
 * Week one: v1 of a three-patch series and a lone patch.  A week later:
 * Sean reviews 1/3 and 3/3, Marc acks the cover letter, Mallory sends
 * a Tested-by in Sean's name, Paolo reviews 2/3 in reply to Mallory, and
 * v2 (another subject) links v1.
 */
static const struct fx week[] = {
	{ "c1@amd", D0, ALICE, "[PATCH 0/3] KVM: x86: Teach the widget to frob",
	  NULL, NULL, NULL, NULL, 0 },
	{ "p1@amd", D0 + 1, ALICE, "[PATCH 1/3] KVM: x86: Add the frob bit",
	  "c1@amd", "c1@amd", sob, NULL, 0 },
	{ "p2@amd", D0 + 2, ALICE, "[PATCH 2/3] KVM: x86: Frob on entry",
	  "c1@amd", "c1@amd", sob, NULL, 0 },
	{ "p3@amd", D0 + 3, ALICE, "[PATCH 3/3] KVM: x86: Frob on exit",
	  "c1@amd", "c1@amd", sob, NULL, 0 },
	{ "l1@atari", D0 + 1800, "Carol Shaw", "carol@atari.example", NULL,
	  "[PATCH] KVM: selftests: Add a test for the PIT", NULL, NULL, sob + 1, NULL, 0 },
	{ "r1@google", D0 + 8 * DAY, SEAN, "Re: [PATCH 1/3] KVM: x86: Add the frob bit",
	  "p1@amd", "c1@amd", rb_sean, NULL, 1 },
	{ "r2/maz@kernel.org", D0 + 8 * DAY + 60, "Marc Zyngier", "maz@kernel.org", NULL,
	  "Re: [PATCH 0/3] KVM: x86: Teach the widget to frob", "c1@amd", "c1@amd",
	  ack_marc, NULL, 1 },
	{ "r3@google", D0 + 8 * DAY + 120, SEAN, "Re: [PATCH 3/3] KVM: x86: Frob on exit",
	  "p3@amd", "c1@amd", rb_sean, NULL, 1 },
	{ "r4@evil", D0 + 8 * DAY + 180, "Mallory", "mallory@evil.example", NULL,
	  "Re: [PATCH 2/3] KVM: x86: Frob on entry", "p2@amd", "c1@amd", tb_sean, NULL, 1 },
	{ "r5@redhat", D0 + 8 * DAY + 240, "Paolo Bonzini", "pbonzini@redhat.com", NULL,
	  "Re: [PATCH 2/3] KVM: x86: Frob on entry", "r4@evil", "c1@amd", rb_paolo, NULL, 1 },
	{ "c2@amd", D0 + 8 * DAY + 3600, ALICE, "[PATCH v2 0/3] KVM: x86: Frob the widget",
	  NULL, NULL, NULL, "c1@amd", 1 },
	{ "q1@amd", D0 + 8 * DAY + 3601, ALICE, "[PATCH v2 1/3] KVM: x86: Add the frob bit",
	  "c2@amd", "c2@amd", sob, NULL, 1 },
	{ "q2@amd", D0 + 8 * DAY + 3602, ALICE, "[PATCH v2 2/3] KVM: x86: Frob on entry",
	  "c2@amd", "c2@amd", sob, NULL, 1 },
	{ "q3@amd", D0 + 8 * DAY + 3603, ALICE, "[PATCH v2 3/3] KVM: x86: Frob on exit",
	  "c2@amd", "c2@amd", sob, NULL, 1 },
};

static void build(struct fixture *f)
{
	struct kvmd_status_opts o;
	struct kvmd_buf err = KVMD_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(week) / sizeof(week[0]); i++)
		add(f, &week[i]);
	kvmd_status_add_newcomer(f->s, "Marc Zyngier", "maz@kernel.org", "r2/maz@kernel.org");
	kvmd_status_add_newcomer(f->s, "Mallory", "mallory@evil.example", "r4@evil");
	kvmd_status_add_new_domain(f->s, "kernel.org");
	kvmd_status_add_new_domain(f->s, "evil.example");
	memset(&o, 0, sizeof(o));
	o.wait_days = 7;
	o.now = D0 + 8 * DAY + 3603;
	if (kvmd_status_finish(f->s, &o, &err) < 0)
		fail_msg("kvmd_status_finish: %s", err.ptr);
	kvmd_buf_release(&err);
	f->opts.status = f->s;
}

static const char status_text[] =
	"From 0123abcd to 89abcdef\n"
	"KVM mailing list update from 0123abcd to 89abcdef\n"
	"\n"
	"===== Series status in this time period =====\n"
	"\n"
	"[PATCH 0/3] KVM: x86: Teach the widget to frob (Alice Liddell, 4 messages)\n"
	"  posted 2026-11-02, 5 replies so far " LORE "c1@amd/\n"
	"  Acked-by: Marc Zyngier <maz@kernel.org> (all) " LORE "r2%2Fmaz@kernel.org/\n"
	"  Reviewed-by: Sean Christopherson <seanjc@google.com> (1,3/3) " LORE "r1@google/\n"
	"  Tested-by: Sean Christopherson <seanjc@google.com> (2/3, mismatched: not the "
	"sender's address) " LORE "r4@evil/\n"
	"  Reviewed-by: Paolo Bonzini <pbonzini@redhat.com> (2/3) " LORE "r5@redhat/\n"
	"\n"
	"[PATCH v2 0/3] KVM: x86: Frob the widget (Alice Liddell, 4 messages)\n"
	"  posted 2026-11-10, 0 replies so far " LORE "c2@amd/\n"
	"  v2, follows v1 of 2026-11-02: 5 replies, Acked-by \xc3\x97" "1, Reviewed-by \xc3\x97" "2 "
	LORE "c1@amd/\n"
	"\n"
	"===== Waiting for a reply =====\n"
	"\n"
	"      8 days  [PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)\n"
	"               " LORE "l1@atari/\n"
	"\n"
	"===== Newcomers in this time period =====\n"
	"\n"
	"New contributor: Marc Zyngier <maz@kernel.org> " LORE "r2%2Fmaz@kernel.org/\n"
	"New contributor: Mallory <mallory@evil.example> " LORE "r4@evil/\n"
	"New domain: kernel.org " LORE "r2%2Fmaz@kernel.org/\n"
	"New domain: evil.example " LORE "r4@evil/\n"
	"\n";

static void test_render_status_text(void **state)
{
	struct fixture *f = *state;

	build(f);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr, status_text);
}

/* Without a model the sections asked for are not there; without a base, no links. */
static void test_render_status_without_model_or_base(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n");
	build(f);
	f->opts.link_base = NULL;
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "https://"));
	assert_non_null(strstr(f->out.ptr,
		"  posted 2026-11-02, 5 replies so far\n"
		"  Acked-by: Marc Zyngier <maz@kernel.org> (all)\n"));
	assert_non_null(strstr(f->out.ptr,
		"      8 days  [PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)\n"
		"\n"));
	assert_non_null(strstr(f->out.ptr, "New domain: evil.example\n"));
}

/* Each section on its own, and `waiting` at most --top rows. */
static void test_render_status_sections_and_top(void **state)
{
	struct fixture *f = *state;

	build(f);
	f->opts.sections = KVMD_SECTION_WAITING;
	f->opts.top = 0;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Waiting for a reply =====\n"
		"\n"
		"\n");
	f->opts.sections = KVMD_SECTION_NEWCOMERS;
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "====== Series"));
	assert_null(strstr(f->out.ptr, "Waiting"));
	assert_non_null(strstr(f->out.ptr, "New domain: kernel.org "));
}

/* A stranger's subject, name and Message-ID write no control character and no raw space. */
static void test_render_status_hostile(void **state)
{
	struct fixture *f = *state;
	const struct fx evil = { "a b\n\x1b[2J@evil", D0, "Eve\x1b]0;t\x07", "eve@evil.example",
				 NULL, "[PATCH] KVM: \x1b[31mred\r\n", NULL, NULL, NULL, NULL, 1 };
	struct kvmd_status_opts o = { .wait_days = 7, .now = D0 };
	struct kvmd_buf err = KVMD_BUF_INIT;

	add(f, &evil);
	kvmd_status_add_newcomer(f->s, "Eve\x1b]0;t\x07", "eve@evil.example", evil.id);
	kvmd_status_add_new_domain(f->s, "evil\x1b.example");
	assert_int_equal(kvmd_status_finish(f->s, &o, &err), 0);
	f->opts.status = f->s;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strchr(f->out.ptr, '\x1b'));
	assert_null(strchr(f->out.ptr, '\x07'));
	assert_null(strchr(f->out.ptr, '\r'));
	assert_non_null(strstr(f->out.ptr,
		"[PATCH] KVM: \\x1b[31mred\\x0d\\x0a (Eve\\x1b]0;t\\x07, 1 message)\n"
		"  posted 2026-11-02, 0 replies so far " LORE "a%20b%0A%1B%5B2J@evil/\n"));
	assert_non_null(strstr(f->out.ptr, "New domain: evil\\x1b.example\n"));
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_null(strchr(f->out.ptr, '\x1b'));
	assert_non_null(strstr(f->out.ptr, "\"link\" : \"" LORE "a%20b%0A%1B%5B2J@evil/\""));
	kvmd_buf_release(&err);
}


/* Two more series of the range: one of another area, one of none. */
static const struct fx others[] = {
	{ "a1@arm", D0 + 8 * DAY + 100, "Dave Martin", "dave@arm.example", NULL,
	  "[PATCH] KVM: arm64: Fix the vgic", NULL, NULL, NULL, NULL, 1 },
	{ "t1@arm", D0 + 8 * DAY + 160, "Dave Martin", "dave@arm.example", NULL,
	  "[PATCH] Fix a typo in the FAQ", NULL, NULL, NULL, NULL, 1 },
};

static void build_others(struct fixture *f)
{
	size_t i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		add(f, &others[i]);
	build(f);
}

static void test_render_status_grouped(void **state)
{
	struct fixture *f = *state;

	build_others(f);
	f->opts.sections = KVMD_SECTION_STATUS;
	f->opts.group_by_area = 1;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	/* the areas as their first series comes, each with all its series; none last */
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Series status in this time period =====\n"
		"\n"
		"--- KVM: x86 ---\n"
		"[PATCH 0/3] KVM: x86: Teach the widget to frob (Alice Liddell, 4 messages)\n"
		"  posted 2026-11-02, 5 replies so far " LORE "c1@amd/\n"
		"  Acked-by: Marc Zyngier <maz@kernel.org> (all) " LORE "r2%2Fmaz@kernel.org/\n"
		"  Reviewed-by: Sean Christopherson <seanjc@google.com> (1,3/3) " LORE "r1@google/\n"
		"  Tested-by: Sean Christopherson <seanjc@google.com> (2/3, mismatched: not the "
		"sender's address) " LORE "r4@evil/\n"
		"  Reviewed-by: Paolo Bonzini <pbonzini@redhat.com> (2/3) " LORE "r5@redhat/\n"
		"\n"
		"[PATCH v2 0/3] KVM: x86: Frob the widget (Alice Liddell, 4 messages)\n"
		"  posted 2026-11-10, 0 replies so far " LORE "c2@amd/\n"
		"  v2, follows v1 of 2026-11-02: 5 replies, Acked-by \xc3\x97" "1, Reviewed-by \xc3\x97" "2 "
		LORE "c1@amd/\n"
		"\n"
		"--- KVM: arm64 ---\n"
		"[PATCH] KVM: arm64: Fix the vgic (Dave Martin, 1 message)\n"
		"  posted 2026-11-10, 0 replies so far " LORE "a1@arm/\n"
		"\n"
		"--- No area ---\n"
		"[PATCH] Fix a typo in the FAQ (Dave Martin, 1 message)\n"
		"  posted 2026-11-10, 0 replies so far " LORE "t1@arm/\n"
		"\n");
	/* not grouped: oldest first, the arm64 patch before v2, no headings */
	kvmd_buf_reset(&f->out);
	f->opts.group_by_area = 0;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "---"));
	assert_non_null(strstr(f->out.ptr, "KVM: x86: Frob the widget"));
	assert_true(strstr(f->out.ptr, "KVM: arm64: Fix the vgic") <
		    strstr(f->out.ptr, "KVM: x86: Frob the widget"));
}

static void test_render_status_only_areas(void **state)
{
	struct fixture *f = *state;
	const char *const areas[] = { "kvm: selftests:", "KVM: arm64" };

	build_others(f);
	f->opts.areas = areas;
	f->opts.nareas = 2;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	/* status and waiting keep the series of those areas; newcomers are everyone's */
	assert_non_null(strstr(f->out.ptr,
		"===== Series status in this time period =====\n"
		"\n"
		"[PATCH] KVM: arm64: Fix the vgic (Dave Martin, 1 message)\n"
		"  posted 2026-11-10, 0 replies so far " LORE "a1@arm/\n"
		"\n"
		"===== Waiting for a reply =====\n"
		"\n"
		"      8 days  [PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)\n"));
	assert_null(strstr(f->out.ptr, "KVM: x86"));
	assert_null(strstr(f->out.ptr, "typo"));
	assert_non_null(strstr(f->out.ptr, "New contributor: Mallory"));
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr, "      \"area\" : \"KVM: selftests\"\n"));
	assert_non_null(strstr(f->out.ptr, "      \"area\" : \"KVM: arm64\"\n"));
	assert_null(strstr(f->out.ptr, "c1@amd"));
	assert_null(strstr(f->out.ptr, "typo"));
}

static void test_render_status_json(void **state)
{
	struct fixture *f = *state;

	build(f);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	/* v1: its cover letter's follow-ups, and each patch's own */
	assert_non_null(strstr(f->out.ptr,
		"      \"subject\" : \"[PATCH 0/3] KVM: x86: Teach the widget to frob\",\n"
		"      \"version\" : 1,\n"
		"      \"total\" : 3,\n"
		"      \"sender\" : {\n"
		"        \"name\" : \"Alice Liddell\",\n"
		"        \"email\" : \"alice@amd.example\"\n"
		"      },\n"
		"      \"message_id\" : \"c1@amd\",\n"
		"      \"date\" : \"2026-11-02T08:00:00Z\",\n"
		"      \"link\" : \"" LORE "c1@amd/\",\n"
		"      \"messages\" : 4,\n"
		"      \"replies\" : 5,\n"
		"      \"previous\" : null,\n"
		"      \"waiting_days\" : null,\n"
		"      \"followups\" : [\n"
		"        {\n"
		"          \"key\" : \"Acked-by\",\n"
		"          \"name\" : \"Marc Zyngier\",\n"
		"          \"email\" : \"maz@kernel.org\",\n"
		"          \"message_id\" : \"r2/maz@kernel.org\",\n"
		"          \"mismatched\" : false\n"
		"        }\n"
		"      ],\n"
		"      \"patches\" : [\n"
		"        {\n"
		"          \"number\" : 1,\n"
		"          \"subject\" : \"[PATCH 1/3] KVM: x86: Add the frob bit\",\n"
		"          \"message_id\" : \"p1@amd\",\n"
		"          \"followups\" : [\n"
		"            {\n"
		"              \"key\" : \"Reviewed-by\",\n"));
	assert_non_null(strstr(f->out.ptr,
		"              \"message_id\" : \"r4@evil\",\n"
		"              \"mismatched\" : true\n"));
	/* v2 follows v1 */
	assert_non_null(strstr(f->out.ptr,
		"      \"previous\" : {\n"
		"        \"version\" : 1,\n"
		"        \"message_id\" : \"c1@amd\",\n"
		"        \"date\" : \"2026-11-02T08:00:00Z\",\n"
		"        \"link\" : \"" LORE "c1@amd/\"\n"
		"      },\n"
		"      \"waiting_days\" : null,\n"));
	/* the lone patch waits */
	assert_non_null(strstr(f->out.ptr,
		"      \"link\" : \"" LORE "l1@atari/\",\n"
		"      \"messages\" : 1,\n"
		"      \"replies\" : 0,\n"
		"      \"previous\" : null,\n"
		"      \"waiting_days\" : 8,\n"));
	assert_non_null(strstr(f->out.ptr,
		"  \"newcomers\" : [\n"
		"    {\n"
		"      \"name\" : \"Marc Zyngier\",\n"
		"      \"email\" : \"maz@kernel.org\",\n"
		"      \"message_id\" : \"r2/maz@kernel.org\"\n"
		"    },\n"));
	assert_non_null(strstr(f->out.ptr,
		"  \"new_domains\" : [\n"
		"    \"kernel.org\",\n"
		"    \"evil.example\"\n"
		"  ],\n"
		"  \"skipped_messages\" : []\n"));
}

/*
 * Issue 14's applied section: v2 of the series fully applied is one
 * line; v1's 2/3 applied under a changed diff says it is a subject
 * match; the lone patch that waited is applied, so it waits no more
 * and still shows.
 */
static void applied_build(struct fixture *f)
{
	build(f);
	assert_int_equal(kvmd_status_add_applied(f->s, "q1@amd", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "q2@amd", OLD_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "q3@amd", NEW_HEX,
						 "refs/remotes/kvm/queue", KVMD_MATCH_SUBJECT), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "p2@amd", OLD_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_SUBJECT), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "l1@atari", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	/* kept once; a cover letter, a reply or an unknown id is no patch */
	assert_int_equal(kvmd_status_add_applied(f->s, "l1@atari", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "c2@amd", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 0);
	assert_int_equal(kvmd_status_add_applied(f->s, "r1@google", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 0);
	assert_int_equal(kvmd_status_add_applied(f->s, "nobody@nowhere", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 0);
	f->opts.applied_refs = 2;
	f->opts.applied_known = 1;
}

static void test_render_applied_text(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_status_series *const *w;
	const struct kvmd_status_series *ser;
	const struct kvmd_status_patch *p;

	applied_build(f);
	f->opts.sections = KVMD_SECTION_WAITING | KVMD_SECTION_APPLIED;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Waiting for a reply =====\n"
		"\n"
		"\n"
		"===== Applied patches =====\n"
		"\n"
		"[PATCH 2/3] KVM: x86: Frob on entry \xe2\x86\x92 0123abcd0123 in "
		"refs/remotes/kvm/next (subject match)\n"
		"[PATCH] KVM: selftests: Add a test for the PIT \xe2\x86\x92 89abcdef89ab in "
		"refs/remotes/kvm/next\n"
		"[PATCH v2 0/3] KVM: x86: Frob the widget \xe2\x86\x92 all 3 patches in "
		"refs/remotes/kvm/next, refs/remotes/kvm/queue (1 by subject)\n"
		"\n");
	assert_int_equal(kvmd_status_waiting(f->s, &w), 0);
	p = kvmd_status_find_patch(f->s, "q2@amd", &ser);
	assert_non_null(p);
	assert_int_equal(p->number, 2);
	assert_int_equal(ser->fully_applied, 1);
	assert_string_equal(ser->message_id, "c2@amd");
	assert_null(kvmd_status_find_patch(f->s, "c2@amd", &ser));
	assert_null(ser);
}

/* A series with a patch not applied is not fully applied, and still waits. */
static void test_render_applied_partly(void **state)
{
	struct fixture *f = *state;
	const struct kvmd_status_series *const *w;
	const struct kvmd_status_series *ser;

	build(f);
	assert_int_equal(kvmd_status_add_applied(f->s, "q1@amd", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	assert_int_equal(kvmd_status_add_applied(f->s, "q3@amd", NEW_HEX,
						 "refs/remotes/kvm/next", KVMD_MATCH_PATCH_ID), 1);
	assert_non_null(kvmd_status_find_patch(f->s, "q1@amd", &ser));
	assert_int_equal(ser->fully_applied, 0);
	assert_int_equal(kvmd_status_waiting(f->s, &w), 1);
	assert_string_equal(w[0]->message_id, "l1@atari");
}

/* Without kvmdigest.appliedRef both sections say how to set it, in one line. */
static void test_render_applied_unset(void **state)
{
	struct fixture *f = *state;
	static const char hint[] = "kvmdigest.appliedRef is not set: name the refs patches "
		"are applied to, e.g. git config --add kvmdigest.appliedRef "
		"'refs/remotes/kvm/*'\n";
	struct kvmd_buf want = KVMD_BUF_INIT;

	applied_build(f);
	f->opts.applied_refs = 0;
	f->opts.sections = KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	kvmd_buf_addf(&want, "From 0123abcd to 89abcdef\n"
		      "KVM mailing list update from 0123abcd to 89abcdef\n\n"
		      "===== Applied patches =====\n\n%s\n"
		      "===== Where the new commits were posted =====\n\n%s\n", hint, hint);
	assert_string_equal(f->out.ptr, want.ptr);
	kvmd_buf_release(&want);
}

static void test_render_applied_json(void **state)
{
	struct fixture *f = *state;

	applied_build(f);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"          \"message_id\" : \"q3@amd\",\n"
		"          \"followups\" : [],\n"
		"          \"applied\" : [\n"
		"            {\n"
		"              \"commit\" : \"" NEW_HEX "\",\n"
		"              \"ref\" : \"refs/remotes/kvm/queue\",\n"
		"              \"match\" : \"subject\"\n"
		"            }\n"
		"          ]\n"
		"        }\n"
		"      ],\n"
		"      \"fully_applied\" : true,\n"));
	/* the lone patch no longer waits, and is still listed */
	assert_non_null(strstr(f->out.ptr,
		"      \"link\" : \"" LORE "l1@atari/\",\n"
		"      \"messages\" : 1,\n"
		"      \"replies\" : 0,\n"
		"      \"previous\" : null,\n"
		"      \"waiting_days\" : null,\n"));
	assert_non_null(strstr(f->out.ptr,
		"          \"message_id\" : \"p1@amd\",\n"
		"          \"followups\" : [\n"));
}

/*
 * The posted section of a code digest: the commit matched, with its
 * mail's date, version, link and follow-ups (a mismatched one left out
 * of the text, kept in JSON); the other commit counted as never posted.
 */
static void test_render_posted(void **state)
{
	struct fixture *f = *state;
	static const struct kvmd_followup fu[] = {
		{ "Reviewed-by", "Sean Christopherson", "seanjc@google.com", "r1@google", 0 },
		{ "Tested-by", "Sean Christopherson", "seanjc@google.com", "r4@evil", 1 },
	};
	struct kvmd_posted posted = { "p1@amd", D0 + 1, 2, 0, fu, 2 };
	struct kvmd_code_commit c;

	kvmd_digest_free(f->d);
	f->d = kvmd_digest_new();
	memset(&c, 0, sizeof(c));
	c.commit = NEW_HEX;
	c.seq = 0;
	c.subject = "KVM: x86: Add the frob bit";
	c.author_name = "Alice Liddell";
	c.author_email = "alice@amd.example";
	c.body = "";
	c.diffstat = " x.c | 1 +\n 1 file changed, 1 insertion(+)\n";
	kvmd_digest_add_code(f->d, &c);
	c.commit = OLD_HEX;
	c.seq = 1;
	c.subject = "KVM: x86: Never posted";
	kvmd_digest_add_code(f->d, &c);
	kvmd_digest_finish(f->d);
	assert_int_equal(kvmd_digest_unposted(f->d), 2);
	kvmd_digest_set_posted(f->d, NEW_HEX, &posted);
	kvmd_digest_set_posted(f->d, "ffff" NEW_HEX, &posted);  /* not in the digest */
	assert_int_equal(kvmd_digest_unposted(f->d), 1);
	f->opts.applied_refs = 1;
	f->opts.applied_known = 1;
	f->opts.sections = KVMD_SECTION_POSTED;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Where the new commits were posted =====\n"
		"\n"
		"89abcdef89ab KVM: x86: Add the frob bit\n"
		"  posted as v2 on 2026-11-02 " LORE "p1@amd/\n"
		"  Reviewed-by: Sean Christopherson <seanjc@google.com> " LORE "r1@google/\n"
		"\n"
		"1 new commit was never posted on an indexed list.\n"
		"\n");
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"      \"posted\" : {\n"
		"        \"message_id\" : \"p1@amd\",\n"
		"        \"date\" : \"2026-11-02T08:00:01Z\",\n"
		"        \"link\" : \"" LORE "p1@amd/\",\n"
		"        \"version\" : 2,\n"
		"        \"match\" : \"patch-id\",\n"
		"        \"followups\" : [\n"
		"          {\n"
		"            \"key\" : \"Reviewed-by\",\n"));
	assert_non_null(strstr(f->out.ptr, "\"mismatched\" : true"));
	assert_non_null(strstr(f->out.ptr,
		"      \"posted\" : null,\n"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_render_status_grouped),
		T(test_render_status_only_areas),
		T(test_render_status_text),
		T(test_render_status_without_model_or_base),
		T(test_render_status_sections_and_top),
		T(test_render_status_hostile),
		T(test_render_status_json),
		T(test_render_applied_text),
		T(test_render_applied_partly),
		T(test_render_applied_unset),
		T(test_render_applied_json),
		T(test_render_posted),
	};

	return cmocka_run_group_tests_name("render-status", tests, NULL, NULL);
}
