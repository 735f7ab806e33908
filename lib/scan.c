#include "scan.h"
#include "body.h"
#include "buf.h"
#include "diffstat.h"
#include "digest.h"
#include "mail.h"
#include "range.h"
#include "subject.h"
#include "trailer.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

/* What one reader (one thread) needs, created once. */
struct reader {
	git_repository *repo;
	git_mailmap *mailmap;
	struct kvmd_subject_parser *subjects;
	struct kvmd_trailer_parser *trailers;
	struct kvmd_diffstat *diffstat;
	const struct kvmd_scan_opts *opts;
	struct kvmd_buf scratch;
};

static int reader_init(struct reader *r, git_repository *repo,
		       const struct kvmd_scan_opts *opts, struct kvmd_buf *err)
{
	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->opts = opts;
	/* .mailmap in the work tree (or HEAD when bare), mailmap.file, mailmap.blob */
	if (git_mailmap_from_repository(&r->mailmap, repo) < 0) {
		kvmd_buf_addf(err, "cannot read the mailmap: %s", kvmd_git_error());
		return -1;
	}
	r->subjects = kvmd_subject_parser_new();
	r->trailers = kvmd_trailer_parser_new();
	if (!r->subjects || !r->trailers) {
		kvmd_buf_adds(err, "cannot compile the subject and trailer patterns");
		return -1;
	}
	return 0;
}

static void reader_release(struct reader *r)
{
	git_mailmap_free(r->mailmap);
	kvmd_subject_parser_free(r->subjects);
	kvmd_trailer_parser_free(r->trailers);
	kvmd_diffstat_free(r->diffstat);
	kvmd_buf_release(&r->scratch);
}

static void skip(struct kvmd_digest *d, const char *hex, const char *why)
{
	kvmd_warning("skipping commit %.12s: %s", hex, why);
	kvmd_digest_add_skipped(d, hex, why);
}

static void add_mail(struct reader *r, struct kvmd_digest *d, const char *hex,
		     size_t seq, const git_oid *blob_id)
{
	git_blob *blob = NULL;
	struct kvmd_mail mail;
	struct kvmd_message m;
	struct kvmd_trailers trailers = KVMD_TRAILERS_INIT;
	const char *name = NULL, *email = NULL;
	const char *body;
	size_t body_len;

	kvmd_buf_reset(&r->scratch);
	if (git_blob_lookup(&blob, r->repo, blob_id) < 0) {
		kvmd_buf_addf(&r->scratch, "cannot read its message: %s", kvmd_git_error());
		skip(d, hex, r->scratch.ptr);
		return;
	}
	if (kvmd_mail_parse(&mail, git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob), &r->scratch) < 0) {
		git_blob_free(blob);
		skip(d, hex, r->scratch.ptr);
		return;
	}
	git_blob_free(blob);

	memset(&m, 0, sizeof(m));
	m.commit = hex;
	m.seq = seq;
	m.subject = mail.subject;
	kvmd_subject_parse(&m.tag, r->subjects, mail.subject);
	if (git_mailmap_resolve(&name, &email, r->mailmap,
				mail.author_name ? mail.author_name : "",
				mail.author_email) < 0) {
		name = mail.author_name;
		email = mail.author_email;
	}
	m.contributor_name = name;
	m.contributor_email = email;
	m.from_name = mail.from_name;
	m.from_email = mail.from_email;
	m.message_id = mail.message_id;
	m.in_reply_to = mail.in_reply_to;
	m.refs = (const char *const *)mail.refs;
	m.nrefs = mail.nrefs;

	body = mail.body + mail.body_start;
	body_len = mail.body_len - mail.body_start;
	if (kvmd_subject_is_new_patch(&m.tag)) {
		m.body = body;
		m.body_len = kvmd_body_cut(body, body_len);
	}
	if (r->opts->want_trailers) {
		kvmd_trailers_parse(&trailers, r->trailers, body, body_len, r->mailmap);
		m.trailers = trailers.v;
		m.ntrailers = trailers.nr;
	}
	kvmd_digest_add_mail(d, &m);
	kvmd_trailers_release(&trailers);
	kvmd_mail_release(&mail);
}

/* The message after the subject paragraph and the blank lines under it. */
static const char *commit_body(const char *msg)
{
	const char *p = strstr(msg, "\n\n");

	if (!p)
		return "";
	while (*p == '\n')
		p++;
	return p;
}

static int add_code(struct reader *r, struct kvmd_digest *d, const char *hex,
		    size_t seq, git_commit *commit)
{
	git_signature *author = NULL;
	struct kvmd_code_commit c;
	struct kvmd_trailers trailers = KVMD_TRAILERS_INIT;
	const char *msg = git_commit_message(commit);
	const char *summary = git_commit_summary(commit);
	int error;

	if (git_commit_parentcount(commit) > 1)
		return 0; /* merges are left out of tables and entries */
	if (!r->diffstat && (error = kvmd_diffstat_new(&r->diffstat, r->repo)) < 0)
		return error;
	kvmd_buf_reset(&r->scratch);
	if ((error = kvmd_diffstat_commit(&r->scratch, r->diffstat, commit)) < 0)
		return error;
	if ((error = git_commit_author_with_mailmap(&author, commit, r->mailmap)) < 0)
		return error;

	memset(&c, 0, sizeof(c));
	c.commit = hex;
	c.seq = seq;
	c.subject = summary ? summary : "";
	c.author_name = author->name;
	c.author_email = author->email;
	c.body = msg ? commit_body(msg) : "";
	c.body_len = strlen(c.body);
	c.diffstat = r->scratch.ptr;
	if (r->opts->want_trailers && msg) {
		kvmd_trailers_parse(&trailers, r->trailers, msg, strlen(msg), r->mailmap);
		c.trailers = trailers.v;
		c.ntrailers = trailers.nr;
	}
	kvmd_digest_add_code(d, &c);
	kvmd_trailers_release(&trailers);
	git_signature_free(author);
	return 0;
}

static int add_commit(struct reader *r, struct kvmd_digest *d,
		      const git_oid *id, size_t seq, struct kvmd_buf *err)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_commit *commit = NULL;
	git_oid blob;
	int type, ret = 0;

	git_oid_tostr(hex, sizeof(hex), id);
	if (git_commit_lookup(&commit, r->repo, id) < 0) {
		kvmd_buf_addf(err, "cannot read commit %s: %s", hex, kvmd_git_error());
		return -1;
	}
	type = kvmd_range_classify(&blob, r->repo, commit);
	if (type < 0) {
		kvmd_buf_reset(&r->scratch);
		kvmd_buf_addf(&r->scratch, "cannot read its tree: %s", kvmd_git_error());
		skip(d, hex, r->scratch.ptr);
	} else if (type == KVMD_COMMIT_MAIL) {
		add_mail(r, d, hex, seq, &blob);
	} else if (type == KVMD_COMMIT_CODE) {
		if (add_code(r, d, hex, seq, commit) < 0) {
			kvmd_buf_reset(&r->scratch);
			kvmd_buf_addf(&r->scratch, "cannot diff it: %s", kvmd_git_error());
			skip(d, hex, r->scratch.ptr);
		}
	}
	git_commit_free(commit);
	return ret;
}

/* The range's commits, newest first, as `git log <old>..<new>` lists them. */
static int list_commits(git_oid **out, size_t *nr, git_repository *repo,
			const struct kvmd_range *range, struct kvmd_buf *err)
{
	git_revwalk *walk = NULL;
	git_oid id, *ids = NULL;
	size_t n = 0, alloc = 0;
	int error;

	if ((error = git_revwalk_new(&walk, repo)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_NONE)) < 0 ||
	    (error = git_revwalk_push(walk, &range->new)) < 0 ||
	    (range->has_old && (error = git_revwalk_hide(walk, &range->old)) < 0))
		goto cleanup;
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		KVMD_ALLOC_GROW(ids, n + 1, alloc);
		git_oid_cpy(&ids[n++], &id);
	}
	if (error == GIT_ITEROVER)
		error = 0;

cleanup:
	if (error < 0) {
		kvmd_buf_addf(err, "cannot walk %s%s%s: %s",
			      range->has_old ? range->old_hex : "",
			      range->has_old ? ".." : "", range->new_hex, kvmd_git_error());
		free(ids);
		ids = NULL;
		n = 0;
	}
	git_revwalk_free(walk);
	*out = ids;
	*nr = n;
	return error < 0 ? -1 : 0;
}

int kvmd_scan(struct kvmd_digest *d, git_repository *repo,
	      const struct kvmd_range *range, const struct kvmd_scan_opts *opts,
	      struct kvmd_buf *err)
{
	struct reader r;
	git_oid *ids = NULL;
	size_t nr = 0, i;
	int ret = -1;

	if (reader_init(&r, repo, opts, err) < 0)
		goto cleanup;
	if (list_commits(&ids, &nr, repo, range, err) < 0)
		goto cleanup;
	for (i = 0; i < nr; i++)
		if (add_commit(&r, d, &ids[i], i, err) < 0)
			goto cleanup;
	kvmd_digest_finish(d);
	ret = 0;

cleanup:
	free(ids);
	reader_release(&r);
	return ret;
}
