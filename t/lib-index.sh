# lib-index.sh - the archive index's faults, for the tests that cause them
#
# Sourced after test-lib.sh.  Sets the SQLITE3 prerequisite when the
# sqlite3 command is there (the index is read back and held with it).
#
#	index_hold_lock FILE
#		A background sqlite3 holds the index FILE in a write
#		transaction (BEGIN IMMEDIATE), reading its commands from a
#		fifo on fd 9, until index_release_lock; returns once the
#		lock is held.
#	index_release_lock
#		Rolls that transaction back and waits for the sqlite3.

if command -v sqlite3 >/dev/null 2>&1
then
	test_set_prereq SQLITE3
fi

index_hold_lock () {
	rm -f fifo && mkfifo fifo &&
	{ sqlite3 "$1" <fifo >sqlite.out 2>&1 & } &&
	exec 9>fifo &&
	# it waits for the probe below, rather than failing to lock
	echo ".timeout 10000" >&9 &&
	echo "BEGIN IMMEDIATE;" >&9 &&
	echo "INSERT INTO archive(name) VALUES('held');" >&9 &&
	# wait until it holds the lock
	n=0 &&
	while sqlite3 -cmd ".timeout 0" "$1" "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null
	do
		n=$((n + 1)) &&
		test $n -lt 500 &&
		sleep 0.01 || return 1
	done
}

index_release_lock () {
	echo "ROLLBACK;" >&9 &&
	exec 9>&- &&
	wait
}
