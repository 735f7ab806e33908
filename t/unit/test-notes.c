/*
 * Unit tests for lib/notes.c: the pure text side, merging a section into a
 * note and expanding a notes ref (writing notes is tested end to end).
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
#include "../../lib/notes.h"
#include "unit-libgit2.h"

struct fixture {
	struct kvmd_buf out, err;
	char *merged;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	kvmd_buf_init(&f->out);
	kvmd_buf_init(&f->err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_buf_release(&f->out);
	kvmd_buf_release(&f->err);
	free(f->merged);
	free(f);
	return 0;
}

/* Merges and keeps the result in the fixture, to be freed by teardown. */
static const char *merge(struct fixture *f, const char *existing, const char *section)
{
	struct kvmd_buf out = KVMD_BUF_INIT;

	free(f->merged);
	kvmd_notes_merge_text(&out, existing, existing ? strlen(existing) : 0,
			      section, strlen(section));
	f->merged = kvmd_buf_detach(&out, NULL);
	return f->merged;
}

#define SEC_A "From 1111aaaa to 2222bbbb\nKVM mailing list update from 1111aaaa to 2222bbbb\n\nA body\n"
#define SEC_A2 "From 1111aaaa to 2222bbbb\nKVM mailing list update from 1111aaaa to 2222bbbb\n\nA body, again\n"
#define SEC_B "From 2222bbbb to 3333cccc\nKVM mailing list update from 2222bbbb to 3333cccc\n\nB body\n"
#define SEC_B2 "From 2222bbbb to 3333cccc\nKVM mailing list update from 2222bbbb to 3333cccc\n\nB, redone\n\nwith two paragraphs\n"
#define SEC_C "From 3333cccc to 4444dddd\nKVM mailing list update from 3333cccc to 4444dddd\n\nC body\n"

static void test_notes_merge_no_note(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(merge(f, NULL, SEC_A), SEC_A);
	assert_string_equal(merge(f, "", SEC_A), SEC_A);
}

static void test_notes_merge_appends_to_unrelated(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(merge(f, "Reviewed in the weekly call.\n", SEC_A),
			    "Reviewed in the weekly call.\n\n" SEC_A);
	/* trailing blank lines of the old text collapse into one */
	assert_string_equal(merge(f, "Old note\n\n\n", SEC_A), "Old note\n\n" SEC_A);
	/* an old text without a final newline */
	assert_string_equal(merge(f, "Old note", SEC_A), "Old note\n\n" SEC_A);
}

static void test_notes_merge_appends_other_key(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(merge(f, SEC_A, SEC_B), SEC_A "\n" SEC_B);
}

static void test_notes_merge_same_key_replaced(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(merge(f, SEC_A, SEC_A2), SEC_A2);
	/* the same section again changes nothing */
	assert_string_equal(merge(f, SEC_A, SEC_A), SEC_A);
	/* after an unrelated text, in place */
	assert_string_equal(merge(f, "Old note\n\n" SEC_A, SEC_A2), "Old note\n\n" SEC_A2);
}

static void test_notes_merge_middle_replaced(void **state)
{
	struct fixture *f = *state;
	const char *existing = SEC_A "\n" SEC_B "\n" SEC_C;

	assert_string_equal(merge(f, existing, SEC_B2), SEC_A "\n" SEC_B2 "\n" SEC_C);
	/* the first and the last one too */
	assert_string_equal(merge(f, existing, SEC_A2), SEC_A2 "\n" SEC_B "\n" SEC_C);
	assert_string_equal(merge(f, existing,
				  "From 3333cccc to 4444dddd\nnew C\n"),
			    SEC_A "\n" SEC_B "\nFrom 3333cccc to 4444dddd\nnew C\n");
}

static void test_notes_merge_key_needs_whole_line(void **state)
{
	struct fixture *f = *state;
	/* a longer hash that starts like the key is another key */
	const char *existing = "From 1111aaaa to 2222bbbb99\nother\n";

	assert_string_equal(merge(f, existing, SEC_A), "From 1111aaaa to 2222bbbb99\nother\n\n" SEC_A);
}

static void test_notes_merge_key_only_at_paragraph_start(void **state)
{
	struct fixture *f = *state;
	/* the key line quoted inside a paragraph is not a section */
	const char *existing = "Note:\nFrom 1111aaaa to 2222bbbb\nwas digested twice\n";

	assert_string_equal(merge(f, existing, SEC_A),
			    "Note:\nFrom 1111aaaa to 2222bbbb\nwas digested twice\n\n" SEC_A);
}

static void test_notes_merge_root_key(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(merge(f, "From root to 2222bbbb\nfirst\n\n" SEC_B, "From root to 2222bbbb\nsecond\n"),
			    "From root to 2222bbbb\nsecond\n\n" SEC_B);
}

static void test_notes_merge_quoted_key_is_body(void **state)
{
	struct fixture *f = *state;
	/* the renderer quotes a key line in mail text: it never ends a section */
#define FORGED "From 1111aaaa to 2222bbbb\nKVM mailing list update from 1111aaaa to 2222bbbb\n\n" \
		"A body\n\n>From 1234abcd to 5678ef90\nmore body\n"

	assert_string_equal(merge(f, FORGED, SEC_A), SEC_A);
	assert_string_equal(merge(f, SEC_B "\n" FORGED, FORGED), SEC_B "\n" FORGED);
}

static void test_notes_merge_bytes(void **state)
{
	struct fixture *f = *state;
	static const char old[] = "bin\0ary\xff\n";
	struct kvmd_buf out = KVMD_BUF_INIT;

	(void)f;
	kvmd_notes_merge_text(&out, old, sizeof(old) - 1, SEC_A, strlen(SEC_A));
	assert_int_equal(out.len, sizeof(old) - 1 + 1 + strlen(SEC_A));
	assert_memory_equal(out.ptr, old, sizeof(old) - 1);
	assert_memory_equal(out.ptr + sizeof(old), SEC_A, strlen(SEC_A));
	kvmd_buf_release(&out);
}

static const char *expand(struct fixture *f, const char *ref)
{
	kvmd_buf_reset(&f->out);
	kvmd_buf_reset(&f->err);
	if (kvmd_notes_ref_expand(&f->out, ref, &f->err) < 0) {
		assert_true(f->err.len > 0);
		return NULL;
	}
	assert_int_equal(f->err.len, 0);
	return f->out.ptr;
}

static void test_notes_ref_expand(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(expand(f, "kvmdigest"), "refs/notes/kvmdigest");
	assert_string_equal(expand(f, "notes/x"), "refs/notes/x");
	assert_string_equal(expand(f, "refs/notes/kvm/weekly"), "refs/notes/kvm/weekly");
	assert_string_equal(expand(f, "kvm/weekly"), "refs/notes/kvm/weekly");
}

static void test_notes_ref_expand_outside_notes(void **state)
{
	struct fixture *f = *state;

	assert_null(expand(f, "refs/heads/x"));
	assert_non_null(strstr(f->err.ptr, "refs/heads/x"));
	assert_null(expand(f, "refs/tags/v1"));
}

static void test_notes_ref_expand_invalid(void **state)
{
	struct fixture *f = *state;

	assert_null(expand(f, ""));
	assert_null(expand(f, "refs/notes/"));
	assert_null(expand(f, "a..b"));
	assert_null(expand(f, "with space"));
	assert_null(expand(f, "x.lock"));
	assert_null(expand(f, "x/"));
	assert_null(expand(f, "a~1"));
	assert_null(expand(f, "what?"));
	assert_null(expand(f, "a:b"));
	assert_null(expand(f, "a@{1}"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_notes_merge_no_note),
		T(test_notes_merge_appends_to_unrelated),
		T(test_notes_merge_appends_other_key),
		T(test_notes_merge_same_key_replaced),
		T(test_notes_merge_middle_replaced),
		T(test_notes_merge_key_needs_whole_line),
		T(test_notes_merge_key_only_at_paragraph_start),
		T(test_notes_merge_root_key),
		T(test_notes_merge_quoted_key_is_body),
		T(test_notes_merge_bytes),
		T(test_notes_ref_expand),
		T(test_notes_ref_expand_outside_notes),
		T(test_notes_ref_expand_invalid),
	};

	return cmocka_run_group_tests_name("notes", tests, group_setup, group_teardown);
}
