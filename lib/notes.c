#include "notes.h"
#include "buf.h"
#include "usage.h"

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

/* Is `p` the start of a section key line: "From <hex|root> to <hex>\n"? */
static size_t key_line_len(const char *p)
{
	const char *q = p;
	size_t n;

	if (strncmp(q, "From ", 5))
		return 0;
	q += 5;
	if (!strncmp(q, "root", 4))
		q += 4;
	else {
		n = strspn(q, "0123456789abcdef");
		if (n < 4)
			return 0;
		q += n;
	}
	if (strncmp(q, " to ", 4))
		return 0;
	q += 4;
	n = strspn(q, "0123456789abcdef");
	if (n < 4 || (q[n] != '\n' && q[n] != '\0'))
		return 0;
	return (size_t)(q + n - p);
}

/*
 * The offset of the section whose key line equals `key` (`klen` bytes), or
 * -1; `*end` is then where the next section's key line starts (or the end
 * of the text).  A key line counts only at the top or after a blank line.
 */
static long find_section(const char *text, const char *key, size_t klen, size_t *end)
{
	const char *line = text;
	long start = -1;
	int after_blank = 1;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t l = after_blank ? key_line_len(line) : 0;

		if (l && start >= 0) {
			*end = (size_t)(line - text);
			return start;
		}
		if (l == klen && !strncmp(line, key, klen))
			start = line - text;
		after_blank = *line == '\n';
		if (!nl)
			break;
		line = nl + 1;
	}
	if (start >= 0)
		*end = strlen(text);
	return start;
}

char *kvmd_notes_merge_text(const char *existing, const char *section)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	size_t klen = key_line_len(section), end = 0, len;
	long at = -1;

	if (existing && klen)
		at = find_section(existing, section, klen, &end);
	if (at >= 0) {
		/* replace in place: what came before, the new section, what follows */
		kvmd_buf_add(&out, existing, (size_t)at);
		kvmd_buf_adds(&out, section);
		if (existing[end]) {
			while (out.len && out.ptr[out.len - 1] == '\n')
				kvmd_buf_truncate(&out, out.len - 1);
			kvmd_buf_adds(&out, "\n\n");
			kvmd_buf_adds(&out, existing + end);
		}
		return kvmd_buf_detach(&out, NULL);
	}
	if (existing && *existing) {
		/* as `git notes append`: the old text, a blank line, the new one */
		len = strlen(existing);
		while (len && existing[len - 1] == '\n')
			len--;
		kvmd_buf_add(&out, existing, len);
		kvmd_buf_adds(&out, "\n\n");
	}
	kvmd_buf_adds(&out, section);
	return kvmd_buf_detach(&out, NULL);
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

static int read_note(char **out, git_repository *repo, git_commit *notes_commit,
		     const git_oid *target)
{
	git_note *note = NULL;
	int error;

	*out = NULL;
	if (!notes_commit)
		return 0;
	error = git_note_commit_read(&note, repo, notes_commit, target);
	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	*out = kvmd_xstrdup(git_note_message(note));
	git_note_free(note);
	return 0;
}

int kvmd_notes_add_section(git_repository *repo, const char *notes_ref,
			   const git_oid *target, const char *section,
			   struct kvmd_buf *err)
{
	git_signature *sig = NULL;
	struct timespec now;
	unsigned int seed;
	int attempt, ret = -1;

	if (notes_signature(&sig, repo) < 0) {
		kvmd_buf_addf(err, "cannot make a signature: %s", kvmd_git_error());
		return -1;
	}
	/* each process its own pauses, or racing writers would stay in step */
	clock_gettime(CLOCK_MONOTONIC, &now);
	seed = (unsigned int)getpid() ^ (unsigned int)now.tv_nsec;
	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		git_reference *updated = NULL;
		git_commit *parent = NULL;
		git_oid parent_id, commit_id, blob_id;
		char *old_text = NULL, *new_text = NULL;
		int error;

		error = git_reference_name_to_id(&parent_id, repo, notes_ref);
		if (error == 0)
			error = git_commit_lookup(&parent, repo, &parent_id);
		else if (error == GIT_ENOTFOUND)
			error = 0;
		if (error == 0)
			error = read_note(&old_text, repo, parent, target);
		if (error < 0) {
			kvmd_buf_addf(err, "cannot read %s: %s", notes_ref, kvmd_git_error());
			git_commit_free(parent);
			break;
		}
		new_text = kvmd_notes_merge_text(old_text, section);
		if (old_text && !strcmp(old_text, new_text)) {
			ret = 0;
		} else if (git_note_commit_create(&commit_id, &blob_id, repo, parent, sig, sig,
						  target, new_text, 1) < 0) {
			kvmd_buf_addf(err, "cannot write the note: %s", kvmd_git_error());
		} else {
			/*
			 * Compare-and-swap under the ref's lock: only if nobody moved
			 * it meanwhile.  A zero id means "only if it does not exist";
			 * git_reference_create(force 0) checks that before taking the
			 * lock, so two first writers could both win.
			 */
			git_oid expected;
			if (parent)
				git_oid_cpy(&expected, &parent_id);
			else
				memset(&expected, 0, sizeof(expected));
			error = git_reference_create_matching(&updated, repo, notes_ref,
				&commit_id, 1, &expected, "notes: Notes added by 'git kvmdigest'");
			if (error == 0)
				ret = 1;
			else if (error != GIT_EMODIFIED && error != GIT_EEXISTS &&
				 error != GIT_ELOCKED)
				kvmd_buf_addf(err, "cannot update %s: %s", notes_ref,
					      kvmd_git_error());
			else
				ret = -2; /* lost the race: read again and retry */
		}
		git_reference_free(updated);
		git_commit_free(parent);
		free(old_text);
		free(new_text);
		if (ret != -2)
			break;
		ret = -1;
		backoff(attempt, &seed);
	}
	if (attempt == MAX_ATTEMPTS)
		kvmd_buf_addf(err, "cannot update %s: it kept moving", notes_ref);
	git_signature_free(sig);
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
