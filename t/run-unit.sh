#!/bin/sh
#
# run-unit.sh - run the cmocka unit test programs and sum up
#
# usage: t/run-unit.sh [t/unit/test-<module>...]
#
# Runs every program named (`make test` names all of t/unit/test-*), or,
# without arguments, every built t/unit/test-* beside this script.  Each
# program prints its own cmocka report; the last line printed here is
# always
#
#	unit: N programs, N failed
#
# A program fails when it exits non-zero (a failed test, a crash, a
# sanitizer report) or cannot be run at all.  Exits non-zero if any failed.

TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd) || exit 1

if test $# = 0
then
	for p in "$TEST_DIRECTORY"/unit/test-*
	do
		case "$p" in
		*.c|*.o|*.d) continue ;;
		esac
		test -f "$p" && test -x "$p" && set -- "$@" "$p"
	done
fi

programs=0 failed=0 failed_names=
for p
do
	programs=$((programs + 1))
	case "$p" in
	*/*) run=$p ;;
	*) run=./$p ;;
	esac
	echo "*** $p ***"
	if ! test -f "$run" || ! test -x "$run"
	then
		echo "error: no unit test program '$p' (not built?)" >&2
		failed=$((failed + 1))
		failed_names="$failed_names $p"
		continue
	fi
	"$run"
	rc=$?
	if test "$rc" != 0
	then
		if test "$rc" -gt 128
		then
			echo "error: $p killed by signal $((rc - 128))" >&2
		else
			echo "error: $p exited with $rc" >&2
		fi
		failed=$((failed + 1))
		failed_names="$failed_names $p"
	fi
done

test -z "$failed_names" || echo "failed:$failed_names"
echo "unit: $programs programs, $failed failed"
test "$failed" = 0
