#ifndef KVMD_SCAN_H
#define KVMD_SCAN_H

#include <git2.h>

struct kvmd_buf;
struct kvmd_config;
struct kvmd_digest;
struct kvmd_mail;
struct kvmd_message;
struct kvmd_packs;
struct kvmd_range;
struct kvmd_status_msg;
struct kvmd_subject_parser;

/*
 * How to read a range.  The callbacks may be NULL; the scan calls them
 * from its reading threads, but never two at once, so they need no lock
 * of their own.  `report_data` is handed to each.
 */
struct kvmd_maintainers;

struct kvmd_scan_opts {
	int want_trailers;  /* parse trailers (signers, reviewers, JSON) */
	/* `done` of `total` commits read; called as blocks of them are done */
	void (*progress)(size_t done, size_t total, void *report_data);
	/* a commit left out of the digest, and why (it is counted in the digest too) */
	void (*skipped)(const char *commit_hex, const char *why, void *report_data);
	void *report_data;
	struct kvmd_config *config; /* mailmap and cache settings; may be NULL */
	int jobs;           /* readers (threads), 1 or more; the digest is the
			       same whatever the number */
	size_t reader_min;  /* the fewest commits worth one more reader, which
			       opens the repository again (0: 64, one block
			       of the work) */
	struct kvmd_packs *packs; /* the packs `repo` reads through (attached
			       with kvmd_packs_attach), for the other readers
			       too; its cache is sized for each scan and
			       emptied after it.  NULL: libgit2 reads all */
	size_t delta_cache; /* the packs' delta-base cache for this scan, in
			       bytes (0: none); see KVMD_PACK_CACHE_DEFAULT */
	/*
	 * Each mail read that has a Message-ID, as the archive index keeps
	 * it (index.h): identities mapped, a patch's own trailers or a
	 * reply's follow-ups (followup.h, from the HTML text of an HTML-only
	 * reply), and for a series start its change-id and links; `in_range`
	 * 0.  Everything is borrowed for the call.  Called as the callbacks
	 * above are, one at a time, with `mail_data`.  NULL: none of it is
	 * read.
	 */
	void (*mail)(const char *commit_hex, const char *blob_hex,
		     const struct kvmd_status_msg *m, void *mail_data);
	void *mail_data;
	/*
	 * opts->mail gets the Message-ID and the thread root alone (every
	 * other field 0): for an index that holds the range already and
	 * only marks it (kvmd_index_mark_mail()), so that no trailer,
	 * follow-up or link is parsed for it.
	 */
	int mail_ids_only;
	/*
	 * Code commits' areas: the MAINTAINERS section of the files each
	 * touches (maintainers.h), only read.  NULL: code commits have none.
	 */
	const struct kvmd_maintainers *maintainers;
	/*
	 * Each code commit digested, with its stable patch-id (patchid.h;
	 * NULL when it changes nothing), computed in the diffstat's walk:
	 * the diff is not made twice.  Called as `mail` is, one at a time,
	 * with `code_data`.  NULL: no patch-id is computed.
	 */
	void (*code)(const git_oid *commit, const git_oid *patch_id, void *code_data);
	void *code_data;
};

/*
 * Walks `range` in `repo` newest first and adds every commit to `d`
 * (with `d` NULL, mails are only handed to opts->mail: the archive
 * index's own reading, which digests nothing):
 * mail commits as messages, public-inbox removals skipped, other commits
 * as code commits (merges left out).  A message that cannot be read or
 * parsed is skipped (opts->skipped) and counted in the digest.  Returns 0,
 * or -1 with a message in `err` when the range itself cannot be walked.
 * The caller finishes the digest (kvmd_digest_finish) after a success.
 *
 * libgit2 should be set up for reading whole histories first, as the
 * front end does: no re-hashing of what is read
 * (GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION off) and no object cache
 * (GIT_OPT_ENABLE_CACHING off), since every object is read once.
 */
int kvmd_scan(struct kvmd_digest *d, git_repository *repo,
	      const struct kvmd_range *range, const struct kvmd_scan_opts *opts,
	      struct kvmd_buf *err);

/*
 * Fills `m` from a parsed mail as the scanner adds it: the headers, the
 * subject's kind, and for a new patch its log message, cut.  The
 * contributor is the mail's author before any mailmap, and there are no
 * trailers: those are the caller's.  `m` borrows from `mail`.
 */
void kvmd_scan_message(struct kvmd_message *m, const struct kvmd_mail *mail,
		       const char *commit, size_t seq, struct kvmd_subject_parser *subjects);

#endif
