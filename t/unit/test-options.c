/*
 * Unit tests for lib/options.c: the table-driven option parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/options.h"

struct fixture {
	int verbose, quiet, write, top, jobs, pager;
	const char *title, *notes, *notes_ref;
	struct kvmd_option opts[11];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t i = 0;

	if (!f)
		return -1;
	f->verbose = f->quiet = f->write = -1;
	f->top = f->jobs = f->pager = -1;
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_BOOL_('v', "verbose", &f->verbose, "say more");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_BOOL_('q', "quiet", &f->quiet, "say less");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_BOOL_(0, "write", &f->write, "write the note");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_INT_('n', "top", &f->top, "<n>", "rows per table");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_INT_('j', NULL, &f->jobs, "<n>", "threads");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_STRING_('t', "title", &f->title, "<text>", "title");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_STRING_(0, "notes", &f->notes, "<ref>", "notes ref");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_STRING_(0, "notes-ref", &f->notes_ref, "<ref>", "notes ref");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_SET_INT_('p', "paginate", &f->pager, 1, "page");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_SET_INT_(0, "no-pager", &f->pager, 0, "do not page");
	f->opts[i++] = (struct kvmd_option)KVMD_OPT_END_();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static int parse(struct fixture *f, int argc, const char **argv)
{
	return kvmd_parse_options(argc, argv, f->opts);
}

static void test_options_long_with_equals(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--top=5", "--title=KVM weekly", "--notes=kvm", NULL };
	const char *notes_arg = argv[3];

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->top, 5);
	assert_string_equal(f->title, "KVM weekly");
	assert_string_equal(f->notes, "kvm");
	/* strings are borrowed from argv */
	assert_ptr_equal(f->notes, notes_arg + strlen("--notes="));
	assert_int_equal(f->verbose, -1);
}

static void test_options_long_separate_value(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--top", "7", "--title", "--not-an-option", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->top, 7);
	/* the next word is the value, whatever it looks like */
	assert_string_equal(f->title, "--not-an-option");
}

static void test_options_long_empty_string(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--title=", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_string_equal(f->title, "");
}

static void test_options_bool_and_negation(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--verbose", "--write", "--no-write", "--no-quiet", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->verbose, 1);
	assert_int_equal(f->write, 0);
	assert_int_equal(f->quiet, 0);
}

static void test_options_last_one_wins(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--no-verbose", "-v", "--top=1", "-n", "2", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->verbose, 1);
	assert_int_equal(f->top, 2);
}

static void test_options_bool_refuses_value(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--write=yes", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), -1);
}

static void test_options_no_only_for_bools(void **state)
{
	struct fixture *f = *state;
	const char *top[] = { "kvmdigest", "--no-top", NULL };
	const char *title[] = { "kvmdigest", "--no-title", NULL };

	assert_int_equal(parse(f, ARGC(top), top), -1);
	assert_int_equal(parse(f, ARGC(title), title), -1);
}

static void test_options_short_bundle(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "-vq", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->verbose, 1);
	assert_int_equal(f->quiet, 1);
}

static void test_options_short_bundle_with_value(void **state)
{
	struct fixture *f = *state;
	const char *glued[] = { "kvmdigest", "-vn12", "-j4", NULL };
	const char *apart[] = { "kvmdigest", "-qn", "3", "-t", "T", NULL };

	assert_int_equal(parse(f, ARGC(glued), glued), 0);
	assert_int_equal(f->verbose, 1);
	assert_int_equal(f->top, 12);
	assert_int_equal(f->jobs, 4);

	assert_int_equal(parse(f, ARGC(apart), apart), 0);
	assert_int_equal(f->quiet, 1);
	assert_int_equal(f->top, 3);
	assert_string_equal(f->title, "T");
}

static void test_options_double_dash(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "-v", "a..b", "--", "--top=3", "-q", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 3);
	assert_string_equal(argv[0], "a..b");
	assert_string_equal(argv[1], "--top=3");
	assert_string_equal(argv[2], "-q");
	assert_null(argv[3]);
	assert_int_equal(f->verbose, 1);
	assert_int_equal(f->top, -1);
	assert_int_equal(f->quiet, -1);
}

static void test_options_unknown(void **state)
{
	struct fixture *f = *state;
	const char *lng[] = { "kvmdigest", "--bogus", NULL };
	const char *shrt[] = { "kvmdigest", "-x", NULL };
	const char *in_bundle[] = { "kvmdigest", "-vx", NULL };
	const char *longer[] = { "kvmdigest", "--topmost=3", NULL };

	assert_int_equal(parse(f, ARGC(lng), lng), -1);
	assert_int_equal(parse(f, ARGC(shrt), shrt), -1);
	assert_int_equal(parse(f, ARGC(in_bundle), in_bundle), -1);
	/* a name longer than an option is no abbreviation of it */
	assert_int_equal(parse(f, ARGC(longer), longer), -1);
	assert_int_equal(f->top, -1);
}

static void test_options_unique_prefix(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--to=3", "--verb", "--ti", "T", "--wr", "--pag", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->top, 3);
	assert_int_equal(f->verbose, 1);
	assert_string_equal(f->title, "T");
	assert_int_equal(f->write, 1);
	assert_int_equal(f->pager, 1);
}

static void test_options_negated_prefix(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "-vq", "--write", "--no-verb", "--no-q", "--no-wr", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_int_equal(f->verbose, 0);
	assert_int_equal(f->quiet, 0);
	assert_int_equal(f->write, 0);
}

static void test_options_ambiguous_prefix(void **state)
{
	struct fixture *f = *state;
	/* top or title; notes or notes-ref; every negation (and no-pager) */
	const char *t[] = { "kvmdigest", "--t=3", NULL };
	const char *note[] = { "kvmdigest", "--note=x", NULL };
	const char *no[] = { "kvmdigest", "--no", NULL };
	const char *n[] = { "kvmdigest", "--n", NULL };

	assert_int_equal(parse(f, ARGC(t), t), -1);
	assert_int_equal(parse(f, ARGC(note), note), -1);
	assert_int_equal(parse(f, ARGC(no), no), -1);
	assert_int_equal(parse(f, ARGC(n), n), -1);
	assert_int_equal(f->top, -1);
	assert_null(f->title);
	assert_null(f->notes);
	assert_null(f->notes_ref);
}

static void test_options_exact_beats_prefix(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "--notes=a", "--notes-r=b", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_string_equal(f->notes, "a");
	assert_string_equal(f->notes_ref, "b");
}

static void test_options_set_int(void **state)
{
	struct fixture *f = *state;
	const char *on[] = { "kvmdigest", "-p", NULL };
	const char *off[] = { "kvmdigest", "-p", "--no-pager", NULL };
	const char *no_neg[] = { "kvmdigest", "--pager", NULL };
	const char *no_value[] = { "kvmdigest", "--no-pager=1", NULL };

	assert_int_equal(parse(f, ARGC(on), on), 0);
	assert_int_equal(f->pager, 1);
	assert_int_equal(parse(f, ARGC(off), off), 0);
	assert_int_equal(f->pager, 0);
	/* no negation: --pager is neither --paginate's nor --no-pager's */
	assert_int_equal(parse(f, ARGC(no_neg), no_neg), -1);
	assert_int_equal(parse(f, ARGC(no_value), no_value), -1);
}

static void test_options_help(void **state)
{
	struct fixture *f = *state;
	const char *h[] = { "kvmdigest", "a", "-h", "--bogus", NULL };
	const char *bundle[] = { "kvmdigest", "-vh", NULL };
	const char *all[] = { "kvmdigest", "--help-all", NULL };

	assert_int_equal(parse(f, ARGC(h), h), KVMD_PARSE_HELP);
	assert_int_equal(parse(f, ARGC(bundle), bundle), KVMD_PARSE_HELP);
	assert_int_equal(parse(f, ARGC(all), all), KVMD_PARSE_HELP);
}

static void test_options_bad_number(void **state)
{
	struct fixture *f = *state;
	const char *x[] = { "kvmdigest", "--top=x", NULL };
	const char *trailing[] = { "kvmdigest", "--top=5x", NULL };
	const char *negative[] = { "kvmdigest", "--top=-1", NULL };
	const char *empty[] = { "kvmdigest", "--top=", NULL };
	const char *huge[] = { "kvmdigest", "--top=99999999999", NULL };
	const char *shrt[] = { "kvmdigest", "-nx", NULL };

	assert_int_equal(parse(f, ARGC(x), x), -1);
	assert_int_equal(parse(f, ARGC(trailing), trailing), -1);
	assert_int_equal(parse(f, ARGC(negative), negative), -1);
	assert_int_equal(parse(f, ARGC(empty), empty), -1);
	assert_int_equal(parse(f, ARGC(huge), huge), -1);
	assert_int_equal(parse(f, ARGC(shrt), shrt), -1);
	assert_int_equal(f->top, -1);
}

static void test_options_missing_value(void **state)
{
	struct fixture *f = *state;
	const char *lng[] = { "kvmdigest", "--top", NULL };
	const char *shrt[] = { "kvmdigest", "-t", NULL };

	assert_int_equal(parse(f, ARGC(lng), lng), -1);
	assert_int_equal(parse(f, ARGC(shrt), shrt), -1);
}

static void test_options_positional_to_front(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", "digest", "--top=3", "old..new", "-v",
			       "-", "--title", "x", "last", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 4);
	assert_string_equal(argv[0], "digest");
	assert_string_equal(argv[1], "old..new");
	/* a lone `-` is an argument */
	assert_string_equal(argv[2], "-");
	assert_string_equal(argv[3], "last");
	assert_null(argv[4]);
	assert_int_equal(f->top, 3);
	assert_int_equal(f->verbose, 1);
	assert_string_equal(f->title, "x");
}

static void test_options_no_arguments(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "kvmdigest", NULL };

	assert_int_equal(parse(f, ARGC(argv), argv), 0);
	assert_null(argv[0]);
}

/* A repeatable option keeps every value, in order, from either form */
static void test_options_string_list(void **state)
{
	struct kvmd_string_list areas = { NULL, 0, 0 };
	const char *title = NULL;
	const struct kvmd_option opts[] = {
		KVMD_OPT_STRING_LIST_(0, "area", &areas, "<name>", "an area"),
		KVMD_OPT_STRING_(0, "title", &title, "<text>", "title"),
		KVMD_OPT_END_(),
	};
	const char *argv[] = { "cmd", "--area=KVM: x86", "--title", "t", "--area", "vfio",
			       "--ar=KVM: arm64", NULL };

	(void)state;
	assert_int_equal(kvmd_parse_options(ARGC(argv), argv, opts), 0);
	assert_int_equal(areas.nr, 3);
	assert_string_equal(areas.v[0], "KVM: x86");
	assert_string_equal(areas.v[1], "vfio");
	assert_string_equal(areas.v[2], "KVM: arm64");
	assert_string_equal(title, "t");
	free(areas.v);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_string_list),
		T(test_options_long_with_equals),
		T(test_options_long_separate_value),
		T(test_options_long_empty_string),
		T(test_options_bool_and_negation),
		T(test_options_last_one_wins),
		T(test_options_bool_refuses_value),
		T(test_options_no_only_for_bools),
		T(test_options_short_bundle),
		T(test_options_short_bundle_with_value),
		T(test_options_double_dash),
		T(test_options_unknown),
		T(test_options_unique_prefix),
		T(test_options_negated_prefix),
		T(test_options_ambiguous_prefix),
		T(test_options_exact_beats_prefix),
		T(test_options_set_int),
		T(test_options_help),
		T(test_options_bad_number),
		T(test_options_missing_value),
		T(test_options_positional_to_front),
		T(test_options_no_arguments),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
