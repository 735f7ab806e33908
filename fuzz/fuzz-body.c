/*
 * libFuzzer target: a decoded body as kvmd_body_inbody() and
 * kvmd_body_cut() read it, on the raw bytes (not NUL-terminated: the
 * input is copied to a buffer of exactly `size` bytes so ASan sees any
 * read past the end).
 */
#include "../lib/body.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(const struct kvmd_span *s, const char *body, size_t len)
{
	if (!s->len)
		return;
	assert(s->ptr >= body && s->ptr + s->len <= body + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size ? size : 1);
	struct kvmd_inbody ib;
	size_t off, cut;

	if (size)
		memcpy(body, data, size);
	off = kvmd_body_inbody(&ib, body, size);
	assert(off <= size);
	check_span(&ib.from, body, size);
	check_span(&ib.subject, body, size);
	check_span(&ib.date, body, size);
	cut = kvmd_body_cut(body + off, size - off);
	assert(cut <= size - off);
	cut = kvmd_body_cut(body, size);
	assert(cut <= size);
	free(body);
	return 0;
}
