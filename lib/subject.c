#define PCRE2_CODE_UNIT_WIDTH 8
#include "subject.h"
#include "buf.h"
#include "pattern.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

struct kvmd_subject_parser {
	struct kvmd_pattern reply;   /* Re:, Aw:, Fwd: ... */
	struct kvmd_pattern tag;     /* the leading [..] */
	struct kvmd_pattern patch;   /* PATCH or RFC inside it */
	struct kvmd_pattern version; /* vN inside the tag */
	struct kvmd_pattern number;  /* n/N inside the tag */
};

struct kvmd_subject_parser *kvmd_subject_parser_new(struct kvmd_buf *err)
{
	struct kvmd_subject_parser *p = kvmd_xcalloc(1, sizeof(*p));

	if (kvmd_pattern_compile(&p->reply, "^\\s*(?:re|aw|fwd?)\\s*:", PCRE2_CASELESS, err) < 0 ||
	    /* group 1: the text inside the first bracket pair */
	    kvmd_pattern_compile(&p->tag, "^\\s*\\[([^\\]]*)\\]", 0, err) < 0 ||
	    /* any case, as `[patch]` is seen too; `PATCHv2` and `RFCv2` are one word */
	    kvmd_pattern_compile(&p->patch, "(?<![a-z])(?:patch|rfc)", PCRE2_CASELESS, err) < 0 ||
	    kvmd_pattern_compile(&p->version, "(?:^|[\\s,]|patch|rfc)v(\\d{1,6})(?=[\\s,]|$)", PCRE2_CASELESS, err) < 0 ||
	    kvmd_pattern_compile(&p->number, "(?:^|[\\s,])(\\d{1,6})/(\\d{1,6})(?=[\\s,]|$)", 0, err) < 0) {
		kvmd_subject_parser_free(p);
		return NULL;
	}
	return p;
}

void kvmd_subject_parser_free(struct kvmd_subject_parser *p)
{
	if (!p)
		return;
	kvmd_pattern_release(&p->reply);
	kvmd_pattern_release(&p->tag);
	kvmd_pattern_release(&p->patch);
	kvmd_pattern_release(&p->version);
	kvmd_pattern_release(&p->number);
	free(p);
}

void kvmd_subject_parse(struct kvmd_subject *out,
			struct kvmd_subject_parser *p, const char *subject)
{
	size_t len = strlen(subject), s, e;

	memset(out, 0, sizeof(*out));
	out->version = 1;
	out->number = out->total = -1;

	if (kvmd_pattern_match(&p->reply, subject, len, 0) > 0) {
		out->kind = KVMD_KIND_REPLY;
		return;
	}
	if (kvmd_pattern_match(&p->tag, subject, len, 0) <= 0)
		return;
	kvmd_pattern_group(&p->tag, 1, &s, &e);
	if (kvmd_pattern_match(&p->patch, subject + s, e - s, 0) <= 0)
		return;

	out->kind = KVMD_KIND_PATCH;
	out->tag_end = kvmd_pattern_group(&p->tag, 0, NULL, NULL);
	if (kvmd_pattern_match(&p->version, subject + s, e - s, 0) > 0)
		out->version = kvmd_pattern_int(&p->version, subject + s, 1);
	if (kvmd_pattern_match(&p->number, subject + s, e - s, 0) > 0) {
		out->number = kvmd_pattern_int(&p->number, subject + s, 1);
		out->total = kvmd_pattern_int(&p->number, subject + s, 2);
	}
}

int kvmd_subject_is_new_patch(const struct kvmd_subject *s)
{
	return s->kind == KVMD_KIND_PATCH && s->number <= 1;
}

const char *kvmd_kind_name(enum kvmd_kind kind)
{
	switch (kind) {
	case KVMD_KIND_REPLY:
		return "reply";
	case KVMD_KIND_PATCH:
		return "patch";
	default:
		return "other";
	}
}
