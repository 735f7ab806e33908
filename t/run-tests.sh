#!/bin/sh
#
# run-tests.sh - run the end-to-end test scripts and sum up
#
# usage: t/run-tests.sh [-v|--verbose] [-i|--immediate] [tNNNN-name.sh...]
#
# Runs every t/t[0-9]*.sh in order, or only the scripts named.  Each
# script prints its own TAP lines; the last line printed here is always
#
#	N passed, N failed[, N skipped]
#
# counting single tests over all scripts.  Known breakages
# (test_expect_failure) count as skipped.  A script that stops before
# test_done counts as one more failure.  Exits non-zero if anything failed.

TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd) || exit 1

opts=
scripts=
for arg
do
	case "$arg" in
	-v|--verbose|-i|--immediate)
		opts="$opts $arg" ;;
	-*)
		echo "usage: $0 [-v|--verbose] [-i|--immediate] [tNNNN-name.sh...]" >&2
		exit 1 ;;
	*)
		# Names may come with or without a t/ prefix.
		scripts="$scripts $(basename "$arg")" ;;
	esac
done

cd "$TEST_DIRECTORY" || exit 1
test -n "$scripts" || scripts=$(ls t[0-9]*.sh 2>/dev/null)

# Each script writes its counts into this directory (see test_done).
KVMD_TEST_RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/kvmd-results.XXXXXX") || exit 1
export KVMD_TEST_RESULTS
trap 'rm -rf "$KVMD_TEST_RESULTS"' EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 skipped=0
for t in $scripts
do
	if ! test -f "$t"
	then
		echo "error: no test script '$t'" >&2
		failed=$((failed + 1))
		continue
	fi
	echo "*** $t ***"
	# shellcheck disable=SC2086 # $opts is a list of options
	sh "./$t" $opts
	rc=$?
	counts="$KVMD_TEST_RESULTS/${t%.sh}.counts"
	if ! test -f "$counts"
	then
		echo "error: $t stopped before test_done" >&2
		failed=$((failed + 1))
		continue
	fi
	if test "$rc" != 0 && ! grep -q '^failed [1-9]' "$counts"
	then
		echo "error: $t exited with $rc" >&2
		failed=$((failed + 1))
	fi
	while read -r key n
	do
		case "$key" in
		success|fixed) passed=$((passed + n)) ;;
		failed) failed=$((failed + n)) ;;
		skipped|broken) skipped=$((skipped + n)) ;;
		esac
	done <"$counts"
	# -i stops the whole run, not just one script.
	case "$opts" in
	*-i*) grep -q '^failed [1-9]' "$counts" && break ;;
	esac
done

summary="$passed passed, $failed failed"
test "$skipped" = 0 || summary="$summary, $skipped skipped"
echo "$summary"
test "$failed" = 0
