#!/bin/sh

test_description='follow-up trailers of replies in the reviewers table

A review given in a reply counts in the reviewers table as `b4 am`
would collect it: below the quoted patch and above the signature (where
git interpret-trailers, reading the last paragraph, sees nothing), in an
HTML-only reply, as a bare address; not when it is quoted, below the
signature, or for another address than the sender'"'"'s.  The default
digest does not show the table, so it does not change.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

test_expect_success PUBLIC_INBOX 'setup: a patch and its replies' '
	inbox_create inbox &&
	# vger and public-inbox'"'"'s default filter refuse HTML mail; a mirror
	# of another list keeps what it is given
	git config -f "$HOME/.public-inbox/config" publicinbox.kvm.filter \
		PublicInbox::Filter::Mirror &&
	mail 01.eml base@x "Mon, 7 Apr 2025 10:00:00 +0000" \
		"Base <base@example.com>" "before the range" <<-\EOF &&
	Where the range starts.
	EOF
	mail 02.eml patch@x "Mon, 7 Apr 2025 10:01:00 +0000" \
		"Alice Arm <alice@example.com>" "[PATCH] KVM: x86: fix a thing" <<-\EOF &&
	Fix it.

	Signed-off-by: Alice Arm <alice@example.com>
	---
	 arch/x86/kvm/x86.c | 1 +
	EOF
	mail 03.eml r1@x "Tue, 8 Apr 2025 10:00:00 +0000" \
		"Sean Christopherson <seanjc@google.com>" "Re: [PATCH] KVM: x86: fix a thing" \
		patch@x <<-\EOF &&
	On Mon, Apr 07, 2025, Alice Arm wrote:
	> Fix it.
	>
	> Signed-off-by: Alice Arm <alice@example.com>
	> Reviewed-by: Quoted Quinn <quinn@example.com>

	Reviewed-by: Sean Christopherson <seanjc@google.com>

	Thanks for doing this.
	-- 
	Tested-by: Sig Nature <sig@example.com>
	EOF
	mail 04.eml r2@x "Tue, 8 Apr 2025 11:00:00 +0000" \
		"Marc Zyngier <maz@kernel.org>" "KVM: x86: fix a thing" \
		patch@x <<-\EOF &&
	Acked-by: maz@kernel.org

	For the arm64 side, no change needed.
	EOF
	mail 05.eml r3@x "Tue, 8 Apr 2025 12:00:00 +0000" \
		"Someone Else <else@example.com>" "Re: [PATCH] KVM: x86: fix a thing" \
		patch@x <<-\EOF &&
	Reviewed-by: Vitaly Kuznetsov <vkuznets@redhat.com>

	(forwarding his review)
	EOF
	{
		echo "From: Jim Mattson <jmattson@google.com>" &&
		echo "To: kvm@vger.kernel.org" &&
		echo "Subject: Re: [PATCH] KVM: x86: fix a thing" &&
		echo "Date: Tue, 8 Apr 2025 13:00:00 +0000" &&
		echo "Message-ID: <r4@x>" &&
		echo "In-Reply-To: <patch@x>" &&
		echo "References: <patch@x>" &&
		echo "MIME-Version: 1.0" &&
		echo "Content-Type: text/html; charset=UTF-8" &&
		echo &&
		echo "<div>Tested-by: Jim&nbsp;Mattson &lt;jmattson@google.com&gt;<br>Works here.</div>"
	} >06.eml &&
	mail 07.eml r5@x "Tue, 8 Apr 2025 14:00:00 +0000" \
		"Xiaoyao Li <xiaoyao.li@linux.intel.com>" "Re: [PATCH] KVM: x86: fix a thing" \
		patch@x <<-\EOF &&
	Reviewed-by: Xiaoyao Li <xiaoyao.li@intel.com>

	(sent from the subdomain b4 takes as the same address)
	EOF
	inbox_deliver inbox 0*.eml &&
	git clone --bare inbox/git/0.git arch.git &&
	old=$(git -C arch.git rev-list --max-parents=0 master) &&
	new=$(git -C arch.git rev-parse master) &&
	echo "$old..$new" >range &&
	git -C arch.git kvmdigest --stdout --sections=reviewers $old..$new >digest &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE 'the reviews given in replies are counted' '
	table "Top 15 reviewers (Based on Reviewed-by, Acked-by and Tested-by)" <digest >actual &&
	sort actual >sorted &&
	cat >expect <<-\EOF &&
	      1  Jim Mattson <jmattson@google.com>
	      1  Marc Zyngier <maz@kernel.org>
	      1  Sean Christopherson <seanjc@google.com>
	      1  Xiaoyao Li <xiaoyao.li@intel.com>
	EOF
	test_cmp expect sorted
'

test_expect_success ARCHIVE 'quoted, signature and forwarded trailers are not' '
	! grep -e quinn -e sig@example.com -e vkuznets digest
'

test_expect_success ARCHIVE 'the mailmap maps the reviewer and the sender alike' '
	git -C arch.git config mailmap.file "$PWD/mailmap" &&
	echo "Sean C <sean@kernel.org> <seanjc@google.com>" >mailmap &&
	git -C arch.git kvmdigest --stdout --sections=reviewers $(cat range) >mapped &&
	grep -x -F "      1  Sean C <sean@kernel.org>" mapped &&
	! grep seanjc mapped
'

test_expect_success ARCHIVE 'the default digest has no reviewers table' '
	git -C arch.git kvmdigest --stdout $(cat range) >default &&
	! grep -i reviewers default
'

test_done
