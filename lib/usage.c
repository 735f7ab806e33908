#include "usage.h"
#include "buf.h"
#include "quote.h"

#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* One write per message, escaped, so concurrent runs do not interleave. */
static void report(const char *prefix, const char *fmt, va_list ap)
{
	struct kvmd_buf msg = KVMD_BUF_INIT, out = KVMD_BUF_INIT;

	kvmd_buf_vaddf(&msg, fmt, ap);
	kvmd_buf_adds(&out, prefix);
	kvmd_quote_text(&out, msg.ptr, msg.len);
	kvmd_buf_addch(&out, '\n');
	fflush(stdout);
	fwrite(out.ptr, 1, out.len, stderr);
	fflush(stderr);
	kvmd_buf_release(&msg);
	kvmd_buf_release(&out);
}

void kvmd_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap);
	va_end(ap);
	exit(128);
}

int kvmd_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap);
	va_end(ap);
	return 128;
}

int kvmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void kvmd_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

const char *kvmd_git_error(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}
