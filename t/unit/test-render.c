/*
 * Unit tests for lib/render.c: the text of a small digest, byte for byte,
 * and the escaping that keeps it safe for a terminal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/digest.h"
#include "../../lib/render.h"
#include "../../lib/subject.h"

/* Exactly 70 dashes. */
#define SEP "----------------------------------------------------------------------"

#define OLD_HEX "0123abcd0123abcd0123abcd0123abcd0123abcd"
#define NEW_HEX "89abcdef89abcdef89abcdef89abcdef89abcdef"

struct fixture {
	struct kvmd_digest *d;
	struct kvmd_subject_parser *subjects;
	struct kvmd_buf out;
	struct kvmd_render_opts opts;
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
	kvmd_buf_init(&f->out);
	f->opts.title = KVMD_DEFAULT_TITLE;
	f->opts.top = KVMD_DEFAULT_TOP;
	f->opts.sections = KVMD_SECTIONS_DEFAULT;
	f->opts.old_hex = OLD_HEX;
	f->opts.new_hex = NEW_HEX;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_digest_free(f->d);
	kvmd_subject_parser_free(f->subjects);
	kvmd_buf_release(&f->out);
	free(f);
	return 0;
}

struct mail {
	size_t seq;
	const char *subject;
	const char *name, *email;
	const char *message_id, *in_reply_to;
	const char *body;
};

static void add_mail(struct fixture *f, const struct mail *m)
{
	struct kvmd_message msg;
	const char *refs[1];

	memset(&msg, 0, sizeof(msg));
	msg.commit = "feedfacefeedfacefeedfacefeedfacefeedface";
	msg.seq = m->seq;
	msg.subject = m->subject;
	kvmd_subject_parse(&msg.tag, f->subjects, m->subject);
	msg.contributor_name = msg.from_name = m->name;
	msg.contributor_email = msg.from_email = m->email;
	msg.message_id = m->message_id;
	msg.in_reply_to = m->in_reply_to;
	if (m->in_reply_to) {
		refs[0] = m->in_reply_to;
		msg.refs = refs;
		msg.nrefs = 1;
	}
	msg.body = m->body;
	msg.body_len = m->body ? strlen(m->body) : 0;
	kvmd_digest_add_mail(f->d, &msg);
}

static const struct mail small[] = {
	{ 0, "Re: [PATCH] KVM: SVM: x", "Kim Phillips", "kim.phillips@amd.com",
	  "r@amd", "ph@t", NULL },
	{ 1, "[PATCH]  KVM: SVM: avoid frequency indirect calls", "Peng Hao",
	  "flyingpeng@tencent.com", "ph@t", NULL,
	  "Body one.\n\nSigned-off-by: Peng Hao <flyingpeng@tencent.com>\n" },
	{ 2, "[PATCH v2 2/2] KVM: SEV: use x", "Pratik R. Sampat", "prsampat@amd.com",
	  "p2@amd", "c@amd", NULL },
	{ 3, "[PATCH v2 1/2] KVM: SEV: add x", "Pratik R. Sampat", "prsampat@amd.com",
	  "p1@amd", "c@amd", "Patch one.\n" },
	{ 4, "[PATCH v2 0/2] KVM: SEV: cover", "Pratik R. Sampat", "prsampat@amd.com",
	  "c@amd", NULL, "The cover letter, without a final newline" },
	{ 5, "Question about KVM_RUN", "Paolo Bonzini", "pbonzini@redhat.com",
	  "q@r", NULL, NULL },
};

static void add_small(struct fixture *f)
{
	size_t i;

	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		add_mail(f, &small[i]);
	kvmd_digest_finish(f->d);
}

static const char small_text[] =
	"From 0123abcd to 89abcdef\n"
	"KVM mailing list update from 0123abcd to 89abcdef\n"
	"\n"
	"Top 15 contributor Email domains (Based on Email Body)\n"
	"\n"
	"      4 amd.com\n"
	"      1 tencent.com\n"
	"      1 redhat.com\n"
	"\n"
	"Top 15 contributors (Based on Email Body)\n"
	"\n"
	"      3  \"Pratik R. Sampat\" <prsampat@amd.com>\n"
	"      1  Peng Hao <flyingpeng@tencent.com>\n"
	"      1  Paolo Bonzini <pbonzini@redhat.com>\n"
	"      1  Kim Phillips <kim.phillips@amd.com>\n"
	"\n"
	"===== Patch list in this time period =====\n"
	"\n"
	"[PATCH]  KVM: SVM: avoid frequency indirect calls (Peng Hao, 1 message)\n"
	"[PATCH v2 0/2] KVM: SEV: cover (Pratik R. Sampat, 3 messages)\n"
	"\n"
	"===== Patch Commit Messages ====\n"
	"\n"
	"New:   KVM: SVM: avoid frequency indirect calls\n"
	"[PATCH]  KVM: SVM: avoid frequency indirect calls\n"
	"Author: Peng Hao <flyingpeng@tencent.com>\n"
	"\n"
	"Body one.\n"
	"\n"
	"Signed-off-by: Peng Hao <flyingpeng@tencent.com>\n"
	SEP "\n"
	"\n"
	"New:  KVM: SEV: add x\n"
	"[PATCH v2 1/2] KVM: SEV: add x\n"
	"Author: Pratik R. Sampat <prsampat@amd.com>\n"
	"\n"
	"Patch one.\n"
	SEP "\n"
	"\n"
	"New:  KVM: SEV: cover\n"
	"[PATCH v2 0/2] KVM: SEV: cover\n"
	"Author: Pratik R. Sampat <prsampat@amd.com>\n"
	"\n"
	"The cover letter, without a final newline\n"
	SEP "\n"
	"\n";

static void test_render_separator_is_70(void **state)
{
	(void)state;
	assert_int_equal(strlen(SEP), 70);
	assert_int_equal(KVMD_SEPARATOR_LEN, 70);
}

static void test_render_text_small(void **state)
{
	struct fixture *f = *state;

	add_small(f);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr, small_text);
}

static void test_render_text_top_title_sections(void **state)
{
	struct fixture *f = *state;

	add_small(f);
	f->opts.title = "KVM weekly";
	f->opts.top = 2;
	f->opts.sections = KVMD_SECTION_CONTRIBUTORS | KVMD_SECTION_PATCHES;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM weekly from 0123abcd to 89abcdef\n"
		"\n"
		"Top 2 contributors (Based on Email Body)\n"
		"\n"
		"      3  \"Pratik R. Sampat\" <prsampat@amd.com>\n"
		"      1  Peng Hao <flyingpeng@tencent.com>\n"
		"\n"
		"===== Patch list in this time period =====\n"
		"\n"
		"[PATCH]  KVM: SVM: avoid frequency indirect calls (Peng Hao, 1 message)\n"
		"[PATCH v2 0/2] KVM: SEV: cover (Pratik R. Sampat, 3 messages)\n"
		"\n");
}

static void test_render_count_width(void **state)
{
	struct fixture *f = *state;
	size_t i;

	/* 1234 messages: still right-aligned in seven columns */
	for (i = 0; i < 1234; i++) {
		struct mail m = { i, "Re: x", "A", "a@example.com", NULL, NULL, NULL };
		add_mail(f, &m);
	}
	kvmd_digest_finish(f->d);
	f->opts.sections = KVMD_SECTION_DOMAINS | KVMD_SECTION_CONTRIBUTORS;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr, "\n   1234 example.com\n"));
	assert_non_null(strstr(f->out.ptr, "\n   1234  A <a@example.com>\n"));
}

static void add_code(struct fixture *f, const char *body)
{
	struct kvmd_code_commit c;

	memset(&c, 0, sizeof(c));
	c.commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
	c.seq = 0;
	c.subject = "KVM: x86: one";
	c.author_name = "Paolo Bonzini";
	c.author_email = "pbonzini@redhat.com";
	c.body = body;
	c.body_len = body ? strlen(body) : 0;
	c.diffstat = " arch/x86/kvm/x86.c | 2 +-\n"
		     " 1 file changed, 1 insertion(+), 1 deletion(-)\n";
	kvmd_digest_add_code(f->d, &c);
	kvmd_digest_finish(f->d);
}

static void test_render_text_code_commit(void **state)
{
	struct fixture *f = *state;

	add_code(f, "Why it changes.\n\nSigned-off-by: Paolo Bonzini <pbonzini@redhat.com>\n");
	f->opts.old_hex = NULL;
	f->opts.new_hex = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From root to 1a2b3c4d\n"
		"KVM mailing list update from root to 1a2b3c4d\n"
		"\n"
		"Top 15 contributor Email domains (Based on Commit Author)\n"
		"\n"
		"      1 redhat.com\n"
		"\n"
		"Top 15 contributors (Based on Commit Author)\n"
		"\n"
		"      1  Paolo Bonzini <pbonzini@redhat.com>\n"
		"\n"
		"===== Patch list in this time period =====\n"
		"\n"
		"1a2b3c4d5e6f KVM: x86: one (Paolo Bonzini)\n"
		"\n"
		"===== Patch Commit Messages ====\n"
		"\n"
		"New: KVM: x86: one\n"
		"commit 1a2b3c4d5e6f KVM: x86: one\n"
		"Author: Paolo Bonzini <pbonzini@redhat.com>\n"
		"\n"
		"Why it changes.\n"
		"\n"
		"Signed-off-by: Paolo Bonzini <pbonzini@redhat.com>\n"
		"---\n"
		" arch/x86/kvm/x86.c | 2 +-\n"
		" 1 file changed, 1 insertion(+), 1 deletion(-)\n"
		"\n"
		SEP "\n"
		"\n");
}

static void test_render_text_code_commit_no_body(void **state)
{
	struct fixture *f = *state;
	const char *entry;

	add_code(f, NULL);
	f->opts.sections = KVMD_SECTION_MESSAGES;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	entry = strstr(f->out.ptr, "New: ");
	assert_non_null(entry);
	assert_string_equal(entry,
		"New: KVM: x86: one\n"
		"commit 1a2b3c4d5e6f KVM: x86: one\n"
		"Author: Paolo Bonzini <pbonzini@redhat.com>\n"
		"\n"
		"---\n"
		" arch/x86/kvm/x86.c | 2 +-\n"
		" 1 file changed, 1 insertion(+), 1 deletion(-)\n"
		"\n"
		SEP "\n"
		"\n");
}

static void test_render_text_mail_and_code_basis(void **state)
{
	struct fixture *f = *state;
	struct mail m = { 1, "Re: x", "A", "a@example.com", NULL, NULL, NULL };
	struct kvmd_code_commit c;

	memset(&c, 0, sizeof(c));
	c.commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
	c.subject = "KVM: x86: one";
	c.author_email = "b@example.com";
	kvmd_digest_add_code(f->d, &c);
	add_mail(f, &m);
	kvmd_digest_finish(f->d);
	f->opts.sections = KVMD_SECTION_DOMAINS;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	/* any mail commit in the range keeps "Based on Email Body" */
	assert_non_null(strstr(f->out.ptr,
		"Top 15 contributor Email domains (Based on Email Body)\n\n"
		"      2 example.com\n\n"));
}

static void test_render_text_skipped(void **state)
{
	struct fixture *f = *state;

	kvmd_digest_add_skipped(f->d, "abc", 0, "no From address");
	kvmd_digest_finish(f->d);
	f->opts.sections = 0;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"Skipped 1 message that could not be digested.\n");
}

static void test_render_text_escapes_subjects(void **state)
{
	struct fixture *f = *state;
	struct mail m = { 0, "[PATCH] evil \x1b]0;title\x07 subject", "E\x1b[2Jvil",
			  "e@example.com", "e@x", NULL, "body\x1b[31m red\r\n" };

	add_mail(f, &m);
	kvmd_digest_finish(f->d);
	f->opts.sections = KVMD_SECTION_CONTRIBUTORS | KVMD_SECTION_PATCHES |
			   KVMD_SECTION_MESSAGES;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strchr(f->out.ptr, '\x1b'));
	assert_null(strchr(f->out.ptr, '\x07'));
	assert_null(strchr(f->out.ptr, '\r'));
	assert_non_null(strstr(f->out.ptr,
		"New:  evil \\x1b]0;title\\x07 subject\n"
		"[PATCH] evil \\x1b]0;title\\x07 subject\n"
		"Author: E\\x1b[2Jvil <e@example.com>\n"
		"\n"
		"body\\x1b[31m red\n" SEP "\n"));
	/* `[` is special: the table quotes the name */
	assert_non_null(strstr(f->out.ptr, "      1  \"E\\x1b[2Jvil\" <e@example.com>\n"));
}

static void test_render_section_key(void **state)
{
	struct fixture *f = *state;

	kvmd_render_section_key(&f->out, OLD_HEX, NEW_HEX);
	assert_string_equal(f->out.ptr, "From 0123abcd to 89abcdef");
	kvmd_buf_reset(&f->out);
	kvmd_render_section_key(&f->out, NULL, NEW_HEX);
	assert_string_equal(f->out.ptr, "From root to 89abcdef");
}


/* --links: a Link: line under the Author: line of a patch, and only then */
static void test_render_text_links(void **state)
{
	struct fixture *f = *state;
	struct mail m = { 1, "[PATCH] KVM: x", "A", "a@example.com", "x/1%y@example.com",
			  NULL, "Body.\n" };

	add_mail(f, &m);
	add_code(f, "Why.\n");	/* finishes the digest */
	f->opts.sections = KVMD_SECTION_MESSAGES;
	f->opts.link_base = "https://lore.kernel.org/kvm/";
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "Link:"));

	f->opts.links = 1;
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"[PATCH] KVM: x\n"
		"Author: A <a@example.com>\n"
		"Link: https://lore.kernel.org/kvm/x%2F1%25y@example.com/\n"
		"\n"
		"Body.\n"));
	/* a code commit has no message to link */
	assert_non_null(strstr(f->out.ptr, "Author: Paolo Bonzini <pbonzini@redhat.com>\n\nWhy.\n"));
	assert_null(strstr(strstr(f->out.ptr, "Link:") + 1, "Link:"));

	/* no base, no links */
	f->opts.link_base = NULL;
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "Link:"));
}

static void test_render_parse_sections(void **state)
{
	struct fixture *f = *state;
	unsigned bits = 0;

	assert_int_equal(kvmd_render_parse_sections(&bits, "status", &f->out), 0);
	assert_int_equal(bits, KVMD_SECTION_STATUS);
	assert_int_equal(kvmd_render_parse_sections(&bits, "default, waiting,newcomers",
						    &f->out), 0);
	assert_int_equal(bits, KVMD_SECTIONS_DEFAULT | KVMD_SECTION_WAITING |
			       KVMD_SECTION_NEWCOMERS);
	assert_int_equal(kvmd_render_parse_sections(&bits, "all", &f->out), 0);
	assert_int_equal(bits, KVMD_SECTIONS_DEFAULT | KVMD_SECTION_SIGNERS |
			       KVMD_SECTION_REVIEWERS | KVMD_SECTIONS_STATUS |
			       KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED | KVMD_SECTION_AREAS);
	assert_int_equal(kvmd_render_parse_sections(&bits, "applied,posted", &f->out), 0);
	assert_int_equal(bits, KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED);
	assert_int_equal(kvmd_render_parse_sections(&bits, "areas", &f->out), 0);
	assert_int_equal(bits, KVMD_SECTION_AREAS);
	assert_int_equal(KVMD_SECTIONS_DEFAULT & KVMD_SECTION_AREAS, 0);
	assert_int_equal(kvmd_render_parse_sections(&bits, "default", &f->out), 0);
	assert_int_equal(bits, KVMD_SECTIONS_DEFAULT);
	assert_int_equal(bits & KVMD_SECTIONS_STATUS, 0);
	assert_int_equal(bits & (KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED), 0);
	assert_int_equal(kvmd_render_parse_sections(&bits, "statuses", &f->out), -1);
}

/* JSON entries: message_id, date (ISO 8601, UTC) and link, null when unknown */
static void test_render_json_entry_fields(void **state)
{
	struct fixture *f = *state;
	struct kvmd_message msg;

	memset(&msg, 0, sizeof(msg));
	msg.commit = "feedfacefeedfacefeedfacefeedfacefeedface";
	msg.subject = "[PATCH v2 1/3] KVM: x";
	kvmd_subject_parse(&msg.tag, f->subjects, msg.subject);
	msg.contributor_name = msg.from_name = "A";
	msg.contributor_email = msg.from_email = "a@example.com";
	msg.message_id = "x/1@example.com";
	msg.date = 1761124500; /* 2025-10-22 09:15:00 UTC */
	msg.body = "Body.\n";
	msg.body_len = 6;
	kvmd_digest_add_mail(f->d, &msg);
	add_code(f, "Why.\n");	/* finishes the digest */
	f->opts.link_base = "https://lore.kernel.org/kvm/";
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"      \"message_id\" : \"x/1@example.com\",\n"
		"      \"date\" : \"2025-10-22T09:15:00Z\",\n"
		"      \"link\" : \"https://lore.kernel.org/kvm/x%2F1@example.com/\",\n"
		"      \"version\" : 2,\n"
		"      \"number\" : 1,\n"
		"      \"total\" : 3,\n"));
	/* the code commit: nothing to say */
	assert_non_null(strstr(f->out.ptr,
		"      \"message_id\" : null,\n"
		"      \"date\" : null,\n"
		"      \"link\" : null,\n"
		"      \"trailers\" : ["));

	f->opts.link_base = NULL;
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "https://"));
	/* no model: no series */
	assert_null(strstr(f->out.ptr, "\"series\" : ["));
	assert_null(strstr(f->out.ptr, "\"newcomers\""));
}

/* The period: the oldest and newest dates of mails and code, and the ends */
static void test_render_period_and_json_dates(void **state)
{
	struct fixture *f = *state;
	struct kvmd_code_commit c;
	struct kvmd_message msg;

	memset(&msg, 0, sizeof(msg));
	msg.commit = "feedfacefeedfacefeedfacefeedfacefeedface";
	msg.seq = 1;
	msg.subject = "[PATCH] KVM: x86: one";
	kvmd_subject_parse(&msg.tag, f->subjects, msg.subject);
	msg.contributor_name = msg.from_name = "A";
	msg.contributor_email = msg.from_email = "a@example.com";
	msg.message_id = "one@example.com";
	msg.date = 1759308000; /* 2025-10-01 08:40:00 UTC */
	kvmd_digest_add_mail(f->d, &msg);
	msg.seq = 2;
	msg.message_id = "unknown@example.com";
	msg.date = 0; /* unknown: not the first */
	kvmd_digest_add_mail(f->d, &msg);
	memset(&c, 0, sizeof(c));
	c.commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
	c.subject = "KVM: x86: two";
	c.author_name = "B";
	c.author_email = "b@example.com";
	c.body = "";
	c.diffstat = "";
	c.date = 1761124500; /* 2025-10-22 09:15:00 UTC */
	kvmd_digest_add_code(f->d, &c);
	kvmd_digest_finish(f->d);

	kvmd_render_period(&f->out, f->d, &f->opts);
	assert_string_equal(f->out.ptr, "2025-10-01 to 2025-10-22 (0123abcd..89abcdef)");
	kvmd_buf_reset(&f->out);
	f->opts.old_hex = NULL;
	kvmd_render_period(&f->out, f->d, &f->opts);
	assert_string_equal(f->out.ptr, "2025-10-01 to 2025-10-22 (root..89abcdef)");

	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"  \"range\" : {\n"
		"    \"old\" : null,\n"
		"    \"new\" : \"" NEW_HEX "\",\n"
		"    \"first_date\" : \"2025-10-01T08:40:00Z\",\n"
		"    \"last_date\" : \"2025-10-22T09:15:00Z\"\n"
		"  },\n"));
	/* the default text does not name them */
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_null(strstr(f->out.ptr, "2025-10-01"));
}

/* No date known: null in JSON, said so in the period */
static void test_render_period_unknown(void **state)
{
	struct fixture *f = *state;

	add_code(f, "Why.\n");
	kvmd_render_period(&f->out, f->d, &f->opts);
	assert_string_equal(f->out.ptr,
			    "an unknown date to an unknown date (0123abcd..89abcdef)");
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr, "\"first_date\" : null,\n"
					   "    \"last_date\" : null\n"));
}

/* The areas section, and the patch list grouped by area */
static void test_render_areas(void **state)
{
	struct fixture *f = *state;

	add_small(f);
	f->opts.sections = KVMD_SECTION_AREAS | KVMD_SECTION_PATCHES;
	f->opts.group_by_area = 1;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Areas from an unknown date to an unknown date (0123abcd..89abcdef) =====\n"
		"\n"
		" Series Messages  Area\n"
		"      1        3  KVM: SEV\n"
		"      1        2  KVM: SVM\n"
		"      0        1  No area\n"
		"\n"
		"===== Patch list in this time period =====\n"
		"\n"
		"--- KVM: SEV ---\n"
		"[PATCH v2 0/2] KVM: SEV: cover (Pratik R. Sampat, 3 messages)\n"
		"\n"
		"--- KVM: SVM ---\n"
		"[PATCH]  KVM: SVM: avoid frequency indirect calls (Peng Hao, 1 message)\n"
		"\n");
	kvmd_buf_reset(&f->out);
	assert_int_equal(kvmd_render_json(&f->out, f->d, &f->opts), 0);
	assert_non_null(strstr(f->out.ptr,
		"      \"messages\" : 3,\n"
		"      \"area\" : \"KVM: SEV\"\n"
		"    }\n"
		"  ],\n"
		"  \"areas\" : [\n"
		"    {\n"
		"      \"area\" : \"KVM: SEV\",\n"
		"      \"series\" : 1,\n"
		"      \"messages\" : 3\n"
		"    },\n"
		"    {\n"
		"      \"area\" : \"KVM: SVM\",\n"
		"      \"series\" : 1,\n"
		"      \"messages\" : 2\n"
		"    },\n"
		"    {\n"
		"      \"area\" : null,\n"
		"      \"series\" : 0,\n"
		"      \"messages\" : 1\n"
		"    }\n"
		"  ],\n"));
	assert_non_null(strstr(f->out.ptr,
		"      \"subject\" : \"[PATCH v2 1/2] KVM: SEV: add x\",\n"
		"      \"area\" : \"KVM: SEV\",\n"));
}

/* A code digest: commits per MAINTAINERS section, dated */
static void test_render_areas_code(void **state)
{
	struct fixture *f = *state;
	static const char *const areas[] = { "KVM X86", "KVM X86", NULL, "KVM ARM64" };
	struct kvmd_code_commit c;
	char hex[41];
	size_t i;

	for (i = 0; i < 4; i++) {
		memset(&c, 0, sizeof(c));
		snprintf(hex, sizeof(hex), "%040zx", i + 0xabc);
		c.commit = hex;
		c.seq = i;
		c.subject = areas[i] ? areas[i] : "none";
		c.author_name = "A";
		c.author_email = "a@example.com";
		c.body = "";
		c.diffstat = "";
		c.date = 1761124500 - (int64_t)i * 86400; /* 2025-10-22 back */
		c.area = areas[i];
		kvmd_digest_add_code(f->d, &c);
	}
	kvmd_digest_finish(f->d);
	f->opts.sections = KVMD_SECTION_AREAS | KVMD_SECTION_PATCHES;
	f->opts.group_by_area = 1;
	assert_int_equal(kvmd_render_text(&f->out, f->d, &f->opts), 0);
	assert_string_equal(f->out.ptr,
		"From 0123abcd to 89abcdef\n"
		"KVM mailing list update from 0123abcd to 89abcdef\n"
		"\n"
		"===== Areas from 2025-10-19 to 2025-10-22 (0123abcd..89abcdef) =====\n"
		"\n"
		"Commits  Area\n"
		"      2  KVM X86\n"
		"      1  KVM ARM64\n"
		"      1  No area\n"
		"\n"
		"===== Patch list in this time period =====\n"
		"\n"
		"--- KVM X86 ---\n"
		"000000000000 KVM X86 (A)\n"
		"000000000000 KVM X86 (A)\n"
		"\n"
		"--- KVM ARM64 ---\n"
		"000000000000 KVM ARM64 (A)\n"
		"\n"
		"--- No area ---\n"
		"000000000000 none (A)\n"
		"\n");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_render_separator_is_70),
		T(test_render_text_small),
		T(test_render_text_top_title_sections),
		T(test_render_count_width),
		T(test_render_text_code_commit),
		T(test_render_text_code_commit_no_body),
		T(test_render_text_mail_and_code_basis),
		T(test_render_text_skipped),
		T(test_render_text_escapes_subjects),
		T(test_render_section_key),
		T(test_render_text_links),
		T(test_render_parse_sections),
		T(test_render_json_entry_fields),
		T(test_render_period_and_json_dates),
		T(test_render_period_unknown),
		T(test_render_areas),
		T(test_render_areas_code),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
