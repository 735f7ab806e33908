/*
 * libFuzzer target: a raw archive blob `m` as kvmd_mail_parse() reads it,
 * then the in-body headers and the log-message cut on the decoded body,
 * as the scanner does for every message.
 */
#include "../lib/body.h"
#include "../lib/buf.h"
#include "../lib/mail.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvmd_buf why = KVMD_BUF_INIT;
	struct kvmd_mail mail;
	struct kvmd_inbody ib;
	size_t off, cut;

	if (kvmd_mail_parse(&mail, (const char *)data, size, &why) < 0) {
		/* a refused message always says why */
		assert(why.len > 0);
		kvmd_buf_release(&why);
		return 0;
	}
	assert(mail.from_email && mail.subject && mail.body && mail.author_email);
	assert(strlen(mail.body) == mail.body_len);
	assert(mail.body_start <= mail.body_len);
	assert(mail.nrefs == 0 || mail.refs);

	off = kvmd_body_inbody(&ib, mail.body, mail.body_len);
	assert(off == mail.body_start);
	cut = kvmd_body_cut(mail.body + off, mail.body_len - off);
	assert(cut <= mail.body_len - off);

	kvmd_mail_release(&mail);
	kvmd_buf_release(&why);
	return 0;
}
