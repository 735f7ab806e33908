#!/bin/sh

test_description='digests of code commits (a kernel checkout, not an archive)

Builds a small history with git: several authors, some of them under
more than one spelling of their address, mapped by a .mailmap in the
tree, by mailmap.file and, in a bare clone, by mailmap.blob; commits
with Signed-off-by, Reviewed-by, Acked-by and Tested-by trailers (one
identity twice in a commit, which counts once); renames with and
without edits, binary files, a deletion, a mode change, a root commit,
a merge and a commit without a body.  For several ranges, the tables
must count what git shortlog counts, and every entry must carry the
diffstat block that git format-patch prints.  Then a mixed range: the
sample archive (sample/kvm-seed.bundle) fetched and merged into the
checkout, where mail commits are digested as mails and code commits
as code.

git shortlog groups by the mapped name and address, the digest by the
mapped address ignoring case: the mailmaps here map every spelling of
an address to one name and one spelling, so that both group alike.
'
. "$(dirname "$0")"/test-lib.sh

if command -v python3 >/dev/null 2>&1
then
	test_set_prereq PYTHON
fi

# commit_as 'Name <email>' SUBJECT [BODY]: commit what is staged and every
# change to tracked files with that author and message (BODY may hold
# several paragraphs; without BODY, the message has no body at all).
# New files must be added first: the scratch files of the tests are not
# to be committed.
commit_as () {
	test_tick &&
	if test $# -ge 3
	then
		printf '%s\n\n%s\n' "$2" "$3" >.git/MSG
	else
		printf '%s\n' "$2" >.git/MSG
	fi &&
	git add -u &&
	git commit -q --author="$1" -F .git/MSG &&
	rm -f .git/MSG
}

# digest_table HEADING FILE: the rows of the text table whose heading
# starts with HEADING, as sorted "count address" lines.
digest_table () {
	awk -v h="$1" '
		!s && index($0, h) == 1 { s = 1; getline; next }
		s && /^$/ { exit }
		s { e = $0; sub(/.*</, "", e); sub(/>$/, "", e); print $1, e }
	' "$2" | sort
}

# shortlog_table <shortlog args>: what git shortlog -sne counts, as sorted
# "count address" lines.
shortlog_table () {
	git shortlog -sne --no-merges "$@" </dev/null >shortlog.raw &&
	sed -e 's/^ *\([0-9][0-9]*\)	.*<\(.*\)>$/\1 \2/' shortlog.raw | sort
}

# json_summary [--diffstat] FILE: see t3000/json-summary.py; fails unless
# FILE is valid JSON.
json_summary () {
	python3 "$TEST_DIRECTORY/t3000/json-summary.py" "$@"
}

# text_tables FILE: the contributor, signer and reviewer tables of a text
# digest made with --top=1000 --sections=all, as json_summary prints them.
text_tables () {
	digest_table "Top 1000 contributors " "$1" | sed -e "s/^/contributors /" &&
	digest_table "Top 1000 signers " "$1" | sed -e "s/^/signers /" &&
	digest_table "Top 1000 reviewers " "$1" | sed -e "s/^/reviewers /"
}

# format_patch_stat COMMIT: the diffstat block of git format-patch, from
# the line after the first "---" to the blank line before "diff --git".
format_patch_stat () {
	git format-patch -1 --stdout "$1" >fp.patch &&
	awk '
		!s && /^---$/ { s = 1; next }
		s && /^diff --git / { exit }
		s { buf[n++] = $0 }
		END { if (n && buf[n - 1] == "") n--; for (i = 0; i < n; i++) print buf[i] }
	' fp.patch
}

# split_entries FILE DIR: write each code entry of the text digest FILE as
# DIR/<12-hex>.entry (all its lines, the separator and the blank line
# after it included) and its diffstat block as DIR/<12-hex>.stat; list
# the hashes, in order, in DIR/list.
split_entries () {
	rm -rf "$2" && mkdir "$2" &&
	awk -v dir="$2" -v sep="$(printf "%070d" 0 | tr 0 -)" '
		function flush(   i, dash) {
			if (!hex)
				return
			for (i = 0; i < n; i++)
				print buf[i] >(dir "/" hex ".entry")
			close(dir "/" hex ".entry")
			# the block: after the last "---", before the blank line
			# that precedes the separator
			dash = -1
			for (i = 0; i < n; i++)
				if (buf[i] == "---")
					dash = i
			printf "" >(dir "/" hex ".stat")
			for (i = dash + 1; dash >= 0 && i < n - 3; i++)
				print buf[i] >(dir "/" hex ".stat")
			close(dir "/" hex ".stat")
			print hex >(dir "/list")
			hex = ""
		}
		/^===== Patch Commit Messages ====$/ { on = 1; getline; next }
		!on { next }
		/^New: / { n = 0 }
		{ buf[n++] = $0 }
		n == 2 && /^commit [0-9a-f]+ / { hex = $2 }
		$0 == sep { getline; buf[n++] = $0; flush(); n = 0 }
	' "$1" &&
	touch "$2/list"
}

# check_range RANGE: the digest of RANGE (run in the current directory)
# counts as git shortlog does, lists every non-merge commit newest first,
# and every entry carries format-patch's diffstat.
check_range () {
	git kvmdigest --stdout --top=1000 --sections=all "$1" >digest &&

	grep -x "Top 1000 contributor Email domains (Based on Commit Author)" digest &&
	grep -x "Top 1000 contributors (Based on Commit Author)" digest &&
	! grep "Based on Email Body" digest &&

	shortlog_table "$1" >expect.who &&
	test -s expect.who &&
	digest_table "Top 1000 contributors " digest >actual.who &&
	test_cmp expect.who actual.who &&

	shortlog_table --group=trailer:signed-off-by "$1" >expect.sob &&
	digest_table "Top 1000 signers " digest >actual.sob &&
	test_cmp expect.sob actual.sob &&

	shortlog_table --group=trailer:reviewed-by --group=trailer:acked-by \
		--group=trailer:tested-by "$1" >expect.rev &&
	digest_table "Top 1000 reviewers " digest >actual.rev &&
	test_cmp expect.rev actual.rev &&

	# the patch list: one line per non-merge commit, newest first
	git log --no-merges --format="%h %s (%aN)" --abbrev=12 "$1" >expect.list &&
	sed -n -e "/^===== Patch list in this time period =====$/,/^===== Patch Commit/p" \
		digest | sed -e "1,2d" -e "/^$/d" -e "/^=====/d" >actual.list &&
	test_cmp expect.list actual.list &&

	# one entry per non-merge commit, each with format-patch's diffstat
	split_entries digest entries &&
	git log --no-merges --format=%h --abbrev=12 "$1" >expect.entries &&
	test_cmp expect.entries entries/list &&
	while read hex
	do
		format_patch_stat "$hex" >expect.stat &&
		test -s expect.stat &&
		test_cmp expect.stat "entries/$hex.stat" || return 1
	done <entries/list
}

test_expect_success 'setup: a history with several authors, trailers and merges' '
	git init -q code &&
	cd code &&
	cat >.mailmap <<-\EOF &&
	Alice Liddell <alice@example.org> <alice@old.example.org>
	Alice Liddell <alice@example.org> <ALICE@Example.ORG>
	EOF
	test_lines 5 >README &&
	mkdir src scripts &&
	test_lines 20 a >src/a.c &&
	test_lines 12 b >src/b.c &&
	test_lines 8 old >src/old.c &&
	printf "#!/bin/sh\necho run\n" >scripts/run.sh &&
	git add . &&
	commit_as "Alice Liddell <alice@example.org>" "Initial import" \
"The first version of the tree.

Signed-off-by: Alice Liddell <alice@example.org>" &&

	sed -i -e "s/^a 3$/a three/" src/a.c &&
	commit_as "Alice L <alice@old.example.org>" "src: spell out three" \
"Numbers read better as words.

Signed-off-by: Alice L <alice@old.example.org>
Reviewed-by: Bob Builder <bob@example.net>
Signed-off-by: Alice Liddell <alice@example.org>" &&

	git mv src/b.c src/c.c &&
	commit_as "Bob Builder <bob@example.net>" "src: rename b.c to c.c" &&
	git branch side &&

	git checkout -q side &&
	test_lines 3 note >NOTES &&
	git add NOTES &&
	git rm -q src/old.c &&
	chmod +x scripts/run.sh &&
	commit_as "Dave Dee <dave@example.com>" "tree: drop old.c, make run.sh executable" \
"Two chores in one.

Signed-off-by: Dave Dee <dave@example.com>
Signed-off-by: Bob Builder <bob@example.net>" &&

	git checkout -q main &&
	printf "\000\001\002\003" >fw.bin &&
	echo "fw.bin: the firmware" >>README &&
	git add fw.bin &&
	commit_as "Dr. Carol Q. Public <carol@example.com>" "fw: add the firmware blob" \
"The device will not start without it.

It is a binary file.

Signed-off-by: Dr. Carol Q. Public <carol@example.com>
Acked-by: Alice L <alice@old.example.org>
Reviewed-by: Dave Dee <dave@example.com>
Tested-by: Dave Dee <dave@example.com>" &&

	mkdir lib &&
	git mv src/a.c lib/a.c &&
	sed -i -e "s/^a 1$/a one/" lib/a.c &&
	commit_as "Bob B <bob@home.example>" "lib: move a.c out of src" \
"Signed-off-by: Bob B <bob@home.example>
Reviewed-by: alice <ALICE@Example.ORG>" &&

	test_tick &&
	git merge -q --no-ff -m "Merge branch side" side &&

	printf "\000\001\002\003\004\005\006" >fw.bin &&
	commit_as "alice <ALICE@Example.ORG>" "fw: update the firmware" \
"A newer blob.

Tested-by: Erin Example <erin@example.com>
Signed-off-by: Alice Liddell <alice@example.org>" &&

	test_lines 3 c >>src/c.c &&
	commit_as "Erin Example <erin@example.com>" "src: three more lines in c.c" \
"Reviewed-by: Bob Builder <bob@example.net>
Acked-by: Bob B <bob@home.example>
Signed-off-by: Erin Example <erin@example.com>" &&

	cat >../bob.mailmap <<-\EOF &&
	Bob Builder <bob@example.net> <bob@home.example>
	EOF
	git rev-list --no-merges HEAD >../count &&
	test_line_count = 8 ../count &&
	root=$(git rev-list --max-parents=0 HEAD) &&
	# an old side that is no ancestor: the range holds the root commit
	empty=$(git hash-object -t tree /dev/null) &&
	other=$(echo unrelated | git commit-tree $empty)
'

test_expect_success 'root..HEAD (the root left out) counts as git shortlog' '
	cd code &&
	check_range "$root..HEAD" &&
	! grep "Initial import" actual.list &&
	head -n 2 digest >head &&
	cat >expect <<-EOF &&
	From $(git rev-parse --short=8 $root) to $(git rev-parse --short=8 HEAD)
	KVM mailing list update from $(git rev-parse --short=8 $root) to $(git rev-parse --short=8 HEAD)
	EOF
	test_cmp expect head
'

test_expect_success 'the mailmap is the one of the tree: bob@home.example is its own row' '
	cd code &&
	grep -x "      1  Bob B <bob@home.example>" digest &&
	grep -x "      1  Bob Builder <bob@example.net>" digest
'

test_expect_success 'a range in the middle, A..B, counts as git shortlog' '
	cd code &&
	check_range "HEAD~5..HEAD~2" &&
	test_line_count = 3 actual.list
'

test_expect_success 'a range whose old side is unrelated holds the root commit' '
	cd code &&
	check_range "$other..HEAD" &&
	test_line_count = 8 entries/list &&
	grep "Initial import" actual.list &&
	cat >expect.root <<-\EOF &&
	 .mailmap       |  2 ++
	 README         |  5 +++++
	 scripts/run.sh |  2 ++
	 src/a.c        | 20 ++++++++++++++++++++
	 src/b.c        | 12 ++++++++++++
	 src/old.c      |  8 ++++++++
	 6 files changed, 49 insertions(+)
	 create mode 100644 .mailmap
	 create mode 100644 README
	 create mode 100644 scripts/run.sh
	 create mode 100644 src/a.c
	 create mode 100644 src/b.c
	 create mode 100644 src/old.c
	EOF
	test_cmp expect.root "entries/$(git rev-parse --short=12 $root).stat"
'

test_expect_success 'a merge and its side branch: the side commit only' '
	cd code &&
	check_range "HEAD~3..HEAD~2" &&
	test_line_count = 1 entries/list
'

test_expect_success 'mailmap.file maps more, as for git shortlog' '
	cd code &&
	test_when_finished "git config --unset mailmap.file" &&
	git config mailmap.file "$TRASH_DIRECTORY/bob.mailmap" &&
	check_range "$root..HEAD" &&
	grep -x "      2  Bob Builder <bob@example.net>" digest &&
	! grep "^ *[0-9][0-9]*  .*bob@home.example" digest &&
	check_range "HEAD~5..HEAD~2" &&
	check_range "$other..HEAD"
'

test_expect_success 'the tables, literally' '
	cd code &&
	git kvmdigest --stdout --sections=domains,contributors,signers,reviewers \
		"$other..HEAD" >actual &&
	o=$(git rev-parse --short=8 $other) &&
	n=$(git rev-parse --short=8 HEAD) &&
	cat >expect <<-EOF &&
	From $o to $n
	KVM mailing list update from $o to $n

	Top 15 contributor Email domains (Based on Commit Author)

	      3 example.org
	      3 example.com
	      1 home.example
	      1 example.net

	Top 15 contributors (Based on Commit Author)

	      3  Alice Liddell <alice@example.org>
	      1  Erin Example <erin@example.com>
	      1  Dave Dee <dave@example.com>
	      1  Bob Builder <bob@example.net>
	      1  Bob B <bob@home.example>
	      1  "Dr. Carol Q. Public" <carol@example.com>

	Top 15 signers (Based on Signed-off-by)

	      3  Alice Liddell <alice@example.org>
	      1  Erin Example <erin@example.com>
	      1  Dave Dee <dave@example.com>
	      1  Bob Builder <bob@example.net>
	      1  Bob B <bob@home.example>
	      1  "Dr. Carol Q. Public" <carol@example.com>

	Top 15 reviewers (Based on Reviewed-by, Acked-by and Tested-by)

	      2  Bob Builder <bob@example.net>
	      2  Alice Liddell <alice@example.org>
	      1  Erin Example <erin@example.com>
	      1  Dave Dee <dave@example.com>
	      1  Bob B <bob@home.example>

	EOF
	test_cmp expect actual
'

test_expect_success 'an entry, literally: body, trailers, binary diffstat' '
	cd code &&
	c=$(git rev-parse --short=12 HEAD~4) &&
	git kvmdigest --stdout "$root..HEAD" >digest &&
	grep -x "$c fw: add the firmware blob (Dr. Carol Q. Public)" digest &&
	split_entries digest entries &&
	cat >expect <<-EOF &&
	New: fw: add the firmware blob
	commit $c fw: add the firmware blob
	Author: Dr. Carol Q. Public <carol@example.com>

	The device will not start without it.

	It is a binary file.

	Signed-off-by: Dr. Carol Q. Public <carol@example.com>
	Acked-by: Alice L <alice@old.example.org>
	Reviewed-by: Dave Dee <dave@example.com>
	Tested-by: Dave Dee <dave@example.com>
	---
	 README |   1 +
	 fw.bin | Bin 0 -> 4 bytes
	 2 files changed, 1 insertion(+)
	 create mode 100644 fw.bin

	----------------------------------------------------------------------

	EOF
	test_cmp expect "entries/$c.entry"
'

test_expect_success 'an entry without a body; a rename without edits' '
	cd code &&
	c=$(git rev-parse --short=12 HEAD~5) &&
	cat >expect <<-EOF &&
	New: src: rename b.c to c.c
	commit $c src: rename b.c to c.c
	Author: Bob Builder <bob@example.net>

	---
	 src/{b.c => c.c} | 0
	 1 file changed, 0 insertions(+), 0 deletions(-)
	 rename src/{b.c => c.c} (100%)

	----------------------------------------------------------------------

	EOF
	test_cmp expect "entries/$c.entry"
'

test_expect_success 'an entry after the mailmap: author, rename with edits' '
	cd code &&
	c=$(git rev-parse --short=12 HEAD~1) &&
	grep -x "$c fw: update the firmware (Alice Liddell)" digest &&
	sed -n -e 3p "entries/$c.entry" >actual &&
	echo "Author: Alice Liddell <alice@example.org>" >expect &&
	test_cmp expect actual &&
	c=$(git rev-parse --short=12 HEAD~2^1) &&
	sed -n -e "/^---$/,\$p" "entries/$c.entry" >actual &&
	cat >expect <<-\EOF &&
	---
	 {src => lib}/a.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)
	 rename {src => lib}/a.c (93%)

	----------------------------------------------------------------------

	EOF
	test_cmp expect actual
'

test_expect_success 'the merge is neither an entry nor a row' '
	cd code &&
	! grep "Merge branch side" digest &&
	! grep "A U Thor" digest &&
	! grep "author@example.com" digest
'

test_expect_success 'a bare clone uses HEAD:.mailmap, and mailmap.blob' '
	git clone -q --bare code code.git &&
	git -C code kvmdigest --stdout --sections=all "$root..main" >expect &&
	git -C code.git kvmdigest --stdout --sections=all "$root..main" >actual &&
	test_cmp expect actual &&
	(
		cd code.git &&
		git show main:.mailmap >../full.mailmap &&
		cat ../bob.mailmap >>../full.mailmap &&
		blob=$(git hash-object -w ../full.mailmap) &&
		tree=$(printf "100644 blob %s\tmailmap\n" $blob | git mktree) &&
		git update-ref refs/heads/meta $(echo mailmap | git commit-tree $tree) &&
		git config mailmap.blob meta:mailmap &&
		check_range "$root..main" &&
		grep -x "      2  Bob Builder <bob@example.net>" digest &&
		! grep "^ *[0-9][0-9]*  .*bob@home.example" digest
	) &&
	test_when_finished "git -C code config --unset mailmap.file" &&
	git -C code config mailmap.file "$TRASH_DIRECTORY/bob.mailmap" &&
	git -C code kvmdigest --stdout --top=1000 --sections=all "$root..main" >expect &&
	test_cmp expect code.git/digest
'

# git passes "git -c" settings in the environment, which libgit2 does not
# read by itself.
test_expect_success 'git -c mailmap.file=... applies, as for git shortlog' '
	cd code &&
	git -c mailmap.file="$TRASH_DIRECTORY/bob.mailmap" shortlog -sne --no-merges \
		"$root..HEAD" >shortlog.c &&
	grep "	Bob Builder <bob@example.net>" shortlog.c &&
	! grep "bob@home.example" shortlog.c &&
	git -c mailmap.file="$TRASH_DIRECTORY/bob.mailmap" kvmdigest --stdout \
		"$root..HEAD" >digest &&
	grep -x "      2  Bob Builder <bob@example.net>" digest &&
	! grep "^ *[0-9][0-9]*  .*bob@home.example" digest
'

test_expect_success PYTHON '--format=json is valid and counts as the text' '
	cd code &&
	for range in "$root..HEAD" "HEAD~5..HEAD~2" "$other..HEAD"
	do
		git kvmdigest --format=json "$range" >json &&
		python3 -m json.tool json >/dev/null &&
		json_summary json >summary &&
		git kvmdigest --stdout --top=1000 --sections=all "$range" >text &&
		n=$(git rev-list --count --no-merges "$range") &&
		cat >expect <<-EOF &&
		mode code
		messages 0
		commits $n
		skipped 0
		entries code $n
		EOF
		sed -n -e "/^entries /q" -e p summary >actual &&
		grep "^entries " summary >>actual &&
		test_cmp expect actual &&
		text_tables text >expect &&
		grep "^contributors \|^signers \|^reviewers " summary >actual &&
		test_cmp expect actual &&
		git log --no-merges --format="entry %h code %aE" --abbrev=12 "$range" >expect &&
		grep "^entry " summary >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success PYTHON '--format=json: every entry carries the diffstat' '
	cd code &&
	git kvmdigest --format=json "$other..HEAD" >json &&
	json_summary --diffstat json >actual &&
	git log --no-merges --format=%H "$other..HEAD" >list &&
	while read c
	do
		echo "commit $c" &&
		format_patch_stat $c || return 1
	done <list >expect &&
	test_cmp expect actual &&
	grep "\"diffstat\" : \"" json >lines &&
	test_line_count = 8 lines &&
	! grep "\"version\"\|\"number\"\|\"total\"" json
'

# gitmailmap(5): "Both E-Mails and names are matched case-insensitively."
test_expect_success 'a mailmap entry matches an address in another case' '
	cd code &&
	test_when_finished "git checkout -q main" &&
	git checkout -q -b case &&
	echo "one more" >>NOTES &&
	commit_as "Alice <Alice@EXAMPLE.org>" "NOTES: one more line" \
"Reviewed-by: Alice <Alice@EXAMPLE.org>" &&
	# git maps it by the .mailmap entry for <ALICE@Example.ORG>
	git log -1 --format="%aN <%aE>" >actual &&
	echo "Alice Liddell <alice@example.org>" >expect &&
	test_cmp expect actual &&
	check_range "main..case" &&
	c=$(git rev-parse --short=12 HEAD) &&
	grep -x "$c NOTES: one more line (Alice Liddell)" digest &&
	grep -x "Author: Alice Liddell <alice@example.org>" digest &&
	grep -x "      1  Alice Liddell <alice@example.org>" digest
'

# The archive comes from the sample bundle: no public-inbox needed.
test_expect_success 'setup: a checkout that fetched and merged the archive' '
	bundle="$TEST_DIRECTORY/../sample/kvm-seed.bundle" &&
	test_path_is_file "$bundle" &&
	git clone -q code mixed &&
	cd mixed &&
	git remote add kvm-lore "$bundle" &&
	git fetch -q kvm-lore &&
	git rev-list --count kvm-lore/master >n &&
	echo 36 >expect &&
	test_cmp expect n &&
	base=$(git rev-parse HEAD) &&
	echo "one more" >>README &&
	commit_as "Frank Fix <frank@example.com>" "README: one more line" \
"Signed-off-by: Frank Fix <frank@example.com>" &&
	git branch ours &&
	test_tick &&
	git merge -q --allow-unrelated-histories -m "Merge kvm-lore" kvm-lore/master &&
	git checkout -q ours &&
	test_tick &&
	git merge -q -s ours --allow-unrelated-histories -m "Merge kvm-lore (ours)" \
		kvm-lore/master &&
	git checkout -q main &&
	test_set_prereq MIXED
'

test_expect_success MIXED,PYTHON 'a mixed range: mails as mails, code as code (merge -s ours)' '
	cd mixed &&
	git kvmdigest --format=json "$base..ours" >json &&
	python3 -m json.tool json >/dev/null &&
	git kvmdigest --format=json "$base..kvm-lore/master" >alone.json &&
	json_summary json >summary &&
	json_summary alone.json >alone.summary &&
	git kvmdigest --stdout --top=1000 "$base..ours" >text &&
	grep -x "Top 1000 contributor Email domains (Based on Email Body)" text &&
	grep -x "Top 1000 contributors (Based on Email Body)" text &&
	! grep "Based on Commit Author" text &&
	c=$(git rev-parse --short=12 ours^1) &&
	grep -x "$c README: one more line (Frank Fix)" text &&
	grep -x "commit $c README: one more line" text &&
	! grep "Merge kvm-lore" text &&
	# as many patch entries as the archive alone gives, one code entry
	n=$(grep -c "^entries patch " alone.summary) &&
	test "$n" = 1 &&
	n=$(sed -n -e "s/^entries patch //p" alone.summary) &&
	test "$n" -gt 0 &&
	grep -c "^New: " text >actual &&
	echo $((n + 1)) >expect &&
	test_cmp expect actual &&
	cat >expect <<-EOF &&
	mode mixed
	messages 36
	commits 1
	skipped 0
	entries code 1
	entries patch $n
	EOF
	sed -n -e "/^contributors /q" -e p summary >actual &&
	test_cmp expect actual &&
	cat >expect <<-EOF &&
	mode mail
	messages 36
	commits 0
	skipped 0
	entries patch $n
	EOF
	sed -n -e "/^contributors /q" -e p alone.summary >actual &&
	test_cmp expect actual &&
	# the code entry is the last (the oldest commit), the patches as alone
	grep "^entry " alone.summary >expect &&
	echo "entry $c code frank@example.com" >>expect &&
	grep "^entry " summary >actual &&
	test_cmp expect actual
'

test_expect_success MIXED 'the mail part of a mixed range is digested as the archive alone' '
	cd mixed &&
	# $base is no ancestor of the archive: all its 36 messages, mail only
	git kvmdigest --stdout --top=1000 "$base..kvm-lore/master" >alone &&
	grep -x "Top 1000 contributors (Based on Email Body)" alone &&
	git kvmdigest --stdout --top=1000 "$base..ours" >text &&
	c=$(git rev-parse --short=12 ours^1) &&
	# the code commit is the oldest: its line and its entry come last
	sed -n -e "/^===== Patch list/,\$p" alone >expect &&
	sed -n -e "/^===== Patch list/,\$p" text >mixed &&
	grep -v -x "$c README: one more line (Frank Fix)" mixed |
		sed -e "/^New: README: one more line$/,\$d" >actual &&
	test_cmp expect actual &&
	sed -n -e "/^New: README: one more line$/,\$p" mixed >actual &&
	cat >expect <<-EOF &&
	New: README: one more line
	commit $c README: one more line
	Author: Frank Fix <frank@example.com>

	Signed-off-by: Frank Fix <frank@example.com>
	---
	 README | 1 +
	 1 file changed, 1 insertion(+)

	----------------------------------------------------------------------

	EOF
	test_cmp expect actual &&
	# the tables: the archive, and one row more for the code commit
	digest_table "Top 1000 contributors " alone >expect &&
	echo "1 frank@example.com" >>expect &&
	sort expect >expect.sorted &&
	digest_table "Top 1000 contributors " text >actual &&
	test_cmp expect.sorted actual
'

test_expect_success MIXED,PYTHON 'a mixed range with a real merge: the merge is no message' '
	cd mixed &&
	git kvmdigest --format=json "$base..main" >json &&
	json_summary json >summary &&
	cat >expect <<-EOF &&
	mode mixed
	messages 36
	commits 1
	skipped 0
	EOF
	head -n 4 summary >actual &&
	test_cmp expect actual &&
	# the same digest as with the merge that kept the code tree (the
	# areas heading names the range ends too, as the first two lines)
	git kvmdigest --stdout --sections=all "$base..ours" |
		sed -e 1,2d -e "/^===== Areas from /d" >expect &&
	git kvmdigest --stdout --sections=all "$base..main" |
		sed -e 1,2d -e "/^===== Areas from /d" >actual &&
	test_cmp expect actual
'

test_expect_success MIXED,PYTHON 'a code commit on top of the merged archive is a code commit' '
	cd mixed &&
	echo "after the merge" >>src/c.c &&
	commit_as "Frank Fix <frank@example.com>" "src: a line after the merge" &&
	git kvmdigest --format=json "HEAD^..HEAD" >json &&
	json_summary json >summary &&
	cat >expect <<-EOF &&
	mode code
	messages 0
	commits 1
	EOF
	head -n 3 summary >actual &&
	test_cmp expect actual
'


# The pack reader (lib/pack.c) stands in front of libgit2's; with
# kvmdigest.packReader=false libgit2 reads alone, to the same digests.
# git commit leaves the code history loose, so it is packed first; the
# mixed checkout's archive came in a pack.
test_expect_success 'the same digests on libgit2 alone (kvmdigest.packReader=false)' '
	git clone -q --bare --no-local code packed.git &&
	test_path_is_missing packed.git/objects/[0-9a-f][0-9a-f] &&
	(
		cd packed.git &&
		for range in "$root..main" "HEAD~5..HEAD~2" "HEAD~3..HEAD~2"
		do
			git kvmdigest --stdout --sections=all --top=1000 "$range" >on &&
			git -c kvmdigest.packReader=false kvmdigest --stdout --sections=all --top=1000 "$range" >off &&
			test_cmp on off &&
			git -C ../code kvmdigest --stdout --sections=all --top=1000 "$range" >loose &&
			test_cmp loose on &&
			git kvmdigest --format=json "$range" >on.json &&
			git -c kvmdigest.packReader=false kvmdigest --format=json "$range" >off.json &&
			test_cmp on.json off.json || return 1
		done
	)
'

test_expect_success MIXED 'a mixed range on libgit2 alone: the same digests' '
	cd mixed &&
	for range in "$base..ours" "$base..main" "$base..kvm-lore/master"
	do
		git kvmdigest --stdout --sections=all --top=1000 "$range" >on &&
		git -c kvmdigest.packReader=false kvmdigest --stdout --sections=all --top=1000 "$range" >off &&
		test_cmp on off || return 1
	done
'

test_done
