#define PCRE2_CODE_UNIT_WIDTH 8
#include "trailer.h"
#include "buf.h"
#include "pattern.h"

#include <git2.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct kvmd_trailer_parser {
	struct kvmd_pattern ident;  /* Name <email> */
	struct kvmd_pattern bare;   /* a lone address, not a URL that holds an @ */
};

struct kvmd_trailer_parser *kvmd_trailer_parser_new(struct kvmd_buf *err)
{
	struct kvmd_trailer_parser *p = kvmd_xcalloc(1, sizeof(*p));

	/* group 1: the name (maybe quoted), group 2: the address */
	if (kvmd_pattern_compile(&p->ident, "^\\s*\"?(.*?)\"?\\s*<([^<>\\s]+)>", 0, err) < 0 ||
	    kvmd_pattern_compile(&p->bare, "^\\s*<?([^<>\\s/:]+@[^<>\\s/]+?)>?(?:\\s|$)", 0, err) < 0) {
		kvmd_trailer_parser_free(p);
		return NULL;
	}
	return p;
}

void kvmd_trailer_parser_free(struct kvmd_trailer_parser *p)
{
	if (!p)
		return;
	kvmd_pattern_release(&p->ident);
	kvmd_pattern_release(&p->bare);
	free(p);
}

int kvmd_trailer_ident(struct kvmd_trailer_parser *p, const char *value,
		       char **name, char **email)
{
	size_t len = strlen(value), s, e;

	*name = *email = NULL;
	if (kvmd_pattern_match(&p->ident, value, len, 0) > 0) {
		kvmd_pattern_group(&p->ident, 1, &s, &e);
		*name = e > s ? kvmd_xmemdupz(value + s, e - s) : NULL;
		kvmd_pattern_group(&p->ident, 2, &s, &e);
		*email = kvmd_xmemdupz(value + s, e - s);
		return 1;
	}
	if (kvmd_pattern_match(&p->bare, value, len, 0) > 0) {
		kvmd_pattern_group(&p->bare, 1, &s, &e);
		*email = kvmd_xmemdupz(value + s, e - s);
		return 1;
	}
	return 0;
}

/* The trailers of `copy`, a whole log message, NUL-terminated. */
static size_t parse_message(struct kvmd_trailers *out, struct kvmd_trailer_parser *p,
			    const char *copy)
{
	git_message_trailer_array arr = { 0 };
	size_t i, n = 0;

	/* libgit2 applies git's rules: the last paragraph, before any `---` */
	if (git_message_trailers(&arr, copy) < 0)
		return 0;
	for (i = 0; i < arr.count; i++) {
		struct kvmd_trailer *t;
		char *name, *email;

		KVMD_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		t = &out->v[out->nr++];
		memset(t, 0, sizeof(*t));
		t->key = kvmd_xstrdup(arr.trailers[i].key);
		t->value = kvmd_xstrdup(arr.trailers[i].value);
		if (kvmd_trailer_ident(p, t->value, &name, &email)) {
			t->name = name;
			t->email = email;
		}
		n++;
	}
	git_message_trailer_array_free(&arr);
	return n;
}

size_t kvmd_trailers_parse(struct kvmd_trailers *out,
			   struct kvmd_trailer_parser *p,
			   const char *message, size_t len)
{
	char *copy = kvmd_xmemdupz(message, len);
	size_t n = parse_message(out, p, copy);

	free(copy);
	return n;
}

/*
 * git_message_trailers() takes the first paragraph for the title, which
 * cannot hold trailers (as git does): a mail body that is only its
 * trailer block would lose them.  A mail's subject is in its header, so
 * the body is read as `git interpret-trailers` reads "subject, blank
 * line, body".
 */
size_t kvmd_trailers_parse_body(struct kvmd_trailers *out,
				struct kvmd_trailer_parser *p,
				const char *body, size_t len)
{
	struct kvmd_buf msg = KVMD_BUF_INIT;
	size_t n;

	kvmd_buf_adds(&msg, "subject\n\n");
	kvmd_buf_add(&msg, body, len);
	n = parse_message(out, p, msg.ptr);
	kvmd_buf_release(&msg);
	return n;
}

void kvmd_trailers_release(struct kvmd_trailers *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->v[i].key);
		free(t->v[i].value);
		free(t->v[i].name);
		free(t->v[i].email);
	}
	free(t->v);
	t->v = NULL;
	t->nr = t->alloc = 0;
}

enum kvmd_trailer_kind kvmd_trailer_kind(const char *key)
{
	if (!strcasecmp(key, "Signed-off-by"))
		return KVMD_TRAILER_SIGNER;
	if (!strcasecmp(key, "Reviewed-by") || !strcasecmp(key, "Acked-by") ||
	    !strcasecmp(key, "Tested-by"))
		return KVMD_TRAILER_REVIEWER;
	return KVMD_TRAILER_OTHER;
}
