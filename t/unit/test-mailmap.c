#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "mailmap.h"

static const char text[] =
	"# comment line\n"
	"Alice Liddell <alice@example.org>\n"
	"<bob@new.example> <BOB@Old.Example>\n"
	"Carol Proper <carol@proper.example> Carol Typo <carol@typo.example>\n"
	"Dave Only <dave@example.net> <dave@laptop.local> # trailing comment\n";

static int setup(void **state)
{
	struct kvmd_mailmap *mm;

	git_libgit2_init();
	mm = kvmd_mailmap_new();
	assert_non_null(mm);
	assert_int_equal(kvmd_mailmap_add_text(mm, text, strlen(text)), 0);
	*state = mm;
	return 0;
}

static int teardown(void **state)
{
	kvmd_mailmap_free(*state);
	git_libgit2_shutdown();
	return 0;
}

static void resolves(void **state, const char *name, const char *email,
		     const char *want_name, const char *want_email)
{
	const char *n, *e;

	kvmd_mailmap_resolve(*state, name, email, &n, &e);
	if (want_name)
		assert_string_equal(n, want_name);
	else
		assert_null(n);
	assert_string_equal(e, want_email);
}

static void test_mailmap_name_by_address_ignoring_case(void **state)
{
	resolves(state, "alice", "ALICE@Example.ORG", "Alice Liddell", "ALICE@Example.ORG");
}

static void test_mailmap_address_only(void **state)
{
	resolves(state, "Bob", "bob@old.example", "Bob", "bob@new.example");
}

static void test_mailmap_name_and_address_must_both_match(void **state)
{
	resolves(state, "CAROL TYPO", "carol@TYPO.example", "Carol Proper", "carol@proper.example");
	resolves(state, "Someone Else", "carol@typo.example", "Someone Else", "carol@typo.example");
}

static void test_mailmap_comment_after_entry(void **state)
{
	resolves(state, "d", "dave@laptop.local", "Dave Only", "dave@example.net");
}

static void test_mailmap_unmapped_keeps_its_spelling(void **state)
{
	resolves(state, "Eve", "Eve@Example.COM", "Eve", "Eve@Example.COM");
	resolves(state, NULL, "Eve@Example.COM", NULL, "Eve@Example.COM");
}

static void test_mailmap_null_map(void **state)
{
	(void)state;
	const char *n, *e;
	kvmd_mailmap_resolve(NULL, "X", "x@y", &n, &e);
	assert_string_equal(n, "X");
	assert_string_equal(e, "x@y");
}

/* What the scan does to a trailer's identity: owned strings replaced. */
static void test_mailmap_apply_replaces_owned_strings(void **state)
{
	char *name = strdup("carol typo"), *email = strdup("Carol@Typo.Example");

	kvmd_mailmap_apply(*state, &name, &email);
	assert_string_equal(name, "Carol Proper");
	assert_string_equal(email, "carol@proper.example");
	free(name);
	free(email);

	/* no name in, and the map gives none: still none */
	name = NULL;
	email = strdup("bob@old.example");
	kvmd_mailmap_apply(*state, &name, &email);
	assert_null(name);
	assert_string_equal(email, "bob@new.example");
	free(email);

	/* unmapped: the same spelling, in new strings */
	name = strdup("");
	email = strdup("eve@example.com");
	kvmd_mailmap_apply(NULL, &name, &email);
	assert_null(name);
	assert_string_equal(email, "eve@example.com");
	free(email);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mailmap_name_by_address_ignoring_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailmap_address_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailmap_name_and_address_must_both_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailmap_comment_after_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailmap_unmapped_keeps_its_spelling, setup, teardown),
		cmocka_unit_test(test_mailmap_null_map),
		cmocka_unit_test_setup_teardown(test_mailmap_apply_replaces_owned_strings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
