#!/bin/sh

test_description='concurrent digests lose no note

Eight git kvmdigest runs started at once, on eight ranges, all write
their note: the notes ref is moved with a compare-and-swap and a run that
loses the race tries again.  Repeated a few times to make races likely.
'
. "$(dirname "$0")"/test-lib.sh

ROUNDS=3

# run_all ROUND START...: one background git kvmdigest per START (a range),
# all at once, into refs/notes/$ROUND; fails unless every one exits 0.
run_all () {
	run_ref_=$1 &&
	shift &&
	run_pids_= &&
	run_n_=0 &&
	rm -f go &&
	for run_range_
	do
		run_n_=$((run_n_ + 1))
		# each waits for the start signal, so that they run together
		(
			while ! test -e go
			do
				sleep 0.01
			done &&
			exec git -C repo kvmdigest --notes-ref=$run_ref_ "$run_range_"
		) >out.$run_ref_.$run_n_ 2>err.$run_ref_.$run_n_ &
		run_pids_="$run_pids_ $!"
	done
	sleep 0.1
	: >go &&
	run_fail_= &&
	run_n_=0 &&
	for run_pid_ in $run_pids_
	do
		run_n_=$((run_n_ + 1))
		wait $run_pid_
		run_status_=$?
		if test $run_status_ != 0
		then
			echo >&2 "run $run_n_ ($run_ref_) exited with $run_status_:" &&
			cat >&2 err.$run_ref_.$run_n_
			run_fail_=t
		fi
	done &&
	test -z "$run_fail_"
}

# sections NOTE: the key lines of NOTE, in order.
sections () {
	grep "^From [0-9a-f]\{8\} to [0-9a-f]\{8\}\$" "$1"
}

test_expect_success 'setup: nine commits, and the digest of each step' '
	git init -q repo &&
	for i in 0 1 2 3 4 5 6 7 8
	do
		test_tick &&
		echo "line $i" >>repo/file$((i % 3)).c &&
		git -C repo add . &&
		git -C repo commit -q --author="Dev $((i % 4)) <dev$((i % 4))@example.com>" \
			-m "KVM: x86: change number $i" -m "Body of change $i." &&
		git -C repo tag c$i || return 1
	done &&
	for i in 1 2 3 4 5 6 7 8
	do
		git -C repo kvmdigest --stdout c$((i - 1))..c$i >step.$i &&
		git -C repo kvmdigest --stdout c$((i - 1))..c8 >tail.$i || return 1
	done &&
	test_must_fail git -C repo rev-parse -q --verify refs/notes/kvmdigest
'

# The notes ref does not exist yet: all eight race to create it.  This is
# the narrowest race, so it gets more rounds.
round=0
while test $round -lt $((2 * ROUNDS))
do
	round=$((round + 1))

	test_expect_success "round $round: eight ranges to eight commits, at once" '
		run_all step$round c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 &&
		git -C repo notes --ref=step$round list >list &&
		test_line_count = 8 list &&
		for i in 1 2 3 4 5 6 7 8
		do
			git -C repo notes --ref=step$round show c$i >note.$i &&
			test_cmp step.$i note.$i || return 1
		done &&
		# one notes commit per run
		git -C repo rev-list --count refs/notes/step$round >count &&
		echo 8 >expect &&
		test_cmp expect count &&
		test_path_is_missing repo/.git/refs/notes/step$round.lock
	'
done

round=0
while test $round -lt $ROUNDS
do
	round=$((round + 1))

	# The notes ref exists: all eight race to move it.
	test_expect_success "round $round: eight ranges to eight commits, notes ref there" '
		git -C repo notes --ref=more$round add -m "seed" c0 &&
		run_all more$round c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 &&
		git -C repo notes --ref=more$round list >list &&
		test_line_count = 9 list &&
		for i in 1 2 3 4 5 6 7 8
		do
			git -C repo notes --ref=more$round show c$i >note.$i &&
			test_cmp step.$i note.$i || return 1
		done &&
		git -C repo rev-list --count refs/notes/more$round >count &&
		echo 9 >expect &&
		test_cmp expect count
	'

	test_expect_success "round $round: eight ranges to one commit, at once" '
		run_all tail$round c0..c8 c1..c8 c2..c8 c3..c8 c4..c8 c5..c8 c6..c8 c7..c8 &&
		git -C repo notes --ref=tail$round list >list &&
		test_line_count = 1 list &&
		git -C repo notes --ref=tail$round show c8 >note &&
		sections note >keys &&
		test_line_count = 8 keys &&
		sort keys >sorted &&
		for i in 1 2 3 4 5 6 7 8
		do
			sed -n 1p tail.$i || return 1
		done | sort >expect &&
		test_cmp expect sorted &&
		# the sections, in the order they were written, each whole
		: >expect &&
		n=0 &&
		while read -r key
		do
			n=$((n + 1)) &&
			for i in 1 2 3 4 5 6 7 8
			do
				if test "$(sed -n 1p tail.$i)" = "$key"
				then
					if test $n -lt 8
					then
						printf "%s\n\n" "$(cat tail.$i)" >>expect
					else
						cat tail.$i >>expect
					fi
				fi
			done || return 1
		done <keys &&
		test_cmp expect note
	'
done

# Sixteen at once, to the existing notes ref: a run that keeps losing the
# race must keep trying, not give up.
round=0
while test $round -lt 2
do
	round=$((round + 1))

	test_expect_success "round $round: sixteen ranges at once, notes ref there" '
		git -C repo notes --ref=many$round add -m "seed" c0 &&
		run_all many$round c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 \
			c0..c2 c0..c3 c0..c4 c0..c5 c0..c6 c0..c7 c0..c8 c1..c8 &&
		git -C repo notes --ref=many$round list >list &&
		test_line_count = 9 list &&
		for i in 1 2 3 4 5 6 7 8
		do
			git -C repo notes --ref=many$round show c$i || return 1
		done >notes &&
		sections notes | sort >actual &&
		for range in c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 \
			c0..c2 c0..c3 c0..c4 c0..c5 c0..c6 c0..c7 c0..c8 c1..c8
		do
			echo "From $(git -C repo rev-parse ${range%..*} | cut -c1-8) to $(git -C repo rev-parse ${range#*..} | cut -c1-8)" || return 1
		done | sort >expect &&
		test_cmp expect actual &&
		git -C repo rev-list --count refs/notes/many$round >count &&
		echo 17 >expect &&
		test_cmp expect count
	'
done

test_expect_success 'the default notes ref, with the same ranges as before' '
	run_all kvmdigest c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 &&
	git -C repo notes --ref=kvmdigest list >list &&
	test_line_count = 8 list &&
	for i in 1 2 3 4 5 6 7 8
	do
		git -C repo notes --ref=kvmdigest show c$i >note &&
		sed -n 1p note >first &&
		echo "From $(git -C repo rev-parse c$((i - 1)) | cut -c1-8) to $(git -C repo rev-parse c$i | cut -c1-8)" >expect &&
		test_cmp expect first || return 1
	done &&
	# all again at once: nothing changes, the ref does not move
	before=$(git -C repo rev-parse refs/notes/kvmdigest) &&
	run_all kvmdigest c0..c1 c1..c2 c2..c3 c3..c4 c4..c5 c5..c6 c6..c7 c7..c8 &&
	test "$before" = "$(git -C repo rev-parse refs/notes/kvmdigest)"
'

test_done
