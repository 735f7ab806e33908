#ifndef KVMD_APPLIED_H
#define KVMD_APPLIED_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where each patch went: the posted patches of the archive index
 * (index.h) joined with the commits they became, by stable patch-id
 * (patchid.h), both ways.
 *
 *   mail -> applied   for a patch mail, the commits on the applied refs
 *                     (kvmdigest.appliedRef) that carry the same diff, or,
 *                     when none does (a maintainer's fix-up on the way
 *                     in), the same author address and subject key
 *   commit -> posted  for a code commit, the patch mail it was posted as
 *
 * It keeps, in the index's database and within the index's run (between
 * kvmd_index_begin() and kvmd_index_commit()):
 *
 *   code         one row per non-merge code commit seen: its id, stable
 *                patch-id (NULL when it changes nothing), author address,
 *                subject key (kvmd_status_subject_key() of its summary),
 *                committer date
 *   code_ref     which applied ref each of them was walked from (one row
 *                per commit and ref: a commit on kvm/next and on
 *                origin/master has two)
 *   applied_ref  each applied ref walked, its walked tip and the date its
 *                walk was bounded by
 *
 * A commit is stored the first time it is seen, walked from an applied
 * ref (kvmd_applied_refresh()) or digested (kvmd_applied_store_commit());
 * its patch-id is never computed twice.
 *
 * The first walk of a ref is bounded: a kernel's origin/master has 1.3
 * million commits, and only those as recent as the posted patches can
 * match one.  It stores the commits whose commit date is not older than
 * the oldest indexed patch mail's date minus KVMD_APPLIED_MARGIN_DAYS
 * (30) days; later runs walk only what is new since the walked tip.  A
 * ref rewritten (its tip no longer descends from the walked one: a
 * rebased queue) is walked again as the first time, and what it held
 * before is forgotten.  When older mails are indexed later (an earlier
 * epoch), the next refresh walks the ref again down to the new bound
 * (commits already stored are not hashed again).  With no patch mail
 * indexed, refs are not walked at all (there is nothing to match).
 * The author address is the commit's as written (no mailmap); the
 * subject match compares it with the patch mail's contributor address
 * ignoring case.
 *
 * Layer 3.  Never prints: errors come back as -1 (or the index's
 * KVMD_INDEX_CORRUPT, KVMD_INDEX_BUSY) with the reason in `err`.  One
 * thread at a time (the patch-ids of a refresh are computed on `jobs`
 * threads inside kvmd_applied_refresh(), which hands them back to the
 * caller's thread).
 */

struct kvmd_buf;
struct kvmd_index;

/* How far before the oldest indexed patch mail a ref's first walk goes. */
#define KVMD_APPLIED_MARGIN_DAYS 30

struct kvmd_applied;

/*
 * Opens the engine on `ix` (an index in its run) and `repo`, with the
 * applied refs: every ref matching one of `patterns` (kvmdigest.appliedRef
 * values in configuration order), matched as kvmdigest.ref's are
 * (watch.h: fnmatch() globs, `*` crossing `/` too; a name not under
 * `refs/` stands for `refs/remotes/<name>` and `refs/heads/<name>`).
 * Symbolic refs (origin/HEAD) are left out: their target is one.  A
 * ref's rank is the first pattern it matches; refs of one pattern rank
 * by name.
 * `npatterns` may be 0: the engine then stores and finds posted mails
 * (kvmd_applied_store_commit(), kvmd_applied_posted()) but no commit is
 * applied.
 *
 * `ix` and `repo` are borrowed and must outlive the engine; `patterns`
 * is read during the call only.  One engine per index run at a time.  `*out` is NULL after a failure.  A pattern that matches
 * no ref is not an error (kvmd_applied_refs() says which refs matched).
 */
int kvmd_applied_open(struct kvmd_applied **out, struct kvmd_index *ix,
		      git_repository *repo, const char *const *patterns,
		      size_t npatterns, struct kvmd_buf *err);

/* Closes the engine (not the index).  NULL is fine. */
void kvmd_applied_free(struct kvmd_applied *a);

/*
 * The applied refs the patterns matched, by rank (full names); borrowed
 * from the engine until kvmd_applied_free().
 */
size_t kvmd_applied_refs(const struct kvmd_applied *a, const char *const **out);

/* What a refresh did, for progress lines and tests. */
struct kvmd_applied_stats {
	size_t refs;        /* applied refs looked at */
	size_t walked;      /* non-merge commits walked */
	size_t hashed;      /* of those, new: their patch-ids computed and stored */
	int64_t bound;      /* the first walks' date bound (0 when no walk was first) */
};

/*
 * Brings the index up to date with the applied refs: walks each ref from
 * its tip down to its walked tip (or, the first time, down to the date
 * bound above), stores the commits not yet stored, their patch-ids
 * computed on `jobs` threads (kvmd_patchid_commits()), and records that
 * the ref was walked from each of them; then records the new tips.
 * Merges are walked through, not stored.  `stats` may be NULL.
 */
int kvmd_applied_refresh(struct kvmd_applied *a, int jobs,
			 struct kvmd_applied_stats *stats, struct kvmd_buf *err);

/*
 * Stores a commit the caller has seen anyway (a code digest's commit,
 * with the patch-id kvmd_patchid_commit_stat() gave in its diffstat
 * walk): `patch_id` NULL when the commit changes nothing.  A commit
 * already stored is left as it is (0).  Merges are the caller's to skip.
 * The commit is not on any applied ref by this call: only a refresh
 * says where it is.
 */
int kvmd_applied_store_commit(struct kvmd_applied *a, const git_commit *c,
			      const git_oid *patch_id, struct kvmd_buf *err);

/* How a patch mail and a commit were matched. */
enum kvmd_applied_how {
	KVMD_APPLIED_PATCH_ID = 1, /* the same stable patch-id */
	KVMD_APPLIED_SUBJECT,      /* no commit has its patch-id: the same author
				      address (ignoring case) and subject key */
};

/* "patch-id" or "subject", as JSON's `match` says it. */
const char *kvmd_applied_how_name(enum kvmd_applied_how how);

/* One commit a patch mail became.  Borrowed for the callback's duration. */
struct kvmd_applied_match {
	const char *message_id;   /* the patch mail's, as asked for */
	const char *commit;       /* full hex */
	const char *ref;          /* the best-ranked applied ref it was walked from */
	enum kvmd_applied_how how;
	int64_t date;             /* the commit's committer date */
};

/*
 * For each of the `n` patch mails `message_ids` (without angle
 * brackets), in that order, calls `cb` with every commit on an applied
 * ref it became: by patch-id, or, when no commit on an applied ref has
 * its patch-id, by subject (only for a mail whose subject makes it a
 * patch, not a cover letter).  A mail's commits come by rank of their
 * ref, then by commit date and id; a commit on several refs comes once,
 * with its best-ranked ref.  A mail not in the index, or not applied,
 * gets no call.  A non-zero return from `cb` stops the lookup and is
 * returned.  Does not refresh: call kvmd_applied_refresh() first.
 */
int kvmd_applied_for_mail(struct kvmd_applied *a, const char *const *message_ids, size_t n,
			  int (*cb)(const struct kvmd_applied_match *m, void *data),
			  void *data, struct kvmd_buf *err);

/* The patch mail a commit was posted as. */
struct kvmd_applied_post {
	const char *message_id;   /* borrowed from the engine until the next */
	int64_t date;             /*  kvmd_applied_posted() or kvmd_applied_free() */
	int version;              /* vN, 1 when absent */
	int number;               /* n of n/N; -1 when not numbered */
	int total;                /* N of n/N; -1 when not numbered */
	enum kvmd_applied_how how;
};

/*
 * The indexed patch mail commit `c` was posted as: one with the same
 * `patch_id` (NULL: none, as for a commit that changes nothing), else
 * one with the commit's author address and subject key; among several,
 * the newest version wins, then the newest date, then the smallest
 * Message-ID.  1 with `*out` filled, 0 when no indexed mail matches
 * (`*out` zeroed), or <0 with the reason in `err`.
 */
int kvmd_applied_posted(struct kvmd_applied_post *out, struct kvmd_applied *a,
			const git_commit *c, const git_oid *patch_id,
			struct kvmd_buf *err);

#endif
