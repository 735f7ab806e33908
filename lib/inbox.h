#ifndef KVMD_INBOX_H
#define KVMD_INBOX_H

#include <git2.h>

struct kvmd_buf;

/*
 * What a public-inbox archive commit is.  A v2 archive (lore's, one git
 * repository per epoch) keeps each message as the blob `m` of its own
 * commit, and a removal as a commit whose tree is just `d`; a v1 archive
 * adds each message at a fan-out path (`ab/cdef...`).  Anything else is
 * a code commit: an archive fetched into a kernel checkout shares its
 * history with the kernel's own commits.
 */
enum kvmd_commit_type {
	KVMD_COMMIT_CODE = 0,
	KVMD_COMMIT_MAIL,     /* the message is one blob */
	KVMD_COMMIT_REMOVAL,  /* a removed message (`d`), skipped */
};

/*
 * Classifies `commit`, whose tree the caller has read (`tree`), and, for
 * a mail commit, returns the message blob's id in `blob`: the `m` of a
 * v2 archive (beside other files only when the commit changed it: after
 * an archive is merged into a kernel tree every later commit still
 * carries the old `m`), or the blob that a v1 archive commit adds.
 * Returns the type, or -1 with a message in `err` (which may be NULL)
 * when the parent's tree cannot be read.  `blob` is set for KVMD_COMMIT_MAIL only.
 */
int kvmd_inbox_classify(git_oid *blob, git_repository *repo, git_commit *commit,
			git_tree *tree, struct kvmd_buf *err);

/*
 * Whether commit `id` is an archive commit (a message or a removal): a
 * range that ends at one is an archive's.  0 too when it cannot be read.
 */
int kvmd_inbox_is_archive_commit(git_repository *repo, const git_oid *id);

#endif
