/*
 * unit-libgit2.h - group setup for the unit tests that call into
 * libgit2, which needs its allocator and globals set up first.
 * Include after <cmocka.h> and <git2.h>.
 */
#ifndef KVMD_UNIT_LIBGIT2_H
#define KVMD_UNIT_LIBGIT2_H

static int group_setup(void **state)
{
	(void)state;
	return git_libgit2_init() < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return 0;
}

#endif
