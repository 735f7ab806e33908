#!/bin/sh

test_description='hostile archives: never crash, hang or print raw controls

Archives are written by strangers.  Builds an archive with plain git
plumbing (public-inbox would reject or rewrite most of these messages):
every commit a tree holding `m`, one message of t6000/ or generated
here.  Each message must be digested or skipped with exactly one
"warning: skipping commit <12hex>: <reason>" line; the run exits 0 in
bounded time, and what it writes is valid UTF-8 with no control
character but newline and tab.  The well-formed messages among them must
come out exactly as they would alone.
'
. "$(dirname "$0")"/test-lib.sh

FIXTURES=$TEST_DIRECTORY/t6000
ARCHIVE=$TRASH_DIRECTORY/archive.git
MAP=$TRASH_DIRECTORY/commits.map
SEP=----------------------------------------------------------------------
SQ="'"

command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3
# valgrind cannot run a binary built with SANITIZE=1 (AddressSanitizer)
if command -v valgrind >/dev/null 2>&1 &&
   ! nm "$KVMD_BUILD_DIR/git-kvmdigest" 2>/dev/null | grep -q __asan_init
then
	test_set_prereq VALGRIND
fi

# Plumbing on the archive, wherever the test is.
ag () {
	git --git-dir="$ARCHIVE" "$@"
}

# append_tree TREE NAME [REF]: a commit of TREE on top of REF (default
# master), recorded in commits.map under NAME.
append_tree () {
	at_ref_=refs/heads/${3:-master}
	at_parent_=$(ag rev-parse -q --verify "$at_ref_")
	test_tick
	at_commit_=$(printf '%s\n' "$2" |
		ag commit-tree "$1" ${at_parent_:+-p "$at_parent_"}) &&
	ag update-ref "$at_ref_" "$at_commit_" &&
	echo "$at_commit_ $2" >>"$MAP"
}

# append_mail FILE [NAME [REF]]: a commit whose tree is `m` = FILE.
append_mail () {
	am_name_=${2:-$(basename "$1" .eml)}
	am_blob_=$(ag hash-object -w "$1") &&
	am_tree_=$(printf '100644 blob %s\tm\n' "$am_blob_" | ag mktree) &&
	append_tree "$am_tree_" "$am_name_" "$3"
}

# commit_of NAME: the (last) commit recorded under NAME.
commit_of () {
	awk -v n="$1" '$2 == n { c = $1 } END { if (c == "") exit 1; print c }' "$MAP"
}

# digest RANGE OUT [SECONDS]: runs the digest with a time limit (60 s by
# default); OUT.out, OUT.err and OUT.rc hold what it printed and its exit
# status (124 for the timeout).
digest () {
	(
		cd "$ARCHIVE" &&
		timeout "${3:-60}" git kvmdigest --stdout --top 1000 "$1" >"$TRASH_DIRECTORY/$2.out" \
			2>"$TRASH_DIRECTORY/$2.err"
		echo $? >"$TRASH_DIRECTORY/$2.rc"
	)
}

# check_rc OUT: the run exited 0 (not 124 for the timeout, not a signal).
check_rc () {
	echo 0 >expect.rc &&
	test_cmp expect.rc "$1.rc"
}

# check_text FILE: valid UTF-8, and no control character but \t and \n:
# no C0, no DEL, no C1 (U+0080..U+009F, U+009B is CSI, as good as ESC [).
check_text () {
	if ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null
	then
		echo >&2 "$1 is not valid UTF-8"
		return 1
	fi
	ct_bad_=$(LC_ALL=C tr -d '\011\012\040-\176\200-\377' <"$1" | wc -c) &&
	if test "$ct_bad_" != 0
	then
		echo >&2 "$1 holds $ct_bad_ control characters:"
		LC_ALL=C grep -n -a "$(printf '[\001-\010\013-\037\177\033\r]')" "$1" | od -c | sed 20q >&2
		return 1
	fi
	if LC_ALL=C grep -n -a "$(printf '\302[\200-\237]')" "$1" >&2
	then
		echo >&2 "$1 holds C1 control characters (above)"
		return 1
	fi
}

# check_warnings OUT: stderr holds only "warning: skipping commit" lines,
# at most one per commit, and the digest counts as many skipped messages.
check_warnings () {
	if grep -v -E '^warning: skipping commit [0-9a-f]{12}: .+$' "$1.err"
	then
		echo >&2 "unexpected lines on stderr (above)"
		return 1
	fi
	sed -n 's/^warning: skipping commit \([0-9a-f]*\): .*/\1/p' "$1.err" |
		sort | uniq -d >"$1.dups" &&
	if test -s "$1.dups"
	then
		echo >&2 "more than one warning for a commit:"
		cat >&2 "$1.dups"
		return 1
	fi
	cw_n_=$(wc -l <"$1.err") &&
	case "$cw_n_" in
	0) ! grep "^Skipped " "$1.out" ;;
	1) grep -x "Skipped 1 message that could not be digested." "$1.out" ;;
	*) grep -x "Skipped $cw_n_ messages that could not be digested." "$1.out" ;;
	esac
}

# check_lines OUT: no field broke a line of the digest: every "New: "
# line is followed by the subject line and then "Author: ", and every
# patch-list line ends with its message count (or is a code commit's).
check_lines () {
	awk -v out="$1.out" '
		/^===== Patch list/ { list = 1; next }
		/^===== Patch Commit Messages/ { list = 0; next }
		list && NF && !/ messages?\)$/ && !/^[0-9a-f]+ / {
			print out ":" NR ": broken patch-list line: " $0; bad = 1
		}
		/^New: / { newline = NR }
		newline && NR == newline + 2 && !/^Author: / {
			print out ":" NR ": no Author: two lines after New: " $0; bad = 1
		}
		END { exit bad }
	' "$1.out" >&2
}

# check_run OUT: all of the above.
check_run () {
	check_rc "$1" &&
	check_text "$1.out" &&
	check_text "$1.err" &&
	check_warnings "$1" &&
	check_lines "$1"
}

# digest_one NAME: digests NAME's commit alone; it is digested (its
# contributor counted once) or skipped with one warning naming it.
digest_one () {
	do_c_=$(commit_of "$1") &&
	digest "$do_c_^..$do_c_" "$1" &&
	check_run "$1" &&
	do_h_=$(printf %.12s "$do_c_") &&
	if test -s "$1.err"
	then
		grep "^warning: skipping commit $do_h_: " "$1.err"
	else
		grep "^      1  .*<.*>$" "$1.out"
	fi
}

# entry_of SUBJECT FILE: the entry whose second line is SUBJECT.
entry_of () {
	awk -v s="$1" -v sep="$SEP" '
		/^New: / && !in_entry { buf = $0 "\n"; n = 1; in_entry = 1; next }
		in_entry {
			buf = buf $0 "\n"; n++
			if (n == 2 && $0 != s) in_entry = 0
			else if ($0 == sep) { printf "%s", buf; in_entry = 0 }
		}
	' "$2"
}

# --- generated messages, too big (or too regular) to commit ---

gen_header () {
	printf 'From: %s\nTo: kvm@vger.kernel.org\nSubject: %s\nDate: Mon, 7 Apr 2025 10:00:00 +0000\nMessage-ID: <%s>\n' \
		"$1" "$2" "$3"
}

gen_big () {
	gen_header "Big Message <big@example.com>" "[PATCH] big: a 5 MB message" big@example.com
	printf 'Content-Type: text/plain; charset=utf-8\n\nThe log message of a big patch.\n\n'
	printf 'diff --git a/big b/big\n'
	awk 'BEGIN { for (i = 0; i < 80000; i++) printf "+%063d\n", i }'
}

gen_long_line () {
	gen_header "Long Line <longline@example.com>" "[PATCH] long: a 200 KB single line" longline@example.com
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	awk 'BEGIN { for (i = 0; i < 20480; i++) printf "0123456789"; printf "\n" }'
}

gen_long_subject () {
	gen_header "Long Subject <longsubject@example.com>" \
		"[PATCH] $(awk 'BEGIN { for (i = 0; i < 20480; i++) printf "s%08d ", i }')" \
		longsubject@example.com
	printf '\nA 200 KB subject.\n'
}

gen_deep () {
	gen_header "Deep Nest <deep@example.com>" "[PATCH] deep: 10000 nested multiparts" deep@example.com
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n'
	awk 'BEGIN {
		for (i = 0; i < 10000; i++)
			printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i, i + 1
		printf "--b10000\nContent-Type: text/plain\n\ndeep text\n--b10000--\n"
		for (i = 9999; i >= 0; i--)
			printf "--b%d--\n", i
	}'
}

gen_deep_rfc822 () {
	gen_header "Deep Rfc <deeprfc@example.com>" "[PATCH] deep: 10000 nested message/rfc822" deeprfc@example.com
	printf 'MIME-Version: 1.0\nContent-Type: message/rfc822\n\n'
	awk 'BEGIN {
		for (i = 0; i < 10000; i++)
			printf "From: n%d <n@example.com>\nContent-Type: message/rfc822\n\n", i
		printf "From: z <z@example.com>\n\ninner\n"
	}'
}

gen_many_parts () {
	gen_header "Many Parts <many@example.com>" "[PATCH] many: 20000 parts, the text last" many@example.com
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
	awk 'BEGIN {
		for (i = 0; i < 20000; i++)
			printf "--b\nContent-Type: application/octet-stream\n\npart %d\n", i
		printf "--b\nContent-Type: text/plain\n\nthe text is last\n--b--\n"
	}'
}

gen_many_refs () {
	gen_header "Many Refs <refs@example.com>" "[PATCH 2/3] refs: 10000 References" refs@example.com
	printf 'In-Reply-To: <ref-9999@example.com>\nReferences:'
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf " <ref-%d@example.com>\n", i }'
	printf '\nA patch deep in a thread.\n'
}

gen_many_headers () {
	gen_header "Many Headers <headers@example.com>" "[PATCH] headers: 100000 of them" headers@example.com
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "X-H%d: v\n", i }'
	printf '\nbody\n'
}

# A References header folded over 1.6 million lines (4.8 MB): unfolding
# must stay linear.
gen_folded_header () {
	gen_header "Folded Header <folded@example.com>" "[PATCH 2/2] folded: a header of 1.6M lines" folded@example.com
	printf 'References: <folded-0@example.com>\n'
	awk 'BEGIN { for (i = 0; i < 1600000; i++) printf " x\n" }'
	printf '\nA header folded over and over.\n'
}

# 1 MB of bytes that are not a message at all (a fixed seed: the same every run)
gen_garbage () {
	awk 'BEGIN { srand(6000); for (i = 0; i < 1048576; i++) printf "%c", int(rand() * 255) + 1 }'
}

GENERATED='big long-line long-subject deep deep-rfc822 many-parts many-refs many-headers garbage folded-header'
# Every committed fixture but the well-formed ones.
HOSTILE=$(cd "$FIXTURES" && ls *.eml | sed -e '/^good-/d' -e 's/\.eml$//')

test_expect_success 'setup: generate the big and deep messages' '
	mkdir gen &&
	for g in $GENERATED
	do
		gen_$(echo $g | tr - _) >gen/$g.eml || return 1
	done &&
	test $(wc -c <gen/big.eml) -gt 5000000 &&
	test $(wc -c <gen/long-line.eml) -gt 200000
'

test_expect_success 'setup: an archive of every hostile message among good ones' '
	git init -q --bare archive.git &&
	: >"$MAP" &&
	append_tree "$(ag mktree </dev/null)" root &&
	append_mail "$FIXTURES/good-cover.eml" &&
	for f in $HOSTILE
	do
		append_mail "$FIXTURES/$f.eml" || return 1
		case "$f" in
		dup-msgid-1) append_mail "$FIXTURES/good-patch1.eml" ;;
		no-body) append_mail "$FIXTURES/good-reply.eml" ;;
		tag-00-00) append_mail "$FIXTURES/good-patch2.eml" ;;
		esac || return 1
	done &&
	for g in $GENERATED
	do
		append_mail gen/$g.eml || return 1
	done &&

	# a public-inbox removal: the tree holds `d`
	blob=$(ag hash-object -w "$FIXTURES/good-cover.eml") &&
	append_tree "$(printf "100644 blob %s\td\n" $blob | ag mktree)" deletion &&
	# `m` beside other files: still the message
	other=$(echo other | ag hash-object -w --stdin) &&
	mplus=$(sed "s/tag: version zero/extra: m beside other files/" \
		"$FIXTURES/tag-v0.eml" | ag hash-object -w --stdin) &&
	printf "100644 blob %s\tm\n100644 blob %s\tREADME\n100644 blob %s\td\n040000 tree %s\tsub\n" \
		$mplus $other $other $(printf "100644 blob %s\tx\n" $other | ag mktree) |
		ag mktree >tree &&
	append_tree $(cat tree) m-plus-files &&
	# `m` that is not a file: a directory, a symbolic link, a submodule
	append_tree "$(printf "040000 tree %s\tm\n" \
		$(printf "100644 blob %s\tx\n" $other | ag mktree) | ag mktree)" m-is-a-tree &&
	append_tree "$(printf "120000 blob %s\tm\n" $other | ag mktree)" m-is-a-symlink &&
	append_tree "$(printf "160000 commit %s\tm\n" $(commit_of root) | ag mktree)" m-is-a-gitlink &&
	# the message blob is not in the object database
	append_tree "$(printf "100644 blob %s\tm\n" 0123456789abcdef0123456789abcdef01234567 |
		ag mktree --missing)" missing-blob &&

	append_mail "$FIXTURES/good-lone.eml" &&
	ag rev-list master >all &&
	test_line_count = $(wc -l <"$MAP") all
'

for name in $HOSTILE $GENERATED m-plus-files m-is-a-tree m-is-a-symlink m-is-a-gitlink missing-blob
do
	test_expect_success "alone: $name is digested or skipped with one warning" "
		digest_one $name
	"
done

test_expect_success 'alone: a removal is neither digested nor warned about' '
	c=$(commit_of deletion) &&
	digest "$c^..$c" deletion &&
	check_rc deletion &&
	test_must_fail grep . deletion.out &&
	c_parent=$(ag rev-parse $c^) &&
	echo "nothing to digest in $(printf %.12s $c_parent)..$(printf %.12s $c)" >expect &&
	test_cmp expect deletion.err
'

test_expect_success 'no From: skipped, and says why' '
	grep -E "^warning: skipping commit [0-9a-f]{12}: no From address$" no-from.err
'

test_expect_success 'the missing blob: skipped, and says why' '
	grep -E "^warning: skipping commit [0-9a-f]{12}: cannot read its message: " missing-blob.err
'

test_expect_success 'm beside other files is the message' '
	grep -x "New:  extra: m beside other files" m-plus-files.out
'

test_expect_success 'controls are shown escaped: subject, From name, body' '
	grep -F "[PATCH] ctrl: esc \\x1b[2J clear" ctrl.out &&
	grep -F "Author: Evil\\x1b[31m Na\\x08\\x08me\\x07 <ctrl@example.com>" ctrl.out &&
	grep -F "red \\x1b[31mRED\\x1b[0m, carriage\\x0doverwrite, back\\x08\\x08\\x08space" ctrl.out &&
	grep -F "Author: Enc\\x1b[5mBlink" ctrl-encoded.out
'

test_expect_success 'C1 controls are shown escaped' '
	grep -F "C1 csi \\" ctrl.out
'

test_expect_success 'an encoded line break in a Subject does not break the line' '
	check_lines ctrl-encoded &&
	grep "^\\[PATCH\\] ctrl2: \\\\x1b\\[2J\\\\x1bc reset.*(.*, 1 message)$" ctrl-encoded.out
'

test_expect_success 'legacy charsets are converted to UTF-8' '
	grep -x "\\[PATCH\\] legacy: 日本語のパッチ" iso-2022-jp.out &&
	grep -x "Author: 山田 <yamada@example.jp>" iso-2022-jp.out &&
	grep -x "本文は日本語です。" iso-2022-jp.out &&
	grep -x "Author: Jörg Müller <joerg@example.de>" latin1.out &&
	grep -x "\\[PATCH\\] legacy: “quoted” €" latin1.out &&
	grep -x "Grüße aus Köln." latin1.out
'

test_expect_success 'odd tags: [PATCH] alone, 00/00, v0, lower case are new patches' '
	grep -x "New: " tag-empty.out &&
	grep -x "New:  tag: zero of zero" tag-00-00.out &&
	grep -x "New:  tag: version zero" tag-v0.out &&
	grep -x "New:  tag: lower case" tag-lower.out
'

test_expect_success 'odd tags: 3/2 and 999999/999999 are not new patches' '
	test_must_fail grep "^New: " tag-3-of-2.out &&
	test_must_fail grep "^New: " tag-huge.out
'

test_expect_success 'Content-Type with white space before its colon is still MIME' '
	grep -x "The decoded text part." content-type-space.out &&
	test_must_fail grep -e "^--s" -e "^VGhl" content-type-space.out
'

test_expect_success 'big and long messages are digested' '
	grep -x "New:  big: a 5 MB message" big.out &&
	grep -x "The log message of a big patch." big.out &&
	grep -x "New:  long: a 200 KB single line" long-line.out &&
	grep "^0123456789012345678901234567890123456789" long-line.out &&
	grep -x "the text is last" many-parts.out
'

# Its linear parse takes well under a second; 20 s allows for a slow,
# sanitized build.
test_expect_success 'a header folded over 1.6 million lines: digested in bounded time' '
	c=$(commit_of folded-header) &&
	digest "$c^..$c" folded-header-20s 20 &&
	check_run folded-header-20s
'

test_expect_success 'the whole hostile range in one run' '
	c=$(commit_of root) &&
	digest "$c..master" all &&
	check_run all
'

test_expect_success 'every warning names a hostile commit, none a good one' '
	sed -n "s/^warning: skipping commit \\([0-9a-f]*\\): .*/\\1/p" all.err >warned &&
	test -s warned &&
	for g in good-cover good-patch1 good-patch2 good-reply good-lone
	do
		test_must_fail grep -x "$(commit_of $g | cut -c1-12)" warned || return 1
	done &&
	for h in $(cat warned)
	do
		grep "^$h" "$MAP" || return 1
	done
'

test_expect_success 'the well-formed messages come out whole' '
	cat >expect.cover <<-EOF &&
	New:  hostile: a well-formed cover letter
	[PATCH v2 0/2] hostile: a well-formed cover letter
	Author: Good Person <good@example.com>

	This series is well formed and must survive its hostile neighbours.

	Good Person (2):
	  hostile: first
	  hostile: second

	 a.c | 1 +
	 1 file changed, 1 insertion(+)

	$SEP
	EOF
	entry_of "[PATCH v2 0/2] hostile: a well-formed cover letter" all.out >actual &&
	test_cmp expect.cover actual &&

	cat >expect.patch1 <<-EOF &&
	New:  hostile: first patch of the good series
	[PATCH v2 1/2] hostile: first patch of the good series
	Author: Good Person <good@example.com>

	The first patch${SQ}s log message.

	Signed-off-by: Good Person <good@example.com>
	---
	 a.c | 1 +
	 1 file changed, 1 insertion(+)

	$SEP
	EOF
	entry_of "[PATCH v2 1/2] hostile: first patch of the good series" all.out >actual &&
	test_cmp expect.patch1 actual &&

	cat >expect.lone <<-EOF &&
	New:  good: a lone patch with a café
	[PATCH] good: a lone patch with a café
	Author: René Sender <rene@example.net>


	The café is open; naïve lines are joined.

	Signed-off-by: Real Author <real@example.net>
	---
	$SEP
	EOF
	entry_of "[PATCH] good: a lone patch with a café" all.out >actual &&
	test_cmp expect.lone actual &&

	# a 2/2 and a reply are no entries of their own
	test_must_fail grep "^New:  hostile: second patch" all.out &&
	test_must_fail grep "^New: .*Re:" all.out
'

test_expect_success 'the well-formed messages are counted and listed right' '
	grep -x "      3  Good Person <good@example.com>" all.out &&
	grep -x "      1  Rev Iewer <reviewer@example.org>" all.out &&
	grep -x "      1  Real Author <real@example.net>" all.out &&
	grep -x "\\[PATCH v2 0/2\\] hostile: a well-formed cover letter (Good Person, 3 messages)" all.out &&
	grep -x "\\[PATCH\\] good: a lone patch with a café (Real Author, 1 message)" all.out
'

test_expect_success 'two covers with one Message-ID: both are entries' '
	grep -x "New:  dup: the first cover with this id" all.out &&
	grep -x "New:  dup: the second cover with the same id" all.out
'

test_expect_success 'the hostile range as a note' '
	c=$(commit_of root) &&
	(
		cd "$ARCHIVE" &&
		timeout 60 git kvmdigest -q --top 1000 "$c..master" 2>../note.err
	) &&
	ag notes --ref=kvmdigest show master >note &&
	check_text note &&
	check_text note.err &&
	test_cmp all.out note
'

test_expect_success PYTHON3 'the hostile range as JSON: valid, and strict UTF-8' '
	c=$(commit_of root) &&
	(
		cd "$ARCHIVE" &&
		timeout 60 git kvmdigest --format=json "$c..master" >../all.json 2>../json.err
	) &&
	check_text json.err &&
	python3 -c "import json, sys; json.loads(open(sys.argv[1], \"rb\").read().decode(\"utf-8\"))" all.json
'

# Valgrind is slow: a handful of the nastiest small messages.
test_expect_success VALGRIND 'setup: a small hostile range for valgrind' '
	ag update-ref refs/heads/small $(commit_of root) &&
	for f in truncated-header binary-header nul-body bad-utf8-body klingon \
		iso-2022-jp bad-rfc2047 bad-encoding ctrl ctrl-encoded no-from good-lone
	do
		append_mail "$FIXTURES/$f.eml" vg-$f small || return 1
	done &&
	append_tree "$(printf "100644 blob %s\tm\n" 0123456789abcdef0123456789abcdef01234567 |
		ag mktree --missing)" vg-missing small
'

test_expect_success VALGRIND 'valgrind: no memory errors on the small hostile range' '
	(
		cd "$ARCHIVE" || exit 1
		G_SLICE=always-malloc timeout 600 valgrind -q --error-exitcode=99 --leak-check=no \
			--suppressions="$FIXTURES/valgrind.supp" \
			"$KVMD_BUILD_DIR/git-kvmdigest" --stdout "$(commit_of root)..small" >"$TRASH_DIRECTORY/vg.out" 2>"$TRASH_DIRECTORY/vg.err"
		echo $? >"$TRASH_DIRECTORY/vg.rc"
	) &&
	cat vg.err &&
	check_rc vg &&
	check_text vg.out &&
	grep -c "^warning: skipping commit" vg.err >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_done
