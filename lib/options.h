#ifndef KVMD_OPTIONS_H
#define KVMD_OPTIONS_H

#include <stddef.h>

/*
 * A small table-driven option parser in the manner of git's
 * parse-options: `--name=value`, `--name value`, `-x value`, `--no-name`
 * for booleans, `--` to end options, and usage text generated from the
 * same table, so the help cannot drift from what is accepted.
 *
 * Long names may be abbreviated to any unique prefix, as parse-options
 * allows (`--std` for `--stdout`, `--no-prog` for `--no-progress`); an
 * exact name always wins over a longer one it is a prefix of, and a
 * prefix that several options share is an error naming two of them.
 * Abbreviations are for people: scripts should spell options out, since
 * a new option can make a prefix ambiguous.
 */
enum kvmd_option_type {
	KVMD_OPT_END = 0,
	KVMD_OPT_BOOL,    /* int *: 1 for --name, 0 for --no-name */
	KVMD_OPT_STRING,  /* const char **: borrowed from argv */
	KVMD_OPT_INT,     /* int *: a non-negative decimal number */
	KVMD_OPT_SET_INT, /* int *: set to `defval`; no --no- form */
	KVMD_OPT_STRING_LIST, /* struct kvmd_string_list *: each use adds one */
};

/*
 * The values of a repeatable option, in the order given: the strings are
 * borrowed from argv, the array is the caller's to free().
 */
struct kvmd_string_list {
	const char **v;
	size_t nr, alloc;
};

struct kvmd_option {
	enum kvmd_option_type type;
	int short_name;         /* 0 for none */
	const char *long_name;  /* NULL for none */
	void *value;
	const char *argh;       /* "<n>" for the usage text; NULL for booleans */
	const char *help;
	int defval;             /* what KVMD_OPT_SET_INT stores */
};

#define KVMD_OPT_BOOL_(s, l, v, h) \
	{ .type = KVMD_OPT_BOOL, .short_name = (s), .long_name = (l), .value = (v), .help = (h) }
#define KVMD_OPT_STRING_(s, l, v, a, h) \
	{ .type = KVMD_OPT_STRING, .short_name = (s), .long_name = (l), .value = (v), \
	  .argh = (a), .help = (h) }
#define KVMD_OPT_INT_(s, l, v, a, h) \
	{ .type = KVMD_OPT_INT, .short_name = (s), .long_name = (l), .value = (v), \
	  .argh = (a), .help = (h) }
#define KVMD_OPT_SET_INT_(s, l, v, i, h) \
	{ .type = KVMD_OPT_SET_INT, .short_name = (s), .long_name = (l), .value = (v), \
	  .help = (h), .defval = (i) }
#define KVMD_OPT_STRING_LIST_(s, l, v, a, h) \
	{ .type = KVMD_OPT_STRING_LIST, .short_name = (s), .long_name = (l), .value = (v), \
	  .argh = (a), .help = (h) }
#define KVMD_OPT_END_() { .type = KVMD_OPT_END }

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
 * table to `to_stderr ? stderr : stdout`.  A boolean shows as
 * `--[no-]name`, as newer git's -h does, so that its negation is seen.
 */
void kvmd_usage_with_options(const char *const *usage, const struct kvmd_option *opts,
			     int to_stderr);

#endif
