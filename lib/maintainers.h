#ifndef KVMD_MAINTAINERS_H
#define KVMD_MAINTAINERS_H

#include <stddef.h>
#include <git2.h>

struct kvmd_buf;

/*
 * A kernel's MAINTAINERS file, parsed, to name the area of a code
 * commit by the files it touches.
 *
 * A section is the title line before its block of `X:` fields
 * (`KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)`); what comes before the
 * first field block (the file's own introduction) is no section.  Of
 * the fields only `F:` (files) and `X:` (files excluded) are read, as
 * git-style patterns:
 *
 *	arch/x86/kvm/       everything below the directory
 *	arch/x86/kvm        the same, or the file of that name
 *	arch/x86/kvm/x86.c  that file
 *	include/linux/kvm_*.h
 *	                    `*` and `?` match within one path component:
 *	                    include/linux/kvm_host.h, nothing below
 *
 * and a pattern with a glob that ends in `/` matches below every
 * directory it matches.
 *
 * `N:` (a regex on file names) and `K:` (a regex on patch content) are
 * left out.  A file's section is the one whose most specific pattern
 * (the most characters other than `*` and `?`) matches it and whose
 * `X:` patterns do not; of equally specific ones, the earlier in the
 * file.
 *
 * Once parsed, a kvmd_maintainers is only read: several threads may
 * look it up at once.
 */
struct kvmd_maintainers;

/* Parses `len` bytes of MAINTAINERS text (the caller keeps it); never fails. */
struct kvmd_maintainers *kvmd_maintainers_parse(const char *text, size_t len);

/*
 * Reads and parses the MAINTAINERS file of revision `rev` (e.g. "HEAD")
 * of `repo` into `*out`.  Returns 0; `*out` is NULL when `rev` or the
 * file is not there (an unborn HEAD, a repository that is not a kernel
 * checkout).  Returns -1 with the reason in `err` when it cannot be read.
 * Free with kvmd_maintainers_free().
 */
int kvmd_maintainers_read(struct kvmd_maintainers **out, git_repository *repo,
			  const char *rev, struct kvmd_buf *err);

void kvmd_maintainers_free(struct kvmd_maintainers *m);

/* How many sections were read (with or without patterns). */
size_t kvmd_maintainers_count(const struct kvmd_maintainers *m);

/* The title of the section of `path` (borrowed from `m`), or NULL for none. */
const char *kvmd_maintainers_file_section(const struct kvmd_maintainers *m,
					  const char *path);

/*
 * The area of a commit that touches `paths` (`n` of them, as the
 * diffstat names them; a rename's both sides may be given): each file
 * counts for its section (kvmd_maintainers_file_section()), and the
 * section most files count for wins; of sections with as many files,
 * the one with the more specific pattern, then the earlier in the file.
 * Borrowed from `m`; NULL when no file has a section.
 */
const char *kvmd_maintainers_area(const struct kvmd_maintainers *m,
				  const char *const *paths, size_t n);

#endif
