#ifndef KVMD_OPTIONS_H
#define KVMD_OPTIONS_H

/*
 * A small table-driven option parser in the manner of git's
 * parse-options: `--name=value`, `--name value`, `-x value`, `--no-name`
 * for booleans, `--` to end options, and usage text generated from the
 * same table, so the help cannot drift from what is accepted.
 */
enum kvmd_option_type {
	KVMD_OPT_END = 0,
	KVMD_OPT_BOOL,    /* int *: 1 for --name, 0 for --no-name */
	KVMD_OPT_STRING,  /* const char **: borrowed from argv */
	KVMD_OPT_INT,     /* int *: a non-negative decimal number */
};

struct kvmd_option {
	enum kvmd_option_type type;
	int short_name;         /* 0 for none */
	const char *long_name;  /* NULL for none */
	void *value;
	const char *argh;       /* "<n>" for the usage text; NULL for booleans */
	const char *help;
};

#define KVMD_OPT_BOOL_(s, l, v, h) { KVMD_OPT_BOOL, (s), (l), (v), NULL, (h) }
#define KVMD_OPT_STRING_(s, l, v, a, h) { KVMD_OPT_STRING, (s), (l), (v), (a), (h) }
#define KVMD_OPT_INT_(s, l, v, a, h) { KVMD_OPT_INT, (s), (l), (v), (a), (h) }
#define KVMD_OPT_END_() { KVMD_OPT_END, 0, NULL, NULL, NULL, NULL }

#define KVMD_PARSE_HELP (-2)

/*
 * Parses `argv[1..argc-1]`, storing values through the table, and moves
 * the non-option arguments to the front of argv; returns their number.
 * `-h` returns KVMD_PARSE_HELP; an error prints "error: ..." and returns
 * -1 (the caller then shows usage and exits 129, as git does).
 */
int kvmd_parse_options(int argc, const char **argv, const struct kvmd_option *opts);

/*
 * Prints the usage lines (`usage` is a NULL-terminated list: the first
 * is printed after "usage: ", the others after "   or: ") and the option
 * table to `to_stderr ? stderr : stdout`.
 */
void kvmd_usage_with_options(const char *const *usage, const struct kvmd_option *opts,
			     int to_stderr);

#endif
