#ifndef KVMD_TALLY_H
#define KVMD_TALLY_H

#include <stddef.h>

/*
 * Counts messages (or commits) per identity, as the contributor tables
 * need it: identities are grouped by address ignoring case; the name
 * shown is the one seen most often for that address (a message without a
 * name does not vote), the address shown is the spelling seen most often,
 * and a tie goes to the newest message.  "Newest" is the smallest `seq`:
 * callers number messages in walk order, newest first.
 *
 * Memory grows with the distinct identities and their spellings, never
 * with the number of messages.
 */
struct kvmd_tally;

struct kvmd_tally_row {
	char *text;   /* what the table shows: identity or domain */
	size_t count;
	size_t id;    /* the identity's index; (size_t)-1 for a domain */
};

struct kvmd_tally *kvmd_tally_new(void);
void kvmd_tally_free(struct kvmd_tally *t);

/*
 * Counts one message for `email` (required) with display `name` (NULL or
 * "" for none); returns the identity's index, stable for the tally's life.
 */
size_t kvmd_tally_add(struct kvmd_tally *t, const char *name,
		      const char *email, size_t seq);

size_t kvmd_tally_size(const struct kvmd_tally *t);
size_t kvmd_tally_total(const struct kvmd_tally *t);

/* The chosen name (NULL when none voted) and address of identity `i`; borrowed. */
const char *kvmd_tally_name(const struct kvmd_tally *t, size_t i);
const char *kvmd_tally_email(const struct kvmd_tally *t, size_t i);
size_t kvmd_tally_count(const struct kvmd_tally *t, size_t i);

/* The index of `email`'s identity, or (size_t)-1. */
size_t kvmd_tally_find(const struct kvmd_tally *t, const char *email);

/*
 * The identities (`domains` false; text in RFC 5322 display form) or their
 * domains (`domains` true), highest count first, equal counts in
 * descending byte order of the text.  Returns the number of rows; free
 * them with kvmd_tally_rows_free().
 */
size_t kvmd_tally_rows(const struct kvmd_tally *t, int domains,
		       struct kvmd_tally_row **out);
void kvmd_tally_rows_free(struct kvmd_tally_row *rows, size_t nr);

#endif
