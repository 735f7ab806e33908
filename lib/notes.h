#ifndef KVMD_NOTES_H
#define KVMD_NOTES_H

#include <git2.h>

struct kvmd_buf;

/*
 * Digests live as sections of a git note, one section per range.  A
 * section starts with its key line, `From <old8> to <new8>`; sections are
 * separated by a blank line, as `git notes append` separates them.
 */

/*
 * Expands a notes ref as git does (`foo` -> `refs/notes/foo`,
 * `notes/foo` -> `refs/notes/foo`) into `out`; -1 with a message in
 * `err` when the result is not a valid ref under refs/notes/.
 */
int kvmd_notes_ref_expand(struct kvmd_buf *out, const char *ref, struct kvmd_buf *err);

/*
 * The note text after adding `section`: `existing` (may be NULL) with a
 * section of the same key replaced in place, or `section` appended after
 * a blank line.  The result is malloc()ed; free() it.
 */
char *kvmd_notes_merge_text(const char *existing, const char *section);

/*
 * Adds `section` to the note on `target` in `notes_ref`, in one notes
 * commit.  The ref is moved with a compare-and-swap and the whole step
 * retried when another writer moved it first, so concurrent digests never
 * lose each other's notes.  Nothing is written when the note already
 * holds the section.  Returns 1 when a note was written, 0 when nothing
 * had to change, -1 with a message in `err` on failure (the ref is then
 * as it was).
 */
int kvmd_notes_add_section(git_repository *repo, const char *notes_ref,
			   const git_oid *target, const char *section,
			   struct kvmd_buf *err);

/* Does `target` carry a note in `notes_ref`?  1 yes, 0 no, -1 on error. */
int kvmd_notes_exists(git_repository *repo, const char *notes_ref, const git_oid *target);

#endif
