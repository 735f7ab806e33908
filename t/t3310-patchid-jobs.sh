#!/bin/sh

test_description='the patch-ids of many commits, on several threads

kvmd_patchid_commits() through t/helper/test-patchid --jobs=<n>: the
ids of a list of commits equal what git log --no-merges -p | git
patch-id --stable prints, in the same order, on one thread and on
several; merges are skipped, and a commit that changes nothing, which
has no line in git, is handed on with the zero id.  Over a history made here (merges, renames, binary
files, empty commits), loose and packed, and over the history of this
source tree when it is a git checkout.  A missing commit stops the run
after the ids before it; a callback that returns non-zero stops it
with that value.  KVMD_PATCHID_LIBGIT2 has libgit2 make the ids: the
same as git'"'"'s on a history of text changes, others for binary files.
'
. "$(dirname "$0")"/test-lib.sh

test_require_helper test-patchid

# git_ids [REV...]: the ids as git gives them, in git log's order.
git_ids () {
	git log --no-merges -p --format="commit %H" "$@" | git patch-id --stable
}

zero=0000000000000000000000000000000000000000

# check_jobs LIST N...: the helper on N threads, for each N, lists the
# ids git gives for the commits of LIST (in order, merges skipped).
check_jobs () {
	list=$1 &&
	shift &&
	for j
	do
		"$helper" --jobs=$j <"$list" >out.$j &&
		grep -v "^$zero " out.$j >actual.$j &&
		test_cmp expect actual.$j || return 1
	done
}

# 150 commits, six blocks of the threads' 32 and more: edits at both
# ends of a file, renames, binary files, empty commits, and a side
# branch merged every 25 commits.
test_expect_success 'setup: a history with merges, renames, binary files' '
	git init -q repo &&
	cd repo &&
	test_lines 200 a >a.txt &&
	test_lines 50 b >b0.txt &&
	binary_file data.bin 1 &&
	git add -A &&
	git commit -q -m root &&
	b=b0.txt &&
	i=1 &&
	while test $i -le 150
	do
		test_tick &&
		case $((i % 25)) in
		0)
			git checkout -q -b side$i &&
			echo "side $i" >>side.txt &&
			git add side.txt &&
			git commit -q -m "side $i" &&
			git checkout -q - &&
			echo "main $i" >>a.txt &&
			git commit -q -am "main $i" &&
			git merge -q --no-ff -m "merge $i" side$i ;;
		7|17)
			git mv $b b$i.txt &&
			b=b$i.txt &&
			echo "renamed $i" >>$b &&
			git add -A &&
			git commit -q -m "rename $i" ;;
		11)
			binary_file data.bin $i &&
			git commit -q -am "binary $i" ;;
		13)
			git commit -q --allow-empty -m "empty $i" ;;
		*)
			sed -i -e "$i s/.*/edit $i/" -e "\$ a end $i" a.txt &&
			if test $((i % 3)) = 0
			then
				git mv $b b$i.txt && b=b$i.txt
			fi &&
			git commit -q -am "edit $i" ;;
		esac || return 1
		i=$((i + 1))
	done &&
	git rev-list --merges HEAD >merges &&
	test_line_count = 6 merges &&
	git rev-list HEAD >list &&
	test $(wc -l <list) -gt 160 &&
	git_ids >expect &&
	test $(wc -l <expect) -gt 140
'

test_expect_success 'loose objects: the ids of one and of several threads are git'"'"'s' '
	cd repo &&
	git count-objects -v | grep "^count: [1-9]" &&
	check_jobs list 1 2 3 8
'

test_expect_success 'packed: the ids of one and of several threads are git'"'"'s' '
	cd repo &&
	git gc -q &&
	git count-objects -v | grep "^count: 0" &&
	check_jobs list 1 2 3 8 &&
	git rev-list --no-merges HEAD | "$helper" --commits >one-by-one &&
	test_cmp expect one-by-one
'

test_expect_success 'merges are skipped, commits that change nothing have the zero id' '
	cd repo &&
	"$helper" --jobs=2 <merges >actual &&
	test_must_be_empty actual &&
	git rev-list --grep="^empty" HEAD >empty &&
	test_line_count = 6 empty &&
	sed "s/^/$zero /" empty >expect-empty &&
	"$helper" --jobs=2 <empty >actual &&
	test_cmp expect-empty actual &&
	grep "^$zero " out.3 | cut -d" " -f2 >actual &&
	test_cmp empty actual
'

test_expect_success 'the ids come in the order of the list, whatever it is' '
	cd repo &&
	git rev-list --reverse HEAD >reversed &&
	git_ids --reverse >expect-reversed &&
	"$helper" --jobs=3 <reversed | grep -v "^$zero " >actual &&
	test_cmp expect-reversed actual
'

test_expect_success 'a missing commit ends the run after the ids before it' '
	cd repo &&
	missing=0123456789abcdef0123456789abcdef01234567 &&
	head -n 40 list >broken &&
	echo $missing >>broken &&
	tail -n +41 list >>broken &&
	git_ids --no-walk=unsorted $(head -n 40 list) >expect-head &&
	test $(wc -l <expect-head) -gt 30 &&
	for j in 1 2 3
	do
		test_expect_code 1 "$helper" --jobs=$j <broken >out 2>err &&
		grep -v "^$zero " out >actual &&
		test_cmp expect-head actual &&
		grep "^error: cannot read commit $missing: " err || return 1
	done
'

test_expect_success 'a callback that returns non-zero stops the run with that value' '
	cd repo &&
	for j in 1 2 3
	do
		"$helper" --jobs=$j --stop-after=50 <list >actual &&
		head -n 50 out.3 >expect-stop &&
		echo "stopped 7" >>expect-stop &&
		test_cmp expect-stop actual || return 1
	done
'

test_expect_success 'setup: a history of text changes only (no renames, no binary files)' '
	git init -q text &&
	cd text &&
	test_lines 100 x >x.txt &&
	printf "int main(void)\n{\n\treturn 0;\n}\n" >main.c &&
	git add -A &&
	git commit -q -m root &&
	i=1 &&
	while test $i -le 70
	do
		test_tick &&
		case $((i % 10)) in
		3)
			test_lines 30 "new $i" >new$i.txt &&
			git add new$i.txt ;;
		6)
			git rm -q new$((i - 3)).txt ;;
		9)
			printf "int f$i(void)\n{\n\treturn $i;\n}\n\n" >>main.c &&
			printf "no newline $i" >tail.txt &&
			git add tail.txt ;;
		*)
			sed -i -e "$i s/.*/  edited $i  /" -e "1 i top $i" x.txt ;;
		esac &&
		git commit -q -am "change $i" || return 1
		i=$((i + 1))
	done &&
	git gc -q &&
	git rev-list HEAD >list &&
	git_ids >expect &&
	test_line_count = 71 expect
'

test_expect_success 'KVMD_PATCHID_LIBGIT2: git_diff_patchid() agrees on text changes' '
	cd text &&
	(
		KVMD_PATCHID_LIBGIT2=1 &&
		export KVMD_PATCHID_LIBGIT2 &&
		check_jobs list 1 2 &&
		git rev-list HEAD | "$helper" --commits >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'KVMD_PATCHID_LIBGIT2 is libgit2'"'"'s: one id for every binary change' '
	cd repo &&
	git rev-list --no-merges --grep="^binary" HEAD >binary &&
	test_line_count = 6 binary &&
	git_ids --no-walk=unsorted $(cat binary) >expect-binary &&
	"$helper" --jobs=2 <binary >actual &&
	test_cmp expect-binary actual &&
	KVMD_PATCHID_LIBGIT2=1 "$helper" --jobs=2 <binary >actual &&
	test_line_count = 6 actual &&
	cut -d" " -f1 expect-binary | sort -u >git-ids &&
	test_line_count = 6 git-ids &&
	# libgit2 hashes "Binary files differ": one id for all six
	cut -d" " -f1 actual | sort -u >libgit2-ids &&
	test_line_count = 1 libgit2-ids &&
	! grep -F -f git-ids libgit2-ids
'

# The history of this source tree: a real one, with whatever it holds.
if git -C "$TEST_DIRECTORY/.." rev-parse --verify -q HEAD >/dev/null 2>&1
then
	test_set_prereq SOURCE_HISTORY
fi

test_expect_success SOURCE_HISTORY 'the history of this source tree: several threads give git'"'"'s ids' '
	git clone -q --bare --no-local "$TEST_DIRECTORY/.." source.git &&
	cd source.git &&
	git rev-list HEAD >list &&
	test $(wc -l <list) -gt 100 &&
	git_ids >expect &&
	check_jobs list 1 2 3
'

test_done
