#!/bin/sh

test_description='hooks a kernel developer can leave installed

The user'\''s own hook keeps running as it did ($0, input, status, veto)
even without a temporary directory; install-hooks knows its hook by an
exact line; a fetch is digested whatever form of repository git was
given (GIT_WORK_TREE); a fetch that was not digested is covered by the
next; the log is stamped and capped; a stale lock fails fast.
'
. "$(dirname "$0")"/test-lib.sh

MARKER="# Installed by git kvmdigest install-hooks: this line marks the hook as ours."
STAMP="[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"

# write_hook FILE: an executable script from stdin.
write_hook () {
	cat >"$1" &&
	chmod 755 "$1"
}

# key REPO OLD NEW: the key line of the digest of OLD..NEW.
key () {
	echo "From $(git -C "$1" rev-parse "$2" | cut -c1-8) to $(git -C "$1" rev-parse "$3" | cut -c1-8)"
}

# first_line REPO REV: the first line of the note on REV.
first_line () {
	git -C "$1" notes --ref=kvmdigest show "$2" >note.tmp &&
	sed -n 1p note.tmp
}

# PATH without the build directory: no git-kvmdigest to run.
NO_KVMD_PATH=$(echo "$PATH" | sed -e "s|$KVMD_BUILD_DIR:||")

test_expect_success 'setup: upstream, a clone with the hooks' '
	git init -q -b master up &&
	commit_in up "KVM: start" &&
	git clone -q up work &&
	git -C work kvmdigest install-hooks >out 2>err &&
	test_path_is_file work/.git/hooks/reference-transaction
'

test_expect_success 'install-hooks: hints on stderr, with the notes ref; advice.kvmdigestHooks=false silences them' '
	! grep "^hint:" out &&
	grep "^hint: .*first fetch" err &&
	grep "^hint: .*--no-fetch-hook" err &&
	grep "^hint: .*notes.displayRef refs/notes/kvmdigest\$" err &&
	git -C work -c kvmdigest.notesRef=team/weekly kvmdigest install-hooks >out 2>err &&
	grep "^hint: .*notes.displayRef refs/notes/team/weekly\$" err &&
	! grep "refs/notes/kvmdigest" err &&
	git -C work -c advice.kvmdigestHooks=false kvmdigest install-hooks >out 2>err &&
	! grep "^hint:" err
'

test_expect_success 'install-hooks -h and --help, uninstall-hooks -h' '
	test_expect_code 129 git -C work kvmdigest install-hooks -h >out &&
	grep "^usage: git kvmdigest install-hooks" out &&
	grep -e "--no-fetch-hook" out &&
	test_expect_code 129 git -C work kvmdigest install-hooks --help >out &&
	grep "^usage: git kvmdigest install-hooks" out &&
	test_expect_code 129 git -C work kvmdigest uninstall-hooks -h >out &&
	grep "^usage: git kvmdigest uninstall-hooks" out
'

test_expect_success 'GIT_WORK_TREE and --work-tree: the fetch is digested' '
	old=$(git -C work rev-parse origin/master) &&
	commit_in up "KVM: one" &&
	(
		cd work &&
		git --work-tree=. fetch 2>../err &&
		git kvmdigest hook wait 2>>../err
	) &&
	! grep warning err &&
	first_line work origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual &&
	old=$(git -C work rev-parse origin/master) &&
	commit_in up "KVM: two" &&
	(
		cd work &&
		GIT_WORK_TREE=$(pwd) GIT_DIR=$(pwd)/.git git fetch 2>../err &&
		git kvmdigest hook wait 2>>../err
	) &&
	! grep warning err &&
	first_line work origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual
'

test_expect_success 'a bare repository and a separate git directory: the fetch is digested' '
	git clone -q --bare up bare.git &&
	git -C bare.git config remote.origin.fetch "+refs/heads/*:refs/remotes/origin/*" &&
	git -C bare.git fetch -q origin &&
	git -C bare.git config kvmdigest.ref refs/remotes/origin/master &&
	git -C bare.git kvmdigest install-hooks 2>/dev/null &&
	old=$(git -C bare.git rev-parse origin/master) &&
	commit_in up "KVM: bare" &&
	git -C bare.git fetch 2>err &&
	git -C bare.git kvmdigest hook wait 2>>err &&
	! grep warning err &&
	first_line bare.git origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual &&
	# a work tree whose git directory lives elsewhere, core.worktree naming it
	mkdir sep-wt &&
	git clone -q --separate-git-dir="$(pwd)/sep.git" up sep-clone &&
	git --git-dir=sep.git config core.worktree "$(pwd)/sep-clone" &&
	git --git-dir=sep.git kvmdigest install-hooks 2>/dev/null &&
	old=$(git --git-dir=sep.git rev-parse origin/master) &&
	commit_in up "KVM: separate" &&
	git --git-dir=sep.git fetch 2>err &&
	git --git-dir=sep.git kvmdigest hook wait 2>>err &&
	! grep warning err &&
	git --git-dir=sep.git notes --ref=kvmdigest show origin/master >note &&
	head -n 1 note >actual &&
	key up $old master >expect &&
	test_cmp expect actual
'

test_expect_success 'a fetch with the tool off PATH, then one with it: the second note covers both' '
	old=$(git -C work rev-parse origin/master) &&
	commit_in up "KVM: three" &&
	missed=$(git -C up rev-parse master) &&
	PATH=$NO_KVMD_PATH git -C work fetch 2>err &&
	grep "^warning: git-kvmdigest could not digest" err &&
	test "$missed" = "$(git -C work rev-parse origin/master)" &&
	test_must_fail git -C work notes --ref=kvmdigest show $missed &&
	commit_in up "KVM: four" &&
	git -C work fetch 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	! grep warning err &&
	first_line work origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual &&
	grep "^New: KVM: three\$" note.tmp &&
	grep "^New: KVM: four\$" note.tmp
'

# The fetch hook starts the digest in the background and writes
# kvmdigest-pending.<pid> until that digest holds the run lock.
test_expect_success 'hook wait waits for a digest the hook started that is not yet running' '
	rm -f done &&
	# stands for a digest still starting: its command line names kvmdigest
	{ sh -c "sleep 1; : >done; :" kvmdigest-stand-in & } &&
	pid=$! &&
	echo $pid >work/.git/kvmdigest-pending.$pid &&
	git -C work kvmdigest hook wait &&
	test_path_is_file done &&
	test_path_is_missing work/.git/kvmdigest-pending.$pid
'

test_expect_success 'hook wait: a pending file of a process that is not ours is stale' '
	{ sh -c "sleep 30; :" stand-in & } &&
	pid=$! &&
	test_when_finished "kill $pid" &&
	echo $pid >work/.git/kvmdigest-pending.$pid &&
	git -C work kvmdigest hook wait &&
	test_path_is_missing work/.git/kvmdigest-pending.$pid &&
	# it did not wait for that process
	kill -0 $pid
'

test_expect_success 'the hook scripts of earlier versions (--after=<pid>) still digest' '
	old=$(git -C work rev-parse origin/master) &&
	commit_in up "KVM: by an old hook" &&
	new=$(git -C up rev-parse master) &&
	git -C work -c core.hooksPath=/dev/null fetch -q &&
	# as the old script ran it, with the pid of a git that has exited
	{ sh -c "exit 0" & } &&
	git_pid=$! &&
	wait $git_pid &&
	(
		cd work &&
		git kvmdigest hook reference-transaction --after=$git_pid committed \
			"$old $new refs/remotes/origin/master"
	) &&
	git -C work kvmdigest hook wait &&
	first_line work origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual
'

test_expect_success 'the log: every line stamped with its time' '
	log=work/.git/kvmdigest.log &&
	test_path_is_file $log &&
	grep "kvmdigest" $log >/dev/null &&
	{ grep -v "^$STAMP " $log >unstamped || :; } &&
	test_must_be_empty unstamped
'

test_expect_success 'the log is capped: over 256 KiB it becomes kvmdigest.log.old' '
	log=work/.git/kvmdigest.log &&
	awk "BEGIN { for (i = 0; i < 6000; i++) print \"2025-01-01T00:00:00Z an old line of the log, long enough\" }" >$log &&
	test $(wc -c <$log) -gt 262144 &&
	cp $log expect.old &&
	commit_in up "KVM: five" &&
	git -C work fetch &&
	git -C work kvmdigest hook wait &&
	test_cmp expect.old $log.old &&
	test $(wc -c <$log) -lt 262144
'

test_expect_success 'a stale notes lock: the hook fails fast and says what to remove' '
	test_when_finished "rm -f work/.git/refs/notes/kvmdigest.lock" &&
	: >work/.git/refs/notes/kvmdigest.lock &&
	commit_in up "KVM: six" &&
	git -C work fetch 2>err &&
	test_must_fail git -C work kvmdigest hook wait 2>>err &&
	grep "^warning: git-kvmdigest could not digest" err &&
	grep "refs/notes/kvmdigest.lock.*exists.*remove" work/.git/kvmdigest.log &&
	! grep "kept moving" work/.git/kvmdigest.log &&
	# and by hand
	test_must_fail git -C work kvmdigest origin/master~1..origin/master 2>err &&
	grep "^fatal: .*refs/notes/kvmdigest.lock.*remove the file" err
'

test_expect_success 'a symbolic notes ref is followed, as git notes follows it' '
	saved=$(git -C work rev-parse refs/notes/kvmdigest) &&
	test_when_finished "git -C work symbolic-ref -d refs/notes/kvmdigest; git -C work update-ref refs/notes/kvmdigest $saved" &&
	git -C work update-ref refs/notes/team $saved &&
	git -C work update-ref -d refs/notes/kvmdigest &&
	git -C work symbolic-ref refs/notes/kvmdigest refs/notes/team &&
	git -C work kvmdigest origin/master~1..origin/master 2>err &&
	test "$(git -C work symbolic-ref refs/notes/kvmdigest)" = refs/notes/team &&
	git -C work notes --ref=team show origin/master >note &&
	grep "^$(key work origin/master~1 origin/master)\$" note
'

test_expect_success 'the user hook runs as itself ($0) and still vetoes without TMPDIR' '
	git clone -q up veto &&
	write_hook veto/.git/hooks/reference-transaction <<-\EOF &&
	#!/bin/sh
	# refuses any update of refs/heads/forbidden; records what it saw
	echo "$0 $*" >>"$(dirname "$0")/../../seen"
	while read old new ref
	do
		test "$1" = prepared && test "$ref" = refs/heads/forbidden && exit 1
	done
	exit 0
	EOF
	git -C veto kvmdigest install-hooks &&
	test_must_fail env TMPDIR=/nonexistent git -C veto branch forbidden &&
	test_must_fail git -C veto rev-parse -q --verify refs/heads/forbidden &&
	TMPDIR=/nonexistent git -C veto branch allowed &&
	git -C veto rev-parse -q --verify refs/heads/allowed &&
	grep "/reference-transaction prepared\$" veto/seen &&
	! grep "kvmdigest-orig" veto/seen
'

test_expect_success 'a $0 dispatcher hook still dispatches' '
	git clone -q up disp &&
	hooks=disp/.git/hooks &&
	write_hook $hooks/reference-transaction <<-\EOF &&
	#!/bin/sh
	# runs every hook in $0.d, each with the same input
	input=$(cat)
	for h in "$0".d/*
	do
		test -x "$h" || continue
		printf "%s\n" "$input" | "$h" "$@" || exit
	done
	EOF
	mkdir $hooks/reference-transaction.d &&
	write_hook $hooks/reference-transaction.d/record <<-\EOF &&
	#!/bin/sh
	echo "$*: $(cat)" >>dispatched
	EOF
	git -C disp kvmdigest install-hooks &&
	git -C disp branch topic &&
	grep "^committed: $(git -C disp rev-parse HEAD | sed "s/./0/g") $(git -C disp rev-parse HEAD) refs/heads/topic\$" disp/dispatched
'

test_expect_success 'a user hook that mentions git-kvmdigest hook is kept and restored' '
	git clone -q up mine &&
	write_hook mine/.git/hooks/post-merge <<-\EOF &&
	#!/bin/sh
	# my own hook: does my things, then runs "git-kvmdigest hook post-merge" too
	echo mine >>marker
	git kvmdigest hook post-merge "$@"
	EOF
	chmod 700 mine/.git/hooks/post-merge &&
	cp -p mine/.git/hooks/post-merge saved-post-merge &&
	git -C mine kvmdigest install-hooks >out &&
	grep -x "$MARKER" mine/.git/hooks/post-merge &&
	grep "post-merge: kept the existing hook as post-merge.kvmdigest-orig" out &&
	cmp saved-post-merge mine/.git/hooks/post-merge.kvmdigest-orig &&
	git -C mine kvmdigest uninstall-hooks >out &&
	grep "post-merge: restored the original hook" out &&
	cmp saved-post-merge mine/.git/hooks/post-merge &&
	stat -c %a mine/.git/hooks/post-merge >mode &&
	echo 700 >expect &&
	test_cmp expect mode &&
	test_path_is_missing mine/.git/hooks/post-merge.kvmdigest-orig
'

test_expect_success 'install-hooks --no-fetch-hook, and git kvmdigest fetch by hand' '
	git clone -q up byhand &&
	git -C byhand kvmdigest install-hooks --no-fetch-hook >out 2>err &&
	test_path_is_file byhand/.git/hooks/post-merge &&
	test_path_is_missing byhand/.git/hooks/reference-transaction &&
	grep "^hint: .*git kvmdigest fetch" err &&
	old=$(git -C byhand rev-parse origin/master) &&
	commit_in up "KVM: seven" &&
	git -C byhand kvmdigest fetch origin 2>err &&
	first_line byhand origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual &&
	# the fetch hook, installed before, goes away with --no-fetch-hook
	git -C work kvmdigest install-hooks --no-fetch-hook &&
	test_path_is_missing work/.git/hooks/reference-transaction &&
	git -C work kvmdigest install-hooks &&
	test_path_is_file work/.git/hooks/reference-transaction
'

test_expect_success 'git kvmdigest fetch fails as git fetch fails' '
	test_must_fail git -C byhand kvmdigest fetch nowhere 2>err &&
	grep "nowhere" err
'

test_expect_success 'git -c kvmdigest.ref=...: for that command only, the cache keeps to the files' '
	old=$(git -C work rev-parse origin/master) &&
	commit_in up "KVM: nine" &&
	git -C work -c kvmdigest.ref=refs/heads/nothing fetch 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	test_must_fail git -C work notes --ref=kvmdigest show origin/master &&
	commit_in up "KVM: ten" &&
	git -C work fetch 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	! grep warning err &&
	git -C work notes --ref=kvmdigest show origin/master >note &&
	grep "^New: KVM: nine\$" note &&
	grep "^New: KVM: ten\$" note
'

test_expect_success 'a shallow clone: without a range, and with one, within the history present' '
	git clone -q --depth 2 "file://$(pwd)/up" shallow &&
	git -C shallow config kvmdigest.ref refs/remotes/origin/master &&
	# a note on a commit of another line of history
	git -C shallow checkout -q -b side &&
	commit_in shallow "side work" &&
	git -C shallow kvmdigest HEAD~1..HEAD &&
	commit_in up "KVM: eight" &&
	old=$(git -C shallow rev-parse origin/master) &&
	git -C shallow fetch -q origin &&
	git -C shallow kvmdigest 2>err &&
	first_line shallow origin/master >actual &&
	key up $old master >expect &&
	test_cmp expect actual &&
	git -C shallow kvmdigest --stdout origin/master~1..origin/master >out &&
	grep "^New: KVM: eight\$" out
'

test_done
