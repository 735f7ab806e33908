#!/bin/sh

test_description='areas from subjects and from MAINTAINERS, --area, --group-by=area, dates

A public-inbox archive (the real tools) with an x86 series and a reply
to it, an arm64 patch, a kvm-unit-tests patch, a vfio patch and a
question: the areas section counts series and messages per subject
prefix, --area keeps only the mails of the areas named, --group-by=area
(or kvmdigest.groupBy) puts a heading over each area in the patch list,
and JSON names the period by its first and last dates.  Then a
kernel-like code history with a MAINTAINERS file at HEAD: each commit
gets the section its files belong to.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

if ! command -v python3 >/dev/null 2>&1
then
	skip_all='python3 is needed to read --format=json'
	test_done
fi

# section HEADING <digest: the lines under HEADING, up to the next heading.
section () {
	awk -v heading="$1" '
		index($0, heading) == 1 { on = 1; getline; next }
		on && /^===== / { exit }
		on { print }
	' | sed -e '$ { /^$/d; }'
}

# json EXPR <json: prints what the python expression of `d` gives, a line per item.
json () {
	python3 -c "
import json, sys
d = json.load(sys.stdin)
r = $1
for x in (r if isinstance(r, list) else [r]):
    print(x)
"
}

test_expect_success PUBLIC_INBOX 'setup: an archive of several areas' '
	mail m1 x0@amd.example "Mon, 2 Nov 2026 08:00:00 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 0/2] KVM: x86: Teach the widget to frob" <<-\EOF &&
	Two patches.
	EOF
	mail m2 x1@amd.example "Mon, 2 Nov 2026 08:00:01 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 1/2] KVM: x86/mmu: Add the frob bit" x0@amd.example <<-\EOF &&
	Define the bit.

	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF
	mail m3 x2@amd.example "Mon, 2 Nov 2026 08:00:02 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 2/2] KVM: x86: Frob the widget on entry" x0@amd.example <<-\EOF &&
	Use it.

	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF
	mail m4 a1@arm.example "Mon, 2 Nov 2026 09:00:00 +0000" \
		"Dave Martin <dave@arm.example>" \
		"[PATCH] KVM: arm64: Fix the vgic" <<-\EOF &&
	Fix it.

	Signed-off-by: Dave Martin <dave@arm.example>
	EOF
	mail m5 u1@intel.example "Mon, 2 Nov 2026 10:00:00 +0000" \
		"Ursula Unit <ursula@intel.example>" \
		"[kvm-unit-tests PATCH] x86: Test the frob bit" <<-\EOF &&
	Test it.

	Signed-off-by: Ursula Unit <ursula@intel.example>
	EOF
	mail m6 q1@redhat.example "Tue, 3 Nov 2026 08:00:00 +0000" \
		"Quentin Asker <quentin@redhat.example>" \
		"Question about KVM_RUN" <<-\EOF &&
	Why does it return?
	EOF
	mail m7 r1@google.com "Tue, 3 Nov 2026 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH 1/2] KVM: x86/mmu: Add the frob bit" x1@amd.example <<-\EOF &&
	> Define the bit.

	Reviewed-by: Sean Christopherson <seanjc@google.com>
	EOF
	mail m8 v1@nvidia.example "Wed, 4 Nov 2026 12:34:56 +0000" \
		"Victor Fio <victor@nvidia.example>" \
		"[PATCH] vfio/pci: Fix a leak" <<-\EOF &&
	Free it.

	Signed-off-by: Victor Fio <victor@nvidia.example>
	EOF
	inbox_create inbox &&
	inbox_deliver inbox m1 m2 m3 m4 m5 m6 m7 m8 &&
	git clone -q inbox/git/0.git clone &&
	tip=$(git -C clone rev-parse --short=8 HEAD) &&
	echo "$tip" >tip
'

test_expect_success PUBLIC_INBOX 'the areas section: series and messages per subject area' '
	cat >expect <<-EOF &&
	 Series Messages  Area
	      1        4  KVM: x86
	      1        1  kvm-unit-tests
	      1        1  KVM: arm64
	      1        1  vfio
	      0        1  No area
	EOF
	git -C clone kvmdigest --stdout --sections=areas master >digest &&
	grep "^===== Areas " digest >heading &&
	echo "===== Areas from 2026-11-02 to 2026-11-04 (root..$(cat tip)) =====" >expect-heading &&
	test_cmp expect-heading heading &&
	section "===== Areas " <digest >actual &&
	test_cmp expect actual
'

test_expect_success PUBLIC_INBOX '`areas` is in `all`, not in the default' '
	git -C clone kvmdigest --stdout --sections=all master >all &&
	grep "^===== Areas from 2026-11-02 to 2026-11-04 " all &&
	git -C clone kvmdigest --stdout master >default &&
	! grep "Areas" default &&
	! grep "^--- " default
'

test_expect_success PUBLIC_INBOX 'JSON: the areas, each patch line'\''s area, the dates of the period' '
	git -C clone kvmdigest --format=json master >json &&
	json "[(a[\"area\"], a[\"series\"], a[\"messages\"]) for a in d[\"areas\"]]" <json >actual &&
	cat >expect <<-\EOF &&
	('\''KVM: x86'\'', 1, 4)
	('\''kvm-unit-tests'\'', 1, 1)
	('\''KVM: arm64'\'', 1, 1)
	('\''vfio'\'', 1, 1)
	(None, 0, 1)
	EOF
	test_cmp expect actual &&
	json "[(p[\"area\"], p[\"subject\"]) for p in d[\"patches\"]]" <json >actual &&
	cat >expect <<-\EOF &&
	('\''vfio'\'', '\''[PATCH] vfio/pci: Fix a leak'\'')
	('\''kvm-unit-tests'\'', '\''[kvm-unit-tests PATCH] x86: Test the frob bit'\'')
	('\''KVM: arm64'\'', '\''[PATCH] KVM: arm64: Fix the vgic'\'')
	('\''KVM: x86'\'', '\''[PATCH 0/2] KVM: x86: Teach the widget to frob'\'')
	EOF
	test_cmp expect actual &&
	json "(d[\"range\"][\"first_date\"], d[\"range\"][\"last_date\"])" <json >actual &&
	echo "('\''2026-11-02T08:00:00Z'\'', '\''2026-11-04T12:34:56Z'\'')" >expect &&
	test_cmp expect actual
'

test_expect_success PUBLIC_INBOX 'JSON dates of a part of the archive: its own first and last mail' '
	git -C clone kvmdigest --format=json master~3..master~1 >json &&
	json "(d[\"range\"][\"first_date\"], d[\"range\"][\"last_date\"])" <json >actual &&
	echo "('\''2026-11-03T08:00:00Z'\'', '\''2026-11-03T09:00:00Z'\'')" >expect &&
	test_cmp expect actual
'

test_expect_success PUBLIC_INBOX '--area: only the mails of the areas named, case and colon aside' '
	git -C clone kvmdigest --format=json "--area=kvm: X86:" master >json &&
	json "(d[\"messages\"], sorted(c[\"email\"] for c in d[\"contributors\"]))" <json >actual &&
	echo "(4, ['\''alice@amd.example'\'', '\''seanjc@google.com'\''])" >expect &&
	test_cmp expect actual &&
	json "[p[\"subject\"] for p in d[\"patches\"]]" <json >actual &&
	echo "[PATCH 0/2] KVM: x86: Teach the widget to frob" >expect &&
	test_cmp expect actual &&

	git -C clone kvmdigest --stdout --sections=areas,patches \
		--area="KVM: arm64" --area=vfio master >digest &&
	section "===== Patch list" <digest >actual &&
	cat >expect <<-\EOF &&
	[PATCH] vfio/pci: Fix a leak (Victor Fio, 1 message)
	[PATCH] KVM: arm64: Fix the vgic (Dave Martin, 1 message)
	EOF
	test_cmp expect actual
'

test_expect_success PUBLIC_INBOX '--area takes the whole name: x86 is not KVM: x86' '
	git -C clone kvmdigest --area=x86 master >out 2>err &&
	test_must_be_empty out &&
	grep "nothing to digest" err
'

test_expect_success PUBLIC_INBOX '--area writes no note, as --since does not' '
	git -C clone kvmdigest --area=vfio master >out &&
	grep "vfio/pci: Fix a leak" out &&
	test_must_fail git -C clone notes --ref=kvmdigest list master
'

test_expect_success PUBLIC_INBOX '--group-by=area: a heading over each area of the patch list' '
	cat >expect <<-\EOF &&
	--- KVM: x86 ---
	[PATCH 0/2] KVM: x86: Teach the widget to frob (Alice Liddell, 3 messages)

	--- kvm-unit-tests ---
	[kvm-unit-tests PATCH] x86: Test the frob bit (Ursula Unit, 1 message)

	--- KVM: arm64 ---
	[PATCH] KVM: arm64: Fix the vgic (Dave Martin, 1 message)

	--- vfio ---
	[PATCH] vfio/pci: Fix a leak (Victor Fio, 1 message)
	EOF
	git -C clone kvmdigest --stdout --group-by=area master >digest &&
	section "===== Patch list" <digest >actual &&
	test_cmp expect actual &&
	git -C clone -c kvmdigest.groupBy=area kvmdigest --stdout master >digest &&
	section "===== Patch list" <digest >actual &&
	test_cmp expect actual &&
	# the command line wins
	git -C clone -c kvmdigest.groupBy=area kvmdigest --stdout --group-by=none master >digest &&
	git -C clone kvmdigest --stdout master >default &&
	test_cmp default digest
'

test_expect_success PUBLIC_INBOX '--group-by=area: the status section too' '
	git -C clone kvmdigest --stdout --sections=status --group-by=area master >digest &&
	section "===== Series status" <digest | grep -e "^--- " -e "^\[" >actual &&
	cat >expect <<-\EOF &&
	--- KVM: x86 ---
	[PATCH 0/2] KVM: x86: Teach the widget to frob (Alice Liddell, 3 messages)
	--- KVM: arm64 ---
	[PATCH] KVM: arm64: Fix the vgic (Dave Martin, 1 message)
	--- kvm-unit-tests ---
	[kvm-unit-tests PATCH] x86: Test the frob bit (Ursula Unit, 1 message)
	--- vfio ---
	[PATCH] vfio/pci: Fix a leak (Victor Fio, 1 message)
	EOF
	test_cmp expect actual
'

test_expect_success PUBLIC_INBOX 'bad --group-by and kvmdigest.groupBy values' '
	test_expect_code 129 git -C clone kvmdigest --stdout --group-by=author master 2>err &&
	grep "group-by.*\"area\" or \"none\", not '\''author'\''" err &&
	test_expect_code 128 git -C clone -c kvmdigest.groupBy=month kvmdigest --stdout master 2>err &&
	grep "bad config value '\''month'\'' for '\''kvmdigest.groupBy'\''" err
'

test_expect_success 'setup: a kernel-like history, MAINTAINERS at HEAD' '
	git init -q kernel &&
	(
		cd kernel &&
		commit_files_as "Linus <torvalds@linux-foundation.org>" "Linux 6.12" Makefile &&
		git tag v1 &&
		commit_files_as "Sean <seanjc@google.com>" "KVM: x86: MMU fix" arch/x86/kvm/mmu/mmu.c &&
		commit_files_as "Marc <maz@kernel.org>" "KVM: arm64: vgic fix" arch/arm64/kvm/vgic.c &&
		commit_files_as "Paolo <pbonzini@redhat.com>" "KVM: generic change" \
			virt/kvm/kvm_main.c include/linux/kvm_host.h &&
		commit_files_as "Sean <seanjc@google.com>" "KVM: x86: mostly x86" \
			arch/x86/kvm/x86.c arch/x86/kvm/vmx/vmx.c virt/kvm/kvm_main.c &&
		commit_files_as "Sean <seanjc@google.com>" "KVM: SVM: a fix" arch/x86/kvm/svm/svm.c &&
		commit_files_as "Jon <corbet@lwn.net>" "docs: a typo" Documentation/process/howto.rst &&
		commit_files_as "Ann <ann@example.com>" "ext4: elsewhere" fs/ext4/inode.c &&
		# the sections come last: MAINTAINERS is read from HEAD, for every commit
		cat >MAINTAINERS <<-\EOF &&
		List of maintainers
		===================

		 	F: *Files* and directories wildcard patterns (indented: no field).

		DOCUMENTATION
		M:	Jon <corbet@lwn.net>
		F:	Documentation/

		KERNEL VIRTUAL MACHINE (KVM)
		M:	Paolo <pbonzini@redhat.com>
		F:	include/linux/kvm*
		F:	virt/kvm/

		KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)
		M:	Marc <maz@kernel.org>
		F:	arch/arm64/kvm/

		KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)
		M:	Sean <seanjc@google.com>
		F:	arch/x86/kvm/
		X:	arch/x86/kvm/svm/

		KVM AMD SVM
		F:	arch/x86/kvm/svm/

		THE REST
		M:	Linus <torvalds@linux-foundation.org>
		F:	*
		F:	*/
		EOF
		git add MAINTAINERS &&
		test_tick &&
		git commit -q --author="Linus <torvalds@linux-foundation.org>" -m "MAINTAINERS: KVM"
	)
'

test_expect_success 'areas of code commits: the MAINTAINERS section most of their files are in' '
	git -C kernel kvmdigest --format=json v1..HEAD >json &&
	json "[(e[\"subject\"], e[\"area\"]) for e in d[\"entries\"]]" <json >actual &&
	cat >expect <<-\EOF &&
	('\''MAINTAINERS: KVM'\'', '\''THE REST'\'')
	('\''ext4: elsewhere'\'', '\''THE REST'\'')
	('\''docs: a typo'\'', '\''DOCUMENTATION'\'')
	('\''KVM: SVM: a fix'\'', '\''KVM AMD SVM'\'')
	('\''KVM: x86: mostly x86'\'', '\''KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)'\'')
	('\''KVM: generic change'\'', '\''KERNEL VIRTUAL MACHINE (KVM)'\'')
	('\''KVM: arm64: vgic fix'\'', '\''KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)'\'')
	('\''KVM: x86: MMU fix'\'', '\''KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)'\'')
	EOF
	test_cmp expect actual
'

test_expect_success 'the areas section and --group-by=area of a code range' '
	git -C kernel kvmdigest --stdout --sections=areas,patches --group-by=area v1..HEAD >digest &&
	section "===== Areas " <digest >actual &&
	cat >expect <<-\EOF &&
	Commits  Area
	      2  KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)
	      2  THE REST
	      1  DOCUMENTATION
	      1  KERNEL VIRTUAL MACHINE (KVM)
	      1  KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)
	      1  KVM AMD SVM
	EOF
	test_cmp expect actual &&
	section "===== Patch list" <digest | sed -e "s/^[0-9a-f]\{12\} //" >actual &&
	cat >expect <<-\EOF &&
	--- KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86) ---
	KVM: x86: mostly x86 (Sean)
	KVM: x86: MMU fix (Sean)

	--- THE REST ---
	MAINTAINERS: KVM (Linus)
	ext4: elsewhere (Ann)

	--- DOCUMENTATION ---
	docs: a typo (Jon)

	--- KERNEL VIRTUAL MACHINE (KVM) ---
	KVM: generic change (Paolo)

	--- KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64) ---
	KVM: arm64: vgic fix (Marc)

	--- KVM AMD SVM ---
	KVM: SVM: a fix (Sean)
	EOF
	test_cmp expect actual
'

test_expect_success '--area on a code range; JSON dates are the commit dates' '
	git -C kernel kvmdigest --format=json \
		--area="kernel virtual machine for x86 (kvm/x86)" v1..HEAD >json &&
	json "[e[\"subject\"] for e in d[\"entries\"]]" <json >actual &&
	git -C kernel log --format=%s --grep="^KVM: x86" v1..HEAD >expect &&
	test_cmp expect actual &&
	git -C kernel kvmdigest --format=json v1..HEAD >json &&
	json "(d[\"range\"][\"first_date\"], d[\"range\"][\"last_date\"])" <json >actual &&
	first=$(TZ=UTC git -C kernel log --reverse --date=format-local:%Y-%m-%dT%H:%M:%SZ \
		--format=%cd v1..HEAD | sed -n 1p) &&
	last=$(TZ=UTC git -C kernel log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd) &&
	echo "('\''$first'\'', '\''$last'\'')" >expect &&
	test_cmp expect actual
'

test_expect_success 'no MAINTAINERS at HEAD: code commits have no area' '
	git -C kernel checkout -q -b old v1 &&
	git -C kernel kvmdigest --format=json v1..main >json &&
	json "sorted(set(str(e[\"area\"]) for e in d[\"entries\"]))" <json >actual &&
	echo None >expect &&
	test_cmp expect actual &&
	git -C kernel checkout -q main
'

test_done
