/*
 * Unit tests for lib/config.c: `git -c` settings as git hands them to a
 * subcommand in GIT_CONFIG_PARAMETERS, and git's boolean rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/config.h"

/* What git 2.39 writes for `git -c a.implicit -c b.empty= -c c.text=x -c D.Mixed.Case=on`. */
static const char params[] =
	"'a.implicit'= 'b.empty'='' 'c.text'='x' 'd.Mixed.case'='on' 'e.bad'='maybe'";

static int setup(void **state)
{
	setenv("GIT_CONFIG_PARAMETERS", params, 1);
	*state = kvmd_config_open(NULL);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	kvmd_config_free(*state);
	unsetenv("GIT_CONFIG_PARAMETERS");
	return 0;
}

static void test_config_implicit_true_is_not_empty(void **state)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	int v = -1;

	assert_string_equal(kvmd_config_get(*state, "a.implicit"), "true");
	assert_int_equal(kvmd_config_get_bool(&v, *state, "a.implicit", &err), 1);
	assert_int_equal(v, 1);
	assert_string_equal(kvmd_config_get(*state, "b.empty"), "");
	assert_int_equal(kvmd_config_get_bool(&v, *state, "b.empty", &err), 1);
	assert_int_equal(v, 0);
	assert_string_equal(kvmd_config_get(*state, "c.text"), "x");
	kvmd_buf_release(&err);
}

static void test_config_bool_rules(void **state)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	int v = -1;

	/* section and variable ignore case, the subsection does not */
	assert_int_equal(kvmd_config_get_bool(&v, *state, "D.Mixed.CASE", &err), 1);
	assert_int_equal(v, 1);
	assert_int_equal(kvmd_config_get_bool(&v, *state, "d.mixed.case", &err), 0);
	assert_int_equal(kvmd_config_get_bool(&v, *state, "no.such", &err), 0);
	assert_int_equal(kvmd_config_get_bool(&v, NULL, "no.such", &err), 0);
	assert_int_equal(kvmd_config_get_bool(&v, *state, "e.bad", &err), -1);
	assert_non_null(strstr(err.ptr, "bad boolean config value 'maybe' for 'e.bad'"));
	/* no buffer: the same answer, no message */
	assert_int_equal(kvmd_config_get_bool(&v, *state, "e.bad", NULL), -1);
	kvmd_buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_implicit_true_is_not_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_bool_rules, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
