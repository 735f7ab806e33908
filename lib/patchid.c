/*
 * patchid.c - stable patch-ids of patch mails and of commits
 *
 * The hashing follows the behaviour of `git patch-id --stable` in git
 * 2.39, written from its documentation and checked against it by
 * t/t3300-patchid.sh.  A mail's diff is parsed by libgit2
 * (git_diff_from_buffer) to know that it is one; a commit's diff is
 * written as `git log -p` writes it from the pairs of the diffstat's
 * tree walk (lib/diffstat.h), with libgit2's xdiff for the hunks.
 *
 * Why not git_diff_patchid(): it equals git for text diffs, but not
 * for binary files, which git hashes by the object names on their
 * "index" line; and libgit2's own tree diff measures renames otherwise
 * than git (the "similarity index" line is hashed) and has no indent
 * heuristic by default.  The ids must be git's.
 */
#include "patchid.h"
#include "buf.h"
#include "diffstat.h"
#include "pack.h"
#include "usage.h"

#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PATCHID_RAWSZ 20
/* git keeps this much of each name on an "index" line (SHA-256 hex) */
#define INDEX_NAME_MAX 64

/* git's ctype: only these four are space, only ASCII letters alpha. */
static const unsigned char is_space[256] = { [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1 };

static int pid_isalpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(line, prefix, n);
}

static int is_hex40(const char *p, size_t len)
{
	size_t i;

	if (len < GIT_OID_HEXSZ)
		return 0;
	for (i = 0; i < GIT_OID_HEXSZ; i++)
		if (!g_ascii_isxdigit(p[i]))
			return 0;
	return 1;
}

/* The state of one patch being hashed, line by line. */
struct pid_state {
	GChecksum *ctx;		/* the current file's lines */
	/*
	 * What is still to go into ctx: a diff line is some 40 bytes, and
	 * each g_checksum_update() cost more than hashing them did.
	 */
	unsigned char pending[4096];
	size_t npending;
	unsigned char sum[PATCHID_RAWSZ];	/* the files so far, summed */
	size_t patchlen;	/* bytes hashed, spaces left out */
	long before, after;	/* lines left in the hunk; -1: in a header */
	int find_header;	/* past the message: a commit line ends the patch */
	int binary;		/* in a binary file's diff */
	char pre[INDEX_NAME_MAX + 1], post[INDEX_NAME_MAX + 1];	/* its "index" line */
	char *line;		/* scratch for a line without its spaces */
	size_t line_alloc;
};

/* Add the current file's hash to the sum, as a 20-byte little-endian number. */
static void flush_file(struct pid_state *st)
{
	unsigned char hash[PATCHID_RAWSZ];
	gsize hash_len = sizeof(hash);
	unsigned carry = 0;
	int i;

	g_checksum_update(st->ctx, st->pending, st->npending);
	st->npending = 0;
	g_checksum_get_digest(st->ctx, hash, &hash_len);
	g_checksum_reset(st->ctx);
	for (i = 0; i < PATCHID_RAWSZ; i++) {
		carry += st->sum[i] + hash[i];
		st->sum[i] = carry & 0xff;
		carry >>= 8;
	}
}

/* The digits at `p`, before `end`. */
static size_t span_digits(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && g_ascii_isdigit(p[n]))
		n++;
	return n;
}

/*
 * "@@ -a[,b] +c[,d] @@": the counts of lines before and after (1 when
 * left out).  Counts already read stay when the rest does not parse.
 */
static void scan_hunk_header(const char *line, size_t len,
			     long *before, long *after)
{
	const char *end = line + len, *q = line + 4, *r;
	size_t n = span_digits(q, end);

	if (q + n < end && q[n] == ',') {
		q += n + 1;
		*before = strtol(q, NULL, 10);
		n = span_digits(q, end);
	} else {
		*before = 1;
	}
	if (!n || q + n + 1 >= end || q[n] != ' ' || q[n + 1] != '+')
		return;
	r = q + n + 2;
	n = span_digits(r, end);
	if (r + n < end && r[n] == ',') {
		r += n + 1;
		*after = strtol(r, NULL, 10);
		n = span_digits(r, end);
	} else {
		*after = 1;
	}
}

/* Copy at most INDEX_NAME_MAX bytes of [p, end) into `dst`. */
static void copy_hex(char *dst, const char *p, const char *end)
{
	size_t n = end > p ? (size_t)(end - p) : 0;

	if (n > INDEX_NAME_MAX)
		n = INDEX_NAME_MAX;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/*
 * "index <pre>..<post>[ <mode>]": the two names, which stand for a
 * binary file's content.
 */
static void read_index_line(struct pid_state *st, const char *line, size_t len)
{
	const char *end = line + len, *dots, *sp;

	dots = g_strstr_len(line, len, "..");
	if (!dots)
		return;
	sp = memchr(dots, ' ', end - dots);
	if (!sp)
		sp = end - 1;	/* the newline, or the last byte */
	copy_hex(st->pre, line + 6, dots);
	copy_hex(st->post, dots + 2, sp);
}

static void hash_bytes(struct pid_state *st, const char *p, size_t n)
{
	st->patchlen += n;
	if (st->npending + n > sizeof(st->pending)) {
		g_checksum_update(st->ctx, st->pending, st->npending);
		st->npending = 0;
		if (n > sizeof(st->pending)) {
			g_checksum_update(st->ctx, (const guchar *)p, n);
			return;
		}
	}
	memcpy(st->pending + st->npending, p, n);
	st->npending += n;
}

/*
 * Feed one line (`len` bytes, with its "\n" if it has one).  Returns 1
 * when the patch has ended before this line, 0 to go on.
 */
static int feed_line(struct pid_state *st, const char *line, size_t len)
{
	size_t i, n;

	/* A line starting with an object name starts the next patch. */
	if (st->find_header) {
		const char *p = line;
		size_t plen = len;

		if (has_prefix(line, len, "commit ")) {
			p += 7;
			plen -= 7;
		} else if (has_prefix(line, len, "From ")) {
			p += 5;
			plen -= 5;
		}
		if (is_hex40(p, plen))
			return 1;
	}

	/* The commit message, up to the first "diff " line. */
	if (!st->patchlen && !has_prefix(line, len, "diff "))
		return 0;
	st->find_header = 1;

	if (st->before == -1) {
		if (has_prefix(line, len, "GIT binary patch") ||
		    has_prefix(line, len, "Binary files")) {
			/* a binary file is its two object names */
			st->binary = 1;
			st->before = 0;
			hash_bytes(st, st->pre, strlen(st->pre));
			hash_bytes(st, st->post, strlen(st->post));
			flush_file(st);
			return 0;
		}
		if (has_prefix(line, len, "index ")) {
			read_index_line(st, line, len);
			return 0;
		}
		if (has_prefix(line, len, "--- "))
			st->before = st->after = 1;
		else if (!len || !pid_isalpha(line[0]))
			return 1;
	}

	/* "\ No newline at end of file" */
	if (has_prefix(line, len, "\\ ") && strnlen(line, len) > 12)
		return 0;

	if (st->binary) {
		if (has_prefix(line, len, "diff ")) {
			st->binary = 0;
			st->before = -1;
		}
		return 0;
	}

	if (st->before == 0 && st->after == 0) {
		if (has_prefix(line, len, "@@ -")) {
			scan_hunk_header(line, len, &st->before, &st->after);
			return 0;
		}
		if (!has_prefix(line, len, "diff "))
			return 1;
		flush_file(st);
		st->before = st->after = -1;
	}

	if (len && (line[0] == '-' || line[0] == ' '))
		st->before--;
	if (len && (line[0] == '+' || line[0] == ' '))
		st->after--;

	/*
	 * Every byte is stored and only the others kept: no branch on the
	 * spaces, which come at no pattern a CPU could predict.
	 */
	KVMD_ALLOC_GROW(st->line, len + 1, st->line_alloc);
	for (i = n = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		st->line[n] = (char)c;
		n += !is_space[c];
	}
	/* git reads a line as a string: its hash stops at a NUL */
	hash_bytes(st, st->line, strnlen(st->line, n));
	return 0;
}

int kvmd_patchid_text(git_oid *out, const char *text, size_t len)
{
	struct pid_state st;
	const char *p = text, *end = text + len;

	memset(&st, 0, sizeof(st));
	st.ctx = g_checksum_new(G_CHECKSUM_SHA1);
	st.before = st.after = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;

		if (feed_line(&st, p, next - p))
			break;
		p = next;
	}
	flush_file(&st);
	g_checksum_free(st.ctx);
	free(st.line);

	memset(out, 0, sizeof(*out));
	if (!st.patchlen)
		return 1;
	git_oid_fromraw(out, st.sum);
	return 0;
}

/* The first line of `body` that starts with "diff ", or NULL. */
static const char *find_diff(const char *body, size_t len)
{
	const char *p = body, *end = body + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (has_prefix(p, end - p, "diff "))
			return p;
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/*
 * The switch back to the library: KVMD_PATCHID_LIBGIT2 set (to anything
 * but "" or "0") has libgit2 parse every mail's diff (without it, only
 * those diff_is_plain() does not vouch for), and a commit's id, when no
 * stat is wanted, made by libgit2 alone, git_diff_tree_to_tree() with
 * renames found by git_diff_find_similar() and git_diff_patchid().  That
 * id equals git's for text changes; for binary files (libgit2 hashes no
 * "index" line) and inexact renames (libgit2 measures the similarity
 * otherwise) it does not, which is why it is not the default.
 */
static int use_libgit2(void)
{
	const char *v = getenv("KVMD_PATCHID_LIBGIT2");

	return v && *v && strcmp(v, "0");
}

/* ---- a mail's diff, checked ------------------------------------------ */

/* A cursor over the lines of a text. */
struct lines {
	const char *p, *end;
	const char *line;	/* the current line, with its "\n" */
	size_t len;
};

/* Moves to the next line: 1, or 0 at the end (or on a last line without "\n"). */
static int next_line(struct lines *l)
{
	const char *nl;

	if (l->p >= l->end || !(nl = memchr(l->p, '\n', l->end - l->p)))
		return 0;
	l->line = l->p;
	l->len = (size_t)(nl + 1 - l->p);
	l->p = nl + 1;
	return 1;
}

/* `n` (4 to 40) hex digits at `*p`, moved past them. */
static int skip_hex(const char **p, const char *end)
{
	const char *q = *p;

	while (q < end && q - *p <= GIT_OID_HEXSZ && g_ascii_isxdigit(*q))
		q++;
	if (q - *p < 4 || q - *p > GIT_OID_HEXSZ)
		return 0;
	*p = q;
	return 1;
}

/* Six octal digits and the end of the line at `p`. */
static int is_mode_eol(const char *p, const char *end)
{
	int i;

	for (i = 0; i < 6; i++)
		if (p + i >= end || p[i] < '0' || p[i] > '7')
			return 0;
	return p + 6 + 1 == end && p[6] == '\n';
}

/*
 * A path as `git diff` writes one that needs no quoting: what libgit2
 * reads back as it is (no space, tab, quote or backslash, no "//", no
 * CR), `n` bytes at `p`.
 */
static int is_plain_path(const char *p, size_t n)
{
	size_t i;

	if (n < 3)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '"' || p[i] == '\\' ||
		    p[i] == '\r' || p[i] == '\n' || (p[i] == '/' && i && p[i - 1] == '/'))
			return 0;
	return 1;
}

/*
 * A file's "---" or "+++" line (`marker`): "<side>/<path>" (`plen`
 * bytes of `path`), or "/dev/null" for the side a new or deleted file
 * lacks (`null`).
 */
static int is_file_line(const struct lines *l, const char *marker, char side, int null,
			const char *path, size_t plen)
{
	if (l->len < 4 || memcmp(l->line, marker, 4))
		return 0;
	if (null)
		return l->len == 14 && !memcmp(l->line + 4, "/dev/null\n", 10);
	return l->len == plen + 7 && l->line[4] == side && l->line[5] == '/' &&
		!memcmp(l->line + 6, path, plen);
}

/* "@@ -a[,b] +c[,d] @@..." with plain numbers: the counts, 1 when left out. */
static int plain_hunk_header(const struct lines *l, long *before, long *after)
{
	const char *p = l->line + 4, *end = l->line + l->len;
	long *count[2] = { before, after };
	int side;

	/* libgit2 keeps a header in 128 bytes */
	if (l->len > 127 || !has_prefix(l->line, l->len, "@@ -"))
		return 0;
	for (side = 0; side < 2; side++) {
		size_t n = span_digits(p, end);

		if (!n || n > 9)
			return 0;
		p += n;
		*count[side] = 1;
		if (p < end && *p == ',') {
			n = span_digits(++p, end);
			if (!n || n > 9)
				return 0;
			*count[side] = strtol(p, NULL, 10);
			p += n;
		}
		if (!side) {
			if (end - p < 2 || p[0] != ' ' || p[1] != '+')
				return 0;
			p += 2;
		}
	}
	return end - p >= 3 && !memcmp(p, " @@", 3) && (*before || *after);
}

/*
 * Whether the diff at `text` is one every libgit2 reads: files of text
 * changes, each "diff --git a/<path> b/<path>" (the same plain path),
 * an optional "new file mode" or "deleted file mode", an optional
 * "index" line, "---" and "+++" lines that agree with them, and hunks
 * whose lines add up to their header's counts, then nothing that looks
 * like a diff.  Conservative: 0 says only "ask libgit2" (renames, mode
 * changes, binary files, quoted paths, a blank context line, a damaged
 * hunk), and kvmd_patchid_mail() does.  t3300 checks that both give the
 * same answer on mails damaged in every way it makes.
 */
static int diff_is_plain(const char *text, size_t len)
{
	struct lines l = { .p = text, .end = text + len };
	int more = next_line(&l), files = 0;

	while (more && has_prefix(l.line, l.len, "diff --git ")) {
		const char *a = l.line + 11, *eol = l.line + l.len - 1, *sp;
		size_t plen;
		int added = 0, deleted = 0, hunks = 0;

		/* "a/<path> b/<path>" */
		sp = memchr(a, ' ', eol - a);
		if (!sp || (size_t)(eol - sp - 1) != (size_t)(sp - a) ||
		    a[0] != 'a' || sp[1] != 'b' || a[1] != '/' || sp[2] != '/' ||
		    memcmp(a + 1, sp + 2, sp - a - 1) || !is_plain_path(a, sp - a))
			return 0;
		plen = (size_t)(sp - a) - 2; /* the path without "a/" */

		if (!next_line(&l))
			return 0;
		if (has_prefix(l.line, l.len, "new file mode ") ||
		    has_prefix(l.line, l.len, "deleted file mode ")) {
			added = l.line[0] == 'n';
			deleted = !added;
			if (!is_mode_eol(l.line + (added ? 14 : 18), l.line + l.len) ||
			    !next_line(&l))
				return 0;
		}
		if (has_prefix(l.line, l.len, "index ")) {
			const char *p = l.line + 6, *end = l.line + l.len;

			if (!skip_hex(&p, end) || end - p < 2 || p[0] != '.' || p[1] != '.')
				return 0;
			p += 2;
			if (!skip_hex(&p, end))
				return 0;
			if (!(end - p == 1 && *p == '\n') &&
			    !(*p == ' ' && is_mode_eol(p + 1, end)))
				return 0;
			if (!next_line(&l))
				return 0;
		}
		if (!is_file_line(&l, "--- ", 'a', added, a + 2, plen) || !next_line(&l) ||
		    !is_file_line(&l, "+++ ", 'b', deleted, a + 2, plen))
			return 0;

		more = next_line(&l);
		while (more && has_prefix(l.line, l.len, "@@ -")) {
			long before, after;

			if (!plain_hunk_header(&l, &before, &after))
				return 0;
			while (before > 0 || after > 0) {
				if (!next_line(&l))
					return 0;
				switch (l.line[0]) {
				case ' ':
					before--;
					after--;
					break;
				case '-':
					before--;
					break;
				case '+':
					after--;
					break;
				case '\\':
					if (!before)
						break;
					return 0;
				default: /* a blank line, a new header: libgit2 decides */
					return 0;
				}
				if (before < 0 || after < 0 || l.len < 2)
					return 0;
			}
			more = next_line(&l);
			if (more && has_prefix(l.line, l.len, "\\ "))
				more = next_line(&l);
			hunks++;
		}
		if (!hunks)
			return 0;
		files++;
	}
	if (!files)
		return 0;
	/* what follows the diff: nothing libgit2 would read as more of it */
	for (; more; more = next_line(&l))
		if (has_prefix(l.line, l.len, "diff ") || has_prefix(l.line, l.len, "@@ "))
			return 0;
	/* and a last line without its newline */
	return !(has_prefix(l.p, l.end - l.p, "diff ") || has_prefix(l.p, l.end - l.p, "@@ "));
}

int kvmd_patchid_mail(git_oid *out, const char *body, size_t len,
		      struct kvmd_buf *err)
{
	git_diff *diff = NULL;
	struct kvmd_buf lf = KVMD_BUF_INIT;
	const char *start;
	size_t len_diff;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!(start = find_diff(body, len)))
		return 1;

	/*
	 * libgit2 says whether the diff is one: git patch-id would hash
	 * whatever follows a "diff " line.  Its parser takes a binary
	 * patch in LF only, so a mail in CRLF is read without the CRs.
	 */
	len_diff = len - (start - body);
	if (memchr(start, '\r', len_diff)) {
		const char *p, *end = start + len_diff;

		for (p = start; p < end; p++)
			if (*p != '\r' || p + 1 == end || p[1] != '\n')
				kvmd_buf_addch(&lf, *p);
		start = lf.ptr;
		len_diff = lf.len;
	}
	if ((use_libgit2() || !diff_is_plain(start, len_diff)) &&
	    git_diff_from_buffer(&diff, start, len_diff) < 0) {
		const git_error *e = git_error_last();

		kvmd_buf_addf(err, "cannot parse the diff: %s",
			      e && e->message ? e->message : "unknown error");
		ret = -1;
		goto cleanup;
	}
	ret = kvmd_patchid_text(out, body, len);

cleanup:
	kvmd_buf_release(&lf);
	git_diff_free(diff);
	return ret;
}

/* ---- a commit's diff, as `git log -p` shows it ---------------------- */

/* The escapes of git's C-style quoting, for the bytes that have one. */
static const char *quote_escape(unsigned char c)
{
	switch (c) {
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\v': return "\\v";
	case '\f': return "\\f";
	case '\r': return "\\r";
	case '"': return "\\\"";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

static int needs_quote(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

/*
 * `prefix` and `path` as git writes a name in a diff header: as they
 * are, or in double quotes with C escapes when a byte needs one
 * (core.quotePath's default).
 */
static void add_name(struct kvmd_buf *out, const char *prefix, const char *path)
{
	const unsigned char *p;
	int quote = 0;

	for (p = (const unsigned char *)path; *p; p++)
		if (needs_quote(*p))
			quote = 1;
	if (!quote) {
		kvmd_buf_adds(out, prefix);
		kvmd_buf_adds(out, path);
		return;
	}
	kvmd_buf_addch(out, '"');
	kvmd_buf_adds(out, prefix);
	for (p = (const unsigned char *)path; *p; p++) {
		const char *esc = quote_escape(*p);

		if (esc)
			kvmd_buf_adds(out, esc);
		else if (needs_quote(*p))
			kvmd_buf_addf(out, "\\%03o", *p);
		else
			kvmd_buf_addch(out, *p);
	}
	kvmd_buf_addch(out, '"');
}

/* What the diff of one file writes into, and how. */
struct pid_gen {
	struct kvmd_buf *text;
	git_diff_options opts;
	git_repository *repo;
	int abbrev;		/* git's automatic length; 0 until needed */
	const char *old_path, *new_path;	/* NULL: /dev/null */
	int hunks;
	kvmd_diffstat_file_cb also;	/* the caller's, first; may be NULL */
	void *also_payload;
};

/*
 * The length git gives an abbreviated object name by default
 * (core.abbrev unset): half the bits of the number of objects in the
 * packs, rounded up, in hex digits, at least 7.
 */
static int auto_abbrev(git_repository *repo)
{
	struct kvmd_packs *packs = kvmd_packs_open(repo, 0);
	size_t count = kvmd_packs_objects(packs);
	int bits = 0, len;

	kvmd_packs_free(packs);
	while (count) {
		bits++;
		count >>= 1;
	}
	len = (bits + 1) / 2;
	return len < 7 ? 7 : len;
}

/*
 * `id` as the "index" line of `git log -p` names it: git's automatic
 * length, longer while another object shares the prefix.
 */
static void add_abbrev(struct pid_gen *gen, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_odb *odb = NULL;
	git_oid full;
	int len;

	if (!gen->abbrev)
		gen->abbrev = auto_abbrev(gen->repo);
	len = gen->abbrev;
	if (!git_oid_is_zero(id) && git_repository_odb(&odb, gen->repo) == 0) {
		while (len < GIT_OID_HEXSZ &&
		       git_odb_exists_prefix(&full, odb, id, len) == GIT_EAMBIGUOUS)
			len++;
		git_odb_free(odb);
	}
	git_error_clear();
	git_oid_tostr(hex, sizeof(hex), id);
	kvmd_buf_add(gen->text, hex, len);
}

static int gen_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk,
		    void *payload)
{
	struct pid_gen *gen = payload;

	(void)delta;
	if (!gen->hunks++) {
		kvmd_buf_adds(gen->text, "--- ");
		if (gen->old_path)
			add_name(gen->text, "a/", gen->old_path);
		else
			kvmd_buf_adds(gen->text, "/dev/null");
		kvmd_buf_adds(gen->text, "\n+++ ");
		if (gen->new_path)
			add_name(gen->text, "b/", gen->new_path);
		else
			kvmd_buf_adds(gen->text, "/dev/null");
		kvmd_buf_addch(gen->text, '\n');
	}
	kvmd_buf_add(gen->text, hunk->header, hunk->header_len);
	if (!hunk->header_len || hunk->header[hunk->header_len - 1] != '\n')
		kvmd_buf_addch(gen->text, '\n');
	return 0;
}

static int gen_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
		    const git_diff_line *line, void *payload)
{
	struct pid_gen *gen = payload;

	(void)delta;
	(void)hunk;
	switch (line->origin) {
	case GIT_DIFF_LINE_CONTEXT:
	case GIT_DIFF_LINE_ADDITION:
	case GIT_DIFF_LINE_DELETION:
		kvmd_buf_addch(gen->text, line->origin);
		kvmd_buf_add(gen->text, line->content, line->content_len);
		if (!line->content_len || line->content[line->content_len - 1] != '\n')
			kvmd_buf_addch(gen->text, '\n');
		break;
	case GIT_DIFF_LINE_CONTEXT_EOFNL:
	case GIT_DIFF_LINE_ADD_EOFNL:
	case GIT_DIFF_LINE_DEL_EOFNL:
		kvmd_buf_adds(gen->text, "\\ No newline at end of file\n");
		break;
	}
	return 0;
}

/*
 * One section of `git log -p` for a file: "diff --git", the mode and
 * rename lines, "index", then the hunks or the binary line.  `old` or
 * `new` 0 for a side not there (an 'A' or 'D' section).
 */
static int gen_section(struct pid_gen *gen, const struct kvmd_diffstat_file *f,
		       int old, int new)
{
	struct kvmd_buf *t = gen->text;
	unsigned old_mode = old ? f->old_mode : 0, new_mode = new ? f->new_mode : 0;
	git_oid zero;
	char a[8], b[8];

	memset(&zero, 0, sizeof(zero));

	kvmd_buf_adds(t, "diff --git ");
	add_name(t, "a/", f->old_path);
	kvmd_buf_addch(t, ' ');
	add_name(t, "b/", f->new_path);
	kvmd_buf_addch(t, '\n');
	if (!old_mode) {
		kvmd_buf_addf(t, "new file mode %06o\n", new_mode);
	} else if (!new_mode) {
		kvmd_buf_addf(t, "deleted file mode %06o\n", old_mode);
	} else if (old_mode != new_mode) {
		kvmd_buf_addf(t, "old mode %06o\nnew mode %06o\n", old_mode, new_mode);
	}
	if (f->status == 'R') {
		kvmd_buf_addf(t, "similarity index %d%%\n", f->similarity);
		kvmd_buf_adds(t, "rename from ");
		add_name(t, "", f->old_path);
		kvmd_buf_adds(t, "\nrename to ");
		add_name(t, "", f->new_path);
		kvmd_buf_addch(t, '\n');
	}
	if (f->same && old_mode && new_mode)
		return 0;	/* a pure rename or mode change */

	/*
	 * Only a binary file's names are hashed, so only they are
	 * abbreviated as git does: that looks at the object database.
	 */
	kvmd_buf_adds(t, "index ");
	if (f->binary) {
		add_abbrev(gen, old_mode ? f->old_id : &zero);
		kvmd_buf_adds(t, "..");
		add_abbrev(gen, new_mode ? f->new_id : &zero);
	} else {
		git_oid_tostr(a, sizeof(a), old_mode ? f->old_id : &zero);
		git_oid_tostr(b, sizeof(b), new_mode ? f->new_id : &zero);
		kvmd_buf_addf(t, "%s..%s", a, b);
	}
	if (old_mode && old_mode == new_mode)
		kvmd_buf_addf(t, " %06o", old_mode);
	kvmd_buf_addch(t, '\n');

	if (f->binary) {
		kvmd_buf_adds(t, "Binary files ");
		if (old_mode)
			add_name(t, "a/", f->old_path);
		else
			kvmd_buf_adds(t, "/dev/null");
		kvmd_buf_adds(t, " and ");
		if (new_mode)
			add_name(t, "b/", f->new_path);
		else
			kvmd_buf_adds(t, "/dev/null");
		kvmd_buf_adds(t, " differ\n");
		return 0;
	}

	gen->old_path = old_mode ? f->old_path : NULL;
	gen->new_path = new_mode ? f->new_path : NULL;
	gen->hunks = 0;
	if ((!old || f->old_blob || !old_mode) && (!new || f->new_blob || !new_mode))
		return git_diff_blobs(old && old_mode ? f->old_blob : NULL, NULL,
				      new && new_mode ? f->new_blob : NULL, NULL,
				      &gen->opts, NULL, NULL, gen_hunk, gen_line, gen);
	return git_diff_buffers(old ? f->old_data : NULL, old ? f->old_size : 0, NULL,
				new ? f->new_data : NULL, new ? f->new_size : 0, NULL,
				&gen->opts, NULL, NULL, gen_hunk, gen_line, gen);
}

static int gen_file(const struct kvmd_diffstat_file *f, void *payload)
{
	struct pid_gen *gen = payload;
	int error;

	if (gen->also && (error = gen->also(f, gen->also_payload)) < 0)
		return error;

	/* git shows a type change as a deletion and a creation */
	if (f->status == 'T') {
		if ((error = gen_section(gen, f, 1, 0)) < 0)
			return error;
		return gen_section(gen, f, 0, 1);
	}
	return gen_section(gen, f, f->old_mode != 0, f->new_mode != 0);
}

/* The id of `c` by libgit2 alone (see use_libgit2()): 0, 1 or a libgit2 error. */
static int patchid_libgit2(git_oid *out, git_commit *c, git_tree *tree)
{
	git_repository *repo = git_commit_owner(c);
	git_commit *parent = NULL;
	git_tree *old = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_find_options find;
	int error;

	if ((error = git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION)) < 0 ||
	    (error = git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION)) < 0)
		goto cleanup;
	opts.context_lines = 3;
	opts.flags = GIT_DIFF_INDENT_HEURISTIC;
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_commit_parentcount(c) &&
	    ((error = git_commit_parent(&parent, c, 0)) < 0 ||
	     (error = git_commit_tree(&old, parent)) < 0))
		goto cleanup;
	if ((error = git_diff_tree_to_tree(&diff, repo, old, tree, &opts)) < 0 ||
	    (error = git_diff_find_similar(diff, &find)) < 0 ||
	    (error = git_diff_patchid(out, diff, NULL)) < 0)
		goto cleanup;
	error = git_oid_is_zero(out) ? 1 : 0;

cleanup:
	git_diff_free(diff);
	git_tree_free(old);
	git_commit_free(parent);
	return error;
}

int kvmd_patchid_commit_stat(git_oid *out, struct kvmd_buf *stat,
			     struct kvmd_diffstat *ds, git_commit *c,
			     git_tree *tree, struct kvmd_buf *err)
{
	return kvmd_patchid_commit_stat_files(out, stat, ds, c, tree, NULL, NULL, err);
}

int kvmd_patchid_commit_stat_files(git_oid *out, struct kvmd_buf *stat,
				   struct kvmd_diffstat *ds, git_commit *c,
				   git_tree *tree, kvmd_diffstat_file_cb cb,
				   void *payload, struct kvmd_buf *err)
{
	struct kvmd_buf text = KVMD_BUF_INIT;
	struct pid_gen gen;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&gen, 0, sizeof(gen));
	gen.also = cb;
	gen.also_payload = payload;
	gen.text = &text;
	gen.repo = git_commit_owner(c);
	if ((error = git_diff_options_init(&gen.opts, GIT_DIFF_OPTIONS_VERSION)) < 0)
		goto cleanup;
	/*
	 * `git log -p`'s defaults: 3 lines of context, the indent
	 * heuristic; text or binary the diffstat decided already.
	 */
	gen.opts.context_lines = 3;
	gen.opts.interhunk_lines = 0;
	gen.opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
	if (!stat && !cb && use_libgit2()) {
		error = patchid_libgit2(out, c, tree);
		goto cleanup;
	}
	/* without a stat, the engine leaves the diffing to gen_file() */
	if ((error = kvmd_diffstat_commit_files(stat, ds, c, tree, gen_file, &gen)) < 0)
		goto cleanup;
	error = kvmd_patchid_text(out, text.ptr, text.len);

cleanup:
	if (error < 0) {
		const git_error *e = git_error_last();
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		kvmd_buf_addf(err, "cannot diff commit %s: %s", hex,
			      e && e->message ? e->message : "unknown error");
		error = -1;
	}
	kvmd_buf_release(&text);
	return error;
}

int kvmd_patchid_commit(git_oid *out, git_repository *repo, const git_commit *c,
			struct kvmd_buf *err)
{
	struct kvmd_diffstat *ds = NULL;
	git_tree *tree = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = kvmd_diffstat_new(&ds, repo, NULL)) < 0 ||
	    (error = git_commit_tree(&tree, c)) < 0) {
		const git_error *e = git_error_last();

		kvmd_buf_addf(err, "cannot read commit: %s",
			      e && e->message ? e->message : "unknown error");
		error = -1;
		goto cleanup;
	}
	error = kvmd_patchid_commit_stat(out, NULL, ds, (git_commit *)c, tree, err);

cleanup:
	git_tree_free(tree);
	kvmd_diffstat_free(ds);
	return error;
}

/* ---- many commits, on several threads ----------------------------- */

/*
 * Commits are claimed in blocks of consecutive ones from a counter, so
 * that a thread diffs a commit and then, usually, its parent, whose new
 * side the diffstat engine keeps (see kvmd_diffstat_new()).
 */
#define PID_BLOCK 32
/* As the scan: more threads than this only wait for each other. */
#define PID_MAX_JOBS 256

enum pid_state_res {
	PID_PENDING,	/* not computed yet */
	PID_ID,		/* the id, zero for a commit that changes nothing */
	PID_MERGE	/* skipped */
};

struct pid_result {
	git_oid id;
	int state;	/* enum pid_state_res, atomic */
};

/* What the threads share. */
struct pid_run {
	const git_oid *commits;
	size_t n;
	struct pid_result *res;
	size_t next;		/* the next unclaimed commit (atomic) */
	int stop;		/* a failure or the callback: claim no more (atomic) */
	const char *path;	/* where each thread opens the repository */
	struct kvmd_packs *packs;
	pthread_mutex_t lock;	/* guards the failure and the wakeups */
	pthread_cond_t done;	/* a block was finished */
	size_t failed_at;	/* the first commit that failed, or n */
	struct kvmd_buf err;	/* why */
};

struct pid_thread {
	pthread_t thread;
	struct pid_run *run;
	git_repository *repo;	/* opened for this thread */
	struct kvmd_diffstat *ds;
};

/* Note that commit `i` failed with `why`; the earliest failure is kept. */
static void pid_fail(struct pid_run *run, size_t i, const char *why)
{
	pthread_mutex_lock(&run->lock);
	if (i < run->failed_at) {
		run->failed_at = i;
		kvmd_buf_reset(&run->err);
		kvmd_buf_adds(&run->err, why);
	}
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&run->done);
	pthread_mutex_unlock(&run->lock);
}

/* The id of commit `i` into run->res[i]: 0, or -1 with the reason in `err`. */
static int pid_one(struct pid_thread *t, size_t i, struct kvmd_buf *err)
{
	struct pid_run *run = t->run;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = -1;

	if (git_commit_lookup(&c, t->repo, &run->commits[i]) < 0) {
		kvmd_buf_addf(err, "cannot read commit %s: %s",
			      git_oid_tostr(hex, sizeof(hex), &run->commits[i]),
			      kvmd_git_error());
		goto cleanup;
	}
	if (git_commit_parentcount(c) > 1) {
		__atomic_store_n(&run->res[i].state, PID_MERGE, __ATOMIC_RELEASE);
		ret = 0;
		goto cleanup;
	}
	if (git_commit_tree(&tree, c) < 0) {
		kvmd_buf_addf(err, "cannot read the tree of commit %s: %s",
			      git_oid_tostr(hex, sizeof(hex), &run->commits[i]),
			      kvmd_git_error());
		goto cleanup;
	}
	if (kvmd_patchid_commit_stat(&run->res[i].id, NULL, t->ds, c, tree, err) < 0)
		goto cleanup;
	__atomic_store_n(&run->res[i].state, PID_ID, __ATOMIC_RELEASE);
	ret = 0;

cleanup:
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

/*
 * Computes one claimed block: 1 when one was computed, 0 when there
 * is none left (or the run stops), -1 on a failure, recorded in `run`.
 */
static int pid_block(struct pid_thread *t)
{
	struct pid_run *run = t->run;
	struct kvmd_buf err = KVMD_BUF_INIT;
	size_t i, end;
	int ret = 1;

	if (__atomic_load_n(&run->stop, __ATOMIC_RELAXED))
		return 0;
	i = __atomic_fetch_add(&run->next, PID_BLOCK, __ATOMIC_RELAXED);
	if (i >= run->n)
		return 0;
	end = i + PID_BLOCK < run->n ? i + PID_BLOCK : run->n;
	for (; i < end; i++) {
		if (pid_one(t, i, &err) < 0) {
			pid_fail(run, i, err.ptr);
			ret = -1;
			break;
		}
	}
	if (ret > 0) {
		pthread_mutex_lock(&run->lock);
		pthread_cond_broadcast(&run->done);
		pthread_mutex_unlock(&run->lock);
	}
	kvmd_buf_release(&err);
	return ret;
}

static void *pid_work(void *arg)
{
	struct pid_thread *t = arg;

	while (pid_block(t) > 0)
		;
	return NULL;
}

/*
 * Hands the computed results from `*next` on to `cb`, in order, while
 * they are there: 0, or what `cb` returned when it stopped the run.
 */
static int pid_deliver(struct pid_run *run, size_t *next,
		       int (*cb)(const git_oid *commit, const git_oid *id, void *data),
		       void *data)
{
	int ret, state;

	while (*next < run->n &&
	       (state = __atomic_load_n(&run->res[*next].state, __ATOMIC_ACQUIRE)) != PID_PENDING) {
		size_t i = (*next)++;

		if (state == PID_MERGE)
			continue;
		if ((ret = cb(&run->commits[i], &run->res[i].id, data)) != 0) {
			__atomic_store_n(&run->stop, 1, __ATOMIC_RELAXED);
			return ret;
		}
	}
	return 0;
}

/* A thread's own repository handle and diffstat engine, as the scan opens them. */
static int pid_thread_open(struct pid_thread *t, struct kvmd_buf *err)
{
	if (git_repository_open_ext(&t->repo, t->run->path, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0 ||
	    kvmd_packs_attach(t->repo, t->run->packs) < 0 ||
	    kvmd_diffstat_new(&t->ds, t->repo, NULL) < 0) {
		kvmd_buf_addf(err, "cannot open the repository again: %s", kvmd_git_error());
		return -1;
	}
	return 0;
}

int kvmd_patchid_commits(git_repository *repo, const git_oid *commits, size_t n,
			 int jobs,
			 int (*cb)(const git_oid *commit, const git_oid *id, void *data),
			 void *data, struct kvmd_buf *err)
{
	struct pid_run run = {
		.commits = commits,
		.n = n,
		.failed_at = n,
		.err = KVMD_BUF_INIT,
	};
	struct pid_thread *threads = NULL;
	size_t delivered = 0;
	int i, started = 0, ret = -1, stopped = 0;

	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.done, NULL);
	if (jobs < 1)
		jobs = 1;
	if (jobs > PID_MAX_JOBS)
		jobs = PID_MAX_JOBS;
	if ((size_t)jobs > (n + PID_BLOCK - 1) / PID_BLOCK)
		jobs = n ? (int)((n + PID_BLOCK - 1) / PID_BLOCK) : 1;
	run.res = kvmd_xcalloc(n ? n : 1, sizeof(*run.res));
	run.path = git_repository_path(repo);
	run.packs = kvmd_packs_open(repo, KVMD_PACK_CACHE_DEFAULT);
	threads = kvmd_xcalloc((size_t)jobs, sizeof(*threads));
	for (i = 0; i < jobs; i++) {
		threads[i].run = &run;
		if (pid_thread_open(&threads[i], err) < 0)
			goto cleanup;
	}
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&threads[i].thread, NULL, pid_work, &threads[i])) {
			kvmd_buf_adds(err, "cannot start a thread");
			__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
			goto cleanup;
		}
		started = i;
	}

	/*
	 * The caller's thread computes blocks too, and between them hands
	 * on what is ready; then it waits for the other threads' blocks.
	 */
	while (!stopped && pid_block(&threads[0]) > 0)
		stopped = pid_deliver(&run, &delivered, cb, data);
	while (!stopped && delivered < run.failed_at) {
		if ((stopped = pid_deliver(&run, &delivered, cb, data)) != 0)
			break;
		pthread_mutex_lock(&run.lock);
		if (delivered < run.failed_at &&
		    __atomic_load_n(&run.res[delivered].state, __ATOMIC_ACQUIRE) == PID_PENDING)
			pthread_cond_wait(&run.done, &run.lock);
		pthread_mutex_unlock(&run.lock);
	}
	if (stopped) {
		ret = stopped;
	} else if (run.failed_at < n) {
		kvmd_buf_adds(err, run.err.ptr);
	} else {
		ret = 0;
	}

cleanup:
	for (i = 1; i <= started; i++)
		pthread_join(threads[i].thread, NULL);
	for (i = 0; threads && i < jobs; i++) {
		kvmd_diffstat_free(threads[i].ds);
		git_repository_free(threads[i].repo);
	}
	free(threads);
	kvmd_packs_free(run.packs);
	free(run.res);
	kvmd_buf_release(&run.err);
	pthread_cond_destroy(&run.done);
	pthread_mutex_destroy(&run.lock);
	return ret;
}
