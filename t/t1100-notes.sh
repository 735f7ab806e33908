#!/bin/sh

test_description='digests as sections of a git note

A small public-inbox archive made with the real tools; the digest of a
range is a section of the note on its newest commit in refs/notes/kvmdigest
(or the ref asked for): an existing note is kept, a range digested again
replaces its own section, ranges that end at the same commit share the
note, --stdout writes nothing, and git shows the note.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

# The notes ref must not exist.
no_notes_ref () {
	test_must_fail git -C arch.git rev-parse --verify -q "${1:-refs/notes/kvmdigest}"
}

test_expect_success PUBLIC_INBOX 'setup: a small archive' '
	mail m0 20250301090000.1-seed@google.com "Sat, 1 Mar 2025 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH] KVM: x86: Drop a stale comment" <<-\EOF &&
	Applied, thanks.
	EOF
	mail m1 20250302100000.1-alice@wonderland.example "Sun, 2 Mar 2025 10:00:00 +0000" \
		"Alice Liddell <alice@wonderland.example>" \
		"[PATCH] KVM: x86: Fix a typo in the MMU comments" <<-\EOF &&
	"Shadow" is spelled with one d.

	Signed-off-by: Alice Liddell <alice@wonderland.example>
	---
	 arch/x86/kvm/mmu/mmu.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	diff --git a/arch/x86/kvm/mmu/mmu.c b/arch/x86/kvm/mmu/mmu.c
	EOF
	mail m2 reply-1@subgenius.example "Sun, 2 Mar 2025 11:00:00 +0000" \
		"Bob Dobbs <bob@subgenius.example>" \
		"Re: [PATCH] KVM: x86: Fix a typo in the MMU comments" \
		20250302100000.1-alice@wonderland.example <<-\EOF &&
	Reviewed-by: Bob Dobbs <bob@subgenius.example>
	EOF
	{
		cat <<-\EOF &&
		Nothing tests the PIT yet.  Add a test that programs channel 0
		and checks that the interrupt arrives.

		Signed-off-by: Carol Shaw <carol@atari.example>
		EOF
		printf "%s\n" "-- " "2.43.0"
	} | mail m3 20250303120000.1-carol@atari.example "Mon, 3 Mar 2025 12:00:00 +0000" \
		"Carol Shaw <carol@atari.example>" \
		"[RFC PATCH] KVM: selftests: Add a test for the PIT" &&
	mail m4 reply-2@wonderland.example "Mon, 3 Mar 2025 13:00:00 +0000" \
		"Alice Liddell <alice@wonderland.example>" \
		"Re: [RFC PATCH] KVM: selftests: Add a test for the PIT" \
		20250303120000.1-carol@atari.example <<-\EOF &&
	Does it pass on AMD?
	EOF
	inbox_create inbox &&
	inbox_deliver inbox m0 m1 m2 m3 m4 &&
	git clone --bare inbox/git/0.git arch.git &&
	c0=$(git -C arch.git rev-parse master~4) &&
	c2=$(git -C arch.git rev-parse master~2) &&
	c4=$(git -C arch.git rev-parse master) &&
	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)

	      2 wonderland.example
	      1 subgenius.example
	      1 atari.example

	Top 15 contributors (Based on Email Body)

	      2  Alice Liddell <alice@wonderland.example>
	      1  Carol Shaw <carol@atari.example>
	      1  Bob Dobbs <bob@subgenius.example>

	===== Patch list in this time period =====

	[RFC PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)
	[PATCH] KVM: x86: Fix a typo in the MMU comments (Alice Liddell, 1 message)

	===== Patch Commit Messages ====

	New:  KVM: selftests: Add a test for the PIT
	[RFC PATCH] KVM: selftests: Add a test for the PIT
	Author: Carol Shaw <carol@atari.example>

	Nothing tests the PIT yet.  Add a test that programs channel 0
	and checks that the interrupt arrives.

	Signed-off-by: Carol Shaw <carol@atari.example>
	----------------------------------------------------------------------

	New:  KVM: x86: Fix a typo in the MMU comments
	[PATCH] KVM: x86: Fix a typo in the MMU comments
	Author: Alice Liddell <alice@wonderland.example>

	"Shadow" is spelled with one d.

	Signed-off-by: Alice Liddell <alice@wonderland.example>
	---
	 arch/x86/kvm/mmu/mmu.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	----------------------------------------------------------------------

	EOF
	fill_range $c0 $c4 <template >d04 &&
	cat >template2 <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)

	      1 wonderland.example
	      1 atari.example

	Top 15 contributors (Based on Email Body)

	      1  Carol Shaw <carol@atari.example>
	      1  Alice Liddell <alice@wonderland.example>

	===== Patch list in this time period =====

	[RFC PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)

	===== Patch Commit Messages ====

	New:  KVM: selftests: Add a test for the PIT
	[RFC PATCH] KVM: selftests: Add a test for the PIT
	Author: Carol Shaw <carol@atari.example>

	Nothing tests the PIT yet.  Add a test that programs channel 0
	and checks that the interrupt arrives.

	Signed-off-by: Carol Shaw <carol@atari.example>
	----------------------------------------------------------------------

	EOF
	fill_range $c2 $c4 <template2 >d24 &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE '--stdout prints the digest and writes no note' '
	git -C arch.git kvmdigest --stdout $c0..$c4 >actual &&
	test_cmp d04 actual &&
	git -C arch.git kvmdigest --stdout $c2..$c4 >actual &&
	test_cmp d24 actual &&
	no_notes_ref
'

test_expect_success ARCHIVE 'the note is the digest' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git kvmdigest $c0..$c4 2>err &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp d04 actual &&
	git -C arch.git notes --ref=kvmdigest list >list &&
	echo "$(git -C arch.git notes --ref=kvmdigest list $c4) $c4" >expect &&
	test_cmp expect list
'

test_expect_success ARCHIVE 'an existing note is kept, the digest after a blank line' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git notes --ref=kvmdigest add -m "hello" $c4 &&
	git -C arch.git kvmdigest $c0..$c4 &&
	{ printf "hello\n\n" && cat d04; } >expect &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'the same range twice: one section, the ref does not move' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git kvmdigest $c0..$c4 &&
	git -C arch.git notes --ref=kvmdigest show $c4 >first &&
	before=$(git -C arch.git rev-parse refs/notes/kvmdigest) &&
	git -C arch.git kvmdigest $c0..$c4 &&
	after=$(git -C arch.git rev-parse refs/notes/kvmdigest) &&
	test "$before" = "$after" &&
	git -C arch.git notes --ref=kvmdigest show $c4 >second &&
	test_cmp first second &&
	test_cmp d04 second &&
	git -C arch.git rev-list --count refs/notes/kvmdigest >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_expect_success ARCHIVE 'two ranges to the same commit: two sections; a rerun replaces in place' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git kvmdigest $c0..$c4 &&
	git -C arch.git kvmdigest $c2..$c4 &&
	{ printf "%s\n\n" "$(cat d04)" && cat d24; } >expect &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual &&

	# the first section again, unchanged: nothing moves
	before=$(git -C arch.git rev-parse refs/notes/kvmdigest) &&
	git -C arch.git kvmdigest $c0..$c4 &&
	test "$before" = "$(git -C arch.git rev-parse refs/notes/kvmdigest)" &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual &&

	# the first section with another title: replaced where it stands
	git -C arch.git kvmdigest --title="Other title" $c0..$c4 &&
	sed -e "2s/^KVM mailing list update /Other title /" d04 >d04.other &&
	! test_cmp d04 d04.other >/dev/null &&
	{ printf "%s\n\n" "$(cat d04.other)" && cat d24; } >expect &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual &&

	# and the last one
	git -C arch.git kvmdigest --title="Other title" $c2..$c4 &&
	sed -e "2s/^KVM mailing list update /Other title /" d24 >d24.other &&
	{ printf "%s\n\n" "$(cat d04.other)" && cat d24.other; } >expect &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'a hand-written note, then two digests' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git notes --ref=kvmdigest add -m "hello" $c4 &&
	git -C arch.git kvmdigest $c2..$c4 &&
	git -C arch.git kvmdigest $c0..$c4 &&
	git -C arch.git kvmdigest --title="Other title" $c2..$c4 &&
	{
		printf "hello\n\n" &&
		printf "%s\n\n" "$(cat d24.other)" &&
		cat d04
	} >expect &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE '--notes-ref writes another notes ref' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/other" &&
	git -C arch.git kvmdigest --notes-ref=other $c0..$c4 &&
	no_notes_ref &&
	git -C arch.git notes --ref=other show $c4 >actual &&
	test_cmp d04 actual
'

test_expect_success ARCHIVE '--notes-ref takes a full refs/notes/ name' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/full" &&
	git -C arch.git kvmdigest --notes-ref=refs/notes/full $c0..$c4 &&
	no_notes_ref &&
	git -C arch.git notes --ref=refs/notes/full show $c4 >actual &&
	test_cmp d04 actual
'

test_expect_success ARCHIVE 'kvmdigest.notesRef names the notes ref' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/other2" &&
	test_when_finished "git -C arch.git config --unset kvmdigest.notesRef" &&
	git -C arch.git config kvmdigest.notesRef other2 &&
	git -C arch.git kvmdigest $c0..$c4 &&
	no_notes_ref &&
	git -C arch.git notes --ref=other2 show $c4 >actual &&
	test_cmp d04 actual
'

test_expect_success ARCHIVE '--notes-ref wins over kvmdigest.notesRef' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/cmdline" &&
	test_when_finished "git -C arch.git config --unset kvmdigest.notesRef" &&
	git -C arch.git config kvmdigest.notesRef fromconfig &&
	git -C arch.git kvmdigest --notes-ref=cmdline $c0..$c4 &&
	no_notes_ref refs/notes/fromconfig &&
	git -C arch.git notes --ref=cmdline show $c4 >actual &&
	test_cmp d04 actual
'

test_expect_success ARCHIVE '--notes-ref outside refs/notes/ is refused' '
	test_expect_code 129 git -C arch.git kvmdigest --notes-ref=refs/heads/x \
		$c0..$c4 2>err &&
	grep "^error: " err &&
	no_notes_ref refs/heads/x &&
	no_notes_ref &&
	test_when_finished "git -C arch.git config --unset kvmdigest.notesRef" &&
	git -C arch.git config kvmdigest.notesRef refs/heads/x &&
	test_expect_code 128 git -C arch.git kvmdigest $c0..$c4 &&
	no_notes_ref refs/heads/x &&
	no_notes_ref
'

test_expect_success ARCHIVE '--stdout writes no note' '
	git -C arch.git kvmdigest --stdout $c0..$c4 >actual &&
	test_cmp d04 actual &&
	no_notes_ref &&
	git -C arch.git kvmdigest --stdout --notes-ref=other $c0..$c4 >actual &&
	test_cmp d04 actual &&
	no_notes_ref refs/notes/other
'

test_expect_success ARCHIVE '--top=2 shows two rows per table' '
	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 2 contributor Email domains (Based on Email Body)

	      2 wonderland.example
	      1 subgenius.example

	Top 2 contributors (Based on Email Body)

	      2  Alice Liddell <alice@wonderland.example>
	      1  Carol Shaw <carol@atari.example>

	===== Patch list in this time period =====

	EOF
	fill_range $c0 $c4 <template >expect &&
	git -C arch.git kvmdigest --stdout --top=2 $c0..$c4 >actual &&
	sed -e "/^\\[RFC PATCH\\] KVM: selftests: Add a test for the PIT (/,\$d" \
		actual >actual.head &&
	test_cmp expect actual.head &&
	# everything below the tables is as without --top
	sed -n -e "/^===== Patch list/,\$p" d04 >expect.tail &&
	sed -n -e "/^===== Patch list/,\$p" actual >actual.tail &&
	test_cmp expect.tail actual.tail
'

test_expect_success ARCHIVE 'kvmdigest.top, and --top wins over it' '
	test_when_finished "git -C arch.git config --unset kvmdigest.top" &&
	git -C arch.git config kvmdigest.top 1 &&
	git -C arch.git kvmdigest --stdout $c0..$c4 >actual &&
	grep -c "^      [0-9]" actual >count &&
	echo 2 >expect &&
	test_cmp expect count &&
	grep -x "Top 1 contributors (Based on Email Body)" actual &&
	git -C arch.git kvmdigest --stdout --top=15 $c0..$c4 >actual &&
	test_cmp d04 actual
'

test_expect_success ARCHIVE '--title and kvmdigest.title change the title line' '
	git -C arch.git kvmdigest --stdout --title=Foo $c0..$c4 >actual &&
	sed -e "2s/.*/Foo from $(printf %.8s $c0) to $(printf %.8s $c4)/" d04 >expect &&
	test_cmp expect actual &&
	test_when_finished "git -C arch.git config --unset kvmdigest.title" &&
	git -C arch.git config kvmdigest.title Foo &&
	git -C arch.git kvmdigest --stdout $c0..$c4 >actual &&
	test_cmp expect actual &&
	git -C arch.git config kvmdigest.title Bar &&
	git -C arch.git kvmdigest --stdout --title=Foo $c0..$c4 >actual &&
	test_cmp expect actual &&
	git -C arch.git kvmdigest --stdout --title="KVM x86 weekly" $c0..$c4 >actual &&
	sed -n 2p actual >line &&
	echo "KVM x86 weekly from $(printf %.8s $c0) to $(printf %.8s $c4)" >expect &&
	test_cmp expect line
'

# git passes `git -c name=value` on to its subcommands in the environment
# (GIT_CONFIG_PARAMETERS); git kvmdigest must see it like any git command.
test_expect_success ARCHIVE 'git -c kvmdigest.title=... is honoured' '
	git -C arch.git -c kvmdigest.title=Foo kvmdigest --stdout $c0..$c4 >actual &&
	sed -n 2p actual >line &&
	echo "Foo from $(printf %.8s $c0) to $(printf %.8s $c4)" >expect &&
	test_cmp expect line
'

test_expect_success ARCHIVE 'git log and git notes show the note' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	git -C arch.git kvmdigest $c0..$c4 &&
	git -C arch.git notes --ref=kvmdigest show $c4 >actual &&
	test_cmp d04 actual &&

	# git log indents the note by four spaces under "Notes (kvmdigest):"
	# (the last newline of the note ends its last line)
	{
		echo "Notes (kvmdigest):" &&
		sed -e "\$d" -e "s/^/    /" d04
	} >expect &&
	git -C arch.git log -1 --notes=kvmdigest $c4 >log &&
	sed -n -e "/^Notes (kvmdigest):\$/,\$p" log >actual &&
	test_cmp expect actual &&
	git -C arch.git -c notes.displayRef=refs/notes/kvmdigest log -1 $c4 >log &&
	sed -n -e "/^Notes (kvmdigest):\$/,\$p" log >actual &&
	test_cmp expect actual &&
	# not shown when not asked for
	git -C arch.git log -1 $c4 >log &&
	! grep "^Notes" log
'

test_expect_success ARCHIVE 'a note that cannot be written leaves the notes ref as it was' '
	git -C arch.git kvmdigest -q $c0..$c4 &&
	git -C arch.git rev-parse refs/notes/kvmdigest >before &&
	# every fan-out directory of a fresh object directory is a file, so
	# no new object can be written (this holds even for root); reading
	# goes to the real objects through the alternates
	mkdir objs &&
	for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f
	do
		for j in 0 1 2 3 4 5 6 7 8 9 a b c d e f
		do
			: >objs/$i$j || return 1
		done
	done &&
	test_expect_code 128 env GIT_OBJECT_DIRECTORY="$PWD/objs" \
		GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/arch.git/objects" \
		git -C arch.git kvmdigest --title="Never written" $c0..$c2 2>err &&
	grep "^fatal: cannot write the note" err &&
	git -C arch.git rev-parse refs/notes/kvmdigest >after &&
	test_cmp before after &&
	git -C arch.git log --notes=kvmdigest master >log &&
	! grep "Never written" log
'

# A repository of code commits: their bodies are digested as a mail's are.
test_expect_success 'setup: code commits, one body with lines that read as key lines' '
	git init -q -b master code &&
	for i in 0 1 2
	do
		test_tick &&
		echo $i >>code/file.c &&
		git -C code add file.c &&
		git -C code commit -q -m "KVM: change $i" || return 1
	done &&
	test_tick &&
	echo 3 >>code/file.c &&
	git -C code add file.c &&
	git -C code commit -q -F - <<-\EOF &&
	From 1234abcd to 5678ef90

	From 1234abcd to 5678ef90
	A stranger writes what looks like a section boundary.

	From root to 5678ef90
	EOF
	git -C code tag forged
'

test_expect_success 'a body line that reads as a key line: quoted; a rerun leaves the note as it was' '
	git -C code kvmdigest master~3..master &&
	git -C code kvmdigest master~1..master &&
	git -C code notes --ref=kvmdigest show master >first &&
	grep "^>From 1234abcd to 5678ef90\$" first &&
	grep "^>From root to 5678ef90\$" first &&
	! grep "^From 1234abcd" first &&
	before=$(git -C code rev-parse refs/notes/kvmdigest) &&
	git -C code kvmdigest master~3..master &&
	git -C code kvmdigest master~1..master &&
	git -C code notes --ref=kvmdigest show master >second &&
	test_cmp first second &&
	test "$before" = "$(git -C code rev-parse refs/notes/kvmdigest)" &&
	grep -c "^From [0-9a-f]\{8\} to [0-9a-f]\{8\}\$" second >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'notes commits say what they hold' '
	git -C code log -2 --format=%s refs/notes/kvmdigest >actual &&
	{
		echo "kvmdigest: $(git -C code rev-parse master~1)..$(git -C code rev-parse master)" &&
		echo "kvmdigest: $(git -C code rev-parse master~3)..$(git -C code rev-parse master)"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'an existing binary note is kept byte for byte (NULs, invalid UTF-8, 20 MB)' '
	test_when_finished "git -C code notes --ref=kvmdigest remove master~1" &&
	{
		printf "before\000after\377\376 not UTF-8\n" &&
		head -c 20971520 /dev/zero | tr "\000" "x" &&
		printf "\000the end"
	} >binary &&
	blob=$(git -C code hash-object -w ../binary) &&
	git -C code notes --ref=kvmdigest add -C $blob master~1 &&
	git -C code kvmdigest master~2..master~1 &&
	git -C code kvmdigest --stdout master~2..master~1 >digest &&
	{ cat binary && printf "\n\n" && cat digest; } >expect &&
	git -C code cat-file blob $(git -C code notes --ref=kvmdigest list master~1) >actual &&
	cmp expect actual
'

test_done
