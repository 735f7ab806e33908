#include "ident.h"
#include "buf.h"

#include <string.h>

int kvmd_ident_needs_quotes(const char *name)
{
	/* RFC 5322 3.2.3: specials cannot stand in an unquoted phrase. */
	return strpbrk(name, "()<>[]:;@\\,.\"") != NULL;
}

void kvmd_ident_format(struct kvmd_buf *out, const char *name, const char *email)
{
	if (name && *name) {
		if (kvmd_ident_needs_quotes(name)) {
			kvmd_buf_addch(out, '"');
			for (; *name; name++) {
				if (*name == '"' || *name == '\\')
					kvmd_buf_addch(out, '\\');
				kvmd_buf_addch(out, *name);
			}
			kvmd_buf_addch(out, '"');
		} else {
			kvmd_buf_adds(out, name);
		}
		kvmd_buf_addch(out, ' ');
	}
	kvmd_buf_addf(out, "<%s>", email ? email : "");
}

void kvmd_ident_format_bare(struct kvmd_buf *out, const char *name, const char *email)
{
	if (name && *name)
		kvmd_buf_addf(out, "%s ", name);
	kvmd_buf_addf(out, "<%s>", email ? email : "");
}

static void add_lower(struct kvmd_buf *out, const char *s)
{
	for (; *s; s++)
		kvmd_buf_addch(out, (*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
}

void kvmd_ident_domain(struct kvmd_buf *out, const char *email)
{
	const char *at = strrchr(email, '@');
	add_lower(out, at ? at + 1 : email);
}

void kvmd_ident_key(struct kvmd_buf *out, const char *email)
{
	add_lower(out, email);
}
