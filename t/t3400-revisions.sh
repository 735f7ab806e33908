#!/bin/sh

test_description='single revisions and windows of dates, as git log has them

A code history with commits a day apart (and a merged topic whose
commits are dated between the mainline ones).  The digest of one
revision, and of a revision or range with --since and --until in
git'"'"'s date formats, must list the commits git log lists (merges
left out, as the digest leaves them out); without a range, --since
and --until take each watched ref'"'"'s history.  A window of dates is
printed, never written as a note.
'
. "$(dirname "$0")"/test-lib.sh

if ! command -v python3 >/dev/null 2>&1
then
	skip_all='python3 is needed to read --format=json'
	test_done
fi

day=86400
# at least half an hour before now, and days before that: the dates of
# the commits, never on the edge of a window that "N.days.ago" opens
now=$(( $(date +%s) / 3600 * 3600 - 1800 ))

# commit_on DAYS_AGO SUBJECT [FILE]: commit a line added to FILE
# (file.txt by default), dated then.
commit_on () {
	when=$(( now - $1 * day )) &&
	echo "$2" >>"${3:-file.txt}" &&
	git add "${3:-file.txt}" &&
	GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000" \
		git commit -q -m "$2"
}

# digest_commits ARGS...: the commits of the digest, sorted.
digest_commits () {
	git kvmdigest --format=json "$@" >json &&
	python3 -c "
import json, sys
d = json.load(open(\"json\"))
for e in d[\"entries\"]:
    print(e[\"commit\"])
" | sort
}

# log_commits ARGS...: what git log lists, merges left out, sorted.
log_commits () {
	git log --no-merges --format=%H "$@" | sort
}

# same ARGS...: the digest and git log agree, on at least one commit.
same () {
	log_commits "$@" >expect &&
	test -s expect &&
	digest_commits "$@" >actual &&
	test_cmp expect actual
}

test_expect_success 'setup: commits a day apart, a merged topic' '
	git init -q repo &&
	cd repo &&
	echo json >.git/info/exclude &&
	echo expect >>.git/info/exclude &&
	echo actual >>.git/info/exclude &&
	commit_on 20 root &&
	for d in 19 18 17 16 15 14 13 12 11 10
	do
		commit_on $d "main $d" || return 1
	done &&
	git checkout -q -b topic HEAD~5 &&
	commit_on 9 "topic 9" topic.txt &&
	commit_on 7 "topic 7" topic.txt &&
	git checkout -q main &&
	commit_on 8 "main 8" &&
	when=$(( now - 6 * day )) &&
	GIT_COMMITTER_DATE="@$when +0000" GIT_AUTHOR_DATE="@$when +0000" \
		git merge -q --no-edit topic &&
	for d in 5 4 3 2 1
	do
		commit_on $d "main $d" || return 1
	done &&
	git rev-list --count HEAD >count &&
	echo 20 >expect &&
	test_cmp expect count
'

test_expect_success 'one revision: everything reachable from it, the root too' '
	cd repo &&
	same HEAD &&
	git rev-list --max-parents=0 HEAD >root &&
	grep -f root actual &&
	same topic &&
	same HEAD~3
'

test_expect_success 'a range leaves out its old end, as git log does' '
	cd repo &&
	same HEAD~3..HEAD &&
	root=$(git rev-list --max-parents=0 HEAD) &&
	same $root..HEAD &&
	! grep $root actual
'

test_expect_success '--since and --until in git'"'"'s date formats' '
	cd repo &&
	same --since=3.days.ago HEAD &&
	same --since="8 days ago" HEAD &&
	same --until=12.days.ago HEAD &&
	same --since=15.days.ago --until=4.days.ago HEAD &&
	same --since=@$(( now - 9 * day )) --until=@$(( now - 7 * day )) HEAD &&
	same --since="$(date -u -d @$(( now - 10 * day )) "+%Y-%m-%d %H:%M:%S +0000")" HEAD
'

test_expect_success '--since and --until narrow a range too' '
	cd repo &&
	same --since=9.days.ago HEAD~4..HEAD &&
	same --until=3.days.ago HEAD~8..HEAD &&
	same --since=10.days.ago --until=2.days.ago topic..HEAD
'

test_expect_success '--since stops at an older commit, as git log does' '
	cd repo &&
	git checkout -q -b skew main~2 &&
	commit_on 2 "skew 2" skew.txt &&
	commit_on 30 "skew 30, a clock behind" skew.txt &&
	commit_on 1 "skew 1" skew.txt &&
	git checkout -q main &&
	same --since=3.days.ago skew &&
	test_line_count = 1 actual &&
	same --since=3.days.ago main~2..skew &&
	same --until=20.days.ago skew
'

test_expect_success 'a window with nothing in it digests nothing' '
	cd repo &&
	git kvmdigest --since=1.hour.ago HEAD >out 2>err &&
	test_must_be_empty out &&
	grep "nothing to digest" err
'

test_expect_success 'without a range: each watched ref'"'"'s history in the window' '
	cd repo &&
	git config kvmdigest.ref refs/heads/main &&
	log_commits --since=5.days.ago main >expect &&
	test_line_count = 4 expect &&
	digest_commits --since=5.days.ago >actual &&
	test_cmp expect actual &&
	log_commits --until=15.days.ago main >expect &&
	digest_commits --until=15.days.ago >actual &&
	test_cmp expect actual
'

test_expect_success 'a window of dates is printed, never a note' '
	cd repo &&
	git kvmdigest --since=5.days.ago HEAD >out &&
	grep "^commit\\|[0-9a-f]\\{12\\}" out &&
	git kvmdigest --until=5.days.ago >out &&
	test -s out &&
	test_must_fail git rev-parse --verify -q refs/notes/kvmdigest
'

test_done
