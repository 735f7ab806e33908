/*
 * Unit tests for lib/trailer.c: trailers of a log message (found by
 * libgit2 as git finds them) and the identities in their values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/trailer.h"
#include "unit-libgit2.h"

struct fixture {
	struct kvmd_trailer_parser *p;
	struct kvmd_trailers t;
	char *name, *email;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->p = kvmd_trailer_parser_new(NULL);
	if (!f->p)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_trailers_release(&f->t);
	kvmd_trailer_parser_free(f->p);
	free(f->name);
	free(f->email);
	free(f);
	return 0;
}

static size_t parse(struct fixture *f, const char *message)
{
	return kvmd_trailers_parse(&f->t, f->p, message, strlen(message));
}

/* The trailers found, one "key|value|name|email" line each. */
static char *dump(const struct kvmd_trailers *t)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	size_t i;

	for (i = 0; i < t->nr; i++)
		kvmd_buf_addf(&out, "%s|%s|%s|%s\n", t->v[i].key, t->v[i].value,
			      t->v[i].name ? t->v[i].name : "-",
			      t->v[i].email ? t->v[i].email : "-");
	return kvmd_buf_detach(&out, NULL);
}

static void assert_trailers(const struct kvmd_trailers *t, const char *want)
{
	char *got = dump(t);

	assert_string_equal(got, want);
	free(got);
}

static void test_trailer_parse_block(void **state)
{
	struct fixture *f = *state;
	const char *msg =
		"KVM: x86: fix it\n"
		"\n"
		"A longer explanation.\n"
		"\n"
		"Fixes: 1234abcd5678 (\"KVM: x86: break it\")\n"
		"Cc: stable@vger.kernel.org # v5.10+\n"
		"Reviewed-by: \"Doe, John\" <jd@example.com>\n"
		"Signed-off-by: Pratik R. Sampat <prsampat@amd.com>\n";

	assert_int_equal(parse(f, msg), 4);
	assert_trailers(&f->t,
		"Fixes|1234abcd5678 (\"KVM: x86: break it\")|-|-\n"
		"Cc|stable@vger.kernel.org # v5.10+|-|stable@vger.kernel.org\n"
		"Reviewed-by|\"Doe, John\" <jd@example.com>|Doe, John|jd@example.com\n"
		"Signed-off-by|Pratik R. Sampat <prsampat@amd.com>|Pratik R. Sampat|prsampat@amd.com\n");
}

static void test_trailer_parse_stops_at_dashes(void **state)
{
	struct fixture *f = *state;
	const char *msg =
		"Fix it.\n"
		"\n"
		"Signed-off-by: A <a@example.com>\n"
		"---\n"
		" x.c | 1 +\n"
		"\n"
		"Reviewed-by: Not Counted <n@example.com>\n";

	assert_int_equal(parse(f, msg), 1);
	assert_trailers(&f->t, "Signed-off-by|A <a@example.com>|A|a@example.com\n");
}

static void test_trailer_parse_last_paragraph_only(void **state)
{
	struct fixture *f = *state;
	const char *msg =
		"Fix it.\n"
		"\n"
		"Reviewed-by: Early <e@example.com>\n"
		"\n"
		"More prose after it.\n";

	assert_int_equal(parse(f, msg), 0);
	assert_int_equal(f->t.nr, 0);
}

static void test_trailer_parse_none(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "Only a subject\n"), 0);
	assert_int_equal(parse(f, ""), 0);
	assert_int_equal(f->t.nr, 0);
}

static void test_trailer_parse_appends(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "x\n\nSigned-off-by: A <a@example.com>\n"), 1);
	assert_int_equal(parse(f, "y\n\nAcked-by: B <b@example.com>\nTested-by: <c@example.com>\n"), 2);
	assert_trailers(&f->t,
		"Signed-off-by|A <a@example.com>|A|a@example.com\n"
		"Acked-by|B <b@example.com>|B|b@example.com\n"
		"Tested-by|<c@example.com>|-|c@example.com\n");
	kvmd_trailers_release(&f->t);
	assert_int_equal(f->t.nr, 0);
	assert_null(f->t.v);
}

static void test_trailer_parse_respects_len(void **state)
{
	struct fixture *f = *state;
	const char *msg = "x\n\nSigned-off-by: A <a@example.com>\nAcked-by: B <b@example.com>\n";
	size_t len = strstr(msg, "Acked-by") - msg;

	assert_int_equal(kvmd_trailers_parse(&f->t, f->p, msg, len), 1);
	assert_trailers(&f->t, "Signed-off-by|A <a@example.com>|A|a@example.com\n");
}

static int ident(struct fixture *f, const char *value)
{
	static char unset[] = "unset";
	char *name = unset, *email = unset;
	int ret = kvmd_trailer_ident(f->p, value, &name, &email);

	/* both are always set, NULL when absent */
	assert_ptr_not_equal(name, unset);
	assert_ptr_not_equal(email, unset);
	free(f->name);
	free(f->email);
	f->name = name;
	f->email = email;
	return ret;
}

static void test_trailer_ident_name_email(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ident(f, "Kim Phillips <kim.phillips@amd.com>"), 1);
	assert_string_equal(f->name, "Kim Phillips");
	assert_string_equal(f->email, "kim.phillips@amd.com");

	assert_int_equal(ident(f, "  \"Pratik R. Sampat\" <prsampat@amd.com>"), 1);
	assert_string_equal(f->name, "Pratik R. Sampat");
	assert_string_equal(f->email, "prsampat@amd.com");

	/* what follows the address is not part of it */
	assert_int_equal(ident(f, "Sean Christopherson <seanjc@google.com> # v6.1"), 1);
	assert_string_equal(f->name, "Sean Christopherson");
	assert_string_equal(f->email, "seanjc@google.com");
}

static void test_trailer_ident_bare(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ident(f, "stable@vger.kernel.org"), 1);
	assert_null(f->name);
	assert_string_equal(f->email, "stable@vger.kernel.org");

	assert_int_equal(ident(f, "<c@example.com>"), 1);
	assert_null(f->name);
	assert_string_equal(f->email, "c@example.com");

	assert_int_equal(ident(f, "syzbot+1234@syzkaller.appspotmail.com # reproducer"), 1);
	assert_null(f->name);
	assert_string_equal(f->email, "syzbot+1234@syzkaller.appspotmail.com");
}

static void test_trailer_ident_none(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ident(f, "1234abcd5678 (\"KVM: x86: break it\")"), 0);
	assert_null(f->name);
	assert_null(f->email);
	assert_int_equal(ident(f, "Just A Name"), 0);
	assert_null(f->email);
	assert_int_equal(ident(f, ""), 0);
	assert_null(f->email);
}

/* A Link: trailer's URL is no address, although it holds an `@`. */
static void test_trailer_ident_url_is_no_address(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ident(f, "https://lore.kernel.org/r/20250101.1@example.com"), 0);
	assert_null(f->name);
	assert_null(f->email);
}

static void test_trailer_kind(void **state)
{
	(void)state;
	assert_int_equal(kvmd_trailer_kind("Signed-off-by"), KVMD_TRAILER_SIGNER);
	assert_int_equal(kvmd_trailer_kind("signed-off-by"), KVMD_TRAILER_SIGNER);
	assert_int_equal(kvmd_trailer_kind("Reviewed-by"), KVMD_TRAILER_REVIEWER);
	assert_int_equal(kvmd_trailer_kind("Acked-by"), KVMD_TRAILER_REVIEWER);
	assert_int_equal(kvmd_trailer_kind("Tested-by"), KVMD_TRAILER_REVIEWER);
	assert_int_equal(kvmd_trailer_kind("REVIEWED-BY"), KVMD_TRAILER_REVIEWER);
	assert_int_equal(kvmd_trailer_kind("Reported-by"), KVMD_TRAILER_OTHER);
	assert_int_equal(kvmd_trailer_kind("Cc"), KVMD_TRAILER_OTHER);
	assert_int_equal(kvmd_trailer_kind("Signed-off-by-x"), KVMD_TRAILER_OTHER);
	assert_int_equal(kvmd_trailer_kind(""), KVMD_TRAILER_OTHER);
}

static size_t parse_body(struct fixture *f, const char *body)
{
	return kvmd_trailers_parse_body(&f->t, f->p, body, strlen(body));
}

/* A mail body that is only `Signed-off-by:`: its subject is in the header. */
static void test_trailer_body_signoff_alone(void **state)
{
	struct fixture *f = *state;
	const char *body = "Signed-off-by: A <a@example.com>\n---\n x.c | 1 +\n";

	/* as a log message it is the title: git finds nothing there */
	assert_int_equal(parse(f, body), 0);
	assert_int_equal(parse_body(f, body), 1);
	assert_trailers(&f->t, "Signed-off-by|A <a@example.com>|A|a@example.com\n");
}

/* A block of trailers with no prose above, as `git interpret-trailers` reads it. */
static void test_trailer_body_block_only(void **state)
{
	struct fixture *f = *state;
	const char *body =
		"Suggested-by: S <s@example.com>\n"
		"Link: https://lore.kernel.org/r/1@x\n"
		"Reviewed-by: R <r@example.com>\n"
		"Acked-by: K <k@example.com>\n"
		"Signed-off-by: A <a@example.com>\n"
		"---\n"
		"diff --git a/x.c b/x.c\n";

	assert_int_equal(parse_body(f, body), 5);
	assert_trailers(&f->t,
		"Suggested-by|S <s@example.com>|S|s@example.com\n"
		"Link|https://lore.kernel.org/r/1@x|-|-\n"
		"Reviewed-by|R <r@example.com>|R|r@example.com\n"
		"Acked-by|K <k@example.com>|K|k@example.com\n"
		"Signed-off-by|A <a@example.com>|A|a@example.com\n");
}

/* With prose above, a body reads as before: the last paragraph only. */
static void test_trailer_body_with_prose(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse_body(f, "Fix it.\n\nSigned-off-by: A <a@example.com>\n"), 1);
	assert_int_equal(parse_body(f, "Reviewed-by: E <e@example.com>\n\nMore prose.\n"), 0);
	assert_int_equal(parse_body(f, ""), 0);
	assert_int_equal(f->t.nr, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_trailer_parse_block),
		T(test_trailer_parse_stops_at_dashes),
		T(test_trailer_parse_last_paragraph_only),
		T(test_trailer_parse_none),
		T(test_trailer_parse_appends),
		T(test_trailer_parse_respects_len),
		T(test_trailer_ident_name_email),
		T(test_trailer_ident_bare),
		T(test_trailer_ident_none),
		T(test_trailer_ident_url_is_no_address),
		T(test_trailer_kind),
		T(test_trailer_body_signoff_alone),
		T(test_trailer_body_block_only),
		T(test_trailer_body_with_prose),
	};

	return cmocka_run_group_tests_name("trailer", tests, group_setup, group_teardown);
}
