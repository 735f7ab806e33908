/*
 * Unit tests for lib/quote.c: what a stranger's text becomes before it
 * reaches a terminal, a note or JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../lib/buf.h"
#include "../../lib/quote.h"

static int setup(void **state)
{
	struct kvmd_buf *b = calloc(1, sizeof(*b));

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

static const char *safe(struct kvmd_buf *f, const char *text, size_t len)
{
	kvmd_buf_reset(f);
	kvmd_quote_text(f, text, len);
	return f->ptr;
}

#define SAFE(f, lit) safe((f), (lit), sizeof(lit) - 1)

static void test_quote_escapes_controls(void **state)
{
	struct kvmd_buf *f = *state;

	assert_string_equal(SAFE(f, "a\x1b[31mb"), "a\\x1b[31mb");
	assert_string_equal(SAFE(f, "bell\a"), "bell\\x07");
	assert_string_equal(SAFE(f, "del\x7f"), "del\\x7f");
	assert_string_equal(SAFE(f, "nul\0x"), "nul\\x00x");
}

static void test_quote_cr(void **state)
{
	struct kvmd_buf *f = *state;

	/* dropped before a newline, shown elsewhere */
	assert_string_equal(SAFE(f, "one\r\ntwo\r\n"), "one\ntwo\n");
	assert_string_equal(SAFE(f, "over\rwrite"), "over\\x0dwrite");
	assert_string_equal(SAFE(f, "end\r"), "end\\x0d");
}

static void test_quote_keeps_tab_newline(void **state)
{
	struct kvmd_buf *f = *state;

	assert_string_equal(SAFE(f, "\tindented\n\nx\t\n"), "\tindented\n\nx\t\n");
	assert_string_equal(SAFE(f, ""), "");
}

static void test_quote_invalid_utf8(void **state)
{
	struct kvmd_buf *f = *state;

	assert_string_equal(SAFE(f, "caf\xe9!"), "caf\xef\xbf\xbd!");
	assert_string_equal(SAFE(f, "\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
	/* a sequence cut short at the end of the text */
	assert_string_equal(SAFE(f, "ab\xe2\x82"), "ab\xef\xbf\xbd\xef\xbf\xbd");
	/* an overlong encoding of '/' */
	assert_string_equal(SAFE(f, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	/* a control after an invalid byte is still escaped */
	assert_string_equal(SAFE(f, "\xff\x1b"), "\xef\xbf\xbd\\x1b");
}

static void test_quote_keeps_utf8(void **state)
{
	struct kvmd_buf *f = *state;

	assert_string_equal(SAFE(f, "J\xc3\xb6rg R\xc3\xb6" "del \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "J\xc3\xb6rg R\xc3\xb6" "del \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(SAFE(f, "\xe6\x9d\x8e\xe5\x9b\x9b"), "\xe6\x9d\x8e\xe5\x9b\x9b");
}

static void test_quote_respects_len(void **state)
{
	struct kvmd_buf *f = *state;

	assert_string_equal(safe(f, "abc\x1b", 3), "abc");
	/* a CR at the end of the span is not followed by the newline beyond it */
	assert_string_equal(safe(f, "a\r\n", 2), "a\\x0d");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_quote_escapes_controls),
		T(test_quote_cr),
		T(test_quote_keeps_tab_newline),
		T(test_quote_invalid_utf8),
		T(test_quote_keeps_utf8),
		T(test_quote_respects_len),
	};

	return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
