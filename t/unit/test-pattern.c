/*
 * Unit tests for lib/pattern.c: a refused pattern is reported through the
 * error buffer (the library prints nothing), a good one matches bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/pattern.h"

static void test_pattern_refused_goes_to_err(void **state)
{
	struct kvmd_pattern p;
	struct kvmd_buf err = KVMD_BUF_INIT;
	int fds[2], saved;
	char c;

	(void)state;
	/* nothing may reach stderr: point it at a pipe and look */
	assert_int_equal(pipe(fds), 0);
	saved = dup(2);
	dup2(fds[1], 2);
	assert_int_equal(kvmd_pattern_compile(&p, "a(b", 0, &err), -1);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 0);
	close(fds[0]);

	assert_non_null(strstr(err.ptr, "bad pattern 'a(b' at offset 3: "));
	assert_null(p.code);
	assert_null(p.match_data);
	/* a NULL buffer drops the reason, nothing else changes */
	assert_int_equal(kvmd_pattern_compile(&p, "a(b", 0, NULL), -1);
	kvmd_buf_release(&err);
}

static void test_pattern_matches_bytes(void **state)
{
	struct kvmd_pattern p;
	static const char subject[] = "x\xff[PATCH v2 3/7]";
	size_t s, e;

	(void)state;
	assert_int_equal(kvmd_pattern_compile(&p, "(\\d)/(\\d)", 0, NULL), 0);
	assert_true(kvmd_pattern_match(&p, subject, sizeof(subject) - 1, 0) > 0);
	e = kvmd_pattern_group(&p, 2, &s, NULL);
	assert_int_equal(e, 15);
	assert_int_equal(s, 14);
	assert_int_equal(kvmd_pattern_int(&p, subject, 1), 3);
	assert_int_equal(kvmd_pattern_int(&p, subject, 2), 7);
	kvmd_pattern_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_refused_goes_to_err),
		cmocka_unit_test(test_pattern_matches_bytes),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
