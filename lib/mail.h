#ifndef KVMD_MAIL_H
#define KVMD_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct kvmd_buf;

/*
 * One RFC 5322 message as the digest reads it, parsed with GMime:
 * headers unfolded, RFC 2047 words decoded, the Date read by GMime's
 * date parser, the first text/plain part
 * decoded (quoted-printable, base64) and converted to UTF-8 (a part
 * labelled ASCII that holds valid UTF-8 is read as UTF-8: GMime's
 * conversion would drop its 8-bit bytes).
 *
 * Every string is malloc()ed and owned by the struct; release them all
 * with kvmd_mail_release().  NULL means the message has no such thing.
 *
 * From (header and in-body): GMime's address parser first; when it finds
 * no mailbox, or one whose address has no `@`, git mailinfo's reading
 * (`John [Company] Doe <jd@x.com>`, `John Doe jd@x.com`, `John Doe <jd
 * at x.com>` whose address is `jd at x.com`, `=?UTF-8?Q?a;b?= <x@y>`).
 * A name mailinfo would not keep (empty, over 60 bytes, holding `@`, `<`
 * or `>`) is NULL.
 *
 * Message ids (message_id, in_reply_to, refs) are the keys of threads
 * and links, read from the header's own text on both paths: unfolded,
 * never RFC 2047-decoded (`<=?UTF-8?Q?a?=@x>` is the id
 * `=?UTF-8?Q?a?=@x`), bytes that are not UTF-8 converted as GMime
 * converts 8-bit header text.  Control characters are never kept: C0
 * (tab included), DEL and C1 (U+0080..U+009F) are removed from the
 * text before the ids are read and from each id read; an id left empty
 * is none (NULL, or not in refs).  The other fields keep what they
 * decode to, controls too: the renderers escape them.
 */
struct kvmd_mail {
	char *from_name;    /* header From display name */
	char *from_email;   /* header From address (never NULL after a parse) */
	char *subject;      /* decoded subject, "" when there is none */
	char *message_id;   /* without the angle brackets */
	int64_t date;       /* the Date header, seconds since the epoch (UTC); 0 when
			       absent or unreadable */
	char *in_reply_to;
	char **refs;        /* References, oldest first */
	size_t nrefs;

	/* The contributor: the in-body From when there is one, else the header From. */
	char *author_name;
	char *author_email;

	/* The decoded text/plain body, NUL-terminated, "" when none. */
	char *body;
	size_t body_len;
	size_t body_start;  /* offset past the in-body header lines */

	/*
	 * A mail with no text/plain part: the decoded text of its first
	 * text/html part (markup and all, CRLF made LF), NUL-terminated, for
	 * the follow-up reader (followup.h); NULL for any other mail.  The
	 * digest's `body` stays "" for it.
	 */
	char *html;
	size_t html_len;

	int fast_path;      /* 1 when parsed without a whole GMimeMessage */
};

/* Call once before parsing (initialises GMime); idempotent. */
void kvmd_mail_global_init(void);

/*
 * Parses `len` bytes of `raw` into `out` (which needs no initialisation).
 * Returns 0, or -1 with the reason in `why` when the message cannot be
 * digested (e.g. it has no From address); `out` is then released.
 */
int kvmd_mail_parse(struct kvmd_mail *out, const char *raw, size_t len,
		    struct kvmd_buf *why);

/*
 * The same, always through a whole GMimeMessage.  kvmd_mail_parse() takes
 * a faster path for the common single-part UTF-8 message and falls back
 * to this for everything else; the tests use it to check that both agree.
 */
int kvmd_mail_parse_gmime(struct kvmd_mail *out, const char *raw, size_t len,
			  struct kvmd_buf *why);

void kvmd_mail_release(struct kvmd_mail *mail);

#endif
