#ifndef KVMD_BUF_H
#define KVMD_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer that is always NUL-terminated, for building text.
 *
 * A zeroed struct (KVMD_BUF_INIT) is an empty buffer; `ptr` then points
 * at a static "" so it can be printed at once.  Memory comes from
 * malloc(); kvmd_buf_release() frees it, kvmd_buf_detach() hands it to
 * the caller, who frees it with free().  Allocation failure aborts: a
 * digest that cannot allocate a few kilobytes has nothing useful to do.
 */
struct kvmd_buf {
	char *ptr;
	size_t len;
	size_t alloc;
};

extern char kvmd_buf_empty[];
#define KVMD_BUF_INIT { kvmd_buf_empty, 0, 0 }

void kvmd_buf_init(struct kvmd_buf *buf);
void kvmd_buf_release(struct kvmd_buf *buf);
/* Returns the malloc()ed text (never NULL) and leaves `buf` empty. */
char *kvmd_buf_detach(struct kvmd_buf *buf, size_t *len);
void kvmd_buf_grow(struct kvmd_buf *buf, size_t extra);
void kvmd_buf_reset(struct kvmd_buf *buf);
void kvmd_buf_truncate(struct kvmd_buf *buf, size_t len);

void kvmd_buf_add(struct kvmd_buf *buf, const void *data, size_t len);
void kvmd_buf_adds(struct kvmd_buf *buf, const char *s);
void kvmd_buf_addch(struct kvmd_buf *buf, int c);
void kvmd_buf_addchars(struct kvmd_buf *buf, int c, size_t n);
void kvmd_buf_addf(struct kvmd_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kvmd_buf_vaddf(struct kvmd_buf *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Appends the whole file at `path`; 0, or -1 with errno set. */
int kvmd_buf_read_file(struct kvmd_buf *buf, const char *path);

/*
 * malloc() wrappers that do not return on failure, for the same reason:
 * they call the handler set with kvmd_set_oom_handler() (the front end's,
 * which reports and exits as git's xmalloc does), and abort() when there
 * is none or it returns.  The library itself neither prints nor exits.
 */
void kvmd_set_oom_handler(void (*handler)(size_t size));
void *kvmd_xmalloc(size_t size);
void *kvmd_xcalloc(size_t nmemb, size_t size);
void *kvmd_xrealloc(void *ptr, size_t size);
char *kvmd_xstrdup(const char *s);
char *kvmd_xmemdupz(const void *data, size_t len);

/* Grow an array `x` of `nr` used / `alloc` allocated elements to hold `want`. */
#define KVMD_ALLOC_GROW(x, want, alloc) do { \
	if ((want) > (alloc)) { \
		(alloc) = (alloc) * 3 / 2 + 16 > (want) ? (alloc) * 3 / 2 + 16 : (want); \
		(x) = kvmd_xrealloc((x), (alloc) * sizeof(*(x))); \
	} \
} while (0)

#endif
