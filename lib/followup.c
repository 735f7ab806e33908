#include "followup.h"
#include "buf.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Reading a reply as `b4 am` reads one (its find_trailers() with
 * followup set, paraphrased): a trailer is a `Key: value` line, white
 * space before it allowed, anywhere in the reply's own text; the body
 * ends at the `-- ` signature line; a value that is an identity wrapped
 * onto the next line (`Reviewed-by: Long Name` / `<addr>`) is joined; a
 * value holding a URL is not a person's; a `# note` at the end of the
 * value is dropped.  Quoted lines (`>`) are someone else's words.  We
 * keep the person trailers (`*-by`) and stop at a diff the reply
 * carries itself, whose context lines are the patch's, not the
 * reviewer's.
 */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int kvmd_followup_key(const char *key)
{
	size_t i, n = strlen(key);

	if (n < 4 || !((key[0] >= 'a' && key[0] <= 'z') || (key[0] >= 'A' && key[0] <= 'Z')))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(key[i]) && key[i] != '-')
			return 0;
	return !strcasecmp(key + n - 3, "-by");
}

/* A line of the text: [ptr, ptr + len), its line break not included. */
struct line {
	const char *ptr;
	size_t len;
};

/* The line at `*pos` of `text` (`end` its end); advances `*pos` past it.  0 at the end. */
static int next_line(struct line *l, const char *text, size_t end, size_t *pos)
{
	const char *nl;

	if (*pos >= end)
		return 0;
	l->ptr = text + *pos;
	nl = memchr(l->ptr, '\n', end - *pos);
	l->len = nl ? (size_t)(nl - l->ptr) : end - *pos;
	*pos += l->len + (nl ? 1 : 0);
	while (l->len && l->ptr[l->len - 1] == '\r')
		l->len--;
	return 1;
}

static int starts_with(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && !memcmp(l->ptr, prefix, n);
}

static int is_signature(const struct line *l)
{
	return l->len == 3 && !memcmp(l->ptr, "-- ", 3);
}

/*
 * Whether `l` starts a diff the reply carries (not quoted): `diff --git`,
 * `diff -`, `Index: `, a hunk, or `--- ` over a `+++ ` line (`next`).
 */
static int starts_diff(const struct line *l, const struct line *next)
{
	return starts_with(l, "diff -") || starts_with(l, "Index: ") ||
	       starts_with(l, "@@ -") ||
	       (starts_with(l, "--- ") && next && starts_with(next, "+++ "));
}

/* Skips white space from the front of `l`. */
static void ltrim(struct line *l)
{
	while (l->len && is_space(*l->ptr)) {
		l->ptr++;
		l->len--;
	}
}

static void rtrim(struct line *l)
{
	while (l->len && is_space(l->ptr[l->len - 1]))
		l->len--;
}

/*
 * Splits `l` as `Key: value`: the key made of letters, digits and `-`,
 * then `:`, white space and a value that is not empty.  1 when it is one.
 */
static int split_trailer(const struct line *l, struct line *key, struct line *value)
{
	size_t i = 0;

	while (i < l->len && (is_alnum(l->ptr[i]) || l->ptr[i] == '-'))
		i++;
	if (!i || i + 2 > l->len || l->ptr[i] != ':' || !is_space(l->ptr[i + 1]))
		return 0;
	key->ptr = l->ptr;
	key->len = i;
	value->ptr = l->ptr + i + 1;
	value->len = l->len - i - 1;
	ltrim(value);
	rtrim(value);
	return value->len != 0;
}

static int has_bytes(const struct line *l, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= l->len; i++)
		if (!memcmp(l->ptr + i, s, n))
			return 1;
	return 0;
}

/* A line that is only an address in angle brackets: `<addr@host>`. */
static int is_bracketed_address(const struct line *l)
{
	return l->len > 2 && l->ptr[0] == '<' && l->ptr[l->len - 1] == '>' &&
	       memchr(l->ptr, '@', l->len) && !memchr(l->ptr + 1, '<', l->len - 1);
}

/* Drops a trailing ` # note` (b4's extended information) from `v`. */
static void drop_note(struct kvmd_buf *v)
{
	char *hash = strrchr(v->ptr, '#');
	size_t cut;

	if (!hash || hash == v->ptr || !is_space(hash[-1]) || !hash[1])
		return;
	cut = (size_t)(hash - v->ptr);
	while (cut && is_space(v->ptr[cut - 1]))
		cut--;
	if (cut)
		kvmd_buf_truncate(v, cut);
}

static size_t parse_text(struct kvmd_trailers *out, struct kvmd_trailer_parser *p,
			 const char *text, size_t len)
{
	struct kvmd_buf key = KVMD_BUF_INIT, value = KVMD_BUF_INIT;
	struct line l, next, k, v;
	size_t pos = 0, peek, n = 0;
	int have = next_line(&l, text, len, &pos);

	while (have) {
		struct line t = l;
		char *name = NULL, *email = NULL;
		int joined = 0;

		peek = pos;
		have = next_line(&next, text, len, &peek);
		if (is_signature(&l) || starts_diff(&l, have ? &next : NULL))
			break;
		ltrim(&t);
		if (t.len && t.ptr[0] != '>' && split_trailer(&t, &k, &v)) {
			kvmd_buf_reset(&key);
			kvmd_buf_add(&key, k.ptr, k.len);
			kvmd_buf_reset(&value);
			kvmd_buf_add(&value, v.ptr, v.len);
			if (have && !memchr(v.ptr, '<', v.len) && !memchr(v.ptr, '@', v.len)) {
				struct line w = next;

				ltrim(&w);
				rtrim(&w);
				if (is_bracketed_address(&w)) {
					kvmd_buf_addch(&value, ' ');
					kvmd_buf_add(&value, w.ptr, w.len);
					joined = 1;
				}
			}
			drop_note(&value);
			if (kvmd_followup_key(key.ptr) &&
			    !has_bytes(&(struct line){ value.ptr, value.len }, "http://") &&
			    !has_bytes(&(struct line){ value.ptr, value.len }, "https://") &&
			    kvmd_trailer_ident(p, value.ptr, &name, &email) && strchr(email, '@')) {
				struct kvmd_trailer *tr;

				KVMD_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
				tr = &out->v[out->nr++];
				tr->key = kvmd_buf_detach(&key, NULL);
				tr->value = kvmd_buf_detach(&value, NULL);
				tr->name = name;
				tr->email = email;
				name = email = NULL;
				n++;
			}
			free(name);
			free(email);
		}
		if (joined) {
			/* the wrapped address line is used up */
			pos = peek;
			have = next_line(&next, text, len, &peek);
		}
		if (!have)
			break;
		l = next;
		pos = peek;
	}
	kvmd_buf_release(&key);
	kvmd_buf_release(&value);
	return n;
}

/*
 * HTML as text, enough to read trailers from: tags dropped, block
 * elements and <br> ending lines, white space collapsed as a browser
 * does (but in <pre>), the text of <style>, <script>, <head> and
 * <title> dropped, entities decoded (U+00A0 as a space), and the lines
 * inside <blockquote> quoted with `> ` as a plain-text mailer would.
 */
struct html {
	struct kvmd_buf out;
	size_t line;     /* where the current line starts in `out` */
	int quote;       /* <blockquote> depth */
	int pre;         /* inside <pre> */
	int line_start;  /* nothing written on the current line yet */
	int space;       /* a collapsed space is owed before the next text */
};

/* Ends the current line (a block's edge); `force`: even an empty one (<br>). */
static void html_newline(struct html *h, int force)
{
	/* `<div>-- </div>`: the signature line keeps its space */
	if (h->space && h->out.len - h->line == 2 && !memcmp(h->out.ptr + h->line, "--", 2))
		kvmd_buf_addch(&h->out, ' ');
	if (force || !h->line_start)
		kvmd_buf_addch(&h->out, '\n');
	h->line = h->out.len;
	h->line_start = 1;
	h->space = 0;
}

static void html_text(struct html *h, const char *s, size_t n)
{
	if (h->line_start) {
		/*
		 * one `> ` says quoted: a depth of them made n nested
		 * <blockquote>s over n lines n^2 bytes
		 */
		if (h->quote)
			kvmd_buf_adds(&h->out, "> ");
		h->line_start = 0;
	} else if (h->space) {
		kvmd_buf_addch(&h->out, ' ');
	}
	h->space = 0;
	kvmd_buf_add(&h->out, s, n);
}

/* HTML's names for U+00A0..U+00FF, in order (the Latin-1 entities every mailer writes). */
static const char *const latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
	"ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3",
	"acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14",
	"frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
	"AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc",
	"Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
	"aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute",
	"ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve",
	"oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
	"uuml", "yacute", "thorn", "yuml",
};

/*
 * The text the entity at `s` (after the `&`, `n` bytes left) stands for,
 * UTF-8 in `utf8` (`*olen` bytes); `*used` the entity's length.  0 when
 * it is not one we know: the `&` is then text.
 */
static int html_entity(const char *s, size_t n, char *utf8, size_t *olen, size_t *used)
{
	static const struct { const char *name; const char *text; } named[] = {
		{ "lt", "<" }, { "gt", ">" }, { "amp", "&" }, { "quot", "\"" },
		{ "apos", "'" }, { "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
		{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
		{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
		{ "hellip", "\xe2\x80\xa6" }, { "euro", "\xe2\x82\xac" },
	};
	const char *semi = memchr(s, ';', n < 12 ? n : 12);
	size_t i, len;

	if (!semi || semi == s)
		return 0;
	len = (size_t)(semi - s);
	*used = len + 1;
	if (s[0] == '#') {
		char num[12], *end;
		gunichar c;
		unsigned long v;
		int hex = len > 1 && (s[1] == 'x' || s[1] == 'X');

		if (len - 1 - (size_t)hex == 0 || len >= sizeof(num))
			return 0;
		memcpy(num, s + 1 + hex, len - 1 - (size_t)hex);
		num[len - 1 - (size_t)hex] = '\0';
		v = strtoul(num, &end, hex ? 16 : 10);
		if (*end || !v || v > 0x10ffff)
			return 0;
		c = (gunichar)v;
		if (c == 0xa0)
			c = ' ';
		if (!g_unichar_validate(c))
			return 0;
		*olen = (size_t)g_unichar_to_utf8(c, utf8);
		return 1;
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strlen(named[i].name) == len && !strncmp(s, named[i].name, len)) {
			*olen = strlen(named[i].text);
			memcpy(utf8, named[i].text, *olen);
			return 1;
		}
	}
	for (i = 0; i < 96; i++) {
		if (strlen(latin1[i]) == len && !strncmp(s, latin1[i], len)) {
			/* U+00A0 reads as a space: `Reviewed-by:&nbsp;Name` */
			*olen = i ? (size_t)g_unichar_to_utf8((gunichar)(0xa0 + i), utf8) : 1;
			if (!i)
				utf8[0] = ' ';
			return 1;
		}
	}
	return 0;
}

/* The name of the tag at `s` (after `<` and any `/`), lower-cased, in `name` (at most 15 bytes). */
static void tag_name(const char *s, size_t n, char *name)
{
	size_t i;

	for (i = 0; i < n && i < 15 && is_alnum(s[i]); i++)
		name[i] = (char)g_ascii_tolower(s[i]);
	name[i] = '\0';
}

static int is_block(const char *name)
{
	static const char *const blocks[] = {
		"p", "div", "li", "ul", "ol", "tr", "table", "pre", "h1", "h2", "h3", "h4",
		"h5", "h6", "blockquote", "hr", "dl", "dt", "dd", "section", "article",
		"header", "footer", "address", "body",
	};
	size_t i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (!strcmp(name, blocks[i]))
			return 1;
	return 0;
}

/* The end of the tag starting at `s` (`<`): the offset past its `>`, quotes in it respected. */
static size_t tag_end(const char *s, size_t n)
{
	size_t i;
	char q = 0;

	for (i = 1; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return n;
}

/* Skips to the end of `</name>` from `s`; the offset past it, or `n`. */
static size_t skip_element(const char *s, size_t n, const char *name)
{
	size_t i, nl = strlen(name);

	for (i = 0; i + 2 + nl <= n; i++)
		if (s[i] == '<' && s[i + 1] == '/' && !g_ascii_strncasecmp(s + i + 2, name, nl) &&
		    (i + 2 + nl == n || !is_alnum(s[i + 2 + nl])))
			return i + tag_end(s + i, n - i);
	return n;
}

static char *html_to_text(const char *s, size_t n, size_t *olen)
{
	struct html h = { KVMD_BUF_INIT, 0, 0, 0, 1, 0 };
	size_t i = 0;

	while (i < n) {
		char c = s[i];

		if (c == '<' && i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
			const char *end = NULL;

			if (i + 3 < n && !memcmp(s + i, "<!--", 4)) {
				end = g_strstr_len(s + i + 4, (gssize)(n - i - 4), "-->");
				i = end ? (size_t)(end - s) + 3 : n;
			} else {
				i += tag_end(s + i, n - i);
			}
		} else if (c == '<' && i + 1 < n && (is_alnum(s[i + 1]) || s[i + 1] == '/')) {
			int closing = s[i + 1] == '/';
			char name[16];
			size_t end = i + tag_end(s + i, n - i);

			tag_name(s + i + 1 + closing, n - i - 1 - (size_t)closing, name);
			if (!closing && (!strcmp(name, "style") || !strcmp(name, "script") ||
					 !strcmp(name, "head") || !strcmp(name, "title"))) {
				end += skip_element(s + end, n - end, name);
			} else if (!strcmp(name, "br")) {
				html_newline(&h, 1);
			} else if (is_block(name)) {
				html_newline(&h, 0);
				if (!strcmp(name, "blockquote"))
					h.quote += closing ? (h.quote > 0 ? -1 : 0) : 1;
				else if (!strcmp(name, "pre"))
					h.pre = !closing;
			}
			i = end;
		} else if (c == '&') {
			char utf8[8];
			size_t ol, used;

			if (html_entity(s + i + 1, n - i - 1, utf8, &ol, &used)) {
				if (ol == 1 && utf8[0] == ' ' && !h.pre)
					h.space = !h.line_start;
				else
					html_text(&h, utf8, ol);
				i += 1 + used;
			} else {
				html_text(&h, "&", 1);
				i++;
			}
		} else if (c == '\n' && h.pre) {
			html_newline(&h, 1);
			i++;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			if (!h.line_start)
				h.space = 1;
			i++;
		} else {
			size_t j = i + 1;

			while (j < n && !strchr("<& \t\n\r\f", s[j]))
				j++;
			html_text(&h, s + i, j - i);
			i = j;
		}
	}
	return kvmd_buf_detach(&h.out, olen);
}

size_t kvmd_followups_parse(struct kvmd_trailers *out, struct kvmd_trailer_parser *p,
			    const char *body, size_t len, int html)
{
	char *text;
	size_t tlen, n;

	if (!html)
		return parse_text(out, p, body, len);
	text = html_to_text(body, len, &tlen);
	n = parse_text(out, p, text, tlen);
	free(text);
	return n;
}

char *kvmd_followup_change_id(const char *body, size_t len)
{
	struct line l, v;
	size_t pos = 0, i;

	while (next_line(&l, body, len, &pos)) {
		if (is_signature(&l))
			break;
		if (l.len < 10 || strncasecmp(l.ptr, "change-id:", 10))
			continue;
		v.ptr = l.ptr + 10;
		v.len = l.len - 10;
		ltrim(&v);
		/* the id: up to white space or a control (a NUL too) */
		for (i = 0; i < v.len && (unsigned char)v.ptr[i] > ' ' && v.ptr[i] != 0x7f; i++)
			;
		if (i)
			return kvmd_xmemdupz(v.ptr, i);
	}
	return NULL;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Appends `id` (`n` bytes, percent-decoded when `decode`) to the list
 * when it looks like a Message-ID: an `@`, no control or white space,
 * angle brackets around it dropped; kept once.
 */
struct link_list {
	char ***out;
	size_t *nr;
	size_t alloc;       /* what this call allocated; the caller's array: *nr */
	GHashTable *seen;   /* what is in it, to keep each once without a scan */
};

static size_t add_link(struct link_list *ll, const char *id, size_t n, int decode)
{
	struct kvmd_buf b = KVMD_BUF_INIT;
	const char *s;
	size_t i, len;

	for (i = 0; i < n; i++) {
		int hi, lo;

		if (decode && id[i] == '%' && i + 2 < n && (hi = hex_value(id[i + 1])) >= 0 &&
		    (lo = hex_value(id[i + 2])) >= 0) {
			kvmd_buf_addch(&b, hi * 16 + lo);
			i += 2;
		} else {
			kvmd_buf_addch(&b, id[i]);
		}
	}
	s = b.ptr;
	len = b.len;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			goto cleanup;
	if (!len || !memchr(s, '@', len) || memchr(s, '\0', len))
		goto cleanup;
	{
		char *id_z = kvmd_xmemdupz(s, len);

		if (g_hash_table_contains(ll->seen, id_z)) {
			free(id_z);
			goto cleanup;
		}
		/* the caller's array is as long as it is; ours grows by half again */
		if (*ll->nr + 1 > ll->alloc) {
			ll->alloc = (*ll->nr + 16) * 3 / 2;
			*ll->out = kvmd_xrealloc(*ll->out, ll->alloc * sizeof(**ll->out));
		}
		(*ll->out)[(*ll->nr)++] = id_z;
		g_hash_table_add(ll->seen, id_z);
	}
	kvmd_buf_release(&b);
	return 1;

cleanup:
	kvmd_buf_release(&b);
	return 0;
}

/* Where a URL stops in prose: white space, quotes, brackets. */
static int url_end(char c)
{
	return (unsigned char)c <= ' ' || strchr("<>\"'`()[]{}|\\^", c) != NULL;
}

/*
 * The Message-ID in the URL at `s` (past `://`): the first path segment
 * that holds an `@` (or `%40`), as public-inbox and msgid.link write
 * them (`/<list>/<id>/`, `/r/<id>`, `/<id>`).  The offset past the URL.
 */
static size_t url_link(struct link_list *ll, size_t *added, const char *s, size_t n)
{
	size_t i = 0, seg, e;

	while (i < n && !url_end(s[i]) && s[i] != '/')
		i++;  /* the host */
	while (i < n && s[i] == '/') {
		seg = ++i;
		while (i < n && !url_end(s[i]) && s[i] != '/' && s[i] != '?' && s[i] != '#')
			i++;
		e = i;
		if (i >= n || s[i] != '/')
			/* the URL's last segment: prose punctuation after it is not the id's */
			while (e > seg && strchr(".,;:!", s[e - 1]))
				e--;
		if (memchr(s + seg, '@', e - seg) ||
		    g_strstr_len(s + seg, (gssize)(e - seg), "%40")) {
			*added += add_link(ll, s + seg, e - seg, 1);
			break;
		}
		if (i < n && (s[i] == '?' || s[i] == '#'))
			break;
	}
	while (i < n && !url_end(s[i]))
		i++;
	return i;
}

size_t kvmd_followup_links(char ***out, size_t *nr, const char *body, size_t len)
{
	struct link_list ll = { out, nr, *nr, g_hash_table_new(g_str_hash, g_str_equal) };
	struct line l;
	size_t pos = 0, added = 0, i;

	for (i = 0; i < *nr; i++)
		g_hash_table_add(ll.seen, (*out)[i]);
	while (next_line(&l, body, len, &pos)) {
		struct line t = l;

		ltrim(&t);
		/* `Link: <id>` */
		if (t.len > 5 && !strncasecmp(t.ptr, "link:", 5)) {
			for (i = 5; i < t.len; i++) {
				const char *ket;

				if (t.ptr[i] != '<')
					continue;
				ket = memchr(t.ptr + i, '>', t.len - i);
				if (!ket)
					break;
				if (!memchr(t.ptr + i, ':', (size_t)(ket - t.ptr) - i))
					added += add_link(&ll, t.ptr + i + 1,
							  (size_t)(ket - t.ptr) - i - 1, 0);
				i = (size_t)(ket - t.ptr);
			}
		}
		/* from one `:` to the next (memchr): most lines of a patch hold none */
		for (i = 0; i < l.len; ) {
			const char *sep = memchr(l.ptr + i, ':', l.len - i);
			size_t at;

			if (!sep)
				break;
			at = (size_t)(sep - l.ptr);
			i = at + 1;
			if (l.len - at < 3 || sep[1] != '/' || sep[2] != '/')
				continue;
			i = at + 3;
			if ((at >= 5 && !strncasecmp(sep - 5, "https", 5)) ||
			    (at >= 4 && !strncasecmp(sep - 4, "http", 4)))
				i += url_link(&ll, &added, sep + 3, l.len - i);
		}
	}
	g_hash_table_destroy(ll.seen);
	return added;
}

/* As b4 compares a trailer's address with its reply sender's (LoreTrailer.email_eq). */
int kvmd_followup_same_address(const char *a, const char *b)
{
	char *x = g_ascii_strdown(a, -1), *y = g_ascii_strdown(b, -1);
	char *xa, *ya, *xd, *yd, *plus;
	size_t xl, yl, xdl, ydl;
	int same = !strcmp(x, y);

	if (same || !(xa = strchr(x, '@')) || !(ya = strchr(y, '@')))
		goto cleanup;
	xd = xa + 1;
	yd = ya + 1;
	xl = (plus = memchr(x, '+', (size_t)(xa - x))) ? (size_t)(plus - x) : (size_t)(xa - x);
	yl = (plus = memchr(y, '+', (size_t)(ya - y))) ? (size_t)(plus - y) : (size_t)(ya - y);
	if (xl != yl || memcmp(x, y, xl))
		goto cleanup;
	xdl = strlen(xd);
	ydl = strlen(yd);
	if (xdl < ydl) {
		char *t = xd;
		size_t tl = xdl;

		xd = yd;
		xdl = ydl;
		yd = t;
		ydl = tl;
	}
	/* xd the longer: equal, or `<label>.` + yd with no other dot in front */
	if (xdl == ydl)
		same = !strcmp(xd, yd);
	else if (ydl && xdl > ydl + 1 && xd[xdl - ydl - 1] == '.' && !strcmp(xd + xdl - ydl, yd))
		same = memchr(xd, '.', xdl - ydl - 1) == NULL && strchr(yd, '.') != NULL;

cleanup:
	g_free(x);
	g_free(y);
	return same;
}
