#include "watch.h"
#include "buf.h"
#include "config.h"
#include "range.h"
#include "usage.h"

#include <fnmatch.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

static void push(char ***v, size_t *nr, size_t *alloc, const char *s)
{
	KVMD_ALLOC_GROW(*v, *nr + 2, *alloc);
	(*v)[(*nr)++] = kvmd_xstrdup(s);
	(*v)[*nr] = NULL;
}

size_t kvmd_watch_patterns(char ***out, git_repository *repo, struct kvmd_config *cfg)
{
	const char **values = kvmd_config_get_all(cfg, "kvmdigest.ref");
	git_reference *head = NULL, *upstream = NULL;
	char **v = NULL;
	size_t nr = 0, alloc = 0;

	for (; *values; values++)
		if (**values)
			push(&v, &nr, &alloc, *values);

	if (!nr && git_repository_head(&head, repo) == 0 &&
	    git_reference_is_branch(head) &&
	    git_branch_upstream(&upstream, head) == 0)
		push(&v, &nr, &alloc, git_reference_name(upstream));
	git_reference_free(upstream);
	git_reference_free(head);
	*out = v;
	return nr;
}

void kvmd_watch_free(char **patterns)
{
	char **p;

	for (p = patterns; p && *p; p++)
		free(*p);
	free(patterns);
}

int kvmd_watch_match_one(const char *pattern, const char *refname)
{
	static const char *const under[] = { "refs/remotes/", "refs/heads/" };
	size_t i, n;

	if (!fnmatch(pattern, refname, 0))
		return 1;
	if (!strncmp(pattern, "refs/", 5))
		return 0;
	/*
	 * `kvm-lore/master` stands for refs/remotes/kvm-lore/master too.
	 * The prefix has no special character and fnmatch() is called
	 * without flags: matching "<prefix><pattern>" is matching the
	 * prefix, then the pattern against the rest.
	 */
	for (i = 0; i < sizeof(under) / sizeof(*under); i++) {
		n = strlen(under[i]);
		if (!strncmp(refname, under[i], n) && !fnmatch(pattern, refname + n, 0))
			return 1;
	}
	return 0;
}

int kvmd_watch_matches(char *const *patterns, const char *refname)
{
	for (; patterns && *patterns; patterns++)
		if (kvmd_watch_match_one(*patterns, refname))
			return 1;
	return 0;
}

static guint oid_hash(gconstpointer p)
{
	guint h;
	memcpy(&h, ((const git_oid *)p)->id, sizeof(h));
	return h;
}

static gboolean oid_equal(gconstpointer a, gconstpointer b)
{
	return !git_oid_cmp(a, b);
}

/* Collects the ids of every commit that carries a note. */
static int note_cb(const git_oid *blob, const git_oid *annotated, void *payload)
{
	git_oid *copy = kvmd_xmalloc(sizeof(*copy));

	(void)blob;
	git_oid_cpy(copy, annotated);
	g_hash_table_add(payload, copy);
	return 0;
}

/* Commits by date, newest first, for the walk below. */
static gint newer_first(gconstpointer a, gconstpointer b, gpointer data)
{
	git_time_t ta = git_commit_time(a), tb = git_commit_time(b);

	(void)data;
	return ta > tb ? -1 : ta < tb ? 1 : git_oid_cmp(git_commit_id(a), git_commit_id(b));
}

/*
 * The newest commit reachable from `tip` that carries a note: 1 found, 0
 * none, -1 error.  Walked by hand, newest first, rather than with a
 * git_revwalk: libgit2 1.5 knows nothing of shallow clones and fails at
 * the first parent that is not there; here a missing parent ends the
 * history, as the shallow boundary does for `git log`.
 */
static int newest_noted(git_oid *out, git_repository *repo, const char *notes_ref,
			const git_oid *tip)
{
	GHashTable *noted = g_hash_table_new_full(oid_hash, oid_equal, free, NULL);
	GHashTable *seen = g_hash_table_new_full(oid_hash, oid_equal, free, NULL);
	GSequence *queue = g_sequence_new((GDestroyNotify)git_commit_free);
	git_commit *commit = NULL;
	git_oid id;
	int error, found = 0;
	unsigned int i;

	/*
	 * libgit2 1.5 frees an uninitialised pointer when the notes ref names
	 * something other than a commit: look first.
	 */
	error = git_reference_name_to_id(&id, repo, notes_ref);
	if (error == GIT_ENOTFOUND) {
		error = 0; /* no notes at all yet */
		goto cleanup;
	}
	if (error == 0 && (error = git_commit_lookup(&commit, repo, &id)) < 0)
		goto cleanup;
	git_commit_free(commit);
	commit = NULL;
	error = git_note_foreach(repo, notes_ref, note_cb, noted);
	if (error < 0 || !g_hash_table_size(noted))
		goto cleanup;
	if ((error = git_commit_lookup(&commit, repo, tip)) < 0)
		goto cleanup;
	g_hash_table_add(seen, kvmd_xmemdupz(tip, sizeof(*tip)));
	g_sequence_insert_sorted(queue, commit, newer_first, NULL);
	commit = NULL;
	while (!found && g_sequence_get_length(queue)) {
		GSequenceIter *first = g_sequence_get_begin_iter(queue);
		git_commit *c = g_sequence_get(first);

		if (g_hash_table_contains(noted, git_commit_id(c))) {
			git_oid_cpy(out, git_commit_id(c));
			found = 1;
			break;
		}
		for (i = 0; i < git_commit_parentcount(c); i++) {
			const git_oid *id = git_commit_parent_id(c, i);
			git_commit *parent = NULL;

			if (g_hash_table_contains(seen, id))
				continue;
			g_hash_table_add(seen, kvmd_xmemdupz(id, sizeof(*id)));
			error = git_commit_lookup(&parent, repo, id);
			if (error == GIT_ENOTFOUND) {
				error = 0; /* beyond a shallow clone's history */
				continue;
			}
			if (error < 0)
				goto cleanup;
			g_sequence_insert_sorted(queue, parent, newer_first, NULL);
		}
		g_sequence_remove(first);
	}

cleanup:
	git_commit_free(commit);
	g_sequence_free(queue);
	g_hash_table_destroy(seen);
	g_hash_table_destroy(noted);
	return error < 0 ? -1 : found;
}

/*
 * The ref's value before its last update, as `<ref>@{1}` gives it: the
 * old id of the newest reflog entry.  (libgit2's `@{1}` wants a second
 * entry, but `git clone` writes no entry for remote refs, so after the
 * first fetch there is only one.)  0, or -1 when the reflog says nothing.
 */
static int previous_value(git_oid *out, git_repository *repo, const char *refname)
{
	git_reflog *log = NULL;
	const git_reflog_entry *e;
	int ret = -1;

	if (git_reflog_read(&log, repo, refname) < 0)
		return -1;
	e = git_reflog_entrycount(log) ? git_reflog_entry_byindex(log, 0) : NULL;
	if (e && !git_oid_is_zero(git_reflog_entry_id_old(e))) {
		git_oid_cpy(out, git_reflog_entry_id_old(e));
		ret = 0;
	}
	git_reflog_free(log);
	return ret;
}

static int since(struct kvmd_range *out, git_repository *repo, const char *notes_ref,
		 const git_oid *tip, const git_oid *old, const char *refname,
		 struct kvmd_buf *err)
{
	git_oid base;
	int found;

	found = newest_noted(&base, repo, notes_ref, tip);
	if (found < 0) {
		kvmd_buf_addf(err, "cannot read %s: %s", notes_ref, kvmd_git_error());
		return -1;
	}
	if (!found && old)
		git_oid_cpy(&base, old);
	else if (!found && previous_value(&base, repo, refname) < 0) {
		kvmd_buf_addf(err, "no digest on any ancestor of '%s' and no earlier "
			      "reflog entry to start from; give a range <old>..<new>",
			      refname);
		return -1;
	}
	if (!git_oid_cmp(&base, tip))
		return 0;
	kvmd_range_set(out, &base, tip);
	return 1;
}

int kvmd_watch_since(struct kvmd_range *out, git_repository *repo, const char *notes_ref,
		     const git_oid *tip, const git_oid *old, const char *refname,
		     struct kvmd_buf *err)
{
	return since(out, repo, notes_ref, tip, old, refname, err);
}

int kvmd_watch_since_last(struct kvmd_range *out, git_repository *repo,
			  const char *notes_ref, const char *refname,
			  struct kvmd_buf *err)
{
	git_oid tip;

	if (git_reference_name_to_id(&tip, repo, refname) < 0) {
		kvmd_buf_addf(err, "cannot resolve '%s': %s", refname, kvmd_git_error());
		return -1;
	}
	return since(out, repo, notes_ref, &tip, NULL, refname, err);
}
