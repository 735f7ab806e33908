#include "body.h"

#include <string.h>
#include <strings.h>

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static int has_prefix(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* The in-body header a line starts, or NULL. */
static struct kvmd_span *inbody_field(struct kvmd_inbody *out,
				      const char *p, const char *eol,
				      size_t *namelen)
{
	static const char *const names[] = { "From:", "Subject:", "Date:" };
	struct kvmd_span *fields[3];
	size_t i;

	fields[0] = &out->from;
	fields[1] = &out->subject;
	fields[2] = &out->date;
	for (i = 0; i < 3; i++) {
		size_t n = strlen(names[i]);
		if ((size_t)(eol - p) >= n && !strncasecmp(p, names[i], n)) {
			*namelen = n;
			return fields[i];
		}
	}
	return NULL;
}

size_t kvmd_body_inbody(struct kvmd_inbody *out, const char *body, size_t len)
{
	const char *p = body, *end = body + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = line_end(p, end), *v;
		struct kvmd_span *field;
		size_t namelen;

		field = inbody_field(out, p, eol, &namelen);
		if (!field)
			break;
		v = p + namelen;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		/* folded continuation lines start with white space */
		while (eol < end && eol + 1 < end &&
		       (eol[1] == ' ' || eol[1] == '\t'))
			eol = line_end(eol + 1, end);
		field->ptr = v;
		field->len = (size_t)(eol - v);
		if (field->len && v[field->len - 1] == '\r')
			field->len--;
		p = eol < end ? eol + 1 : end;
	}
	return (size_t)(p - body);
}

size_t kvmd_body_cut(const char *body, size_t len)
{
	const char *p = body, *end = body + len;

	while (p < end) {
		const char *eol = line_end(p, end);
		size_t n = (size_t)(eol - p);

		if (has_prefix(p, eol, "diff -") || has_prefix(p, eol, "Index: ") ||
		    (n == 3 && !memcmp(p, "-- ", 3)) ||
		    (n == 4 && !memcmp(p, "-- \r", 4)))
			return (size_t)(p - body);
		p = eol < end ? eol + 1 : end;
	}
	return len;
}
