#!/bin/sh
#
# run-tests.sh - run the end-to-end test scripts and sum up
#
# usage: t/run-tests.sh [-v|--verbose] [-i|--immediate] [-j<n>] [tNNNN-name.sh...]
#
# Runs every t/t[0-9]*.sh, or only the scripts named, <n> at a time
# (-j, default $KVMD_TEST_JOBS, else the number of cores; -i runs one at
# a time), as `prove -j` runs git's: every script has its own trash
# directory and HOME, and most of a script's time is spent waiting for
# the processes it starts.  Each script's TAP lines and its time are
# printed whole, in order, once it is done; the last line is always
#
#	N passed, N failed[, N skipped]
#
# counting single tests over all scripts.  Known breakages
# (test_expect_failure) count as skipped.  A script that stops before
# test_done counts as one more failure.  Exits non-zero if anything failed.

TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd) || exit 1

opts=
scripts=
jobs=${KVMD_TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
for arg
do
	case "$arg" in
	-v|--verbose|-i|--immediate)
		opts="$opts $arg" ;;
	-j[1-9]*)
		jobs=${arg#-j} ;;
	-*)
		echo "usage: $0 [-v|--verbose] [-i|--immediate] [-j<n>] [tNNNN-name.sh...]" >&2
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

case "$opts" in
*-i*) jobs=1 ;;
esac

# Runs script $1 into $KVMD_TEST_RESULTS/$1.{out,rc}.
run_one() {
	start=$(date +%s)
	# shellcheck disable=SC2086 # $opts is a list of options
	sh "./$1" $opts >"$KVMD_TEST_RESULTS/$1.out" 2>&1 </dev/null
	echo "$? $(( $(date +%s) - start ))" >"$KVMD_TEST_RESULTS/$1.rc"
}

# <n> workers take the scripts in order, each claiming the next one
# nobody has (mkdir is atomic); one at a time, the output streams.
if test "$jobs" -gt 1
then
	w=0
	while test "$w" -lt "$jobs"
	do
		(
			for t in $scripts
			do
				test -f "$t" || continue
				mkdir "$KVMD_TEST_RESULTS/claim.$t" 2>/dev/null || continue
				run_one "$t"
			done
		) &
		w=$((w + 1))
	done
fi

passed=0 failed=0 skipped=0
for t in $scripts
do
	if ! test -f "$t"
	then
		echo "error: no test script '$t'" >&2
		failed=$((failed + 1))
		continue
	fi
	if test "$jobs" -gt 1
	then
		while ! test -f "$KVMD_TEST_RESULTS/$t.rc"
		do
			sleep 1
		done
		read -r rc secs <"$KVMD_TEST_RESULTS/$t.rc"
		echo "*** $t ($secs s) ***"
		cat "$KVMD_TEST_RESULTS/$t.out"
	else
		echo "*** $t ***"
		# shellcheck disable=SC2086 # $opts is a list of options
		sh "./$t" $opts
		rc=$?
	fi
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

wait
summary="$passed passed, $failed failed"
test "$skipped" = 0 || summary="$summary, $skipped skipped"
echo "$summary"
test "$failed" = 0
