#!/bin/sh

test_description='patch-ids in the archive index, and the commits of applied refs

A kernel-like repository made with git (two-hunk edits, a new file, a
rename, a mode change, a binary file, a merge), a series and a lone
patch formatted from it with git format-patch and delivered with
public-inbox-mda; a checkout clones the code and fetches the archive.
`git kvmdigest index` stores each patch mail'"'"'s id, t/helper/test-applied
walks the applied refs into the index (lib/applied.c); the sqlite3
command reads back every stored id, which must be what
git patch-id --stable prints for the same mail or commit.  Then the
lookups both ways on that history, the first walk'"'"'s date bound, and an
incremental walk.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh
. "$TEST_DIRECTORY"/lib-index.sh

IDX=work/.git/kvmdigest/index.sqlite3
APPLIED="$KVMD_BUILD_DIR/t/helper/test-applied"

q () {
	sqlite3 -separator " " "$IDX" "$1"
}

# msgid FILE: the Message-ID of a mail file, without angle brackets.
msgid () {
	sed -n -e 's/^Message-I[dD]: <\(.*\)>$/\1/p' "$1" | head -n 1
}

test_expect_success PUBLIC_INBOX,SQLITE3 'setup: code, a series and a lone patch on the list' '
	git init -q kernel &&
	(
		cd kernel &&
		test_lines 80 a >a.c &&
		test_lines 30 b >b.c &&
		test_lines 40 moved >moved.c &&
		printf "#!/bin/sh\necho x\n" >tool.sh &&
		binary_file blob.bin 3 &&
		git add -A &&
		# a year older than the mails: past the first walk'"'"'s bound
		GIT_AUTHOR_DATE="1070000000 +0000" GIT_COMMITTER_DATE="1070000000 +0000" \
			git commit -q -m "root, long ago" &&
		git branch -M master &&
		test_lines 5 early >early.c &&
		commit "KVM: early: a commit older than every mail" &&

		git checkout -q -b topic &&
		sed -i -e "5s/.*/five/" -e "70s/.*/seventy/" a.c &&
		commit "KVM: x86: two hunks in a.c" &&
		test_lines 12 new >new.c &&
		commit "KVM: x86: a new file" &&
		git mv moved.c gone.c &&
		echo tail >>gone.c &&
		commit "KVM: mmu: a rename with an edit" &&
		git format-patch -q --thread --cover-letter -o ../series master..topic &&

		git checkout -q -b lone master &&
		chmod +x tool.sh &&
		echo "echo y" >>tool.sh &&
		binary_file blob.bin 5 &&
		commit "KVM: selftests: a mode change and a binary file" &&
		git format-patch -q --thread --binary -o ../lone master..lone &&

		# next: the series rebased onto a master that moved (line
		# numbers move), patch 2 changed on the way in, the lone patch
		# merged from its branch
		git checkout -q master &&
		sed -i "1i\\
inserted 1\\
inserted 2" a.c &&
		commit "KVM: x86: lines on top of a.c" &&
		git checkout -q -b next &&
		git cherry-pick topic~2 >/dev/null &&
		git cherry-pick topic~1 >/dev/null &&
		echo "fixed up" >>new.c &&
		git add new.c &&
		git commit -q --amend --no-edit &&
		test_tick &&
		git merge -q --no-ff -m "Merge lone" lone
	) &&
	ls series/*.patch lone/*.patch >mails &&
	test_line_count = 5 mails &&
	inbox_create inbox &&
	inbox_deliver inbox series/*.patch lone/*.patch &&

	git clone -q kernel work &&
	git -C work remote add lore "$PWD/inbox/git/0.git" &&
	git -C work fetch -q lore &&
	git -C work kvmdigest index refs/remotes/lore/master >out 2>err &&
	test_set_prereq INDEXED
'

test_expect_success INDEXED 'every patch mail'"'"'s id is git patch-id --stable'"'"'s' '
	for m in series/*.patch lone/*.patch
	do
		id=$(git patch-id --stable <"$m" | cut -d" " -f1) &&
		if test -n "$id"
		then
			echo "$(msgid "$m") $id" || return 1
		fi
	done | sort >expect &&
	test_line_count = 4 expect &&
	q "SELECT message_id, lower(hex(patch_id)) FROM mail WHERE patch_id IS NOT NULL
		ORDER BY message_id" >actual &&
	test_cmp expect actual &&
	# the cover letter: no diff, no id, no subject hash
	q "SELECT count(*) FROM mail WHERE patch_id IS NULL AND subject_hash IS NULL" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success INDEXED 'patches have a subject hash, one per subject' '
	q "SELECT count(DISTINCT subject_hash) FROM mail WHERE subject_hash IS NOT NULL
		AND patch_id IS NOT NULL" >actual &&
	echo 4 >expect &&
	test_cmp expect actual
'

test_expect_success INDEXED 'the applied refs'"'"' commits: ids of git patch-id --stable, merges and old ones left out' '
	(cd work && "$APPLIED" --jobs=2 refresh origin/next origin/master) >out &&
	grep "^refs 2 walked " out &&
	root=$(git -C kernel rev-list --max-parents=0 master) &&
	git -C kernel log --no-merges -p --format="commit %H" $root..next |
		git patch-id --stable | awk "{ print \$2, \$1 }" | sort >expect &&
	test_line_count = 5 expect &&
	q "SELECT lower(hex(commit_id)), lower(hex(patch_id)) FROM code ORDER BY 1" >actual &&
	test_cmp expect actual &&
	# master and next share two commits: a row for each ref
	q "SELECT count(*) FROM code_ref" >actual &&
	echo 7 >expect &&
	test_cmp expect actual &&
	q "SELECT name, lower(hex(tip)) FROM applied_ref ORDER BY name" >actual &&
	printf "%s\n" "refs/remotes/origin/master $(git -C kernel rev-parse master)" \
		"refs/remotes/origin/next $(git -C kernel rev-parse next)" >expect &&
	test_cmp expect actual
'

test_expect_success INDEXED 'mail -> applied: by patch-id across a rebase, by subject after a fix-up' '
	p1=$(msgid series/0001-*.patch) &&
	p2=$(msgid series/0002-*.patch) &&
	p3=$(msgid series/0003-*.patch) &&
	cover=$(msgid series/0000-*.patch) &&
	lone=$(msgid lone/0001-*.patch) &&
	(cd work && "$APPLIED" for-mail origin/master origin/next -- \
		"$cover" "$p1" "$p2" "$p3" "$lone") >actual &&
	# a binary file has another id in a mail (full object names) than
	# in a commit (abbreviated), in git too: the lone patch is found by
	# its subject
	cat >expect <<-EOF &&
	$p1 $(git -C kernel rev-parse next^1~1) refs/remotes/origin/next patch-id
	$p2 $(git -C kernel rev-parse next^1) refs/remotes/origin/next subject
	$lone $(git -C kernel rev-parse lone) refs/remotes/origin/next subject
	EOF
	test_cmp expect actual
'

test_expect_success INDEXED 'commit -> posted: the mail each commit was posted as' '
	(cd work && "$APPLIED" posted origin/next^1~1 origin/next^1 origin/next^2 \
		origin/master) >actual &&
	cat >expect <<-EOF &&
	origin/next^1~1 $(msgid series/0001-*.patch) v1 1/3 patch-id
	origin/next^1 $(msgid series/0002-*.patch) v1 2/3 subject
	origin/next^2 $(msgid lone/0001-*.patch) v1 -1/-1 subject
	origin/master none
	EOF
	test_cmp expect actual
'

test_expect_success INDEXED 'a later walk takes only what is new' '
	(
		cd kernel &&
		git checkout -q next &&
		echo more >>b.c &&
		commit "KVM: x86: one more"
	) &&
	git -C work fetch -q origin &&
	(cd work && "$APPLIED" --jobs=2 refresh origin/next origin/master) >out &&
	echo "refs 2 walked 1 hashed 1 bound 0" >expect &&
	test_cmp expect out &&
	id=$(git -C kernel show next | git patch-id --stable | cut -d" " -f1) &&
	q "SELECT lower(hex(patch_id)) FROM code WHERE commit_id = x'"'"'$(git -C kernel rev-parse next)'"'"'" >actual &&
	echo "$id" >expect &&
	test_cmp expect actual
'

test_done
