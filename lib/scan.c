#include "scan.h"
#include "body.h"
#include "buf.h"
#include "config.h"
#include "diffstat.h"
#include "patchid.h"
#include "inbox.h"
#include "digest.h"
#include "followup.h"
#include "mail.h"
#include "mailmap.h"
#include "mailmap-repo.h"
#include "maintainers.h"
#include "pack.h"
#include "range.h"
#include "status.h"
#include "subject.h"
#include "trailer.h"
#include "usage.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What one reader (one thread) needs, created once. */
struct reader {
	git_repository *repo;
	const struct kvmd_mailmap *mailmap; /* shared: resolving only reads it */
	struct kvmd_subject_parser *subjects;
	struct kvmd_trailer_parser *trailers;
	struct kvmd_diffstat *diffstat;
	const struct kvmd_scan_opts *opts;
	pthread_mutex_t *report_lock; /* one report at a time, from any reader */
	struct kvmd_buf scratch;
};

static int reader_init(struct reader *r, git_repository *repo, const struct kvmd_mailmap *mailmap,
		       const struct kvmd_scan_opts *opts, pthread_mutex_t *report_lock,
		       struct kvmd_buf *err)
{
	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->opts = opts;
	r->mailmap = mailmap;
	r->report_lock = report_lock;
	r->subjects = kvmd_subject_parser_new(err);
	if (r->subjects)
		r->trailers = kvmd_trailer_parser_new(err);
	return r->subjects && r->trailers ? 0 : -1;
}

static void reader_release(struct reader *r)
{
	kvmd_subject_parser_free(r->subjects);
	kvmd_trailer_parser_free(r->trailers);
	kvmd_diffstat_free(r->diffstat);
	kvmd_buf_release(&r->scratch);
}

static void skip(struct reader *r, struct kvmd_digest *d, const char *hex, size_t seq,
		 const char *why)
{
	if (r->opts->skipped) {
		pthread_mutex_lock(r->report_lock);
		r->opts->skipped(hex, why, r->opts->report_data);
		pthread_mutex_unlock(r->report_lock);
	}
	if (d)
		kvmd_digest_add_skipped(d, hex, seq, why);
}

void kvmd_scan_message(struct kvmd_message *m, const struct kvmd_mail *mail,
		       const char *commit, size_t seq, struct kvmd_subject_parser *subjects)
{
	memset(m, 0, sizeof(*m));
	m->commit = commit;
	m->seq = seq;
	m->subject = mail->subject;
	kvmd_subject_parse(&m->tag, subjects, mail->subject);
	m->contributor_name = mail->author_name;
	m->contributor_email = mail->author_email;
	m->from_name = mail->from_name;
	m->from_email = mail->from_email;
	m->message_id = mail->message_id;
	m->date = mail->date;
	m->in_reply_to = mail->in_reply_to;
	m->refs = (const char *const *)mail->refs;
	m->nrefs = mail->nrefs;
	if (kvmd_subject_is_new_patch(&m->tag)) {
		m->body = mail->body + mail->body_start;
		m->body_len = kvmd_body_cut(m->body, mail->body_len - mail->body_start);
	}
}

/*
 * The trailers of `message`, their identities mapped as the authors' are.
 * A mail body has its subject in the header (kvmd_trailers_parse_body()).
 */
static void parse_trailers(struct kvmd_trailers *out, struct reader *r,
			   const char *message, size_t len, int mail_body)
{
	size_t i = out->nr;

	if (mail_body)
		kvmd_trailers_parse_body(out, r->trailers, message, len);
	else
		kvmd_trailers_parse(out, r->trailers, message, len);
	for (; i < out->nr; i++)
		if (out->v[i].email)
			kvmd_mailmap_apply(r->mailmap, &out->v[i].name, &out->v[i].email);
}

/*
 * The follow-up trailers of a reply (followup.h): of its text, or of
 * its HTML when it has no text/plain part; identities mapped.  A bare
 * address that is the sender's own (`Acked-by: maz@kernel.org` from
 * Marc) takes the sender's name.
 */
static void parse_followups(struct kvmd_trailers *out, struct reader *r,
			    const struct kvmd_mail *mail)
{
	size_t i;

	if (mail->html && !mail->body_len)
		kvmd_followups_parse(out, r->trailers, mail->html, mail->html_len, 1);
	else
		kvmd_followups_parse(out, r->trailers, mail->body + mail->body_start,
				     mail->body_len - mail->body_start, 0);
	for (i = 0; i < out->nr; i++) {
		struct kvmd_trailer *t = &out->v[i];

		if (!t->email)
			continue;
		if (!t->name && mail->from_name && !strcasecmp(t->email, mail->from_email))
			t->name = kvmd_xstrdup(mail->from_name);
		kvmd_mailmap_apply(r->mailmap, &t->name, &t->email);
	}
}

/*
 * Hands the mail to opts->mail as the archive index keeps it.  `own`
 * and `followups` hold the patch's trailers and the reply's follow-ups
 * when the digest parsed them already.
 */
static void report_mail(struct reader *r, const struct kvmd_mail *mail,
			const struct kvmd_message *m, const char *hex, const git_oid *blob_id,
			const struct kvmd_trailers *own, const struct kvmd_trailers *followups)
{
	struct kvmd_status_msg s;
	struct kvmd_trailers trailers = KVMD_TRAILERS_INIT;
	const char *body = mail->body + mail->body_start, *sender_name;
	size_t len = mail->body_len - mail->body_start, i, nlinks = 0;
	char blob[GIT_OID_HEXSZ + 1], **links = NULL, *change_id = NULL;

	if (!mail->message_id)
		return; /* nothing to know it by */
	memset(&s, 0, sizeof(s));
	s.message_id = mail->message_id;
	s.root = mail->nrefs ? mail->refs[0] :
		mail->in_reply_to ? mail->in_reply_to : mail->message_id;
	if (r->opts->mail_ids_only)
		goto report;
	s.date = mail->date;
	s.name = m->contributor_name;
	s.email = m->contributor_email;
	kvmd_mailmap_resolve(r->mailmap, mail->from_name, mail->from_email, &sender_name,
			     &s.sender_email);
	s.subject = mail->subject;
	s.tag = m->tag;
	s.in_reply_to = mail->in_reply_to;
	if (m->tag.kind == KVMD_KIND_PATCH && r->opts->want_trailers) {
		s.trailers = own->v;
		s.ntrailers = own->nr;
	} else if (m->tag.kind != KVMD_KIND_PATCH && r->opts->want_trailers &&
		   mail->in_reply_to) {
		s.trailers = followups->v;
		s.ntrailers = followups->nr;
	} else {
		if (m->tag.kind == KVMD_KIND_PATCH) {
			kvmd_trailers_parse_body(&trailers, r->trailers, body, len);
			for (i = 0; i < trailers.nr; i++)
				if (trailers.v[i].email)
					kvmd_mailmap_apply(r->mailmap, &trailers.v[i].name,
							   &trailers.v[i].email);
		} else {
			parse_followups(&trailers, r, mail);
		}
		s.trailers = trailers.v;
		s.ntrailers = trailers.nr;
	}
	/* what links versions is in cover letters and first patches */
	if (kvmd_subject_is_new_patch(&m->tag)) {
		change_id = kvmd_followup_change_id(body, len);
		kvmd_followup_links(&links, &nlinks, body, len);
	}
	s.change_id = change_id;
	/* hashed here, in the reading thread, not in the serialized callback */
	if (m->tag.kind == KVMD_KIND_PATCH && m->tag.number != 0) {
		git_oid id;

		kvmd_buf_reset(&r->scratch);
		if (kvmd_patchid_mail(&id, mail->body, mail->body_len, &r->scratch) == 0) {
			memcpy(s.patch_id, id.id, sizeof(s.patch_id));
			s.has_patch_id = 1;
		}
	}
	s.links = (const char *const *)links;
	s.nlinks = nlinks;
report:
	git_oid_tostr(blob, sizeof(blob), blob_id);
	pthread_mutex_lock(r->report_lock);
	r->opts->mail(hex, blob, &s, r->opts->mail_data);
	pthread_mutex_unlock(r->report_lock);
	for (i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
	free(change_id);
	kvmd_trailers_release(&trailers);
}

static void add_mail(struct reader *r, struct kvmd_digest *d, const char *hex,
		     size_t seq, const git_oid *blob_id)
{
	git_blob *blob = NULL;
	struct kvmd_mail mail;
	struct kvmd_message m;
	struct kvmd_trailers trailers = KVMD_TRAILERS_INIT, followups = KVMD_TRAILERS_INIT;
	const char *name = NULL, *email = NULL, *sender_name = NULL;
	const char *body;
	size_t body_len;

	kvmd_buf_reset(&r->scratch);
	if (git_blob_lookup(&blob, r->repo, blob_id) < 0) {
		kvmd_buf_addf(&r->scratch, "cannot read its message: %s", kvmd_git_error());
		skip(r, d, hex, seq, r->scratch.ptr);
		return;
	}
	if (kvmd_mail_parse(&mail, git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob), &r->scratch) < 0) {
		git_blob_free(blob);
		skip(r, d, hex, seq, r->scratch.ptr);
		return;
	}
	git_blob_free(blob);

	kvmd_scan_message(&m, &mail, hex, seq, r->subjects);
	kvmd_mailmap_resolve(r->mailmap, mail.author_name, mail.author_email, &name, &email);
	m.contributor_name = name;
	m.contributor_email = email;

	body = mail.body + mail.body_start;
	body_len = mail.body_len - mail.body_start;
	if (r->opts->want_trailers) {
		parse_trailers(&trailers, r, body, body_len, 1);
		m.trailers = trailers.v;
		m.ntrailers = trailers.nr;
		if (m.tag.kind != KVMD_KIND_PATCH && mail.in_reply_to) {
			parse_followups(&followups, r, &mail);
			m.followups = followups.v;
			m.nfollowups = followups.nr;
			kvmd_mailmap_resolve(r->mailmap, mail.from_name, mail.from_email,
					     &sender_name, &m.sender_email);
		}
	}
	if (r->opts->mail)
		report_mail(r, &mail, &m, hex, blob_id, &trailers, &followups);
	if (d)
		kvmd_digest_add_mail(d, &m);
	kvmd_trailers_release(&trailers);
	kvmd_trailers_release(&followups);
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

/* The paths a commit touches, both sides of a rename: for its MAINTAINERS area. */
struct touched {
	char **v;
	size_t nr, alloc;
};

static int add_touched(const struct kvmd_diffstat_file *file, void *payload)
{
	struct touched *t = payload;

	KVMD_ALLOC_GROW(t->v, t->nr + 2, t->alloc);
	t->v[t->nr++] = kvmd_xstrdup(file->new_path);
	if (strcmp(file->old_path, file->new_path))
		t->v[t->nr++] = kvmd_xstrdup(file->old_path);
	return 0;
}

static void touched_release(struct touched *t)
{
	while (t->nr)
		free(t->v[--t->nr]);
	free(t->v);
}

static int add_code(struct reader *r, struct kvmd_digest *d, const char *hex,
		    size_t seq, git_commit *commit, git_tree *tree)
{
	const git_signature *author = git_commit_author(commit);
	const char *name, *email;
	struct kvmd_code_commit c;
	struct kvmd_trailers trailers = KVMD_TRAILERS_INIT;
	const char *msg = git_commit_message(commit);
	const char *summary = git_commit_summary(commit);
	struct touched touched = { NULL, 0, 0 };
	int error;

	if (!r->diffstat && (error = kvmd_diffstat_new(&r->diffstat, r->repo, r->opts->config)) < 0)
		return error;
	kvmd_buf_reset(&r->scratch);
	if (r->opts->code) {
		struct kvmd_buf why = KVMD_BUF_INIT;
		git_oid id;

		error = kvmd_patchid_commit_stat_files(&id, &r->scratch, r->diffstat, commit, tree,
						       r->opts->maintainers ? add_touched : NULL,
						       &touched, &why);
		kvmd_buf_release(&why);
		if (error < 0) {
			touched_release(&touched);
			return error;
		}
		pthread_mutex_lock(r->report_lock);
		r->opts->code(git_commit_id(commit), error ? NULL : &id, r->opts->code_data);
		pthread_mutex_unlock(r->report_lock);
	} else if ((error = kvmd_diffstat_commit_files(&r->scratch, r->diffstat, commit, tree,
						       r->opts->maintainers ? add_touched : NULL,
						       &touched)) < 0) {
		touched_release(&touched);
		return error;
	}
	kvmd_mailmap_resolve(r->mailmap, author->name, author->email, &name, &email);

	memset(&c, 0, sizeof(c));
	c.commit = hex;
	c.seq = seq;
	c.subject = summary ? summary : "";
	c.author_name = name;
	c.author_email = email;
	c.body = msg ? commit_body(msg) : "";
	c.body_len = strlen(c.body);
	c.diffstat = r->scratch.ptr;
	c.date = (int64_t)git_commit_time(commit);
	c.area = kvmd_maintainers_area(r->opts->maintainers, (const char *const *)touched.v,
				       touched.nr);
	if (r->opts->want_trailers && msg) {
		parse_trailers(&trailers, r, msg, strlen(msg), 0);
		c.trailers = trailers.v;
		c.ntrailers = trailers.nr;
	}
	kvmd_digest_add_code(d, &c);
	kvmd_trailers_release(&trailers);
	touched_release(&touched);
	return 0;
}

/*
 * Digests one commit.  `parent` (may be NULL) gets the way on along a
 * line: its only parent's id, else zeros.
 */
static int add_commit(struct reader *r, struct kvmd_digest *d, const git_oid *id,
		      size_t seq, git_oid *parent, struct kvmd_buf *err)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid blob;
	int type;

	git_oid_tostr(hex, sizeof(hex), id);
	if (git_commit_lookup(&commit, r->repo, id) < 0) {
		kvmd_buf_addf(err, "cannot read commit %s: %s", hex, kvmd_git_error());
		return -1;
	}
	if (parent && git_commit_parentcount(commit) == 1)
		git_oid_cpy(parent, git_commit_parent_id(commit, 0));
	else if (parent)
		memset(parent, 0, sizeof(*parent));
	/* merges are left out, whatever they hold (an archive merged into a kernel tree holds `m`) */
	if (git_commit_parentcount(commit) > 1) {
		git_commit_free(commit);
		return 0;
	}
	/* read once: the classification and the diffstat both start from it */
	kvmd_buf_reset(&r->scratch);
	if (git_commit_tree(&tree, commit) < 0) {
		kvmd_buf_addf(&r->scratch, "cannot read its tree: %s", kvmd_git_error());
		type = -1;
	} else {
		type = kvmd_inbox_classify(&blob, r->repo, commit, tree, &r->scratch);
	}
	if (type < 0) {
		skip(r, d, hex, seq, r->scratch.ptr);
	} else if (type == KVMD_COMMIT_MAIL) {
		add_mail(r, d, hex, seq, &blob);
	} else if (type == KVMD_COMMIT_CODE && d) {
		if (add_code(r, d, hex, seq, commit, tree) < 0) {
			kvmd_buf_reset(&r->scratch);
			kvmd_buf_addf(&r->scratch, "cannot diff it: %s", kvmd_git_error());
			skip(r, d, hex, seq, r->scratch.ptr);
		}
	}
	git_tree_free(tree);
	git_commit_free(commit);
	return 0;
}

/*
 * The work is handed out in blocks of this many commits, newest first.
 */
#define BLOCK 64

/*
 * A range of a history without merges, listed by following parents from
 * its new end to its old one: an archive epoch is one such line.  Keeps
 * only the first commit of every block, since a reader finds the others
 * by following parents again, where libgit2's walk of an A..B range
 * visits and keeps the whole range first, which would make memory grow
 * with the range.  Returns 1 with the list and the number of commits,
 * or 0 when the range is not such a line (a merge, a parent that cannot
 * be read, an old end not on it): then libgit2 walks.
 */
static int list_line(git_oid **out, size_t *nr, git_repository *repo,
		     const struct kvmd_range *range)
{
	git_oid id = range->new, *ids = NULL;
	size_t n = 0, alloc = 0;

	for (;;) {
		git_commit *commit = NULL;
		unsigned parents;

		if (range->has_old && git_oid_equal(&id, &range->old))
			break;
		if (git_commit_lookup(&commit, repo, &id) < 0)
			goto not_a_line;
		parents = git_commit_parentcount(commit);
		if (parents > 1) {
			git_commit_free(commit);
			goto not_a_line;
		}
		if (n % BLOCK == 0) {
			KVMD_ALLOC_GROW(ids, n / BLOCK + 1, alloc);
			git_oid_cpy(&ids[n / BLOCK], &id);
		}
		n++;
		if (parents)
			git_oid_cpy(&id, git_commit_parent_id(commit, 0));
		git_commit_free(commit);
		if (!parents) {
			if (range->has_old)
				goto not_a_line; /* old is not an ancestor */
			break;
		}
	}
	*out = ids;
	*nr = n;
	return 1;

not_a_line:
	git_error_clear();
	free(ids);
	return 0;
}

/* What older_than_since() needs: libgit2 hands the hide callback one pointer. */
struct since_payload {
	git_repository *repo;
	git_time_t since;
};

/*
 * libgit2's hide callback: a commit older than --since is hidden, and
 * with it what lies behind it, as `git log --since` stops there.
 */
static int older_than_since(const git_oid *id, void *data)
{
	const struct since_payload *p = data;
	git_commit *commit = NULL;
	int older;

	if (git_commit_lookup(&commit, p->repo, id) < 0) {
		git_error_clear();
		return 0;	/* the walk itself will say what is missing */
	}
	older = git_commit_time(commit) < p->since;
	git_commit_free(commit);
	return older;
}

/*
 * 1 when `commit` touches the range's pathspecs (a merge always: the
 * scan leaves merges out), 0 if not, or an error.
 */
static int touches_paths(git_repository *repo, git_commit *commit,
			 const struct kvmd_range *range)
{
	git_commit *parent = NULL;
	git_tree *old = NULL, *new = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	int error;

	if (git_commit_parentcount(commit) > 1) {
		error = 1;
		goto cleanup;
	}
	if ((error = git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION)) < 0 ||
	    (git_commit_parentcount(commit) &&
	     ((error = git_commit_parent(&parent, commit, 0)) < 0 ||
	      (error = git_commit_tree(&old, parent)) < 0)) ||
	    (error = git_commit_tree(&new, commit)) < 0)
		goto cleanup;
	opts.pathspec.strings = (char **)range->paths;
	opts.pathspec.count = range->paths_nr;
	if ((error = git_diff_tree_to_tree(&diff, repo, old, new, &opts)) < 0)
		goto cleanup;
	error = git_diff_num_deltas(diff) > 0;

cleanup:
	git_diff_free(diff);
	git_tree_free(new);
	git_tree_free(old);
	git_commit_free(parent);
	return error;
}

/*
 * The range's commits, newest first, as `git log <old>..<new>` lists
 * them: *line is 1 when they are one line and `out` holds the first of
 * every block (list_line), else 0 and `out` holds every commit.
 */
static int list_commits(git_oid **out, size_t *nr, int *line, git_repository *repo,
			const struct kvmd_range *range, struct kvmd_buf *err)
{
	git_revwalk *walk = NULL;
	git_oid id, *ids = NULL;
	size_t n = 0, alloc = 0;
	int error;

	int filtered = range->has_since || range->has_until || range->paths_nr;
	struct since_payload since = { repo, range->since };

	/* a window of dates or paths lists every commit: blocks of a line would not do */
	if (!filtered && (*line = list_line(out, nr, repo, range)))
		return 0;
	*line = 0;

	if ((error = git_revwalk_new(&walk, repo)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_NONE)) < 0 ||
	    (range->has_since &&
	     (error = git_revwalk_add_hide_cb(walk, older_than_since, &since)) < 0) ||
	    (error = git_revwalk_push(walk, &range->new)) < 0 ||
	    (range->has_old && (error = git_revwalk_hide(walk, &range->old)) < 0))
		goto cleanup;
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL;
		int in = 1;

		/* one lookup for both tests; --since hid the older commits already */
		if ((range->has_until || range->paths_nr) &&
		    (error = git_commit_lookup(&commit, repo, &id)) < 0)
			goto cleanup;
		if (range->has_until && git_commit_time(commit) > range->until)
			in = 0;
		else if (range->paths_nr)
			in = touches_paths(repo, commit, range);
		git_commit_free(commit);
		if (in < 0) {
			error = in;
			goto cleanup;
		}
		if (!in)
			continue;
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

/*
 * The work shared by the readers.  Commits are handed out in blocks from
 * a counter, each reader digests its blocks through its own repository
 * handle (libgit2 objects are not shared between threads) into the one
 * digest; since every message keeps its walk position, the digest is
 * the same whatever the number of threads.
 */
struct shared {
	const git_oid *ids;   /* see list_commits() */
	int line;
	size_t nr;            /* commits */
	size_t next;          /* the next unclaimed commit (atomic) */
	size_t done;          /* commits digested (atomic) */
	const char *path;     /* where each reader opens the repository */
	const struct kvmd_mailmap *mailmap;
	const struct kvmd_scan_opts *opts;
	int failed;           /* a reader failed: the others stop (atomic) */
	pthread_mutex_t lock; /* guards err, and serializes the callbacks */
	struct kvmd_buf err;  /* the first reader's failure */
};

struct worker {
	pthread_t thread;
	struct shared *sh;
	git_repository *repo;
	struct kvmd_digest *d; /* the same for all */
	int ret;
};

/* Tells the caller how far the readers are, one call at a time. */
static void report_progress(struct shared *sh, size_t done)
{
	if (!sh->opts->progress)
		return;
	pthread_mutex_lock(&sh->lock);
	sh->opts->progress(done, sh->nr, sh->opts->report_data);
	pthread_mutex_unlock(&sh->lock);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct kvmd_buf err = KVMD_BUF_INIT;
	struct reader r;
	size_t i, start, end;
	git_oid id;

	w->ret = -1;
	if (reader_init(&r, w->repo, sh->mailmap, sh->opts, &sh->lock, &err) < 0)
		goto out;
	for (;;) {
		i = __atomic_fetch_add(&sh->next, BLOCK, __ATOMIC_RELAXED);
		if (i >= sh->nr || __atomic_load_n(&sh->failed, __ATOMIC_RELAXED))
			break;
		start = i;
		end = i + BLOCK < sh->nr ? i + BLOCK : sh->nr;
		id = sh->ids[sh->line ? i / BLOCK : i];
		for (; i < end; i++) {
			/* a line goes on at the parent; a list, at the next id */
			if (add_commit(&r, w->d, &id, i, sh->line ? &id : NULL, &err) < 0)
				goto out;
			if (i + 1 == end)
				break;
			if (!sh->line) {
				id = sh->ids[i + 1];
			} else if (git_oid_is_zero(&id)) {
				/* a graft or a shallow boundary that came meanwhile */
				kvmd_buf_adds(&err, "the history changed while it was read");
				goto out;
			}
		}
		report_progress(sh, __atomic_add_fetch(&sh->done, end - start, __ATOMIC_RELAXED));
	}
	w->ret = 0;
out:
	if (w->ret < 0) {
		pthread_mutex_lock(&sh->lock);
		if (!__atomic_load_n(&sh->failed, __ATOMIC_RELAXED))
			kvmd_buf_adds(&sh->err, err.ptr);
		__atomic_store_n(&sh->failed, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&sh->lock);
	}
	reader_release(&r);
	kvmd_buf_release(&err);
	return NULL;
}

/*
 * A repository handle of one reader, with the packs read through `packs`.
 * Opened as the caller's was (git-kvmdigest.c: from the environment), so
 * that GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES, which
 * git sets for hooks that see quarantined objects, hold for it too.
 */
static int open_reader_repo(git_repository **out, const char *path, struct kvmd_packs *packs,
			    struct kvmd_buf *err)
{
	if (git_repository_open_ext(out, path, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0 ||
	    kvmd_packs_attach(*out, packs) < 0) {
		kvmd_buf_addf(err, "cannot open the repository again: %s", kvmd_git_error());
		return -1;
	}
	return 0;
}

/*
 * Runs the readers: the calling thread and jobs - 1 more, each with its
 * own repository handle in workers[i].repo.  0 when every commit was
 * read, or -1 with the first failure in `err`.
 */
static int read_all(struct shared *sh, struct worker *workers, int jobs,
		    struct kvmd_buf *err)
{
	int i, started = 0, ret = -1;

	for (i = 1; i < jobs; i++) {
		if (pthread_create(&workers[i].thread, NULL, work, &workers[i])) {
			kvmd_buf_adds(err, "cannot start a thread");
			goto cleanup;
		}
		started = i;
	}
	work(&workers[0]); /* the calling thread is a reader too */
	ret = 0;

cleanup:
	if (ret < 0)
		__atomic_store_n(&sh->failed, 1, __ATOMIC_RELAXED);
	for (i = 1; i <= started; i++)
		pthread_join(workers[i].thread, NULL);
	if (ret == 0 && __atomic_load_n(&sh->failed, __ATOMIC_RELAXED)) {
		kvmd_buf_adds(err, sh->err.ptr);
		ret = -1;
	}
	return ret;
}

int kvmd_scan(struct kvmd_digest *d, git_repository *repo,
	      const struct kvmd_range *range, const struct kvmd_scan_opts *opts,
	      struct kvmd_buf *err)
{
	struct shared sh = {
		.opts = opts,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.err = KVMD_BUF_INIT,
	};
	struct worker *workers = NULL;
	struct kvmd_mailmap *mailmap = NULL;
	git_oid *ids = NULL;
	size_t nr = 0;
	int line = 0;
	int jobs = opts->jobs > 0 ? opts->jobs : 1, i, ret = -1;
	size_t per = opts->reader_min > BLOCK ? opts->reader_min : BLOCK;

	if (kvmd_mailmap_load(&mailmap, repo, opts->config, err) < 0)
		goto cleanup;
	/* git's delta-base cache, for all the readers (see pack.c) */
	if (opts->packs)
		kvmd_packs_set_cache_limit(opts->packs, opts->delta_cache);
	sh.path = git_repository_path(repo);
	workers = kvmd_xcalloc((size_t)jobs, sizeof(*workers));
	/* the caller's handle is the first reader, and walks the range */
	workers[0].repo = repo;
	if (list_commits(&ids, &nr, &line, repo, range, err) < 0)
		goto cleanup;
	if ((size_t)jobs > (nr + per - 1) / per)
		jobs = nr ? (int)((nr + per - 1) / per) : 1;

	/* entries wait on disk, not in memory (see digest.h) */
	if (d)
		kvmd_digest_spill(d);
	sh.ids = ids;
	sh.line = line;
	sh.nr = nr;
	sh.mailmap = mailmap;
	for (i = 0; i < jobs; i++) {
		workers[i].sh = &sh;
		workers[i].d = d;
		if (i && open_reader_repo(&workers[i].repo, sh.path, opts->packs, err) < 0)
			goto cleanup;
	}
	if (read_all(&sh, workers, jobs, err) < 0)
		goto cleanup;
	ret = 0;

cleanup:
	/* the delta bases go with the reading: finishing and rendering come next */
	if (opts->packs)
		kvmd_packs_drop_cache(opts->packs);
	for (i = 0; workers && i < jobs; i++) {
		if (workers[i].repo != repo)
			git_repository_free(workers[i].repo);
	}
	free(workers);
	free(ids);
	kvmd_mailmap_free(mailmap);
	kvmd_buf_release(&sh.err);
	pthread_mutex_destroy(&sh.lock);
	return ret;
}
