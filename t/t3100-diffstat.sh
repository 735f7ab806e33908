#!/bin/sh

test_description='the diffstat block is the one git format-patch prints

Builds histories with git and compares, commit by commit, what
t/helper/test-diffstat prints (kvmd_diffstat_commit, libgit2 only)
with the block that "git format-patch -1 --stdout" prints between the
"---" line and the blank line before the diff: graph scaling in 72
columns, shortened names, binary files, renames as git finds them
and the create/delete/rename/mode lines.
'
. "$(dirname "$0")"/test-lib.sh

test_require_helper test-diffstat

ln -s target "$TRASH_DIRECTORY/symlink-probe" 2>/dev/null &&
test_set_prereq SYMLINKS
rm -f "$TRASH_DIRECTORY/symlink-probe"

# The block of format-patch.  Every commit message here is one line,
# so the first "---" line is the separator; the block ends at the
# first blank line.
format_patch_stat () {
	git format-patch -1 --stdout "$1" >patch &&
	awk '/^---$/ && !s { s = 1; next } s && /^$/ { exit } s { print }' patch
}

# test_stat [COMMIT]: the helper prints format-patch's (non-empty) block.
test_stat () {
	format_patch_stat "${1:-HEAD}" >expect &&
	test -s expect &&
	"$helper" "${1:-HEAD}" >actual &&
	test_cmp expect actual
}

test_expect_success 'setup: a root commit with several files' '
	git init -q repo &&
	cd repo &&
	cat >.git/info/exclude <<-\EOF &&
	/actual*
	/expect*
	/patch
	/count
	/revs
	EOF
	test_lines 10 >README &&
	mkdir -p src/core doc &&
	test_lines 120 code >src/core/main.c &&
	test_lines 40 doc >doc/guide.txt &&
	printf "no newline at the end" >src/tail.txt &&
	test_lines 5 >doc/notes.txt &&
	commit root &&
	test_stat
'

test_expect_success 'small and big edits: the graph scales to 72 columns' '
	cd repo &&
	test_lines 300 new >>src/core/main.c &&
	sed -i -e "3s/.*/changed/" README &&
	sed -i -e "1,30d" doc/guide.txt &&
	printf " and now there is one\n" >>src/tail.txt &&
	commit edits &&
	test_stat
'

test_expect_success 'a change with few lines is not scaled' '
	cd repo &&
	sed -i -e "2s/.*/two/" -e "4d" README &&
	commit small &&
	test_stat
'

test_expect_success 'counts of five digits widen the count column' '
	cd repo &&
	test_lines 12000 big >big.txt &&
	echo one >>README &&
	commit big &&
	test_stat
'

test_expect_success 'a very long path is shortened with ...' '
	cd repo &&
	d=drivers/virtualization/kernel-based-virtual-machine/arch-specific &&
	mkdir -p "$d" &&
	test_lines 20 >"$d/a-very-long-file-name-for-the-memory-management-unit.c" &&
	test_lines 3 >short.c &&
	commit long-path &&
	test_stat
'

test_expect_success 'a long name without a slash after the cut' '
	cd repo &&
	test_lines 4 >this-is-a-file-name-that-is-far-too-long-to-fit-in-the-name-column-of-a-mail.txt &&
	test_lines 7 >x &&
	commit long-name &&
	test_stat
'

test_expect_success 'a deep path' '
	cd repo &&
	mkdir -p a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p &&
	test_lines 2 >a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q.c &&
	commit deep &&
	test_stat
'

test_expect_success 'a rename without edits' '
	cd repo &&
	git mv doc/notes.txt doc/notes.rst &&
	commit pure-rename &&
	test_stat
'

test_expect_success 'a rename with edits, into another directory' '
	cd repo &&
	mkdir -p lib/core &&
	git mv src/core/main.c lib/core/main.c &&
	sed -i -e "1,20s/code/CODE/" lib/core/main.c &&
	commit rename-edit &&
	test_stat
'

test_expect_success 'the {old => new} compaction, checked literally' '
	cd repo &&
	mkdir -p one/two &&
	test_lines 30 >one/two/file.c &&
	commit compaction-base &&
	mkdir -p one/three &&
	git mv one/two/file.c one/three/file.c &&
	git mv doc/guide.txt doc/manual.txt &&
	git mv x one/x &&
	commit compaction &&
	cat >expect.literal <<-\EOF &&
	 doc/{guide.txt => manual.txt} | 0
	 one/{two => three}/file.c     | 0
	 x => one/x                    | 0
	 3 files changed, 0 insertions(+), 0 deletions(-)
	 rename doc/{guide.txt => manual.txt} (100%)
	 rename one/{two => three}/file.c (100%)
	 rename x => one/x (100%)
	EOF
	"$helper" HEAD >actual &&
	test_cmp expect.literal actual &&
	test_stat
'

test_expect_success 'a file deleted' '
	cd repo &&
	git rm -q short.c &&
	commit delete &&
	test_stat
'

test_expect_success 'a mode change, alone and with an edit' '
	cd repo &&
	chmod +x README &&
	commit chmod &&
	test_stat &&
	chmod -x README &&
	echo more >>README &&
	commit chmod-edit &&
	test_stat
'

test_expect_success 'a rename with a mode change' '
	cd repo &&
	git mv README README.md &&
	chmod +x README.md &&
	commit rename-chmod &&
	test_stat
'

test_expect_success 'a binary file added, modified, renamed and chmod-ed' '
	cd repo &&
	{ test_lines 300 && printf "\000binary\n"; } >blob.bin &&
	commit binary-add &&
	test_stat &&
	{ test_lines 400 && printf "\000more\n"; } >blob.bin &&
	commit binary-modify &&
	test_stat &&
	git mv blob.bin data.bin &&
	commit binary-rename &&
	test_stat &&
	chmod +x data.bin &&
	commit binary-chmod &&
	test_stat
'

test_expect_success 'a binary file beside text widens the graph column' '
	cd repo &&
	{ test_lines 30000 && printf "\000\n"; } >huge.bin &&
	echo tweak >>big.txt &&
	commit binary-wide &&
	test_stat &&
	git rm -q huge.bin &&
	commit binary-delete &&
	test_stat
'

test_expect_success 'an empty file added, renamed and deleted' '
	cd repo &&
	: >empty &&
	commit empty-add &&
	test_stat &&
	git mv empty empty2 &&
	commit empty-rename &&
	test_stat &&
	git rm -q empty2 &&
	commit empty-delete &&
	test_stat
'

test_expect_success 'a commit touching 30 files' '
	cd repo &&
	mkdir -p many &&
	i=1 &&
	while test $i -le 30
	do
		test_lines $i >many/file$i.c &&
		i=$((i + 1))
	done &&
	commit thirty &&
	test_stat &&
	i=1 &&
	while test $i -le 30
	do
		test_lines $((i * 3)) other >many/file$i.c &&
		i=$((i + 1))
	done &&
	commit thirty-edits &&
	test_stat
'

test_expect_success 'paths with spaces and characters git quotes' '
	cd repo &&
	mkdir -p "dir with spaces" &&
	test_lines 3 >"dir with spaces/file name.txt" &&
	test_lines 2 >"tab	name" &&
	test_lines 2 >"quote\"name" &&
	test_lines 2 >"back\\slash" &&
	test_lines 2 >"$(printf "caf\303\251")" &&
	commit quoting &&
	test_stat &&
	git mv "tab	name" "dir with spaces/tab	name" &&
	commit quoted-rename &&
	test_stat
'

test_expect_success SYMLINKS 'a symlink, and a file that becomes one' '
	cd repo &&
	ln -s data.bin link &&
	commit symlink &&
	test_stat &&
	rm big.txt &&
	ln -s README.md big.txt &&
	commit typechange &&
	test_stat
'

test_expect_success 'a submodule added and moved' '
	cd repo &&
	one=$(git rev-parse HEAD~2) &&
	two=$(git rev-parse HEAD~3) &&
	git update-index --add --cacheinfo "160000,$one,sub" &&
	test_tick &&
	git commit -q -m submodule &&
	test_stat &&
	git update-index --cacheinfo "160000,$two,sub" &&
	test_tick &&
	git commit -q -m submodule-move &&
	test_stat &&
	git rm -q --cached sub &&
	test_tick &&
	git commit -q -m submodule-delete &&
	test_stat
'

test_expect_success 'the binary attribute makes a text file binary' '
	cd repo &&
	echo "*.dat binary" >.gitattributes &&
	test_lines 3 >table.dat &&
	commit attr &&
	test_stat &&
	test_lines 4 >table.dat &&
	commit attr-edit &&
	test_stat
'

test_expect_success 'diff.<driver>.binary decides for a diff driver' '
	cd repo &&
	echo "*.drv diff=foo" >>.gitattributes &&
	test_lines 2 >text.drv &&
	printf "bin\000ary\n" >nul.drv &&
	commit driver &&
	test_stat &&
	git config diff.foo.binary true &&
	test_lines 3 >text.drv &&
	commit driver-binary &&
	test_stat &&
	grep "text.drv | Bin" actual &&
	git config diff.foo.binary false &&
	printf "bin\000ary2\n" >nul.drv &&
	commit driver-text &&
	test_stat &&
	grep "nul.drv | 2 +-" actual &&
	git config --unset diff.foo.binary
'

test_expect_success 'git -c diff.<driver>.binary reaches the digest' '
	cd repo &&
	test_lines 5 >text.drv &&
	commit driver-c &&
	git -c diff.foo.binary=true kvmdigest --stdout HEAD^..HEAD >../digest &&
	grep "text.drv | Bin" ../digest &&
	git -c diff.foo.binary kvmdigest --stdout HEAD^..HEAD >../digest &&
	grep "text.drv | Bin" ../digest &&
	git kvmdigest --stdout HEAD^..HEAD >../digest &&
	grep "text.drv | 2 ++" ../digest
'

test_expect_success 'inexact renames: the best pairs win' '
	cd repo &&
	mkdir -p pairs &&
	test_lines 100 alpha >pairs/a &&
	test_lines 100 beta >pairs/b &&
	test_lines 100 gamma >pairs/c &&
	commit pairs-base &&
	git rm -q -r pairs &&
	mkdir -p moved &&
	test_lines 100 alpha | sed -e "1,30s/alpha/ALPHA/" >moved/x &&
	test_lines 100 beta | sed -e "1,10s/beta/BETA/" >moved/y &&
	test_lines 100 gamma | sed -e "1,60s/gamma/GAMMA/" >moved/z &&
	commit pairs-moved &&
	test_stat
'

test_expect_success 'a same-basename pair is taken before a better match' '
	cd repo &&
	mkdir -p ba &&
	test_lines 100 >ba/foo.c &&
	commit basename-base &&
	git rm -q ba/foo.c &&
	mkdir -p bb bc &&
	test_lines 100 | sed -e "1,20s/line/LINE/" >bb/foo.c &&
	test_lines 100 | sed -e "1,4s/line/LINE/" >bc/bar.c &&
	commit basename &&
	test_stat &&
	grep "rename {ba => bb}/foo.c (80%)" actual
'

test_expect_success 'identical sources: the same basename is preferred' '
	cd repo &&
	mkdir -p t1 t2 &&
	echo same >t1/s1 &&
	echo same >t2/s2 &&
	commit ties-base &&
	git rm -q -r t1 t2 &&
	mkdir -p t3 &&
	echo same >t3/s2 &&
	echo same >t3/aa &&
	echo same >t3/zz &&
	commit ties &&
	test_stat
'

test_expect_success 'CR before LF does not count against similarity' '
	cd repo &&
	printf "l1\r\nl2\r\nl3\r\nl4\r\nl5\r\nl6\r\nl7\r\nl8\r\nend" >crlf &&
	commit crlf-base &&
	git rm -q crlf &&
	printf "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nend" >lf &&
	commit crlf &&
	test_stat
'

test_expect_success 'an empty commit has no block' '
	cd repo &&
	test_tick &&
	git commit -q --allow-empty -m nothing &&
	"$helper" HEAD >actual &&
	test ! -s actual
'

test_expect_success 'more than 1000 x 1000 candidates: exact renames only' '
	cd repo &&
	mkdir lim &&
	i=1 &&
	while test $i -le 1001
	do
		printf "file %s\nshared a\nshared b\nshared c\n" $i >lim/f$i &&
		i=$((i + 1))
	done &&
	echo keep >lim/exact &&
	commit limit-base &&
	git rm -q -r lim &&
	mkdir lim2 &&
	i=1 &&
	while test $i -le 1000
	do
		printf "file %s\nshared a\nshared b\nshared c\nnew\n" $i >lim2/g$i &&
		i=$((i + 1))
	done &&
	echo keep >lim2/exact2 &&
	commit limit &&
	test_stat &&
	grep -c "^ rename" actual >count &&
	echo 1 >expect.count &&
	test_cmp expect.count count
'

test_expect_success 'the boundary of a shallow clone is a root commit' '
	git clone -q --depth 1 "file://$PWD/repo" shallow &&
	cd shallow &&
	test_stat
'

test_expect_success 'every commit of the history matches, one by one and with --stdin' '
	cd repo &&
	git rev-list HEAD >revs &&
	bad= &&
	: >expect.all &&
	for c in $(cat revs)
	do
		format_patch_stat $c >expect &&
		"$helper" $c >actual &&
		test_cmp expect actual || bad="$bad $c"
		{ echo "commit $c" && cat expect; } >>expect.all
	done &&
	test -z "$bad" &&
	"$helper" --stdin <revs >actual.all &&
	test_cmp expect.all actual.all
'

test_done
