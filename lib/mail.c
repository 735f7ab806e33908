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

/* Parses an address header value (possibly folded, RFC 2047 encoded). */
static int parse_mailbox(const char *value, size_t len, char **name, char **email)
{
	char *copy = kvmd_xmemdupz(value, len);
	InternetAddressList *list;
	int found;

	list = internet_address_list_parse(NULL, copy);
	found = first_mailbox(list, name, email);
	if (list)
		g_object_unref(list);
	free(copy);
	return found;
}

static void parse_references(struct kvmd_mail *out, const char *irt, const char *refs)
{
	GMimeReferences *list;
	int i, n;

	if (irt && (list = g_mime_references_parse(NULL, irt))) {
		if (g_mime_references_length(list) > 0)
			out->in_reply_to = kvmd_xstrdup(g_mime_references_get_message_id(list, 0));
		g_mime_references_free(list);
	}
	if (refs && (list = g_mime_references_parse(NULL, refs))) {
		n = g_mime_references_length(list);
		if (n > 0) {
			out->refs = kvmd_xcalloc((size_t)n, sizeof(*out->refs));
			for (i = 0; i < n; i++)
				out->refs[i] = kvmd_xstrdup(g_mime_references_get_message_id(list, i));
			out->nrefs = (size_t)n;
		}
		g_mime_references_free(list);
	}
}

/* The first text/plain part below `obj`, depth first; borrowed. */
static GMimeTextPart *first_text_plain(GMimeObject *obj, int depth)
{
	if (!obj || depth > 32)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int i, n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++) {
			GMimeTextPart *t = first_text_plain(g_mime_multipart_get_part(mp, i), depth + 1);
			if (t)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (!ct || g_mime_content_type_is_type(ct, "text", "plain"))
			return GMIME_TEXT_PART(obj);
	}
	return NULL;
}

/* Copies the decoded text with CRLF line ends turned into LF. */
static void set_body(struct kvmd_mail *out, const char *text)
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
	out->body = b;
	out->body_len = o;
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
	if (!first_mailbox(g_mime_message_get_from(msg), &out->from_name, &out->from_email)) {
		kvmd_buf_adds(why, "no From address");
		goto cleanup;
	}
	s = g_mime_message_get_subject(msg);
	out->subject = kvmd_xstrdup(s ? s : "");
	out->message_id = dup_or_null(g_mime_message_get_message_id(msg));
	parse_references(out, g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To"),
			 g_mime_object_get_header(GMIME_OBJECT(msg), "References"));

	text = first_text_plain(g_mime_message_get_mime_part(msg), 0);
	if (text) {
		char *t = g_mime_text_part_get_text(text);
		set_body(out, t);
		g_free(t);
	} else {
		set_body(out, "");
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
 * Message-ID, References, Content-Type and, when needed, the
 * quoted-printable or base64 body.  Anything else — multipart, another
 * charset, bytes that are not UTF-8, a header block we cannot split
 * cleanly, a duplicated header — goes to the full GMime parse above.
 * t/unit/test-mail.c checks that both paths agree on every fixture.
 */
enum fast_field { F_FROM, F_SUBJECT, F_MSGID, F_IRT, F_REFS, F_CTYPE, F_CTE, F_NR };

static const char *const fast_names[F_NR] = {
	"From", "Subject", "Message-ID", "In-Reply-To", "References",
	"Content-Type", "Content-Transfer-Encoding",
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
	       !g_ascii_strcasecmp(charset, "utf8") ||
	       !g_ascii_strcasecmp(charset, "us-ascii") ||
	       !g_ascii_strcasecmp(charset, "ascii");
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
	 * inside a line: leave those to it.  Message ids are unfolded as
	 * GMime unfolds them before it parses, so both paths see the same
	 * text (fuzz-mailpath checks the two agree).
	 */
	for (f = 0; f < F_NR; f++) {
		v[f] = NULL;
		if (!fields[f].alloc)
			continue;
		if (!g_utf8_validate(fields[f].ptr, (gssize)fields[f].len, NULL) ||
		    memchr(fields[f].ptr, '\r', fields[f].len) ||
		    memchr(fields[f].ptr, '\0', fields[f].len))
			goto cleanup;
		/* as GMime: ids unfolded first; From parsed with its folds */
		if (f == F_MSGID || f == F_IRT || f == F_REFS) {
			char *u = g_mime_utils_header_unfold(fields[f].ptr);
			kvmd_buf_reset(&fields[f]);
			kvmd_buf_adds(&fields[f], u ? u : "");
			g_free(u);
		}
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
	if (v[F_MSGID]) {
		char *id = g_mime_utils_decode_message_id(v[F_MSGID]);
		out->message_id = dup_or_null(id);
		g_free(id);
	}
	parse_references(out, v[F_IRT], v[F_REFS]);
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
	memset(mail, 0, sizeof(*mail));
}
