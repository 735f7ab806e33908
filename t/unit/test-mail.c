/*
 * Unit tests for lib/mail.c: raw messages parsed with the real GMime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/mail.h"

struct fixture {
	struct kvmd_mail mail;
	struct kvmd_buf why;
	int parsed;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	kvmd_buf_init(&f->why);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->parsed)
		kvmd_mail_release(&f->mail);
	kvmd_buf_release(&f->why);
	free(f);
	return 0;
}

static int parse(struct fixture *f, const char *raw)
{
	int ret = kvmd_mail_parse(&f->mail, raw, strlen(raw), &f->why);

	f->parsed = ret == 0;
	return ret;
}

static void must_parse(struct fixture *f, const char *raw)
{
	int ret = parse(f, raw);

	if (ret)
		fail_msg("kvmd_mail_parse: %s", f->why.ptr);
}

static void test_mail_plain(void **state)
{
	struct fixture *f = *state;
	const char *raw =
		"From: Paolo Bonzini <pbonzini@redhat.com>\n"
		"To: kvm@vger.kernel.org\n"
		"Subject: [PATCH] KVM: x86: block KVM_CAP_SYNC_REGS\n"
		"Date: Thu, 27 Mar 2025 12:00:00 +0100\n"
		"Message-ID: <20250327110000.1@redhat.com>\n"
		"In-Reply-To: <cover.1@redhat.com>\n"
		"References: <root.0@redhat.com>\n"
		"  <cover.1@redhat.com>\n"
		"\n"
		"KVM_CAP_SYNC_REGS does not make sense.\n"
		"\n"
		"Signed-off-by: Paolo Bonzini <pbonzini@redhat.com>\n";

	must_parse(f, raw);
	assert_string_equal(f->mail.from_name, "Paolo Bonzini");
	assert_string_equal(f->mail.from_email, "pbonzini@redhat.com");
	assert_string_equal(f->mail.author_name, "Paolo Bonzini");
	assert_string_equal(f->mail.author_email, "pbonzini@redhat.com");
	assert_string_equal(f->mail.subject, "[PATCH] KVM: x86: block KVM_CAP_SYNC_REGS");
	assert_string_equal(f->mail.message_id, "20250327110000.1@redhat.com");
	assert_string_equal(f->mail.in_reply_to, "cover.1@redhat.com");
	assert_int_equal(f->mail.nrefs, 2);
	assert_string_equal(f->mail.refs[0], "root.0@redhat.com");
	assert_string_equal(f->mail.refs[1], "cover.1@redhat.com");
	assert_string_equal(f->mail.body,
			    "KVM_CAP_SYNC_REGS does not make sense.\n"
			    "\n"
			    "Signed-off-by: Paolo Bonzini <pbonzini@redhat.com>\n");
	assert_int_equal(f->mail.body_len, strlen(f->mail.body));
	assert_int_equal(f->mail.body_start, 0);
}

static void test_mail_minimal_headers(void **state)
{
	struct fixture *f = *state;

	must_parse(f, "From: bare@example.com\n\nhi\n");
	assert_null(f->mail.from_name);
	assert_string_equal(f->mail.from_email, "bare@example.com");
	assert_string_equal(f->mail.subject, "");
	assert_null(f->mail.message_id);
	assert_null(f->mail.in_reply_to);
	assert_int_equal(f->mail.nrefs, 0);
	assert_null(f->mail.refs);
	assert_null(f->mail.author_name);
	assert_string_equal(f->mail.author_email, "bare@example.com");
	assert_string_equal(f->mail.body, "hi\n");
}

static void test_mail_rfc2047_from(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: =?UTF-8?q?J=C3=B6rg_R=C3=B6del?= <joro@8bytes.org>\n"
		"Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus =?UTF-8?B?S8O2bG4=?=\n"
		"\n"
		"x\n");
	assert_string_equal(f->mail.from_name, "J\xc3\xb6rg R\xc3\xb6" "del");
	assert_string_equal(f->mail.from_email, "joro@8bytes.org");
	assert_string_equal(f->mail.subject, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln");
}

static void test_mail_raw_8bit_subject(void **state)
{
	struct fixture *f = *state;

	/* unencoded 8-bit headers: UTF-8 kept, Latin-1 converted */
	must_parse(f, "From: A <a@example.com>\nSubject: J\xc3\xb6rg\n\nx\n");
	assert_string_equal(f->mail.subject, "J\xc3\xb6rg");
	kvmd_mail_release(&f->mail);
	f->parsed = 0;
	must_parse(f, "From: A <a@example.com>\nSubject: J\xf6rg\n\nx\n");
	assert_string_equal(f->mail.subject, "J\xc3\xb6rg");
}

static void test_mail_rfc2047_subject_folded(void **state)
{
	struct fixture *f = *state;

	/* white space between encoded words goes, even across a fold */
	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: =?UTF-8?B?W1BBVENIXSBL?=\n"
		" =?UTF-8?B?Vk06IHg=?=\n"
		"\n"
		"x\n");
	assert_string_equal(f->mail.subject, "[PATCH] KVM: x");
}

static void test_mail_quoted_name_with_dot(void **state)
{
	struct fixture *f = *state;

	must_parse(f, "From: \"Pratik R. Sampat\" <prsampat@amd.com>\n\nx\n");
	assert_string_equal(f->mail.from_name, "Pratik R. Sampat");
	assert_string_equal(f->mail.from_email, "prsampat@amd.com");
}

static void test_mail_folded_subject(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: Kim Phillips <kim.phillips@amd.com>\n"
		"Subject: [PATCH v4 0/2] KVM: SEV: Add support for the\n"
		" ALLOWED_SEV_FEATURES feature\n"
		"\n"
		"x\n");
	assert_string_equal(f->mail.subject,
			    "[PATCH v4 0/2] KVM: SEV: Add support for the ALLOWED_SEV_FEATURES feature");
}

static void test_mail_quoted_printable(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: qp\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"Caf=C3=A9 a=3Db and a very long line that was soft-=\n"
		"broken here.\n");
	assert_string_equal(f->mail.body,
			    "Caf\xc3\xa9 a=b and a very long line that was soft-broken here.\n");
}

static void test_mail_base64_latin1(void **state)
{
	struct fixture *f = *state;

	/* "Grüße aus Köln\n" in ISO-8859-1, base64-encoded */
	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: latin1\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=ISO-8859-1\n"
		"Content-Transfer-Encoding: base64\n"
		"\n"
		"R3L832UgYXVzIEv2bG4K\n");
	assert_string_equal(f->mail.body, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\n");
	assert_int_equal(f->mail.body_len, strlen("Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\n"));
}

static void test_mail_multipart_first_text_plain(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: multipart\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"BOUND\"\n"
		"\n"
		"This is a multi-part message in MIME format.\n"
		"--BOUND\n"
		"Content-Type: text/html; charset=UTF-8\n"
		"\n"
		"<p>not this</p>\n"
		"--BOUND\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"\n"
		"The first plain part.\n"
		"--BOUND\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"Content-Disposition: attachment; filename=\"x.patch\"\n"
		"\n"
		"diff --git a/x b/x\n"
		"--BOUND--\n");
	/* the newline before a boundary belongs to the boundary (RFC 2046) */
	assert_string_equal(f->mail.body, "The first plain part.");
}

static void test_mail_multipart_nested(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: nested\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"OUT\"\n"
		"\n"
		"--OUT\n"
		"Content-Type: multipart/alternative; boundary=\"IN\"\n"
		"\n"
		"--IN\n"
		"Content-Type: text/plain; charset=ISO-8859-1\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"K=F6ln\n"
		"--IN\n"
		"Content-Type: text/html\n"
		"\n"
		"<b>K&ouml;ln</b>\n"
		"--IN--\n"
		"--OUT--\n");
	assert_string_equal(f->mail.body, "K\xc3\xb6ln");
}

static void test_mail_no_text_plain(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: html only\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/html\n"
		"\n"
		"<p>x</p>\n");
	assert_string_equal(f->mail.body, "");
	assert_int_equal(f->mail.body_len, 0);
	assert_string_equal(f->mail.html, "<p>x</p>\n");
}

static void test_mail_crlf(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\r\n"
		"Subject: crlf\r\n"
		"\r\n"
		"one\r\n"
		"two\r\n");
	assert_string_equal(f->mail.subject, "crlf");
	assert_string_equal(f->mail.body, "one\ntwo\n");
}

static void test_mail_inbody_from(void **state)
{
	struct fixture *f = *state;
	const char *raw =
		"From: Sean Christopherson <seanjc@google.com>\n"
		"Subject: [PATCH 1/2] KVM: x86: x\n"
		"\n"
		"From: =?UTF-8?q?Andr=C3=A9_Real?= <andre@example.com>\n"
		"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
		"\n"
		"The real author wrote this.\n";

	must_parse(f, raw);
	/* the header From stays for the Author: line */
	assert_string_equal(f->mail.from_name, "Sean Christopherson");
	assert_string_equal(f->mail.from_email, "seanjc@google.com");
	/* the contributor is the in-body From, decoded */
	assert_string_equal(f->mail.author_name, "Andr\xc3\xa9 Real");
	assert_string_equal(f->mail.author_email, "andre@example.com");
	/* past the in-body lines, the blank line after them kept */
	assert_string_equal(f->mail.body + f->mail.body_start,
			    "\nThe real author wrote this.\n");
}

static void test_mail_inbody_from_bare_lower_case(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: x\n"
		"\n"
		"from: b@inbody.example.com\n"
		"Subject: [PATCH] the real subject\n"
		"\n"
		"text\n");
	assert_null(f->mail.author_name);
	assert_string_equal(f->mail.author_email, "b@inbody.example.com");
	/* the header subject is not replaced */
	assert_string_equal(f->mail.subject, "x");
	assert_string_equal(f->mail.body + f->mail.body_start, "\ntext\n");
}

static void test_mail_inbody_from_unparsable(void **state)
{
	struct fixture *f = *state;

	/* an in-body From without an address leaves the header From */
	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: x\n"
		"\n"
		"From: not an address\n"
		"\n"
		"text\n");
	assert_string_equal(f->mail.author_name, "A");
	assert_string_equal(f->mail.author_email, "a@example.com");
}

static void test_mail_inbody_from_not_at_top(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Subject: x\n"
		"\n"
		"Hi,\n"
		"From: B <b@example.com>\n");
	assert_string_equal(f->mail.author_email, "a@example.com");
	assert_int_equal(f->mail.body_start, 0);
}

static void test_mail_no_from_rejected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "Subject: [PATCH] x\nMessage-ID: <x@y>\n\nbody\n"), -1);
	assert_true(f->why.len > 0);
	assert_non_null(strstr(f->why.ptr, "From"));
	/* released: nothing left to free */
	assert_null(f->mail.subject);
	assert_null(f->mail.from_email);
	assert_null(f->mail.body);
}

static void test_mail_empty_from_rejected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "From: \nSubject: x\n\nbody\n"), -1);
	assert_true(f->why.len > 0);
	kvmd_buf_reset(&f->why);
	assert_int_equal(parse(f, "From: undisclosed-recipients:;\nSubject: x\n\nbody\n"), -1);
	assert_true(f->why.len > 0);
}

static void test_mail_group_from(void **state)
{
	struct fixture *f = *state;

	/* a mailbox inside a group is found */
	must_parse(f, "From: team: C <c@example.com>;\nSubject: x\n\nbody\n");
	assert_string_equal(f->mail.from_email, "c@example.com");
	assert_string_equal(f->mail.from_name, "C");
}

/*
 * `From: <from>` read by both paths (the fast one and a whole
 * GMimeMessage) as `name` (NULL for none) and `email`; and the same
 * value as an in-body From.
 */
static void check_from(const char *from, const char *name, const char *email)
{
	struct kvmd_buf raw = KVMD_BUF_INIT, why = KVMD_BUF_INIT;
	struct kvmd_mail m;
	int gmime;

	kvmd_buf_addf(&raw, "From: %s\nSubject: [PATCH] x\nMessage-ID: <1@x>\n\nbody\n", from);
	for (gmime = 0; gmime < 2; gmime++) {
		if ((gmime ? kvmd_mail_parse_gmime : kvmd_mail_parse)(&m, raw.ptr, raw.len, &why) < 0)
			fail_msg("%s: %s: %s", gmime ? "gmime" : "fast", from, why.ptr);
		if (!gmime)
			assert_true(m.fast_path);
		assert_string_equal(m.from_email, email);
		if (name)
			assert_string_equal(m.from_name, name);
		else
			assert_null(m.from_name);
		kvmd_mail_release(&m);
	}
	kvmd_buf_reset(&raw);
	kvmd_buf_addf(&raw, "From: Other <o@example.com>\nSubject: [PATCH] x\n\nFrom: %s\n\nbody\n", from);
	if (kvmd_mail_parse(&m, raw.ptr, raw.len, &why) < 0)
		fail_msg("in-body: %s: %s", from, why.ptr);
	assert_string_equal(m.author_email, email);
	if (name)
		assert_string_equal(m.author_name, name);
	else
		assert_null(m.author_name);
	kvmd_mail_release(&m);
	kvmd_buf_release(&raw);
	kvmd_buf_release(&why);
}

/* What GMime's address parser refuses, read as git mailinfo reads it. */
static void test_mail_from_mailinfo_forms(void **state)
{
	(void)state;
	check_from("John [Company] Doe <jd@x.com>", "John [Company] Doe", "jd@x.com");
	check_from("John Doe jd@x.com", "John Doe", "jd@x.com");
	check_from("John Doe <jd at x.com>", "John Doe", "jd at x.com");
	/* GMime splits the encoded word at the `;` it decodes to */
	check_from("=?UTF-8?Q?a;b?= <x@y>", "a;b", "x@y");
	check_from("=?UTF-8?Q?J=C3=B6rg;_M=2E?= <jm@example.com>", "J\xc3\xb6rg; M.", "jm@example.com");
	/* mailinfo's sanity rule: a name longer than 60 bytes is no name */
	check_from("[x] 0123456789012345678901234567890123456789012345678901234567 <jd@x.com>",
		   NULL, "jd@x.com");
	/* and the forms GMime reads stay GMime's */
	check_from("\"Doe, John\" <jd@x.com>", "Doe, John", "jd@x.com");
	check_from("jd@x.com (John Doe)", "John Doe", "jd@x.com");
	check_from("Foo <a>", "Foo", "a");
}

/*
 * A message id is never RFC 2047-decoded and keeps no control
 * character, on both paths, in Message-ID, In-Reply-To and References.
 */
static void test_mail_ids_raw_no_controls(void **state)
{
	(void)state;
	static const char raw[] =
		"From: a@example.com\n"
		"Subject: [PATCH] x\n"
		"Message-ID: <=?UTF-8?Q?a=1Bb?=@x>\n"
		"In-Reply-To: <c\033[31md@x>\n"
		"References: <r\x01\x02@x> <=?UTF-8?B?Zg==?=@x>\n"
		"\t<e\x7f@x>\n"
		"\n"
		"body\n";
	struct kvmd_buf why = KVMD_BUF_INIT;
	struct kvmd_mail m;
	int gmime;

	for (gmime = 0; gmime < 2; gmime++) {
		if ((gmime ? kvmd_mail_parse_gmime : kvmd_mail_parse)(&m, raw, sizeof(raw) - 1, &why) < 0)
			fail_msg("%s", why.ptr);
		if (!gmime)
			assert_true(m.fast_path);
		assert_string_equal(m.message_id, "=?UTF-8?Q?a=1Bb?=@x");
		assert_string_equal(m.in_reply_to, "c[31md@x");
		assert_int_equal(m.nrefs, 3);
		assert_string_equal(m.refs[0], "r@x");
		assert_string_equal(m.refs[1], "=?UTF-8?B?Zg==?=@x");
		assert_string_equal(m.refs[2], "e@x");
		kvmd_mail_release(&m);
	}
	/* an id of nothing but controls is none */
	if (kvmd_mail_parse(&m, "From: a@x\nMessage-ID: <\x01>\n\nb\n", 29, &why) < 0)
		fail_msg("%s", why.ptr);
	assert_null(m.message_id);
	kvmd_mail_release(&m);
	kvmd_buf_release(&why);
}

/*
 * A part that says ASCII but holds UTF-8 reads as UTF-8 on both paths
 * (GMime's own conversion drops the 8-bit bytes), quoted-printable too.
 */
static void test_mail_ascii_label_utf8_body(void **state)
{
	static const char *const raws[] = {
		"From: a@x\nContent-Type: text/plain; charset=us-ascii\n\nJ\xc3\xbcrgen\n",
		"From: a@x\nContent-Type: text/plain; charset=ascii\n"
		"Content-Transfer-Encoding: quoted-printable\n\nJ=C3=BCrgen\n",
	};
	struct kvmd_buf why = KVMD_BUF_INIT;
	struct kvmd_mail m;
	size_t i;
	int gmime;

	(void)state;
	for (i = 0; i < sizeof(raws) / sizeof(*raws); i++) {
		for (gmime = 0; gmime < 2; gmime++) {
			if ((gmime ? kvmd_mail_parse_gmime : kvmd_mail_parse)(&m, raws[i], strlen(raws[i]), &why) < 0)
				fail_msg("%s", why.ptr);
			assert_string_equal(m.body, "J\xc3\xbcrgen\n");
			kvmd_mail_release(&m);
		}
	}
	/* an empty one (a second From sends it to GMime): an empty body */
	if (kvmd_mail_parse(&m, "From: a@x\nFrom: b@x\nContent-Type: text/plain; charset=us-ascii\n\n",
			    strlen("From: a@x\nFrom: b@x\nContent-Type: text/plain; charset=us-ascii\n\n"),
			    &why) < 0)
		fail_msg("%s", why.ptr);
	assert_false(m.fast_path);
	assert_string_equal(m.body, "");
	kvmd_mail_release(&m);
	/* not UTF-8 either: GMime's conversion, on both paths */
	if (kvmd_mail_parse(&m, "From: a@x\nContent-Type: text/plain; charset=us-ascii\n\nJ\xfcrgen\n",
			    strlen("From: a@x\nContent-Type: text/plain; charset=us-ascii\n\nJ\xfcrgen\n"), &why) < 0)
		fail_msg("%s", why.ptr);
	assert_false(m.fast_path);
	kvmd_mail_release(&m);
	kvmd_buf_release(&why);
}

/* Parses `raw` on the path `gmime` says into `m`, failing the test when it cannot. */
static void parse_path(struct kvmd_mail *m, const char *raw, int gmime)
{
	struct kvmd_buf why = KVMD_BUF_INIT;

	if ((gmime ? kvmd_mail_parse_gmime : kvmd_mail_parse)(m, raw, strlen(raw), &why) < 0)
		fail_msg("%s: %s", gmime ? "gmime" : "fast", why.ptr);
	kvmd_buf_release(&why);
}

/*
 * The Date header, on both paths: RFC 5322, folded, without a weekday
 * or seconds, an obsolete zone name; 0 when absent or unreadable.
 */
static void test_mail_date(void **state)
{
	static const struct {
		const char *header;  /* the Date line(s), or "" */
		int64_t date;
	} cases[] = {
		{ "Date: Thu, 27 Mar 2025 12:00:00 +0100\n", 1743073200 },
		{ "Date: Thu, 27 Mar 2025\n 12:00:00 +0100 (CET)\n", 1743073200 },
		{ "Date: 27 Mar 2025 12:00 -0000\n", 1743076800 },
		{ "Date: Tue, 3 Jun 2014 12:00:00 GMT\n", 1401796800 },
		{ "", 0 },
		{ "Date: \n", 0 },
		{ "Date: yesterday, after lunch\n", 0 },
		{ "Date: Thu, 27 Mar 2025 25:61:00 +0100\n", 0 },
	};
	size_t i;
	int gmime;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (gmime = 0; gmime < 2; gmime++) {
			struct kvmd_buf raw = KVMD_BUF_INIT;
			struct kvmd_mail m;

			kvmd_buf_addf(&raw, "From: A <a@example.com>\nSubject: d\n%s"
				      "Message-ID: <d@x>\n\nbody\n", cases[i].header);
			parse_path(&m, raw.ptr, gmime);
			if (!gmime)
				assert_true(m.fast_path);
			if (m.date != cases[i].date)
				fail_msg("%s: `%s`: %lld, not %lld", gmime ? "gmime" : "fast",
					 cases[i].header, (long long)m.date,
					 (long long)cases[i].date);
			kvmd_mail_release(&m);
			kvmd_buf_release(&raw);
		}
	}
}

/* A multipart mail (the full parse) reads its Date too. */
static void test_mail_date_multipart(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"Date: Wed, 22 Oct 2025 09:30:00 +0000\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=B\n"
		"\n"
		"--B\n"
		"Content-Type: text/plain\n"
		"\n"
		"hi\n"
		"--B--\n");
	assert_false(f->mail.fast_path);
	assert_int_equal(f->mail.date, 1761125400);
}

/*
 * An HTML-only mail keeps its text/html part's decoded text in `html`
 * (quoted-printable decoded, CRLF made LF), its `body` stays "": alone,
 * or in a multipart/alternative without a text/plain part.
 */
static void test_mail_html_only(void **state)
{
	static const char *const raws[] = {
		"From: A <a@example.com>\n"
		"Subject: html only\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/html; charset=utf-8\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"<p>Reviewed-by: A &lt;a@example.com&gt;</p>=0D\n"
		"<p>K=C3=B6ln</p>\n",

		"From: A <a@example.com>\n"
		"Subject: html only\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/alternative; boundary=B\n"
		"\n"
		"--B\n"
		"Content-Type: image/png\n"
		"\n"
		"xx\n"
		"--B\n"
		"Content-Type: text/html; charset=utf-8\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"<p>Reviewed-by: A &lt;a@example.com&gt;</p>=0D\n"
		"<p>K=C3=B6ln</p>\n"
		"--B--\n",
	};
	/* the line break before a boundary is the boundary's */
	static const char *const want[] = {
		"<p>Reviewed-by: A &lt;a@example.com&gt;</p>\n<p>K\xc3\xb6ln</p>\n",
		"<p>Reviewed-by: A &lt;a@example.com&gt;</p>\n<p>K\xc3\xb6ln</p>",
	};
	size_t i;
	int gmime;

	(void)state;
	for (i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		for (gmime = 0; gmime < 2; gmime++) {
			struct kvmd_mail m;

			parse_path(&m, raws[i], gmime);
			assert_string_equal(m.body, "");
			assert_int_equal(m.body_len, 0);
			assert_non_null(m.html);
			assert_string_equal(m.html, want[i]);
			assert_int_equal(m.html_len, strlen(want[i]));
			kvmd_mail_release(&m);
		}
	}
}

/* With a text/plain part, the text/html one is not kept: `html` is NULL. */
static void test_mail_html_with_plain(void **state)
{
	struct fixture *f = *state;

	must_parse(f,
		"From: A <a@example.com>\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/alternative; boundary=B\n"
		"\n"
		"--B\n"
		"Content-Type: text/html\n"
		"\n"
		"<p>html</p>\n"
		"--B\n"
		"Content-Type: text/plain\n"
		"\n"
		"plain\n"
		"--B--\n");
	assert_string_equal(f->mail.body, "plain");
	assert_null(f->mail.html);
	kvmd_mail_release(&f->mail);
	f->parsed = 0;
	must_parse(f, "From: A <a@example.com>\n\nplain\n");
	assert_null(f->mail.html);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static int group_setup(void **state)
{
	(void)state;
	kvmd_mail_global_init();
	kvmd_mail_global_init(); /* idempotent */
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_mail_plain),
		T(test_mail_minimal_headers),
		T(test_mail_rfc2047_from),
		T(test_mail_raw_8bit_subject),
		T(test_mail_rfc2047_subject_folded),
		T(test_mail_quoted_name_with_dot),
		T(test_mail_folded_subject),
		T(test_mail_quoted_printable),
		T(test_mail_base64_latin1),
		T(test_mail_multipart_first_text_plain),
		T(test_mail_multipart_nested),
		T(test_mail_no_text_plain),
		T(test_mail_crlf),
		T(test_mail_inbody_from),
		T(test_mail_inbody_from_bare_lower_case),
		T(test_mail_inbody_from_unparsable),
		T(test_mail_inbody_from_not_at_top),
		T(test_mail_no_from_rejected),
		T(test_mail_empty_from_rejected),
		T(test_mail_group_from),
		T(test_mail_from_mailinfo_forms),
		T(test_mail_ids_raw_no_controls),
		T(test_mail_ascii_label_utf8_body),
		T(test_mail_date),
		T(test_mail_date_multipart),
		T(test_mail_html_only),
		T(test_mail_html_with_plain),
	};

	return cmocka_run_group_tests_name("mail", tests, group_setup, NULL);
}
