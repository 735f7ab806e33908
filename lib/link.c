#include "link.h"
#include "buf.h"

#include <string.h>
#include <strings.h>

/* RFC 3986's pchar without `/` and `%`: what public-inbox's MID_ESC keeps. */
static int id_char_kept(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~!$&'()*+,;=:@", c));
}

void kvmd_link_escape_id(struct kvmd_buf *out, const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)id; *p; p++) {
		if (id_char_kept(*p)) {
			kvmd_buf_addch(out, *p);
		} else {
			kvmd_buf_addch(out, '%');
			kvmd_buf_addch(out, hex[*p >> 4]);
			kvmd_buf_addch(out, hex[*p & 15]);
		}
	}
}

int kvmd_link_add(struct kvmd_buf *out, const char *base, const char *id)
{
	if (!base || !*base || !id || !*id)
		return 0;
	kvmd_buf_adds(out, base);
	kvmd_link_escape_id(out, id);
	kvmd_buf_addch(out, '/');
	return 1;
}

/* A space or control character: a word on a line cannot hold one. */
static int has_blank(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	return 0;
}

static int all_digits(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return len > 0;
}

/* The length of `path[0..len)` without its last component (and the `/` before it). */
static size_t drop_last(const char *path, size_t len)
{
	while (len && path[len - 1] != '/')
		len--;
	return len ? len - 1 : 0;
}

int kvmd_link_base_from_url(struct kvmd_buf *out, const char *url)
{
	const char *scheme_end, *host, *host_end, *at, *path;
	size_t scheme_len, len, last;

	if (!url || has_blank(url))
		return 0;
	if (!strncasecmp(url, "https://", 8))
		scheme_len = 8;
	else if (!strncasecmp(url, "http://", 7))
		scheme_len = 7;
	else
		return 0;
	scheme_end = url + scheme_len;
	host_end = scheme_end + strcspn(scheme_end, "/?#");
	/* user:password@ is the user's, not the archive's: never in a note */
	at = memchr(scheme_end, '@', (size_t)(host_end - scheme_end));
	host = at ? at + 1 : scheme_end;
	if (host == host_end)
		return 0;
	path = host_end;
	len = strcspn(path, "?#");
	while (len && path[len - 1] == '/')
		len--;
	if (len >= 4 && !strncmp(path + len - 4, ".git", 4))
		len -= 4;
	last = drop_last(path, len);
	if (len > last + 1 && all_digits(path + last + 1, len - last - 1)) {
		/* an epoch: .../kvm/1, or .../kvm/git/1.git */
		len = last;
		last = drop_last(path, len);
		if (len == last + 4 && !strncmp(path + last + 1, "git", 3))
			len = last;
	}
	while (len && path[len - 1] == '/')
		len--;
	kvmd_buf_add(out, url, scheme_len);
	kvmd_buf_add(out, host, (size_t)(host_end - host));
	kvmd_buf_add(out, path, len);
	kvmd_buf_addch(out, '/');
	return 1;
}

int kvmd_link_base_from_config(struct kvmd_buf *out, const char *value,
			       struct kvmd_buf *err)
{
	size_t len = value ? strlen(value) : 0;

	if (!len) {
		kvmd_buf_adds(err, "an empty base");
		return -1;
	}
	if (has_blank(value)) {
		kvmd_buf_adds(err, "a link base cannot hold a space or control character");
		return -1;
	}
	kvmd_buf_adds(out, value);
	if (value[len - 1] != '/')
		kvmd_buf_addch(out, '/');
	return 0;
}
