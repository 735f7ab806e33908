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
struct kvmd_subject_parser;

/* How to read a range. */
struct kvmd_scan_opts {
	int want_trailers;  /* parse trailers (signers, reviewers, JSON) */
	int progress;       /* "Digesting: N% (i/n)" on stderr: 0 never, 1 after
			       the first second (as git delays it), 2 at once */
	struct kvmd_config *config; /* for the mailmap settings; may be NULL */
	int jobs;           /* readers (threads), 1 or more; the digest is the
			       same whatever the number */
	struct kvmd_packs *packs; /* the packs `repo` reads through (attached
			       with kvmd_packs_attach), for the other readers
			       too; its cache is sized for each scan and
			       emptied after it.  NULL: libgit2 reads all */
};

/*
 * libgit2's process-wide settings for reading whole histories: call
 * once, before anything is read (resolving the range reads too).
 */
void kvmd_scan_global_init(void);

/*
 * Walks `range` in `repo` newest first and adds every commit to `d`:
 * mail commits as messages, public-inbox removals skipped, other commits
 * as code commits (merges left out).  A message that cannot be read or
 * parsed is skipped with a warning and counted in the digest.  Returns 0,
 * or -1 with a message in `err` when the range itself cannot be walked.
 * The digest is finished (kvmd_digest_finish) on success.
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
