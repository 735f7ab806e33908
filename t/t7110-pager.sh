#!/bin/sh

test_description='--stdout to a terminal goes through the pager, by git'"'"'s rules

As git log does: only when standard output is a terminal; the pager is
$GIT_PAGER, else pager.kvmdigest when it names a command, else
core.pager, else $PAGER, else less, with LESS=FRX and LV=-c unless set;
pager.kvmdigest=false, --no-pager and git --no-pager turn it off, -p
turns it back on.  A terminal comes from script(1) (util-linux), as
git'"'"'s own tests use test_terminal; the pagers here are "cat >file"
commands that say they ran by writing the file.
'
. "$(dirname "$0")"/test-lib.sh

SRC=$TEST_DIRECTORY/..

# test_terminal <command> [<arg>...]: runs it with standard input, output
# and error on a terminal; what it printed is in term.out.
test_terminal () {
	: >term.cmd &&
	for arg
	do
		printf "'%s' " "$(printf '%s' "$arg" | sed -e "s/'/'\\\\''/g")" >>term.cmd ||
		return 1
	done &&
	echo >>term.cmd &&
	script -qec "sh term.cmd" /dev/null </dev/null >term.out 2>&1
}

if command -v script >/dev/null 2>&1 &&
   script -qec "test -t 0 && test -t 1 && test -t 2" /dev/null </dev/null >/dev/null 2>&1
then
	test_set_prereq TTY
fi

unset PAGER GIT_PAGER GIT_PAGER_IN_USE LESS LV COLUMNS

test_expect_success 'setup: the sample archive' '
	git clone -q --bare "$SRC"/sample/kvm-seed.bundle sample.git &&
	old=$(git -C sample.git rev-list --max-parents=0 master) &&
	new=$(git -C sample.git rev-parse master) &&
	range=$old..$new &&
	expect_for "$old" "$new" >expect &&
	PAGER="cat >paginated.out" &&
	export PAGER
'

test_expect_success TTY 'to a terminal, --stdout goes through the pager' '
	rm -f paginated.out &&
	test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/paginated.out
'

test_expect_success TTY 'and so does --format=json, called as git-kvmdigest too' '
	rm -f sample.git/paginated.out &&
	git -C sample.git kvmdigest --format=json "$range" >expect.json &&
	(
		cd sample.git &&
		test_terminal git-kvmdigest --format=json "$range"
	) &&
	test_cmp expect.json sample.git/paginated.out
'

test_expect_success 'not to a terminal: no pager' '
	rm -f sample.git/paginated.out &&
	git -C sample.git kvmdigest --stdout "$range" >actual &&
	test_cmp expect actual &&
	test_path_is_missing sample.git/paginated.out
'

test_expect_success TTY 'a digest into a note is not paged' '
	rm -f sample.git/paginated.out &&
	test_terminal git -C sample.git kvmdigest "$range" &&
	grep "noted the digest" term.out &&
	test_path_is_missing sample.git/paginated.out &&
	git -C sample.git update-ref -d refs/notes/kvmdigest
'

test_expect_success TTY 'GIT_PAGER, then pager.kvmdigest, then core.pager, then PAGER' '
	rm -f sample.git/*.out &&
	git -C sample.git config core.pager "cat >core.out" &&
	git -C sample.git config pager.kvmdigest "cat >cmd.out" &&
	GIT_PAGER="cat >env.out" test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/env.out &&
	test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/cmd.out &&
	git -C sample.git config --unset pager.kvmdigest &&
	test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/core.out &&
	git -C sample.git config --unset core.pager &&
	test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/paginated.out
'

test_expect_success TTY 'an empty pager or cat is no pager' '
	rm -f sample.git/*.out &&
	GIT_PAGER= test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	test_terminal git -C sample.git -c core.pager=cat kvmdigest --stdout "$range" &&
	test_path_is_missing sample.git/paginated.out &&
	grep "^From " term.out
'

test_expect_success TTY 'pager.kvmdigest=false, --no-pager and git --no-pager: no pager' '
	rm -f sample.git/*.out &&
	test_terminal git -C sample.git -c pager.kvmdigest=false kvmdigest --stdout "$range" &&
	grep "^From " term.out &&
	test_terminal git -C sample.git kvmdigest --no-pager --stdout "$range" &&
	grep "^From " term.out &&
	test_terminal git --no-pager -C sample.git kvmdigest --stdout "$range" &&
	grep "^From " term.out &&
	(
		cd sample.git &&
		test_terminal git-kvmdigest --no-pager --stdout "$range" &&
		grep "^From " term.out
	) &&
	test_path_is_missing sample.git/paginated.out
'

test_expect_success TTY '-p pages even with pager.kvmdigest=false; the last of -p and --no-pager wins' '
	rm -f sample.git/*.out &&
	(
		cd sample.git &&
		git config pager.kvmdigest false &&
		test_terminal git-kvmdigest -p --stdout "$range" &&
		test_cmp ../expect paginated.out &&
		rm paginated.out &&
		test_terminal git-kvmdigest --paginate --no-pager --stdout "$range" &&
		test_path_is_missing paginated.out &&
		git config --unset pager.kvmdigest
	)
'

test_expect_success TTY 'git -p kvmdigest: git pages, and we page no second time' '
	rm -f sample.git/*.out &&
	PAGER="cat >>paginated.out" test_terminal git -p -C sample.git kvmdigest --stdout "$range" &&
	test_cmp expect sample.git/paginated.out
'

test_expect_success TTY 'the pager sees LESS=FRX, LV=-c (unless set), GIT_PAGER_IN_USE and COLUMNS' '
	rm -f sample.git/*.out &&
	PAGER="env >pager.env" test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	grep -x LESS=FRX sample.git/pager.env &&
	grep -x LV=-c sample.git/pager.env &&
	grep -x GIT_PAGER_IN_USE=true sample.git/pager.env &&
	grep "^COLUMNS=[1-9][0-9]*$" sample.git/pager.env &&
	LESS=-R LV=-x PAGER="env >pager.env" \
		test_terminal git -C sample.git kvmdigest --stdout "$range" &&
	grep -x LESS=-R sample.git/pager.env &&
	grep -x LV=-x sample.git/pager.env
'

test_expect_success TTY 'errors on a terminal go to the pager with the digest' '
	rm -f sample.git/*.out &&
	test_terminal git -C sample.git kvmdigest --stdout "$new..$new" &&
	grep "nothing to digest" sample.git/paginated.out
'

test_done
