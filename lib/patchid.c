/*
 * patchid.c - stable patch-ids of patch mails and of commits
 *
 * The hashing follows the behaviour of `git patch-id --stable` in git
 * 2.39, written from its documentation and checked against it by
 * t/t3300-patchid.sh; the diffs come from libgit2 (parsed from a mail
 * by git_diff_from_buffer, made from two trees by git_diff_tree_to_tree).
 *
 * Why not git_diff_patchid() alone: it equals git for text diffs, but
 * hashes a binary patch its own way, where git 2.39 hashes the lines
 * of the "GIT binary patch" (and stops at the blank line inside it).
 * The ids must be git's, so the lines are hashed here as git reads them.
 */
#include "patchid.h"
#include "buf.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define PATCHID_RAWSZ 20
/* git keeps this much of each name on an "index" line (SHA-256 hex) */
#define INDEX_NAME_MAX 64

/* git's ctype: only these four are space, only ASCII letters alpha. */
static int pid_isspace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

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
	g_checksum_update(st->ctx, (const guchar *)p, n);
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

	KVMD_ALLOC_GROW(st->line, len + 1, st->line_alloc);
	for (i = n = 0; i < len; i++)
		if (!pid_isspace(line[i]))
			st->line[n++] = line[i];
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
	if (git_diff_from_buffer(&diff, start, len_diff) < 0) {
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

int kvmd_patchid_commit(git_oid *out, git_repository *repo, const git_commit *c,
			struct kvmd_buf *err)
{
	git_commit *parent = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	git_buf text = GIT_BUF_INIT;
	git_diff_options opts;
	git_diff_find_options find;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION)) < 0 ||
	    (error = git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION)) < 0)
		goto cleanup;
	if (git_commit_parentcount(c) &&
	    (error = git_commit_parent(&parent, c, 0)) < 0)
		goto cleanup;
	if ((parent && (error = git_commit_tree(&old_tree, parent)) < 0) ||
	    (error = git_commit_tree(&new_tree, c)) < 0)
		goto cleanup;

	/* `git log -p`'s defaults: 3 lines of context, renames, no copies */
	opts.context_lines = 3;
	if ((error = git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts)) < 0)
		goto cleanup;
	find.flags = GIT_DIFF_FIND_RENAMES;
	find.rename_threshold = 50;
	find.rename_limit = 1000;
	if ((error = git_diff_find_similar(diff, &find)) < 0 ||
	    (error = git_diff_to_buf(&text, diff, GIT_DIFF_FORMAT_PATCH)) < 0)
		goto cleanup;
	error = kvmd_patchid_text(out, text.ptr ? text.ptr : "", text.size);

cleanup:
	if (error < 0) {
		const git_error *e = git_error_last();
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		kvmd_buf_addf(err, "cannot diff commit %s: %s", hex,
			      e && e->message ? e->message : "unknown error");
		error = -1;
	}
	git_buf_dispose(&text);
	git_diff_free(diff);
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	git_commit_free(parent);
	return error;
}
