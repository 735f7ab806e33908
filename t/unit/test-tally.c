/*
 * Unit tests for lib/tally.c: counting messages per identity and domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "../../lib/buf.h"
#include "../../lib/tally.h"

static int setup(void **state)
{
	*state = kvmd_tally_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	kvmd_tally_free(*state);
	return 0;
}

/*
 * The rows as the table prints them, "count text" one per line, so that
 * a whole table is compared at once and a failure shows all of it.
 */
static char *rows_text(const struct kvmd_tally *t, int domains)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	struct kvmd_tally_row *rows;
	size_t nr = kvmd_tally_rows(t, domains, &rows), i;

	for (i = 0; i < nr; i++)
		kvmd_buf_addf(&out, "%zu %s\n", rows[i].count, rows[i].text);
	kvmd_tally_rows_free(rows, nr);
	return kvmd_buf_detach(&out, NULL);
}

static void assert_rows(const struct kvmd_tally *t, int domains, const char *want)
{
	char *got = rows_text(t, domains);

	assert_string_equal(got, want);
	free(got);
}

static void test_tally_groups_ignoring_case(void **state)
{
	struct kvmd_tally *t = *state;
	size_t a = kvmd_tally_add(t, "Kim Phillips", "kim.phillips@amd.com", 0);
	size_t b = kvmd_tally_add(t, "Kim Phillips", "Kim.Phillips@AMD.com", 1);
	size_t c = kvmd_tally_add(t, "Bibo Mao", "maobibo@loongson.cn", 2);

	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_int_equal(kvmd_tally_size(t), 2);
	assert_int_equal(kvmd_tally_total(t), 3);
	assert_int_equal(kvmd_tally_count(t, a), 2);
	assert_int_equal(kvmd_tally_count(t, c), 1);
	assert_int_equal(kvmd_tally_find(t, "KIM.PHILLIPS@amd.com"), a);
	assert_int_equal(kvmd_tally_find(t, "maobibo@loongson.cn"), c);
	assert_int_equal(kvmd_tally_find(t, "nobody@example.com"), (size_t)-1);
}

static void test_tally_index_stable(void **state)
{
	struct kvmd_tally *t = *state;
	char email[64];
	size_t first = kvmd_tally_add(t, "First", "first@example.com", 0), i;

	/* enough identities to make the tally grow several times */
	for (i = 1; i < 200; i++) {
		snprintf(email, sizeof(email), "u%zu@example.com", i);
		assert_int_equal(kvmd_tally_add(t, NULL, email, i), i);
	}
	assert_int_equal(kvmd_tally_add(t, "First", "FIRST@example.com", 500), first);
	assert_string_equal(kvmd_tally_name(t, first), "First");
	assert_int_equal(kvmd_tally_count(t, first), 2);
	assert_int_equal(kvmd_tally_size(t), 200);
}

static void test_tally_most_seen_name_wins(void **state)
{
	struct kvmd_tally *t = *state;
	size_t i;

	/* the newest message uses the rarer name: the count still wins */
	i = kvmd_tally_add(t, "Pratik Sampat", "prsampat@amd.com", 0);
	kvmd_tally_add(t, "Pratik R. Sampat", "prsampat@amd.com", 1);
	kvmd_tally_add(t, "Pratik R. Sampat", "prsampat@amd.com", 2);
	assert_string_equal(kvmd_tally_name(t, i), "Pratik R. Sampat");
	assert_rows(t, 0, "3 \"Pratik R. Sampat\" <prsampat@amd.com>\n");
}

static void test_tally_name_tie_goes_to_newest(void **state)
{
	struct kvmd_tally *t = *state;
	size_t a, b;

	/* added oldest first: the newest (seq 1) was added last */
	a = kvmd_tally_add(t, "Old Name", "a@example.com", 7);
	kvmd_tally_add(t, "New Name", "a@example.com", 1);
	assert_string_equal(kvmd_tally_name(t, a), "New Name");

	/* added newest first: the order of adds does not matter, seq does */
	b = kvmd_tally_add(t, "New Name", "b@example.com", 2);
	kvmd_tally_add(t, "Old Name", "b@example.com", 9);
	assert_string_equal(kvmd_tally_name(t, b), "New Name");

	/* 2:2, and the newest vote of each decides */
	kvmd_tally_add(t, "Old Name", "a@example.com", 3);
	kvmd_tally_add(t, "New Name", "a@example.com", 8);
	assert_string_equal(kvmd_tally_name(t, a), "New Name");
}

static void test_tally_nameless_does_not_vote(void **state)
{
	struct kvmd_tally *t = *state;
	size_t i;

	i = kvmd_tally_add(t, "Akshay Behl", "akshaybehl231@gmail.com", 5);
	kvmd_tally_add(t, NULL, "akshaybehl231@gmail.com", 0);
	kvmd_tally_add(t, "", "akshaybehl231@gmail.com", 1);
	assert_string_equal(kvmd_tally_name(t, i), "Akshay Behl");
	assert_int_equal(kvmd_tally_count(t, i), 3);
	assert_rows(t, 0, "3 Akshay Behl <akshaybehl231@gmail.com>\n");
}

static void test_tally_no_name_at_all(void **state)
{
	struct kvmd_tally *t = *state;
	size_t i;

	i = kvmd_tally_add(t, NULL, "anon@example.com", 0);
	kvmd_tally_add(t, "", "anon@example.com", 1);
	assert_null(kvmd_tally_name(t, i));
	assert_string_equal(kvmd_tally_email(t, i), "anon@example.com");
	assert_rows(t, 0, "2 <anon@example.com>\n");
}

static void test_tally_address_spelling(void **state)
{
	struct kvmd_tally *t = *state;
	size_t i;

	/* most seen spelling wins although it is not the newest */
	i = kvmd_tally_add(t, "A", "a@example.com", 0);
	kvmd_tally_add(t, "A", "A@Example.com", 1);
	kvmd_tally_add(t, "A", "A@Example.com", 2);
	assert_string_equal(kvmd_tally_email(t, i), "A@Example.com");

	/* a tie goes to the newest spelling */
	i = kvmd_tally_add(t, "B", "B@example.com", 9);
	kvmd_tally_add(t, "B", "b@example.com", 4);
	assert_string_equal(kvmd_tally_email(t, i), "b@example.com");

	assert_rows(t, 0,
		    "3 A <A@Example.com>\n"
		    "2 B <b@example.com>\n");
}

static void test_tally_rows_order(void **state)
{
	struct kvmd_tally *t = *state;

	kvmd_tally_add(t, "Akshay Behl", "akshaybehl231@gmail.com", 0);
	kvmd_tally_add(t, "Peng Hao", "flyingpeng@tencent.com", 1);
	kvmd_tally_add(t, "Bibo Mao", "maobibo@loongson.cn", 2);
	kvmd_tally_add(t, "Paolo Bonzini", "pbonzini@redhat.com", 3);
	kvmd_tally_add(t, "Bibo Mao", "maobibo@loongson.cn", 4);
	kvmd_tally_add(t, "Pratik R. Sampat", "prsampat@amd.com", 5);
	kvmd_tally_add(t, "Kishon Vijay Abraham I", "kvijayab@amd.com", 6);

	/* count first, then descending byte order of the text */
	assert_rows(t, 0,
		    "2 Bibo Mao <maobibo@loongson.cn>\n"
		    "1 Peng Hao <flyingpeng@tencent.com>\n"
		    "1 Paolo Bonzini <pbonzini@redhat.com>\n"
		    "1 Kishon Vijay Abraham I <kvijayab@amd.com>\n"
		    "1 Akshay Behl <akshaybehl231@gmail.com>\n"
		    "1 \"Pratik R. Sampat\" <prsampat@amd.com>\n");
}

static void test_tally_domain_rows(void **state)
{
	struct kvmd_tally *t = *state;

	kvmd_tally_add(t, "Akshay Behl", "akshaybehl231@gmail.com", 0);
	kvmd_tally_add(t, "Paolo Bonzini", "pbonzini@redhat.com", 1);
	kvmd_tally_add(t, "Peng Hao", "flyingpeng@tencent.com", 2);
	kvmd_tally_add(t, "Kim Phillips", "kim.phillips@amd.com", 3);
	kvmd_tally_add(t, "Pratik R. Sampat", "prsampat@AMD.com", 4);
	kvmd_tally_add(t, "Kishon Vijay Abraham I", "kvijayab@amd.com", 5);
	kvmd_tally_add(t, "Bibo Mao", "maobibo@loongson.cn", 6);
	kvmd_tally_add(t, "Bibo Mao", "maobibo@loongson.cn", 7);

	/* three identities of amd.com in one row, domains lower-cased */
	assert_rows(t, 1,
		    "3 amd.com\n"
		    "2 loongson.cn\n"
		    "1 tencent.com\n"
		    "1 redhat.com\n"
		    "1 gmail.com\n");
}

static void test_tally_empty(void **state)
{
	struct kvmd_tally *t = *state;

	assert_int_equal(kvmd_tally_size(t), 0);
	assert_int_equal(kvmd_tally_total(t), 0);
	assert_rows(t, 0, "");
	assert_rows(t, 1, "");
}

struct add {
	const char *name, *email;
	size_t seq;
};

static const struct add order_adds[] = {
	{ "Old Name", "a@example.com", 10 },
	{ "Kim Phillips", "kim.phillips@amd.com", 11 },
	{ NULL, "anon@example.com", 12 },
	{ "B", "B@example.com", 13 },
	{ "Peng Hao", "flyingpeng@tencent.com", 14 },
	/* the second half, newer: the tie on a@'s name goes here */
	{ "New Name", "A@example.com", 0 },
	{ "Kim Phillips", "kim.phillips@amd.com", 1 },
	{ "B", "b@example.com", 2 },
	{ "Anon", "anon@example.com", 3 },
	{ "Paolo Bonzini", "pbonzini@redhat.com", 4 },
};

/* The threads of a scan add in any order: the rows are the same. */
static void test_tally_any_order(void **state)
{
	struct kvmd_tally *forward = *state;
	struct kvmd_tally *backward = kvmd_tally_new(), *halves = kvmd_tally_new();
	size_t i, n = sizeof(order_adds) / sizeof(order_adds[0]);
	char *want_ids, *want_domains;

	for (i = 0; i < n; i++) {
		const struct add *a = &order_adds[i], *b = &order_adds[n - 1 - i];
		const struct add *h = &order_adds[(i % 2 ? (n + 1) / 2 : 0) + i / 2];

		kvmd_tally_add(forward, a->name, a->email, a->seq);
		kvmd_tally_add(backward, b->name, b->email, b->seq);
		kvmd_tally_add(halves, h->name, h->email, h->seq);
	}
	want_ids = rows_text(forward, 0);
	want_domains = rows_text(forward, 1);
	assert_rows(backward, 0, want_ids);
	assert_rows(backward, 1, want_domains);
	assert_rows(halves, 0, want_ids);
	assert_rows(halves, 1, want_domains);
	assert_int_equal(kvmd_tally_total(halves), n);
	assert_string_equal(kvmd_tally_name(backward, kvmd_tally_find(backward, "a@example.com")),
			    "New Name");

	/* the expectation itself, so that all sides cannot be wrong alike */
	assert_string_equal(want_ids,
			    "2 New Name <A@example.com>\n"
			    "2 Kim Phillips <kim.phillips@amd.com>\n"
			    "2 B <b@example.com>\n"
			    "2 Anon <anon@example.com>\n"
			    "1 Peng Hao <flyingpeng@tencent.com>\n"
			    "1 Paolo Bonzini <pbonzini@redhat.com>\n");
	free(want_ids);
	free(want_domains);
	kvmd_tally_free(backward);
	kvmd_tally_free(halves);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tally_groups_ignoring_case),
		T(test_tally_index_stable),
		T(test_tally_most_seen_name_wins),
		T(test_tally_name_tie_goes_to_newest),
		T(test_tally_nameless_does_not_vote),
		T(test_tally_no_name_at_all),
		T(test_tally_address_spelling),
		T(test_tally_rows_order),
		T(test_tally_domain_rows),
		T(test_tally_empty),
		T(test_tally_any_order),
	};

	return cmocka_run_group_tests_name("tally", tests, NULL, NULL);
}
