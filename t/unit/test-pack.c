/*
 * Unit tests for lib/pack.c's delta instructions (git's delta format:
 * two sizes, then copies from the base and literal inserts).  Whole
 * packs are read against git in t/t3200-pack.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/pack.h"

static const unsigned char base[] = "0123456789abcdefghijklmnopqrstuvwxyz";
#define BASE_SIZE (sizeof(base) - 1)

/* Applies `delta` (n bytes) to `base`; the result, or NULL. */
static char *apply(const unsigned char *delta, size_t n, size_t *size)
{
	return (char *)kvmd_delta_apply(base, BASE_SIZE, delta, n, size);
}

/* `delta` makes exactly the string `want` of `base`, NUL-terminated. */
static void assert_applies(const unsigned char *delta, size_t n, const char *want)
{
	size_t size = (size_t)-1;
	char *out = apply(delta, n, &size);

	assert_non_null(out);
	assert_int_equal(size, strlen(want));
	assert_string_equal(out, want);
	free(out);
}

/* `delta` is refused: damaged, or not made for `base`. */
static void assert_refused(const unsigned char *delta, size_t n)
{
	size_t size;

	assert_null(apply(delta, n, &size));
}

static void test_delta_copy_and_insert(void **state)
{
	/* base 36, result 9: copy 3 at 10, insert "XYZ", copy 3 at 0 */
	const unsigned char delta[] = {
		36, 9,
		0x80 | 0x01 | 0x10, 10, 3,
		3, 'X', 'Y', 'Z',
		0x80 | 0x10, 3,
	};

	(void)state;
	assert_applies(delta, sizeof(delta), "abcXYZ012");
}

static void test_delta_multibyte_sizes(void **state)
{
	/* a result of 200 bytes: its size takes two bytes (0xc8 0x01) */
	unsigned char delta[2 + 1 + 2 + 2 * 101];
	size_t n = 0, size = 0, i;
	char *out;

	(void)state;
	delta[n++] = 36;
	delta[n++] = 0x80 | (200 & 0x7f);
	delta[n++] = 200 >> 7;
	for (i = 0; i < 2; i++) {
		delta[n++] = 100;
		memset(delta + n, 'a' + (int)i, 100);
		n += 100;
	}
	out = apply(delta, n, &size);
	assert_non_null(out);
	assert_int_equal(size, 200);
	assert_int_equal(out[0], 'a');
	assert_int_equal(out[199], 'b');
	assert_int_equal(out[200], '\0');
	free(out);
}

static void test_delta_copy_size_zero_means_64k(void **state)
{
	/* git encodes a copy of 0x10000 bytes as size 0: too big for this base */
	const unsigned char delta[] = { 36, 0x80 | 0x80, 0x80 | 0x04, 0x80 | 0x01 };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_rejects_base_size_mismatch(void **state)
{
	const unsigned char delta[] = { 35, 1, 0x80 | 0x10, 1 };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_rejects_copy_past_base(void **state)
{
	/* copy 10 bytes at 30 of a 36-byte base */
	const unsigned char delta[] = { 36, 10, 0x80 | 0x01 | 0x10, 30, 10 };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_rejects_overlong_result(void **state)
{
	/* says 2 bytes, writes 3 */
	const unsigned char delta[] = { 36, 2, 3, 'a', 'b', 'c' };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_rejects_short_result(void **state)
{
	/* says 5 bytes, writes 3 */
	const unsigned char delta[] = { 36, 5, 3, 'a', 'b', 'c' };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_rejects_truncated(void **state)
{
	const unsigned char insert[] = { 36, 5, 5, 'a', 'b' };
	const unsigned char copy[] = { 36, 5, 0x80 | 0x01 | 0x02 | 0x10, 1 };
	const unsigned char varint[] = { 36, 0x80 };

	(void)state;
	assert_refused(insert, sizeof(insert));
	assert_refused(copy, sizeof(copy));
	assert_refused(varint, sizeof(varint));
	assert_refused(varint, 0);
}

static void test_delta_rejects_reserved_opcode(void **state)
{
	const unsigned char delta[] = { 36, 1, 0, 1, 'a' };

	(void)state;
	assert_refused(delta, sizeof(delta));
}

static void test_delta_empty_result(void **state)
{
	const unsigned char delta[] = { 36, 0 };

	(void)state;
	assert_applies(delta, sizeof(delta), "");
}

static void test_delta_huge_sizes(void **state)
{
	/* a result size of 2^63 and a varint that never ends within 64 bits */
	const unsigned char huge[] = { 36, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	const unsigned char endless[] = { 36, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0x01 };

	(void)state;
	assert_refused(huge, sizeof(huge));
	assert_refused(endless, sizeof(endless));
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_delta_copy_and_insert),
		T(test_delta_multibyte_sizes),
		T(test_delta_copy_size_zero_means_64k),
		T(test_delta_rejects_base_size_mismatch),
		T(test_delta_rejects_copy_past_base),
		T(test_delta_rejects_overlong_result),
		T(test_delta_rejects_short_result),
		T(test_delta_rejects_truncated),
		T(test_delta_rejects_reserved_opcode),
		T(test_delta_empty_result),
		T(test_delta_huge_sizes),
	};

	return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
