#ifndef KVMD_USAGE_H
#define KVMD_USAGE_H

/*
 * Messages in git's form on stderr: "fatal: ", "error: ", "warning: ".
 * kvmd_error() returns -1 so that `return kvmd_error(...)` reads well;
 * kvmd_die() exits 128 and belongs to the front end only (the library
 * returns errors instead).  Messages start lower-case, no final period.
 */
void kvmd_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int kvmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "fatal: ..." and returns 128, for a caller that must clean up before exiting. */
int kvmd_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvmd_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last libgit2 error message, or "unknown error". */
const char *kvmd_git_error(void);

#endif
