/*
 * libFuzzer target: git delta instructions as lib/pack.c applies them to
 * a base.  The first two bytes give the base's length; the base is the
 * bytes after them, the delta the rest.
 */
#include "../lib/pack.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t base_len, out_size = 0;
	unsigned char *base, *delta, *out;

	if (size < 2)
		return 0;
	base_len = (size_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;
	if (base_len > size)
		base_len = size;
	/* copies of their own, so that reads past either end are caught */
	base = malloc(base_len ? base_len : 1);
	delta = malloc(size - base_len ? size - base_len : 1);
	assert(base && delta);
	memcpy(base, data, base_len);
	memcpy(delta, data + base_len, size - base_len);
	out = kvmd_delta_apply(base, base_len, delta, size - base_len, &out_size);
	if (out) {
		/* no instruction makes more than 0xffffff bytes */
		assert(out_size / 0xffffff <= size - base_len);
		assert(out[out_size] == '\0');
		free(out);
	}
	free(base);
	free(delta);
	return 0;
}
