#!/bin/sh

test_description='messages as MIME writes them

Messages in t1300/ delivered with the real public-inbox-mda: RFC 2047
encoded names and subjects, a base64 ISO-8859-1 body, a quoted-printable
UTF-8 body, an in-body From:, a folded Subject and a multipart/mixed
message with an attachment all come out as the right UTF-8 text, in the
text digest and in the JSON one.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

# entry SUBJECT <digest: the entry of the patch whose whole subject is
# SUBJECT, from its "New:" line to its separator.
entry () {
	awk -v subject="$1" '
		BEGIN { sep = sprintf("%70s", ""); gsub(/ /, "-", sep) }
		/^New: / { held = $0; next }
		held != "" && $0 == subject { on = 1; print held }
		{ held = "" }
		on { print }
		on && $0 == sep { exit }
	'
}

test_expect_success PUBLIC_INBOX 'setup: deliver the messages' '
	inbox_create inbox &&
	inbox_deliver inbox "$TEST_DIRECTORY"/t1300/0*.eml &&
	git clone --bare inbox/git/0.git arch.git &&
	git -C arch.git rev-list --count master >count &&
	echo 8 >expect &&
	test_cmp expect count &&
	old=$(git -C arch.git rev-list --max-parents=0 master) &&
	new=$(git -C arch.git rev-parse master) &&
	sed -e "s/<OLD>/$(printf %.8s $old)/g" -e "s/<NEW>/$(printf %.8s $new)/g" \
		"$TEST_DIRECTORY"/t1300/expected >expect.digest &&
	git -C arch.git kvmdigest --stdout $old..$new >digest &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE 'the digest is as expected' '
	test_cmp expect.digest digest
'

test_expect_success ARCHIVE 'RFC 2047 names are decoded' '
	table "Top 15 contributors (Based on Email Body)" <digest >contributors &&
	grep -x -F "      2  Philippe Mathieu-Daudé <philmd@linaro.org>" contributors &&
	grep -x -F "      1  Jürgen Groß <jgross@suse.example>" contributors &&
	grep -x -F "      1  Zoltán Kiss <zoltan@kiss.example>" contributors &&
	! grep "=?" digest &&
	entry "[PATCH] KVM: x86: Remove the unused kvm_x86_ops::get_cs_db_l_bits" \
		<digest >actual &&
	sed -n 3p actual >author &&
	echo "Author: Philippe Mathieu-Daudé <philmd@linaro.org>" >expect &&
	test_cmp expect author &&
	grep -x -F "[PATCH] KVM: x86: Remove the unused kvm_x86_ops::get_cs_db_l_bits (Philippe Mathieu-Daudé, 1 message)" digest
'

test_expect_success ARCHIVE 'an RFC 2047 word in the subject is decoded' '
	grep -x -F "New:  KVM: arm64: Fix the naïve PMU counter overflow check" digest
'

test_expect_success ARCHIVE 'a base64 ISO-8859-1 body comes out as UTF-8' '
	cat >expect <<-\EOF &&
	New:  x86/xen: Fix the size of the shared info page
	[PATCH v2] x86/xen: Fix the size of the shared info page
	Author: Jürgen Groß <jgross@suse.example>

	Die Größe der gemeinsamen Seite wird falsch berechnet.

	The size of the shared info page is computed in bytes where the
	hypercall expects pages; naïve callers then map too little.

	Signed-off-by: Jürgen Groß <jgross@suse.example>
	---
	 arch/x86/xen/enlighten_pv.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)
	----------------------------------------------------------------------
	EOF
	entry "[PATCH v2] x86/xen: Fix the size of the shared info page" \
		<digest >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'a quoted-printable UTF-8 body is decoded' '
	cat >expect <<-\EOF &&
	New:  KVM: arm64: Fix the naïve PMU counter overflow check
	[PATCH] KVM: arm64: Fix the naïve PMU counter overflow check
	Author: Zoltán Kiss <zoltan@kiss.example>

	The overflow check compares the counter with 2⁶⁴ − 1 but the counter is 64 bits wide when PMCR_EL0.LP=1, so the check is
	naïve: it fires ½ a period too early.  Compare against the width the guest configured.

	Reported-by: Renée Dupont <renee@example.org>
	Signed-off-by: Zoltán Kiss <zoltan@kiss.example>
	---
	 arch/arm64/kvm/pmu-emul.c | 4 ++--
	 1 file changed, 2 insertions(+), 2 deletions(-)

	----------------------------------------------------------------------
	EOF
	entry "[PATCH] KVM: arm64: Fix the naïve PMU counter overflow check" \
		<digest >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'an in-body From: names the contributor, not the Author: line' '
	cat >expect <<-\EOF &&
	New:  KVM: VMX: Drop the stale comment about posted interrupts
	[PATCH] KVM: VMX: Drop the stale comment about posted interrupts
	Author: Sean Christopherson <seanjc@google.com>


	The comment describes the pre-IPIv world; posted interrupts no longer
	need the vCPU to be blocked to be delivered.

	Signed-off-by: Chao Gao <chao.gao@intel.com>
	Signed-off-by: Sean Christopherson <seanjc@google.com>
	---
	 arch/x86/kvm/vmx/posted_intr.c | 4 ----
	 1 file changed, 4 deletions(-)
	----------------------------------------------------------------------
	EOF
	entry "[PATCH] KVM: VMX: Drop the stale comment about posted interrupts" \
		<digest >actual &&
	test_cmp expect actual &&
	table "Top 15 contributors (Based on Email Body)" <digest >contributors &&
	grep -x -F "      1  Chao Gao <chao.gao@intel.com>" contributors &&
	! grep seanjc contributors &&
	grep -x -F "[PATCH] KVM: VMX: Drop the stale comment about posted interrupts (Chao Gao, 1 message)" digest &&
	table "Top 15 contributor Email domains (Based on Email Body)" <digest >domains &&
	grep -x -F "      2 intel.com" domains &&
	! grep google.com domains
'

test_expect_success ARCHIVE 'a folded Subject is unfolded' '
	subject="[PATCH] KVM: selftests: Check that the guest'\''s view of the TSC frequency matches the host'\''s" &&
	entry "$subject" <digest >actual &&
	{
		echo "New:  ${subject#\[PATCH\] }" &&
		echo "$subject" &&
		echo "Author: Maxim Levitsky <mlevitsk@redhat.com>"
	} >expect &&
	head -n 3 actual >actual.head &&
	test_cmp expect actual.head &&
	grep -x -F "$subject (Maxim Levitsky, 1 message)" digest
'

test_expect_success ARCHIVE 'multipart/mixed: only the text part is shown' '
	cat >expect <<-\EOF &&
	New:  KVM: TDX: Zap private SPTEs before freeing the HKID
	[RFC PATCH] KVM: TDX: Zap private SPTEs before freeing the HKID
	Author: Yan Zhao <yan.y.zhao@intel.com>

	The HKID is released while private SPTEs still map guest memory.
	Zap them first.  The patch is attached, as my mailer mangles
	inline patches.

	Signed-off-by: Yan Zhao <yan.y.zhao@intel.com>
	----------------------------------------------------------------------
	EOF
	entry "[RFC PATCH] KVM: TDX: Zap private SPTEs before freeing the HKID" \
		<digest >actual &&
	test_cmp expect actual &&
	! grep -e "ATTACHMENT TEXT" -e "QVRUQUNITUVOVCBU" -e "x9Jf3kQd0bKvP2sLwZmRtA" \
		-e "Content-" -e "multi-part message" digest
'

test_expect_success ARCHIVE 'the note is the same text' '
	git -C arch.git kvmdigest $old..$new &&
	git -C arch.git notes --ref=kvmdigest show $new >actual &&
	test_cmp expect.digest actual
'

test_expect_success ARCHIVE '--format=json is valid JSON' '
	git -C arch.git kvmdigest --format=json $old..$new >json &&
	python3 -m json.tool json >pretty
'

test_expect_success ARCHIVE 'JSON and text count the same contributors' '
	python3 -c "
import json
d = json.load(open(\"json\", encoding=\"utf-8\"))
with open(\"json.contributors\", \"w\", encoding=\"utf-8\") as f:
    for c in d[\"contributors\"]:
        f.write(\"%7d  %s\n\" % (c[\"count\"], c[\"display\"]))
with open(\"json.domains\", \"w\", encoding=\"utf-8\") as f:
    for c in d[\"domains\"]:
        f.write(\"%7d %s\n\" % (c[\"count\"], c[\"domain\"]))
with open(\"json.counts\", \"w\") as f:
    f.write(\"%d %d %d\n\" % (d[\"messages\"], d[\"commits\"], d[\"skipped\"]))
" &&
	table "Top 15 contributors (Based on Email Body)" <digest >text.contributors &&
	test_cmp text.contributors json.contributors &&
	table "Top 15 contributor Email domains (Based on Email Body)" <digest >text.domains &&
	test_cmp text.domains json.domains &&
	echo "7 0 0" >expect &&
	test_cmp expect json.counts
'

test_expect_success ARCHIVE 'JSON carries the decoded text' '
	python3 -c "
import json
d = json.load(open(\"json\", encoding=\"utf-8\"))
subjects = [e[\"subject\"] for e in d[\"entries\"]]
assert \"[PATCH] KVM: arm64: Fix the na\u00efve PMU counter overflow check\" in subjects, subjects
e = [e for e in d[\"entries\"] if e[\"subject\"].startswith(\"[PATCH v2] x86/xen\")][0]
assert e[\"author\"] == \"J\u00fcrgen Gro\u00df <jgross@suse.example>\", e[\"author\"]
assert \"Die Gr\u00f6\u00dfe der gemeinsamen Seite\" in e[\"body\"], e[\"body\"]
e = [e for e in d[\"entries\"] if \"posted interrupts\" in e[\"subject\"]][0]
assert e[\"contributor\"][\"name\"] == \"Chao Gao\", e[\"contributor\"]
assert e[\"author\"] == \"Sean Christopherson <seanjc@google.com>\", e[\"author\"]
"
'

test_done
