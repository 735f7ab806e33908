#!/bin/sh

test_description='git pull digests the code commits it brought (post-merge hook)

A code repository and a clone of it with the hooks installed: after a
pull the new HEAD carries a note whose digest covers exactly the commits
the pull brought, by commit author.
'
. "$(dirname "$0")"/test-lib.sh

# commit_as "Name <email>" SUBJECT FILE: one commit upstream, by that author.
commit_as () {
	test_tick &&
	echo "$2" >>"up/$3" &&
	git -C up add "$3" &&
	git -C up commit -q --author="$1" -m "$2" -m "Why: $2 matters.

Signed-off-by: $1"
}

# The patch-list line of code commit $1: "<12 hex> <subject> (<author>)".
list_line () {
	git -C up log -1 --format="%H %s (%an)" "$1" | sed -e "s/^\(.\{12\}\)[0-9a-f]*/\1/"
}

# section_of HEADING <note: the lines under HEADING up to the next blank line.
section_of () {
	awk -v heading="$1" '
		$0 == heading { on = 1; getline; next }
		on && $0 == "" { exit }
		on { print }
	'
}

test_expect_success 'setup: a repository, a clone with the hooks' '
	git init -q up &&
	echo "obj-y += kvm/" >up/Makefile &&
	git -C up add Makefile &&
	git -C up commit -q -m "initial import" &&
	git clone -q up work &&
	git -C work kvmdigest install-hooks >out &&
	test_path_is_file work/.git/hooks/post-merge &&
	test_path_is_file work/.git/hooks/reference-transaction
'

test_expect_success 'a pull of four commits notes exactly those four' '
	old=$(git -C work rev-parse HEAD) &&
	commit_as "Ada Lovelace <ada@engine.example>" "KVM: x86: Add the analytical engine" engine.c &&
	commit_as "Grace Hopper <grace@navy.example>" "KVM: x86: Remove a moth from the MMU" mmu.c &&
	commit_as "Ada Lovelace <ada@engine.example>" "KVM: x86: Program the engine with cards" engine.c &&
	commit_as "Linus Torvalds <torvalds@linux-foundation.org>" "Linux 6.14-rc6" Makefile &&
	git -C work pull 2>err &&
	! grep "warning: git-kvmdigest" err &&
	new=$(git -C work rev-parse HEAD) &&
	test "$new" = "$(git -C up rev-parse HEAD)" &&
	git -C work notes --ref=kvmdigest show HEAD >note &&

	cat >expect <<-EOF &&
	From $(printf %.8s $old) to $(printf %.8s $new)
	KVM mailing list update from $(printf %.8s $old) to $(printf %.8s $new)

	Top 15 contributor Email domains (Based on Commit Author)

	      2 engine.example
	      1 navy.example
	      1 linux-foundation.org

	Top 15 contributors (Based on Commit Author)

	      2  Ada Lovelace <ada@engine.example>
	      1  Linus Torvalds <torvalds@linux-foundation.org>
	      1  Grace Hopper <grace@navy.example>

	===== Patch list in this time period =====

	$(list_line HEAD)
	$(list_line HEAD~1)
	$(list_line HEAD~2)
	$(list_line HEAD~3)

	===== Patch Commit Messages ====

	EOF
	head -n $(wc -l <expect) note >actual &&
	test_cmp expect actual &&

	section_of "===== Patch list in this time period =====" <note >list &&
	test_line_count = 4 list &&

	# one entry per commit, newest first, each naming its commit
	grep "^commit " note >commits &&
	git -C up log --format="commit %H %s" -4 | sed -e "s/^\(commit .\{12\}\)[0-9a-f]*/\1/" >expect &&
	test_cmp expect commits &&
	grep "^New: " note >news &&
	test_line_count = 4 news &&
	grep "^Author: " note >authors &&
	git -C up log --format="Author: %an <%ae>" -4 >expect &&
	test_cmp expect authors &&
	! grep "Based on Email Body" note &&

	# one section: the fetch and the merge digested the same range
	grep -c "^From [0-9a-f]\{8\} to [0-9a-f]\{8\}\$" note >count &&
	echo 1 >one &&
	test_cmp one count &&
	git -C work notes --ref=kvmdigest list >notes &&
	test_line_count = 1 notes
'

test_expect_success 'a pull with nothing new changes no note' '
	before=$(git -C work rev-parse refs/notes/kvmdigest) &&
	git -C work pull 2>err &&
	! grep "warning: git-kvmdigest" err &&
	test "$before" = "$(git -C work rev-parse refs/notes/kvmdigest)"
'

test_expect_success 'post-merge alone notes ORIG_HEAD..HEAD' '
	test_when_finished "git -C work config --unset kvmdigest.ref" &&
	# the fetch digests nothing: no ref matches
	git -C work config kvmdigest.ref "refs/remotes/nowhere/*" &&
	old=$(git -C work rev-parse HEAD) &&
	commit_as "Grace Hopper <grace@navy.example>" "KVM: x86: Compile with the A-0 system" compiler.c &&
	commit_as "Grace Hopper <grace@navy.example>" "KVM: x86: Teach the engine COBOL" compiler.c &&
	git -C work pull 2>err &&
	! grep "warning: git-kvmdigest" err &&
	new=$(git -C work rev-parse HEAD) &&
	test "$new" = "$(git -C up rev-parse HEAD)" &&
	git -C work notes --ref=kvmdigest show HEAD >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $old) to $(printf %.8s $new)" >expect &&
	test_cmp expect first &&
	section_of "===== Patch list in this time period =====" <note >list &&
	{ list_line HEAD && list_line HEAD~1; } >expect &&
	test_cmp expect list &&
	section_of "Top 15 contributors (Based on Commit Author)" <note >rows &&
	echo "      2  Grace Hopper <grace@navy.example>" >expect &&
	test_cmp expect rows
'

test_expect_success 'a pull that merges: the merge commit is left out' '
	test_tick &&
	echo local >work/local.c &&
	git -C work add local.c &&
	git -C work commit -q -m "local: a change of our own" &&
	upstream_old=$(git -C work rev-parse origin/main) &&
	commit_as "Ada Lovelace <ada@engine.example>" "KVM: x86: Add a second engine" engine.c &&
	git -C work pull --no-rebase 2>err &&
	! grep "warning: git-kvmdigest" err &&
	merge=$(git -C work rev-parse HEAD) &&
	git -C work rev-parse HEAD^2 >actual &&
	git -C up rev-parse HEAD >expect &&
	test_cmp expect actual &&

	# post-merge: ORIG_HEAD..HEAD holds the merge and the upstream commit
	git -C work notes --ref=kvmdigest show $merge >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $(git -C work rev-parse HEAD^1)) to $(printf %.8s $merge)" >expect &&
	test_cmp expect first &&
	section_of "===== Patch list in this time period =====" <note >list &&
	list_line HEAD >expect &&
	test_cmp expect list &&
	section_of "Top 15 contributors (Based on Commit Author)" <note >rows &&
	echo "      1  Ada Lovelace <ada@engine.example>" >expect &&
	test_cmp expect rows &&
	! grep "a change of our own" note &&

	# the fetch: origin/main before..after, on the upstream commit
	git -C work notes --ref=kvmdigest show origin/main >note &&
	head -n 1 note >first &&
	echo "From $(printf %.8s $upstream_old) to $(printf %.8s $(git -C up rev-parse HEAD))" >expect &&
	test_cmp expect first
'

test_done
