/*
 * libFuzzer target: a decoded subject as kvmd_subject_parse() classifies
 * it.  The parser (compiled patterns) is made once, as a run makes it.
 */
#include "../lib/subject.h"
#include "../lib/buf.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmd_subject_parser *parser;
	struct kvmd_subject s;
	char *subject;

	if (!parser) {
		parser = kvmd_subject_parser_new(NULL);
		assert(parser);
	}
	subject = kvmd_xmemdupz(data, size);
	kvmd_subject_parse(&s, parser, subject);
	assert(s.kind == KVMD_KIND_OTHER || s.kind == KVMD_KIND_REPLY ||
	       s.kind == KVMD_KIND_PATCH);
	/* the renderer prints subject + tag_end */
	assert(s.tag_end <= strlen(subject));
	assert(s.kind == KVMD_KIND_PATCH || s.tag_end == 0);
	(void)kvmd_subject_is_new_patch(&s);
	(void)kvmd_kind_name(s.kind);
	free(subject);
	return 0;
}
