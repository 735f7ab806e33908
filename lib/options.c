#include "options.h"
#include "buf.h"
#include "usage.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an option was named on the command line, for its messages. */
struct named {
	const struct kvmd_option *opt;
	int unset;       /* --no-name */
	int is_short;
};

static int opt_error(const struct named *n, const char *reason)
{
	if (n->is_short)
		return kvmd_error("switch `%c' %s", n->opt->short_name, reason);
	return kvmd_error("option `%s%s' %s", n->unset ? "no-" : "", n->opt->long_name, reason);
}

static int set_value(const struct named *n, const char *arg)
{
	const struct kvmd_option *o = n->opt;
	char *end;
	long v;

	switch (o->type) {
	case KVMD_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case KVMD_OPT_STRING_LIST: {
		struct kvmd_string_list *list = o->value;

		KVMD_ALLOC_GROW(list->v, list->nr + 1, list->alloc);
		list->v[list->nr++] = arg;
		return 0;
	}
	case KVMD_OPT_INT:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < 0 || v > INT_MAX)
			return opt_error(n, "expects a non-negative number");
		*(int *)o->value = (int)v;
		return 0;
	default:
		return -1;
	}
}

/*
 * Sets the option named, taking its value from `eq` ("=value" after a
 * long name) or the next argument.
 */
static int get_value(const struct named *n, const char *eq, int *i, int argc,
		     const char **argv)
{
	const struct kvmd_option *o = n->opt;

	if (o->type == KVMD_OPT_BOOL || o->type == KVMD_OPT_SET_INT) {
		if (eq)
			return opt_error(n, "takes no value");
		*(int *)o->value = o->type == KVMD_OPT_BOOL ? !n->unset : o->defval;
		return 0;
	}
	if (eq)
		return set_value(n, eq + 1);
	if (*i + 1 >= argc)
		return opt_error(n, "requires a value");
	return set_value(n, argv[++*i]);
}

static int starts_with_n(const char *s, const char *prefix, size_t len)
{
	return strlen(s) >= len && !strncmp(s, prefix, len);
}

/*
 * `--name[=value]` as parse-options reads it: an exact name (or
 * `--no-name` of a boolean) wins at once; otherwise `name` may be the
 * prefix of one long name, or of one boolean's `no-name` (so `--n` and
 * `--no` are prefixes of every negation).  Two candidates are ambiguous.
 */
static int parse_long(int *i, int argc, const char **argv, const struct kvmd_option *opts)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	struct named abbrev = { NULL, 0, 0 }, ambiguous = { NULL, 0, 0 };
	const struct kvmd_option *o;

	for (o = opts; o->type != KVMD_OPT_END; o++) {
		int negatable = o->type == KVMD_OPT_BOOL;
		struct named n = { o, 0, 0 };
		size_t name_len;

		if (!o->long_name)
			continue;
		name_len = strlen(o->long_name);
		if (len == name_len && !strncmp(arg, o->long_name, len))
			return get_value(&n, eq, i, argc, argv);
		n.unset = 1;
		if (negatable && len == name_len + 3 && !strncmp(arg, "no-", 3) &&
		    !strncmp(arg + 3, o->long_name, name_len))
			return get_value(&n, eq, i, argc, argv);

		if (starts_with_n(o->long_name, arg, len))
			n.unset = 0;
		else if (!negatable ||
			 !(len <= 3 ? !strncmp("no-", arg, len) :
				      !strncmp(arg, "no-", 3) &&
				      starts_with_n(o->long_name, arg + 3, len - 3)))
			continue;
		if (abbrev.opt)
			ambiguous = abbrev;
		abbrev = n;
	}
	if (ambiguous.opt)
		return kvmd_error("ambiguous option: %s (could be --%s%s or --%s%s)", arg,
				  ambiguous.unset ? "no-" : "", ambiguous.opt->long_name,
				  abbrev.unset ? "no-" : "", abbrev.opt->long_name);
	if (abbrev.opt)
		return get_value(&abbrev, eq, i, argc, argv);
	return kvmd_error("unknown option `%.*s'", (int)len, arg);
}

static int parse_short(int *i, int argc, const char **argv, const struct kvmd_option *opts)
{
	const char *p;

	for (p = argv[*i] + 1; *p; p++) {
		const struct kvmd_option *o;
		struct named n = { NULL, 0, 1 };

		if (*p == 'h')
			return KVMD_PARSE_HELP;
		for (o = opts; o->type != KVMD_OPT_END; o++)
			if (o->short_name == *p)
				break;
		if (o->type == KVMD_OPT_END)
			return kvmd_error("unknown switch `%c'", *p);
		n.opt = o;
		if (o->type == KVMD_OPT_BOOL || o->type == KVMD_OPT_SET_INT) {
			get_value(&n, NULL, i, argc, argv);
			continue;
		}
		if (p[1])
			return set_value(&n, p + 1);
		return get_value(&n, NULL, i, argc, argv);
	}
	return 0;
}

int kvmd_parse_options(int argc, const char **argv, const struct kvmd_option *opts)
{
	int i, nr = 0, ret;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				argv[nr++] = argv[i];
			break;
		}
		if (!strcmp(arg, "--help-all") || !strcmp(arg, "-h"))
			return KVMD_PARSE_HELP;
		if (arg[0] != '-' || !arg[1]) {
			argv[nr++] = arg;
			continue;
		}
		ret = arg[1] == '-' ? parse_long(&i, argc, argv, opts)
				    : parse_short(&i, argc, argv, opts);
		if (ret < 0)
			return ret;
	}
	argv[nr] = NULL;
	return nr;
}

void kvmd_usage_with_options(const char *const *usage, const struct kvmd_option *opts,
			     int to_stderr)
{
	FILE *out = to_stderr ? stderr : stdout;
	int first = 1;

	for (; *usage; usage++, first = 0)
		fprintf(out, "%s%s\n", first ? "usage: " : "   or: ", *usage);
	fputc('\n', out);
	for (; opts->type != KVMD_OPT_END; opts++) {
		int pos = fprintf(out, "    ");

		if (opts->short_name)
			pos += fprintf(out, "-%c%s", opts->short_name,
				       opts->long_name ? ", " : "");
		if (opts->long_name)
			pos += fprintf(out, "--%s%s", opts->type == KVMD_OPT_BOOL ? "[no-]" : "",
				       opts->long_name);
		if (opts->argh)
			pos += fprintf(out, opts->long_name ? "=%s" : " %s", opts->argh);
		if (pos <= 25)
			fprintf(out, "%*s%s\n", 26 - pos, "", opts->help);
		else
			fprintf(out, "\n%*s%s\n", 26, "", opts->help);
	}
	fputc('\n', out);
}
