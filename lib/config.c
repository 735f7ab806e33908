#include "config.h"
#include "buf.h"
#include "usage.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pair {
	char *key;
	char *value; /* NULL: a key given without "=" (boolean true) */
};

struct kvmd_config {
	git_config *snapshot;
	struct pair *v;     /* the -c overrides, in order */
	size_t nr, alloc;
	const char **all;   /* the last get_all result, owned here */
	char **owned;       /* values copied out of libgit2 for get_all */
	size_t nr_owned;
};

/*
 * Keys compare as git compares them: section and variable names ignore
 * case, a subsection (between the first and last dot) does not.
 */
static int key_equal(const char *a, const char *b)
{
	const char *a1 = strchr(a, '.'), *a2 = strrchr(a, '.');
	const char *b1 = strchr(b, '.'), *b2 = strrchr(b, '.');

	if (!a1 || !b1 || (a1 - a) != (b1 - b) || (a2 - a1) != (b2 - b1) ||
	    strncasecmp(a, b, (size_t)(a1 - a)) ||
	    strncmp(a1, b1, (size_t)(a2 - a1)))
		return 0;
	return !strcasecmp(a2, b2);
}

static void add_pair(struct kvmd_config *cfg, const char *key, size_t klen, const char *value)
{
	KVMD_ALLOC_GROW(cfg->v, cfg->nr + 1, cfg->alloc);
	cfg->v[cfg->nr].key = kvmd_xmemdupz(key, klen);
	cfg->v[cfg->nr].value = value ? kvmd_xstrdup(value) : NULL;
	cfg->nr++;
}

/* Reads one shell-quoted word ('...' with '\'' for a quote); NULL on bad quoting. */
static const char *sq_word(struct kvmd_buf *out, const char *p)
{
	kvmd_buf_reset(out);
	if (*p != '\'')
		return NULL;
	p++;
	for (;;) {
		const char *q = strchr(p, '\'');
		if (!q)
			return NULL;
		kvmd_buf_add(out, p, (size_t)(q - p));
		p = q + 1;
		if (p[0] == '\\' && p[1] == '\'' && p[2] == '\'') {
			kvmd_buf_addch(out, '\'');
			p += 3;
			continue;
		}
		return p;
	}
}

/*
 * GIT_CONFIG_PARAMETERS: "'key'='value'" (new form) or "'key=value'" (old).
 * git writes `git -c key` (no `=`, which means true) as "'key'=" with no
 * value after it, and `git -c key=` as "'key'=''": NULL and "" here.
 */
static void parse_parameters(struct kvmd_config *cfg, const char *env)
{
	struct kvmd_buf word = KVMD_BUF_INIT, value = KVMD_BUF_INIT;
	const char *p = env;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		p = sq_word(&word, p);
		if (!p)
			break;
		if (*p == '=' && p[1] != '\'') {
			add_pair(cfg, word.ptr, word.len, NULL);
			p++;
		} else if (*p == '=') {
			p = sq_word(&value, p + 1);
			if (!p)
				break;
			add_pair(cfg, word.ptr, word.len, value.ptr);
		} else {
			const char *eq = strchr(word.ptr, '=');
			if (eq)
				add_pair(cfg, word.ptr, (size_t)(eq - word.ptr), eq + 1);
			else
				add_pair(cfg, word.ptr, word.len, NULL);
		}
	}
	kvmd_buf_release(&word);
	kvmd_buf_release(&value);
}

static void parse_count(struct kvmd_config *cfg)
{
	const char *count = getenv("GIT_CONFIG_COUNT");
	long i, n = count ? strtol(count, NULL, 10) : 0;

	for (i = 0; i < n && i < 100000; i++) {
		struct kvmd_buf name = KVMD_BUF_INIT;
		const char *key, *value;

		kvmd_buf_addf(&name, "GIT_CONFIG_KEY_%ld", i);
		key = getenv(name.ptr);
		kvmd_buf_reset(&name);
		kvmd_buf_addf(&name, "GIT_CONFIG_VALUE_%ld", i);
		value = getenv(name.ptr);
		if (key && *key)
			add_pair(cfg, key, strlen(key), value ? value : "");
		kvmd_buf_release(&name);
	}
}

struct kvmd_config *kvmd_config_open(git_repository *repo)
{
	struct kvmd_config *cfg = kvmd_xcalloc(1, sizeof(*cfg));

	if (repo && git_repository_config_snapshot(&cfg->snapshot, repo) < 0)
		cfg->snapshot = NULL;
	parse_parameters(cfg, getenv("GIT_CONFIG_PARAMETERS"));
	parse_count(cfg);
	return cfg;
}

void kvmd_config_free(struct kvmd_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nr; i++) {
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	for (i = 0; i < cfg->nr_owned; i++)
		free(cfg->owned[i]);
	free(cfg->owned);
	free(cfg->all);
	git_config_free(cfg->snapshot);
	free(cfg);
}

const char *kvmd_config_get(struct kvmd_config *cfg, const char *key)
{
	const char *s;
	size_t i;

	for (i = cfg->nr; i-- > 0;)
		if (key_equal(cfg->v[i].key, key))
			return cfg->v[i].value ? cfg->v[i].value : "true";
	if (cfg->snapshot && git_config_get_string(&s, cfg->snapshot, key) == 0)
		return s;
	return NULL;
}

/* git's integer syntax: decimal with an optional k, m or g. */
static int parse_scaled(long long *out, const char *s)
{
	char *end;
	long long v, unit = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end != s && *end && !end[1]) {
		switch (*end | 0x20) {
		case 'k': unit = 1024; end++; break;
		case 'm': unit = 1024 * 1024; end++; break;
		case 'g': unit = 1024 * 1024 * 1024; end++; break;
		}
	}
	if (end == s || *end || errno || v > LLONG_MAX / unit || v < LLONG_MIN / unit)
		return -1;
	*out = v * unit;
	return 0;
}

/* `key` as a number within [min, max]: 1, 0 when unset, -1 with a message. */
static int get_number(long long *out, struct kvmd_config *cfg, const char *key,
		      long long min, unsigned long long max, struct kvmd_buf *err)
{
	const char *s = kvmd_config_get(cfg, key);

	if (!s)
		return 0;
	if (parse_scaled(out, s) < 0 || *out < min ||
	    (*out > 0 && (unsigned long long)*out > max)) {
		kvmd_buf_addf(err, "bad numeric config value '%s' for '%s'", s, key);
		return -1;
	}
	return 1;
}

int kvmd_config_get_int(int *out, struct kvmd_config *cfg, const char *key,
			struct kvmd_buf *err)
{
	long long v;
	int ret = get_number(&v, cfg, key, INT_MIN, INT_MAX, err);

	if (ret > 0)
		*out = (int)v;
	return ret;
}

static int parse_bool(const char *s)
{
	long long v;

	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
		return 1;
	if (!*s || !strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
		return 0;
	if (parse_scaled(&v, s) == 0)
		return v != 0;
	return -1;
}

int kvmd_config_get_bool(int *out, struct kvmd_config *cfg, const char *key,
			 struct kvmd_buf *err)
{
	size_t i;
	int v;

	if (!cfg)
		return 0;
	for (i = cfg->nr; i-- > 0;) {
		if (!key_equal(cfg->v[i].key, key))
			continue;
		/* `git -c key` with no `=` is true */
		v = cfg->v[i].value ? parse_bool(cfg->v[i].value) : 1;
		if (v < 0) {
			if (err)
				kvmd_buf_addf(err, "bad boolean config value '%s' for '%s'",
					      cfg->v[i].value, key);
			return -1;
		}
		*out = v;
		return 1;
	}
	if (!cfg->snapshot)
		return 0;
	/* libgit2 knows a file's `key` without `=` (true), which the string getter does not */
	switch (git_config_get_bool(&v, cfg->snapshot, key)) {
	case 0:
		*out = v;
		return 1;
	case GIT_ENOTFOUND:
		git_error_clear();
		return 0;
	default:
		if (err)
			kvmd_buf_addf(err, "bad boolean config value for '%s': %s",
				      key, kvmd_git_error());
		git_error_clear();
		return -1;
	}
}

int kvmd_config_get_size(size_t *out, struct kvmd_config *cfg, const char *key,
			 struct kvmd_buf *err)
{
	long long v;
	int ret = get_number(&v, cfg, key, 0, SIZE_MAX, err);

	if (ret > 0)
		*out = (size_t)v;
	return ret;
}

static int collect(const git_config_entry *entry, void *payload)
{
	struct kvmd_config *cfg = payload;

	cfg->owned = kvmd_xrealloc(cfg->owned, (cfg->nr_owned + 1) * sizeof(*cfg->owned));
	cfg->owned[cfg->nr_owned++] = kvmd_xstrdup(entry->value ? entry->value : "");
	return 0;
}

const char **kvmd_config_get_all(struct kvmd_config *cfg, const char *key)
{
	size_t start = cfg->nr_owned, n = 0, i;

	if (cfg->snapshot)
		git_config_get_multivar_foreach(cfg->snapshot, key, NULL, collect, cfg);
	free(cfg->all);
	cfg->all = kvmd_xcalloc(cfg->nr_owned - start + cfg->nr + 1, sizeof(*cfg->all));
	for (i = start; i < cfg->nr_owned; i++)
		cfg->all[n++] = cfg->owned[i];
	for (i = 0; i < cfg->nr; i++)
		if (key_equal(cfg->v[i].key, key) && cfg->v[i].value)
			cfg->all[n++] = cfg->v[i].value;
	return cfg->all;
}
