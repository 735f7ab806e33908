#!/bin/sh

test_description='the fast mail path and the full GMime parse agree

kvmd_mail_parse() splits the header block itself and calls GMime only
on what the digest reads; kvmd_mail_parse_gmime() builds a whole
GMimeMessage.  For every message the tests have (the seed window, the
MIME fixtures, the hostile ones, the inputs on which the fuzzer found
them disagreeing) both must give the same fields.
'
. "$(dirname "$0")"/test-lib.sh

helper=$KVMD_BUILD_DIR/t/helper/test-mail

test_expect_success 'setup: every fixture message, one file each' '
	mkdir seed msgs &&
	git mailsplit --mboxrd -oseed "$TEST_DIRECTORY"/t1000/kvm-seed.mbox >count &&
	echo 36 >expect &&
	test_cmp expect count &&
	# as public-inbox-mda stores them: without the mbox "From " line
	for m in seed/*
	do
		sed 1d "$m" >"$m.m" && mv "$m.m" "$m" || return 1
	done &&
	cp seed/* "$TEST_DIRECTORY"/t1300/*.eml "$TEST_DIRECTORY"/t6000/*.eml msgs/ &&
	# the inputs on which the fuzzer once found the two paths disagreeing
	for f in "$TEST_DIRECTORY"/../fuzz/regressions/mailpath/*
	do
		cp "$f" msgs/regression-$(basename "$f") || return 1
	done &&
	ls msgs >list &&
	test $(wc -l <list) -gt 60
'

test_expect_success 'both paths give the same fields for every message' '
	for m in msgs/*
	do
		"$helper" "$m" >fast &&
		"$helper" --gmime "$m" >full &&
		test_cmp full fast || return 1
	done
'

test_expect_success 'the seed messages take the fast path' '
	for m in seed/*
	do
		"$helper" "$m" 2>&1 >/dev/null || return 1
	done >paths &&
	sort paths | uniq -c | sed "s/^ *//" >actual &&
	echo "36 path: fast" >expect &&
	test_cmp expect actual
'

test_expect_success 'the quoted-printable reply decodes on the fast path' '
	"$helper" msgs/0019 >out &&
	grep "^from-email: akshaybehl231@gmail.com$" out &&
	grep "^subject: Re: \[PATCH\] KVM: selftests: Fix typo in dirty_log_perf_test usage text$" out &&
	grep "^On Wed, Mar 5, 2025 at 8:28" out
'

test_done
