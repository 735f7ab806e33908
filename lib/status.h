#ifndef KVMD_STATUS_H
#define KVMD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "subject.h"
#include "trailer.h"

/*
 * The series/status model: what happened to each series on the list.
 * The archive index (index.h, layer 3) loads the messages that matter
 * for a digest - the range's, the threads they are in, the earlier
 * versions of their series and the series still waiting for an answer -
 * and hands them here; the model groups them into series, gives each
 * patch the follow-up trailers of the replies below it, links versions
 * and finds what waits.  Layer 2: no git objects, no SQLite.
 *
 * The model copies what it is given: the strings of a kvmd_status_msg
 * are borrowed only for the duration of kvmd_status_add().  What the
 * accessors return is borrowed from the model until kvmd_status_free().
 */

/* One indexed mail, as the index keeps it and the model reads it. */
struct kvmd_status_msg {
	const char *message_id;   /* without angle brackets; never NULL */
	int64_t date;             /* seconds since the epoch (UTC); 0 (or less) unknown */
	const char *name;         /* the contributor (in-body From, else From), mapped */
	const char *email;
	const char *sender_email; /* the header From's address, mapped: whose trailers count */
	const char *subject;      /* decoded */
	struct kvmd_subject tag;  /* kind, version, number, total */
	const char *in_reply_to;  /* NULL when none */
	const char *root;         /* the thread's root: the first References id,
				     else In-Reply-To, else the message itself */
	/*
	 * Replies: the follow-up trailers given in the body
	 * (kvmd_followups_parse).  Patches: the trailers they carry
	 * (kvmd_trailers_parse_body), so that a follow-up the patch already
	 * has is not counted again.  Identities mapped.
	 */
	const struct kvmd_trailer *trailers;
	size_t ntrailers;
	const char *change_id;    /* b4 change-id, or NULL */
	const char *const *links; /* Message-IDs the body links to */
	size_t nlinks;
	int in_range;             /* the message is in the digested range */
	/*
	 * A patch's stable patch-id (patchid.h: kvmd_patchid_mail()), 20
	 * raw bytes, when `has_patch_id` is set: the scan computes it for
	 * each mail whose subject makes it a patch and whose body carries a
	 * diff libgit2 parses.  The index stores it; the model ignores it.
	 */
	unsigned char patch_id[20];
	int has_patch_id;
};

/*
 * The key two versions of a series share: `subject` without its leading
 * `[...]` tags and `Re:`/`Fwd:` prefixes, lower-cased (ASCII), runs of
 * white space made one space, trimmed.  Written to `out` (reset first).
 */
struct kvmd_buf;
void kvmd_status_subject_key(struct kvmd_buf *out, const char *subject);

/*
 * Whether `m` starts a series: a patch numbered 0 (a cover letter) or 1,
 * or a patch without a number, that is not a new version of one patch
 * sent in reply to an earlier version's (a partial reroll: n/N, N > 1,
 * in reply to patch n of a lower version), nor patch 1 in reply to its
 * own version's cover letter.  A cover letter or patch 1 of v2 sent in
 * reply to v1's starts one.
 * `parent` is the message `m` replies to, when known (else NULL).
 */
int kvmd_status_starts_series(const struct kvmd_status_msg *m,
			      const struct kvmd_status_msg *parent);

/* A follow-up trailer as the model attributes it. */
struct kvmd_followup {
	const char *key;          /* e.g. "Reviewed-by", as written */
	const char *name;         /* mapped; NULL when none */
	const char *email;
	const char *message_id;   /* the reply that gave it */
	int mismatched;           /* the address is not the reply sender's (case, a +tag and one
				     leading domain label aside, as b4 compares): not counted */
};

/* How a patch was found on an applied ref (kvmd_status_add_applied()). */
enum kvmd_status_match {
	KVMD_MATCH_PATCH_ID,      /* the commit's patch-id is the mail's */
	KVMD_MATCH_SUBJECT,       /* the content changed on the way in: same author
				     address, same subject without its tag */
};

/* A commit a patch became. */
struct kvmd_status_applied {
	const char *commit;       /* full hex */
	const char *ref;          /* the applied ref it is on, e.g. refs/remotes/kvm/next */
	int match;                /* enum kvmd_status_match */
};

struct kvmd_status_patch {
	int number;               /* n of n/N; 1 for a lone patch */
	int version;              /* a partial reroll's own version; else the series' */
	const char *subject;
	const char *message_id;
	int64_t date;
	const struct kvmd_followup *followups;  /* given to this patch (not via the cover) */
	size_t nfollowups;
	const char *email;        /* the contributor's address (mapped) */
	const struct kvmd_status_applied *applied;  /* in the order added; none until
						       kvmd_status_add_applied() */
	size_t napplied;
};

/* The version a series continues. */
struct kvmd_status_previous {
	int version;
	const char *message_id;
	int64_t date;
	size_t replies;
	const struct kvmd_followup *followups;  /* all it received, cover's and patches' */
	size_t nfollowups;
};

struct kvmd_status_series {
	const char *subject;      /* the cover letter's, else patch 1's, else the lone patch's */
	int version;
	int total;                /* N of n/N; 1 for a lone patch */
	const char *name;         /* the sender, mapped */
	const char *email;
	const char *message_id;   /* the cover letter's, else patch 1's */
	int64_t date;
	size_t messages;          /* cover letter and patches in the index */
	size_t replies;           /* replies in its thread so far, from anyone */
	const struct kvmd_status_previous *previous;  /* NULL when none */
	int waiting_days;         /* -1 unless the series is waiting (a series that a
				     later version follows never is) */
	int in_status;            /* new in the range or answered in it */
	const struct kvmd_followup *followups;  /* given on the cover letter: every patch's */
	size_t nfollowups;
	const struct kvmd_status_patch *patches;  /* by number */
	size_t npatches;
	int in_applied;           /* the `applied` section looks at it: in_status, or
				     waiting when the model was finished */
	int fully_applied;        /* every patch 1..total is there and applied: the
				     series is no longer waiting (waiting_days -1) */
};

struct kvmd_status_newcomer {
	const char *name;         /* NULL when none */
	const char *email;
	const char *message_id;   /* their first message */
};

struct kvmd_status_opts {
	int wait_days;            /* kvmdigest.waitDays: 7 by default */
	int64_t now;              /* the date of the range's newest message */
	const char *const *ignore_from;  /* kvmdigest.ignoreFrom: replies that do not count */
	size_t nignore_from;
};

struct kvmd_status;

struct kvmd_status *kvmd_status_new(void);
void kvmd_status_free(struct kvmd_status *s);

/*
 * Adds one loaded message (copied), in any order: kvmd_status_finish()
 * reads them by date, then Message-ID.  A Message-ID added twice is kept
 * once.
 */
void kvmd_status_add(struct kvmd_status *s, const struct kvmd_status_msg *m);

/*
 * Before kvmd_status_finish(): how many messages were added, and the
 * messages added after the first `n` dropped again, for a loader that
 * learns only once it has read a thread that the thread is not wanted.
 * A message added again meanwhile (kept once) keeps its `in_range`.
 */
size_t kvmd_status_count(const struct kvmd_status *s);
void kvmd_status_drop_from(struct kvmd_status *s, size_t n);

/* The index's answers for the `newcomers` section (copied). */
void kvmd_status_add_newcomer(struct kvmd_status *s, const char *name, const char *email,
			      const char *message_id);
void kvmd_status_add_new_domain(struct kvmd_status *s, const char *domain);

/*
 * Groups the messages into series, attributes follow-ups, links
 * versions and finds the waiting series.  Call once, after the last add.
 * Returns 0, or -1 with the reason in `err`.
 */
int kvmd_status_finish(struct kvmd_status *s, const struct kvmd_status_opts *o,
		       struct kvmd_buf *err);

/*
 * The series, oldest first (by date, then Message-ID): every series the
 * loaded messages make up.  The `status` section shows those with
 * `in_status`.
 */
size_t kvmd_status_series(const struct kvmd_status *s,
			  const struct kvmd_status_series *const **out);
/* The waiting series, oldest first. */
size_t kvmd_status_waiting(const struct kvmd_status *s,
			   const struct kvmd_status_series *const **out);
/*
 * After kvmd_status_finish(): records that the patch `message_id` became
 * `commit` on `ref` (copied; the same commit and ref twice is kept
 * once).  A series whose every patch is then applied is fully applied
 * and leaves the waiting list.  Returns 1, or 0 when `message_id` is not
 * a patch of a series in the model (nothing is kept).
 */
int kvmd_status_add_applied(struct kvmd_status *s, const char *message_id,
			    const char *commit, const char *ref, enum kvmd_status_match match);

/*
 * The patch `message_id` of a finished model and (unless `series` is
 * NULL) its series: how a code commit's posted mail finds the follow-ups
 * it got.  NULL when it is not a patch of a series in the model.
 */
const struct kvmd_status_patch *kvmd_status_find_patch(const struct kvmd_status *s,
							const char *message_id,
							const struct kvmd_status_series **series);

size_t kvmd_status_newcomers(const struct kvmd_status *s,
			     const struct kvmd_status_newcomer **out);
size_t kvmd_status_new_domains(const struct kvmd_status *s, const char *const **out);

#endif
