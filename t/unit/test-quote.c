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

/* Bidirectional and invisible format characters are shown as controls are. */
static void test_quote_escapes_format_chars(void **state)
{
	struct kvmd_buf *f = *state;

	/* "admin" written backwards with RIGHT-TO-LEFT OVERRIDE, POP after */
	assert_string_equal(SAFE(f, "a\xe2\x80\xaenimda\xe2\x80\xac."), "a\\u202enimda\\u202c.");
	assert_string_equal(SAFE(f, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xad"), "\\u202a\\u202b\\u202d");
	assert_string_equal(SAFE(f, "\xe2\x81\xa6x\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
			    "\\u2066x\\u2067\\u2068\\u2069");
	assert_string_equal(SAFE(f, "zero\xe2\x80\x8bwidth\xe2\x80\x8c\xe2\x80\x8d\xe2\x80\x8e\xe2\x80\x8f"),
			    "zero\\u200bwidth\\u200c\\u200d\\u200e\\u200f");
	assert_string_equal(SAFE(f, "\xef\xbb\xbf" "BOM"), "\\ufeffBOM");
	/* their neighbours stay: U+200A, U+2010, U+2029, U+202F, U+2065, U+206A, U+FEFE */
	assert_string_equal(SAFE(f, "\xe2\x80\x8a\xe2\x80\x90\xe2\x80\xa9\xe2\x80\xaf"),
			    "\xe2\x80\x8a\xe2\x80\x90\xe2\x80\xa9\xe2\x80\xaf");
	assert_string_equal(SAFE(f, "\xe2\x81\xa5\xe2\x81\xaa\xef\xbb\xbe"),
			    "\xe2\x81\xa5\xe2\x81\xaa\xef\xbb\xbe");
	/* one-line fields too; a sequence cut by the length is not valid UTF-8 */
	kvmd_buf_reset(f);
	kvmd_quote_line(f, "x\xe2\x80\xae", 4);
	assert_string_equal(f->ptr, "x\\u202e");
	assert_string_equal(safe(f, "\xe2\x80\xae", 2), "\xef\xbf\xbd\xef\xbf\xbd");
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
		T(test_quote_escapes_format_chars),
	};

	return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
