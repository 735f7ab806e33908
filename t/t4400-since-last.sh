#!/bin/sh

test_description='git kvmdigest without a range: what is new since the last digest

The refs named by kvmdigest.ref (globs allowed), or the current branch'\''s
upstream, are digested from the newest ancestor that carries a note, else
from the ref'\''s previous reflog value, to their tip.
'
. "$(dirname "$0")"/test-lib.sh

# key OLD NEW: the key line of the digest of OLD..NEW (revisions of up).
key () {
	echo "From $(git -C up rev-parse "$1" | cut -c1-8) to $(git -C up rev-parse "$2" | cut -c1-8)"
}

# first_line REPO REV: the first line of the note on REV.
first_line () {
	git -C "$1" notes --ref=kvmdigest show "$2" >note.tmp &&
	sed -n 1p note.tmp
}

# patch_list <note: the patch-list lines.
patch_list () {
	sed -n -e "/^===== Patch list in this time period =====\$/,/^===== Patch Commit/p" |
	sed -e 1,2d -e "/^\$/d" -e "/^=====/d"
}

test_expect_success 'setup: upstream with five commits, a clone' '
	git init -q -b master up &&
	for i in 0 1 2 3 4
	do
		commit_in up "KVM: change $i" || return 1
	done &&
	git -C up tag u4 &&
	git clone -q up work &&
	git -C work config kvmdigest.ref refs/remotes/origin/master
'

test_expect_success 'from the newest ancestor with a note to the tip' '
	git -C work notes --ref=kvmdigest add -m "an older digest" origin/master~3 &&
	git -C work notes --ref=kvmdigest add -m "the last digest" origin/master~2 &&
	git -C work kvmdigest 2>err &&
	first_line work origin/master >actual &&
	key master~2 master >expect &&
	test_cmp expect actual &&
	git -C work notes --ref=kvmdigest show origin/master | patch_list >list &&
	test_line_count = 2 list &&
	grep "KVM: change 4 (A U Thor)\$" list &&
	grep "KVM: change 3 (A U Thor)\$" list &&
	git -C work notes --ref=kvmdigest list >notes &&
	test_line_count = 3 notes
'

test_expect_success 'nothing new: exit 0, no new note' '
	before=$(git -C work rev-parse refs/notes/kvmdigest) &&
	test_expect_code 0 git -C work kvmdigest 2>err &&
	test "$before" = "$(git -C work rev-parse refs/notes/kvmdigest)" &&
	grep "nothing new" err
'

# A fresh clone has no reflog for its remote-tracking refs: after the
# first fetch the reflog holds one entry, and <ref>@{1} is its old value,
# the tip before the fetch (git rev-parse agrees).
test_expect_success 'without a note anywhere: from the reflog' '
	git clone -q up w2 &&
	git -C w2 config kvmdigest.ref refs/remotes/origin/master &&
	commit_in up "KVM: change 5" &&
	commit_in up "KVM: change 6" &&
	git -C w2 fetch -q &&
	git -C w2 rev-parse origin/master@{1} >actual &&
	git -C up rev-parse u4 >expect &&
	test_cmp expect actual &&
	git -C w2 kvmdigest 2>err &&
	first_line w2 origin/master >actual &&
	key u4 master >expect &&
	test_cmp expect actual &&
	git -C w2 notes --ref=kvmdigest show origin/master | patch_list >list &&
	test_line_count = 2 list &&
	git -C w2 notes --ref=kvmdigest list >notes &&
	test_line_count = 1 notes
'

test_expect_success 'without a note anywhere: from the reflog, after two fetches' '
	git clone -q up w2b &&
	git -C w2b config kvmdigest.ref refs/remotes/origin/master &&
	commit_in up "KVM: change 6b" &&
	git -C w2b fetch -q &&
	commit_in up "KVM: change 6c" &&
	commit_in up "KVM: change 6d" &&
	git -C w2b fetch -q &&
	git -C w2b kvmdigest 2>err &&
	first_line w2b origin/master >actual &&
	key master~2 master >expect &&
	test_cmp expect actual &&
	git -C w2b notes --ref=kvmdigest show origin/master | patch_list >list &&
	test_line_count = 2 list
'

test_expect_success 'a note wins over the reflog' '
	git clone -q up w2c &&
	git -C w2c config kvmdigest.ref refs/remotes/origin/master &&
	git -C w2c notes --ref=kvmdigest add -m "the last digest" origin/master &&
	commit_in up "KVM: change 7" &&
	git -C w2c fetch -q &&
	commit_in up "KVM: change 7b" &&
	git -C w2c fetch -q &&
	# the reflog would say master~1
	git -C w2c rev-parse origin/master@{1} >actual &&
	git -C up rev-parse master~1 >expect &&
	test_cmp expect actual &&
	git -C w2c kvmdigest 2>err &&
	first_line w2c origin/master >actual &&
	key master~2 master >expect &&
	test_cmp expect actual &&
	git -C w2c notes --ref=kvmdigest show origin/master | patch_list >list &&
	test_line_count = 2 list
'

test_expect_success 'neither a note nor a reflog: fatal, give a range' '
	git init -q w3 &&
	git -C w3 -c core.logAllRefUpdates=false fetch -q ../up \
		master:refs/remotes/origin/master &&
	test_path_is_missing w3/.git/logs/refs/remotes/origin/master &&
	git -C w3 config kvmdigest.ref refs/remotes/origin/master &&
	test_expect_code 128 git -C w3 kvmdigest 2>err &&
	grep "give a range" err &&
	test_must_fail git -C w3 rev-parse -q --verify refs/notes/kvmdigest
'

test_expect_success 'a deleted reflog is no start either' '
	git clone -q up w3b &&
	git -C w3b config kvmdigest.ref refs/remotes/origin/master &&
	commit_in up "KVM: change 8" &&
	git -C w3b fetch -q &&
	rm -rf w3b/.git/logs &&
	test_expect_code 128 git -C w3b kvmdigest 2>err &&
	grep "give a range" err &&
	test_must_fail git -C w3b rev-parse -q --verify refs/notes/kvmdigest
'

test_expect_success 'a glob: every matching ref, each since its own last digest' '
	# other/master forks from master~2; a note on the fork point
	git clone -q up up2 &&
	git -C up2 reset -q --hard master~2 &&
	commit_in up2 "KVM: change on a fork" &&
	git clone -q up w4 &&
	git -C w4 remote add other ../up2 &&
	git -C w4 fetch -q other &&
	fork=$(git -C up rev-parse master~2) &&
	git -C w4 notes --ref=kvmdigest add -m "the last digest" $fork &&
	git -C w4 config kvmdigest.ref "refs/remotes/*/master" &&
	git -C w4 kvmdigest 2>err &&
	first_line w4 origin/master >actual &&
	key master~2 master >expect &&
	test_cmp expect actual &&
	first_line w4 other/master >actual &&
	echo "From $(printf %.8s $fork) to $(git -C up2 rev-parse master | cut -c1-8)" >expect &&
	test_cmp expect actual &&
	git -C w4 notes --ref=kvmdigest list >notes &&
	test_line_count = 3 notes
'

test_expect_success 'several kvmdigest.ref values' '
	git clone -q up w4b &&
	git -C w4b remote add other ../up2 &&
	git -C w4b fetch -q other &&
	git -C w4b notes --ref=kvmdigest add -m "the last digest" $fork &&
	git -C w4b config --add kvmdigest.ref refs/remotes/origin/master &&
	git -C w4b config --add kvmdigest.ref refs/remotes/other/master &&
	git -C w4b kvmdigest 2>err &&
	git -C w4b notes --ref=kvmdigest list >notes &&
	test_line_count = 3 notes &&
	git -C w4b notes --ref=kvmdigest show origin/master >/dev/null &&
	git -C w4b notes --ref=kvmdigest show other/master >/dev/null
'

test_expect_success 'a glob that matches nothing is an error' '
	git -C w4 config kvmdigest.ref "refs/remotes/*/nosuch" &&
	test_expect_code 128 git -C w4 kvmdigest 2>err &&
	grep "^error: no ref matches refs/remotes/\*/nosuch" err
'

test_expect_success 'without kvmdigest.ref: the upstream of the current branch' '
	git clone -q up w5 &&
	test_must_fail git -C w5 config kvmdigest.ref &&
	git -C w5 rev-parse --abbrev-ref @{upstream} >actual &&
	echo origin/master >expect &&
	test_cmp expect actual &&
	old=$(git -C w5 rev-parse origin/master) &&
	git -C w5 notes --ref=kvmdigest add -m "the last digest" $old &&
	commit_in up "KVM: change 9" &&
	commit_in up "KVM: change 10" &&
	git -C w5 fetch -q &&
	git -C w5 kvmdigest 2>err &&
	first_line w5 origin/master >actual &&
	key master~2 master >expect &&
	test_cmp expect actual &&
	# the branch itself did not move and has no new note
	test "$old" = "$(git -C w5 rev-parse HEAD)" &&
	git -C w5 notes --ref=kvmdigest list >notes &&
	test_line_count = 2 notes
'

test_expect_success 'the upstream of another branch is followed after a checkout' '
	git -C w5 branch -q --track mine origin/master &&
	git -C w5 checkout -q mine &&
	git -C w5 rev-parse --abbrev-ref @{upstream} >actual &&
	echo origin/master >expect &&
	test_cmp expect actual &&
	before=$(git -C w5 rev-parse refs/notes/kvmdigest) &&
	test_expect_code 0 git -C w5 kvmdigest 2>err &&
	test "$before" = "$(git -C w5 rev-parse refs/notes/kvmdigest)"
'

test_expect_success 'no kvmdigest.ref and no upstream: fatal, give a range' '
	git -C w5 checkout -q --detach &&
	test_expect_code 128 git -C w5 kvmdigest 2>err &&
	grep "^fatal: " err &&
	grep "give a range" err &&
	git init -q w6 &&
	commit_in w6 "local only" &&
	test_expect_code 128 git -C w6 kvmdigest 2>err &&
	grep "give a range" err &&
	test_must_fail git -C w6 rev-parse -q --verify refs/notes/kvmdigest
'

test_expect_success 'kvmdigest.notesRef is where the last digest is looked for' '
	git clone -q up w7 &&
	git -C w7 config kvmdigest.notesRef other &&
	git -C w7 notes --ref=kvmdigest add -m "not this one" origin/master~1 &&
	git -C w7 notes --ref=other add -m "this one" origin/master~3 &&
	git -C w7 kvmdigest 2>err &&
	git -C w7 notes --ref=other show origin/master | sed -n 1p >actual &&
	key master~3 master >expect &&
	test_cmp expect actual
'

test_done
