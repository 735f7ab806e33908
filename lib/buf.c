#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char kvmd_buf_empty[1];

static void (*oom_handler)(size_t size);

void kvmd_set_oom_handler(void (*handler)(size_t size))
{
	oom_handler = handler;
}

static void die_oom(size_t size)
{
	if (oom_handler)
		oom_handler(size);
	abort();
}

void *kvmd_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *kvmd_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *kvmd_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *kvmd_xmemdupz(const void *data, size_t len)
{
	char *p = kvmd_xmalloc(len + 1);
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

char *kvmd_xstrdup(const char *s)
{
	return kvmd_xmemdupz(s, strlen(s));
}

void kvmd_buf_init(struct kvmd_buf *buf)
{
	buf->ptr = kvmd_buf_empty;
	buf->len = buf->alloc = 0;
}

void kvmd_buf_release(struct kvmd_buf *buf)
{
	if (buf->alloc)
		free(buf->ptr);
	kvmd_buf_init(buf);
}

char *kvmd_buf_detach(struct kvmd_buf *buf, size_t *len)
{
	char *p;

	if (!buf->alloc)
		kvmd_buf_grow(buf, 0);
	p = buf->ptr;
	if (len)
		*len = buf->len;
	kvmd_buf_init(buf);
	return p;
}

void kvmd_buf_grow(struct kvmd_buf *buf, size_t extra)
{
	size_t want = buf->len + extra + 1;

	if (want < buf->len)
		die_oom(SIZE_MAX);
	if (want <= buf->alloc)
		return;
	if (!buf->alloc)
		buf->ptr = NULL;
	buf->alloc = buf->alloc * 3 / 2 > want ? buf->alloc * 3 / 2 : want + 64;
	buf->ptr = kvmd_xrealloc(buf->ptr, buf->alloc);
	buf->ptr[buf->len] = '\0';
}

void kvmd_buf_reset(struct kvmd_buf *buf)
{
	kvmd_buf_truncate(buf, 0);
}

void kvmd_buf_truncate(struct kvmd_buf *buf, size_t len)
{
	if (len > buf->len)
		return;
	buf->len = len;
	if (buf->alloc)
		buf->ptr[len] = '\0';
}

void kvmd_buf_add(struct kvmd_buf *buf, const void *data, size_t len)
{
	if (!len)
		return;
	kvmd_buf_grow(buf, len);
	memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
}

void kvmd_buf_adds(struct kvmd_buf *buf, const char *s)
{
	kvmd_buf_add(buf, s, strlen(s));
}

void kvmd_buf_addch(struct kvmd_buf *buf, int c)
{
	kvmd_buf_grow(buf, 1);
	buf->ptr[buf->len++] = (char)c;
	buf->ptr[buf->len] = '\0';
}

void kvmd_buf_addchars(struct kvmd_buf *buf, int c, size_t n)
{
	kvmd_buf_grow(buf, n);
	memset(buf->ptr + buf->len, c, n);
	buf->len += n;
	buf->ptr[buf->len] = '\0';
}

void kvmd_buf_vaddf(struct kvmd_buf *buf, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	kvmd_buf_grow(buf, 64);
	va_copy(cp, ap);
	n = vsnprintf(buf->ptr + buf->len, buf->alloc - buf->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= buf->alloc - buf->len) {
		kvmd_buf_grow(buf, (size_t)n);
		n = vsnprintf(buf->ptr + buf->len, buf->alloc - buf->len, fmt, ap);
	}
	buf->len += (size_t)n;
}

void kvmd_buf_addf(struct kvmd_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvmd_buf_vaddf(buf, fmt, ap);
	va_end(ap);
}

int kvmd_buf_read_file(struct kvmd_buf *buf, const char *path)
{
	char chunk[8192];
	FILE *f = fopen(path, "rb");
	size_t n;
	int ret = 0;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kvmd_buf_add(buf, chunk, n);
	if (ferror(f))
		ret = -1;
	fclose(f);
	return ret;
}
