/*
 * Unit tests for lib/area.c: the area of a subject.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/area.h"
#include "../../lib/buf.h"

/* The area of `subject`, or "(none)", in a static buffer. */
static const char *area(const char *subject)
{
	static char result[128];
	struct kvmd_buf out = KVMD_BUF_INIT;

	if (kvmd_area_of_subject(&out, subject, strlen(subject))) {
		assert_true(out.len < sizeof(result));
		memcpy(result, out.ptr, out.len + 1);
	} else {
		assert_int_equal(out.len, 0);
		strcpy(result, "(none)");
	}
	kvmd_buf_release(&out);
	return result;
}

static void test_area_kvm_arch(void **state)
{
	(void)state;
	assert_string_equal(area("[PATCH v3 2/5] KVM: x86: Zap it"), "KVM: x86");
	assert_string_equal(area("[PATCH] KVM: x86/mmu: Zap it"), "KVM: x86");
	assert_string_equal(area("[PATCH] KVM: arm64: vgic: Fix"), "KVM: arm64");
	assert_string_equal(area("[PATCH] KVM: s390: Fix"), "KVM: s390");
	assert_string_equal(area("[PATCH] KVM: selftests: x86: Add a test"), "KVM: selftests");
	assert_string_equal(area("[PATCH] KVM: VMX: Fix"), "KVM: VMX");
}

static void test_area_kvm_alone(void **state)
{
	(void)state;
	assert_string_equal(area("[PATCH] KVM: Drop a stale comment"), "KVM");
	/* "KVM: x86 fixes" is no second prefix */
	assert_string_equal(area("[PATCH] KVM: x86 fixes for 6.14"), "KVM");
}

static void test_area_other_prefixes(void **state)
{
	(void)state;
	assert_string_equal(area("[PATCH] vfio/pci: Fix it"), "vfio");
	assert_string_equal(area("[PATCH] vfio: Fix it"), "vfio");
	assert_string_equal(area("[PATCH 1/2] x86/kvm: Fix it"), "x86");
	assert_string_equal(area("[RFC PATCH v2 net-next 0/3] vhost: Fix"), "vhost");
}

static void test_area_project_tag(void **state)
{
	(void)state;
	assert_string_equal(area("[kvm-unit-tests PATCH v2 3/4] x86: pmu: Test"), "kvm-unit-tests");
	assert_string_equal(area("Re: [kvm-unit-tests PATCH] s390x: Fix"), "kvm-unit-tests");
	assert_string_equal(area("[kvmtool PATCH] arm: Fix"), "kvmtool");
}

static void test_area_replies(void **state)
{
	(void)state;
	assert_string_equal(area("Re: [PATCH] KVM: arm64: vgic: Fix"), "KVM: arm64");
	assert_string_equal(area("RE: Re: [PATCH v2] KVM: x86: Fix"), "KVM: x86");
	assert_string_equal(area("Aw: Fwd: KVM: s390: question"), "KVM: s390");
	assert_string_equal(area("Re: KVM: x86: a question"), "KVM: x86");
}

static void test_area_none(void **state)
{
	(void)state;
	assert_string_equal(area("[GIT PULL] KVM fixes for 6.14-rc6"), "(none)");
	assert_string_equal(area("[PATCH] Fix a typo"), "(none)");
	assert_string_equal(area("A question about KVM"), "(none)");
	assert_string_equal(area(""), "(none)");
	assert_string_equal(area("[PATCH unterminated"), "(none)");
	/* "Note:something" is no prefix: a prefix ends in ": " */
	assert_string_equal(area("[PATCH] Note:something"), "(none)");
	assert_string_equal(area("[PATCH] : empty"), "(none)");
	assert_string_equal(area("[PATCH] /x: slash first"), "(none)");
}

static void test_area_matches(void **state)
{
	(void)state;
	assert_true(kvmd_area_matches("KVM: x86", "KVM: x86"));
	assert_true(kvmd_area_matches("KVM: x86", "kvm: X86"));
	assert_true(kvmd_area_matches("KVM: x86", "KVM: x86:"));
	assert_true(kvmd_area_matches("KVM: x86", " KVM: x86: "));
	assert_true(kvmd_area_matches("vfio", "vfio:"));
	assert_true(kvmd_area_matches("KERNEL VIRTUAL MACHINE (KVM)",
				      "kernel virtual machine (kvm)"));
	/* the whole name: no part of it */
	assert_false(kvmd_area_matches("KVM: x86", "x86"));
	assert_false(kvmd_area_matches("KVM: x86", "KVM"));
	assert_false(kvmd_area_matches("KVM", "KVM: x86"));
	assert_false(kvmd_area_matches("KVM: x86", "KVM:x86"));
	assert_false(kvmd_area_matches(NULL, "KVM"));
	assert_false(kvmd_area_matches("KVM", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_area_kvm_arch),
		cmocka_unit_test(test_area_kvm_alone),
		cmocka_unit_test(test_area_other_prefixes),
		cmocka_unit_test(test_area_project_tag),
		cmocka_unit_test(test_area_replies),
		cmocka_unit_test(test_area_none),
		cmocka_unit_test(test_area_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
