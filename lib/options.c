#include "options.h"
#include "usage.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_value(const struct kvmd_option *o, const char *arg, const char *shown)
{
	char *end;
	long v;

	switch (o->type) {
	case KVMD_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case KVMD_OPT_INT:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < 0 || v > INT_MAX)
			return kvmd_error("option `%s' expects a non-negative number", shown);
		*(int *)o->value = (int)v;
		return 0;
	default:
		return -1;
	}
}

static const struct kvmd_option *find_long(const struct kvmd_option *opts,
					    const char *name, size_t len)
{
	for (; opts->type != KVMD_OPT_END; opts++)
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
	return NULL;
}

static int parse_long(int *i, int argc, const char **argv, const struct kvmd_option *opts)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct kvmd_option *o = find_long(opts, arg, len);
	int negated = 0;

	if (!o && len > 3 && !strncmp(arg, "no-", 3)) {
		o = find_long(opts, arg + 3, len - 3);
		if (o && o->type != KVMD_OPT_BOOL)
			o = NULL;
		negated = 1;
	}
	if (!o)
		return kvmd_error("unknown option `%.*s'", (int)len, arg);
	if (o->type == KVMD_OPT_BOOL) {
		if (eq)
			return kvmd_error("option `%s' takes no value", o->long_name);
		*(int *)o->value = !negated;
		return 0;
	}
	if (eq)
		return set_value(o, eq + 1, o->long_name);
	if (*i + 1 >= argc)
		return kvmd_error("option `%s' requires a value", o->long_name);
	return set_value(o, argv[++*i], o->long_name);
}

static int parse_short(int *i, int argc, const char **argv, const struct kvmd_option *opts)
{
	const char *p;

	for (p = argv[*i] + 1; *p; p++) {
		const struct kvmd_option *o;
		char shown[2] = { *p, 0 };

		if (*p == 'h')
			return KVMD_PARSE_HELP;
		for (o = opts; o->type != KVMD_OPT_END; o++)
			if (o->short_name == *p)
				break;
		if (o->type == KVMD_OPT_END)
			return kvmd_error("unknown switch `%c'", *p);
		if (o->type == KVMD_OPT_BOOL) {
			*(int *)o->value = 1;
			continue;
		}
		if (p[1])
			return set_value(o, p + 1, shown);
		if (*i + 1 >= argc)
			return kvmd_error("switch `%c' requires a value", *p);
		return set_value(o, argv[++*i], shown);
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
			pos += fprintf(out, "--%s", opts->long_name);
		if (opts->argh)
			pos += fprintf(out, opts->long_name ? "=%s" : " %s", opts->argh);
		if (pos <= 25)
			fprintf(out, "%*s%s\n", 26 - pos, "", opts->help);
		else
			fprintf(out, "\n%*s%s\n", 26, "", opts->help);
	}
	fputc('\n', out);
}
