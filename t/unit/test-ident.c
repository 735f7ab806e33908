/*
 * Unit tests for lib/ident.c: identities in RFC 5322 form, domains, keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../lib/buf.h"
#include "../../lib/ident.h"

/* Every test writes into a fresh buffer in *state. */
static int setup(void **state)
{
	struct kvmd_buf *b = malloc(sizeof(*b));

	if (!b)
		return -1;
	kvmd_buf_init(b);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	kvmd_buf_release(*state);
	free(*state);
	return 0;
}

static const char *format(void **state, const char *name, const char *email)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_reset(b);
	kvmd_ident_format(b, name, email);
	return b->ptr;
}

static const char *format_bare(void **state, const char *name, const char *email)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_reset(b);
	kvmd_ident_format_bare(b, name, email);
	return b->ptr;
}

static const char *domain(void **state, const char *email)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_reset(b);
	kvmd_ident_domain(b, email);
	return b->ptr;
}

static const char *key(void **state, const char *email)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_reset(b);
	kvmd_ident_key(b, email);
	return b->ptr;
}

static void test_ident_format_plain_name(void **state)
{
	assert_string_equal(format(state, "Kim Phillips", "kim.phillips@amd.com"),
			    "Kim Phillips <kim.phillips@amd.com>");
	assert_string_equal(format(state, "Kishon Vijay Abraham I", "kvijayab@amd.com"),
			    "Kishon Vijay Abraham I <kvijayab@amd.com>");
}

static void test_ident_format_quoted(void **state)
{
	assert_string_equal(format(state, "Pratik R. Sampat", "prsampat@amd.com"),
			    "\"Pratik R. Sampat\" <prsampat@amd.com>");
	assert_string_equal(format(state, "Doe, John", "jd@example.com"),
			    "\"Doe, John\" <jd@example.com>");
	assert_string_equal(format(state, "a (b)", "x@example.com"),
			    "\"a (b)\" <x@example.com>");
	assert_string_equal(format(state, "list: x", "x@example.com"),
			    "\"list: x\" <x@example.com>");
}

static void test_ident_format_escapes(void **state)
{
	assert_string_equal(format(state, "Joe \"Hacker\" Doe", "j@example.com"),
			    "\"Joe \\\"Hacker\\\" Doe\" <j@example.com>");
	assert_string_equal(format(state, "back\\slash", "b@example.com"),
			    "\"back\\\\slash\" <b@example.com>");
}

static void test_ident_format_no_name(void **state)
{
	assert_string_equal(format(state, NULL, "anon@example.com"), "<anon@example.com>");
	assert_string_equal(format(state, "", "anon@example.com"), "<anon@example.com>");
}

static void test_ident_format_non_ascii(void **state)
{
	/* UTF-8 letters are not specials */
	assert_string_equal(format(state, "Jörg Rödel", "joro@8bytes.org"),
			    "Jörg Rödel <joro@8bytes.org>");
}

static void test_ident_format_appends(void **state)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_adds(b, "1  ");
	kvmd_ident_format(b, "A", "a@example.com");
	assert_string_equal(b->ptr, "1  A <a@example.com>");
}

static void test_ident_format_bare_never_quotes(void **state)
{
	assert_string_equal(format_bare(state, "Pratik R. Sampat", "prsampat@amd.com"),
			    "Pratik R. Sampat <prsampat@amd.com>");
	assert_string_equal(format_bare(state, NULL, "anon@example.com"), "<anon@example.com>");
}

static void test_ident_needs_quotes(void **state)
{
	(void)state;
	assert_true(kvmd_ident_needs_quotes("R. Sampat"));
	assert_true(kvmd_ident_needs_quotes("a@b"));
	assert_true(kvmd_ident_needs_quotes("<x>"));
	assert_true(kvmd_ident_needs_quotes("[x]"));
	assert_true(kvmd_ident_needs_quotes("a;b"));
	assert_false(kvmd_ident_needs_quotes("Kim Phillips"));
	assert_false(kvmd_ident_needs_quotes("Jean-Philippe Brucker"));
	assert_false(kvmd_ident_needs_quotes("O'Neil"));
}

static void test_ident_domain(void **state)
{
	assert_string_equal(domain(state, "prsampat@amd.com"), "amd.com");
	assert_string_equal(domain(state, "Someone@Example.COM"), "example.com");
	/* the last @ */
	assert_string_equal(domain(state, "\"a@b\"@Lists.Linux.dev"), "lists.linux.dev");
	/* no @: the whole address */
	assert_string_equal(domain(state, "Localhost"), "localhost");
}

static void test_ident_key(void **state)
{
	assert_string_equal(key(state, "Kim.Phillips@AMD.com"), "kim.phillips@amd.com");
	assert_string_equal(key(state, "already@lower.case"), "already@lower.case");
	/* ASCII only: UTF-8 bytes are kept as they are */
	assert_string_equal(key(state, "JÖRG@X.ORG"), "jÖrg@x.org");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ident_format_plain_name),
		T(test_ident_format_quoted),
		T(test_ident_format_escapes),
		T(test_ident_format_no_name),
		T(test_ident_format_non_ascii),
		T(test_ident_format_appends),
		T(test_ident_format_bare_never_quotes),
		T(test_ident_needs_quotes),
		T(test_ident_domain),
		T(test_ident_key),
	};

	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
