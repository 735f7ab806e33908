#ifndef KVMD_LINK_H
#define KVMD_LINK_H

#include <stddef.h>

struct kvmd_buf;

/*
 * A message's address in the archive's web view, as lore.kernel.org and
 * every public-inbox serve it: `<base><message-id>/`, where the base is
 * the inbox's URL ending in `/` ("https://lore.kernel.org/kvm/") and the
 * Message-ID (without its angle brackets) is percent-encoded as
 * public-inbox's mid_escape() writes it.  Layer 2: strings in, text
 * appended to a kvmd_buf the caller owns.
 */

/*
 * Appends `id` percent-encoded: every byte but the letters, digits and
 * `-._~!$&'()*+,;=:@` (RFC 3986's path characters, `/` left out) as
 * `%XX` in upper case, so that `/` is `%2F`, `%` is `%25`, and a space,
 * control character or non-ASCII byte is never written raw.
 */
void kvmd_link_escape_id(struct kvmd_buf *out, const char *id);

/*
 * Appends the link of message `id` under `base`: `base`, the escaped id
 * and `/`.  Appends nothing and returns 0 when `base` or `id` is NULL or
 * empty; 1 when it appended the link.
 */
int kvmd_link_add(struct kvmd_buf *out, const char *base, const char *id);

/*
 * The base of the links from the URL of the remote an archive was
 * fetched from: an http or https URL with its user information, query
 * and fragment left out, its trailing `/` and `.git` removed, then the
 * epoch (a last path component of digits, public-inbox's v2 layout:
 * `.../kvm/1`, `.../kvm/git/1.git`) and a `git` component before it,
 * and a `/` added: `https://lore.kernel.org/kvm/1` and
 * `https://lore.kernel.org/kvm/1.git` give `https://lore.kernel.org/kvm/`,
 * as does `https://lore.kernel.org/kvm`.  A local path, a file://, ssh
 * or git:// URL, or a URL holding a space or control character gives
 * none.  Returns 1 with the base appended to `out`, else 0 (nothing
 * appended).
 */
int kvmd_link_base_from_url(struct kvmd_buf *out, const char *url);

/*
 * A base as kvmdigest.linkBase gives it: used as written, with a `/`
 * added when it does not end in one.  Returns 0 with the base appended
 * to `out`, or -1 with the reason in `err` when it is empty or holds a
 * space or control character (a link must be one word on its line).
 */
int kvmd_link_base_from_config(struct kvmd_buf *out, const char *value,
			       struct kvmd_buf *err);

#endif
