#include "render.h"
#include "area.h"
#include "buf.h"
#include "digest.h"
#include "ident.h"
#include "link.h"
#include "quote.h"
#include "status.h"
#include "tally.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Subjects, names and titles are one line each, whatever they decode to. */
static void add_safe(struct kvmd_buf *out, const char *s)
{
	kvmd_quote_line(out, s, strlen(s));
}

static void abbrev(struct kvmd_buf *out, const char *hex, size_t n)
{
	kvmd_buf_add(out, hex ? hex : "", hex ? (strlen(hex) < n ? strlen(hex) : n) : 0);
}

void kvmd_render_section_key(struct kvmd_buf *out, const char *old_hex,
			     const char *new_hex)
{
	kvmd_buf_adds(out, "From ");
	abbrev(out, old_hex ? old_hex : "root", 8);
	kvmd_buf_adds(out, " to ");
	abbrev(out, new_hex, 8);
}

static void table(struct kvmd_buf *out, const struct kvmd_tally *t, int domains,
		  const char *sep, int top, const char *heading, const char *basis)
{
	struct kvmd_tally_row *rows;
	size_t nr = kvmd_tally_rows(t, domains, &rows), i;

	kvmd_buf_addf(out, "Top %d %s (%s)\n\n", top, heading, basis);
	for (i = 0; i < nr && i < (size_t)top; i++) {
		kvmd_buf_addf(out, "%7zu%s", rows[i].count, sep);
		add_safe(out, rows[i].text);
		kvmd_buf_addch(out, '\n');
	}
	kvmd_buf_addch(out, '\n');
	kvmd_tally_rows_free(rows, nr);
}

static const char *contributor_name(const struct kvmd_tally *t, size_t i)
{
	const char *name = kvmd_tally_name(t, i);
	return name ? name : kvmd_tally_email(t, i);
}

size_t kvmd_render_section_key_len(const char *p, size_t avail)
{
	const char *q = p, *end = p + avail;
	size_t n;

	if (avail < 5 || memcmp(q, "From ", 5))
		return 0;
	q += 5;
	if (end - q >= 4 && !memcmp(q, "root", 4)) {
		q += 4;
	} else {
		for (n = 0; q + n < end && strchr("0123456789abcdef", q[n]) && q[n]; n++)
			;
		if (n < 4)
			return 0;
		q += n;
	}
	if (end - q < 4 || memcmp(q, " to ", 4))
		return 0;
	q += 4;
	for (n = 0; q + n < end && strchr("0123456789abcdef", q[n]) && q[n]; n++)
		;
	if (n < 4 || (q + n < end && q[n] != '\n'))
		return 0;
	return (size_t)(q + n - p);
}

/*
 * Mail text that would read as a section key line gets a '>' before it,
 * as mbox quotes "From " lines: notes.c finds sections by their key line,
 * and a stranger's message must not be able to write one.
 */
static void quote_key_line(struct kvmd_buf *out, const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (kvmd_render_section_key_len(line, len) == len && len)
		kvmd_buf_addch(out, '>');
}

static void add_body(struct kvmd_buf *out, const char *body)
{
	size_t len = strlen(body);
	const char *p = body, *end = body + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		quote_key_line(out, p, n);
		kvmd_quote_text(out, p, n + (nl ? 1 : 0));
		p += n + (nl ? 1 : 0);
	}
	if (len && body[len - 1] != '\n')
		kvmd_buf_addch(out, '\n');
}

static void entry(struct kvmd_buf *out, const struct kvmd_entry *e,
		  const struct kvmd_render_opts *o)
{
	kvmd_buf_adds(out, "New: ");
	if (e->is_code) {
		add_safe(out, e->subject);
		kvmd_buf_adds(out, "\ncommit ");
		abbrev(out, e->commit, 12);
		kvmd_buf_addch(out, ' ');
	} else {
		add_safe(out, e->subject + e->tag.tag_end);
		kvmd_buf_addch(out, '\n');
		quote_key_line(out, e->subject, strlen(e->subject));
	}
	add_safe(out, e->subject);
	kvmd_buf_adds(out, "\nAuthor: ");
	add_safe(out, e->author);
	if (o->links && e->message_id && o->link_base) {
		kvmd_buf_adds(out, "\nLink: ");
		kvmd_link_add(out, o->link_base, e->message_id);
	}
	kvmd_buf_adds(out, "\n\n");
	add_body(out, e->body);
	if (e->is_code) {
		kvmd_buf_adds(out, "---\n");
		add_body(out, e->diffstat);
		kvmd_buf_addch(out, '\n');
	}
	kvmd_buf_addchars(out, '-', KVMD_SEPARATOR_LEN);
	kvmd_buf_adds(out, "\n\n");
}

static void maybe_flush(struct kvmd_buf *out, const struct kvmd_render_opts *o, int last)
{
	if (o->flush && (last || out->len >= KVMD_RENDER_FLUSH))
		o->flush(out, o->flush_data);
}

/*
 * The status sections (status.h): what happened to each series, what
 * waits for an answer, who is new.  Every line that speaks of a message
 * ends with its link when there is a base, or is followed by a line
 * that does; mail-derived text goes through add_safe() as elsewhere.
 */

/* `pad` spaces and the link of message `id`, when there is a base: whether it wrote them. */
static int pad_link(struct kvmd_buf *out, const struct kvmd_render_opts *o, const char *id,
		    size_t pad)
{
	if (!o->link_base || !id || !*id)
		return 0;
	kvmd_buf_addchars(out, ' ', pad);
	kvmd_link_add(out, o->link_base, id);
	return 1;
}

/* " <link>" when there is a base and an id. */
static void end_link(struct kvmd_buf *out, const struct kvmd_render_opts *o, const char *id)
{
	pad_link(out, o, id, 1);
}

/* The day, in UTC, as 2025-10-22. */
static void add_day(struct kvmd_buf *out, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char day[32];

	if (!when || !gmtime_r(&t, &tm) || !strftime(day, sizeof(day), "%Y-%m-%d", &tm)) {
		kvmd_buf_adds(out, "an unknown date");
		return;
	}
	kvmd_buf_adds(out, day);
}

void kvmd_render_period(struct kvmd_buf *out, const struct kvmd_digest *d,
			const struct kvmd_render_opts *o)
{
	int64_t first, last;

	kvmd_digest_dates(d, &first, &last);
	add_day(out, first);
	kvmd_buf_adds(out, " to ");
	add_day(out, last);
	kvmd_buf_adds(out, " (");
	abbrev(out, o->old_hex ? o->old_hex : "root", 8);
	kvmd_buf_adds(out, "..");
	abbrev(out, o->new_hex, 8);
	kvmd_buf_addch(out, ')');
}

static void add_ident(struct kvmd_buf *out, const char *name, const char *email)
{
	struct kvmd_buf tmp = KVMD_BUF_INIT;

	kvmd_ident_format(&tmp, name, email ? email : "");
	add_safe(out, tmp.ptr);
	kvmd_buf_release(&tmp);
}

/* A series as the patch list shows one: its subject (name, n messages). */
static void series_line(struct kvmd_buf *out, const struct kvmd_status_series *s)
{
	add_safe(out, s->subject ? s->subject : "");
	kvmd_buf_adds(out, " (");
	add_safe(out, s->name && *s->name ? s->name : s->email ? s->email : "");
	kvmd_buf_addf(out, ", %zu message%s)", s->messages, s->messages == 1 ? "" : "s");
}

/* One line of follow-ups: a trailer key and identity, the patches it covers. */
struct followup_row {
	const struct kvmd_followup *first;
	int all;
	int *numbers;
	size_t nr, alloc;
};

static int same_followup(const struct kvmd_followup *a, const struct kvmd_followup *b)
{
	return !strcasecmp(a->key, b->key) && !strcasecmp(a->email ? a->email : "",
							  b->email ? b->email : "") &&
	       !a->mismatched == !b->mismatched;
}

static void add_followups(struct followup_row **rows, size_t *nr, size_t *alloc,
			  const struct kvmd_followup *f, size_t nf, int number)
{
	size_t i, k;

	for (i = 0; i < nf; i++) {
		struct followup_row *r = NULL;

		for (k = 0; k < *nr && !r; k++)
			if (same_followup((*rows)[k].first, &f[i]))
				r = &(*rows)[k];
		if (!r) {
			KVMD_ALLOC_GROW(*rows, *nr + 1, *alloc);
			r = &(*rows)[(*nr)++];
			memset(r, 0, sizeof(*r));
			r->first = &f[i];
		}
		if (number < 0) {
			r->all = 1;
			continue;
		}
		for (k = 0; k < r->nr && r->numbers[k] != number; k++)
			;
		if (k < r->nr)
			continue;
		KVMD_ALLOC_GROW(r->numbers, r->nr + 1, r->alloc);
		for (k = r->nr; k && r->numbers[k - 1] > number; k--)
			r->numbers[k] = r->numbers[k - 1];
		r->numbers[k] = number;
		r->nr++;
	}
}

/* `all`, or `1,3/5`. */
static void covered(struct kvmd_buf *out, const struct followup_row *r, int total)
{
	size_t k;

	if (r->all || (total > 0 && r->nr == (size_t)total && r->numbers[0] == 1 &&
		       r->numbers[r->nr - 1] == total)) {
		kvmd_buf_adds(out, "all");
		return;
	}
	for (k = 0; k < r->nr; k++)
		kvmd_buf_addf(out, "%s%d", k ? "," : "", r->numbers[k]);
	if (total > 0)
		kvmd_buf_addf(out, "/%d", total);
}

/*
 * `, Reviewed-by ×2`: per key, in the order first given, the different
 * people who gave it (mismatched ones left out).
 */
static void followup_counts(struct kvmd_buf *out, const struct kvmd_followup *f, size_t nf)
{
	struct key_count { const char *key; size_t people; } *keys = NULL;
	size_t nkeys = 0, alloc = 0, i, k;

	for (i = 0; i < nf; i++) {
		if (f[i].mismatched)
			continue;
		for (k = 0; k < i; k++)
			if (!f[k].mismatched && same_followup(&f[k], &f[i]))
				break;
		if (k < i)
			continue; /* this person gave this key already */
		for (k = 0; k < nkeys && strcasecmp(keys[k].key, f[i].key); k++)
			;
		if (k == nkeys) {
			KVMD_ALLOC_GROW(keys, nkeys + 1, alloc);
			keys[nkeys].key = f[i].key;
			keys[nkeys++].people = 0;
		}
		keys[k].people++;
	}
	for (k = 0; k < nkeys; k++) {
		kvmd_buf_adds(out, ", ");
		add_safe(out, keys[k].key);
		kvmd_buf_addf(out, " \xc3\x97%zu", keys[k].people);
	}
	free(keys);
}

static void status_block(struct kvmd_buf *out, const struct kvmd_status_series *s,
			 const struct kvmd_render_opts *o)
{
	struct followup_row *rows = NULL;
	size_t nr = 0, alloc = 0, i;

	series_line(out, s);
	kvmd_buf_adds(out, "\n  posted ");
	add_day(out, s->date);
	kvmd_buf_addf(out, ", %zu repl%s so far", s->replies, s->replies == 1 ? "y" : "ies");
	end_link(out, o, s->message_id);
	kvmd_buf_addch(out, '\n');

	add_followups(&rows, &nr, &alloc, s->followups, s->nfollowups, -1);
	for (i = 0; i < s->npatches; i++)
		add_followups(&rows, &nr, &alloc, s->patches[i].followups,
			      s->patches[i].nfollowups, s->patches[i].number);
	for (i = 0; i < nr; i++) {
		const struct kvmd_followup *f = rows[i].first;

		kvmd_buf_adds(out, "  ");
		add_safe(out, f->key);
		kvmd_buf_adds(out, ": ");
		add_ident(out, f->name, f->email);
		kvmd_buf_adds(out, " (");
		covered(out, &rows[i], s->total);
		if (f->mismatched)
			kvmd_buf_adds(out, ", mismatched: not the sender's address");
		kvmd_buf_addch(out, ')');
		end_link(out, o, f->message_id);
		kvmd_buf_addch(out, '\n');
		free(rows[i].numbers);
	}
	free(rows);

	if (s->previous) {
		const struct kvmd_status_previous *p = s->previous;

		kvmd_buf_addf(out, "  v%d, follows v%d of ", s->version, p->version);
		add_day(out, p->date);
		kvmd_buf_addf(out, ": %zu repl%s", p->replies, p->replies == 1 ? "y" : "ies");
		followup_counts(out, p->followups, p->nfollowups);
		end_link(out, o, p->message_id);
		kvmd_buf_addch(out, '\n');
	}
}

/* The area of a series of the status model, from its subject: malloc()ed, NULL for none. */
static char *series_area(struct kvmd_buf *area, const struct kvmd_status_series *s)
{
	kvmd_buf_reset(area);
	if (!s->subject || !kvmd_area_of_subject(area, s->subject, strlen(s->subject)))
		return NULL;
	return kvmd_xstrdup(area->ptr);
}

/* The heading line of an area's group: "--- KVM: x86 ---". */
static void group_heading(struct kvmd_buf *out, const char *area)
{
	kvmd_buf_adds(out, "--- ");
	add_safe(out, area ? area : "No area");
	kvmd_buf_adds(out, " ---\n");
}

/*
 * The status section: each series new in the range or answered in it,
 * oldest first; with --group-by=area, under a heading per area, the
 * areas in the order their first series comes, the series of none last.
 */
static void status_section(struct kvmd_buf *out, const struct kvmd_render_opts *o)
{
	const struct kvmd_status_series *const *series;
	size_t nr = kvmd_status_series(o->status, &series), i, k, shown = 0;
	struct kvmd_buf area = KVMD_BUF_INIT;
	char *done = kvmd_xcalloc(nr + 1, 1);
	char **areas = NULL;  /* each series' area, worked out once */
	int pass;

	kvmd_buf_adds(out, "===== Series status in this time period =====\n\n");
	for (i = 0; i < nr; i++)
		done[i] = !series[i]->in_status ||
			  !kvmd_area_subject_wanted(series[i]->subject, o->areas, o->nareas);
	for (i = 0; i < nr && !o->group_by_area; i++) {
		if (done[i])
			continue;
		if (shown++)
			kvmd_buf_addch(out, '\n');
		status_block(out, series[i], o);
		maybe_flush(out, o, 0);
	}
	if (o->group_by_area) {
		areas = kvmd_xcalloc(nr + 1, sizeof(*areas));
		for (i = 0; i < nr; i++)
			if (!done[i])
				areas[i] = series_area(&area, series[i]);
	}
	/* pass 0: the areas, each with all its series; pass 1: those of none */
	for (pass = 0; pass < 2 && o->group_by_area; pass++) {
		for (i = 0; i < nr; i++) {
			const char *name = areas[i];

			if (done[i])
				continue;
			if ((name == NULL) != (pass == 1))
				continue;
			if (shown)
				kvmd_buf_addch(out, '\n');
			group_heading(out, name);
			for (k = i; k < nr; k++) {
				const char *that = areas[k];

				if (done[k])
					continue;
				if (name ? !that || strcmp(that, name) : !!that)
					continue;
				done[k] = 1;
				if (k != i)
					kvmd_buf_addch(out, '\n');
				status_block(out, series[k], o);
				shown++;
				maybe_flush(out, o, 0);
			}
		}
	}
	kvmd_buf_addch(out, '\n');
	for (i = 0; areas && i < nr; i++)
		free(areas[i]);
	free(areas);
	kvmd_buf_release(&area);
	free(done);
}

static void status_sections(struct kvmd_buf *out, const struct kvmd_render_opts *o)
{
	const struct kvmd_status_series *const *series;
	size_t nr, i, shown;

	if (!o->status)
		return;
	if (o->sections & KVMD_SECTION_STATUS)
		status_section(out, o);
	if (o->sections & KVMD_SECTION_WAITING) {
		kvmd_buf_adds(out, "===== Waiting for a reply =====\n\n");
		nr = kvmd_status_waiting(o->status, &series);
		for (i = 0, shown = 0; i < nr && shown < (size_t)o->top; i++) {
			int days = series[i]->waiting_days;

			if (!kvmd_area_subject_wanted(series[i]->subject, o->areas, o->nareas))
				continue;
			shown++;

			kvmd_buf_addf(out, "%7d day%s  ", days, days == 1 ? " " : "s");
			series_line(out, series[i]);
			kvmd_buf_addch(out, '\n');
			/* the link on a line of its own, under the subject */
			if (pad_link(out, o, series[i]->message_id, 15))
				kvmd_buf_addch(out, '\n');
		}
		kvmd_buf_addch(out, '\n');
	}
	if (o->sections & KVMD_SECTION_NEWCOMERS) {
		const struct kvmd_status_newcomer *who;
		const char *const *domains;
		size_t nd = kvmd_status_new_domains(o->status, &domains), k;
		struct kvmd_buf domain = KVMD_BUF_INIT;

		nr = kvmd_status_newcomers(o->status, &who);
		kvmd_buf_adds(out, "===== Newcomers in this time period =====\n\n");
		for (i = 0; i < nr; i++) {
			kvmd_buf_adds(out, "New contributor: ");
			add_ident(out, who[i].name, who[i].email);
			end_link(out, o, who[i].message_id);
			kvmd_buf_addch(out, '\n');
		}
		for (i = 0; i < nd; i++) {
			kvmd_buf_adds(out, "New domain: ");
			add_safe(out, domains[i]);
			/* the first message from it, when a newcomer wrote it */
			for (k = 0; k < nr; k++) {
				kvmd_buf_reset(&domain);
				kvmd_ident_domain(&domain, who[k].email ? who[k].email : "");
				if (!strcasecmp(domain.ptr, domains[i]))
					break;
			}
			if (k < nr)
				end_link(out, o, who[k].message_id);
			kvmd_buf_addch(out, '\n');
		}
		kvmd_buf_release(&domain);
		kvmd_buf_addch(out, '\n');
	}
}

/*
 * The areas section: the list lines (series, lone patches, commits) and
 * messages of each area, most messages first, those of no area last.
 */
static void areas_section(struct kvmd_buf *out, const struct kvmd_digest *d,
			  const struct kvmd_render_opts *o)
{
	const struct kvmd_area_count *rows;
	size_t nr = kvmd_digest_areas(d, &rows), i;
	int code = !kvmd_digest_mail_count(d) && kvmd_digest_code_count(d);

	kvmd_buf_adds(out, "===== Areas from ");
	kvmd_render_period(out, d, o);
	kvmd_buf_adds(out, " =====\n\n");
	kvmd_buf_adds(out, code ? "Commits  Area\n" : " Series Messages  Area\n");
	for (i = 0; i < nr; i++) {
		if (code)
			kvmd_buf_addf(out, "%7zu  ", rows[i].messages);
		else
			kvmd_buf_addf(out, "%7zu %8zu  ", rows[i].series, rows[i].messages);
		add_safe(out, rows[i].area ? rows[i].area : "No area");
		kvmd_buf_addch(out, '\n');
	}
	kvmd_buf_addch(out, '\n');
}

/* A line of the patch list. */
static void listing_line(struct kvmd_buf *out, const struct kvmd_tally *who,
			 const struct kvmd_listing *l)
{
	if (l->commit) {
		abbrev(out, l->commit, 12);
		kvmd_buf_addch(out, ' ');
		add_safe(out, l->subject);
		kvmd_buf_adds(out, " (");
		add_safe(out, contributor_name(who, l->contributor));
		kvmd_buf_adds(out, ")\n");
	} else {
		add_safe(out, l->subject);
		kvmd_buf_adds(out, " (");
		add_safe(out, contributor_name(who, l->contributor));
		kvmd_buf_addf(out, ", %zu message%s)\n", l->messages,
			      l->messages == 1 ? "" : "s");
	}
}

/* --group-by=area: the patch list under a heading per area, as the areas section orders them. */
static void grouped_listings(struct kvmd_buf *out, const struct kvmd_digest *d,
			     const struct kvmd_render_opts *o)
{
	const struct kvmd_tally *who = kvmd_digest_contributors(d);
	const struct kvmd_area_count *rows;
	const struct kvmd_listing *list;
	size_t nr_rows = kvmd_digest_areas(d, &rows), i, k, shown = 0;
	size_t nr_list = kvmd_digest_listings(d, &list);

	for (i = 0; i < nr_rows; i++) {
		if (!rows[i].series)
			continue;
		if (shown++)
			kvmd_buf_addch(out, '\n');
		group_heading(out, rows[i].area);
		/* the areas' names are the digest's own: one pointer per area */
		for (k = 0; k < nr_list; k++) {
			if (list[k].area != rows[i].area)
				continue;
			listing_line(out, who, &list[k]);
			maybe_flush(out, o, 0);
		}
	}
}

/*
 * The applied and posted sections (applied.h): where each patch went,
 * and where each new commit came from.  Both need kvmdigest.appliedRef
 * and the archive index; without them they say so in one line.
 */
#define APPLIED_ARROW " \xe2\x86\x92 "

/* 1 when the section has what it needs, else its one line is written. */
static int applied_ready(struct kvmd_buf *out, const struct kvmd_render_opts *o)
{
	if (!o->applied_refs) {
		kvmd_buf_adds(out, "kvmdigest.appliedRef is not set: name the refs patches are "
			      "applied to, e.g. git config --add kvmdigest.appliedRef "
			      "'refs/remotes/kvm/*'\n");
		return 0;
	}
	if (!o->applied_known) {
		kvmd_buf_adds(out, "Not looked up: the archive index could not be used.\n");
		return 0;
	}
	return 1;
}

/* `abc123456789 in refs/remotes/kvm/next, ...` */
static void applied_commits(struct kvmd_buf *out, const struct kvmd_status_patch *p)
{
	size_t k;

	for (k = 0; k < p->napplied; k++) {
		kvmd_buf_adds(out, k ? ", " : APPLIED_ARROW);
		abbrev(out, p->applied[k].commit, 12);
		kvmd_buf_adds(out, " in ");
		add_safe(out, p->applied[k].ref);
	}
	if (p->napplied && p->applied[0].match == KVMD_MATCH_SUBJECT)
		kvmd_buf_adds(out, " (subject match)");
}

/* A fully applied series: `<subject> → all 3 patches in <ref>[, <ref>]`. */
static void applied_series_line(struct kvmd_buf *out, const struct kvmd_status_series *s)
{
	const char **refs = kvmd_xcalloc(s->npatches + 1, sizeof(*refs));
	size_t nrefs = 0, by_subject = 0, i, k;

	for (i = 0; i < s->npatches; i++) {
		const struct kvmd_status_patch *p = &s->patches[i];

		if (!p->napplied)
			continue;
		by_subject += p->applied[0].match == KVMD_MATCH_SUBJECT;
		for (k = 0; k < nrefs && strcmp(refs[k], p->applied[0].ref); k++)
			;
		if (k == nrefs)
			refs[nrefs++] = p->applied[0].ref;
	}
	add_safe(out, s->subject ? s->subject : "");
	kvmd_buf_addf(out, APPLIED_ARROW "all %d patches in ", s->total);
	for (k = 0; k < nrefs; k++) {
		if (k)
			kvmd_buf_adds(out, ", ");
		add_safe(out, refs[k]);
	}
	if (by_subject)
		kvmd_buf_addf(out, " (%zu by subject)", by_subject);
	kvmd_buf_addch(out, '\n');
	free(refs);
}

static void applied_section(struct kvmd_buf *out, const struct kvmd_render_opts *o)
{
	const struct kvmd_status_series *const *series;
	size_t nr, i, k;

	kvmd_buf_adds(out, "===== Applied patches =====\n\n");
	if (applied_ready(out, o) && o->status) {
		nr = kvmd_status_series(o->status, &series);
		for (i = 0; i < nr; i++) {
			const struct kvmd_status_series *s = series[i];

			if (!s->in_applied)
				continue;
			if (s->fully_applied && s->total > 1) {
				applied_series_line(out, s);
				continue;
			}
			for (k = 0; k < s->npatches; k++) {
				if (!s->patches[k].napplied)
					continue;
				add_safe(out, s->patches[k].subject);
				applied_commits(out, &s->patches[k]);
				kvmd_buf_addch(out, '\n');
			}
			maybe_flush(out, o, 0);
		}
	}
	kvmd_buf_addch(out, '\n');
}

static int posted_section(struct kvmd_buf *out, const struct kvmd_digest *d,
			  const struct kvmd_render_opts *o)
{
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	size_t nr = kvmd_digest_entry_count(d), i, k, unposted;

	kvmd_buf_adds(out, "===== Where the new commits were posted =====\n\n");
	if (!applied_ready(out, o)) {
		kvmd_buf_addch(out, '\n');
		return 0;
	}
	for (i = 0; i < nr; i++) {
		const struct kvmd_posted *p;

		if (kvmd_digest_entry(d, i, &e) < 0) {
			int saved = errno;

			kvmd_entry_release(&e);
			errno = saved;
			return -1;
		}
		if (!(p = e.posted))
			continue;
		abbrev(out, e.commit, 12);
		kvmd_buf_addch(out, ' ');
		add_safe(out, e.subject);
		kvmd_buf_addf(out, "\n  posted as v%d on ", p->version);
		add_day(out, p->date);
		if (p->by_subject)
			kvmd_buf_adds(out, " (subject match)");
		end_link(out, o, p->message_id);
		kvmd_buf_addch(out, '\n');
		for (k = 0; k < p->nfollowups; k++) {
			const struct kvmd_followup *f = &p->followups[k];

			if (f->mismatched)
				continue;
			kvmd_buf_adds(out, "  ");
			add_safe(out, f->key);
			kvmd_buf_adds(out, ": ");
			add_ident(out, f->name, f->email);
			end_link(out, o, f->message_id);
			kvmd_buf_addch(out, '\n');
		}
		kvmd_buf_addch(out, '\n');
		maybe_flush(out, o, 0);
	}
	kvmd_entry_release(&e);
	unposted = kvmd_digest_unposted(d);
	kvmd_buf_addf(out, "%zu new commit%s never posted on an indexed list.\n\n", unposted,
		      unposted == 1 ? " was" : "s were");
	return 0;
}

int kvmd_render_text(struct kvmd_buf *out, const struct kvmd_digest *d,
		     const struct kvmd_render_opts *o)
{
	const struct kvmd_tally *who = kvmd_digest_contributors(d);
	const struct kvmd_listing *list;
	size_t nr_entries = kvmd_digest_entry_count(d);
	size_t nr_list = kvmd_digest_listings(d, &list), i;
	const char *basis = kvmd_digest_mail_count(d) || !kvmd_digest_code_count(d) ?
		"Based on Email Body" : "Based on Commit Author";
	size_t skipped = kvmd_digest_skipped(d, NULL);

	kvmd_render_section_key(out, o->old_hex, o->new_hex);
	kvmd_buf_addch(out, '\n');
	add_safe(out, o->title);
	kvmd_buf_adds(out, " from ");
	abbrev(out, o->old_hex ? o->old_hex : "root", 8);
	kvmd_buf_adds(out, " to ");
	abbrev(out, o->new_hex, 8);
	kvmd_buf_adds(out, "\n\n");

	if (o->sections & KVMD_SECTION_DOMAINS)
		table(out, who, 1, " ", o->top, "contributor Email domains", basis);
	if (o->sections & KVMD_SECTION_CONTRIBUTORS)
		table(out, who, 0, "  ", o->top, "contributors", basis);
	if (o->sections & KVMD_SECTION_SIGNERS)
		table(out, kvmd_digest_signers(d), 0, "  ", o->top, "signers",
		      "Based on Signed-off-by");
	if (o->sections & KVMD_SECTION_REVIEWERS)
		table(out, kvmd_digest_reviewers(d), 0, "  ", o->top, "reviewers",
		      "Based on Reviewed-by, Acked-by and Tested-by");
	if (o->sections & KVMD_SECTION_AREAS)
		areas_section(out, d, o);
	status_sections(out, o);
	if (o->sections & KVMD_SECTION_APPLIED)
		applied_section(out, o);
	if ((o->sections & KVMD_SECTION_POSTED) && posted_section(out, d, o) < 0)
		return -1;

	if (o->sections & KVMD_SECTION_PATCHES) {
		kvmd_buf_adds(out, "===== Patch list in this time period =====\n\n");
		for (i = 0; i < nr_list && !o->group_by_area; i++) {
			listing_line(out, who, &list[i]);
			maybe_flush(out, o, 0);
		}
		if (o->group_by_area)
			grouped_listings(out, d, o);
		kvmd_buf_addch(out, '\n');
	}
	if (o->sections & KVMD_SECTION_MESSAGES) {
		struct kvmd_entry e = KVMD_ENTRY_INIT;

		kvmd_buf_adds(out, "===== Patch Commit Messages ====\n\n");
		for (i = 0; i < nr_entries; i++) {
			if (kvmd_digest_entry(d, i, &e) < 0) {
				int saved = errno;

				kvmd_entry_release(&e);
				errno = saved;
				return -1;
			}
			entry(out, &e, o);
			maybe_flush(out, o, 0);
		}
		kvmd_entry_release(&e);
	}
	if (skipped)
		kvmd_buf_addf(out, "Skipped %zu message%s that could not be digested.\n",
			      skipped, skipped == 1 ? "" : "s");
	maybe_flush(out, o, 1);
	return 0;
}

int kvmd_render_parse_sections(unsigned *out, const char *list, struct kvmd_buf *err)
{
	static const struct { const char *name; unsigned bits; } names[] = {
		{ "domains", KVMD_SECTION_DOMAINS },
		{ "contributors", KVMD_SECTION_CONTRIBUTORS },
		{ "signers", KVMD_SECTION_SIGNERS },
		{ "reviewers", KVMD_SECTION_REVIEWERS },
		{ "patches", KVMD_SECTION_PATCHES },
		{ "messages", KVMD_SECTION_MESSAGES },
		{ "status", KVMD_SECTION_STATUS },
		{ "waiting", KVMD_SECTION_WAITING },
		{ "newcomers", KVMD_SECTION_NEWCOMERS },
		{ "applied", KVMD_SECTION_APPLIED },
		{ "posted", KVMD_SECTION_POSTED },
		{ "areas", KVMD_SECTION_AREAS },
		{ "default", KVMD_SECTIONS_DEFAULT },
		{ "all", KVMD_SECTIONS_DEFAULT | KVMD_SECTION_SIGNERS | KVMD_SECTION_REVIEWERS |
			 KVMD_SECTIONS_STATUS | KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED |
			 KVMD_SECTION_AREAS },
	};
	const char *p = list;
	unsigned bits = 0;

	while (*p) {
		size_t len = strcspn(p, ","), i;

		while (len && (*p == ' ')) {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (strlen(names[i].name) == len && !strncmp(names[i].name, p, len))
				break;
		if (len && i == sizeof(names) / sizeof(*names)) {
			kvmd_buf_addf(err, "unknown section '%.*s'", (int)len, p);
			return -1;
		}
		if (len)
			bits |= names[i].bits;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	/* `--sections=` or `,` would print a digest of its two heading lines */
	if (!bits) {
		kvmd_buf_addf(err, "no section in '%s'", list);
		return -1;
	}
	*out = bits;
	return 0;
}
