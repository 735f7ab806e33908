/*
 * libFuzzer target: a log message's trailer block as
 * kvmd_trailers_parse() reads it, the same bytes as a mail
 * body for kvmd_trailers_parse_body(), and as one trailer value for
 * kvmd_trailer_ident().
 */
#include "../lib/buf.h"
#include "../lib/trailer.h"

#include <assert.h>
#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmd_trailer_parser *parser;
	struct kvmd_trailers t = KVMD_TRAILERS_INIT;
	char *value, *name, *email;
	size_t n, i;

	if (!parser) {
		git_libgit2_init();
		parser = kvmd_trailer_parser_new(NULL);
		assert(parser);
	}
	n = kvmd_trailers_parse(&t, parser, (const char *)data, size);
	assert(n == t.nr);
	for (i = 0; i < t.nr; i++) {
		assert(t.v[i].key && t.v[i].value);
		(void)kvmd_trailer_kind(t.v[i].key);
		/* an identity always has an address */
		assert(!t.v[i].name || t.v[i].email);
	}
	kvmd_trailers_release(&t);
	/* the same bytes as a mail body, whose first paragraph can be trailers */
	assert(kvmd_trailers_parse_body(&t, parser, (const char *)data, size) == t.nr);
	for (i = 0; i < t.nr; i++)
		assert(t.v[i].key && t.v[i].value && (!t.v[i].name || t.v[i].email));
	kvmd_trailers_release(&t);

	value = kvmd_xmemdupz(data, size);
	if (kvmd_trailer_ident(parser, value, &name, &email))
		assert(email);
	else
		assert(!name && !email);
	free(name);
	free(email);
	free(value);
	return 0;
}
