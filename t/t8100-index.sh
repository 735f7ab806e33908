#!/bin/sh

test_description='the archive index: filled by digests, a cache that never fails them

A public-inbox archive made with the real tools, cloned; the index is a
real SQLite file read back with the sqlite3 command.  The digest fills
it when the status sections (or JSON) ask for it and keeps it current
once it exists; `git kvmdigest index` fills it by hand.  Deleted,
truncated, read-only, locked or from another schema, it costs a digest
at most its status sections and one warning, and never a fetch.
'
. "$(dirname "$0")"/test-lib.sh
. "$TEST_DIRECTORY"/lib-inbox.sh
. "$TEST_DIRECTORY"/lib-index.sh

IDX=clone/.git/kvmdigest/index.sqlite3

# q SQL: runs SQL on the clone's index.
q () {
	sqlite3 "$IDX" "$1"
}

# dump: what the index knows of every mail, series and contributor, in a
# stable order and without the archive names (they differ by how it was
# filled).
dump () {
	q "SELECT message_id, hex(commit_id), hex(blob), date, name, email, sender_email,
		subject, kind, version, number, total, in_reply_to, root, thread,
		(SELECT s.message_id FROM member ms JOIN mail s ON s.id = ms.series
		 WHERE ms.id = m.id),
		change_id, hex(trailers), hex(links) FROM mail m ORDER BY message_id;
	   SELECT m.message_id, s.email, s.sender_email, s.subject_key, s.version, s.total,
		s.date, s.change_id, s.thread FROM series s JOIN mail m ON m.id = s.id
		ORDER BY m.message_id;
	   SELECT * FROM contributor ORDER BY email;
	   SELECT * FROM domain ORDER BY domain"
}

# mails REV: the number of mail commits of REV (the archive has no removals).
mails () {
	git -C clone rev-list --count "$1"
}

test_expect_success PUBLIC_INBOX,SQLITE3 'setup: an archive of 36 messages, a clone' '
	inbox_create inbox &&
	inbox_deliver_mbox inbox "$TEST_DIRECTORY"/t1000/kvm-seed.mbox &&
	git clone -q inbox/git/0.git clone &&
	test "$(mails origin/master)" = 36 &&
	root=$(git -C clone rev-list --max-parents=0 origin/master) &&
	test_set_prereq CLONE
'

test_expect_success CLONE 'the default digest makes no index' '
	git -C clone kvmdigest --stdout $root..origin/master~20 >out &&
	test_path_is_missing $IDX
'

test_expect_success CLONE 'JSON makes it: the range and the history before it' '
	git -C clone kvmdigest --format=json origin/master~30..origin/master~20 >out 2>err &&
	test_path_is_file $IDX &&
	test "$(q "SELECT count(*) FROM mail")" = "$(mails origin/master~20)" &&
	test "$(q "PRAGMA user_version")" = 4 &&
	test "$(q "PRAGMA journal_mode")" = wal &&
	test "$(q "SELECT hex(tip) FROM archive WHERE name = '\''origin/master~20'\''")" = \
		"$(git -C clone rev-parse origin/master~20 | tr a-f A-F)"
'

test_expect_success CLONE 'once it exists, the default digest keeps it current' '
	git -C clone kvmdigest --stdout origin/master~20..origin/master~10 >out 2>err &&
	test_must_be_empty err &&
	test "$(q "SELECT count(*) FROM mail")" = "$(mails origin/master~10)"
'

test_expect_success CLONE 'the default digest is the same with an index' '
	git -C clone kvmdigest --stdout origin/master~20..origin/master~10 >with &&
	mv $IDX saved &&
	git -C clone kvmdigest --stdout origin/master~20..origin/master~10 >without &&
	mv saved $IDX &&
	test_cmp without with
'

test_expect_success CLONE 'every mail, thread and series start is there' '
	git -C clone kvmdigest --format=json origin/master~10..origin/master >out &&
	test "$(q "SELECT count(*) FROM mail")" = 36 &&
	# a reply is in the thread of the message its References start with
	q "SELECT count(*) FROM mail WHERE root IS NULL AND in_reply_to IS NULL" >roots &&
	test "$(cat roots)" -gt 0 &&
	test "$(cat roots)" -lt 36 &&
	# every series start is a patch that belongs to itself
	q "SELECT count(*) FROM series s JOIN mail m ON m.id = s.id
	   JOIN member ms ON ms.id = m.id WHERE ms.series = m.id AND m.kind = 2" >starts &&
	test "$(q "SELECT count(*) FROM series")" = "$(cat starts)" &&
	test "$(cat starts)" -gt 0 &&
	# and the patches below a cover letter belong to its series
	q "SELECT count(*) FROM mail m JOIN mail c ON c.message_id = m.in_reply_to
	   LEFT JOIN member ms ON ms.id = m.id
	   WHERE m.kind = 2 AND c.kind = 2 AND c.number = 0 AND ms.series IS NOT c.id" >stray &&
	test "$(cat stray)" = 0 &&
	test "$(q "SELECT count(*) FROM contributor")" = \
		"$(q "SELECT count(DISTINCT lower(email)) FROM mail")"
'

test_expect_success CLONE 'git kvmdigest index --rebuild gives what the digests gave' '
	dump >incremental &&
	git -C clone kvmdigest index --rebuild origin/master 2>err &&
	grep "origin/master: indexed 36 mails" err &&
	grep "holds 36 mails" err &&
	dump >rebuilt &&
	test_cmp incremental rebuilt &&
	# and again on an index that has it all: nothing to do
	git -C clone kvmdigest index origin/master 2>err &&
	grep "origin/master: indexed 0 mails" err &&
	dump >again &&
	test_cmp incremental again
'

test_expect_success CLONE 'index without a revision indexes the watched refs' '
	rm $IDX &&
	git -C clone -c kvmdigest.ref=refs/remotes/origin/master kvmdigest index -q 2>err &&
	test_must_be_empty err &&
	test "$(q "SELECT count(*) FROM mail")" = 36 &&
	test "$(q "SELECT name FROM archive")" = refs/remotes/origin/master
'

# A run that fills an empty index creates the mail table's indexes after
# its rows and writes each address's first mail once at the end: the
# file must come out as one built row by row would.
test_expect_success CLONE 'built from nothing: every index, each first mail' '
	cat >expect <<-\EOF &&
	mail_patch_date
	mail_patch_id
	mail_subject_hash
	mail_thread
	member_series
	EOF
	q "SELECT name FROM sqlite_master WHERE type = '\''index'\''
	   AND tbl_name IN ('\''mail'\'', '\''member'\'') AND sql IS NOT NULL
	   ORDER BY name" >actual &&
	test_cmp expect actual &&
	test "$(q "PRAGMA integrity_check")" = ok &&
	q "SELECT count(*) FROM contributor c WHERE c.message_id <> (SELECT m.message_id
	   FROM mail m WHERE lower(m.email) = lower(c.email) ORDER BY m.date, m.message_id
	   LIMIT 1)" >wrong &&
	test "$(cat wrong)" = 0 &&
	q "SELECT count(*) FROM domain d WHERE d.message_id <> (SELECT m.message_id
	   FROM mail m WHERE lower(m.email) LIKE '\''%@'\'' || lower(d.domain)
	   ORDER BY m.date, m.message_id LIMIT 1)" >wrong &&
	test "$(cat wrong)" = 0 &&
	test "$(q "SELECT count(*) FROM domain")" -gt 1
'

test_expect_success CLONE 'index -h and a bad revision' '
	test_expect_code 129 git -C clone kvmdigest index -h >out &&
	grep "git kvmdigest index \[--rebuild\]" out &&
	test_expect_code 128 git -C clone kvmdigest index no-such-rev 2>err &&
	grep "not a commit: .no-such-rev." err
'

# digest_completes: a JSON digest of the newest ten messages exits 0
# (its stderr in err).
digest_completes () {
	git -C clone "$@" kvmdigest --format=json origin/master~10..origin/master >out 2>err &&
	test -s out
}

test_expect_success CLONE 'deleted: the next digest builds it again' '
	rm -f $IDX &&
	digest_completes &&
	! grep warning err &&
	test "$(q "SELECT count(*) FROM mail")" = 36
'

test_expect_success CLONE 'truncated: the digest builds it again' '
	size=$(wc -c <$IDX) &&
	head -c $((size / 3)) $IDX >short &&
	mv short $IDX &&
	digest_completes &&
	grep "rebuilding the archive index" err &&
	! grep warning err &&
	test "$(q "SELECT count(*) FROM mail")" = 36
'

test_expect_success CLONE 'not a database at all: the same' '
	echo "not a database" >$IDX &&
	digest_completes &&
	grep "rebuilding the archive index" err &&
	test "$(q "SELECT count(*) FROM mail")" = 36
'

test_expect_success CLONE 'another schema: emptied and built again' '
	q "PRAGMA user_version = 0" &&
	digest_completes &&
	grep "rebuilding the archive index" err &&
	test "$(q "PRAGMA user_version")" = 4 &&
	test "$(q "SELECT count(*) FROM mail")" = 36
'

# Read-only: permission bits do not stop root, a file attribute does.
test_expect_success CLONE 'setup: can a file be made read-only here?' '
	echo x >probe &&
	chmod a-w probe &&
	if ! (echo y >>probe) 2>/dev/null
	then
		test_set_prereq READONLY_BY_MODE
	elif chattr +i probe 2>/dev/null && ! (echo y >>probe) 2>/dev/null
	then
		test_set_prereq READONLY_BY_ATTR
	fi
	chattr -i probe 2>/dev/null
	rm -f probe
'

# make_readonly: the index file read-only, as the system allows; 1 when it cannot be.
make_readonly () {
	if test_have_prereq READONLY_BY_MODE
	then
		chmod a-w $IDX clone/.git/kvmdigest &&
		test_when_finished "chmod u+w $IDX clone/.git/kvmdigest"
	elif test_have_prereq READONLY_BY_ATTR
	then
		chattr +i $IDX &&
		test_when_finished "chattr -i $IDX"
	else
		say "# skipping: no way to make a file read-only here" &&
		return 1
	fi
}

# A digest of an indexed range writes nothing: it reads a read-only index.
test_expect_success CLONE 'read-only, the range indexed: the digest reads it, no warning' '
	make_readonly || return 0
	digest_completes &&
	! grep warning err &&
	grep "^  \"series\" : \[" out
'

test_expect_success CLONE 'read-only, the range not indexed: completes without it, one warning' '
	q "DELETE FROM archive" &&
	test_when_finished "git -C clone kvmdigest index -q origin/master" &&
	make_readonly || return 0
	digest_completes &&
	grep "^warning: cannot use the archive index" err >warnings &&
	test_line_count = 1 warnings &&
	! grep "^  \"series\" : \[" out
'

test_expect_success CLONE 'locked past the timeout: the digest completes, one warning' '
	index_hold_lock $IDX &&
	test_when_finished "index_release_lock" &&
	digest_completes -c kvmdigest.indexTimeout=200 &&
	grep "^warning: cannot use the archive index" err >warnings &&
	test_line_count = 1 warnings &&
	grep "locked" warnings
'

# The index is opened while the range is parsed: a range that is not
# one must not wait for the lock first (here it would wait ten minutes).
test_expect_success CLONE 'locked, a range that does not parse: fatal at once' '
	index_hold_lock $IDX &&
	test_when_finished "index_release_lock" &&
	test_expect_code 128 timeout 60 git -C clone -c kvmdigest.indexTimeout=600000 \
		kvmdigest --stdout --sections=all no-such-rev..origin/master >out 2>err &&
	grep "^fatal: " err &&
	! grep warning err
'

test_expect_success CLONE 'locked for less than the timeout: the digest waits' '
	index_hold_lock $IDX &&
	test_when_finished "index_release_lock" &&
	( sleep 1 && echo "ROLLBACK;" >&9 ) &
	releaser=$! &&
	digest_completes -c kvmdigest.indexTimeout=20000 &&
	wait $releaser &&
	! grep warning err &&
	test "$(q "SELECT count(*) FROM archive WHERE name = '\''held'\''")" = 0
'

test_expect_success CLONE 'eight digests at once on one index: no error, no lost row' '
	rm -f $IDX &&
	pids= &&
	for i in 1 2 3 4 5 6 7 8
	do
		git -C clone kvmdigest --format=json \
			origin/master~$((i * 4))..origin/master~$((i * 4 - 4)) \
			>out.$i 2>err.$i &
		pids="$pids $!"
	done &&
	fail= &&
	for p in $pids
	do
		wait $p || fail=t
	done &&
	cat err.* >err &&
	test -z "$fail" &&
	test_must_be_empty err &&
	test "$(q "SELECT count(*) FROM mail")" = 36 &&
	dump >concurrent &&
	git -C clone kvmdigest index -q --rebuild origin/master &&
	dump >rebuilt &&
	test_cmp rebuilt concurrent
'

test_expect_success CLONE 'a fetch through the hooks never fails over the index' '
	git -C clone kvmdigest install-hooks >/dev/null 2>&1 &&
	git -C clone config kvmdigest.indexTimeout 200 &&
	i=0 &&
	for fault in none deleted truncated user_version locked
	do
		i=$((i + 1)) &&
		mail m$i fault-$i@example.com "Wed, 5 Mar 2025 1$i:00:00 +0000" \
			"Erin Fault <erin@example.com>" "KVM: fault $fault" <<-\EOF &&
		A message.
		EOF
		inbox_deliver inbox m$i &&
		git -C clone kvmdigest index -q origin/master &&
		case $fault in
		deleted) rm -f $IDX ;;
		truncated) head -c 3000 $IDX >short && mv short $IDX ;;
		user_version) q "PRAGMA user_version = 7" ;;
		locked) index_hold_lock $IDX ;;
		esac &&
		git -C clone fetch -q 2>err.fetch &&
		git -C clone kvmdigest hook wait 2>>err.fetch &&
		! grep -e "^fatal" -e "^error" -e "could not digest" err.fetch &&
		if test $fault = locked
		then
			index_release_lock &&
			grep "warning: cannot use the archive index" clone/.git/kvmdigest.log
		fi &&
		git -C clone notes --ref=kvmdigest show origin/master >note &&
		grep "Erin Fault <erin@example.com>" note || return 1
	done &&
	# what the faults cost is built again by the next digest that uses it
	git -C clone kvmdigest --format=json origin/master~1..origin/master >out &&
	test "$(q "SELECT count(*) FROM mail")" = "$(mails origin/master)"
'

test_expect_success PUBLIC_INBOX,SQLITE3 'two epochs as two refs share one thread' '
	inbox_create e0 kvm0 kvm0@example.com &&
	inbox_create e1 kvm1 kvm1@example.com &&
	mail p0 series-1@example.com "Thu, 6 Mar 2025 08:00:00 +0000" \
		"Frank Epoch <frank@example.com>" "[PATCH 1/2] KVM: x86: One" <<-\EOF &&
	One.

	Signed-off-by: Frank Epoch <frank@example.com>
	EOF
	mail p1 series-2@example.com "Thu, 6 Mar 2025 08:00:01 +0000" \
		"Frank Epoch <frank@example.com>" "[PATCH 2/2] KVM: x86: Two" \
		series-1@example.com <<-\EOF &&
	Two.

	Signed-off-by: Frank Epoch <frank@example.com>
	EOF
	mail r1 reply-1@example.com "Fri, 7 Mar 2025 08:00:00 +0000" \
		"Grace Review <grace@example.com>" "Re: [PATCH 2/2] KVM: x86: Two" \
		series-2@example.com "<series-1@example.com> <series-2@example.com>" <<-\EOF &&
	Reviewed-by: Grace Review <grace@example.com>
	EOF
	inbox_deliver e0 p0 p1 &&
	inbox_deliver e1 r1 &&
	git init -q epochs &&
	git -C epochs fetch -q ../e0/git/0.git master:refs/remotes/e0/master &&
	git -C epochs fetch -q ../e1/git/0.git master:refs/remotes/e1/master &&
	git -C epochs kvmdigest index -q refs/remotes/e0/master refs/remotes/e1/master &&
	sqlite3 epochs/.git/kvmdigest/index.sqlite3 \
		"SELECT m.message_id, coalesce(m.root, m.in_reply_to, m.message_id),
		 s.message_id, a.name FROM mail m JOIN member ms ON ms.id = m.id
		 JOIN mail s ON s.id = ms.series
		 JOIN archive a ON a.id = m.archive ORDER BY m.message_id" >actual &&
	cat >expect <<-\EOF &&
	reply-1@example.com|series-1@example.com|series-1@example.com|refs/remotes/e1/master
	series-1@example.com|series-1@example.com|series-1@example.com|refs/remotes/e0/master
	series-2@example.com|series-1@example.com|series-1@example.com|refs/remotes/e0/master
	EOF
	test_cmp expect actual &&
	# the later epoch first: the thread comes together all the same
	git -C epochs kvmdigest index -q --rebuild refs/remotes/e1/master refs/remotes/e0/master &&
	sqlite3 epochs/.git/kvmdigest/index.sqlite3 \
		"SELECT m.message_id, coalesce(m.root, m.in_reply_to, m.message_id),
		 s.message_id, a.name FROM mail m JOIN member ms ON ms.id = m.id
		 JOIN mail s ON s.id = ms.series
		 JOIN archive a ON a.id = m.archive ORDER BY m.message_id" >actual &&
	test_cmp expect actual
'

test_done
