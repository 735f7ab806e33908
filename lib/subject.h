#ifndef KVMD_SUBJECT_H
#define KVMD_SUBJECT_H

#include <stddef.h>

/*
 * What a mail's decoded subject says it is: a reply, a patch (with its
 * version and n/N number) or anything else.  See "Kind of message" in
 * the digest format.
 */
enum kvmd_kind {
	KVMD_KIND_OTHER = 0,
	KVMD_KIND_REPLY,
	KVMD_KIND_PATCH,
};

struct kvmd_subject {
	enum kvmd_kind kind;
	int version;    /* patches: vN, 1 when absent */
	int number;     /* patches: n of n/N, -1 when not numbered */
	int total;      /* patches: N of n/N, -1 when not numbered */
	size_t tag_end; /* patches: offset just past the leading "[...]" */
};

/*
 * The compiled (JIT) patterns and their match data.  One parser serves
 * one thread; create it once per run, not per message.
 */
struct kvmd_buf;
struct kvmd_subject_parser;

/* Returns NULL, with the reason in `err`, when PCRE2 refuses a pattern. */
struct kvmd_subject_parser *kvmd_subject_parser_new(struct kvmd_buf *err);
void kvmd_subject_parser_free(struct kvmd_subject_parser *p);

/* Classifies `subject` (UTF-8, NUL-terminated) into `out`. */
void kvmd_subject_parse(struct kvmd_subject *out,
			struct kvmd_subject_parser *p, const char *subject);

/* A new patch: a patch numbered 0 or 1, or not numbered at all. */
int kvmd_subject_is_new_patch(const struct kvmd_subject *s);

const char *kvmd_kind_name(enum kvmd_kind kind);

#endif
