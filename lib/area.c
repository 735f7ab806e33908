/*
 * area.c - the area of a message, from the prefixes of its subject
 */
#include "area.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* Past "Re:", "RE :", "Aw:", "Fwd:", "Fw:" and the spaces after, if there. */
static const char *skip_reply(const char *p, const char *end)
{
	static const char *const markers[] = { "re", "aw", "fwd", "fw", NULL };
	size_t i;

	for (i = 0; markers[i]; i++) {
		size_t n = strlen(markers[i]);
		const char *q = p + n;

		if ((size_t)(end - p) < n + 1 || strncasecmp(p, markers[i], n))
			continue;
		q = skip_spaces(q, end);
		if (q < end && *q == ':')
			return skip_spaces(q + 1, end);
	}
	return NULL;
}

/* Is the word [w, w + n) one a patch tag is made of? */
static int is_tag_word(const char *w, size_t n)
{
	static const char *const words[] = { "PATCH", "RFC", "RESEND", "GIT", "PULL", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (n == strlen(words[i]) && !strncasecmp(w, words[i], n))
			return 1;
	/* v2, 1/3, 0001 */
	if (n > 1 && (w[0] == 'v' || w[0] == 'V') && w[1] >= '0' && w[1] <= '9')
		return 1;
	return w[0] >= '0' && w[0] <= '9';
}

/*
 * A summary prefix at `p`: a word of letters, digits and "_-./+"
 * followed by ":" and a space (or the end).  Returns its length up to
 * the ":" (0: none), and in *next where the text after it starts.
 */
static size_t prefix_at(const char *p, const char *end, const char **next)
{
	const char *q = p;

	while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			   (*q >= '0' && *q <= '9') || strchr("_-./+", *q)))
		q++;
	if (q == p || q >= end || *q != ':' || (q + 1 < end && !is_space(q[1])))
		return 0;
	*next = skip_spaces(q + 1, end);
	return (size_t)(q - p);
}

/* The part of a prefix before its first "/": "x86/mmu" is x86. */
static size_t first_part(const char *p, size_t n)
{
	const char *slash = memchr(p, '/', n);

	return slash ? (size_t)(slash - p) : n;
}

int kvmd_area_of_subject(struct kvmd_buf *out, const char *subject, size_t len)
{
	const char *p = subject, *end = subject + len, *q, *next;
	size_t n;

	p = skip_spaces(p, end);
	while ((q = skip_reply(p, end)))
		p = q;

	/* the tags: a project's own name, else nothing to keep */
	while (p < end && *p == '[') {
		const char *close = memchr(p, ']', end - p);
		const char *w = skip_spaces(p + 1, end);

		if (!close)
			return 0;
		for (q = w; q < close && !is_space(*q); q++)
			;
		if (q > w && !is_tag_word(w, (size_t)(q - w)) &&
		    q < close && is_space(*q)) {
			/* "[kvm-unit-tests PATCH v2]": a word before the patch words */
			kvmd_buf_add(out, w, (size_t)(q - w));
			return 1;
		}
		p = skip_spaces(close + 1, end);
	}

	if (!(n = prefix_at(p, end, &next)))
		return 0;
	n = first_part(p, n);
	if (!n)
		return 0;
	kvmd_buf_add(out, p, n);
	if (n == 3 && !strncmp(p, "KVM", 3)) {
		const char *after;
		size_t m = prefix_at(next, end, &after);

		if (m && (m = first_part(next, m))) {
			kvmd_buf_adds(out, ": ");
			kvmd_buf_add(out, next, m);
		}
	}
	return 1;
}

/* [*p, *end) without the spaces around it and a final ":". */
static void trim_name(const char **p, const char **end)
{
	*p = skip_spaces(*p, *end);
	while (*end > *p && is_space((*end)[-1]))
		(*end)--;
	if (*end > *p && (*end)[-1] == ':')
		(*end)--;
	while (*end > *p && is_space((*end)[-1]))
		(*end)--;
}

int kvmd_area_matches(const char *area, const char *name)
{
	const char *a, *a_end, *n, *n_end;

	if (!area || !name)
		return 0;
	a = area;
	a_end = area + strlen(area);
	n = name;
	n_end = name + strlen(name);
	trim_name(&a, &a_end);
	trim_name(&n, &n_end);
	return a_end - a == n_end - n && !strncasecmp(a, n, (size_t)(a_end - a));
}

int kvmd_area_subject_wanted(const char *subject, const char *const *names, size_t n)
{
	struct kvmd_buf area = KVMD_BUF_INIT;
	int has, ok = 0;
	size_t i;

	if (!names)
		return 1;
	has = subject && kvmd_area_of_subject(&area, subject, strlen(subject));
	for (i = 0; i < n && !ok; i++)
		ok = kvmd_area_matches(has ? area.ptr : NULL, names[i]);
	kvmd_buf_release(&area);
	return ok;
}
