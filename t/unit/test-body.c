/*
 * Unit tests for lib/body.c: in-body headers and where the log message ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/body.h"

/* The span as a NUL-terminated string in a small static buffer. */
static const char *span(const struct kvmd_span *s)
{
	static char buf[256];

	assert_true(s->len < sizeof(buf));
	if (!s->ptr)
		return "(null)";
	memcpy(buf, s->ptr, s->len);
	buf[s->len] = '\0';
	return buf;
}

static size_t inbody(struct kvmd_inbody *out, const char *body)
{
	return kvmd_body_inbody(out, body, strlen(body));
}

static size_t cut(const char *body)
{
	return kvmd_body_cut(body, strlen(body));
}

static void test_body_inbody_from_subject_date(void **state)
{
	const char *body =
		"From: Sean Christopherson <seanjc@google.com>\n"
		"Subject: [PATCH] KVM: x86: fix it\n"
		"Date: Tue, 1 Apr 2025 10:00:00 -0700\n"
		"\n"
		"The log message.\n";
	struct kvmd_inbody ib;
	size_t off = inbody(&ib, body);

	(void)state;
	assert_string_equal(span(&ib.from), "Sean Christopherson <seanjc@google.com>");
	assert_string_equal(span(&ib.subject), "[PATCH] KVM: x86: fix it");
	assert_string_equal(span(&ib.date), "Tue, 1 Apr 2025 10:00:00 -0700");
	/* the blank line after them is not consumed */
	assert_string_equal(body + off, "\nThe log message.\n");
}

static void test_body_inbody_any_case(void **state)
{
	const char *body = "FROM: A <a@example.com>\nsubject: s\ndAtE: d\n\nx\n";
	struct kvmd_inbody ib;
	size_t off = inbody(&ib, body);

	(void)state;
	assert_string_equal(span(&ib.from), "A <a@example.com>");
	assert_string_equal(span(&ib.subject), "s");
	assert_string_equal(span(&ib.date), "d");
	assert_int_equal(off, strlen("FROM: A <a@example.com>\nsubject: s\ndAtE: d\n"));
	assert_int_equal(body[off], '\n');
}

static void test_body_inbody_only_from(void **state)
{
	const char *body = "From: A <a@example.com>\n\nbody\n";
	struct kvmd_inbody ib;
	size_t off = inbody(&ib, body);

	(void)state;
	assert_string_equal(span(&ib.from), "A <a@example.com>");
	assert_int_equal(ib.subject.len, 0);
	assert_int_equal(ib.date.len, 0);
	assert_string_equal(body + off, "\nbody\n");
}

static void test_body_inbody_folded(void **state)
{
	const char *body =
		"Subject: [PATCH] a long\n"
		" subject line\n"
		"\tfolded twice\n"
		"From: B <b@example.com>\n"
		"\n"
		"text\n";
	struct kvmd_inbody ib;
	size_t off = inbody(&ib, body);

	(void)state;
	/* values are borrowed and still folded */
	assert_string_equal(span(&ib.subject),
			    "[PATCH] a long\n subject line\n\tfolded twice");
	assert_string_equal(span(&ib.from), "B <b@example.com>");
	assert_string_equal(body + off, "\ntext\n");
}

static void test_body_inbody_none(void **state)
{
	const char *body = "Just a log message.\n\nSigned-off-by: A <a@example.com>\n";
	struct kvmd_inbody ib;

	(void)state;
	assert_int_equal(inbody(&ib, body), 0);
	assert_int_equal(ib.from.len, 0);
	assert_int_equal(ib.subject.len, 0);
	assert_int_equal(ib.date.len, 0);
}

static void test_body_inbody_not_at_top(void **state)
{
	const char *after_text = "Hello,\nFrom: C <c@example.com>\n\nx\n";
	const char *after_blank = "\nFrom: C <c@example.com>\n\nx\n";
	struct kvmd_inbody ib;

	(void)state;
	assert_int_equal(inbody(&ib, after_text), 0);
	assert_int_equal(ib.from.len, 0);
	assert_int_equal(inbody(&ib, after_blank), 0);
	assert_int_equal(ib.from.len, 0);
}

static void test_body_inbody_empty(void **state)
{
	struct kvmd_inbody ib;

	(void)state;
	assert_int_equal(kvmd_body_inbody(&ib, "", 0), 0);
	assert_int_equal(ib.from.len, 0);
}

static void test_body_inbody_crlf(void **state)
{
	const char *body = "From: D <d@example.com>\r\n\r\nx\r\n";
	struct kvmd_inbody ib;
	size_t off = inbody(&ib, body);

	(void)state;
	assert_string_equal(span(&ib.from), "D <d@example.com>");
	assert_string_equal(body + off, "\r\nx\r\n");
}

static void test_body_cut_diff_git(void **state)
{
	const char *body =
		"Fix it.\n"
		"\n"
		"Signed-off-by: A <a@example.com>\n"
		"---\n"
		" x.c | 2 +-\n"
		"\n"
		"diff --git a/x.c b/x.c\n"
		"--- a/x.c\n";

	(void)state;
	assert_int_equal(cut(body), strstr(body, "diff --git") - body);
}

static void test_body_cut_diff_u(void **state)
{
	const char *body = "Fix it.\n\ndiff -u a/x.c b/x.c\n--- a/x.c\n";

	(void)state;
	assert_int_equal(cut(body), strlen("Fix it.\n\n"));
}

static void test_body_cut_index(void **state)
{
	const char *body = "Fix it.\nIndex: linux/x.c\n=====\n";

	(void)state;
	assert_int_equal(cut(body), strlen("Fix it.\n"));
	/* `Index:` needs its space */
	assert_int_equal(cut("Index:x\n"), strlen("Index:x\n"));
}

static void test_body_cut_signature(void **state)
{
	const char *body = "Thanks,\nA\n-- \nA's signature\n";

	(void)state;
	assert_int_equal(cut(body), strlen("Thanks,\nA\n"));
	/* the delimiter as the very last line, without a newline */
	assert_int_equal(cut("text\n-- "), strlen("text\n"));
}

static void test_body_cut_not_signature(void **state)
{
	const char *a = "text\n--\nmore\n";
	const char *b = "text\n-- x\nmore\n";
	const char *c = "text\n---\n x.c | 1 +\n";
	const char *d = "text\n --  \nmore\n";

	(void)state;
	assert_int_equal(cut(a), strlen(a));
	assert_int_equal(cut(b), strlen(b));
	assert_int_equal(cut(c), strlen(c));
	assert_int_equal(cut(d), strlen(d));
}

static void test_body_cut_first_wins(void **state)
{
	const char *sig_first = "a\n-- \nsig\ndiff --git a/x b/x\n";
	const char *diff_first = "a\nIndex: x\n-- \nsig\n";

	(void)state;
	assert_int_equal(cut(sig_first), strlen("a\n"));
	assert_int_equal(cut(diff_first), strlen("a\n"));
}

static void test_body_cut_only_at_line_start(void **state)
{
	const char *body = "see the output of diff -u and git diff --git\nok\n";

	(void)state;
	assert_int_equal(cut(body), strlen(body));
	/* at offset 0 */
	assert_int_equal(cut("diff --git a/x b/x\n"), 0);
}

static void test_body_cut_none(void **state)
{
	const char *body = "No diff here.\n\nSigned-off-by: A <a@example.com>\n";

	(void)state;
	assert_int_equal(cut(body), strlen(body));
	assert_int_equal(kvmd_body_cut("", 0), 0);
}

static void test_body_cut_respects_len(void **state)
{
	/* the diff line lies beyond `len`: not seen */
	const char *body = "a\nb\ndiff --git x y\n";

	(void)state;
	assert_int_equal(kvmd_body_cut(body, 4), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_inbody_from_subject_date),
		cmocka_unit_test(test_body_inbody_any_case),
		cmocka_unit_test(test_body_inbody_only_from),
		cmocka_unit_test(test_body_inbody_folded),
		cmocka_unit_test(test_body_inbody_none),
		cmocka_unit_test(test_body_inbody_not_at_top),
		cmocka_unit_test(test_body_inbody_empty),
		cmocka_unit_test(test_body_inbody_crlf),
		cmocka_unit_test(test_body_cut_diff_git),
		cmocka_unit_test(test_body_cut_diff_u),
		cmocka_unit_test(test_body_cut_index),
		cmocka_unit_test(test_body_cut_signature),
		cmocka_unit_test(test_body_cut_not_signature),
		cmocka_unit_test(test_body_cut_first_wins),
		cmocka_unit_test(test_body_cut_only_at_line_start),
		cmocka_unit_test(test_body_cut_none),
		cmocka_unit_test(test_body_cut_respects_len),
	};

	return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}
