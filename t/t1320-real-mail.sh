#!/bin/sh

test_description='mail as others write it

Defects found by comparing our reading of real mail with git mailinfo and
git interpret-trailers, delivered with the real public-inbox-mda: a patch
whose body is only trailers, From forms GMime refuses but mailinfo reads,
a series of which only later patches are in the range (no line in the
patch list), --sections lists that name nothing, and bidirectional and invisible
format characters, which are escaped as control characters are.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

# patch_list <digest: the lines of the patch list.
patch_list () {
	awk '
		$0 == "===== Patch list in this time period =====" { on = 1; getline; next }
		on && $0 == "" { exit }
		on { print }
	'
}

test_expect_success PUBLIC_INBOX 'setup: deliver the messages' '
	inbox_create inbox &&
	mail 01.eml base@x "Mon, 7 Apr 2025 10:00:00 +0000" \
		"Base <base@example.com>" "before the range" <<-\EOF &&
	Where the range starts.
	EOF
	mail 02.eml signoff@x "Mon, 7 Apr 2025 10:01:00 +0000" \
		"Alice Arm <alice@example.com>" "[PATCH] KVM: x86: only a sign-off" <<-\EOF &&
	Signed-off-by: Alice Arm <alice@example.com>
	---
	 arch/x86/kvm/x86.c | 1 +
	EOF
	mail 03.eml block@x "Mon, 7 Apr 2025 10:02:00 +0000" \
		"Bob Builder <bob@example.com>" "[PATCH] KVM: arm64: only trailers" <<-\EOF &&
	Suggested-by: Sue Gest <sue@example.com>
	Link: https://lore.kernel.org/r/0@x
	Reviewed-by: Rita Review <rita@example.com>
	Acked-by: Ada Ack <ada@example.com>
	Signed-off-by: Bob Builder <bob@example.com>
	---
	 arch/arm64/kvm/arm.c | 1 +
	EOF
	# only 2/3 and 3/3 of a series whose 0/3 and 1/3 came before
	mail 04.eml late2@x "Mon, 7 Apr 2025 10:03:00 +0000" \
		"Carl Late <carl@example.com>" "[PATCH v2 2/3] KVM: s390: two" \
		cover@x <<-\EOF &&
	The second.

	Signed-off-by: Carl Late <carl@example.com>
	EOF
	mail 05.eml late3@x "Mon, 7 Apr 2025 10:04:00 +0000" \
		"Carl Late <carl@example.com>" "[PATCH v2 3/3] KVM: s390: three" \
		cover@x <<-\EOF &&
	The third.

	Signed-off-by: Carl Late <carl@example.com>
	EOF
	mail 06.eml company@x "Mon, 7 Apr 2025 10:05:00 +0000" \
		"John [Company] Doe <jd@company.example>" "Re: a question" <<-\EOF &&
	A reply.
	EOF
	mail 07.eml bare@x "Mon, 7 Apr 2025 10:06:00 +0000" \
		"Jane Roe jr@bare.example" "Re: a question" <<-\EOF &&
	A reply.
	EOF
	mail 08.eml at@x "Mon, 7 Apr 2025 10:07:00 +0000" \
		"Joe Bloggs <jb at at.example>" "Re: a question" <<-\EOF &&
	A reply.
	EOF
	mail 09.eml word@x "Mon, 7 Apr 2025 10:08:00 +0000" \
		"=?UTF-8?Q?a;b?= <ab@word.example>" "Re: a question" <<-\EOF &&
	A reply.
	EOF
	inbox_deliver inbox 0*.eml &&
	git clone --bare inbox/git/0.git arch.git &&
	old=$(git -C arch.git rev-list --max-parents=0 master) &&
	new=$(git -C arch.git rev-parse master) &&
	git -C arch.git kvmdigest --stdout --sections=all $old..$new >digest &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE 'a body of trailers only counts its signers' '
	table "Top 15 signers (Based on Signed-off-by)" <digest >signers &&
	grep -x -F "      1  Alice Arm <alice@example.com>" signers &&
	grep -x -F "      1  Bob Builder <bob@example.com>" signers
'

test_expect_success ARCHIVE 'a body of trailers only counts its reviewers' '
	table "Top 15 reviewers (Based on Reviewed-by, Acked-by and Tested-by)" <digest >reviewers &&
	grep -x -F "      1  Rita Review <rita@example.com>" reviewers &&
	grep -x -F "      1  Ada Ack <ada@example.com>" reviewers
'

test_expect_success ARCHIVE 'From forms git mailinfo reads are contributors' '
	table "Top 15 contributors (Based on Email Body)" <digest >contributors &&
	grep -x -F "      1  \"John [Company] Doe\" <jd@company.example>" contributors &&
	grep -x -F "      1  Jane Roe <jr@bare.example>" contributors &&
	grep -x -F "      1  Joe Bloggs <jb at at.example>" contributors &&
	grep -x -F "      1  \"a;b\" <ab@word.example>" contributors &&
	! grep "=?" contributors &&
	! grep "skipped" digest
'

test_expect_success ARCHIVE 'a series with only later patches has no line in the patch list' '
	patch_list <digest >list &&
	cat >expect <<-\EOF &&
	[PATCH] KVM: arm64: only trailers (Bob Builder, 1 message)
	[PATCH] KVM: x86: only a sign-off (Alice Arm, 1 message)
	EOF
	test_cmp expect list &&
	! grep "KVM: s390" list
'

test_expect_success ARCHIVE 'the later patches still count in the tables' '
	table "Top 15 contributors (Based on Email Body)" <digest >contributors &&
	grep -x -F "      2  Carl Late <carl@example.com>" contributors &&
	table "Top 15 signers (Based on Signed-off-by)" <digest >signers &&
	grep -x -F "      2  Carl Late <carl@example.com>" signers
'

test_expect_success ARCHIVE 'JSON has the same patch list' '
	git -C arch.git kvmdigest --format=json $old..$new >json &&
	python3 -c "
import json
d = json.load(open(\"json\", encoding=\"utf-8\"))
print(\"\n\".join(p[\"subject\"] for p in d[\"patches\"]))
" >json.list &&
	cat >expect <<-\EOF &&
	[PATCH] KVM: arm64: only trailers
	[PATCH] KVM: x86: only a sign-off
	EOF
	test_cmp expect json.list
'

# Bidirectional and invisible format characters, written as UTF-8 bytes.
RLO=$(printf '\342\200\256') PDF=$(printf '\342\200\254')
LRI=$(printf '\342\201\246') PDI=$(printf '\342\201\251')
ZWSP=$(printf '\342\200\213') BOM=$(printf '\357\273\277')

test_expect_success PUBLIC_INBOX 'setup: a patch with bidi and invisible characters' '
	inbox_create bidi bidi bidi@example.org &&
	mail 10.eml bidi0@x "Mon, 7 Apr 2025 11:00:00 +0000" \
		"Base <base@example.com>" "before the range" </dev/null &&
	mail 11.eml bidi@x "Mon, 7 Apr 2025 11:01:00 +0000" \
		"Eve ${RLO}evE${PDF} <eve@example.com>" \
		"[PATCH] KVM: x86: zero${ZWSP}width" <<-EOF &&
	${BOM}Isolated: ${LRI}txet${PDI}.

	Signed-off-by: Eve ${RLO}evE${PDF} <eve@example.com>
	EOF
	sed -i "s/^To: kvm@vger.kernel.org/To: bidi@example.org/" 10.eml 11.eml &&
	inbox_deliver bidi 10.eml 11.eml &&
	git clone --bare bidi/git/0.git bidi.git &&
	bold=$(git -C bidi.git rev-list --max-parents=0 master) &&
	bnew=$(git -C bidi.git rev-parse master) &&
	git -C bidi.git kvmdigest --stdout --sections=all $bold..$bnew >bidi.digest &&
	git -C bidi.git kvmdigest --format=json $bold..$bnew >bidi.json &&
	test_set_prereq BIDI
'

test_expect_success BIDI 'bidi and invisible characters are escaped in the text' '
	grep -x -F "      1  Eve \\u202eevE\\u202c <eve@example.com>" bidi.digest &&
	grep -x -F "[PATCH] KVM: x86: zero\\u200bwidth" bidi.digest &&
	grep -x -F "Author: Eve \\u202eevE\\u202c <eve@example.com>" bidi.digest &&
	grep -x -F "\\ufeffIsolated: \\u2066txet\\u2069." bidi.digest &&
	! grep -e "$RLO" -e "$PDF" -e "$LRI" -e "$PDI" -e "$ZWSP" -e "$BOM" bidi.digest
'

test_expect_success BIDI 'bidi and invisible characters are escaped in JSON' '
	! grep -e "$RLO" -e "$PDF" -e "$LRI" -e "$PDI" -e "$ZWSP" -e "$BOM" bidi.json &&
	python3 -c "
import json
d = json.load(open(\"bidi.json\", encoding=\"utf-8\"))
e = d[\"entries\"][0]
assert e[\"subject\"] == \"[PATCH] KVM: x86: zero\\\\u200bwidth\", e[\"subject\"]
assert e[\"author\"] == \"Eve \\\\u202eevE\\\\u202c <eve@example.com>\", e[\"author\"]
assert e[\"body\"].startswith(\"\\\\ufeffIsolated: \\\\u2066txet\\\\u2069.\"), e[\"body\"]
for s in (e[\"subject\"], e[\"author\"], e[\"body\"], d[\"contributors\"][0][\"display\"]):
    assert not any(c in s for c in \"\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200b\\u200c\\u200d\\u200e\\u200f\\ufeff\"), s
"
'

no_notes_ref () {
	test_must_fail git -C arch.git rev-parse --verify -q refs/notes/kvmdigest
}

test_expect_success ARCHIVE '--sections= and --sections=, are usage errors' '
	test_expect_code 129 git -C arch.git kvmdigest --stdout --sections= $old..$new >out 2>err &&
	test_must_be_empty out &&
	grep "^error: option .sections. names no section" err &&
	grep "^usage: git kvmdigest " err &&
	test_expect_code 129 git -C arch.git kvmdigest --stdout --sections=, $old..$new >out 2>err &&
	test_must_be_empty out &&
	grep "^error: option .sections." err &&
	test_expect_code 129 git -C arch.git kvmdigest --sections=" , " $old..$new 2>err &&
	grep "^error: option .sections." err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'an empty kvmdigest.sections is an error naming it' '
	test_expect_code 128 git -C arch.git -c kvmdigest.sections= kvmdigest --stdout \
		$old..$new >out 2>err &&
	test_must_be_empty out &&
	grep "^fatal: .*kvmdigest.sections" err &&
	test_expect_code 128 git -C arch.git -c kvmdigest.sections=, kvmdigest \
		$old..$new 2>err &&
	grep "^fatal: .*kvmdigest.sections" err &&
	no_notes_ref
'

test_expect_success ARCHIVE 'the command line still wins over kvmdigest.sections' '
	git -C arch.git -c kvmdigest.sections=, kvmdigest --stdout --sections=patches \
		$old..$new >out &&
	grep "^===== Patch list" out
'

test_done
