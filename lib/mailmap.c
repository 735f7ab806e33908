#define PCRE2_CODE_UNIT_WIDTH 8
#include "mailmap.h"
#include "buf.h"
#include "pattern.h"

#include <glib.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kvmd_mailmap {
	git_mailmap *map;
	size_t entries; /* none: resolving is a no-op, skip its copies */
};

struct kvmd_mailmap *kvmd_mailmap_new(void)
{
	struct kvmd_mailmap *mm = kvmd_xcalloc(1, sizeof(*mm));

	if (git_mailmap_new(&mm->map) < 0) {
		free(mm);
		return NULL;
	}
	return mm;
}

void kvmd_mailmap_free(struct kvmd_mailmap *mm)
{
	if (!mm)
		return;
	git_mailmap_free(mm->map);
	free(mm);
}

static char *lower_dup(const char *s, size_t len)
{
	char *r = kvmd_xmemdupz(s, len), *p;

	for (p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	return r;
}

static char *trimmed_dup(const char *s, size_t start, size_t end)
{
	while (start < end && (s[start] == ' ' || s[start] == '\t'))
		start++;
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	return end > start ? kvmd_xmemdupz(s + start, end - start) : NULL;
}

int kvmd_mailmap_add_text(struct kvmd_mailmap *mm, const char *text, size_t len)
{
	/*
	 * `Proper Name <proper@email> Commit Name <commit@email>`, every part
	 * but the last address optional; `#` starts a comment.
	 */
	struct kvmd_pattern line;
	const char *p = text, *end = text + len;

	if (kvmd_pattern_compile(&line,
		"^([^<#]*)<([^>]*)>(?:([^<#]*)<([^>]*)>)?", 0, NULL) < 0)
		return -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (kvmd_pattern_match(&line, p, n, 0) > 0) {
			size_t s1, e1, s2, e2, s3, e3, s4, e4;
			char *name1, *mail1, *name2 = NULL, *mail2;

			kvmd_pattern_group(&line, 1, &s1, &e1);
			kvmd_pattern_group(&line, 2, &s2, &e2);
			kvmd_pattern_group(&line, 4, &s4, &e4);
			name1 = trimmed_dup(p, s1, e1);
			mail1 = kvmd_xmemdupz(p + s2, e2 - s2);
			if (e4) {
				kvmd_pattern_group(&line, 3, &s3, &e3);
				name2 = trimmed_dup(p, s3, e3);
				if (name2) {
					char *l = lower_dup(name2, strlen(name2));
					free(name2);
					name2 = l;
				}
				mail2 = lower_dup(p + s4, e4 - s4);
				if (!git_mailmap_add_entry(mm->map, name1, *mail1 ? mail1 : NULL,
							   name2, mail2))
					mm->entries++;
			} else {
				/* one address: it is both the proper and the matched one */
				mail2 = lower_dup(mail1, strlen(mail1));
				if (!git_mailmap_add_entry(mm->map, name1, NULL, NULL, mail2))
					mm->entries++;
			}
			free(name1);
			free(mail1);
			free(name2);
			free(mail2);
		}
		p += n + 1;
	}
	kvmd_pattern_release(&line);
	return 0;
}

void kvmd_mailmap_resolve(const struct kvmd_mailmap *mm, const char *name,
			  const char *email, const char **out_name,
			  const char **out_email)
{
	char *lname, *lemail;
	const char *rn = NULL, *re = NULL;

	*out_name = name;
	*out_email = email;
	if (!mm || !mm->entries || !email)
		return; /* most archives have no mailmap: no copies per message */
	lname = lower_dup(name ? name : "", name ? strlen(name) : 0);
	lemail = lower_dup(email, strlen(email));
	if (git_mailmap_resolve(&rn, &re, mm->map, lname, lemail) == 0) {
		/* what comes back unchanged is our lower-cased copy: keep the original */
		*out_name = rn == lname ? name : rn;
		*out_email = re == lemail ? email : re;
	}
	free(lname);
	free(lemail);
}

void kvmd_mailmap_apply(const struct kvmd_mailmap *mm, char **name, char **email)
{
	const char *rn, *re;
	char *new_name, *new_email;

	kvmd_mailmap_resolve(mm, *name, *email, &rn, &re);
	/* copy before freeing: the result may point into the arguments */
	new_name = rn && *rn ? kvmd_xstrdup(rn) : NULL;
	new_email = kvmd_xstrdup(re);
	free(*name);
	free(*email);
	*name = new_name;
	*email = new_email;
}
