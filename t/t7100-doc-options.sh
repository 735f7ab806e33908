#!/bin/sh

test_description='the manual page documents every option and config key

The options come from `git kvmdigest -h` (generated from the same table
the parser reads) and the configuration keys from the sources; the
manual page must document exactly those, in its OPTIONS, SYNOPSIS and
CONFIGURATION sections, so that an option or key added without its
documentation, or documented but gone, fails here.
'
. "$(dirname "$0")"/test-lib.sh

SRC=$TEST_DIRECTORY/..
DOC=$SRC/Documentation/git-kvmdigest.adoc

if command -v asciidoctor >/dev/null 2>&1
then
	test_set_prereq ASCIIDOCTOR
fi

# The definition-list terms (lines ending in "::") of the section titled
# $1 of the manual page, outside listing blocks.
doc_terms () {
	awk -v title="$1" '
		/^==+ / { if ($0 ~ /^== /) in_s = ($0 == "== " title); next }
		!in_s { next }
		/^----+$/ { listing = !listing; next }
		!listing && /^[^ \t].*::$/ { print }
	' "$DOC"
}

# The lines of the SYNOPSIS section.
doc_synopsis () {
	awk '
		/^== / { in_s = ($0 == "== SYNOPSIS"); next }
		in_s && $0 != "[verse]" { print }
	' "$DOC"
}

# Options named in text on stdin: "--name" (the part before "=") and "-x",
# one a line; a boolean shown as "--[no-]name" is "--name".  Words that
# are not options are dropped.
option_words () {
	sed -e "s/--\[no-\]/--/g" |
	tr -s ' \t[]|`,' '\n\n\n\n\n\n\n' |
	sed -n -e 's/^\(--[a-z0-9][a-z0-9-]*\).*/\1/p' \
	       -e 's/^\(-[a-zA-Z]\)$/\1/p'
}

test_expect_success 'setup: what the program accepts' '
	test_expect_code 129 git kvmdigest -h >usage 2>err &&
	! test -s err &&
	grep "^usage: git kvmdigest " usage &&
	# the option column of "    -q, --quiet    help" lines
	sed -n -e "s/^    \(-.*\)/\1/p" usage |
	sed -e "s/  .*//" >option-column &&
	test -s option-column &&
	{
		option_words <option-column &&
		# -h is always accepted: the parser answers it for every table
		echo -h
	} | sort -u >options.program &&
	# the negations of booleans, which OPTIONS may name beside them
	sed -n -e "s/.*--\[no-\]\([a-z0-9-]*\).*/--no-\1/p" option-column >negations.program &&
	sed -n -e "s/^\(usage:\|   or:\) git kvmdigest \([a-z][a-z-]*\)$/\2/p" usage |
	sort -u >commands.program &&
	grep -x -e --stdout options.program &&
	grep -x -e install-hooks commands.program
'

test_expect_success 'setup: what OPTIONS documents' '
	test -f "$DOC" &&
	doc_terms OPTIONS >terms &&
	test -s terms &&
	option_words <terms | grep -v -x -F -f negations.program | sort -u >options.doc &&
	sed -n -e "s/^\`\{0,1\}\([a-z][a-z-]*\)\`\{0,1\}::$/\1/p" terms |
	sort -u >commands.doc
'

test_expect_success 'every option is documented in OPTIONS, and no other' '
	test_cmp options.program options.doc
'

test_expect_success 'every subcommand is documented in OPTIONS, and no other' '
	test_cmp commands.program commands.doc
'

test_expect_success 'SYNOPSIS shows every option, and no other' '
	doc_synopsis | option_words | sort -u >options.synopsis &&
	test_cmp options.program options.synopsis
'

test_expect_success 'SYNOPSIS shows every subcommand' '
	doc_synopsis >synopsis &&
	while read -r cmd
	do
		grep -e " $cmd\$" synopsis || return 1
	done <commands.program
'

test_expect_success 'every kvmdigest.* key the program reads is in CONFIGURATION, and no other' '
	# every key is read through a string literal naming it in full
	cat "$SRC"/git-kvmdigest.c "$SRC"/lib/*.c "$SRC"/lib/*.h |
	grep -o "\"kvmdigest\.[A-Za-z][A-Za-z0-9]*\"" |
	tr -d "\"" | tr A-Z a-z | sort -u >keys.program &&
	grep -x kvmdigest.ref keys.program &&
	doc_terms CONFIGURATION >config-terms &&
	grep -o "kvmdigest\.[A-Za-z][A-Za-z0-9]*" config-terms |
	tr A-Z a-z | sort -u >keys.doc &&
	test_cmp keys.program keys.doc
'

test_expect_success ASCIIDOCTOR 'the manual page renders without warnings' '
	asciidoctor -b manpage -a mansource=git-kvmdigest -a manversion=0 \
		-a manmanual="Git Manual" --failure-level=WARN \
		-o git-kvmdigest.1 "$DOC" 2>warnings &&
	! test -s warnings &&
	# the NAME line, once groff escapes are gone
	sed -e "s/\\\\//g" git-kvmdigest.1 >name &&
	grep -x "git-kvmdigest - Digest a mailing-list archive or kernel history into git notes" name
'

test_done
