/*
 * maintainers.c - a kernel's MAINTAINERS sections, and the area of the
 * files a commit touches
 */
#include "maintainers.h"
#include "buf.h"
#include "usage.h"

#include <fnmatch.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

struct pattern {
	char *text;        /* without a trailing '/' */
	size_t ncomp;      /* path components in text */
	size_t specificity; /* characters other than '*' and '?' */
	unsigned dir : 1;  /* it ended in '/': only what is below */
	unsigned glob : 1;
	size_t section;
};

struct section {
	char *title;
	struct pattern *excludes;
	size_t nr_excludes, alloc_excludes;
};

/*
 * The F: patterns are filed by their literal leading directories, all
 * but their last component and none from the first with a glob on
 * ("arch/x86/kvm/" under "arch/x86", "*" under ""), so that a file is
 * matched only against the patterns filed under its own directories,
 * a few dozen of the twenty thousand of a kernel.
 */
struct kvmd_maintainers {
	struct section *sections;
	size_t nr_sections, alloc_sections;
	struct pattern *patterns;
	size_t nr_patterns, alloc_patterns;
	GHashTable *by_dir;  /* char * -> GArray of size_t (indices in patterns) */
};

static int is_glob_char(char c)
{
	return c == '*' || c == '?' || c == '[';
}

static void pattern_init(struct pattern *p, const char *value, size_t len, size_t section)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	while (len > 1 && value[len - 1] == '/') {
		p->dir = 1;
		len--;
	}
	p->text = kvmd_xmemdupz(value, len);
	p->section = section;
	p->ncomp = 1;
	for (i = 0; i < len; i++) {
		if (value[i] == '/')
			p->ncomp++;
		if (is_glob_char(value[i]))
			p->glob = 1;
		else
			p->specificity++;
	}
	/* "dir/" is below dir: as specific as "dir/" itself */
	p->specificity += p->dir;
}

/* The length of the literal directories `p` is filed under. */
static size_t filed_under(const struct pattern *p)
{
	const char *s = p->text, *last = NULL, *q;

	for (q = s; *q && !is_glob_char(*q); q++)
		if (*q == '/')
			last = q;
	return last ? (size_t)(last - s) : 0;
}

static void file_pattern(struct kvmd_maintainers *m, size_t i)
{
	const struct pattern *p = &m->patterns[i];
	size_t len = filed_under(p);
	char *key = kvmd_xmemdupz(p->text, len);
	GArray *list = g_hash_table_lookup(m->by_dir, key);

	if (!list) {
		list = g_array_new(FALSE, FALSE, sizeof(size_t));
		g_hash_table_insert(m->by_dir, key, list);
	} else {
		free(key);
	}
	g_array_append_val(list, i);
}

static void free_list(gpointer p)
{
	g_array_free(p, TRUE);
}

/* "F:\tvalue": the field's letter, and its value in [*value, +*len). */
static int field(const char *line, size_t len, const char **value, size_t *vlen)
{
	size_t i = 2;

	if (len < 2 || line[0] < 'A' || line[0] > 'Z' || line[1] != ':')
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	*value = line + i;
	*vlen = len - i;
	return line[0];
}

struct kvmd_maintainers *kvmd_maintainers_parse(const char *text, size_t len)
{
	struct kvmd_maintainers *m = kvmd_xcalloc(1, sizeof(*m));
	const char *p = text, *end = text + len, *title = NULL;
	size_t title_len = 0, i;

	m->by_dir = g_hash_table_new_full(g_str_hash, g_str_equal, free, free_list);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *value;
		size_t vlen;
		int kind;

		if (n && p[n - 1] == '\r')
			n--;
		kind = field(p, n, &value, &vlen);
		if (!kind) {
			/* the last line of text before a field block is its title */
			if (n && p[0] != ' ' && p[0] != '\t') {
				title = p;
				title_len = n;
			}
		} else {
			if (title) {
				struct section *s;

				KVMD_ALLOC_GROW(m->sections, m->nr_sections + 1, m->alloc_sections);
				s = &m->sections[m->nr_sections++];
				memset(s, 0, sizeof(*s));
				s->title = kvmd_xmemdupz(title, title_len);
				title = NULL;
			}
			if (m->nr_sections && vlen && kind == 'F') {
				KVMD_ALLOC_GROW(m->patterns, m->nr_patterns + 1, m->alloc_patterns);
				pattern_init(&m->patterns[m->nr_patterns++], value, vlen,
					     m->nr_sections - 1);
			} else if (m->nr_sections && vlen && kind == 'X') {
				struct section *s = &m->sections[m->nr_sections - 1];

				KVMD_ALLOC_GROW(s->excludes, s->nr_excludes + 1, s->alloc_excludes);
				pattern_init(&s->excludes[s->nr_excludes++], value, vlen,
					     m->nr_sections - 1);
			}
		}
		p += n;
		while (p < end && *p != '\n')
			p++; /* the '\r' */
		if (p < end)
			p++;
	}
	for (i = 0; i < m->nr_patterns; i++)
		file_pattern(m, i);
	return m;
}

int kvmd_maintainers_read(struct kvmd_maintainers **out, git_repository *repo,
			  const char *rev, struct kvmd_buf *err)
{
	struct kvmd_buf spec = KVMD_BUF_INIT;
	git_object *obj = NULL;
	git_blob *blob = NULL;
	int error, ret = -1;

	*out = NULL;
	kvmd_buf_addf(&spec, "%s:MAINTAINERS", rev);
	error = git_revparse_single(&obj, repo, spec.ptr);
	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH) {
		ret = 0; /* not a kernel checkout: no areas from files */
		goto cleanup;
	}
	if (error < 0 || (error = git_object_peel((git_object **)&blob, obj, GIT_OBJECT_BLOB)) < 0) {
		kvmd_buf_addf(err, "cannot read '%s': %s", spec.ptr, kvmd_git_error());
		goto cleanup;
	}
	*out = kvmd_maintainers_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	ret = 0;

cleanup:
	git_blob_free(blob);
	git_object_free(obj);
	kvmd_buf_release(&spec);
	return ret;
}

void kvmd_maintainers_free(struct kvmd_maintainers *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nr_sections; i++) {
		for (j = 0; j < m->sections[i].nr_excludes; j++)
			free(m->sections[i].excludes[j].text);
		free(m->sections[i].excludes);
		free(m->sections[i].title);
	}
	free(m->sections);
	for (i = 0; i < m->nr_patterns; i++)
		free(m->patterns[i].text);
	free(m->patterns);
	g_hash_table_destroy(m->by_dir);
	free(m);
}

size_t kvmd_maintainers_count(const struct kvmd_maintainers *m)
{
	return m ? m->nr_sections : 0;
}

/* Whether pattern `p` matches `path`, `ncomp` components long. */
static int matches(const struct pattern *p, const char *path, size_t ncomp)
{
	const char *q = path;
	char *prefix;
	size_t k;
	int ok;

	if (!p->dir && !fnmatch(p->text, path, FNM_PATHNAME))
		return 1;
	/* below a directory: "dir/" always, "dir" (no glob) as git's pathspecs */
	if ((!p->dir && p->glob) || ncomp <= p->ncomp)
		return 0;
	for (k = 0; k < p->ncomp; k++)
		q = strchr(q, '/') + 1;
	if (!p->glob)
		return !strncmp(path, p->text, (size_t)(q - 1 - path)) &&
		       (size_t)(q - 1 - path) == strlen(p->text);
	prefix = kvmd_xmemdupz(path, (size_t)(q - 1 - path));
	ok = !fnmatch(p->text, prefix, FNM_PATHNAME);
	free(prefix);
	return ok;
}

static int excluded(const struct section *s, const char *path, size_t ncomp)
{
	size_t i;

	for (i = 0; i < s->nr_excludes; i++)
		if (matches(&s->excludes[i], path, ncomp))
			return 1;
	return 0;
}

/* Tries the patterns filed under `dir` on `path`, keeping the best in *best. */
static void try_dir(const struct kvmd_maintainers *m, const char *dir, const char *path,
		    size_t ncomp, size_t *best, size_t *best_spec)
{
	GArray *list = g_hash_table_lookup(m->by_dir, dir);
	size_t i;

	for (i = 0; list && i < list->len; i++) {
		const struct pattern *p = &m->patterns[g_array_index(list, size_t, i)];

		/* more specific, or as specific and earlier in the file */
		if (*best != (size_t)-1 &&
		    (p->specificity < *best_spec ||
		     (p->specificity == *best_spec && p->section >= *best)))
			continue;
		if (!matches(p, path, ncomp) || excluded(&m->sections[p->section], path, ncomp))
			continue;
		*best = p->section;
		*best_spec = p->specificity;
	}
}

/*
 * The section of `path` (its index, or (size_t)-1) and the specificity
 * of the pattern that gave it.
 */
static size_t file_section(const struct kvmd_maintainers *m, const char *path,
			   size_t *specificity)
{
	size_t best = (size_t)-1, best_spec = 0, ncomp = 1, j;
	char *dir = kvmd_xstrdup(path);

	for (j = 0; path[j]; j++)
		ncomp += path[j] == '/';
	/* the patterns filed under "", then under each directory of the path */
	try_dir(m, "", path, ncomp, &best, &best_spec);
	for (j = 0; path[j]; j++) {
		if (path[j] != '/')
			continue;
		dir[j] = '\0';
		try_dir(m, dir, path, ncomp, &best, &best_spec);
		dir[j] = '/';
	}
	free(dir);
	*specificity = best_spec;
	return best;
}

const char *kvmd_maintainers_file_section(const struct kvmd_maintainers *m,
					  const char *path)
{
	size_t spec, s = m ? file_section(m, path, &spec) : (size_t)-1;

	return s == (size_t)-1 ? NULL : m->sections[s].title;
}

const char *kvmd_maintainers_area(const struct kvmd_maintainers *m,
				  const char *const *paths, size_t n)
{
	struct count { size_t section, files, specificity; } *counts;
	size_t nr = 0, i, k, best = (size_t)-1;

	if (!m || !n)
		return NULL;
	counts = kvmd_xcalloc(n, sizeof(*counts));
	for (i = 0; i < n; i++) {
		size_t spec, s = file_section(m, paths[i], &spec);

		if (s == (size_t)-1)
			continue;
		for (k = 0; k < nr && counts[k].section != s; k++)
			;
		if (k == nr) {
			counts[nr].section = s;
			nr++;
		}
		counts[k].files++;
		if (spec > counts[k].specificity)
			counts[k].specificity = spec;
	}
	for (k = 0; k < nr; k++) {
		const struct count *c = &counts[k], *b = best == (size_t)-1 ? NULL : &counts[best];

		if (!b || c->files > b->files ||
		    (c->files == b->files && (c->specificity > b->specificity ||
					      (c->specificity == b->specificity &&
					       c->section < b->section))))
			best = k;
	}
	i = best == (size_t)-1 ? (size_t)-1 : counts[best].section;
	free(counts);
	return i == (size_t)-1 ? NULL : m->sections[i].title;
}
