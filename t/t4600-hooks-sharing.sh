#!/bin/sh

test_description='sharing digests with a team, without losing any

The README recipe fetches a teammate'\''s digests into
refs/notes/remotes/<remote>/kvmdigest and shows them with a
notes.displayRef glob.  A refspec that writes refs/notes/kvmdigest
itself never fails a fetch, and the local sections it would throw away
are kept (refs/notes/kvmdigest-backup) and merged back.
'
. "$(dirname "$0")"/test-lib.sh

# key REPO OLD NEW: the key line of the digest of OLD..NEW.
key () {
	echo "From $(git -C "$1" rev-parse "$2" | cut -c1-8) to $(git -C "$1" rev-parse "$3" | cut -c1-8)"
}

# fetch REPO: a fetch, and its digest done; fails when either failed.
fetch () {
	git -C "$1" fetch -q origin 2>"$1.err" &&
	git -C "$1" kvmdigest hook wait 2>>"$1.err" &&
	! grep -e warning -e error -e fatal "$1.err"
}

# sections REPO REV [REF]: the key lines of the note on REV.
sections () {
	git -C "$1" notes --ref="${3:-kvmdigest}" show "$2" |
	grep "^From [0-9a-f]\{8\} to [0-9a-f]\{8\}\$"
}

test_expect_success 'setup: a shared repository, Alice and Bob with the hooks' '
	git init -q -b master up &&
	commit_in up "KVM: start" &&
	for who in alice bob carol
	do
		git clone -q up $who &&
		git -C $who kvmdigest install-hooks 2>$who.hints || return 1
	done &&
	git -C bob config --add remote.origin.fetch \
		"+refs/notes/kvmdigest:refs/notes/remotes/origin/kvmdigest" &&
	git -C bob config --add notes.displayRef refs/notes/kvmdigest &&
	git -C bob config --add notes.displayRef "refs/notes/remotes/*/kvmdigest"
'

test_expect_success 'the recipe: a teammate'\''s digests beside ours, over several fetches' '
	for round in 1 2 3
	do
		commit_in up "KVM: round $round" &&
		fetch alice &&
		git -C alice push -q origin refs/notes/kvmdigest &&
		# Bob digests a range of his own too: a section Alice has not
		git -C bob kvmdigest -q origin/master~1..origin/master 2>/dev/null;
		fetch bob || return 1
	done &&
	# Alice'\''s notes under the remote'\''s name, Bob'\''s own untouched
	git -C alice rev-parse refs/notes/kvmdigest >expect &&
	git -C bob rev-parse refs/notes/remotes/origin/kvmdigest >actual &&
	test_cmp expect actual &&
	sections bob origin/master >own &&
	key up master~1 master >expect &&
	test_cmp expect own &&
	git -C bob log -1 --format=%N origin/master >shown &&
	grep -c "^$(key up master~1 master)\$" shown >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'install-hooks warns about a refspec that writes the notes ref' '
	git -C carol config --add remote.origin.fetch \
		"+refs/notes/kvmdigest:refs/notes/kvmdigest" &&
	git -C carol kvmdigest install-hooks >out 2>err &&
	grep "^warning: remote.origin.fetch .*writes refs/notes/kvmdigest" err &&
	grep "refs/notes/remotes/origin/kvmdigest" err
'

test_expect_success 'the bad refspec: no fetch fails, no local section is lost' '
	for round in 4 5 6
	do
		commit_in up "KVM: round $round" &&
		# Carol digests two commits by hand: a section nobody else has
		git -C carol fetch -q origin &&
		git -C carol kvmdigest hook wait &&
		git -C carol kvmdigest -q origin/master~2..origin/master &&
		sections carol origin/master >>carol.own &&
		fetch alice &&
		git -C alice push -q origin refs/notes/kvmdigest &&
		commit_in up "KVM: round $round, later" &&
		fetch carol || return 1
	done &&
	# every section Carol ever had is still in her notes
	for tip in $(git -C up rev-list master)
	do
		sections carol $tip 2>/dev/null || :
	done | sort -u >have &&
	sort -u carol.own >own &&
	comm -23 own have >lost &&
	test_must_be_empty lost &&
	# Alice'\''s too; and the forced tips were kept
	git -C carol merge-base --is-ancestor $(git -C alice rev-parse refs/notes/kvmdigest) \
		refs/notes/kvmdigest &&
	git -C carol rev-parse -q --verify refs/notes/kvmdigest-backup &&
	grep "threw local digests away" carol/.git/kvmdigest.log
'

test_expect_success 'a rewind or a deletion of the notes ref by hand is left alone' '
	# with the old value, as a fetch gives it (without, the hook sees none)
	current=$(git -C carol rev-parse refs/notes/kvmdigest) &&
	rewound=$(git -C carol rev-parse refs/notes/kvmdigest^) &&
	git -C carol update-ref refs/notes/kvmdigest $rewound $current &&
	git -C carol kvmdigest hook wait &&
	test "$rewound" = "$(git -C carol rev-parse refs/notes/kvmdigest)" &&
	git -C carol update-ref -d refs/notes/kvmdigest $rewound &&
	git -C carol kvmdigest hook wait &&
	test_must_fail git -C carol rev-parse -q --verify refs/notes/kvmdigest
'

test_done
