#ifndef KVMD_NOTES_H
#define KVMD_NOTES_H

#include <git2.h>
#include <stddef.h>

struct kvmd_buf;

/*
 * Digests live as sections of a git note, one section per range.  A
 * section starts with its key line, `From <old8> to <new8>` (see
 * kvmd_render_section_key_len(): the renderer quotes mail text of that
 * form, so only a digest's first line is one); sections are separated
 * by a blank line, as `git notes append` separates them.  A note is
 * bytes: whatever else it holds (NULs, invalid UTF-8) is kept as it is.
 */

/*
 * Expands a notes ref as git does (`foo` -> `refs/notes/foo`,
 * `notes/foo` -> `refs/notes/foo`) into `out`; -1 with a message in
 * `err` when the result is not a valid ref under refs/notes/.
 */
int kvmd_notes_ref_expand(struct kvmd_buf *out, const char *ref, struct kvmd_buf *err);

/*
 * Puts in `out` (reset first) the note text after adding `section`:
 * `existing` (`existing_len` bytes, may be NULL) with a section of the
 * same key replaced in place, or `section` appended after a blank line.
 */
void kvmd_notes_merge_text(struct kvmd_buf *out, const char *existing, size_t existing_len,
			   const char *section, size_t section_len);

/*
 * Adds `section` to the note on `target` in `notes_ref`, in one notes
 * commit whose message is `message`.  A symbolic `notes_ref` is followed,
 * as `git notes` follows it.  The ref is moved with a compare-and-swap
 * and the whole step retried when another writer moved it first, so
 * concurrent digests never lose each other's notes; a ref lock that
 * stays (a stale `<ref>.lock`) fails within half a second, naming the
 * file.  Nothing is written when the note already holds the section.
 * Returns 1 when a note was written, 0 when nothing had to change, -1
 * with a message in `err` on failure (the ref is then as it was).
 */
int kvmd_notes_add_section(git_repository *repo, const char *notes_ref,
			   const git_oid *target, const char *section, size_t section_len,
			   const char *message, struct kvmd_buf *err);

/*
 * After `notes_ref` moved from `old` to `new` (a fetch whose refspec
 * writes it): when `old` is not an ancestor of `new`, the update threw
 * local notes away.  Points `backup_ref` at `old`, then brings back into
 * `notes_ref` every section of `old` that the current notes lack, in a
 * merge commit with `old` as second parent.  Returns 1 when it did, 0
 * when the update was a fast-forward (nothing lost), -1 with a message
 * in `err`.
 */
int kvmd_notes_keep_local(git_repository *repo, const char *notes_ref,
			  const git_oid *old, const git_oid *new,
			  const char *backup_ref, struct kvmd_buf *err);

/* Does `target` carry a note in `notes_ref`?  1 yes, 0 no, -1 on error. */
int kvmd_notes_exists(git_repository *repo, const char *notes_ref, const git_oid *target);

#endif
