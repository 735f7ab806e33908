#ifndef KVMD_RENDER_H
#define KVMD_RENDER_H

#include <stddef.h>

struct kvmd_buf;
struct kvmd_digest;
struct kvmd_status;

/* How to show a finished digest. */
struct kvmd_render_opts {
	const char *title;      /* "KVM mailing list update" by default */
	int top;                /* rows per table */
	unsigned sections;      /* enum kvmd_section bits */
	const char *old_hex;    /* the range's ends, full hex; `old` may be NULL */
	const char *new_hex;
	/* the status sections' model (status.h), or NULL: they are then left out */
	const struct kvmd_status *status;
	/*
	 * The applied and posted sections (applied.h): the number of
	 * kvmdigest.appliedRef values (none: the sections say how to set
	 * one), and whether the lookups ran (the archive index was there).
	 * Applied patches are in `status`, posted mails in the digest.
	 */
	int applied_refs;
	int applied_known;
	const char *link_base;  /* "https://lore.kernel.org/kvm/", or NULL: no links */
	int links;              /* --links: a Link: line under each entry */
	/*
	 * --group-by=area: the patch list and the status section under a
	 * heading line per area (the digest's areas, status.h series' from
	 * their subject), instead of one list.
	 */
	int group_by_area;
	/*
	 * --area: the status sections' series restricted to these areas
	 * (kvmd_area_matches()); the digest was restricted as it was made
	 * (kvmd_digest_only_areas()).  NULL: every area.
	 */
	const char *const *areas;
	size_t nareas;
	/*
	 * Text only, may be NULL: called with what is rendered so far
	 * whenever it passes KVMD_RENDER_FLUSH bytes, and at the end; it
	 * takes the text (and empties `out`), so that a digest of any
	 * length is written in pieces rather than held whole.
	 */
	void (*flush)(struct kvmd_buf *out, void *data);
	void *flush_data;
};

#define KVMD_RENDER_FLUSH (64 * 1024)

#define KVMD_DEFAULT_TITLE "KVM mailing list update"
#define KVMD_DEFAULT_TOP 15
#define KVMD_SEPARATOR_LEN 70

/*
 * Appends the digest as text, in the format of the digest-format page.
 * Returns 0, or -1 with errno set when its entries cannot be read back
 * (kvmd_digest_entry()).
 */
int kvmd_render_text(struct kvmd_buf *out, const struct kvmd_digest *d,
		     const struct kvmd_render_opts *opts);

/*
 * Appends the digest as one JSON document (see OUTPUT in the man page).
 * Returns 0, or -1 with errno set when its entries cannot be read back
 * or the JSON library fails.
 */
int kvmd_render_json(struct kvmd_buf *out, const struct kvmd_digest *d,
		     const struct kvmd_render_opts *opts);

/* The first line of a text output: "From <old8> to <new8>". */
void kvmd_render_section_key(struct kvmd_buf *out, const char *old_hex,
			     const char *new_hex);

/*
 * The period of a digest as the headings of the sections added after
 * the format page's name it: "2025-10-01 to 2025-10-22 (1a2b3c4d..5e6f7a8b)",
 * its first and last dates (kvmd_digest_dates(), UTC) and the range's
 * ends ("root" for none).  An unknown date reads "an unknown date".
 */
void kvmd_render_period(struct kvmd_buf *out, const struct kvmd_digest *d,
			const struct kvmd_render_opts *opts);

/*
 * The length of the key line `p` starts with ("From <hex|root> to <hex>",
 * at least 4 hex digits each, ending at a newline or at `avail`), or 0.
 * The renderer quotes mail text of this form with a '>', so in a digest
 * only the first line is one.
 */
size_t kvmd_render_section_key_len(const char *p, size_t avail);



/*
 * Parses a comma-separated list of section names (domains, contributors,
 * signers, reviewers, patches, messages, status, waiting, newcomers,
 * applied, posted, areas; `default` for the example's four, `all` for
 * every one) into enum kvmd_section bits.  Returns 0, or
 * -1 with the reason in `err`: an unknown section, or a list that names
 * none (`""`, `","`).
 */
int kvmd_render_parse_sections(unsigned *out, const char *list, struct kvmd_buf *err);

#endif
