/*
 * Unit tests for lib/link.c: a Message-ID as lore and public-inbox link
 * it, and the base of the links from a remote's URL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../lib/buf.h"
#include "../../lib/link.h"

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

static const char *link_of(struct kvmd_buf *b, const char *base, const char *id)
{
	kvmd_buf_reset(b);
	kvmd_link_add(b, base, id);
	return b->ptr;
}

static void test_link_plain(void **state)
{
	assert_string_equal(link_of(*state, "https://lore.kernel.org/kvm/",
				    "20251105.1234-1-jane@example.com"),
			    "https://lore.kernel.org/kvm/20251105.1234-1-jane@example.com/");
}

/* public-inbox's MID_ESC: RFC 3986 pchar kept, `/` and `%` escaped */
static void test_link_escapes_as_public_inbox(void **state)
{
	assert_string_equal(link_of(*state, "B/", "a/b%c"), "B/a%2Fb%25c/");
	assert_string_equal(link_of(*state, "B/", "x-._~!$&'()*+,;=:@y"),
			    "B/x-._~!$&'()*+,;=:@y/");
	assert_string_equal(link_of(*state, "B/", "a?b#c<d>e\"f[g]h{i}j|k\\l^m`n"),
			    "B/a%3Fb%23c%3Cd%3Ee%22f%5Bg%5Dh%7Bi%7Dj%7Ck%5Cl%5Em%60n/");
}

/* a stranger's Message-ID never writes a space, control or raw byte */
static void test_link_hostile_id(void **state)
{
	assert_string_equal(link_of(*state, "B/", "a b\tc\nd\x1b[31m\x7f"),
			    "B/a%20b%09c%0Ad%1B%5B31m%7F/");
	assert_string_equal(link_of(*state, "B/", "caf\xc3\xa9\xff"), "B/caf%C3%A9%FF/");
}

static void test_link_none(void **state)
{
	struct kvmd_buf *b = *state;

	kvmd_buf_reset(b);
	assert_int_equal(kvmd_link_add(b, NULL, "x@y"), 0);
	assert_int_equal(kvmd_link_add(b, "", "x@y"), 0);
	assert_int_equal(kvmd_link_add(b, "B/", NULL), 0);
	assert_int_equal(kvmd_link_add(b, "B/", ""), 0);
	assert_int_equal(b->len, 0);
	assert_int_equal(kvmd_link_add(b, "B/", "x"), 1);
}

static const char *base_of(struct kvmd_buf *b, const char *url)
{
	kvmd_buf_reset(b);
	if (!kvmd_link_base_from_url(b, url)) {
		assert_int_equal(b->len, 0);
		return NULL;
	}
	return b->ptr;
}

static void test_link_base_lore(void **state)
{
	const char *want = "https://lore.kernel.org/kvm/";

	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/1"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/1.git"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/1/"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/0"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/git/12.git"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm/"), want);
	assert_string_equal(base_of(*state, "https://lore.kernel.org/kvm.git"), want);
	assert_string_equal(base_of(*state, "http://example.org/lists/kvm/2?x=1#y"),
			    "http://example.org/lists/kvm/");
	assert_string_equal(base_of(*state, "HTTPS://lore.kernel.org/kvm/1"),
			    "HTTPS://lore.kernel.org/kvm/");
	/* a name that is not an epoch stays */
	assert_string_equal(base_of(*state, "https://x.org/kvm2/v1"), "https://x.org/kvm2/v1/");
	assert_string_equal(base_of(*state, "https://x.org/git"), "https://x.org/git/");
}

/* credentials in a remote's URL never reach a note */
static void test_link_base_drops_credentials(void **state)
{
	assert_string_equal(base_of(*state, "https://me:secret@lore.kernel.org/kvm/1"),
			    "https://lore.kernel.org/kvm/");
}

static void test_link_base_none(void **state)
{
	assert_null(base_of(*state, NULL));
	assert_null(base_of(*state, "/srv/archives/kvm/1"));
	assert_null(base_of(*state, "../kvm.git"));
	assert_null(base_of(*state, "file:///srv/kvm/1"));
	assert_null(base_of(*state, "git://lore.kernel.org/kvm/1"));
	assert_null(base_of(*state, "ssh://git@example.org/kvm/1"));
	assert_null(base_of(*state, "git@example.org:kvm/1"));
	assert_null(base_of(*state, "https:///kvm/1"));
	assert_null(base_of(*state, "https://lore.kernel.org/kvm /1"));
	assert_null(base_of(*state, "https://lore.kernel.org/kvm\n/1"));
}

static void test_link_base_config(void **state)
{
	struct kvmd_buf *b = *state, err = KVMD_BUF_INIT;

	kvmd_buf_reset(b);
	assert_int_equal(kvmd_link_base_from_config(b, "https://x.org/kvm", &err), 0);
	assert_string_equal(b->ptr, "https://x.org/kvm/");
	kvmd_buf_reset(b);
	assert_int_equal(kvmd_link_base_from_config(b, "https://x.org/kvm/", &err), 0);
	assert_string_equal(b->ptr, "https://x.org/kvm/");
	kvmd_buf_reset(b);
	assert_int_equal(kvmd_link_base_from_config(b, "", &err), -1);
	assert_int_equal(kvmd_link_base_from_config(b, "https://x.org/a b/", &err), -1);
	assert_int_equal(kvmd_link_base_from_config(b, "https://x.org/\x1b/", &err), -1);
	assert_int_equal(b->len, 0);
	assert_true(err.len > 0);
	kvmd_buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_escapes_as_public_inbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_hostile_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_base_lore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_base_drops_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_base_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_base_config, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
