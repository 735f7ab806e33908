#ifndef KVMD_PATTERN_H
#define KVMD_PATTERN_H

#include <stddef.h>

struct kvmd_buf;

/*
 * A PCRE2 pattern compiled once (JIT when the platform has it) together
 * with its match data, so matching allocates nothing.  Because the match
 * data is inside, one kvmd_pattern serves one thread at a time.
 */
struct kvmd_pattern {
	void *code;       /* pcre2_code_8 * */
	void *match_data; /* pcre2_match_data_8 * */
};

/*
 * 0 on success; -1 with PCRE2's reason in `err` (which may be NULL) when it
 * refuses the pattern.
 */
int kvmd_pattern_compile(struct kvmd_pattern *p, const char *pattern,
			 unsigned int options, struct kvmd_buf *err);
void kvmd_pattern_release(struct kvmd_pattern *p);

/*
 * Matches `len` bytes of `subject` from `offset`: >0 on a match, 0 on
 * none, <0 on a matching error (e.g. a resource limit), treated by callers
 * as no match.  The subject must outlive the group accessors below.
 */
int kvmd_pattern_match(struct kvmd_pattern *p, const char *subject,
		       size_t len, size_t offset);

/*
 * Offsets of group `n` of the last match in `*start`/`*end` (either may be
 * NULL); returns the end offset, or 0 when the group did not take part
 * (then both are 0).
 */
size_t kvmd_pattern_group(const struct kvmd_pattern *p, int n,
			  size_t *start, size_t *end);

/* Group `n` of the last match read as a decimal number (0 when unset). */
int kvmd_pattern_int(const struct kvmd_pattern *p, const char *subject, int n);

#endif
