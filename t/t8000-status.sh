#!/bin/sh

test_description='series status, reviews, versions, waiting series, newcomers and links

End to end, as a maintainer meets it: a public-inbox archive (the real
tools) fetched as a remote whose URL is lore'\''s (remote.origin.url is
https://lore.kernel.org/kvm/0; url.<archive>.insteadOf sends the fetch
to the local archive, as a mirror would), the hooks installed.  Week
one brings v1 of a series and a lone patch; a week later come reviews
of v1 and a v2 whose cover letter links v1.  The digest of the second
fetch shows the reviews given to v1, v2 following v1, the lone patch
waiting for an answer, the first-time poster, and a lore link on every
line.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

LORE=https://lore.kernel.org/kvm

# section HEADING <digest: the lines of the part under HEADING, up to the
# next heading (its blank lines kept, the trailing one dropped).
section () {
	awk -v heading="$1" '
		$0 == heading { on = 1; getline; next }
		on && /^===== / { exit }
		on { print }
	' | sed -e '$ { /^$/d; }'
}

test_expect_success PUBLIC_INBOX 'setup: an archive fetched from a lore URL, hooks installed' '
	mail s1 seed-1@google.com "Sat, 31 Oct 2026 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH] KVM: x86: Drop a stale comment" <<-\EOF &&
	Applied, thanks.
	EOF

	# week one: v1 of a series, and a lone patch nobody will answer
	mail a1 v1-0@amd.example "Mon, 2 Nov 2026 08:00:00 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 0/2] KVM: x86: Teach the widget to frob" <<-\EOF &&
	The widget cannot frob yet.  Two patches teach it.

	Alice Liddell (2):
	  KVM: x86: Add the frob bit
	  KVM: x86: Frob the widget on entry
	EOF
	mail a2 v1-1@amd.example "Mon, 2 Nov 2026 08:00:01 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 1/2] KVM: x86: Add the frob bit" \
		v1-0@amd.example <<-\EOF &&
	Define the bit.

	Signed-off-by: Alice Liddell <alice@amd.example>
	---
	 arch/x86/kvm/x86.c | 1 +
	EOF
	mail a3 v1-2@amd.example "Mon, 2 Nov 2026 08:00:02 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH 2/2] KVM: x86: Frob the widget on entry" \
		v1-0@amd.example <<-\EOF &&
	Use it.

	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF
	mail a4 lone-1@atari.example "Mon, 2 Nov 2026 08:30:00 +0000" \
		"Carol Shaw <carol@atari.example>" \
		"[PATCH] KVM: selftests: Add a test for the PIT" <<-\EOF &&
	Nothing tests the PIT yet.

	Signed-off-by: Carol Shaw <carol@atari.example>
	EOF

	# a week later: reviews of v1 (one from a first-time poster, whose
	# Message-ID holds a "/"), then v2, whose cover links v1
	mail b1 r1@google.com "Tue, 10 Nov 2026 09:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH 1/2] KVM: x86: Add the frob bit" \
		v1-1@amd.example "<v1-0@amd.example> <v1-1@amd.example>" <<-\EOF &&
	> Define the bit.

	Reviewed-by: Sean Christopherson <seanjc@google.com>
	EOF
	mail b2 r2/maz@kernel.org "Tue, 10 Nov 2026 09:10:00 +0000" \
		"Marc Zyngier <maz@kernel.org>" \
		"Re: [PATCH 0/2] KVM: x86: Teach the widget to frob" \
		v1-0@amd.example <<-\EOF &&
	For the series:

	Acked-by: Marc Zyngier <maz@kernel.org>
	EOF
	mail b3 v2-0@amd.example "Tue, 10 Nov 2026 10:00:00 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v2 0/2] KVM: x86: Frob the widget, and test it" <<-\EOF &&
	The widget cannot frob yet.  Two patches teach it.

	v1: https://lore.kernel.org/kvm/v1-0@amd.example/
	EOF
	mail b4 v2-1@amd.example "Tue, 10 Nov 2026 10:00:01 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v2 1/2] KVM: x86: Add the frob bit" \
		v2-0@amd.example <<-\EOF &&
	Define the bit.

	Reviewed-by: Sean Christopherson <seanjc@google.com>
	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF
	mail b5 v2-2@amd.example "Tue, 10 Nov 2026 10:00:02 +0000" \
		"Alice Liddell <alice@amd.example>" \
		"[PATCH v2 2/2] KVM: x86: Frob the widget on entry" \
		v2-0@amd.example <<-\EOF &&
	Use it, and test it.

	Signed-off-by: Alice Liddell <alice@amd.example>
	EOF

	inbox_create inbox &&
	inbox_deliver inbox s1 &&
	git clone -q inbox/git/0.git clone &&
	git -C clone config remote.origin.url $LORE/0 &&
	git -C clone config url."$PWD/inbox/git/0.git".insteadOf $LORE/0 &&
	git -C clone config kvmdigest.sections default,status,waiting,newcomers &&
	git -C clone kvmdigest install-hooks >out &&
	grep "reference-transaction: installed" out &&
	test_set_prereq CLONE
'

test_expect_success CLONE 'week one: v1 and a lone patch fetched, a digest noted' '
	inbox_deliver inbox a1 a2 a3 a4 &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	week1=$(git -C clone rev-parse origin/master) &&
	test "$week1" = "$(git -C inbox/git/0.git rev-parse master)" &&
	git -C clone notes --ref=kvmdigest show $week1 >note1 &&
	! grep -e warning -e error err
'

test_expect_success CLONE 'week one: v1 and the lone patch are new, nothing waits yet' '
	section "===== Series status in this time period =====" <note1 >status1 &&
	grep -x "\[PATCH 0/2\] KVM: x86: Teach the widget to frob (Alice Liddell, 3 messages)" status1 &&
	grep -x "  posted 2026-11-02, 0 replies so far $LORE/v1-0@amd.example/" status1 &&
	grep -x "\[PATCH\] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)" status1 &&
	# not a week old yet: nothing waits
	section "===== Waiting for a reply =====" <note1 >waiting1 &&
	test_must_be_empty waiting1 &&
	section "===== Newcomers in this time period =====" <note1 >new1 &&
	grep -x "New contributor: Alice Liddell <alice@amd.example> $LORE/v1-0@amd.example/" new1 &&
	grep -x "New contributor: Carol Shaw <carol@atari.example> $LORE/lone-1@atari.example/" new1 &&
	! grep Sean new1
'

test_expect_success CLONE 'a week later: reviews and v2 fetched, a digest noted' '
	inbox_deliver inbox b1 b2 b3 b4 b5 &&
	git -C clone fetch 2>err &&
	git -C clone kvmdigest hook wait 2>>err &&
	week2=$(git -C clone rev-parse origin/master) &&
	test "$week1" = "$(git -C clone rev-parse origin/master~5)" &&
	git -C clone notes --ref=kvmdigest show $week2 >note2 &&
	! grep -e warning -e error err
'

test_expect_success CLONE 'the second digest: the reviews given to v1, v2 following v1' '
	section "===== Series status in this time period =====" <note2 >actual &&
	cat >expect <<-EOF &&
	[PATCH 0/2] KVM: x86: Teach the widget to frob (Alice Liddell, 3 messages)
	  posted 2026-11-02, 2 replies so far $LORE/v1-0@amd.example/
	  Acked-by: Marc Zyngier <maz@kernel.org> (all) $LORE/r2%2Fmaz@kernel.org/
	  Reviewed-by: Sean Christopherson <seanjc@google.com> (1/2) $LORE/r1@google.com/

	[PATCH v2 0/2] KVM: x86: Frob the widget, and test it (Alice Liddell, 3 messages)
	  posted 2026-11-10, 0 replies so far $LORE/v2-0@amd.example/
	  v2, follows v1 of 2026-11-02: 2 replies, Acked-by ×1, Reviewed-by ×1 $LORE/v1-0@amd.example/
	EOF
	test_cmp expect actual
'

test_expect_success CLONE 'the lone patch nobody answered waits, with its age' '
	section "===== Waiting for a reply =====" <note2 >actual &&
	cat >expect <<-EOF &&
	      8 days  [PATCH] KVM: selftests: Add a test for the PIT (Carol Shaw, 1 message)
	               $LORE/lone-1@atari.example/
	EOF
	test_cmp expect actual &&
	# not once its age is below kvmdigest.waitDays
	git -C clone -c kvmdigest.waitDays=9 kvmdigest --stdout --sections=waiting \
		$week1..$week2 >digest &&
	section "===== Waiting for a reply =====" <digest >actual &&
	test_must_be_empty actual
'

test_expect_success CLONE 'the first-time poster and domain are newcomers' '
	section "===== Newcomers in this time period =====" <note2 >actual &&
	cat >expect <<-EOF &&
	New contributor: Marc Zyngier <maz@kernel.org> $LORE/r2%2Fmaz@kernel.org/
	New domain: kernel.org $LORE/r2%2Fmaz@kernel.org/
	EOF
	test_cmp expect actual
'

test_expect_success CLONE 'the default sections are as before: no Link: lines' '
	git -C clone kvmdigest --stdout --sections=default $week1..$week2 >digest &&
	! grep -e "^Link: " -e "^===== Series status" -e "$LORE/v2-" digest &&
	grep -x "===== Patch Commit Messages ====" digest
'

test_expect_success CLONE '--links and kvmdigest.links: a Link: line under each entry' '
	git -C clone kvmdigest --stdout --links $week1..$week2 >digest &&
	sed -n -e "/^New: /,/^Link: /p" digest >entries &&
	cat >expect <<-EOF &&
	New:  KVM: x86: Add the frob bit
	[PATCH v2 1/2] KVM: x86: Add the frob bit
	Author: Alice Liddell <alice@amd.example>
	Link: $LORE/v2-1@amd.example/
	New:  KVM: x86: Frob the widget, and test it
	[PATCH v2 0/2] KVM: x86: Frob the widget, and test it
	Author: Alice Liddell <alice@amd.example>
	Link: $LORE/v2-0@amd.example/
	EOF
	test_cmp expect entries &&
	git -C clone -c kvmdigest.links=true kvmdigest --stdout $week1..$week2 >again &&
	test_cmp digest again &&
	git -C clone -c kvmdigest.links=true kvmdigest --stdout --no-links \
		$week1..$week2 >none &&
	! grep "^Link: " none
'

test_expect_success CLONE 'kvmdigest.linkBase wins over the remote' '
	git -C clone -c kvmdigest.linkBase=https://mirror.example/kvm kvmdigest \
		--stdout --links $week1..$week2 >digest &&
	grep -x "Link: https://mirror.example/kvm/v2-0@amd.example/" digest &&
	! grep "$LORE/v2-" digest &&
	test_expect_code 128 git -C clone -c "kvmdigest.linkBase=https://x/a b" \
		kvmdigest --stdout $week1..$week2 2>err &&
	grep "^fatal: bad config value .* for .kvmdigest.linkBase." err
'

test_expect_success CLONE 'a remote with a local path gives no links' '
	git clone -q inbox/git/0.git local &&
	git -C local kvmdigest --stdout --links origin/master~5..origin/master >digest &&
	! grep -e "^Link: " -e "https://.*/v2-0@amd.example/" digest &&
	git -C local kvmdigest --format=json origin/master~5..origin/master >json &&
	python3 -c "
import json
d = json.load(open(\"json\"))
assert [e[\"link\"] for e in d[\"entries\"]] == [None, None], d[\"entries\"]
"
'

test_expect_success CLONE '... nor in the status sections' '
	git -C local kvmdigest --stdout --sections=status,waiting,newcomers \
		origin/master~5..origin/master >digest &&
	! grep "https://.*/v2-0@amd.example/" digest &&
	grep -x "  posted 2026-11-10, 0 replies so far" digest &&
	grep -x "New contributor: Marc Zyngier <maz@kernel.org>" digest
'

test_expect_success CLONE 'JSON: Message-ID, date and link of every entry' '
	git -C clone kvmdigest --format=json $week1..$week2 >json &&
	python3 -c "
import json
d = json.load(open(\"json\"))
e = d[\"entries\"][1]
assert e[\"message_id\"] == \"v2-0@amd.example\", e
assert e[\"date\"] == \"2026-11-10T10:00:00Z\", e
assert e[\"link\"] == \"$LORE/v2-0@amd.example/\", e
assert (e[\"version\"], e[\"number\"], e[\"total\"]) == (2, 0, 2), e
e = d[\"entries\"][0]
assert (e[\"message_id\"], e[\"date\"]) == (\"v2-1@amd.example\", \"2026-11-10T10:00:01Z\"), e
"
'

test_expect_success CLONE 'JSON: the series with their follow-ups and versions, the newcomers' '
	python3 -c "
import json
d = json.load(open(\"json\"))
s = {x[\"message_id\"]: x for x in d[\"series\"]}
v1, v2 = s[\"v1-0@amd.example\"], s[\"v2-0@amd.example\"]
assert v1[\"followups\"] == [{\"key\": \"Acked-by\", \"name\": \"Marc Zyngier\",
    \"email\": \"maz@kernel.org\", \"message_id\": \"r2/maz@kernel.org\",
    \"mismatched\": False}], v1
assert v1[\"patches\"][0][\"number\"] == 1, v1
assert v1[\"patches\"][0][\"followups\"][0][\"email\"] == \"seanjc@google.com\", v1
assert v1[\"replies\"] == 2 and v1[\"waiting_days\"] is None, v1
assert v2[\"previous\"] == {\"version\": 1, \"message_id\": \"v1-0@amd.example\",
    \"date\": \"2026-11-02T08:00:00Z\", \"link\": \"$LORE/v1-0@amd.example/\"}, v2
assert v2[\"sender\"] == {\"name\": \"Alice Liddell\", \"email\": \"alice@amd.example\"}, v2
assert v2[\"link\"] == \"$LORE/v2-0@amd.example/\", v2
w = s[\"lone-1@atari.example\"]
assert w[\"waiting_days\"] == 8, w
assert d[\"newcomers\"] == [{\"name\": \"Marc Zyngier\", \"email\": \"maz@kernel.org\",
    \"message_id\": \"r2/maz@kernel.org\"}], d[\"newcomers\"]
assert d[\"new_domains\"] == [\"kernel.org\"], d[\"new_domains\"]
"
'

test_done
