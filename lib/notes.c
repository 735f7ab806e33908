#include "notes.h"
#include "buf.h"
#include "render.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Losing the race is normal when several fetches digest at once: read
 * again and retry, after a randomised pause that grows (1 ms up to about
 * 64 ms), so that waiting out another writer's lock takes a few seconds
 * before we give up, not a burst of 50 immediate tries.
 */
#define MAX_ATTEMPTS 200

static void backoff(int attempt, unsigned int *seed)
{
	unsigned int cap = 1u << (attempt < 6 ? attempt : 6);
	struct timespec ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (long)(1 + (unsigned int)rand_r(seed) % cap) * 1000000L;
	nanosleep(&ts, NULL);
}

int kvmd_notes_ref_expand(struct kvmd_buf *out, const char *ref, struct kvmd_buf *err)
{
	int valid = 0;

	kvmd_buf_reset(out);
	if (!strncmp(ref, "refs/notes/", 11))
		kvmd_buf_adds(out, ref);
	else if (!strncmp(ref, "notes/", 6))
		kvmd_buf_addf(out, "refs/%s", ref);
	else if (!strncmp(ref, "refs/", 5)) {
		kvmd_buf_addf(err, "refusing to write notes in '%s' (outside of refs/notes/)", ref);
		return -1;
	} else
		kvmd_buf_addf(out, "refs/notes/%s", ref);
	if (git_reference_name_is_valid(&valid, out->ptr) < 0 || !valid ||
	    out->len == 11) {
		kvmd_buf_addf(err, "invalid notes ref '%s'", ref);
		return -1;
	}
	return 0;
}

/*
 * The offset of the section whose key line equals `key` (`klen` bytes) in
 * `text` (`len` bytes), or -1; `*end` is then where the next section's key
 * line starts (or `len`).  A key line counts only at the top or after a
 * blank line.
 */
static long find_section(const char *text, size_t len, const char *key, size_t klen,
			 size_t *end)
{
	size_t at = 0;
	long start = -1;
	int after_blank = 1;

	while (at < len) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t l = after_blank ? kvmd_render_section_key_len(line, len - at) : 0;

		if (l && start >= 0) {
			*end = at;
			return start;
		}
		if (l == klen && !memcmp(line, key, klen))
			start = (long)at;
		after_blank = *line == '\n';
		if (!nl)
			break;
		at = (size_t)(nl - text) + 1;
	}
	if (start >= 0)
		*end = len;
	return start;
}

void kvmd_notes_merge_text(struct kvmd_buf *out, const char *existing, size_t existing_len,
			   const char *section, size_t section_len)
{
	size_t klen = kvmd_render_section_key_len(section, section_len), end = 0, len;
	long at = -1;

	kvmd_buf_reset(out);
	if (existing && klen)
		at = find_section(existing, existing_len, section, klen, &end);
	if (at >= 0) {
		/* replace in place: what came before, the new section, what follows */
		kvmd_buf_add(out, existing, (size_t)at);
		kvmd_buf_add(out, section, section_len);
		if (end < existing_len) {
			while (out->len && out->ptr[out->len - 1] == '\n')
				kvmd_buf_truncate(out, out->len - 1);
			kvmd_buf_adds(out, "\n\n");
			kvmd_buf_add(out, existing + end, existing_len - end);
		}
		return;
	}
	if (existing && existing_len) {
		/* as `git notes append`: the old text, a blank line, the new one */
		len = existing_len;
		while (len && existing[len - 1] == '\n')
			len--;
		kvmd_buf_add(out, existing, len);
		kvmd_buf_adds(out, "\n\n");
	}
	kvmd_buf_add(out, section, section_len);
}

/* Who writes the notes commit: the environment, then config, then us. */
static int notes_signature(git_signature **out, git_repository *repo)
{
	const char *name = getenv("GIT_COMMITTER_NAME");
	const char *email = getenv("GIT_COMMITTER_EMAIL");

	if (name && *name && email && *email)
		return git_signature_now(out, name, email);
	if (git_signature_default(out, repo) == 0)
		return 0;
	return git_signature_now(out, "git-kvmdigest", "git-kvmdigest@localhost");
}

/*
 * Finds the note on `target` in a notes tree as git and libgit2 read
 * one: at any fan-out level, descending into a two-digit directory that
 * matches the id.  `path` gets where the note is, or where a new one
 * goes (below the fan-out directories that exist already).  With a note,
 * its bytes go in `text` (NULs and all).  1 found, 0 not, -1 on error.
 */
static int find_note(struct kvmd_buf *text, struct kvmd_buf *path, git_repository *repo,
		     git_tree *root, const git_oid *target)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_tree *tree = root, *sub = NULL;
	git_blob *blob = NULL;
	size_t off = 0;
	int ret = 0;

	git_oid_tostr(hex, sizeof(hex), target);
	kvmd_buf_reset(path);
	kvmd_buf_reset(text);
	while (tree) {
		const git_tree_entry *e;
		char dir[3] = { hex[off], hex[off + 1], '\0' };

		e = off + 2 < GIT_OID_HEXSZ ? git_tree_entry_byname(tree, dir) : NULL;
		if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			git_tree *next = NULL;

			if (git_tree_lookup(&next, repo, git_tree_entry_id(e)) < 0) {
				ret = -1;
				break;
			}
			git_tree_free(sub);
			tree = sub = next;
			kvmd_buf_addf(path, "%s/", dir);
			off += 2;
			continue;
		}
		e = git_tree_entry_byname(tree, hex + off);
		if (e && git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
				ret = -1;
				break;
			}
			kvmd_buf_add(text, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
			ret = 1;
		}
		break;
	}
	kvmd_buf_adds(path, hex + off);
	git_blob_free(blob);
	git_tree_free(sub);
	return ret;
}

/* The note updates one notes commit makes: a path and a blob each. */
struct edits {
	char **paths;
	git_oid *blobs;
	size_t nr, alloc, alloc_blobs;
};

static void edits_add(struct edits *e, const char *path, const git_oid *blob)
{
	KVMD_ALLOC_GROW(e->paths, e->nr + 1, e->alloc);
	KVMD_ALLOC_GROW(e->blobs, e->nr + 1, e->alloc_blobs);
	e->paths[e->nr] = kvmd_xstrdup(path);
	git_oid_cpy(&e->blobs[e->nr], blob);
	e->nr++;
}

static void edits_clear(struct edits *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++)
		free(e->paths[i]);
	e->nr = 0;
}

static void edits_release(struct edits *e)
{
	edits_clear(e);
	free(e->paths);
	free(e->blobs);
	memset(e, 0, sizeof(*e));
}

/*
 * What a write changes, given the notes tree it starts from (NULL when
 * the notes ref does not exist yet): adds its updates to `edits`; 0, or
 * -1 with a message in `err`.
 */
typedef int (*edit_fn)(struct edits *edits, git_repository *repo, git_tree *tree,
		       void *data, struct kvmd_buf *err);

/*
 * The ref a notes ref stands for: itself, or where a symbolic ref points
 * (to the end of the chain, as `git notes` follows it).
 */
static int follow_symref(struct kvmd_buf *out, git_repository *repo, const char *name,
			 struct kvmd_buf *err)
{
	int depth;

	kvmd_buf_reset(out);
	kvmd_buf_adds(out, name);
	for (depth = 0; depth < 5; depth++) {
		git_reference *ref = NULL;
		int error = git_reference_lookup(&ref, repo, out->ptr);

		if (error == GIT_ENOTFOUND)
			return 0;
		if (error < 0) {
			kvmd_buf_addf(err, "cannot read %s: %s", out->ptr, kvmd_git_error());
			return -1;
		}
		if (git_reference_type(ref) != GIT_REFERENCE_SYMBOLIC) {
			git_reference_free(ref);
			return 0;
		}
		kvmd_buf_reset(out);
		kvmd_buf_adds(out, git_reference_symbolic_target(ref));
		git_reference_free(ref);
	}
	kvmd_buf_addf(err, "cannot follow %s: symbolic refs nested too deeply", name);
	return -1;
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/*
 * git itself waits for a ref lock at most core.filesRefLockTimeout (100 ms
 * by default).  Writers taking turns make a new lock file each time; the
 * same lock file (device, inode, time) for this long is stale, and waiting
 * helps no one.  Not less: a writer on a loaded machine can be held up
 * for a good part of a second with the lock in hand.
 */
#define LOCK_PATIENCE_MS 900

/* What identifies one lock file: a writer that takes the lock again makes a new one. */
struct lock_seen {
	int seen;
	dev_t dev;
	ino_t ino;
	struct timespec mtime, since;
};

/* Is the lock on `ref` the same one, held for LOCK_PATIENCE_MS already? */
static int lock_is_stale(struct lock_seen *l, git_repository *repo, const char *ref)
{
	struct kvmd_buf path = KVMD_BUF_INIT;
	struct stat st;
	int stale = 0;

	kvmd_buf_addf(&path, "%s%s.lock", git_repository_commondir(repo), ref);
	if (stat(path.ptr, &st) < 0) {
		l->seen = 0; /* gone already: try again */
	} else if (!l->seen || st.st_dev != l->dev || st.st_ino != l->ino ||
		   st.st_mtim.tv_sec != l->mtime.tv_sec ||
		   st.st_mtim.tv_nsec != l->mtime.tv_nsec) {
		l->seen = 1;
		l->dev = st.st_dev;
		l->ino = st.st_ino;
		l->mtime = st.st_mtim;
		clock_gettime(CLOCK_MONOTONIC, &l->since);
	} else {
		stale = elapsed_ms(&l->since) >= LOCK_PATIENCE_MS;
	}
	kvmd_buf_release(&path);
	return stale;
}

static void stale_lock(struct kvmd_buf *err, git_repository *repo, const char *ref)
{
	kvmd_buf_addf(err, "cannot update %s: '%s%s.lock' exists; another git process seems "
		      "to be running in this repository; if not (a process crashed), remove "
		      "the file and try again", ref, git_repository_commondir(repo), ref);
}

/*
 * One notes commit on top of `notes_ref` with what `fn` edits, and
 * `extra_parent` (may be NULL) as second parent, moved in with a
 * compare-and-swap; retried from the start when another writer won.
 * 1 written, 0 nothing to change, -1 with a message in `err`.
 */
static int write_notes(git_repository *repo, const char *notes_ref, const char *message,
		       const git_oid *extra_parent, edit_fn fn, void *data,
		       struct kvmd_buf *err)
{
	struct kvmd_buf ref = KVMD_BUF_INIT, logmsg = KVMD_BUF_INIT;
	struct edits edits = { 0 };
	git_signature *sig = NULL;
	git_commit *extra = NULL;
	struct timespec now;
	struct lock_seen lock = { 0 };
	unsigned int seed;
	int attempt, ret = -1;

	if (notes_signature(&sig, repo) < 0) {
		kvmd_buf_addf(err, "cannot make a signature: %s", kvmd_git_error());
		goto cleanup;
	}
	if (follow_symref(&ref, repo, notes_ref, err) < 0)
		goto cleanup;
	if (extra_parent && git_commit_lookup(&extra, repo, extra_parent) < 0) {
		kvmd_buf_addf(err, "cannot read %s: %s", notes_ref, kvmd_git_error());
		goto cleanup;
	}
	kvmd_buf_addf(&logmsg, "notes: %s", message);
	/* each process its own pauses, or racing writers would stay in step */
	clock_gettime(CLOCK_MONOTONIC, &now);
	seed = (unsigned int)getpid() ^ (unsigned int)now.tv_nsec;
	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		git_reference *updated = NULL;
		git_commit *parent = NULL;
		git_tree *tree = NULL;
		git_oid parent_id, tree_id, commit_id, expected;
		git_tree_update *updates = NULL;
		const git_commit *parents[2];
		size_t i, nr_parents = 0;
		int error;

		edits_clear(&edits);
		error = git_reference_name_to_id(&parent_id, repo, ref.ptr);
		if (error == 0)
			error = git_commit_lookup(&parent, repo, &parent_id);
		else if (error == GIT_ENOTFOUND)
			error = 0;
		if (error == 0 && parent)
			error = git_commit_tree(&tree, parent);
		if (error < 0) {
			kvmd_buf_addf(err, "cannot read %s: %s", ref.ptr, kvmd_git_error());
			git_commit_free(parent);
			break;
		}
		if (fn(&edits, repo, tree, data, err) < 0) {
			git_tree_free(tree);
			git_commit_free(parent);
			break;
		}
		if (!edits.nr) {
			ret = 0;
		} else {
			updates = kvmd_xcalloc(edits.nr, sizeof(*updates));
			for (i = 0; i < edits.nr; i++) {
				updates[i].action = GIT_TREE_UPDATE_UPSERT;
				updates[i].id = edits.blobs[i];
				updates[i].filemode = GIT_FILEMODE_BLOB;
				updates[i].path = edits.paths[i];
			}
			if (parent)
				parents[nr_parents++] = parent;
			if (extra)
				parents[nr_parents++] = extra;
			if (!tree) {
				git_treebuilder *tb = NULL;
				error = git_treebuilder_new(&tb, repo, NULL);
				if (!error)
					error = git_treebuilder_write(&tree_id, tb);
				git_treebuilder_free(tb);
				if (!error)
					error = git_tree_lookup(&tree, repo, &tree_id);
			}
			if (!error)
				error = git_tree_create_updated(&tree_id, repo, tree, edits.nr, updates);
			if (!error) {
				git_tree *new_tree = NULL;
				error = git_tree_lookup(&new_tree, repo, &tree_id);
				if (!error)
					error = git_commit_create(&commit_id, repo, NULL, sig, sig, NULL,
								  message, new_tree, nr_parents, parents);
				git_tree_free(new_tree);
			}
			free(updates);
			if (error < 0) {
				kvmd_buf_addf(err, "cannot write the note: %s", kvmd_git_error());
				git_tree_free(tree);
				git_commit_free(parent);
				break;
			}
			/*
			 * Compare-and-swap under the ref's lock: only if nobody moved
			 * it meanwhile.  A zero id means "only if it does not exist";
			 * git_reference_create(force 0) checks that before taking the
			 * lock, so two first writers could both win.
			 */
			if (parent)
				git_oid_cpy(&expected, &parent_id);
			else
				memset(&expected, 0, sizeof(expected));
			error = git_reference_create_matching(&updated, repo, ref.ptr,
				&commit_id, 1, &expected, logmsg.ptr);
			if (error == 0) {
				ret = 1;
			} else if (error == GIT_ELOCKED) {
				/* another writer for a moment, or a lock nobody will remove */
				if (lock_is_stale(&lock, repo, ref.ptr))
					stale_lock(err, repo, ref.ptr);
				else
					ret = -2;
			} else if (error != GIT_EMODIFIED && error != GIT_EEXISTS) {
				kvmd_buf_addf(err, "cannot update %s: %s", ref.ptr, kvmd_git_error());
			} else {
				ret = -2; /* lost the race: read again and retry */
			}
		}
		git_reference_free(updated);
		git_tree_free(tree);
		git_commit_free(parent);
		if (ret != -2)
			break;
		ret = -1;
		backoff(attempt, &seed);
	}
	if (attempt == MAX_ATTEMPTS)
		kvmd_buf_addf(err, "cannot update %s: it kept moving", ref.ptr);

cleanup:
	edits_release(&edits);
	git_commit_free(extra);
	git_signature_free(sig);
	kvmd_buf_release(&ref);
	kvmd_buf_release(&logmsg);
	return ret;
}

/* Writes `len` bytes as a blob and records it as the note at `path`. */
static int edit_blob(struct edits *edits, git_repository *repo, const char *path,
		     const char *text, size_t len, struct kvmd_buf *err)
{
	git_oid blob;

	if (git_blob_create_from_buffer(&blob, repo, text, len) < 0) {
		kvmd_buf_addf(err, "cannot write the note: %s", kvmd_git_error());
		return -1;
	}
	edits_add(edits, path, &blob);
	return 0;
}

struct add_section {
	const git_oid *target;
	const char *section;
	size_t len;
};

static int add_section_edit(struct edits *edits, git_repository *repo, git_tree *tree,
			    void *data, struct kvmd_buf *err)
{
	struct add_section *a = data;
	struct kvmd_buf old = KVMD_BUF_INIT, path = KVMD_BUF_INIT, merged = KVMD_BUF_INIT;
	int found = 0, ret = -1;

	if (tree && (found = find_note(&old, &path, repo, tree, a->target)) < 0) {
		kvmd_buf_addf(err, "cannot read the note: %s", kvmd_git_error());
		goto cleanup;
	}
	if (!tree) {
		char hex[GIT_OID_HEXSZ + 1];
		kvmd_buf_adds(&path, git_oid_tostr(hex, sizeof(hex), a->target));
	}
	kvmd_notes_merge_text(&merged, found ? old.ptr : NULL, old.len, a->section, a->len);
	if (found && merged.len == old.len && !memcmp(merged.ptr, old.ptr, old.len))
		ret = 0; /* the note holds the section already */
	else
		ret = edit_blob(edits, repo, path.ptr, merged.ptr, merged.len, err);

cleanup:
	kvmd_buf_release(&old);
	kvmd_buf_release(&path);
	kvmd_buf_release(&merged);
	return ret;
}

int kvmd_notes_add_section(git_repository *repo, const char *notes_ref,
			   const git_oid *target, const char *section, size_t section_len,
			   const char *message, struct kvmd_buf *err)
{
	struct add_section a = { target, section, section_len };

	return write_notes(repo, notes_ref, message, NULL, add_section_edit, &a, err);
}

/*
 * Appends to `cur` every keyed section of `old` whose key `cur` lacks;
 * without a current note, the old one whole.
 */
static void bring_back(struct kvmd_buf *out, const char *cur, size_t cur_len, int have_cur,
		       const char *old, size_t old_len)
{
	size_t at = 0;
	int after_blank = 1;

	kvmd_buf_reset(out);
	if (!have_cur) {
		kvmd_buf_add(out, old, old_len);
		return;
	}
	kvmd_buf_add(out, cur, cur_len);
	while (at < old_len) {
		const char *line = old + at;
		const char *nl = memchr(line, '\n', old_len - at);
		size_t klen = after_blank ? kvmd_render_section_key_len(line, old_len - at) : 0;
		size_t end = 0;

		if (klen && find_section(cur, cur_len, line, klen, &end) < 0 &&
		    find_section(old, old_len, line, klen, &end) >= 0) {
			struct kvmd_buf merged = KVMD_BUF_INIT;
			size_t slen = end - at;

			while (slen && line[slen - 1] == '\n')
				slen--;
			kvmd_buf_add(&merged, line, slen);
			kvmd_buf_addch(&merged, '\n');
			{
				struct kvmd_buf next = KVMD_BUF_INIT;
				kvmd_notes_merge_text(&next, out->ptr, out->len, merged.ptr, merged.len);
				kvmd_buf_reset(out);
				kvmd_buf_add(out, next.ptr, next.len);
				kvmd_buf_release(&next);
			}
			kvmd_buf_release(&merged);
		}
		after_blank = *line == '\n';
		if (!nl)
			break;
		at = (size_t)(nl - old) + 1;
	}
}

struct keep_local {
	git_commit *old;
	git_repository *repo;
	struct edits *edits;
	git_tree *tree;
	struct kvmd_buf *err;
	int failed;
};

static int keep_one(const git_oid *blob_id, const git_oid *target, void *data)
{
	struct keep_local *k = data;
	struct kvmd_buf cur = KVMD_BUF_INIT, path = KVMD_BUF_INIT, out = KVMD_BUF_INIT;
	git_blob *blob = NULL;
	int found = 0;

	if (git_blob_lookup(&blob, k->repo, blob_id) < 0 ||
	    (k->tree && (found = find_note(&cur, &path, k->repo, k->tree, target)) < 0)) {
		kvmd_buf_addf(k->err, "cannot read a local note: %s", kvmd_git_error());
		k->failed = 1;
		goto cleanup;
	}
	if (!k->tree) {
		char hex[GIT_OID_HEXSZ + 1];
		kvmd_buf_adds(&path, git_oid_tostr(hex, sizeof(hex), target));
	}
	bring_back(&out, cur.ptr, cur.len, found, git_blob_rawcontent(blob),
		   (size_t)git_blob_rawsize(blob));
	if ((!found || out.len != cur.len || memcmp(out.ptr, cur.ptr, cur.len)) &&
	    edit_blob(k->edits, k->repo, path.ptr, out.ptr, out.len, k->err) < 0)
		k->failed = 1;

cleanup:
	git_blob_free(blob);
	kvmd_buf_release(&cur);
	kvmd_buf_release(&path);
	kvmd_buf_release(&out);
	return k->failed ? -1 : 0;
}

static int keep_local_edit(struct edits *edits, git_repository *repo, git_tree *tree,
			   void *data, struct kvmd_buf *err)
{
	struct keep_local *k = data;
	git_note_iterator *it = NULL;
	git_oid blob, target;
	int error;

	k->repo = repo;
	k->edits = edits;
	k->tree = tree;
	k->err = err;
	k->failed = 0;
	if (git_note_commit_iterator_new(&it, k->old) < 0) {
		kvmd_buf_addf(err, "cannot read the local notes: %s", kvmd_git_error());
		return -1;
	}
	while ((error = git_note_next(&blob, &target, it)) == 0)
		if (keep_one(&blob, &target, k) < 0)
			break;
	git_note_iterator_free(it);
	if (error < 0 && error != GIT_ITEROVER && !k->failed) {
		kvmd_buf_addf(err, "cannot read the local notes: %s", kvmd_git_error());
		return -1;
	}
	return k->failed ? -1 : 0;
}

int kvmd_notes_keep_local(git_repository *repo, const char *notes_ref,
			  const git_oid *old, const git_oid *new,
			  const char *backup_ref, struct kvmd_buf *err)
{
	struct keep_local k = { 0 };
	git_reference *backup = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	struct kvmd_buf msg = KVMD_BUF_INIT;
	int ret = -1;

	if (git_oid_is_zero(old) ||
	    (!git_oid_is_zero(new) && (!git_oid_cmp(old, new) ||
				       git_graph_descendant_of(repo, new, old) == 1)))
		return 0;
	if (git_commit_lookup(&k.old, repo, old) < 0) {
		kvmd_buf_addf(err, "cannot read the notes before the update: %s", kvmd_git_error());
		return -1;
	}
	git_oid_tostr(hex, sizeof(hex), old);
	kvmd_buf_addf(&msg, "kvmdigest: kept %.12s, which an update of %s threw away", hex, notes_ref);
	if (git_reference_create(&backup, repo, backup_ref, old, 1, msg.ptr) < 0) {
		kvmd_buf_addf(err, "cannot write %s: %s", backup_ref, kvmd_git_error());
		goto cleanup;
	}
	kvmd_buf_reset(&msg);
	kvmd_buf_addf(&msg, "kvmdigest: bring back the local notes of %.12s", hex);
	if (write_notes(repo, notes_ref, msg.ptr, old, keep_local_edit, &k, err) < 0)
		goto cleanup;
	ret = 1;

cleanup:
	git_reference_free(backup);
	git_commit_free(k.old);
	kvmd_buf_release(&msg);
	return ret;
}

int kvmd_notes_exists(git_repository *repo, const char *notes_ref, const git_oid *target)
{
	git_note *note = NULL;
	int error = git_note_read(&note, repo, notes_ref, target);

	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return -1;
	git_note_free(note);
	return 1;
}
