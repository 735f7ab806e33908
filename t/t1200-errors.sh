#!/bin/sh

test_description='errors, exit codes, and commits that are not digested

Exit codes as git has them (0 done, 128 fatal, 129 usage); a message
that cannot be parsed is skipped with a warning and counted at the end of
the digest; a public-inbox removal commit is skipped silently.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

# An archive commit made by hand: commit_blob NAME BLOB PARENT SUBJECT
# prints the id of a commit whose tree holds only NAME = BLOB.
commit_blob () {
	commit_tree_=$(printf "100644 blob %s\t%s\n" "$2" "$1" |
		git -C arch.git mktree) &&
	echo "$4" | git -C arch.git commit-tree "$commit_tree_" -p "$3"
}

no_notes_ref () {
	test_must_fail git -C arch.git rev-parse --verify -q refs/notes/kvmdigest
}

test_expect_success PUBLIC_INBOX 'setup: an archive, then commits made by hand' '
	mail m0 seed-0@google.com "Sat, 1 Mar 2025 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH] KVM: x86: Drop a stale comment" <<-\EOF &&
	Applied, thanks.
	EOF
	mail m1 20250302100000.1-dana@fbi.example "Sun, 2 Mar 2025 10:00:00 +0000" \
		"Dana Scully <dana@fbi.example>" \
		"[PATCH] KVM: arm64: Fix the size of the ITS tables" <<-\EOF &&
	The ITS tables are sized in pages, not bytes.

	Signed-off-by: Dana Scully <dana@fbi.example>
	---
	 arch/arm64/kvm/vgic/vgic-its.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
	EOF
	mail m2 reply-1@fbi.example "Sun, 2 Mar 2025 11:00:00 +0000" \
		"Fox Mulder <fox@fbi.example>" \
		"Re: [PATCH] KVM: arm64: Fix the size of the ITS tables" \
		20250302100000.1-dana@fbi.example <<-\EOF &&
	Tested-by: Fox Mulder <fox@fbi.example>
	EOF
	mail m3 pull-1@redhat.com "Mon, 3 Mar 2025 12:00:00 +0000" \
		"Paolo Bonzini <pbonzini@redhat.com>" \
		"[GIT PULL] KVM fixes for 6.14-rc6" <<-\EOF &&
	Linus,

	The following changes are in the kvm fixes branch.
	EOF
	inbox_create inbox &&
	inbox_deliver inbox m0 m1 m2 &&
	git clone --bare inbox/git/0.git arch.git &&
	c0=$(git -C arch.git rev-parse master~2) &&
	c2=$(git -C arch.git rev-parse master) &&

	# a message with no header at all: GMime finds no From in it
	printf "This is not a mail.\nJust a line of text.\n" >garbage &&
	blob=$(git -C arch.git hash-object -w --stdin <garbage) &&
	bad=$(commit_blob m $blob $c2 "garbage") &&
	# public-inbox-learn rm: the tree holds d, the removed message
	m1blob=$(git -C arch.git rev-parse $c2~1:m) &&
	rm=$(commit_blob d $m1blob $bad "[PATCH] KVM: arm64: Fix the size of the ITS tables") &&
	blob=$(git -C arch.git hash-object -w --stdin <m3) &&
	c3=$(commit_blob m $blob $rm "[GIT PULL] KVM fixes for 6.14-rc6") &&
	git -C arch.git update-ref refs/heads/master $c3 &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE 'a bad range is fatal' '
	test_expect_code 128 git -C arch.git kvmdigest nosuch..HEAD 2>err &&
	head -n 1 err >first &&
	grep "^fatal: " first &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a bad range end is fatal' '
	test_expect_code 128 git -C arch.git kvmdigest HEAD..nosuch 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a range with one end left out is refused' '
	test_expect_code 128 git -C arch.git kvmdigest HEAD.. 2>err &&
	grep "^fatal: " err &&
	test_expect_code 128 git -C arch.git kvmdigest ..HEAD 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'one revision digests all it reaches, the root message too' '
	git -C arch.git kvmdigest --format=json $c0..$c2 >range &&
	grep "\"messages\" : 2," range &&
	! grep seanjc@google.com range &&
	git -C arch.git kvmdigest --format=json $c2 >all &&
	grep "\"messages\" : 3," all &&
	grep "\"old\" : null" all &&
	grep seanjc@google.com all &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a symmetric range is refused' '
	test_expect_code 128 git -C arch.git kvmdigest $c0...$c2 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a range whose end is not a commit is refused' '
	tree=$(git -C arch.git rev-parse "$c2^{tree}") &&
	test_expect_code 128 git -C arch.git kvmdigest $c0..$tree 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'an unknown option is a usage error' '
	test_expect_code 129 git -C arch.git kvmdigest --bogus $c0..$c2 >out 2>err &&
	test_must_be_empty out &&
	grep "^error: unknown option" err &&
	grep "^usage: git kvmdigest " err &&
	grep -e "--notes-ref" err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'an unknown switch is a usage error' '
	test_expect_code 129 git -C arch.git kvmdigest -z $c0..$c2 2>err &&
	grep "^error: " err &&
	grep "^usage: git kvmdigest " err &&
	no_notes_ref
'

test_expect_success ARCHIVE '-h prints the usage on stdout' '
	test_expect_code 129 git -C arch.git kvmdigest -h >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	echo "usage: git kvmdigest [<options>] [<old>..<new> | <revision>] [-- <path>...]" >expect &&
	test_cmp expect first &&
	grep "^   or: git kvmdigest install-hooks" out &&
	grep -e "--stdout" out &&
	grep -e "--top" out
'

test_expect_success '-h works outside a repository' '
	mkdir -p norepo &&
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY &&
		export GIT_CEILING_DIRECTORIES &&
		test_expect_code 129 git kvmdigest -h >../out
	) &&
	grep "^usage: git kvmdigest " out
'

test_expect_success ARCHIVE 'too many arguments is a usage error' '
	test_expect_code 129 git -C arch.git kvmdigest $c0..$c2 $c0..$c3 2>err &&
	grep "^error: too many arguments" err &&
	grep "^usage: git kvmdigest " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'an option without its value is a usage error' '
	test_expect_code 129 git -C arch.git kvmdigest $c0..$c2 --title 2>err &&
	grep "^usage: git kvmdigest " err &&
	no_notes_ref
'

test_expect_success 'outside a repository is fatal' '
	mkdir -p norepo &&
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY &&
		export GIT_CEILING_DIRECTORIES &&
		test_expect_code 128 git-kvmdigest a..b 2>../err
	) &&
	grep "^fatal: " err &&
	grep "not a git repository" err
'

test_expect_success ARCHIVE '--format=xml is a usage error' '
	test_expect_code 129 git -C arch.git kvmdigest --format=xml $c0..$c2 2>err &&
	grep "^error: .*xml" err &&
	grep "^usage: git kvmdigest " err &&
	no_notes_ref
'

test_expect_success ARCHIVE '--sections=bogus is fatal' '
	test_expect_code 128 git -C arch.git kvmdigest --sections=bogus $c0..$c2 2>err &&
	grep "^fatal: " err &&
	grep "bogus" err &&
	test_expect_code 128 git -C arch.git kvmdigest --stdout \
		--sections=domains,bogus $c0..$c2 >out 2>err &&
	test_must_be_empty out &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE '--top needs a number' '
	test_expect_code 129 git -C arch.git kvmdigest --top=x $c0..$c2 2>err &&
	grep "^error: " err &&
	grep "^usage: git kvmdigest " err &&
	test_expect_code 129 git -C arch.git kvmdigest --top=-1 $c0..$c2 2>err &&
	test_expect_code 129 git -C arch.git kvmdigest --top= $c0..$c2 2>err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a bad kvmdigest.top is fatal' '
	test_when_finished "git -C arch.git config --unset kvmdigest.top" &&
	git -C arch.git config kvmdigest.top -3 &&
	test_expect_code 128 git -C arch.git kvmdigest $c0..$c2 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

# git dies on a numeric setting that is not a number ("bad numeric config
# value"); it must not be ignored silently.
test_expect_success ARCHIVE 'a kvmdigest.top that is not a number is fatal' '
	test_when_finished "git -C arch.git config --unset kvmdigest.top" &&
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest || :" &&
	git -C arch.git config kvmdigest.top many &&
	test_expect_code 128 git -C arch.git kvmdigest $c0..$c2 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a bad kvmdigest.sections is fatal' '
	test_when_finished "git -C arch.git config --unset kvmdigest.sections" &&
	git -C arch.git config kvmdigest.sections bogus &&
	test_expect_code 128 git -C arch.git kvmdigest $c0..$c2 2>err &&
	grep "^fatal: " err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'an empty range: nothing to digest, no note' '
	test_expect_code 0 git -C arch.git kvmdigest HEAD..HEAD >out 2>err &&
	test_must_be_empty out &&
	grep "nothing to digest" err &&
	no_notes_ref &&
	test_expect_code 0 git -C arch.git kvmdigest $c2..$c0 2>err &&
	grep "nothing to digest" err &&
	no_notes_ref &&
	test_expect_code 0 git -C arch.git kvmdigest --stdout HEAD..HEAD >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 0 git -C arch.git kvmdigest -q HEAD..HEAD >out 2>err &&
	test_must_be_empty err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a message that cannot be parsed is skipped and counted' '
	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)

	      2 fbi.example
	      1 redhat.com

	Top 15 contributors (Based on Email Body)

	      1  Paolo Bonzini <pbonzini@redhat.com>
	      1  Fox Mulder <fox@fbi.example>
	      1  Dana Scully <dana@fbi.example>

	===== Patch list in this time period =====

	[PATCH] KVM: arm64: Fix the size of the ITS tables (Dana Scully, 1 message)

	===== Patch Commit Messages ====

	New:  KVM: arm64: Fix the size of the ITS tables
	[PATCH] KVM: arm64: Fix the size of the ITS tables
	Author: Dana Scully <dana@fbi.example>

	The ITS tables are sized in pages, not bytes.

	Signed-off-by: Dana Scully <dana@fbi.example>
	---
	 arch/arm64/kvm/vgic/vgic-its.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	----------------------------------------------------------------------

	Skipped 1 message that could not be digested.
	EOF
	sed -e "s/<OLD>/$(printf %.8s $c0)/g" -e "s/<NEW>/$(printf %.8s $c3)/g" \
		template >expect &&
	test_expect_code 0 git -C arch.git kvmdigest --stdout $c0..$c3 >actual 2>err &&
	test_cmp expect actual &&
	grep "^warning: skipping commit $(git -C arch.git rev-parse --short=12 $bad): ." err &&
	grep -c "^warning: " err >count &&
	echo 1 >one &&
	test_cmp one count &&
	! grep "$(git -C arch.git rev-parse --short=12 $rm)" err
'

test_expect_success ARCHIVE 'the note holds the same digest, the skip counted' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest" &&
	test_expect_code 0 git -C arch.git kvmdigest $c0..$c3 2>err &&
	grep "^warning: skipping commit $(git -C arch.git rev-parse --short=12 $bad): ." err &&
	git -C arch.git notes --ref=kvmdigest show $c3 >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'JSON counts the skipped message' '
	git -C arch.git kvmdigest --format=json $c0..$c3 >json 2>err &&
	python3 -c "
import json, sys
d = json.load(open(\"json\"))
assert d[\"skipped\"] == 1, d[\"skipped\"]
assert d[\"messages\"] == 3, d[\"messages\"]
assert sum(c[\"count\"] for c in d[\"contributors\"]) == 3
" &&
	no_notes_ref
'

test_expect_success ARCHIVE 'a range of only a bad message still makes a digest' '
	cat >template <<-\EOF &&
	From <OLD> to <NEW>
	KVM mailing list update from <OLD> to <NEW>

	Top 15 contributor Email domains (Based on Email Body)


	Top 15 contributors (Based on Email Body)


	===== Patch list in this time period =====


	===== Patch Commit Messages ====

	Skipped 1 message that could not be digested.
	EOF
	sed -e "s/<OLD>/$(printf %.8s $c2)/g" -e "s/<NEW>/$(printf %.8s $bad)/g" \
		template >expect &&
	test_expect_code 0 git -C arch.git kvmdigest --stdout $c2..$bad >actual 2>err &&
	test_cmp expect actual &&
	grep "^warning: skipping commit " err
'

test_expect_success ARCHIVE 'a removal alone is nothing to digest' '
	test_expect_code 0 git -C arch.git kvmdigest $bad..$rm >out 2>err &&
	test_must_be_empty out &&
	grep "nothing to digest" err &&
	! grep "^warning" err &&
	no_notes_ref
'

# git hands a subcommand its repository in GIT_DIR (from --git-dir, or a
# caller's environment); it wins over the current directory.
test_expect_success ARCHIVE 'git --git-dir names the repository' '
	git -C arch.git kvmdigest --stdout $c0..$c3 >expect.gitdir &&
	mkdir -p norepo &&
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY &&
		export GIT_CEILING_DIRECTORIES &&
		git --git-dir=../arch.git kvmdigest --stdout $c0..$c3 >../actual
	) &&
	test_cmp expect.gitdir actual
'

test_expect_success ARCHIVE 'GIT_DIR names the repository' '
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY &&
		GIT_DIR=$TRASH_DIRECTORY/arch.git &&
		export GIT_CEILING_DIRECTORIES GIT_DIR &&
		git kvmdigest --stdout $c0..$c3 >../actual
	) &&
	test_cmp expect.gitdir actual
'

test_expect_success ARCHIVE 'GIT_DIR wins over the repository around the current directory' '
	test_when_finished "git -C arch.git update-ref -d refs/notes/kvmdigest || :" &&
	git init -q elsewhere &&
	(
		cd elsewhere &&
		git --git-dir=../arch.git kvmdigest $c0..$c3
	) &&
	test_must_fail git -C elsewhere rev-parse -q --verify refs/notes/kvmdigest &&
	git -C arch.git notes --ref=kvmdigest show $c3 >actual &&
	test_cmp expect.gitdir actual
'

test_expect_success '--version prints four lines' '
	git kvmdigest --version >out &&
	test_line_count = 4 out &&
	sed -n 1p out | grep "^git-kvmdigest version [0-9]" &&
	sed -n 2p out | grep "^libgit2 [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$" &&
	sed -n 3p out | grep "^PCRE2 [0-9][0-9]*\.[0-9]" &&
	sed -n 4p out | grep "^GMime [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$"
'

test_expect_success '--version needs no repository' '
	mkdir -p norepo &&
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY &&
		export GIT_CEILING_DIRECTORIES &&
		git kvmdigest --version >../out2
	) &&
	git kvmdigest --version >out &&
	test_cmp out out2
'

test_expect_success 'a commit missing inside the range is fatal and writes nothing' '
	git init -q holes &&
	(
		cd holes &&
		for i in 1 2 3 4
		do
			echo $i >f && git add f && git commit -q -m "c$i" || return 1
		done &&
		git notes --ref=kvmdigest add -m keep HEAD &&
		git rev-parse refs/notes/kvmdigest >../notes.before &&
		first=$(git rev-list --max-parents=0 HEAD) &&
		tip=$(git rev-parse HEAD) &&
		mid=$(git rev-parse HEAD~2) &&
		rm .git/objects/$(echo $mid | cut -c1-2)/$(echo $mid | cut -c3-) &&
		test_expect_code 128 git kvmdigest $first..$tip 2>../holes.err &&
		git rev-parse refs/notes/kvmdigest >../notes.after
	) &&
	grep "^fatal: " holes.err &&
	test_cmp notes.before notes.after
'

test_expect_success 'an <old> unrelated to <new> digests all of <new>, as git log does' '
	git init -q unrelated &&
	(
		cd unrelated &&
		echo a >a && git add a && git commit -q -m one &&
		echo b >b && git add b && git commit -q -m two &&
		git checkout -q --orphan other &&
		git rm -q -rf . &&
		echo c >c && git add c && git commit -q -m three &&
		git kvmdigest --stdout main..other >../unrelated.out
	) &&
	grep -c "^New: " unrelated.out >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_done
