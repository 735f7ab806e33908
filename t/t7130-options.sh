#!/bin/sh

test_description='options and their errors, as git'"'"'s parse-options has them

Unique prefixes of long options are taken (--std for --stdout), an
ambiguous prefix is a usage error naming the candidates, every bad
option value exits 129, -h shows the --no- forms of booleans, an unknown
revision gets git'"'"'s own message, and a bad configuration value names
its key.
'
. "$(dirname "$0")"/test-lib.sh

SRC=$TEST_DIRECTORY/..

test_expect_success 'setup: the sample archive' '
	git clone -q --bare "$SRC"/sample/kvm-seed.bundle sample.git &&
	old=$(git -C sample.git rev-list --max-parents=0 master) &&
	new=$(git -C sample.git rev-parse master) &&
	range=$old..$new &&
	expect_for "$old" "$new" >expect
'

test_expect_success 'unique prefixes of long options' '
	git -C sample.git kvmdigest --std --ti="KVM mailing list update" --sec=default --no-prog "$range" >actual &&
	test_cmp expect actual &&
	git -C sample.git kvmdigest --form=json --no-q "$range" >actual.json &&
	git -C sample.git kvmdigest --format=json "$range" >expect.json &&
	test_cmp expect.json actual.json &&
	test_must_fail git -C sample.git rev-parse --verify -q refs/notes/kvmdigest
'

test_expect_success 'an ambiguous prefix is a usage error naming the candidates' '
	test_expect_code 129 git -C sample.git kvmdigest --s "$range" >out 2>err &&
	test_must_be_empty out &&
	head -n 1 err >actual &&
	echo "error: ambiguous option: s (could be --since or --sections)" >expect.err &&
	test_cmp expect.err actual &&
	grep "^usage: git kvmdigest " err &&
	test_expect_code 129 git -C sample.git kvmdigest --no-p "$range" 2>err &&
	grep "^error: ambiguous option: no-p (could be --no-" err
'

test_expect_success 'bad option values exit 129' '
	for args in --format=xml --top=x --top=-1 "-j -3" --jobs=x "--top" \
		--notes-ref=refs/heads/x --stdout=yes --no-top --nosuch -x
	do
		# shellcheck disable=SC2086 # $args is a list of arguments
		test_expect_code 129 git -C sample.git kvmdigest $args "$range" \
			>out 2>err &&
		test_must_be_empty out &&
		grep "^error: " err &&
		grep "^usage: git kvmdigest " err || return 1
	done &&
	test_must_fail git -C sample.git rev-parse --verify -q refs/notes/kvmdigest
'

test_expect_success '-h shows the negation of booleans' '
	test_expect_code 129 git kvmdigest -h >usage &&
	grep -e "^    --\[no-\]progress  " usage &&
	grep -e "^    -p, --paginate  " usage &&
	grep -e "^    --no-pager  " usage
'

test_expect_success 'an unknown revision: what git says' '
	for spec in nope nope..HEAD HEAD..nope
	do
		test_expect_code 128 git -C sample.git kvmdigest --stdout "$spec" 2>err &&
		test_must_fail git -C sample.git log "$spec" -- 2>/dev/null &&
		test_must_fail git -C sample.git log "$spec" 2>expect.err &&
		test_cmp expect.err err || return 1
	done &&
	cat >expect.err <<-\EOF &&
	fatal: ambiguous argument '"'"'nope'"'"': unknown revision or path not in the working tree.
	Use '"'"'--'"'"' to separate paths from revisions, like this:
	'"'"'git <command> [<revision>...] -- [<file>...]'"'"'
	EOF
	test_expect_code 128 git -C sample.git kvmdigest nope 2>err &&
	test_cmp expect.err err
'

test_expect_success 'a bad configuration value names its key' '
	for kv in kvmdigest.top=x kvmdigest.top=-2 kvmdigest.jobs=-5 \
		kvmdigest.notesRef=refs/heads/x
	do
		key=${kv%%=*} &&
		test_expect_code 128 git -C sample.git -c "$kv" kvmdigest --stdout "$range" \
			>out 2>err &&
		test_must_be_empty out &&
		grep "^fatal: .*'"'"'$key'"'"'" err || return 1
	done
'

test_done
