#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern.h"
#include "buf.h"

#include <pcre2.h>

int kvmd_pattern_compile(struct kvmd_pattern *p, const char *pattern,
			 unsigned int options, struct kvmd_buf *err)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	p->code = p->match_data = NULL;
	/* Mail is often not valid UTF-8: match bytes, never fail on them. */
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			     options, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		if (err)
			kvmd_buf_addf(err, "bad pattern '%s' at offset %zu: %s",
			      pattern, (size_t)erroff, (char *)msg);
		return -1;
	}
	/* JIT makes matching several times faster; without it we still work. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	p->code = code;
	p->match_data = pcre2_match_data_create_from_pattern(code, NULL);
	return 0;
}

void kvmd_pattern_release(struct kvmd_pattern *p)
{
	pcre2_match_data_free(p->match_data);
	pcre2_code_free(p->code);
	p->code = p->match_data = NULL;
}

int kvmd_pattern_match(struct kvmd_pattern *p, const char *subject,
		       size_t len, size_t offset)
{
	int rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, offset, 0,
			     p->match_data, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc;
}

size_t kvmd_pattern_group(const struct kvmd_pattern *p, int n,
			  size_t *start, size_t *end)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->match_data);
	size_t s = ov[2 * n], e = ov[2 * n + 1];

	if (s == PCRE2_UNSET || e == PCRE2_UNSET)
		s = e = 0;
	if (start)
		*start = s;
	if (end)
		*end = e;
	return e;
}

int kvmd_pattern_int(const struct kvmd_pattern *p, const char *subject, int n)
{
	size_t s, e;
	int v = 0;

	kvmd_pattern_group(p, n, &s, &e);
	for (; s < e && v < 100000000; s++)
		v = v * 10 + (subject[s] - '0');
	return v;
}
