/*
 * Unit tests for lib/subject.c: what a decoded subject says a mail is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/subject.h"

static int setup(void **state)
{
	struct kvmd_subject_parser *p = kvmd_subject_parser_new(NULL);

	if (!p)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	kvmd_subject_parser_free(*state);
	return 0;
}

static struct kvmd_subject parse(void **state, const char *subject)
{
	struct kvmd_subject s;

	kvmd_subject_parse(&s, *state, subject);
	return s;
}

/*
 * What the parser said, as one line naming the subject, so that a failed
 * comparison shows which subject and which field went wrong.
 */
static void describe(char *out, size_t size, const char *subject,
		     const struct kvmd_subject *s)
{
	snprintf(out, size, "%s: %s v%d %d/%d new=%d", subject,
		 kvmd_kind_name(s->kind), s->version, s->number, s->total,
		 !!kvmd_subject_is_new_patch(s));
}

/* Asserts a patch with version, n/N and whether it is new. */
static void check_patch(void **state, const char *subject, int version,
			int number, int total, int is_new)
{
	struct kvmd_subject s = parse(state, subject);
	char want[256], got[256];

	snprintf(want, sizeof(want), "%s: patch v%d %d/%d new=%d", subject,
		 version, number, total, is_new);
	describe(got, sizeof(got), subject, &s);
	assert_string_equal(got, want);
}

static void check_kind(void **state, const char *subject, enum kvmd_kind kind)
{
	struct kvmd_subject s = parse(state, subject);
	char want[256], got[256];

	snprintf(want, sizeof(want), "%s: %s", subject, kvmd_kind_name(kind));
	snprintf(got, sizeof(got), "%s: %s", subject, kvmd_kind_name(s.kind));
	assert_string_equal(got, want);
	assert_false(kvmd_subject_is_new_patch(&s));
}

static void test_subject_plain_patch(void **state)
{
	check_patch(state, "[PATCH] KVM: x86: block KVM_CAP_SYNC_REGS", 1, -1, -1, 1);
}

static void test_subject_versioned_numbered(void **state)
{
	check_patch(state, "[PATCH v8 01/10] KVM: selftests: x", 8, 1, 10, 1);
	check_patch(state, "[PATCH v8 00/10] Basic SEV-SNP Selftests", 8, 0, 10, 1);
	check_patch(state, "[PATCH v8 02/10] KVM: selftests: y", 8, 2, 10, 0);
}

static void test_subject_tree_prefix(void **state)
{
	check_patch(state, "[PATCH net-next v8 1/6] virtio_net: x", 8, 1, 6, 1);
	check_patch(state, "[PATCH net-next v8 4/6] tun: y", 8, 4, 6, 0);
	check_patch(state, "[kvm-unit-tests PATCH v3 0/5] x86: z", 3, 0, 5, 1);
}

static void test_subject_rfc(void **state)
{
	check_patch(state, "[RFC PATCH 2/3] KVM: arm64: x", 1, 2, 3, 0);
	check_patch(state, "[RFC PATCH 1/3] KVM: arm64: x", 1, 1, 3, 1);
	check_patch(state, "[RFC] KVM: arm64: an idea", 1, -1, -1, 1);
}

static void test_subject_resend(void **state)
{
	check_patch(state, "[PATCH RESEND v2] KVM: x", 2, -1, -1, 1);
}

static void test_subject_version_glued(void **state)
{
	check_patch(state, "[PATCHv2 3/4] KVM: x", 2, 3, 4, 0);
	check_patch(state, "[PATCH V2 1/2] KVM: x", 2, 1, 2, 1);
}

/* `RFCv2` is glued the same way as `PATCHv2`: the version is still v2 */
static void test_subject_version_glued_rfc(void **state)
{
	check_patch(state, "[RFCv2 PATCH 1/3] KVM: x", 2, 1, 3, 1);
}

static void test_subject_lower_case(void **state)
{
	check_patch(state, "[patch] kvm: x", 1, -1, -1, 1);
	check_patch(state, "[patch v3 1/2] kvm: x", 3, 1, 2, 1);
}

static void test_subject_odd_numbers(void **state)
{
	/* 0/0 is still numbered 0: new */
	check_patch(state, "[PATCH 00/00] x", 1, 0, 0, 1);
	/* taken as written, even when n > N: not new */
	check_patch(state, "[PATCH 3/2] x", 1, 3, 2, 0);
	/* v0 is a version as written */
	check_patch(state, "[PATCH v0] x", 0, -1, -1, 1);
}

static void test_subject_reply(void **state)
{
	check_kind(state, "Re: [PATCH] x", KVMD_KIND_REPLY);
	check_kind(state, "RE: [PATCH v8 01/10] x", KVMD_KIND_REPLY);
	check_kind(state, "re: [PATCH 0/7] x", KVMD_KIND_REPLY);
	check_kind(state, "Aw: [PATCH] x", KVMD_KIND_REPLY);
	check_kind(state, "Fwd: [PATCH] x", KVMD_KIND_REPLY);
	check_kind(state, "Re: Question about y", KVMD_KIND_REPLY);
	check_kind(state, "Re:[PATCH] x", KVMD_KIND_REPLY);
	check_kind(state, "FW: [PATCH] x", KVMD_KIND_REPLY);
}

static void test_subject_other(void **state)
{
	check_kind(state, "[GIT PULL] KVM changes for 6.15", KVMD_KIND_OTHER);
	check_kind(state, "Question about y", KVMD_KIND_OTHER);
	check_kind(state, "", KVMD_KIND_OTHER);
	/* a tag must lead the subject */
	check_kind(state, "About [PATCH] x", KVMD_KIND_OTHER);
	/* PATCH must start a word */
	check_kind(state, "[DISPATCH] x", KVMD_KIND_OTHER);
	/* `Re` must be the whole word before the colon */
	check_kind(state, "Reply: x", KVMD_KIND_OTHER);
}

static void test_subject_other_defaults(void **state)
{
	struct kvmd_subject s = parse(state, "Question about y");

	assert_int_equal(s.version, 1);
	assert_int_equal(s.number, -1);
	assert_int_equal(s.total, -1);
	assert_int_equal(s.tag_end, 0);
}

static void test_subject_tag_end(void **state)
{
	const char *subject = "[PATCH]  KVM: SVM: x";
	struct kvmd_subject s = parse(state, subject);

	assert_int_equal(s.kind, KVMD_KIND_PATCH);
	assert_int_equal(s.tag_end, strlen("[PATCH]"));
	assert_string_equal(subject + s.tag_end, "  KVM: SVM: x");

	subject = "[PATCH net-next v8 0/6] tun: Introduce virtio-net hashing feature";
	s = parse(state, subject);
	assert_string_equal(subject + s.tag_end, " tun: Introduce virtio-net hashing feature");
}

static void test_subject_kind_name(void **state)
{
	(void)state;
	assert_string_equal(kvmd_kind_name(KVMD_KIND_PATCH), "patch");
	assert_string_equal(kvmd_kind_name(KVMD_KIND_REPLY), "reply");
	assert_string_equal(kvmd_kind_name(KVMD_KIND_OTHER), "other");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_subject_plain_patch),
		T(test_subject_versioned_numbered),
		T(test_subject_tree_prefix),
		T(test_subject_rfc),
		T(test_subject_resend),
		T(test_subject_version_glued),
		T(test_subject_version_glued_rfc),
		T(test_subject_lower_case),
		T(test_subject_odd_numbers),
		T(test_subject_reply),
		T(test_subject_other),
		T(test_subject_other_defaults),
		T(test_subject_tag_end),
		T(test_subject_kind_name),
	};

	return cmocka_run_group_tests_name("subject", tests, NULL, NULL);
}
