#!/bin/sh

test_description='pathspecs limit a code range as they limit git log

A kernel-like history (KVM x86, KVM arm64, generic KVM, documentation),
several authors and a merge.  With "-- <path>..." the digest lists the
commits git log -- <path>... lists and counts each contributor as git
shortlog -s -- <path>... counts; kvmdigest.pathspec limits the digest
that the post-merge hook writes after a pull.
'
. "$(dirname "$0")"/test-lib.sh

if ! command -v python3 >/dev/null 2>&1
then
	skip_all='python3 is needed to read --format=json'
	test_done
fi

# digest_counts ARGS...: "count email" per contributor, and the commits.
digest_counts () {
	git kvmdigest --format=json "$@" >json &&
	python3 -c "
import json
d = json.load(open(\"json\"))
for c in d[\"contributors\"]:
    print(c[\"count\"], c[\"email\"])
" | sort >counts &&
	python3 -c "
import json
d = json.load(open(\"json\"))
for e in d[\"entries\"]:
    print(e[\"commit\"])
" | sort >commits
}

# same RANGE PATH...: the digest counts as shortlog and lists as git log.
same () {
	range=$1 &&
	shift &&
	git shortlog -sne --no-merges "$range" -- "$@" </dev/null |
		sed -e "s/^ *\([0-9]*\)	.*<\(.*\)>\$/\1 \2/" | sort >expect-counts &&
	test -s expect-counts &&
	git log --no-merges --format=%H "$range" -- "$@" | sort >expect-commits &&
	digest_counts "$range" -- "$@" &&
	test_cmp expect-counts counts &&
	test_cmp expect-commits commits
}

test_expect_success 'setup: a kernel-like history' '
	git init -q repo &&
	cd repo &&
	printf "%s\n" json counts commits "expect-*" >.git/info/exclude &&
	commit_files_as "Linus <torvalds@linux-foundation.org>" "Linux 6.12" Makefile &&
	git tag v1 &&
	commit_files_as "Sean <seanjc@google.com>" "KVM: x86: MMU fix" arch/x86/kvm/mmu/mmu.c &&
	commit_files_as "Marc <maz@kernel.org>" "KVM: arm64: vgic fix" arch/arm64/kvm/vgic.c &&
	commit_files_as "Paolo <pbonzini@redhat.com>" "KVM: generic change" virt/kvm/kvm_main.c include/linux/kvm_host.h &&
	commit_files_as "Sean <seanjc@google.com>" "KVM: x86: and virt" arch/x86/kvm/x86.c virt/kvm/kvm_main.c &&
	commit_files_as "Jon <corbet@lwn.net>" "docs: a typo" Documentation/virt/kvm/api.rst &&
	git checkout -q -b topic &&
	commit_files_as "Maxim <mlevitsk@redhat.com>" "KVM: x86: on a topic" arch/x86/kvm/svm/svm.c &&
	commit_files_as "Maxim <mlevitsk@redhat.com>" "KVM: x86: selftest" tools/testing/selftests/kvm/x86/a.c &&
	git checkout -q main &&
	commit_files_as "Marc <maz@kernel.org>" "KVM: arm64: another" arch/arm64/kvm/arm.c &&
	test_tick &&
	git merge -q --no-edit topic &&
	commit_files_as "Sean <seanjc@google.com>" "KVM: x86: after the merge" arch/x86/kvm/x86.c &&
	commit_files_as "Linus <torvalds@linux-foundation.org>" "Linux 6.13" Makefile &&
	git tag v2
'

test_expect_success 'one directory, two, a file, a glob' '
	cd repo &&
	same v1..v2 arch/x86/kvm &&
	same v1..v2 arch/x86/kvm virt/kvm &&
	same v1..v2 virt/kvm/kvm_main.c &&
	same v1..v2 "arch/*/kvm/*" &&
	same v1..v2 "arch/x86/kvm/*.c" &&
	same v1..v2 "*.rst" Makefile
'

test_expect_success 'a pathspec with one revision, and with --since' '
	cd repo &&
	same v2 arch/arm64/kvm &&
	git log --no-merges --format=%H --since=@$((test_tick_ - 600)) v2 -- arch/x86/kvm >expect &&
	test -s expect &&
	git kvmdigest --format=json --since=@$((test_tick_ - 600)) v2 -- arch/x86/kvm >json &&
	python3 -c "
import json
for e in json.load(open(\"json\"))[\"entries\"]:
    print(e[\"commit\"])
" >actual &&
	test_cmp expect actual
'

test_expect_success 'a pathspec nothing touches digests nothing' '
	cd repo &&
	git kvmdigest --stdout v1..v2 -- drivers/nosuch >out 2>err &&
	test_must_be_empty out &&
	grep "nothing to digest" err
'

test_expect_success 'the post-merge hook digests kvmdigest.pathspec only' '
	git clone -q repo work &&
	git -C work reset -q --hard origin/main~6 &&
	old=$(git -C work rev-parse HEAD) &&
	git -C work kvmdigest install-hooks >out &&
	git -C work config --add kvmdigest.pathspec arch/x86/kvm &&
	git -C work config --add kvmdigest.pathspec virt/kvm &&
	git -C work pull -q 2>err &&
	! grep "warning: git-kvmdigest" err &&
	new=$(git -C work rev-parse HEAD) &&
	test "$old" != "$new" &&
	git -C work notes --ref=kvmdigest show HEAD >note &&
	git -C work log --no-merges --format="%h %s" $old..$new -- arch/x86/kvm virt/kvm >expect &&
	test_line_count = 3 expect &&
	while read h s
	do
		grep "^$(git -C work rev-parse --short=12 $h) $s" note || return 1
	done <expect &&
	! grep "arm64" note &&
	! grep "Linux 6.13" note
'

test_done
