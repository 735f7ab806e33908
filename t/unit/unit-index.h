/*
 * unit-index.h - what the unit tests on a real index file start from
 * (test-index, test-applied): a temporary directory of their own, the
 * index's path in it, an error buffer and a subject parser.  Include
 * after <cmocka.h>.
 */
#ifndef KVMD_UNIT_INDEX_H
#define KVMD_UNIT_INDEX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/subject.h"

struct unit_index {
	char dir[64];                         /* removed with all in it */
	struct kvmd_buf path;                 /* the index file, in dir */
	struct kvmd_buf err;
	struct kvmd_subject_parser *subjects;
};

/*
 * Makes the directory /tmp/<name>.XXXXXX, with the index at `file`
 * below it (not created).  0, or -1; unit_index_release() either way.
 */
static int unit_index_init(struct unit_index *u, const char *name, const char *file)
{
	kvmd_buf_init(&u->path);
	kvmd_buf_init(&u->err);
	u->subjects = NULL;
	if (snprintf(u->dir, sizeof(u->dir), "/tmp/%s.XXXXXX", name) >= (int)sizeof(u->dir) ||
	    !mkdtemp(u->dir)) {
		u->dir[0] = '\0';
		return -1;
	}
	kvmd_buf_addf(&u->path, "%s/%s", u->dir, file);
	u->subjects = kvmd_subject_parser_new(&u->err);
	return u->subjects ? 0 : -1;
}

/* Removes the directory and releases the rest. */
static void unit_index_release(struct unit_index *u)
{
	struct kvmd_buf cmd = KVMD_BUF_INIT;

	if (u->dir[0]) {
		kvmd_buf_addf(&cmd, "rm -rf '%s'", u->dir);
		if (system(cmd.ptr)) {
			/* nothing more to do about it */
		}
	}
	kvmd_buf_release(&cmd);
	kvmd_buf_release(&u->path);
	kvmd_buf_release(&u->err);
	kvmd_subject_parser_free(u->subjects);
}

#endif
