#!/bin/sh

test_description='digest of the KVM seed archive matches the golden file

Builds a public-inbox v2 archive from t1000/kvm-seed.mbox with the real
public-inbox tools, digests the window after its first message and
compares with t1000/kvm-seed.expected, from the archive itself, from
clones of it and from a kernel-like repository that fetched it.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh

test_expect_success PUBLIC_INBOX 'setup: archive the seed mbox' '
	inbox_create inbox &&
	inbox_deliver_mbox inbox "$TEST_DIRECTORY"/t1000/kvm-seed.mbox &&
	g=$PWD/inbox/git/0.git &&
	git --git-dir="$g" rev-list --count master >count &&
	echo 36 >expect.count &&
	test_cmp expect.count count &&
	old=$(git --git-dir="$g" rev-list --max-parents=0 master) &&
	new=$(git --git-dir="$g" rev-parse master) &&
	expect_for "$old" "$new" >expect &&
	test_set_prereq ARCHIVE
'

test_expect_success ARCHIVE '--stdout prints the digest' '
	git -C "$g" kvmdigest --stdout "$old..$new" >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'without --stdout the digest is a note on <new>' '
	git -C "$g" kvmdigest "$old..$new" &&
	git -C "$g" rev-parse --verify -q refs/notes/kvmdigest &&
	git -C "$g" notes --ref=kvmdigest show "$new" >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'git log --notes=kvmdigest shows the note' '
	git -C "$g" log -1 --notes=kvmdigest "$new" >log &&
	grep -x "Notes (kvmdigest):" log &&
	sed -n -e "1s/^/    /p" expect >first &&
	grep -x -F -f first log
'

test_expect_success ARCHIVE 'same digest from a bare clone' '
	git clone --bare "$g" bare.git &&
	git -C bare.git kvmdigest --stdout "$old..$new" >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'same digest from a non-bare clone' '
	git clone "$g" work &&
	git -C work kvmdigest --stdout "$old..$new" >actual &&
	test_cmp expect actual
'

test_expect_success ARCHIVE 'same digest from a checkout that fetched the archive' '
	git init k &&
	(
		cd k &&
		echo "obj-y += kvm/" >Makefile &&
		git add Makefile &&
		git commit -m "initial import" &&
		git remote add kvm-lore "$g" &&
		git fetch kvm-lore &&
		git kvmdigest --stdout "$old..kvm-lore/master" >../actual
	) &&
	test_cmp expect actual
'

# The demo ships the archive as a bundle; it must give the same digest, for
# its own hashes (which differ if a newer public-inbox rebuilt it).
test_expect_success 'same digest from the sample bundle' '
	git clone --bare "$TEST_DIRECTORY"/../sample/kvm-seed.bundle sample.git &&
	s_old=$(git -C sample.git rev-list --max-parents=0 master) &&
	s_new=$(git -C sample.git rev-parse master) &&
	expect_for "$s_old" "$s_new" >expect.sample &&
	git -C sample.git kvmdigest --stdout "$s_old..$s_new" >actual &&
	test_cmp expect.sample actual
'


# The pack reader (lib/pack.c) stands in front of libgit2's; with
# kvmdigest.packReader=false libgit2 reads alone, to the same digest.
test_expect_success 'the same digest on libgit2 alone (kvmdigest.packReader=false)' '
	git -C sample.git -c kvmdigest.packReader=false kvmdigest --stdout "$s_old..$s_new" >actual &&
	test_cmp expect.sample actual
'

test_expect_success ARCHIVE 'the same digest from the archive on libgit2 alone' '
	git -C "$g" -c kvmdigest.packReader=false kvmdigest --stdout "$old..$new" >actual &&
	test_cmp expect actual
'

test_done
