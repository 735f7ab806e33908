#ifndef KVMD_DIGEST_H
#define KVMD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "subject.h"
#include "trailer.h"

/*
 * The digest of one range: the contributor tally, the new patches and
 * code commits as entries, and the series they group into.  Messages
 * are added in any order, each with its position `seq` in the walk
 * (newest first, 0 for the newest); kvmd_digest_finish() then orders
 * and groups everything.  The digest copies what it keeps: the strings
 * passed in are borrowed only for the duration of a call.
 *
 * What it keeps is proportional to the distinct contributors, the new
 * patches and code commits (their text is printed; see
 * kvmd_digest_spill()) and a few words per other patch (to group
 * series); never the text of replies or of other patches.
 */
struct kvmd_digest;
struct kvmd_tally;

/* One mail, as the digest needs it; the scanner fills it from a kvmd_mail. */
struct kvmd_message {
	const char *commit;       /* the archive commit, full hex */
	size_t seq;
	const char *subject;      /* decoded */
	struct kvmd_subject tag;
	const char *contributor_name;  /* after the mailmap */
	const char *contributor_email;
	const char *from_name;    /* header From, for the Author: line */
	const char *from_email;
	const char *message_id;
	int64_t date;             /* the Date header, seconds since the epoch (UTC); 0 unknown */
	const char *in_reply_to;
	const char *const *refs;
	size_t nrefs;
	const char *body;         /* the entry's body, already cut; new patches only */
	size_t body_len;
	const struct kvmd_trailer *trailers;
	size_t ntrailers;
	/*
	 * Replies (not patches, with an In-Reply-To): the follow-up trailers
	 * of their body (followup.h), identities mapped; the reviewers table
	 * counts those of kind REVIEWER for the address `sender_email`, the
	 * header From's after the mailmap (another address's are not counted).
	 */
	const struct kvmd_trailer *followups;
	size_t nfollowups;
	const char *sender_email;
};

/* One code commit of a kernel checkout. */
struct kvmd_code_commit {
	const char *commit;       /* full hex */
	size_t seq;
	const char *subject;
	const char *author_name;  /* after the mailmap */
	const char *author_email;
	const char *body;         /* the message after the subject and its blank line */
	size_t body_len;
	const char *diffstat;     /* as format-patch prints it */
	const struct kvmd_trailer *trailers;
	size_t ntrailers;
	int64_t date;             /* the committer date, seconds since the epoch (UTC); 0 unknown */
	const char *area;         /* its MAINTAINERS section (maintainers.h), or NULL */
};

/*
 * Where a code commit was posted: the patch mail of the archive index it
 * matches (applied.h finds it), and the follow-up trailers it got on the
 * list (the status model's, status.h: the patch's and its cover letter's).
 */
struct kvmd_posted {
	const char *message_id;   /* without angle brackets */
	int64_t date;             /* the mail's Date (seconds, UTC); 0 unknown */
	int version;              /* vN, 1 when absent */
	int by_subject;           /* matched by author and subject, not by patch-id */
	const struct kvmd_followup *followups;
	size_t nfollowups;
};

/* A commit that could not be digested, and why. */
struct kvmd_skip {
	char *commit;
	char *reason;
	size_t seq;
};

/* The tables a digest can show, for --sections. */
enum kvmd_section {
	KVMD_SECTION_DOMAINS = 1 << 0,
	KVMD_SECTION_CONTRIBUTORS = 1 << 1,
	KVMD_SECTION_SIGNERS = 1 << 2,
	KVMD_SECTION_REVIEWERS = 1 << 3,
	KVMD_SECTION_PATCHES = 1 << 4,
	KVMD_SECTION_MESSAGES = 1 << 5,
	/* the status sections, from the archive index (status.h) */
	KVMD_SECTION_STATUS = 1 << 6,
	KVMD_SECTION_WAITING = 1 << 7,
	KVMD_SECTION_NEWCOMERS = 1 << 8,
	/* where patches went (applied.h): mail digests, then code digests */
	KVMD_SECTION_APPLIED = 1 << 9,
	KVMD_SECTION_POSTED = 1 << 10,
	/* series and messages per area (area.h, maintainers.h) */
	KVMD_SECTION_AREAS = 1 << 11,
};
#define KVMD_SECTIONS_STATUS (KVMD_SECTION_STATUS | KVMD_SECTION_WAITING | \
			      KVMD_SECTION_NEWCOMERS)
#define KVMD_SECTIONS_DEFAULT (KVMD_SECTION_DOMAINS | KVMD_SECTION_CONTRIBUTORS | \
			       KVMD_SECTION_PATCHES | KVMD_SECTION_MESSAGES)

/* The most of a message's text an entry keeps (see OUTPUT in the man page). */
#define KVMD_ENTRY_MAX (64 * 1024)

/*
 * An entry: a new patch or a code commit, as the last section prints it,
 * read back with kvmd_digest_entry().  Its strings live in the entry
 * itself, until the next read into it or kvmd_entry_release().
 */
struct kvmd_entry {
	const char *commit;
	size_t seq;
	int is_code;
	const char *subject;
	const char *author;       /* "Name <email>" for the Author: line */
	const char *body;         /* at most KVMD_ENTRY_MAX bytes and a marker */
	size_t body_len;
	const char *diffstat;     /* code commits only, else NULL */
	size_t contributor;       /* index in the contributors tally */
	struct kvmd_subject tag;
	const struct kvmd_trailer *trailers;
	size_t ntrailers;
	const char *message_id;   /* a patch's, without angle brackets; NULL for none */
	int64_t date;             /* a patch's Date (seconds, UTC); 0 unknown or code */
	const char *area;         /* area.h, maintainers.h; NULL for none; borrowed
				     from the digest, not the entry */
	/* code commits: where it was posted (kvmd_digest_set_posted()), borrowed
	   from the digest; NULL when it was not, or not looked up */
	const struct kvmd_posted *posted;
	/* what the strings point into */
	struct kvmd_buf text_;
	struct kvmd_trailer *tv_;
	size_t talloc_;
};

#define KVMD_ENTRY_INIT { .text_ = KVMD_BUF_INIT }

/* A line of the patch list: a series, a lone patch or a code commit. */
struct kvmd_listing {
	const char *subject;     /* borrowed from the digest */
	const char *commit;      /* code commits: the commit, else NULL */
	size_t contributor;
	size_t messages;
	size_t pos;              /* orders the list: the seq of its first entry,
				    else of its newest message */
	const char *area;        /* the head's, or a code commit's; NULL for none */
};

/*
 * A row of the areas section: the lines of the patch list (series, lone
 * patches and code commits) and the messages (code commits) of an area.
 */
struct kvmd_area_count {
	const char *area;        /* NULL: the messages with none */
	size_t series;
	size_t messages;
};

struct kvmd_digest *kvmd_digest_new(void);
void kvmd_digest_free(struct kvmd_digest *d);

/*
 * Keep entries in an unlinked temporary file in $TMPDIR (else /tmp)
 * instead of memory, so that what a large range keeps in memory stays
 * small (a 100,000-message range holds ~50 MB of new-patch text).
 * Returns 0, or -1 (and entries stay in memory) when no temporary file
 * can be made.
 */
int kvmd_digest_spill(struct kvmd_digest *d);

/*
 * Restricts the digest to the areas `names` (kvmd_area_matches()), as
 * --area does: a mail whose subject's area (area.h), or a code commit
 * whose `area`, is not one of them is left out, from the tables too.
 * Call before the first add; the names are copied.
 */
void kvmd_digest_only_areas(struct kvmd_digest *d, const char *const *names, size_t n);

/*
 * The adds may be called from several threads at once, in any order of
 * seq: the finished digest is the same.
 */
void kvmd_digest_add_mail(struct kvmd_digest *d, const struct kvmd_message *m);
void kvmd_digest_add_code(struct kvmd_digest *d, const struct kvmd_code_commit *c);
/* Counts a message that could not be digested. */
void kvmd_digest_add_skipped(struct kvmd_digest *d, const char *commit, size_t seq,
			     const char *why);

/* Orders entries and groups series; call once, after the last add. */
void kvmd_digest_finish(struct kvmd_digest *d);

/* Read access for the renderers; everything is borrowed from `d`. */
const struct kvmd_tally *kvmd_digest_contributors(const struct kvmd_digest *d);
const struct kvmd_tally *kvmd_digest_signers(const struct kvmd_digest *d);
const struct kvmd_tally *kvmd_digest_reviewers(const struct kvmd_digest *d);
size_t kvmd_digest_entry_count(const struct kvmd_digest *d);
/*
 * Reads entry `i` (newest first) into `e`, which may hold an earlier
 * one.  Returns 0, or -1 with errno set when the temporary file it
 * waits in cannot be read back.
 */
int kvmd_digest_entry(const struct kvmd_digest *d, size_t i, struct kvmd_entry *e);
void kvmd_entry_release(struct kvmd_entry *e);
size_t kvmd_digest_listings(const struct kvmd_digest *d, const struct kvmd_listing **out);
size_t kvmd_digest_mail_count(const struct kvmd_digest *d);
size_t kvmd_digest_code_count(const struct kvmd_digest *d);
/*
 * The areas, most messages first (then by name, ASCII case-insensitive),
 * the row of messages without one (area NULL) last.  Mails get theirs
 * from their subject (kvmd_area_of_subject()), code commits as added.
 */
size_t kvmd_digest_areas(const struct kvmd_digest *d, const struct kvmd_area_count **out);

/*
 * The period the range covers: the oldest and the newest date of its
 * messages (their Date header) and code commits (their committer date),
 * seconds since the epoch (UTC); 0 for both when none is known.
 */
void kvmd_digest_dates(const struct kvmd_digest *d, int64_t *first, int64_t *last);

/*
 * After kvmd_digest_finish(): code commit `commit` (full hex) was posted
 * as `p` (copied).  A commit not in the digest is ignored.
 */
void kvmd_digest_set_posted(struct kvmd_digest *d, const char *commit,
			    const struct kvmd_posted *p);
/* The code commits with no kvmd_digest_set_posted(): never posted on an indexed list. */
size_t kvmd_digest_unposted(const struct kvmd_digest *d);

/* The skipped commits, newest first (out may be NULL); returns how many. */
size_t kvmd_digest_skipped(const struct kvmd_digest *d, const struct kvmd_skip **out);

#endif
