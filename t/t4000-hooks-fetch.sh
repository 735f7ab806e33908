#!/bin/sh

test_description='git fetch digests what it brought (reference-transaction hook)

A public-inbox v2 archive made with the real tools, a clone of its
epoch with the hooks installed; every fetch that moves origin/master
leaves a note on the new tip with the digest of exactly the new
messages.  A digest that fails never fails the fetch.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

# sum_counts <rows: the sum of the first column.
sum_counts () {
	awk '{ n += $1 } END { print n + 0 }'
}

# An ISO 8601 time in UTC, as every line of kvmdigest.log starts.
STAMP="[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"

notes_ref () {
	git -C clone rev-parse -q --verify refs/notes/kvmdigest
}

test_expect_success PUBLIC_INBOX 'setup: an archive and a clone with the hooks' '
	mail s1 seed-1@google.com "Sat, 1 Mar 2025 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH] KVM: x86: Drop a stale comment" <<-\EOF &&
	Applied, thanks.
	EOF
	mail s2 seed-2@redhat.com "Sat, 1 Mar 2025 10:00:00 +0000" \
		"Paolo Bonzini <pbonzini@redhat.com>" \
		"Re: [GIT PULL] KVM/arm64 updates for 6.15" <<-\EOF &&
	Pulled, thanks.
	EOF

	# five new messages: a cover letter and its two patches, a reply, a pull
	mail b1 cover-1@amd.example "Mon, 3 Mar 2025 08:00:00 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v3 0/2] KVM: SVM: Tidy up the VMCB dumping" <<-\EOF &&
	Two small cleanups to dump_vmcb().

	v3: rebased on kvm-x86/next.

	Alice Liddell (2):
	  KVM: SVM: Print the VMCB address
	  KVM: SVM: Dump the VMSA too
	EOF
	mail b2 patch-1@amd.example "Mon, 3 Mar 2025 08:00:01 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v3 1/2] KVM: SVM: Print the VMCB address" \
		cover-1@amd.example <<-\EOF &&
	Print the physical address of the VMCB next to its contents, so the
	dump can be matched with the trace.

	Signed-off-by: Alice Liddell <alice@amd.example>
	---
	 arch/x86/kvm/svm/svm.c | 2 +-

	diff --git a/arch/x86/kvm/svm/svm.c b/arch/x86/kvm/svm/svm.c
	EOF
	mail b3 patch-2@amd.example "Mon, 3 Mar 2025 08:00:02 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v3 2/2] KVM: SVM: Dump the VMSA too" \
		cover-1@amd.example <<-\EOF &&
	For an SEV-ES guest the VMSA holds the interesting state.

	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF
	mail b4 reply-1@subgenius.example "Mon, 3 Mar 2025 09:30:00 +0000" \
		"Bob Dobbs <bob@subgenius.example>" \
		"Re: [PATCH v3 1/2] KVM: SVM: Print the VMCB address" \
		patch-1@amd.example "<cover-1@amd.example> <patch-1@amd.example>" <<-\EOF &&
	Reviewed-by: Bob Dobbs <bob@subgenius.example>
	EOF
	mail b5 pull-1@redhat.com "Mon, 3 Mar 2025 10:00:00 +0000" \
		"Paolo Bonzini <pbonzini@redhat.com>" \
		"[GIT PULL] KVM fixes for 6.14-rc6" <<-\EOF &&
	Linus,

	The following changes since commit 0ad2507d5d93 are in the kvm fixes branch.
	EOF

	# three more: a lone patch, a reply to it, a question
	mail c1 lone-1@atari.example "Tue, 4 Mar 2025 08:00:00 +0000" \
		"Carol Shaw <carol@atari.example>" \
		"[PATCH] KVM: selftests: Add a test for the PIT" <<-\EOF &&
	Nothing tests the PIT yet.

	Signed-off-by: Carol Shaw <carol@atari.example>
	EOF
	mail c2 reply-2@amd.example "Tue, 4 Mar 2025 09:00:00 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"Re: [PATCH] KVM: selftests: Add a test for the PIT" \
		lone-1@atari.example <<-\EOF &&
	Does it pass on AMD?
	EOF
	mail c3 question-1@kernel.example "Tue, 4 Mar 2025 10:00:00 +0000" \
		"Dave Jones <dave@kernel.example>" \
		"KVM: why does the guest see a different TSC frequency?" <<-\EOF &&
	On my machine the guest reports 2.1 GHz, the host 2.4 GHz.  Bug?
	EOF

	inbox_create inbox &&
	inbox_deliver inbox s1 s2 &&
	git clone inbox/git/0.git clone &&
	git -C clone kvmdigest install-hooks >out &&
	grep "reference-transaction: installed" out &&
	grep "post-merge: installed" out &&
	test_set_prereq CLONE
'

test_expect_success CLONE 'a fetch with five new messages notes their digest' '
	old=$(git -C clone rev-parse origin/master) &&
	inbox_deliver inbox b1 b2 b3 b4 b5 &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	! grep "warning" err &&
	new=$(git -C inbox/git/0.git rev-parse master) &&
	test "$new" = "$(git -C clone rev-parse origin/master)" &&
	test "$old" = "$(git -C clone rev-parse origin/master~5)" &&
	git -C clone notes --ref=kvmdigest show $new >note &&

	# the key line: the tip before the fetch and the new tip
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	table "Top 15 contributors (Based on Email Body)" <note >rows &&
	sum_counts <rows >sum &&
	echo 5 >expect &&
	test_cmp expect sum &&

	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)

	      3 amd.example
	      1 subgenius.example
	      1 redhat.com

	Top 15 contributors (Based on Email Body)

	      3  Alice Liddell <alice@amd.example>
	      1  Paolo Bonzini <pbonzini@redhat.com>
	      1  Bob Dobbs <bob@subgenius.example>

	===== Patch list in this time period =====

	[PATCH v3 0/2] KVM: SVM: Tidy up the VMCB dumping (Alice Liddell, 3 messages)

	===== Patch Commit Messages ====

	New:  KVM: SVM: Print the VMCB address
	[PATCH v3 1/2] KVM: SVM: Print the VMCB address
	Author: Alice Liddell <alice@amd.example>

	Print the physical address of the VMCB next to its contents, so the
	dump can be matched with the trace.

	Signed-off-by: Alice Liddell <alice@amd.example>
	---
	 arch/x86/kvm/svm/svm.c | 2 +-

	----------------------------------------------------------------------

	New:  KVM: SVM: Tidy up the VMCB dumping
	[PATCH v3 0/2] KVM: SVM: Tidy up the VMCB dumping
	Author: Alice Liddell <alice@amd.example>

	Two small cleanups to dump_vmcb().

	v3: rebased on kvm-x86/next.

	Alice Liddell (2):
	  KVM: SVM: Print the VMCB address
	  KVM: SVM: Dump the VMSA too
	----------------------------------------------------------------------

	EOF
	fill_range $old $new <template >expect &&
	test_cmp expect note &&

	# one note, on the new tip only
	git -C clone notes --ref=kvmdigest list >list &&
	test_line_count = 1 list &&
	grep " $new\$" list &&
	first_tip=$new
'

test_expect_success CLONE 'the digest went to the log, nothing else' '
	test_path_is_file clone/.git/kvmdigest.log &&
	! grep -e "Z fatal" -e "Z error" -e "Z warning" -e "^fatal" -e "^error" -e "^warning" \
		clone/.git/kvmdigest.log
'

test_expect_success CLONE 'a fetch that brings nothing leaves the notes alone' '
	before=$(notes_ref) &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	! grep "warning" err &&
	test "$before" = "$(notes_ref)" &&
	test "$first_tip" = "$(git -C clone rev-parse origin/master)"
'

test_expect_success CLONE 'a fetch with three more notes exactly those three' '
	before=$(notes_ref) &&
	inbox_deliver inbox c1 c2 c3 &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	! grep "warning" err &&
	new=$(git -C inbox/git/0.git rev-parse master) &&
	test "$new" = "$(git -C clone rev-parse origin/master)" &&
	test "$first_tip" = "$(git -C clone rev-parse origin/master~3)" &&
	git -C clone notes --ref=kvmdigest show $new >note &&
	table "Top 15 contributors (Based on Email Body)" <note >rows &&
	sum_counts <rows >sum &&
	echo 3 >expect &&
	test_cmp expect sum &&

	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)

	      1 kernel.example
	      1 atari.example
	      1 amd.example

	Top 15 contributors (Based on Email Body)

	      1  Dave Jones <dave@kernel.example>
	      1  Carol Shaw <carol@atari.example>
	      1  Alice Liddell <alice@amd.example>

	===== Patch list in this time period =====

	[PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)

	===== Patch Commit Messages ====

	New:  KVM: selftests: Add a test for the PIT
	[PATCH] KVM: selftests: Add a test for the PIT
	Author: Carol Shaw <carol@atari.example>

	Nothing tests the PIT yet.

	Signed-off-by: Carol Shaw <carol@atari.example>
	----------------------------------------------------------------------

	EOF
	fill_range $first_tip $new <template >expect &&
	test_cmp expect note &&

	# the first note is still there, unchanged; the notes moved once
	git -C clone notes --ref=kvmdigest list >list &&
	test_line_count = 2 list &&
	git -C clone notes --ref=kvmdigest show $first_tip >first.note &&
	head -n 1 first.note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $first_tip)" >expect &&
	test_cmp expect first &&
	test "$before" = "$(git -C clone rev-parse refs/notes/kvmdigest^)" &&
	second_tip=$new
'

# Moves origin/master back by $1 commits without running any hook, so that
# the next fetch brings them again.
rewind () {
	git -C clone -c core.hooksPath=/nonexistent \
		update-ref refs/remotes/origin/master "$second_tip~$1"
}

test_expect_success CLONE 'a digest that fails does not fail the fetch' '
	saved=$(notes_ref) &&
	# put back without the hooks: no background digest may outlive the test
	test_when_finished "git -C clone -c core.hooksPath=/nonexistent update-ref refs/notes/kvmdigest $saved" &&
	blob=$(echo "not a notes commit" | git -C clone hash-object -w --stdin) &&
	git -C clone -c core.hooksPath=/nonexistent update-ref refs/notes/kvmdigest $blob &&
	rewind 2 &&
	rm -f clone/.git/kvmdigest.log &&
	git -C clone fetch 2>err &&
	test_must_fail git -C clone kvmdigest hook wait 2>>err &&
	test "$second_tip" = "$(git -C clone rev-parse origin/master)" &&
	test "$blob" = "$(notes_ref)" &&

	log=$(cd clone/.git && pwd)/kvmdigest.log &&
	grep "^warning: git-kvmdigest could not digest" err >warnings &&
	test_line_count = 1 warnings &&
	grep -F "$log" warnings &&
	grep -e "^$STAMP error: " -e "^$STAMP fatal: " "$log"
'

test_expect_success CLONE 'a refused notes ref does not fail the fetch' '
	test_when_finished "git -C clone config --unset kvmdigest.notesRef" &&
	git -C clone config kvmdigest.notesRef refs/heads/bad &&
	rewind 1 &&
	rm -f clone/.git/kvmdigest.log &&
	before=$(notes_ref) &&
	git -C clone fetch 2>err &&
	test_must_fail git -C clone kvmdigest hook wait 2>>err &&
	test "$second_tip" = "$(git -C clone rev-parse origin/master)" &&
	test_must_fail git -C clone rev-parse -q --verify refs/heads/bad &&
	test "$before" = "$(notes_ref)" &&

	log=$(cd clone/.git && pwd)/kvmdigest.log &&
	grep "^warning: git-kvmdigest could not digest" err >warnings &&
	test_line_count = 1 warnings &&
	grep -F "$log" warnings &&
	grep "^$STAMP fatal: .*refs/heads/bad" "$log"
'

test_expect_success CLONE 'after a failure the next fetch digests again' '
	mail d1 after-1@kernel.example "Wed, 5 Mar 2025 08:00:00 +0000" \
		"Dave Jones <dave@kernel.example>" \
		"[PATCH] KVM: x86: Count the failures" <<-\EOF &&
	Two fetches failed to digest before this one.
	EOF
	inbox_deliver inbox d1 &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	! grep "warning" err &&
	new=$(git -C clone rev-parse origin/master) &&
	git -C clone notes --ref=kvmdigest show $new >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $second_tip) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	grep "^New:  KVM: x86: Count the failures\$" note
'

# The digest starts while git prepares the transaction (its program
# loads while git commits): what git then aborts is not digested.
test_expect_success CLONE 'a transaction aborted after prepared digests nothing' '
	mail e1 abort-1@kernel.example "Thu, 6 Mar 2025 08:00:00 +0000" \
		"Dave Jones <dave@kernel.example>" \
		"[PATCH] KVM: x86: Abort nothing" <<-\EOF &&
	Digested once git commits the update, not before.
	EOF
	inbox_deliver inbox e1 &&
	old=$(git -C clone rev-parse origin/master) &&
	git -C clone -c core.hooksPath=/nonexistent fetch -q &&
	new=$(git -C clone rev-parse origin/master) &&
	git -C clone -c core.hooksPath=/nonexistent update-ref refs/remotes/origin/master $old &&
	before=$(notes_ref) &&
	printf "%s\n" start "update refs/remotes/origin/master $new $old" prepare abort |
	git -C clone update-ref --stdin &&
	git -C clone kvmdigest hook wait &&
	test "$old" = "$(git -C clone rev-parse origin/master)" &&
	test "$before" = "$(notes_ref)" &&

	# the same update committed is digested
	printf "%s\n" start "update refs/remotes/origin/master $new $old" prepare commit |
	git -C clone update-ref --stdin &&
	git -C clone kvmdigest hook wait &&
	git -C clone notes --ref=kvmdigest show $new >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	grep "^New:  KVM: x86: Abort nothing\$" note
'

test_done
