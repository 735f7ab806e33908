#include "render.h"
#include "area.h"
#include "quote.h"
#include "buf.h"
#include "digest.h"
#include "link.h"
#include "status.h"
#include "subject.h"
#include "tally.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>

/*
 * The JSON back end of the renderer, written with json-glib (GMime's GLib
 * is there anyway) so that escaping is the library's business.  Strings
 * are first made safe as for the text output, which also guarantees
 * valid UTF-8, as JSON requires.
 */

static void member_str(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (!value) {
		json_builder_add_null_value(b);
	} else {
		struct kvmd_buf safe = KVMD_BUF_INIT;
		kvmd_quote_text(&safe, value, strlen(value));
		json_builder_add_string_value(b, safe.ptr);
		kvmd_buf_release(&safe);
	}
}

static void member_int(JsonBuilder *b, const char *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

/* A count the model keeps as -1 when there is none: null then. */
static void member_count(JsonBuilder *b, const char *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	if (value >= 0)
		json_builder_add_int_value(b, value);
	else
		json_builder_add_null_value(b);
}

/* ISO 8601 in UTC, `2025-10-22T09:15:00Z`; null when unknown. */
static void member_date(JsonBuilder *b, const char *name, int64_t when)
{
	time_t t = (time_t)when;
	char text[32];
	struct tm tm;

	json_builder_set_member_name(b, name);
	if (when && gmtime_r(&t, &tm) && strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm))
		json_builder_add_string_value(b, text);
	else
		json_builder_add_null_value(b);
}

/* A message's link, or null without a base or an id. */
static void member_link(JsonBuilder *b, const struct kvmd_render_opts *o, const char *id)
{
	struct kvmd_buf link = KVMD_BUF_INIT;

	json_builder_set_member_name(b, "link");
	if (kvmd_link_add(&link, o->link_base, id))
		json_builder_add_string_value(b, link.ptr);
	else
		json_builder_add_null_value(b);
	kvmd_buf_release(&link);
}

/*
 * A message's "message_id", "date" and "link", in that order, as every
 * object that speaks of a message has them: each null when unknown.
 */
static void member_message(JsonBuilder *b, const struct kvmd_render_opts *o, const char *id,
			   int64_t date)
{
	member_str(b, "message_id", id);
	member_date(b, "date", date);
	member_link(b, o, id);
}

static void identity(JsonBuilder *b, const struct kvmd_tally *t, size_t i)
{
	member_str(b, "name", kvmd_tally_name(t, i));
	member_str(b, "email", kvmd_tally_email(t, i));
}

/* Every row of a table, not only the top ones: scripts want full counts. */
static void table(JsonBuilder *b, const char *name, const struct kvmd_tally *t,
		  int domains)
{
	struct kvmd_tally_row *rows;
	size_t nr = kvmd_tally_rows(t, domains, &rows), i;

	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		json_builder_begin_object(b);
		member_int(b, "count", (gint64)rows[i].count);
		if (domains) {
			member_str(b, "domain", rows[i].text);
		} else {
			member_str(b, "display", rows[i].text);
			identity(b, t, rows[i].id);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	kvmd_tally_rows_free(rows, nr);
}

static void trailers(JsonBuilder *b, const struct kvmd_trailer *t, size_t nr)
{
	size_t i;

	json_builder_set_member_name(b, "trailers");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		json_builder_begin_object(b);
		member_str(b, "key", t[i].key);
		member_str(b, "value", t[i].value);
		member_str(b, "name", t[i].name);
		member_str(b, "email", t[i].email);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void followups(JsonBuilder *b, const struct kvmd_followup *f, size_t nr);

/* A code entry's `posted`: the patch mail it matches, or null. */
static void posted(JsonBuilder *b, const struct kvmd_posted *p,
		   const struct kvmd_render_opts *o)
{
	json_builder_set_member_name(b, "posted");
	if (!p) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	member_message(b, o, p->message_id, p->date);
	member_int(b, "version", p->version);
	member_str(b, "match", p->by_subject ? "subject" : "patch-id");
	followups(b, p->followups, p->nfollowups);
	json_builder_end_object(b);
}

static void entry(JsonBuilder *b, const struct kvmd_tally *who, const struct kvmd_entry *e,
		  const struct kvmd_render_opts *o)
{
	json_builder_begin_object(b);
	member_str(b, "commit", e->commit);
	member_str(b, "kind", e->is_code ? "code" : kvmd_kind_name(e->tag.kind));
	member_str(b, "subject", e->subject);
	member_str(b, "area", e->area);
	member_str(b, "author", e->author);
	json_builder_set_member_name(b, "contributor");
	json_builder_begin_object(b);
	identity(b, who, e->contributor);
	json_builder_end_object(b);
	member_message(b, o, e->message_id, e->date);
	if (!e->is_code) {
		member_int(b, "version", e->tag.version);
		member_count(b, "number", e->tag.number);
		member_count(b, "total", e->tag.total);
	}
	trailers(b, e->trailers, e->ntrailers);
	if (e->is_code)
		posted(b, e->posted, o);
	member_str(b, "diffstat", e->diffstat);
	member_str(b, "body", e->body);
	json_builder_end_object(b);
}

static void followups(JsonBuilder *b, const struct kvmd_followup *f, size_t nr)
{
	size_t i;

	json_builder_set_member_name(b, "followups");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		json_builder_begin_object(b);
		member_str(b, "key", f[i].key);
		member_str(b, "name", f[i].name);
		member_str(b, "email", f[i].email);
		member_str(b, "message_id", f[i].message_id);
		json_builder_set_member_name(b, "mismatched");
		json_builder_add_boolean_value(b, f[i].mismatched != 0);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* The commits a patch became (kvmd_status_add_applied()). */
static void applied(JsonBuilder *b, const struct kvmd_status_patch *p)
{
	size_t i;

	json_builder_set_member_name(b, "applied");
	json_builder_begin_array(b);
	for (i = 0; i < p->napplied; i++) {
		json_builder_begin_object(b);
		member_str(b, "commit", p->applied[i].commit);
		member_str(b, "ref", p->applied[i].ref);
		member_str(b, "match", p->applied[i].match == KVMD_MATCH_SUBJECT ?
			   "subject" : "patch-id");
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void series_object(JsonBuilder *b, const struct kvmd_status_series *s,
			  const struct kvmd_render_opts *o)
{
	struct kvmd_buf area;
	size_t i;

	json_builder_begin_object(b);
	member_str(b, "subject", s->subject);
	member_int(b, "version", s->version);
	member_int(b, "total", s->total);
	json_builder_set_member_name(b, "sender");
	json_builder_begin_object(b);
	member_str(b, "name", s->name);
	member_str(b, "email", s->email);
	json_builder_end_object(b);
	member_message(b, o, s->message_id, s->date);
	member_int(b, "messages", (gint64)s->messages);
	member_int(b, "replies", (gint64)s->replies);
	json_builder_set_member_name(b, "previous");
	if (s->previous) {
		json_builder_begin_object(b);
		member_int(b, "version", s->previous->version);
		member_message(b, o, s->previous->message_id, s->previous->date);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	member_count(b, "waiting_days", s->waiting_days);
	followups(b, s->followups, s->nfollowups);
	json_builder_set_member_name(b, "patches");
	json_builder_begin_array(b);
	for (i = 0; i < s->npatches; i++) {
		const struct kvmd_status_patch *p = &s->patches[i];

		json_builder_begin_object(b);
		member_int(b, "number", p->number);
		member_str(b, "subject", p->subject);
		member_str(b, "message_id", p->message_id);
		followups(b, p->followups, p->nfollowups);
		applied(b, p);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "fully_applied");
	json_builder_add_boolean_value(b, s->fully_applied != 0);
	kvmd_buf_init(&area);
	member_str(b, "area", s->subject &&
		   kvmd_area_of_subject(&area, s->subject, strlen(s->subject)) ? area.ptr : NULL);
	kvmd_buf_release(&area);
	json_builder_end_object(b);
}

/* Every area's counts: render.c's areas section. */
static void areas(JsonBuilder *b, const struct kvmd_digest *d)
{
	const struct kvmd_area_count *rows;
	size_t nr = kvmd_digest_areas(d, &rows), i;

	json_builder_set_member_name(b, "areas");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		json_builder_begin_object(b);
		member_str(b, "area", rows[i].area);
		member_int(b, "series", (gint64)rows[i].series);
		member_int(b, "messages", (gint64)rows[i].messages);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/*
 * The model's part (status.h), when there is one: the series new in the
 * range, answered in it or waiting, and the newcomers.  Not there
 * without a model, as the text's sections are not.
 */
static void status(JsonBuilder *b, const struct kvmd_render_opts *o)
{
	const struct kvmd_status_series *const *series;
	const struct kvmd_status_newcomer *who;
	const char *const *domains;
	size_t nr, i;

	if (!o->status)
		return;
	nr = kvmd_status_series(o->status, &series);
	json_builder_set_member_name(b, "series");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++)
		if ((series[i]->in_applied || series[i]->waiting_days >= 0) &&
		    kvmd_area_subject_wanted(series[i]->subject, o->areas, o->nareas))
			series_object(b, series[i], o);
	json_builder_end_array(b);

	nr = kvmd_status_newcomers(o->status, &who);
	json_builder_set_member_name(b, "newcomers");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		json_builder_begin_object(b);
		member_str(b, "name", who[i].name);
		member_str(b, "email", who[i].email);
		member_str(b, "message_id", who[i].message_id);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);

	nr = kvmd_status_new_domains(o->status, &domains);
	json_builder_set_member_name(b, "new_domains");
	json_builder_begin_array(b);
	for (i = 0; i < nr; i++) {
		struct kvmd_buf safe = KVMD_BUF_INIT;

		kvmd_quote_text(&safe, domains[i], strlen(domains[i]));
		json_builder_add_string_value(b, safe.ptr);
		kvmd_buf_release(&safe);
	}
	json_builder_end_array(b);
}

int kvmd_render_json(struct kvmd_buf *out, const struct kvmd_digest *d,
		     const struct kvmd_render_opts *o)
{
	const struct kvmd_tally *who = kvmd_digest_contributors(d);
	struct kvmd_entry e = KVMD_ENTRY_INIT;
	const struct kvmd_listing *list;
	const struct kvmd_skip *skipped;
	size_t nr_entries = kvmd_digest_entry_count(d);
	size_t nr_list = kvmd_digest_listings(d, &list);
	size_t nr_skipped = kvmd_digest_skipped(d, &skipped);
	size_t mails = kvmd_digest_mail_count(d), codes = kvmd_digest_code_count(d), i;
	int64_t first_date, last_date;
	JsonBuilder *b = json_builder_new();
	JsonGenerator *gen = NULL;
	JsonNode *root = NULL;
	gchar *text;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "range");
	json_builder_begin_object(b);
	member_str(b, "old", o->old_hex);
	member_str(b, "new", o->new_hex);
	kvmd_digest_dates(d, &first_date, &last_date);
	member_date(b, "first_date", first_date);
	member_date(b, "last_date", last_date);
	json_builder_end_object(b);
	member_str(b, "title", o->title);
	member_str(b, "mode", mails && codes ? "mixed" : codes ? "code" : "mail");
	member_int(b, "messages", (gint64)mails);
	member_int(b, "commits", (gint64)codes);
	member_int(b, "skipped", (gint64)nr_skipped);

	table(b, "domains", who, 1);
	table(b, "contributors", who, 0);
	table(b, "signers", kvmd_digest_signers(d), 0);
	table(b, "reviewers", kvmd_digest_reviewers(d), 0);

	json_builder_set_member_name(b, "patches");
	json_builder_begin_array(b);
	for (i = 0; i < nr_list; i++) {
		json_builder_begin_object(b);
		member_str(b, "subject", list[i].subject);
		member_str(b, "commit", list[i].commit);
		json_builder_set_member_name(b, "contributor");
		json_builder_begin_object(b);
		identity(b, who, list[i].contributor);
		json_builder_end_object(b);
		member_int(b, "messages", (gint64)list[i].messages);
		member_str(b, "area", list[i].area);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	areas(b, d);

	json_builder_set_member_name(b, "entries");
	json_builder_begin_array(b);
	for (i = 0; i < nr_entries; i++) {
		if (kvmd_digest_entry(d, i, &e) < 0) {
			int saved = errno;

			kvmd_entry_release(&e);
			g_object_unref(b);
			errno = saved;
			return -1;
		}
		entry(b, who, &e, o);
	}
	kvmd_entry_release(&e);
	json_builder_end_array(b);
	status(b, o);

	json_builder_set_member_name(b, "skipped_messages");
	json_builder_begin_array(b);
	for (i = 0; i < nr_skipped; i++) {
		json_builder_begin_object(b);
		member_str(b, "commit", skipped[i].commit);
		member_str(b, "reason", skipped[i].reason);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	gen = json_generator_new();
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	if (text) {
		kvmd_buf_adds(out, text);
		kvmd_buf_addch(out, '\n');
		g_free(text);
	}
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
	if (!text)
		errno = ENOMEM;
	return text ? 0 : -1;
}
