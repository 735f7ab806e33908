#!/bin/sh

test_description='where each patch went: applied (mail digests) and posted (code digests)

A kernel-like repository made with git: developers commit series on
branches, git format-patch turns them into mails that public-inbox-mda
delivers to a real archive, and the maintainer applies them with git am
on "next" after a commit of its own that moves their line numbers.  One
series is v3 with a cover letter, a review and an ack; of a second, the
first patch is applied as posted, the second amended on the way in, the
third never; a lone patch is never applied; another is applied under a
new subject.  A checkout fetches the kernel and the archive, with
kvmdigest.appliedRef naming the kernel remote'"'"'s next.

The applied and posted sections, and their JSON, must say what the test
built: the expected text is written here from the commits git made, not
from the tool.  Then the hooks: a fetch of the archive notes applied, a
pull of the code notes posted.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh
. "$TEST_DIRECTORY"/lib-index.sh

LORE=https://lore.kernel.org/kvm/
NEXT=refs/remotes/origin/next

# commit_as "Name <email>" SUBJECT: commits the work tree of `up` as that author.
commit_as () {
	test_tick &&
	git -C up add -A &&
	git -C up commit -q --author="$1" -m "$2" -m "Why: $2.

Signed-off-by: $1"
}

# edit FILE LINE TEXT: line LINE of up/FILE becomes TEXT.
edit () {
	sed -i "$2s/.*/$3/" "up/$1"
}

# mails DIR ID... : gives the format-patch files of DIR, in order, the
# Message-IDs ID... (the first one the thread root, the others replying
# to it), a To: the list.
mails () {
	mails_dir=$1 &&
	shift &&
	mails_root=$1 &&
	for mails_f in "$mails_dir"/*.patch
	do
		mails_id=$1 &&
		shift &&
		if test "$mails_id" = "$mails_root"
		then
			sed -i "1a Message-ID: <$mails_id>\\
To: kvm@vger.kernel.org" "$mails_f"
		else
			sed -i "1a Message-ID: <$mails_id>\\
To: kvm@vger.kernel.org\\
In-Reply-To: <$mails_root>\\
References: <$mails_root>" "$mails_f"
		fi || return 1
	done
}

# hex12 REV: the abbreviated commit of REV in `up`.
hex12 () {
	git -C up rev-parse "$1" | cut -c1-12
}

# day REV: the UTC day of REV's author date (the mail's Date:).
day () {
	date -u -d "@$(git -C up log -1 --format=%at "$1")" +%Y-%m-%d
}

# section_of HEADING <text: the lines under HEADING, up to the next heading.
section_of () {
	awk -v heading="$1" '
		$0 == heading { on = 1; getline; next }
		on && /^===== / { exit }
		on { print }
	'
}

test_expect_success PUBLIC_INBOX 'setup: a kernel, the developers'"'"' series as mails' '
	git init -q up &&
	mkdir -p up/arch/x86/kvm up/virt/kvm &&
	test_lines 60 x86 >up/arch/x86/kvm/x86.c &&
	test_lines 60 main >up/virt/kvm/kvm_main.c &&
	commit_as "Linus Torvalds <torvalds@linux-foundation.org>" "Linux 6.18" &&
	git -C up branch -M master &&

	# A: v3 with a cover letter
	git -C up checkout -q -b a master &&
	edit arch/x86/kvm/x86.c 10 "x86 frob bit" &&
	commit_as "Alice Liddell <alice@amd.example>" "KVM: x86: Add the frob bit" &&
	edit arch/x86/kvm/x86.c 20 "x86 frob on entry" &&
	commit_as "Alice Liddell <alice@amd.example>" "KVM: x86: Frob on entry" &&
	test_lines 5 frob >up/arch/x86/kvm/frob.c &&
	commit_as "Alice Liddell <alice@amd.example>" "KVM: x86: Add frob.c" &&
	git -C up format-patch -q -v3 --cover-letter -o ../A master..a &&
	sed -i -e "s/\*\*\* SUBJECT HERE \*\*\*/KVM: x86: Frob the widget/" \
		-e "s/\*\*\* BLURB HERE \*\*\*/Frob it./" A/v3-0000-cover-letter.patch &&
	mails A a0@amd a1@amd a2@amd a3@amd &&

	# B: three patches, no cover letter
	git -C up checkout -q -b b master &&
	edit virt/kvm/kvm_main.c 5 "main one" &&
	commit_as "Bob Dobbs <bob@subgenius.example>" "KVM: Make the first change" &&
	edit virt/kvm/kvm_main.c 30 "main two" &&
	commit_as "Bob Dobbs <bob@subgenius.example>" "KVM: Make the second change" &&
	edit virt/kvm/kvm_main.c 50 "main three" &&
	commit_as "Bob Dobbs <bob@subgenius.example>" "KVM: Make the third change" &&
	git -C up format-patch -q -o ../B master..b &&
	mails B b1@sub b2@sub b3@sub &&

	# C: a lone patch, never applied
	git -C up checkout -q -b c master &&
	edit arch/x86/kvm/x86.c 40 "x86 never" &&
	commit_as "Carol Shaw <carol@atari.example>" "KVM: x86: Never applied" &&
	git -C up format-patch -q -o ../C master..c &&
	mails C c1@atari &&

	# D: a lone patch the maintainer renames
	git -C up checkout -q -b d master &&
	edit arch/x86/kvm/x86.c 55 "x86 dave" &&
	commit_as "Dave Jones <dave@kernel.example>" "KVM: x86: Fix a thing" &&
	git -C up format-patch -q -o ../D master..d &&
	mails D d1@kernel &&

	test_tick &&
	mail R1 r1@google "$(date -R -d @$test_tick_)" \
		"Sean Christopherson <seanjc@google.com>" \
		"Re: [PATCH v3 1/3] KVM: x86: Add the frob bit" a1@amd "<a0@amd> <a1@amd>" <<-\EOF &&
	Reviewed-by: Sean Christopherson <seanjc@google.com>
	EOF
	test_tick &&
	mail R2 r2@kernel "$(date -R -d @$test_tick_)" \
		"Marc Zyngier <maz@kernel.org>" \
		"Re: [PATCH v3 0/3] KVM: x86: Frob the widget" a0@amd <<-\EOF &&
	Acked-by: Marc Zyngier <maz@kernel.org>
	EOF

	inbox_create inbox &&
	inbox_deliver inbox A/*.patch B/*.patch C/*.patch D/*.patch R1 R2
'

test_expect_success PUBLIC_INBOX 'setup: the maintainer applies on next' '
	git -C up checkout -q -b next master &&
	# a commit of its own, never posted: everything below moves by 5 lines
	{ test_lines 5 doc && cat up/arch/x86/kvm/x86.c; } >x86.c &&
	mv x86.c up/arch/x86/kvm/x86.c &&
	commit_as "Paolo Bonzini <pbonzini@redhat.com>" "KVM: x86: Document the frob table" &&
	git -C up am -q "$PWD"/A/v3-000[123]-*.patch &&
	git -C up am -q "$PWD"/B/000[12]-*.patch &&
	# the second change, fixed up on the way in: another diff, the same author and subject
	edit virt/kvm/kvm_main.c 30 "main two, fixed" &&
	test_tick &&
	git -C up commit -q -a --amend --no-edit &&
	git -C up am -q "$PWD"/D/0001-*.patch &&
	test_tick &&
	git -C up commit -q --amend -m "KVM: x86: Fix the thing Dave found" &&
	test "$(git -C up log -1 --format=%ae next)" = dave@kernel.example &&
	git -C up checkout -q master &&
	test_set_prereq UP
'

test_expect_success UP 'setup: a checkout of the kernel and the archive' '
	git clone -q up work &&
	git -C work remote add lore ../inbox/git/0.git &&
	git -C work fetch -q lore &&
	git -C work config kvmdigest.appliedRef $NEXT &&
	git -C work config kvmdigest.linkBase $LORE &&
	test_set_prereq WORK
'

test_expect_success WORK 'applied: what each patch became, on next' '
	git -C work kvmdigest --stdout --sections=applied refs/remotes/lore/master >out 2>err &&
	! grep -i "warning\|error" err &&
	section_of "===== Applied patches =====" <out >actual &&
	cat >expect <<-EOF &&
	[PATCH v3 0/3] KVM: x86: Frob the widget → all 3 patches in $NEXT
	[PATCH 1/3] KVM: Make the first change → $(hex12 next~2) in $NEXT
	[PATCH 2/3] KVM: Make the second change → $(hex12 next~1) in $NEXT (subject match)
	[PATCH] KVM: x86: Fix a thing → $(hex12 next~0) in $NEXT

	EOF
	test_cmp expect actual
'

test_expect_success WORK 'a fully applied series waits no more; one partly applied still does' '
	git -C work -c kvmdigest.waitDays=0 kvmdigest --stdout --sections=waiting \
		refs/remotes/lore/master >out &&
	section_of "===== Waiting for a reply =====" <out >waiting &&
	grep "\[PATCH 1/3\] KVM: Make the first change (Bob Dobbs, 3 messages)" waiting &&
	grep "\[PATCH\] KVM: x86: Never applied (Carol Shaw, 1 message)" waiting &&
	! grep "Fix a thing" waiting &&
	! grep "Frob the widget" waiting &&
	# without applied refs it waits
	git -C work config --unset kvmdigest.appliedRef &&
	git -C work -c kvmdigest.waitDays=0 kvmdigest --stdout --sections=waiting \
		refs/remotes/lore/master >out &&
	git -C work config kvmdigest.appliedRef $NEXT &&
	section_of "===== Waiting for a reply =====" <out >waiting &&
	grep "\[PATCH\] KVM: x86: Fix a thing (Dave Jones, 1 message)" waiting
'

test_expect_success WORK 'applied: in JSON, per patch, with full ids' '
	git -C work kvmdigest --format=json refs/remotes/lore/master >out.json &&
	cat >show.py <<-\EOF &&
	import json, sys
	d = json.load(sys.stdin)
	for s in d["series"]:
	    print(s["message_id"], s["fully_applied"])
	    for p in s["patches"]:
	        print(("  %s " % p["message_id"] + " ".join(
	              "%s %s %s" % (a["commit"], a["ref"], a["match"]) for a in p["applied"])).rstrip())
	EOF
	python3 show.py <out.json >actual &&
	# next: doc, A1, A2, A3, B1, B2 fixed up, D renamed
	set -- $(git -C up rev-parse next~5 next~4 next~3 next~2 next~1 next) &&
	cat >expect <<-EOF &&
	a0@amd True
	  a1@amd $1 $NEXT patch-id
	  a2@amd $2 $NEXT patch-id
	  a3@amd $3 $NEXT patch-id
	b1@sub False
	  b1@sub $4 $NEXT patch-id
	  b2@sub $5 $NEXT subject
	  b3@sub
	c1@atari False
	  c1@atari
	d1@kernel True
	  d1@kernel $6 $NEXT patch-id
	EOF
	test_cmp expect actual
'

test_expect_success WORK 'the mails and commits matched by patch-id have git'"'"'s ids' '
	for m in A/v3-0001-*.patch A/v3-0002-*.patch A/v3-0003-*.patch B/0001-*.patch D/0001-*.patch
	do
		git patch-id --stable <"$m" | cut -d" " -f1 || return 1
	done >mail-ids &&
	git -C up log --reverse --no-merges -p --format="commit %H" master..next |
		git patch-id --stable >commit-ids &&
	test_line_count = 7 commit-ids &&
	# doc, A1..A3, B1, B2 fixed up, D renamed
	set -- $(cut -d" " -f1 commit-ids) &&
	printf "%s\n" $2 $3 $4 $5 $7 >expect &&
	test_cmp expect mail-ids &&
	for m in B/0002-*.patch
	do
		git patch-id --stable <"$m" >b2 || return 1
	done &&
	test_line_count = 1 b2 &&
	! grep "^$6 " b2
'

# What the index keeps is what git says: the patch mails' ids, and the
# commits' ids, both the applied ref'"'"'s walk and a code digest'"'"'s.
test_expect_success WORK,SQLITE3 'the index stores git'"'"'s patch-ids of mails and commits' '
	for m in A/v3-000[123]-*.patch B/*.patch C/*.patch D/*.patch
	do
		id=$(sed -n "s/^Message-ID: <\(.*\)>\$/\1/p" "$m") &&
		echo "$id $(git patch-id --stable <"$m" | cut -d" " -f1)" || return 1
	done | sort >expect &&
	sqlite3 work/.git/kvmdigest/index.sqlite3 \
		"SELECT message_id, lower(hex(patch_id)) FROM mail
		 WHERE patch_id IS NOT NULL ORDER BY message_id" | tr "|" " " >actual &&
	test_cmp expect actual &&
	# next walked to its root: all of it is within 30 days of the mails
	git -C up log --no-merges -p --format="commit %H" next |
		git patch-id --stable | awk "{ print \$2, \$1 }" | sort >expect &&
	sqlite3 work/.git/kvmdigest/index.sqlite3 \
		"SELECT lower(hex(commit_id)), lower(hex(patch_id)) FROM code
		 ORDER BY 1" | tr "|" " " >actual &&
	test_cmp expect actual
'

test_expect_success WORK 'without kvmdigest.appliedRef the section says how to set it' '
	git -C work config --unset kvmdigest.appliedRef &&
	git -C work kvmdigest --stdout --sections=applied refs/remotes/lore/master >out &&
	git -C work config kvmdigest.appliedRef $NEXT &&
	section_of "===== Applied patches =====" <out >actual &&
	cat >expect <<-\EOF &&
	kvmdigest.appliedRef is not set: name the refs patches are applied to, e.g. git config --add kvmdigest.appliedRef '"'"'refs/remotes/kvm/*'"'"'

	EOF
	test_cmp expect actual
'

# the index the faults below are made on
IDX=work/.git/kvmdigest/index.sqlite3

test_expect_success WORK,SQLITE3 'an index that cannot be used costs the section, never the digest' '
	index_hold_lock $IDX &&
	test_when_finished "index_release_lock" &&
	git -C work -c kvmdigest.indexTimeout=200 kvmdigest --stdout --sections=applied,posted \
		origin/master..origin/next >out 2>err &&
	grep "^warning: cannot use the archive index" err >warnings &&
	test_line_count = 1 warnings &&
	section_of "===== Applied patches =====" <out >actual &&
	printf "Not looked up: the archive index could not be used.\n\n" >expect &&
	test_cmp expect actual &&
	section_of "===== Where the new commits were posted =====" <out >actual &&
	test_cmp expect actual
'

test_expect_success WORK 'posted: where each new commit of next was posted, and who reviewed it' '
	git -C work kvmdigest --stdout --sections=posted origin/master..origin/next >out 2>err &&
	! grep -i "warning\|error" err &&
	section_of "===== Where the new commits were posted =====" <out >actual &&
	cat >expect <<-EOF &&
	$(hex12 next) KVM: x86: Fix the thing Dave found
	  posted as v1 on $(day d) ${LORE}d1@kernel/

	$(hex12 next~1) KVM: Make the second change
	  posted as v1 on $(day b~1) (subject match) ${LORE}b2@sub/

	$(hex12 next~2) KVM: Make the first change
	  posted as v1 on $(day b~2) ${LORE}b1@sub/

	$(hex12 next~3) KVM: x86: Add frob.c
	  posted as v3 on $(day a) ${LORE}a3@amd/
	  Acked-by: Marc Zyngier <maz@kernel.org> ${LORE}r2@kernel/

	$(hex12 next~4) KVM: x86: Frob on entry
	  posted as v3 on $(day a~1) ${LORE}a2@amd/
	  Acked-by: Marc Zyngier <maz@kernel.org> ${LORE}r2@kernel/

	$(hex12 next~5) KVM: x86: Add the frob bit
	  posted as v3 on $(day a~2) ${LORE}a1@amd/
	  Acked-by: Marc Zyngier <maz@kernel.org> ${LORE}r2@kernel/
	  Reviewed-by: Sean Christopherson <seanjc@google.com> ${LORE}r1@google/

	1 new commit was never posted on an indexed list.

	EOF
	test_cmp expect actual
'

test_expect_success WORK 'posted: in JSON, code entries say where they were posted' '
	git -C work kvmdigest --format=json origin/master..origin/next >out.json &&
	cat >show.py <<-\EOF &&
	import json, sys
	d = json.load(sys.stdin)
	for e in d["entries"]:
	    p = e["posted"]
	    if p is None:
	        print(e["commit"], None)
	        continue
	    print(" ".join([e["commit"], p["message_id"], p["link"], p["date"][:10],
	                    str(p["version"]), p["match"]] +
	                   [f["key"] + ":" + f["email"] for f in p["followups"]]))
	EOF
	python3 show.py <out.json >actual &&
	cat >expect <<-EOF &&
	$(git -C up rev-parse next) d1@kernel ${LORE}d1@kernel/ $(day d) 1 patch-id
	$(git -C up rev-parse next~1) b2@sub ${LORE}b2@sub/ $(day b~1) 1 subject
	$(git -C up rev-parse next~2) b1@sub ${LORE}b1@sub/ $(day b~2) 1 patch-id
	$(git -C up rev-parse next~3) a3@amd ${LORE}a3@amd/ $(day a) 3 patch-id Acked-by:maz@kernel.org
	$(git -C up rev-parse next~4) a2@amd ${LORE}a2@amd/ $(day a~1) 3 patch-id Acked-by:maz@kernel.org
	$(git -C up rev-parse next~5) a1@amd ${LORE}a1@amd/ $(day a~2) 3 patch-id Acked-by:maz@kernel.org Reviewed-by:seanjc@google.com
	$(git -C up rev-parse next~6) None
	EOF
	test_cmp expect actual
'

test_expect_success WORK 'hooks: a fetch of the archive notes applied, a pull of the code posted' '
	git -C work config kvmdigest.ref "refs/remotes/lore/*" &&
	git -C work kvmdigest install-hooks >out &&
	# Carol resends, the maintainer applies it
	git -C up checkout -q -b e master &&
	edit arch/x86/kvm/x86.c 45 "x86 carol again" &&
	commit_as "Carol Shaw <carol@atari.example>" "KVM: x86: Applied at last" &&
	git -C up format-patch -q -o ../E master..e &&
	mails E e1@atari &&
	git -C up checkout -q next &&
	git -C up am -q "$PWD"/E/0001-*.patch &&
	git -C up checkout -q master &&
	git -C work fetch -q origin &&
	inbox_deliver inbox E/0001-*.patch &&
	git -C work fetch -q lore 2>err &&
	git -C work kvmdigest hook wait 2>>err &&
	! grep -i "warning\|error" err &&
	git -C work notes --ref=kvmdigest show refs/remotes/lore/master >note &&
	section_of "===== Applied patches =====" <note >actual &&
	cat >expect <<-EOF &&
	[PATCH] KVM: x86: Applied at last → $(hex12 next) in $NEXT

	EOF
	test_cmp expect actual &&
	! grep "Where the new commits were posted" note &&

	git -C work merge -q --ff-only origin/next 2>err &&
	! grep -i "warning\|error" err &&
	git -C work notes --ref=kvmdigest show HEAD >note &&
	section_of "===== Where the new commits were posted =====" <note >actual &&
	head -n 2 actual >first &&
	cat >expect <<-EOF &&
	$(hex12 next) KVM: x86: Applied at last
	  posted as v1 on $(day e) ${LORE}e1@atari/
	EOF
	test_cmp expect first &&
	tail -n 2 actual >last &&
	printf "1 new commit was never posted on an indexed list.\n\n" >expect &&
	test_cmp expect last &&
	! grep "Applied patches" note
'

test_done
