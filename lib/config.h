#ifndef KVMD_CONFIG_H
#define KVMD_CONFIG_H

#include <git2.h>
#include <stddef.h>

struct kvmd_buf;

/*
 * Configuration as git hands it to a subcommand: the repository's
 * configuration files (through libgit2) overridden by `git -c key=value`,
 * which git passes in the environment (GIT_CONFIG_PARAMETERS, and
 * GIT_CONFIG_COUNT/GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>) and libgit2
 * does not read.
 */
struct kvmd_config;

/* Opens a snapshot of `repo`'s configuration; NULL `repo` gives just the overrides. */
struct kvmd_config *kvmd_config_open(git_repository *repo);
void kvmd_config_free(struct kvmd_config *cfg);

/* The last value of `key`, or NULL; borrowed from `cfg`. */
const char *kvmd_config_get(struct kvmd_config *cfg, const char *key);

/*
 * An integer value: 1 with `*out` set, 0 when `key` is unset, -1 with a
 * message in `err` when the value is not a number (git's k/m/g suffixes
 * are accepted).
 */
int kvmd_config_get_int(int *out, struct kvmd_config *cfg, const char *key,
			struct kvmd_buf *err);

/*
 * A boolean as git reads one: true/yes/on, false/no/off, a number (0 is
 * false), empty (false) or no `=` at all (true), case ignored.  1 with
 * `*out` set, 0 when `key` is unset (or `cfg` is NULL), -1 with a message
 * in `err` (which may be NULL).
 */
int kvmd_config_get_bool(int *out, struct kvmd_config *cfg, const char *key,
			 struct kvmd_buf *err);

/* The same for a byte count (core.deltaBaseCacheLimit): not negative. */
int kvmd_config_get_size(size_t *out, struct kvmd_config *cfg, const char *key,
			 struct kvmd_buf *err);

/*
 * Every value of a multi-valued `key`, files first, then overrides, as a
 * NULL-terminated array.  The array and its strings belong to `cfg`:
 * valid until the next kvmd_config_get_all() on it or kvmd_config_free().
 * Not for several threads at once (the other getters only read).
 */
const char **kvmd_config_get_all(struct kvmd_config *cfg, const char *key);

#endif
