#!/bin/sh

test_description='install-hooks and uninstall-hooks

Hooks that were there before keep running, first, with the same
arguments and input, and their exit status is the hook'\''s; installing
twice changes nothing; uninstalling puts back exactly what was there;
the hooks go where git runs them from (core.hooksPath, the common git
directory of a linked worktree).
'
. "$(dirname "$0")"/test-lib.sh

ZERO_OID=0000000000000000000000000000000000000000

# commit_up SUBJECT: one more commit upstream.
commit_up () {
	test_tick &&
	echo "$1" >>up/file.c &&
	git -C up add file.c &&
	git -C up commit -q -m "$1"
}

# write_hook FILE: an executable script from stdin.
write_hook () {
	cat >"$1" &&
	chmod 755 "$1"
}

# snapshot DIR: names, sizes, modes and times (to the nanosecond), and
# contents of everything in DIR.
snapshot () {
	ls -la --full-time "$1" &&
	(cd "$1" && for f in * .[!.]*; do test -f "$f" && md5sum "$f"; done; :)
}

test_expect_success 'setup: upstream, and a clone with hooks of its own' '
	git init -q up &&
	commit_up "initial" &&
	git clone -q up work &&
	write_hook work/.git/hooks/post-merge <<-\EOF &&
	#!/bin/sh
	# the user'\''s own post-merge hook
	echo "post-merge $*" >>marker
	exit 0
	EOF
	write_hook work/.git/hooks/reference-transaction <<-\EOF &&
	#!/bin/sh
	echo "$*" >>ref-args
	cat >>ref-input
	EOF
	mkdir saved &&
	cp -p work/.git/hooks/post-merge work/.git/hooks/reference-transaction saved/ &&
	ls -a work/.git/hooks >before.list &&
	grep "^post-merge\$" before.list
'

test_expect_success 'install keeps the existing hooks aside' '
	git -C work kvmdigest install-hooks >out &&
	grep "post-merge: kept the existing hook as post-merge.kvmdigest-orig" out &&
	grep "reference-transaction: kept the existing hook as reference-transaction.kvmdigest-orig" out &&
	hooks=work/.git/hooks &&
	grep -x "# Installed by git kvmdigest install-hooks: this line marks the hook as ours." $hooks/post-merge &&
	grep -x "# Installed by git kvmdigest install-hooks: this line marks the hook as ours." $hooks/reference-transaction &&
	test -x $hooks/post-merge &&
	test -x $hooks/reference-transaction &&
	cmp saved/post-merge $hooks/post-merge.kvmdigest-orig &&
	cmp saved/reference-transaction $hooks/reference-transaction.kvmdigest-orig
'

test_expect_success 'the existing post-merge hook still runs on a pull' '
	rm -f work/marker work/ref-args work/ref-input &&
	old=$(git -C work rev-parse HEAD) &&
	commit_up "second" &&
	git -C work pull 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	! grep "warning: git-kvmdigest" err &&
	echo "post-merge 0" >expect &&
	test_cmp expect work/marker &&
	# and the digest was made
	git -C work notes --ref=kvmdigest show HEAD >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $(git -C up rev-parse HEAD))" >expect &&
	test_cmp expect first
'

test_expect_success 'the existing reference-transaction hook saw the fetch' '
	new=$(git -C up rev-parse HEAD) &&
	grep "^[0-9a-f]\{40\} $new refs/remotes/origin/main\$" work/ref-input &&
	grep "^committed\$" work/ref-args &&
	grep "^prepared\$" work/ref-args
'

test_expect_success 'the existing reference-transaction hook gets what git gives' '
	# a control clone with the same recording hook and nothing installed
	git clone -q up ctl &&
	cp -p saved/reference-transaction ctl/.git/hooks/ &&
	test "$(git -C ctl rev-parse HEAD)" = "$(git -C work rev-parse HEAD)" &&
	for repo in ctl work
	do
		rm -f $repo/ref-args $repo/ref-input &&
		git -C $repo update-ref refs/heads/topic HEAD &&
		printf "%s\n" "update refs/heads/one HEAD" "update refs/heads/two HEAD~1" |
		git -C $repo update-ref --stdin &&
		git -C $repo update-ref -d refs/heads/topic || return 1
	done &&
	test_cmp ctl/ref-args work/ref-args &&
	test_cmp ctl/ref-input work/ref-input &&
	head=$(git -C work rev-parse HEAD) &&
	grep "^$ZERO_OID $head refs/heads/topic\$" work/ref-input &&
	grep "^$ZERO_OID $head refs/heads/one\$" work/ref-input &&
	grep "^$ZERO_OID $(git -C work rev-parse HEAD~1) refs/heads/two\$" work/ref-input &&
	grep -x "prepared" work/ref-args &&
	grep -x "committed" work/ref-args
'

test_expect_success 'the digest still reads the input the existing hook read' '
	old=$(git -C work rev-parse origin/main) &&
	commit_up "third" &&
	git -C work fetch 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	! grep "warning: git-kvmdigest" err &&
	new=$(git -C work rev-parse origin/main) &&
	git -C work notes --ref=kvmdigest show $new >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	grep "^$old $new refs/remotes/origin/main\$" work/ref-input
'

test_expect_success 'the post-merge status is the existing hook'\''s' '
	git clone -q up three &&
	write_hook three/.git/hooks/post-merge <<-\EOF &&
	#!/bin/sh
	echo "ran $*" >marker3
	exit 3
	EOF
	git -C three kvmdigest install-hooks &&
	(
		cd three &&
		test_expect_code 3 sh .git/hooks/post-merge 0
	) &&
	echo "ran 0" >expect &&
	test_cmp expect three/marker3 &&
	(
		cd work &&
		test_expect_code 0 sh .git/hooks/post-merge 0
	)
'

test_expect_success 'a failing digest does not change the post-merge status' '
	test_when_finished "git -C three config --unset kvmdigest.notesRef" &&
	git -C three config kvmdigest.notesRef refs/heads/bad &&
	(
		cd three &&
		test_expect_code 3 sh .git/hooks/post-merge 0 2>../err
	) &&
	grep "^warning: git-kvmdigest could not digest" err &&
	test_when_finished "git -C work config --unset kvmdigest.notesRef" &&
	git -C work config kvmdigest.notesRef refs/heads/bad &&
	(
		cd work &&
		test_expect_code 0 sh .git/hooks/post-merge 0 2>../err
	) &&
	grep "^warning: git-kvmdigest could not digest" err
'

test_expect_success 'installing twice changes nothing' '
	snapshot work/.git/hooks >before &&
	git -C work kvmdigest install-hooks >out &&
	grep "post-merge: already installed" out &&
	grep "reference-transaction: already installed" out &&
	snapshot work/.git/hooks >after &&
	test_cmp before after
'

test_expect_success 'uninstall puts the existing hooks back, byte for byte' '
	git -C work kvmdigest uninstall-hooks >out &&
	grep "post-merge: restored the original hook" out &&
	cmp saved/post-merge work/.git/hooks/post-merge &&
	cmp saved/reference-transaction work/.git/hooks/reference-transaction &&
	test -x work/.git/hooks/post-merge &&
	test -x work/.git/hooks/reference-transaction &&
	ls -a work/.git/hooks >after.list &&
	test_cmp before.list after.list
'

test_expect_success 'uninstall again leaves the user'\''s hooks alone' '
	git -C work kvmdigest uninstall-hooks >out &&
	cmp saved/post-merge work/.git/hooks/post-merge &&
	cmp saved/reference-transaction work/.git/hooks/reference-transaction &&
	ls -a work/.git/hooks >after.list &&
	test_cmp before.list after.list
'

test_expect_success 'without hooks before, uninstall leaves none' '
	git clone -q up plain &&
	ls -a plain/.git/hooks >plain.before &&
	git -C plain kvmdigest install-hooks &&
	test_path_is_file plain/.git/hooks/post-merge &&
	test_path_is_file plain/.git/hooks/reference-transaction &&
	git -C plain kvmdigest uninstall-hooks >out &&
	grep "post-merge: removed" out &&
	test_path_is_missing plain/.git/hooks/post-merge &&
	test_path_is_missing plain/.git/hooks/reference-transaction &&
	ls -a plain/.git/hooks >plain.after &&
	test_cmp plain.before plain.after
'

test_expect_success 'install, uninstall, install: the same hooks' '
	git -C plain kvmdigest install-hooks &&
	cmp "$TEST_DIRECTORY"/../hooks/post-merge plain/.git/hooks/post-merge &&
	cmp "$TEST_DIRECTORY"/../hooks/reference-transaction \
		plain/.git/hooks/reference-transaction &&
	test_path_is_missing plain/.git/hooks/post-merge.kvmdigest-orig
'

test_expect_success 'a relative core.hooksPath: hooks go there, from any subdirectory' '
	git clone -q up hp &&
	git -C hp config core.hooksPath myhooks &&
	mkdir -p hp/sub/dir &&
	git -C hp/sub/dir kvmdigest install-hooks >out &&
	test_path_is_file hp/myhooks/post-merge &&
	test_path_is_file hp/myhooks/reference-transaction &&
	test_path_is_missing hp/sub/dir/myhooks &&
	test_path_is_missing hp/.git/hooks/post-merge &&
	test_path_is_missing hp/.git/hooks/reference-transaction &&
	# git runs them from there
	old=$(git -C hp rev-parse origin/main) &&
	commit_up "fourth" &&
	git -C hp fetch &&
	git -C hp kvmdigest hook wait &&
	new=$(git -C hp rev-parse origin/main) &&
	git -C hp notes --ref=kvmdigest show $new >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	git -C hp/sub kvmdigest uninstall-hooks &&
	test_path_is_missing hp/myhooks/post-merge &&
	test_path_is_missing hp/myhooks/reference-transaction
'

test_expect_success 'git -c core.hooksPath decides for that install, as for git' '
	git clone -q up hpc &&
	git -C hpc -c core.hooksPath="$TRASH_DIRECTORY/cli-hooks" kvmdigest install-hooks 2>err &&
	test_path_is_file cli-hooks/post-merge &&
	test_path_is_file cli-hooks/reference-transaction &&
	test_path_is_missing hpc/.git/hooks/post-merge &&
	git -C hpc -c core.hooksPath="$TRASH_DIRECTORY/cli-hooks" kvmdigest uninstall-hooks &&
	test_path_is_missing cli-hooks/post-merge
'

test_expect_success 'a linked worktree: hooks go to the common git directory' '
	git clone -q up main &&
	git -C main worktree add -q -b wtb ../wt origin/main &&
	git -C wt kvmdigest install-hooks >out &&
	common=$(git -C wt rev-parse --git-common-dir) &&
	case "$common" in /*) ;; *) common=wt/$common ;; esac &&
	test_path_is_file "$common/hooks/post-merge" &&
	test_path_is_file main/.git/hooks/post-merge &&
	test_path_is_file main/.git/hooks/reference-transaction &&
	test_path_is_missing main/.git/worktrees/wt/hooks &&
	# a pull in the worktree is digested
	old=$(git -C wt rev-parse HEAD) &&
	commit_up "fifth" &&
	git -C wt pull 2>err &&
	git -C wt kvmdigest hook wait 2>>err &&
	! grep "warning: git-kvmdigest" err &&
	new=$(git -C wt rev-parse HEAD) &&
	test "$new" = "$(git -C up rev-parse HEAD)" &&
	git -C wt notes --ref=kvmdigest show $new >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first
'

test_expect_success 'a bare repository: hooks in its hooks directory' '
	git clone -q --bare up bare.git &&
	git -C bare.git kvmdigest install-hooks &&
	test_path_is_file bare.git/hooks/post-merge &&
	test_path_is_file bare.git/hooks/reference-transaction
'

test_expect_success 'install-hooks takes no arguments' '
	test_expect_code 129 git -C plain kvmdigest install-hooks now 2>err &&
	grep "^usage: git kvmdigest install-hooks" err &&
	test_expect_code 129 git -C plain kvmdigest uninstall-hooks --force 2>err &&
	grep "^usage: git kvmdigest uninstall-hooks" err
'

test_done
