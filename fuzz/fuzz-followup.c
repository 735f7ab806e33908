/*
 * libFuzzer target: a reply's body as kvmd_followups_parse() reads it,
 * as text and as HTML, and the change-id and Message-ID links of the
 * same bytes.
 */
#include "../lib/buf.h"
#include "../lib/followup.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct kvmd_trailers *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		/* a follow-up is a *-by key and an address */
		assert(t->v[i].key && t->v[i].value && kvmd_followup_key(t->v[i].key));
		assert(t->v[i].email && strchr(t->v[i].email, '@'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmd_trailer_parser *parser;
	struct kvmd_trailers t = KVMD_TRAILERS_INIT;
	const char *body = (const char *)data;
	char **links = NULL, *id;
	size_t nlinks = 0, i, j, n;
	int html;

	if (!parser) {
		parser = kvmd_trailer_parser_new(NULL);
		assert(parser);
	}
	for (html = 0; html < 2; html++) {
		n = kvmd_followups_parse(&t, parser, body, size, html);
		assert(n == t.nr);
		check(&t);
		kvmd_trailers_release(&t);
	}
	id = kvmd_followup_change_id(body, size);
	assert(!id || *id);
	free(id);
	n = kvmd_followup_links(&links, &nlinks, body, size);
	assert(n == nlinks);
	for (i = 0; i < nlinks; i++) {
		/* a Message-ID: an @, no control or white space, kept once */
		assert(strchr(links[i], '@'));
		for (j = 0; links[i][j]; j++)
			assert((unsigned char)links[i][j] > ' ' && links[i][j] != 0x7f);
		for (j = 0; j < i; j++)
			assert(strcmp(links[i], links[j]));
	}
	for (i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
	return 0;
}
