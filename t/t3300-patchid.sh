#!/bin/sh

test_description='patch-ids are the ones git patch-id --stable prints

Builds a history with git (edits, new and deleted files, renames, mode
changes, binary files, CRLF and incomplete lines), then compares what
t/helper/test-patchid prints (lib/patchid.c) with git patch-id --stable:
for the mails of git format-patch, as they are and in CRLF, and for the
commits as "git log -p" shows them.  Mails without a diff have no id;
a diff that libgit2 cannot parse is an error, not a crash.
'
. "$(dirname "$0")"/test-lib.sh

test_require_helper test-patchid

# mail_ids FILE...: "<id> <file>" as git patch-id --stable gives them.
git_mail_ids () {
	for m
	do
		git patch-id --stable <"$m" | sed "s|[^ ]*\$|$m|" || return 1
	done
}

test_expect_success 'setup: a history of every kind of change' '
	git init -q repo &&
	cd repo &&
	test_lines 50 a >a.txt &&
	seq 100 160 >ren.txt &&
	test_lines 40 moved >moved.txt &&
	printf "#!/bin/sh\necho x\n" >tool.sh &&
	test_lines 20 del >del.txt &&
	echo one >one.txt &&
	binary_file blob.bin 3 &&
	commit "root with a binary file" &&

	sed -i -e "5s/.*/five/" -e "40s/.*/forty/" a.txt &&
	commit "two hunks" &&
	echo ONE >one.txt &&
	commit "a one-line file" &&
	git mv moved.txt gone.txt &&
	commit "a pure rename" &&
	chmod +x tool.sh &&
	commit "a mode change" &&
	chmod -x tool.sh &&
	echo "echo y" >>tool.sh &&
	commit "a mode change with an edit" &&
	binary_file blob.bin 5 &&
	binary_file new.bin 7 &&
	sed -i -e "1s/.*/first/" a.txt &&
	commit "binary files, then text" &&
	git rm -q del.txt &&
	printf "no newline at the end" >tail.txt &&
	commit "a deletion and an incomplete line" &&
	printf "crlf\r\nlines\r\n" >crlf.txt &&
	printf "with space\n" >"name with space.txt" &&
	commit "CRLF content and a space in a name" &&
	printf "more\r\n" >>crlf.txt &&
	printf " and now a newline\n" >>tail.txt &&
	commit "edits of CRLF and incomplete lines" &&
	git mv ren.txt renamed.txt &&
	sed -i -e "3s/.*/three/" renamed.txt &&
	commit "a rename with an edit" &&
	printf "1\n2\na\n\nb\n3\n4\n" >slider.txt &&
	commit "a block" &&
	printf "1\n2\na\n\nb\na\n\nb\n3\n4\n" >slider.txt &&
	commit "the block twice: the indent heuristic decides the hunk" &&
	rm one.txt &&
	ln -s a.txt one.txt &&
	printf "caf\303\251\n" >"caf\303\251.txt" &&
	printf "tab\n" >"with	tab.txt" &&
	commit "a type change, names git quotes" &&
	git format-patch -q --root -o ../mails HEAD &&
	ls ../mails/*.patch >../list &&
	test_line_count = 14 ../list
'

test_expect_success 'every mail has the id git patch-id --stable gives it' '
	cd repo &&
	git_mail_ids ../mails/*.patch >expect &&
	test_line_count = 14 expect &&
	"$helper" --mail ../mails/*.patch >actual &&
	test_cmp expect actual
'

# git hashes the CR of an "index <a>..<b>" line without a mode (a new
# binary file's): those two mails have other ids in CRLF, in git too.
test_expect_success 'a mail in CRLF has the id git gives it, the LF one for text' '
	cd repo &&
	mkdir ../crlf &&
	for m in ../mails/*.patch
	do
		sed "s/\$/\r/" "$m" >"../crlf/${m##*/}" || return 1
	done &&
	git_mail_ids ../crlf/*.patch >expect &&
	"$helper" --mail ../crlf/*.patch >actual &&
	test_cmp expect actual &&
	sed "s| .*/| |" actual | grep -v binary >crlf-ids &&
	"$helper" --mail ../mails/*.patch | sed "s| .*/| |" | grep -v binary >lf-ids &&
	test_line_count = 12 lf-ids &&
	test_cmp lf-ids crlf-ids
'

test_expect_success 'the signature, the diffstat and the --- line do not count' '
	cd repo &&
	m=../mails/0002-two-hunks.patch &&
	grep "^-- \$" $m &&
	grep "^ a.txt | 4 ++--" $m &&
	sed -e "/^-- \$/,\$d" -e "/^ a.txt |/d" $m >../bare.patch &&
	"$helper" --mail $m | cut -d" " -f1 >expect &&
	"$helper" --mail ../bare.patch | cut -d" " -f1 >actual &&
	test_cmp expect actual
'

test_expect_success 'a mail without a diff has no id' '
	cd repo &&
	git format-patch -q --cover-letter -o ../cover HEAD~2..HEAD &&
	git patch-id --stable <../cover/0000-cover-letter.patch >git-out &&
	test_must_be_empty git-out &&
	echo "none ../cover/0000-cover-letter.patch" >expect &&
	"$helper" --mail ../cover/0000-cover-letter.patch >actual &&
	test_cmp expect actual
'

test_expect_success 'a diff libgit2 cannot parse is an error, not a crash' '
	cd repo &&
	sed -e "s/^@@ -2,7 +2,7 @@/@@ -2,9 +2,9 @@/" \
		../mails/0002-two-hunks.patch >../broken.patch &&
	! cmp ../mails/0002-two-hunks.patch ../broken.patch &&
	"$helper" --mail ../broken.patch >actual &&
	grep "^error ../broken.patch: cannot parse the diff: " actual
'

# damage FILE DIR: writes into DIR every copy of FILE with one line
# damaged: dropped, doubled, its first byte changed, a hunk count made
# one more, the mail cut after it (with and without its newline).
damage () {
	awk -v dir="$2" -v base="${1##*/}" '
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			f = dir "/" base "." i
			for (j = 1; j <= NR; j++) if (j != i) print line[j] >(f "-drop")
			for (j = 1; j <= NR; j++) { print line[j] >(f "-twice"); if (j == i) print line[j] >(f "-twice") }
			for (j = 1; j <= NR; j++) print (j == i ? "x" substr(line[j], 2) : line[j]) >(f "-byte")
			for (j = 1; j <= i; j++) print line[j] >(f "-cut")
			for (j = 1; j < i; j++) print line[j] >(f "-cutnl")
			printf "%s", line[i] >(f "-cutnl")
			if (line[i] ~ /^@@ -[0-9]+,[0-9]+ /) {
				split(line[i], w, ",")
				n = w[2] + 1
				sub(/,[0-9]+ /, "," n " ", line[i])
				for (j = 1; j <= NR; j++) print line[j] >(f "-count")
				close(f "-count")
			}
			close(f "-drop"); close(f "-twice"); close(f "-byte")
			close(f "-cut"); close(f "-cutnl")
		}
	}' "$1"
}

# lib/patchid.c vouches for a plain diff itself and has libgit2 parse
# every other one; KVMD_PATCHID_LIBGIT2 has libgit2 parse them all.
test_expect_success 'a plain diff is not parsed twice; the rest by libgit2' '
	cd repo &&
	"$helper" --parser ../mails/*.patch ../crlf/*.patch >actual &&
	grep "^libgit2 " actual | sed "s|.*/||" | sort -u >parsed &&
	# binary files, a rename, mode changes, names git quotes, a blank line
	# of CRLF context, the new symlink: the rest are plain
	test_line_count -le 8 parsed &&
	grep "^own ../mails/0002-two-hunks.patch\$" actual &&
	grep "^own ../mails/0003-a-one-line-file.patch\$" actual &&
	grep "^libgit2 ../mails/.*binary" actual &&
	grep "^libgit2 ../mails/.*rename" actual &&
	KVMD_PATCHID_LIBGIT2=1 "$helper" --parser ../mails/*.patch >actual &&
	! grep "^own " actual
'

test_expect_success 'damaged every way, a mail has the id or error libgit2 gives' '
	cd repo &&
	mkdir ../damaged &&
	for m in ../mails/*.patch ../crlf/*.patch
	do
		d=${m%/*} &&
		mkdir -p "../damaged/${d##*/}" &&
		damage "$m" "../damaged/${d##*/}" || return 1
	done &&
	find ../damaged -type f | sort >files &&
	test $(wc -l <files) -gt 4000 &&
	xargs "$helper" --mail <files >fast &&
	KVMD_PATCHID_LIBGIT2=1 xargs "$helper" --mail <files >slow &&
	test_cmp slow fast &&
	# the damage reached both ways of deciding
	xargs "$helper" --parser <files >parser &&
	test $(grep -c "^own " parser) -gt 1000 &&
	test $(grep -c "^error " fast) -gt 100
'

test_expect_success 'every commit has the id of git log -p | git patch-id --stable' '
	cd repo &&
	git log -p --format="commit %H" | git patch-id --stable >expect &&
	test_line_count = 14 expect &&
	git rev-list HEAD | "$helper" --commits >actual &&
	test_cmp expect actual &&
	git rev-list HEAD | "$helper" --commits=fresh >actual &&
	test_cmp expect actual
'

test_expect_success 'the similarity of a rename is git'"'"'s, and hashed' '
	cd repo &&
	git show --format= HEAD~3 >diff &&
	# libgit2 measures 98%; git 97%
	grep "^similarity index 97%\$" diff &&	# libgit2 measures 98%
	git log -1 -p --format="commit %H" HEAD~3 | git patch-id --stable >expect &&
	git rev-parse HEAD~3 | "$helper" --commits >actual &&
	test_cmp expect actual
'

test_expect_success 'the indent heuristic of git log -p makes the hunk' '
	cd repo &&
	git show --format= HEAD~1 >with &&
	git show --format= --no-indent-heuristic HEAD~1 >without &&
	! cmp with without &&
	git rev-parse HEAD~1 | "$helper" --commits >actual &&
	git show --format="commit %H" HEAD~1 | git patch-id --stable >expect &&
	test_cmp expect actual
'

test_expect_success 'a binary file is named as git abbreviates it' '
	cd repo &&
	# 2^14 objects in a pack: "git log -p" abbreviates to 8 digits
	awk "BEGIN { for (i = 0; i < 17000; i++) printf \"blob\\ndata <<E\\n%d\\nE\\n\", i }" |
	git fast-import --quiet &&
	git log -p --format="commit %H" >log &&
	grep -A1 "^index [0-9a-f]\{8\}\.\.[0-9a-f]\{8\}" log | grep "^Binary files" &&
	git patch-id --stable <log >expect &&
	git rev-list HEAD | "$helper" --commits >actual &&
	test_cmp expect actual
'

test_expect_success 'a commit that changes nothing has no id' '
	cd repo &&
	git commit -q --allow-empty -m empty &&
	git rev-parse HEAD | "$helper" --commits >actual &&
	test_must_be_empty actual
'

test_done
