# test-lib.sh - a small test harness in the style of git's test suite
#
# A test script sets test_description, sources this file, declares its
# tests with test_expect_success and ends with test_done:
#
#	#!/bin/sh
#	test_description='what this script covers'
#	. "$(dirname "$0")"/test-lib.sh
#	test_expect_success 'title' '
#		git kvmdigest --stdout A..B >actual &&
#		test_cmp expect actual
#	'
#	test_done
#
# Each script runs in its own fresh "trash directory.<script>" beside
# this file, with HOME pointing at it so no user or system configuration
# leaks in.  The trash directory is removed when every test passes and
# kept for inspection otherwise.
#
# Options: -v/--verbose shows what each test runs and prints, -i/--immediate
# stops at the first failing test.  KVMD_BUILD_DIR names the directory where
# git-kvmdigest was built (default: the parent of t/).
#
# Output is TAP: "ok N - title", "not ok N - title", "ok N # skip ...".

# Where we are; scripts may be started from any directory.
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd) || exit 1
TEST_NAME=$(basename "$0" .sh)
TRASH_DIRECTORY="$TEST_DIRECTORY/trash directory.$TEST_NAME"
export TEST_DIRECTORY TRASH_DIRECTORY

verbose=
immediate=
for arg
do
	case "$arg" in
	-v|--verbose)
		verbose=t ;;
	-i|--immediate)
		immediate=t ;;
	-h|--help)
		printf '%s\n' "$test_description"
		echo "usage: $0 [-v|--verbose] [-i|--immediate]"
		exit 0 ;;
	*)
		echo "error: $0: unknown option '$arg'" >&2
		exit 1 ;;
	esac
done

# The binary under test comes first in PATH: git runs "git kvmdigest" as the
# first git-kvmdigest it finds on PATH (after its own exec-path).
KVMD_BUILD_DIR=$(cd "${KVMD_BUILD_DIR:-$TEST_DIRECTORY/..}" && pwd) || exit 1
export KVMD_BUILD_DIR
PATH="$KVMD_BUILD_DIR:$PATH"
export PATH
if ! test -x "$KVMD_BUILD_DIR/git-kvmdigest"
then
	echo "# warning: no git-kvmdigest in $KVMD_BUILD_DIR; run make first" >&2
fi
if test -e "$(git --exec-path)/git-kvmdigest"
then
	# git looks in its exec-path before PATH, so an installed copy wins.
	echo "# warning: $(git --exec-path)/git-kvmdigest shadows the build" >&2
fi

# Forget every GIT_* variable from the caller (GIT_DIR, GIT_WORK_TREE,
# GIT_INDEX_FILE, GIT_CONFIG*, GIT_NOTES_REF, ...) except tracing, which
# helps debugging and changes no behaviour.
for var in $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p')
do
	case "$var" in
	GIT_TRACE*) ;;
	*) unset "$var" ;;
	esac
done
# public-inbox reads these before ~/.public-inbox; the mail tools these.
unset XDG_CONFIG_HOME PI_CONFIG PI_DIR PI_EMERGENCY EMAIL PAGER VISUAL EDITOR

# Fixed identities and dates, so that commits made by tests have the same
# hashes on every run.
GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL=author@example.com
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL=committer@example.com
GIT_AUTHOR_DATE='1112911993 -0700'
GIT_COMMITTER_DATE='1112911993 -0700'
GIT_CONFIG_NOSYSTEM=1
GIT_PAGER='cat'
GIT_EDITOR=:
GIT_MERGE_AUTOEDIT=no
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM GIT_PAGER
export GIT_EDITOR GIT_MERGE_AUTOEDIT
LC_ALL=C
LANG=C
TZ=UTC
export LC_ALL LANG TZ

# Move both dates one minute on, for tests that need distinct times.
test_tick () {
	test_tick_=$(( ${test_tick_:-1112911993} + 60 ))
	GIT_AUTHOR_DATE="$test_tick_ -0700"
	GIT_COMMITTER_DATE="$test_tick_ -0700"
}

# test_lines N [PREFIX]: N numbered lines, "PREFIX 1" to "PREFIX N"
# ("line" by default), for files that change a little at a time.
test_lines () {
	test_lines_i_=1
	while test $test_lines_i_ -le "$1"
	do
		echo "${2:-line} $test_lines_i_"
		test_lines_i_=$((test_lines_i_ + 1))
	done
}

# A fresh trash directory, which is also HOME.
rm -rf "$TRASH_DIRECTORY" || {
	echo "error: cannot remove '$TRASH_DIRECTORY'" >&2
	exit 1
}
mkdir -p "$TRASH_DIRECTORY" && cd "$TRASH_DIRECTORY" || exit 1
HOME=$TRASH_DIRECTORY
export HOME
git config --global user.name "$GIT_AUTHOR_NAME" &&
git config --global user.email "$GIT_AUTHOR_EMAIL" &&
git config --global init.defaultBranch main || exit 1

# fd 3 and 4 are where test bodies write their stdout and stderr: the
# terminal with -v, nowhere otherwise.  fd 1 and 2 stay for TAP lines.
if test -n "$verbose"
then
	exec 3>&1 4>&2
else
	exec 3>/dev/null 4>/dev/null
fi

# A script sets skip_all before test_done when it can run nothing here.
skip_all=
test_count=0
test_success=0
test_failure=0
test_skipped=0
test_broken=0
test_fixed=0
test_prereqs_=' '

say () {
	printf '%s\n' "$*"
}

# Print each line of $1 after "#\t", as TAP diagnostics.
say_body_ () {
	printf '%s\n' "$1" | sed -e 's/^/#	/'
}

# Make a prerequisite available to "test_expect_success PREREQ ...".
test_set_prereq () {
	test_prereqs_="$test_prereqs_$1 "
}

# Sweeps that take minutes (a bit flipped at every position of a pack)
# run whole only with KVMD_TEST_LONG (or git's GIT_TEST_LONG) set, as
# git's own EXPENSIVE tests do; without it they take a sample.
test -z "${KVMD_TEST_LONG:-${GIT_TEST_LONG:-}}" || test_set_prereq EXPENSIVE

# Succeed if every prerequisite in the comma-separated list $1 holds;
# "!NAME" holds when NAME does not.  Sets test_missing_prereq_.
test_have_prereq () {
	test_missing_prereq_=
	for p in $(printf '%s\n' "$1" | tr ',' ' ')
	do
		case "$p" in
		!*)
			case "$test_prereqs_" in
			*" ${p#!} "*) test_missing_prereq_="$test_missing_prereq_$p " ;;
			esac ;;
		*)
			case "$test_prereqs_" in
			*" $p "*) ;;
			*) test_missing_prereq_="$test_missing_prereq_$p " ;;
			esac ;;
		esac
	done
	test -z "$test_missing_prereq_"
}

# Register a command to run once the current test is over, pass or fail;
# cleanups run last-registered first, and a failing one fails the test.
test_when_finished () {
	test_cleanup_="{ $*
} || test_cleanup_failed_=t
$test_cleanup_"
}

# Run the body $1 in this shell (not a subshell, so variables it sets
# are seen by later tests), then its cleanups.  Returns the body's status.
test_run_ () {
	test_cleanup_=
	test_cleanup_failed_=
	if test -n "$verbose"
	then
		say "expecting success of $test_count '$test_title_':"
		say "$1"
	fi
	eval "$1" </dev/null >&3 2>&4
	test_eval_ret_=$?
	eval "$test_cleanup_" </dev/null >&3 2>&4
	# A body that cd'd away must not break the tests after it.
	cd "$TRASH_DIRECTORY" || exit 1
	test "$test_eval_ret_" = 0 && test -z "$test_cleanup_failed_"
}

# Common front of test_expect_success/failure: parse [PREREQ] 'title'
# 'body', number the test and decide whether it is skipped.
test_start_ () {
	test_count=$((test_count + 1))
	case $# in
	2) test_prereq_='' test_title_=$1 test_body_=$2 ;;
	3) test_prereq_=$1 test_title_=$2 test_body_=$3 ;;
	*)
		echo "error: bug in test script: $test_count: not 2 or 3 parameters" >&2
		exit 1 ;;
	esac
	if test -n "$test_prereq_" && ! test_have_prereq "$test_prereq_"
	then
		test_skipped=$((test_skipped + 1))
		say "ok $test_count # skip $test_title_ (missing ${test_missing_prereq_% })"
		return 1
	fi
	return 0
}

test_failed_ () {
	test_failure=$((test_failure + 1))
	say "not ok $test_count - $test_title_"
	say_body_ "$test_body_"
	if test -n "$immediate"
	then
		say "# stopping at the first failure (-i); trash kept in '$TRASH_DIRECTORY'"
		test_write_counts_
		exit 1
	fi
}

test_expect_success () {
	test_start_ "$@" || return 0
	if test_run_ "$test_body_"
	then
		test_success=$((test_success + 1))
		say "ok $test_count - $test_title_"
	else
		test_failed_
	fi
}

# A known breakage: the body is expected to fail for now.
test_expect_failure () {
	test_start_ "$@" || return 0
	if test_run_ "$test_body_"
	then
		test_fixed=$((test_fixed + 1))
		say "ok $test_count - $test_title_ # TODO known breakage vanished"
	else
		test_broken=$((test_broken + 1))
		say "not ok $test_count - $test_title_ # TODO known breakage"
	fi
}

# Leave the counts where t/run-tests.sh asked for them.
test_write_counts_ () {
	test -n "$KVMD_TEST_RESULTS" || return 0
	cat >"$KVMD_TEST_RESULTS/$TEST_NAME.counts" <<-EOF
	total $test_count
	success $test_success
	failed $test_failure
	skipped $test_skipped
	broken $test_broken
	fixed $test_fixed
	EOF
}

# fill_range OLD NEW: a digest template on stdin, its <OLD> and <NEW>
# filled with the range's abbreviated ends, as the heading shows them.
fill_range () {
	sed -e "s/<OLD>/$(printf %.8s "$1")/g" -e "s/<NEW>/$(printf %.8s "$2")/g"
}

# expect_for OLD NEW: the sample archive's golden digest of OLD..NEW.
expect_for () {
	fill_range "$1" "$2" <"$TEST_DIRECTORY"/t1000/kvm-seed.expected
}

# table HEADING <digest: the rows of the table under HEADING.
table () {
	awk -v heading="$1" '
		$0 == heading { on = 1; getline; next }
		on && $0 == "" { exit }
		on { print }
	'
}

# commit_in REPO SUBJECT: one more commit in REPO.
commit_in () {
	test_tick &&
	echo "$2" >>"$1/file.c" &&
	git -C "$1" add file.c &&
	git -C "$1" commit -q -m "$2"
}

# commit MESSAGE: commit everything in the work tree.
commit () {
	test_tick &&
	git add -A &&
	git commit -q -m "$1"
}

# commit_files_as 'Name <email>' SUBJECT FILE...: a line added to each FILE.
commit_files_as () {
	author=$1 subject=$2 &&
	shift 2 &&
	for f
	do
		mkdir -p "$(dirname "$f")" &&
		echo "$subject" >>"$f" &&
		git add "$f" || return 1
	done &&
	test_tick &&
	git commit -q --author="$author" -m "$subject"
}

# binary_file NAME SEED: 600 bytes with NULs, different for each seed.
binary_file () {
	awk -v s="$2" "BEGIN { for (i = 0; i < 600; i++) printf \"%c\", (i * s + s) % 256 }" >"$1"
}

test_done () {
	test_write_counts_
	if test -n "$skip_all" && test "$test_count" = 0
	then
		say "1..0 # SKIP $skip_all"
		cd "$TEST_DIRECTORY" && rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	test "$test_fixed" = 0 ||
		say "# $test_fixed known breakage(s) vanished; mark them test_expect_success"
	test "$test_broken" = 0 ||
		say "# still have $test_broken known breakage(s)"
	if test "$test_failure" = 0
	then
		say "# passed all $test_count test(s)"
		say "1..$test_count"
		cd "$TEST_DIRECTORY" && rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	say "# failed $test_failure among $test_count test(s)"
	say "1..$test_count"
	exit 1
}

# --- helpers for test bodies ---

# Compare expected and actual output.
test_cmp () {
	diff -u "$@"
}

# Run a command that must fail cleanly: exit 0 is an error, and so are
# 126/127 (not runnable, not found) and exit codes above 129, which mean
# it died by a signal.  git's die() is 128, usage errors are 129.
test_must_fail () {
	"$@"
	test_exit_code_=$?
	if test "$test_exit_code_" = 0
	then
		echo >&2 "test_must_fail: command succeeded: $*"
		return 1
	elif test "$test_exit_code_" = 126 || test "$test_exit_code_" = 127
	then
		echo >&2 "test_must_fail: command not runnable ($test_exit_code_): $*"
		return 1
	elif test "$test_exit_code_" -gt 129
	then
		echo >&2 "test_must_fail: died by signal ($test_exit_code_): $*"
		return 1
	fi
	return 0
}

# test_expect_code N cmd...: the command must exit with code N.
test_expect_code () {
	test_want_code_=$1
	shift
	"$@"
	test_exit_code_=$?
	test "$test_exit_code_" = "$test_want_code_" && return 0
	echo >&2 "test_expect_code: want $test_want_code_, got $test_exit_code_: $*"
	return 1
}

# test_line_count OP N FILE, e.g. test_line_count = 3 actual
test_line_count () {
	if test $# != 3
	then
		echo >&2 "bug in test script: test_line_count needs 3 arguments"
		return 1
	fi
	test_lines_=$(wc -l <"$3") &&
	if ! test "$test_lines_" "$1" "$2"
	then
		echo >&2 "test_line_count: line count of '$3' is $test_lines_, not $1 $2"
		cat >&2 "$3"
		return 1
	fi
}

test_path_is_file () {
	test -f "$1" && return 0
	echo >&2 "file '$1' does not exist"
	return 1
}

test_path_is_dir () {
	test -d "$1" && return 0
	echo >&2 "directory '$1' does not exist"
	return 1
}

# test_require_helper <name>: sets $helper to t/helper/<name>, or skips
# the whole script when it is not built.
test_require_helper () {
	helper="$KVMD_BUILD_DIR/t/helper/$1"
	if ! test -x "$helper"
	then
		skip_all="t/helper/$1 is not built (run make)"
		test_done
	fi
}

test_must_be_empty () {
	test_path_is_file "$1" || return 1
	if test -s "$1"
	then
		echo >&2 "'$1' is not empty, it contains:"
		cat >&2 "$1"
		return 1
	fi
}

test_path_is_missing () {
	test -e "$1" || test -L "$1" || return 0
	echo >&2 "path '$1' exists"
	return 1
}
