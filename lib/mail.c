#include "mail.h"
#include "body.h"
#include "buf.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

void kvmd_mail_global_init(void)
{
	static int done;

	if (!done) {
		g_mime_init();
		done = 1;
	}
}

/* A malloc()ed copy of a GMime-owned string, NULL for NULL. */
static char *dup_or_null(const char *s)
{
	return s ? kvmd_xstrdup(s) : NULL;
}

/*
 * The first mailbox of an address list: its name and address.  Groups
 * are looked into; returns 0 when there is none.
 */
static int first_mailbox(InternetAddressList *list, char **name, char **email)
{
	int i, n = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			const char *nm = internet_address_get_name(ia);
			if (!addr || !*addr)
				continue;
			*email = kvmd_xstrdup(addr);
			*name = nm && *nm ? kvmd_xstrdup(nm) : NULL;
			return 1;
		}
		if (INTERNET_ADDRESS_IS_GROUP(ia) &&
		    first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				  name, email))
			return 1;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Appends `in` with its quoted strings unquoted and its comments kept,
 * parentheses and all, their quoted pairs unquoted (as mailinfo's
 * unquote_quoted_pair() reads a From line).  A loop with a depth, not
 * recursion: a line of 30,000 `(` must not exhaust the stack.
 */
static void unquote_from(struct kvmd_buf *out, const char *in)
{
	int quoted = 0, depth = 0;

	for (; *in; in++) {
		char c = *in;

		if ((quoted || depth) && c == '\\') {
			if (!in[1])
				break;
			kvmd_buf_addch(out, *++in);
		} else if (quoted) {
			if (c == '"')
				quoted = 0;
			else
				kvmd_buf_addch(out, c);
		} else if (c == '"' && !depth) {
			quoted = 1;
		} else {
			if (c == '(')
				depth++;
			else if (c == ')' && depth)
				depth--;
			kvmd_buf_addch(out, c);
		}
	}
}

/*
 * A name as mailinfo's get_sane_name() accepts it: not empty, at most 60
 * bytes, no `@`, `<` or `>`.  Where mailinfo then shows the address as
 * the name, we keep none, as for a From without a display name.
 */
static char *sane_name(const char *name, size_t len)
{
	if (!len || len > 60 || memchr(name, '@', len) || memchr(name, '<', len) ||
	    memchr(name, '>', len))
		return NULL;
	return kvmd_xmemdupz(name, len);
}

/* Appends `s` (`len` bytes) with blank runs squeezed to one space, trimmed. */
static void add_squeezed(struct kvmd_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!is_blank(s[i]))
			kvmd_buf_addch(out, s[i]);
		else if (out->len && out->ptr[out->len - 1] != ' ')
			kvmd_buf_addch(out, ' ');
	}
}

/*
 * git mailinfo's reading of a From value, for what GMime's address
 * parser cannot make sense of (`John [Company] Doe <jd@x.com>`,
 * `John Doe jd@x.com`, `John Doe <jd at x.com>`, an encoded word that
 * decodes to a special character).  Paraphrased from git's mailinfo.c
 * (handle_from(), parse_bogus_from()): RFC 2047 words are decoded first;
 * quoted strings unquoted, comments kept; the address is the run of
 * non-blank bytes around the first `@`, from a blank or `<` to a blank
 * or `>`; the name is what is left without the address and the byte
 * after it, its blanks squeezed, a `(...)` around it dropped.  Without
 * an `@`, `name <anything>` gives what the brackets hold.  1 when an
 * address was found.
 */
static int mailinfo_mailbox(const char *value, char **name, char **email)
{
	char *unfolded = g_mime_utils_header_unfold(value);
	char *text = g_mime_utils_header_decode_text(NULL, unfolded ? unfolded : "");
	struct kvmd_buf f = KVMD_BUF_INIT, nm = KVMD_BUF_INIT;
	char *at, *start;
	const char *s;
	size_t el, rest, n;
	int found = 0;

	*name = *email = NULL;
	if (!text)
		goto cleanup;
	unquote_from(&f, text);
	if (!(at = strchr(f.ptr, '@'))) {
		/* `John Doe <johndoe>`: read on the text before unquoting, as mailinfo */
		const char *bra = strchr(text, '<'), *ket = bra ? strchr(bra, '>') : NULL;

		if (!ket || ket == bra + 1)
			goto cleanup;
		*email = kvmd_xmemdupz(bra + 1, (size_t)(ket - bra - 1));
		kvmd_buf_add(&nm, text, (size_t)(bra - text));
		found = 1;
	} else {
		for (start = at; start > f.ptr && !is_blank(start[-1]) && start[-1] != '<'; start--)
			;
		el = strcspn(start, " \n\t\r\v\f>");
		*email = kvmd_xmemdupz(start, el);
		if (start > f.ptr && start[-1] == '<')
			start[-1] = ' ';
		add_squeezed(&nm, f.ptr, (size_t)(start - f.ptr));
		rest = (size_t)(start - f.ptr) + el + (start[el] ? 1 : 0);
		kvmd_buf_addch(&nm, ' ');
		add_squeezed(&nm, f.ptr + rest, f.len - rest);
		found = 1;
	}

	/* trimmed, and a `(...)` around it dropped (`jd@x.com (John Doe)`) */
	s = nm.ptr;
	n = nm.len;
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		s++;
		n -= 2;
	}
	*name = sane_name(s, n);

cleanup:
	kvmd_buf_release(&f);
	kvmd_buf_release(&nm);
	g_free(unfolded);
	g_free(text);
	return found;
}

/*
 * The first mailbox of `list` (an address header GMime parsed), or when
 * it has none, or one whose address has no `@` (`=?UTF-8?Q?a;b?= <x@y>`
 * gives `=?UTF-8?Q?a`), git mailinfo's reading of `raw`, the header's
 * own text; GMime's answer stands when mailinfo has none.
 */
static int read_mailbox(InternetAddressList *list, const char *raw, char **name, char **email)
{
	char *n2, *e2;
	int found = first_mailbox(list, name, email);

	if ((!found || !strchr(*email, '@')) && raw && mailinfo_mailbox(raw, &n2, &e2)) {
		if (found) {
			free(*name);
			free(*email);
		}
		*name = n2;
		*email = e2;
		found = 1;
	}
	return found;
}

/* Parses an address header value (possibly folded, RFC 2047 encoded). */
static int parse_mailbox(const char *value, size_t len, char **name, char **email)
{
	char *copy = kvmd_xmemdupz(value, len);
	InternetAddressList *list;
	int found;

	list = internet_address_list_parse(NULL, copy);
	found = read_mailbox(list, copy, name, email);
	if (list)
		g_object_unref(list);
	free(copy);
	return found;
}

/*
 * Removes from `s`, in place, the control characters: C0 (but a tab when
 * `keep_tab`: folding white space, which separates ids), DEL, and C1 as
 * UTF-8 writes it (U+0080..U+009F).  Returns `s`.
 */
static char *drop_controls(char *s, int keep_tab)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = s;

	for (; *p; p++) {
		if ((*p < 0x20 && !(keep_tab && *p == '\t')) || *p == 0x7f)
			continue;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p++;
			continue;
		}
		*o++ = (char)*p;
	}
	*o = '\0';
	return s;
}

/*
 * The text of a header that holds message ids, as both readers see it:
 * unfolded, bytes that are not UTF-8 converted as GMime converts 8-bit
 * header text, never RFC 2047-decoded, controls dropped before GMime's
 * id parser sees them (it stops at one).  g_free() it.
 */
static char *id_field_text(const char *raw)
{
	char *unfolded = g_mime_utils_header_unfold(raw), *text;

	if (!unfolded || g_utf8_validate(unfolded, -1, NULL))
		return unfolded ? drop_controls(unfolded, 1) : NULL;
	text = g_mime_utils_decode_8bit(NULL, unfolded, strlen(unfolded));
	g_free(unfolded);
	return text ? drop_controls(text, 1) : NULL;
}

/* A malloc()ed copy of an id GMime read, with no control left (tabs); NULL when empty. */
static char *clean_id(const char *id)
{
	char *out;

	if (!id)
		return NULL;
	out = drop_controls(kvmd_xstrdup(id), 0);
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}

static char *read_message_id(const char *raw)
{
	char *text = id_field_text(raw), *id, *ret;

	id = text ? g_mime_utils_decode_message_id(text) : NULL;
	ret = clean_id(id);
	g_free(id);
	g_free(text);
	return ret;
}

/* The ids in `raw` (In-Reply-To, References), cleaned, the empty ones left out; their count in *nr. */
static char **read_id_list(const char *raw, size_t *nr)
{
	char *text = raw ? id_field_text(raw) : NULL;
	GMimeReferences *list = text ? g_mime_references_parse(NULL, text) : NULL;
	char **ids = NULL;
	int i, n = list ? g_mime_references_length(list) : 0;

	*nr = 0;
	if (n > 0)
		ids = kvmd_xcalloc((size_t)n, sizeof(*ids));
	for (i = 0; i < n; i++) {
		char *id = clean_id(g_mime_references_get_message_id(list, i));
		if (id)
			ids[(*nr)++] = id;
	}
	if (list)
		g_mime_references_free(list);
	g_free(text);
	if (!*nr) {
		free(ids);
		ids = NULL;
	}
	return ids;
}

/* The ids of Message-ID, In-Reply-To and References, from their raw text. */
static void read_ids(struct kvmd_mail *out, const char *msgid, const char *irt,
		     const char *refs)
{
	char **ids;
	size_t n, i;

	if (msgid)
		out->message_id = read_message_id(msgid);
	if ((ids = read_id_list(irt, &n))) {
		out->in_reply_to = ids[0];
		for (i = 1; i < n; i++)
			free(ids[i]);
		free(ids);
	}
	out->refs = read_id_list(refs, &out->nrefs);
}

/*
 * The first text/`subtype` part below `obj`, depth first; borrowed.  A
 * text part without a Content-Type is text/plain.
 */
static GMimeTextPart *first_text_part(GMimeObject *obj, const char *subtype, int depth)
{
	if (!obj || depth > 32)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int i, n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++) {
			GMimeTextPart *t = first_text_part(g_mime_multipart_get_part(mp, i),
							   subtype, depth + 1);
			if (t)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (ct ? g_mime_content_type_is_type(ct, "text", subtype) : !strcmp(subtype, "plain"))
			return GMIME_TEXT_PART(obj);
	}
	return NULL;
}

/* A malloc()ed copy of the decoded text with CRLF line ends turned into LF; its length in *n. */
static char *copy_text(const char *text, size_t *n)
{
	size_t len = text ? strlen(text) : 0, i, o = 0;
	char *b = kvmd_xmalloc(len + 1);

	/* most bodies have no CR at all: one copy, no byte loop */
	if (!len || !memchr(text, '\r', len)) {
		memcpy(b, text ? text : "", len);
		o = len;
	} else {
		for (i = 0; i < len; i++) {
			if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
				continue;
			b[o++] = text[i];
		}
	}
	b[o] = '\0';
	*n = o;
	return b;
}

static void set_body(struct kvmd_mail *out, const char *text)
{
	out->body = copy_text(text, &out->body_len);
}

/*
 * The Date header's text (folded or not) as seconds since the epoch, by
 * GMime's date parser (RFC 5322 and the forms mailers really write); 0
 * when there is none or GMime cannot read it.  Both paths read the same
 * text with it, so they agree.
 */
static int64_t read_date(const char *raw)
{
	GDateTime *dt;
	int64_t t;

	if (!raw || !(dt = g_mime_utils_header_decode_date(raw)))
		return 0;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

/* The contributor: the in-body From when there is one, else the header From. */
static void set_author(struct kvmd_mail *out)
{
	struct kvmd_inbody inbody;

	out->body_start = kvmd_body_inbody(&inbody, out->body, out->body_len);
	if (!inbody.from.len ||
	    !parse_mailbox(inbody.from.ptr, inbody.from.len,
			   &out->author_name, &out->author_email)) {
		out->author_name = dup_or_null(out->from_name);
		out->author_email = kvmd_xstrdup(out->from_email);
	}
}

static int is_ascii_charset(const char *charset)
{
	return charset && (!g_ascii_strcasecmp(charset, "us-ascii") ||
			   !g_ascii_strcasecmp(charset, "ascii"));
}

/*
 * The text of `part`, g_free() it.  A part that says it is ASCII but
 * holds UTF-8 (mailers label "Jürgen" so) is read as UTF-8, as the fast
 * path reads it: GMime's conversion from ASCII drops every 8-bit byte.
 * Anything else is GMime's conversion to UTF-8.
 */
static char *part_text(GMimeTextPart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
	GMimeStream *mem;
	GByteArray *bytes;
	char *text = NULL;

	if (content && is_ascii_charset(g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
										  "charset"))) {
		mem = g_mime_stream_mem_new();
		if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0) {
			bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
			if (!bytes->len)
				text = g_strdup(""); /* `data` may be NULL then */
			else if (!memchr(bytes->data, '\0', bytes->len) &&
				 g_utf8_validate((const char *)bytes->data, (gssize)bytes->len, NULL))
				text = g_strndup((const char *)bytes->data, bytes->len);
		}
		g_object_unref(mem);
	}
	return text ? text : g_mime_text_part_get_text(part);
}

/* The text of `msg`'s first (or last) header named `name` as written, folds and all; borrowed. */
static const char *raw_header(GMimeMessage *msg, const char *name, int last)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	const char *found = NULL;
	int i, n = list ? g_mime_header_list_get_count(list) : 0;

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		if (!g_ascii_strcasecmp(g_mime_header_get_name(h), name)) {
			found = g_mime_header_get_raw_value(h);
			if (!last)
				break;
		}
	}
	return found;
}

int kvmd_mail_parse_gmime(struct kvmd_mail *out, const char *raw, size_t len,
			  struct kvmd_buf *why)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeTextPart *text;
	const char *s;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	kvmd_mail_global_init();

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (!msg) {
		kvmd_buf_adds(why, "not an RFC 5322 message");
		goto cleanup;
	}
	if (!read_mailbox(g_mime_message_get_from(msg), raw_header(msg, "From", 0),
			  &out->from_name, &out->from_email)) {
		kvmd_buf_adds(why, "no From address");
		goto cleanup;
	}
	s = g_mime_message_get_subject(msg);
	out->subject = kvmd_xstrdup(s ? s : "");
	/* the last Message-ID, as GMime keeps it; GMime's other getters, the first */
	read_ids(out, raw_header(msg, "Message-ID", 1), raw_header(msg, "In-Reply-To", 0),
		 raw_header(msg, "References", 0));

	out->date = read_date(raw_header(msg, "Date", 0));

	text = first_text_part(g_mime_message_get_mime_part(msg), "plain", 0);
	if (text) {
		char *t = part_text(text);
		set_body(out, t);
		g_free(t);
	} else {
		set_body(out, "");
		/* an HTML-only mail: its text for the follow-up reader, not for the digest */
		text = first_text_part(g_mime_message_get_mime_part(msg), "html", 0);
		if (text) {
			char *t = part_text(text);
			out->html = copy_text(t, &out->html_len);
			g_free(t);
		}
	}
	set_author(out);
	ret = 0;

cleanup:
	if (msg)
		g_object_unref(msg);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	if (ret < 0)
		kvmd_mail_release(out);
	return ret;
}

/*
 * The fast path.  Building a GMimeMessage costs ~75 us a message, most
 * of it GObject allocation per header, not parsing: 60% of a digest of a
 * large archive.  Nearly every list message is one text/plain part in
 * UTF-8 or ASCII, so we split the header block ourselves (splitting is
 * not decoding) and call GMime's own decoders only on what the digest
 * reads: From (address parser), Subject (unfold + RFC 2047),
 * Message-ID, References, Date, Content-Type and, when needed, the
 * quoted-printable or base64 body.  Anything else — multipart, another
 * charset, bytes that are not UTF-8, a header block we cannot split
 * cleanly, a duplicated header — goes to the full GMime parse above.
 * t/unit/test-mail.c checks that both paths agree on every fixture.
 */
enum fast_field { F_FROM, F_SUBJECT, F_MSGID, F_IRT, F_REFS, F_CTYPE, F_CTE, F_DATE, F_NR };

static const char *const fast_names[F_NR] = {
	"From", "Subject", "Message-ID", "In-Reply-To", "References",
	"Content-Type", "Content-Transfer-Encoding", "Date",
};

/*
 * 1: split into `v` (values, continuation lines joined with their line
 * breaks, as GMime keeps them before unfolding) and `*body`; 0: use the
 * full parse.  Linear in the header size, however folded.
 */
static int split_headers(struct kvmd_buf *v, const char *raw, size_t len, size_t *body)
{
	const char *p = raw, *end = raw + len;
	int cur = -2; /* the field being continued; -1 one we do not keep */

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *colon, *q;
		size_t n;

		if (!eol)
			return 0; /* no blank line: a truncated header block */
		n = (size_t)(eol - p);
		if (n && p[n - 1] == '\r')
			return 0; /* CRLF headers: GMime keeps CRs in folded values */
		if (!n) {
			*body = (size_t)(eol + 1 - raw);
			return v[F_FROM].alloc != 0;
		}
		if (*p == ' ' || *p == '\t') {
			if (cur == -2)
				return 0;
			if (cur >= 0) {
				kvmd_buf_addch(&v[cur], '\n');
				kvmd_buf_add(&v[cur], p, n);
			}
		} else {
			int f;
			colon = memchr(p, ':', n);
			if (!colon || colon == p)
				return 0;
			/* a name must be printable with no white space ("Content-Type :") */
			for (q = p; q < colon; q++)
				if (*q <= ' ' || *q >= 127)
					return 0;
			for (cur = -1, f = 0; f < F_NR; f++)
				if (strlen(fast_names[f]) == (size_t)(colon - p) &&
				    !g_ascii_strncasecmp(p, fast_names[f], (size_t)(colon - p)))
					cur = f;
			if (cur >= 0) {
				if (v[cur].alloc)
					return 0; /* which one counts is GMime's call */
				kvmd_buf_grow(&v[cur], n);
				kvmd_buf_add(&v[cur], colon + 1, n - (size_t)(colon + 1 - p));
			}
		}
		p = eol + 1;
	}
	return 0;
}

static int is_utf8_charset(const char *charset)
{
	return !charset || !g_ascii_strcasecmp(charset, "utf-8") ||
	       !g_ascii_strcasecmp(charset, "utf8") || is_ascii_charset(charset);
}

/* The body as text, decoded; NULL when the full parse must decide. */
static char *fast_body(char *const *v, const char *body, size_t len)
{
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_DEFAULT;
	char *text;

	if (v[F_CTYPE]) {
		GMimeContentType *ct = g_mime_content_type_parse(NULL, v[F_CTYPE]);
		int plain = ct && g_mime_content_type_is_type(ct, "text", "plain") &&
			    is_utf8_charset(g_mime_content_type_get_parameter(ct, "charset"));
		if (ct)
			g_object_unref(ct);
		if (!plain)
			return NULL;
	}
	if (v[F_CTE]) {
		char *cte = g_strstrip(g_strdup(v[F_CTE]));
		enc = g_mime_content_encoding_from_string(cte);
		g_free(cte);
	}
	if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_BASE64) {
		GMimeEncoding state;
		size_t n;

		g_mime_encoding_init_decode(&state, enc);
		text = kvmd_xmalloc(g_mime_encoding_outlen(&state, len) + 1);
		n = g_mime_encoding_flush(&state, body, len, text);
		text[n] = '\0';
		if (memchr(text, '\0', n)) {
			free(text);
			return NULL;
		}
	} else if (enc == GMIME_CONTENT_ENCODING_DEFAULT ||
		   enc == GMIME_CONTENT_ENCODING_7BIT ||
		   enc == GMIME_CONTENT_ENCODING_8BIT ||
		   enc == GMIME_CONTENT_ENCODING_BINARY) {
		if (memchr(body, '\0', len))
			return NULL;
		text = kvmd_xmemdupz(body, len);
	} else {
		return NULL; /* uuencode and friends */
	}
	if (!g_utf8_validate(text, -1, NULL)) {
		free(text);
		return NULL;
	}
	return text;
}

/* 1 parsed, 0 for the full parse. */
static int parse_fast(struct kvmd_mail *out, const char *raw, size_t len)
{
	struct kvmd_buf fields[F_NR];
	char *v[F_NR] = { NULL };
	char *text = NULL, *unfolded = NULL, *subject = NULL;
	size_t body = 0;
	int f, ok = 0, split;

	for (f = 0; f < F_NR; f++)
		kvmd_buf_init(&fields[f]);
	split = split_headers(fields, raw, len, &body);
	if (!split)
		goto cleanup;
	/*
	 * GMime converts header bytes that are not UTF-8, and keeps a CR
	 * inside a line: leave those to it.  The values stay folded, as
	 * GMime's raw values are: From and the ids are read from that text
	 * by the same functions on both paths (fuzz-mailpath checks that
	 * the two agree).
	 */
	for (f = 0; f < F_NR; f++) {
		v[f] = NULL;
		if (!fields[f].alloc)
			continue;
		if (!g_utf8_validate(fields[f].ptr, (gssize)fields[f].len, NULL) ||
		    memchr(fields[f].ptr, '\r', fields[f].len) ||
		    memchr(fields[f].ptr, '\0', fields[f].len))
			goto cleanup;
		v[f] = fields[f].ptr;
	}
	if (!(text = fast_body(v, raw + body, len - body)))
		goto cleanup;
	if (!parse_mailbox(v[F_FROM], strlen(v[F_FROM]), &out->from_name, &out->from_email))
		goto cleanup;

	if (v[F_SUBJECT]) {
		unfolded = g_mime_utils_header_unfold(v[F_SUBJECT]);
		subject = g_mime_utils_header_decode_text(NULL, unfolded);
	}
	out->subject = kvmd_xstrdup(subject ? subject : "");
	read_ids(out, v[F_MSGID], v[F_IRT], v[F_REFS]);
	out->date = read_date(v[F_DATE]);
	set_body(out, text);
	set_author(out);
	out->fast_path = 1;
	ok = 1;

cleanup:
	for (f = 0; f < F_NR; f++)
		kvmd_buf_release(&fields[f]);
	free(text);
	g_free(unfolded);
	g_free(subject);
	if (!ok)
		kvmd_mail_release(out);
	return ok;
}

int kvmd_mail_parse(struct kvmd_mail *out, const char *raw, size_t len,
		    struct kvmd_buf *why)
{
	memset(out, 0, sizeof(*out));
	kvmd_mail_global_init();
	if (parse_fast(out, raw, len))
		return 0;
	return kvmd_mail_parse_gmime(out, raw, len, why);
}

void kvmd_mail_release(struct kvmd_mail *mail)
{
	size_t i;

	free(mail->from_name);
	free(mail->from_email);
	free(mail->subject);
	free(mail->message_id);
	free(mail->in_reply_to);
	for (i = 0; i < mail->nrefs; i++)
		free(mail->refs[i]);
	free(mail->refs);
	free(mail->author_name);
	free(mail->author_email);
	free(mail->body);
	free(mail->html);
	memset(mail, 0, sizeof(*mail));
}
