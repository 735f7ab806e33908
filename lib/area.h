#ifndef KVMD_AREA_H
#define KVMD_AREA_H

#include <stddef.h>

struct kvmd_buf;

/*
 * The area of a message, from its subject: what the list's subjects
 * put before the summary.
 *
 *	[PATCH v3 2/5] KVM: x86/mmu: Zap it      KVM: x86
 *	Re: [PATCH] KVM: arm64: vgic: Fix        KVM: arm64
 *	[PATCH] KVM: selftests: x86: Add a test  KVM: selftests
 *	[PATCH] KVM: Drop a stale comment        KVM
 *	[PATCH] vfio/pci: Fix it                 vfio
 *	[kvm-unit-tests PATCH] x86: Test it      kvm-unit-tests
 *	[GIT PULL] KVM fixes for 6.14            (none)
 *
 * Reply and forward markers (`Re:`, `Aw:`, `Fwd:`...) and the leading
 * bracketed tags go first.  A tag whose first word is not PATCH, RFC,
 * RESEND, GIT or a version or number names a project of its own
 * (`[kvm-unit-tests PATCH]`, `[kvmtool PATCH]`): that is the area.
 * Otherwise the area is the first prefix of the summary (a word and
 * `:`, up to its first `/`), and for `KVM:` the next one as well, the
 * architecture or part of KVM (`x86`, `arm64`, `s390`, `selftests`).
 *
 * Appends the area to `out` and returns 1, or returns 0 when the
 * subject has none.  `subject` is UTF-8, `len` bytes.
 */
int kvmd_area_of_subject(struct kvmd_buf *out, const char *subject, size_t len);

/*
 * Whether `area` (as kvmd_area_of_subject() or a MAINTAINERS section
 * names one) is the area `name` asks for, as --area=<name> selects:
 * the whole name, compared case-insensitively (ASCII), with a trailing
 * ":" and the spaces around either ignored, so that `KVM: x86`,
 * `kvm: x86:` and `KVM: X86` all ask for "KVM: x86", and `x86` for the
 * area "x86" only.  A NULL `area` (none) matches no name.
 */
int kvmd_area_matches(const char *area, const char *name);

/*
 * Whether --area (the `n` names of `names`; NULL: no --area, every
 * area) lets in what has the subject `subject` (NULL: none), by the
 * area kvmd_area_of_subject() finds in it: the status sections' test
 * of a series, in text and JSON alike.
 */
int kvmd_area_subject_wanted(const char *subject, const char *const *names, size_t n);

#endif
