/*
 * Unit tests for lib/watch.c's ref patterns (kvmdigest.ref,
 * kvmdigest.appliedRef): one pattern against one ref, and a list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/watch.h"

static void test_watch_match_one_full_names(void **state)
{
	(void)state;
	assert_true(kvmd_watch_match_one("refs/remotes/kvm/next", "refs/remotes/kvm/next"));
	assert_false(kvmd_watch_match_one("refs/remotes/kvm/next", "refs/remotes/kvm/queue"));
	/* `*` crosses `/` */
	assert_true(kvmd_watch_match_one("refs/remotes/*", "refs/remotes/kvm/next"));
	assert_true(kvmd_watch_match_one("refs/*/next", "refs/remotes/kvm/next"));
	assert_false(kvmd_watch_match_one("refs/heads/*", "refs/remotes/kvm/next"));
	/* a pattern under refs/ is never taken as a short name */
	assert_false(kvmd_watch_match_one("refs/kvm/next", "refs/remotes/refs/kvm/next"));
}

static void test_watch_match_one_short_names(void **state)
{
	(void)state;
	assert_true(kvmd_watch_match_one("kvm/next", "refs/remotes/kvm/next"));
	assert_true(kvmd_watch_match_one("main", "refs/heads/main"));
	assert_true(kvmd_watch_match_one("kvm/*", "refs/remotes/kvm/queue"));
	assert_true(kvmd_watch_match_one("*", "refs/heads/topic/x"));
	assert_false(kvmd_watch_match_one("kvm/next", "refs/tags/kvm/next"));
	assert_false(kvmd_watch_match_one("kvm/next", "refs/remotes/kvm/next2"));
	assert_false(kvmd_watch_match_one("next", "refs/remotes/kvm/next"));
	/* the prefix must be there whole */
	assert_false(kvmd_watch_match_one("remotes/kvm/next", "refs/remotes/kvm/next"));
	assert_false(kvmd_watch_match_one("kvm/next", "refs/remotekvm/next"));
}

/*
 * What the header promises, spelled out: the pattern, else
 * "refs/remotes/<pattern>" or "refs/heads/<pattern>" as fnmatch() globs.
 */
static int by_definition(const char *pattern, const char *refname)
{
	char full[256];

	if (!fnmatch(pattern, refname, 0))
		return 1;
	if (!strncmp(pattern, "refs/", 5))
		return 0;
	snprintf(full, sizeof(full), "refs/remotes/%s", pattern);
	if (!fnmatch(full, refname, 0))
		return 1;
	snprintf(full, sizeof(full), "refs/heads/%s", pattern);
	return !fnmatch(full, refname, 0);
}

static void test_watch_match_one_as_defined(void **state)
{
	static const char *const patterns[] = {
		"*", "?", "*/*", "kvm/*", "k?m/next", "[kl]vm/next", "[!k]vm/next",
		"\\kvm/next", "kvm/next\\", "*next", "refs/*", "refs/remotes/kvm/*",
		"heads/main", "main", "[r]efs/heads/main", "*/heads/main", "",
	};
	static const char *const refs[] = {
		"refs/remotes/kvm/next", "refs/remotes/lvm/next", "refs/heads/main",
		"refs/heads/kvm/next", "refs/tags/v6.12", "refs/remotes/x", "refs/heads/",
		"refs/remotes/kvm/next\\", "refs/notes/kvmdigest", "main",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(patterns) / sizeof(*patterns); i++)
		for (j = 0; j < sizeof(refs) / sizeof(*refs); j++) {
			int want = by_definition(patterns[i], refs[j]);

			if (kvmd_watch_match_one(patterns[i], refs[j]) != want)
				fail_msg("'%s' against '%s': want %d", patterns[i], refs[j], want);
		}
}

static void test_watch_matches_list(void **state)
{
	char *patterns[] = { "refs/remotes/lore/*", "kvm/next", NULL };
	char *none[] = { NULL };

	(void)state;
	assert_true(kvmd_watch_matches(patterns, "refs/remotes/lore/master"));
	assert_true(kvmd_watch_matches(patterns, "refs/remotes/kvm/next"));
	assert_false(kvmd_watch_matches(patterns, "refs/remotes/kvm/queue"));
	assert_false(kvmd_watch_matches(none, "refs/remotes/kvm/next"));
	assert_false(kvmd_watch_matches(NULL, "refs/remotes/kvm/next"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_match_one_full_names),
		cmocka_unit_test(test_watch_match_one_short_names),
		cmocka_unit_test(test_watch_match_one_as_defined),
		cmocka_unit_test(test_watch_matches_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
