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

static void parse_references(struct kvmd_mail *out, GMimeMessage *msg)
{
	const char *irt = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
	const char *refs = g_mime_object_get_header(GMIME_OBJECT(msg), "References");
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

	for (i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		b[o++] = text[i];
	}
	b[o] = '\0';
	out->body = b;
	out->body_len = o;
}

int kvmd_mail_parse(struct kvmd_mail *out, const char *raw, size_t len,
		    struct kvmd_buf *why)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeTextPart *text;
	struct kvmd_inbody inbody;
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
	parse_references(out, msg);

	text = first_text_plain(g_mime_message_get_mime_part(msg), 0);
	if (text) {
		char *t = g_mime_text_part_get_text(text);
		set_body(out, t);
		g_free(t);
	} else {
		set_body(out, "");
	}

	out->body_start = kvmd_body_inbody(&inbody, out->body, out->body_len);
	if (!inbody.from.len ||
	    !parse_mailbox(inbody.from.ptr, inbody.from.len,
			   &out->author_name, &out->author_email)) {
		out->author_name = dup_or_null(out->from_name);
		out->author_email = kvmd_xstrdup(out->from_email);
	}
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
