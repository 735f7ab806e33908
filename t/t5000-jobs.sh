#!/bin/sh

test_description='the digest is the same with any number of threads

On an archive and a code repository made by the benchmark generators,
--jobs=1, 2 and 4 give byte-identical text and JSON, and a progress
line in git'"'"'s style when asked for.
'
. "$(dirname "$0")"/test-lib.sh

command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3

test_expect_success PYTHON3 'setup: a generated archive and code repository' '
	python3 "$TEST_DIRECTORY"/../bench/gen-archive -n 1500 archive.git >/dev/null 2>&1 &&
	python3 "$TEST_DIRECTORY"/../bench/gen-code -n 400 code.git >/dev/null 2>&1 &&
	git -C archive.git rev-list --count HEAD >count &&
	echo 1500 >expect &&
	test_cmp expect count &&
	test_set_prereq DATA
'

for repo in archive code
do
	test_expect_success DATA "$repo: --jobs=1, 2 and 4 give the same text and JSON" '
		root=$(git -C $repo.git rev-list --max-parents=0 HEAD | tail -n 1) &&
		for j in 1 2 4
		do
			git -C $repo.git kvmdigest --stdout --sections=all --jobs=$j \
				$root..HEAD >text.$j &&
			git -C $repo.git kvmdigest --format=json --jobs=$j \
				$root..HEAD >json.$j || return 1
		done &&
		test $(grep -c "^New: " text.1) -gt 100 &&
		test_cmp text.1 text.2 &&
		test_cmp text.1 text.4 &&
		test_cmp json.1 json.2 &&
		test_cmp json.1 json.4
	'
done

test_expect_success DATA 'kvmdigest.jobs is read, and --jobs wins over it' '
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	git -C archive.git kvmdigest --stdout --jobs=1 $root..HEAD >text.1 &&
	git -C archive.git -c kvmdigest.jobs=3 kvmdigest --stdout $root..HEAD >text.c &&
	test_cmp text.1 text.c &&
	test_expect_code 128 git -C archive.git -c kvmdigest.jobs=many \
		kvmdigest --stdout $root..HEAD >/dev/null 2>err &&
	grep "^fatal: bad numeric config value .many. for .kvmdigest.jobs." err &&
	git -C archive.git -c kvmdigest.jobs=many kvmdigest --stdout --jobs=2 \
		$root..HEAD >text.w &&
	test_cmp text.1 text.w
'

test_expect_success DATA 'a long digest is the same on standard output, written in pieces, and in the note' '
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	git -C archive.git kvmdigest --stdout --sections=all $root..HEAD >text &&
	test $(wc -c <text) -gt 200000 &&
	git -C archive.git kvmdigest -q --sections=all $root..HEAD &&
	git -C archive.git notes --ref=kvmdigest show HEAD >note &&
	test_cmp text note
'

test_expect_success DATA 'entries wait in $TMPDIR, or in memory without one: the same digest' '
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	git -C archive.git kvmdigest --stdout --sections=all $root..HEAD >text &&
	git -C archive.git kvmdigest --format=json $root..HEAD >json &&
	mkdir tmp &&
	TMPDIR="$PWD/tmp" git -C archive.git kvmdigest --stdout --sections=all \
		$root..HEAD >text.tmp &&
	test_cmp text text.tmp &&
	# nothing is left behind
	find tmp -type f >left &&
	test_must_be_empty left &&
	TMPDIR="$PWD/nowhere" git -C archive.git kvmdigest --stdout --sections=all \
		$root..HEAD >text.mem 2>err &&
	test_must_be_empty err &&
	test_cmp text text.mem &&
	TMPDIR="$PWD/nowhere" git -C archive.git kvmdigest --format=json \
		$root..HEAD >json.mem &&
	test_cmp json json.mem
'

# The digest of old..new without its first two lines (they name old).
digest_body () {
	git -C archive.git kvmdigest --stdout --sections=all "$1" >full &&
	# the key, title and areas heading lines name the range's ends
	sed -e 1,2d -e "/^===== Areas from /d" full
}

test_expect_success DATA 'a line of history is listed by parents; anything else by a walk' '
	# old on the line
	digest_body HEAD~100..HEAD >line &&
	test $(grep -c "^New: " line) -gt 2 &&
	# old beside the line: the walk finds the same 100 commits
	git -C archive.git branch -f side HEAD~100 &&
	side=$(echo side | git -C archive.git commit-tree -p side HEAD~100^{tree}) &&
	digest_body $side..HEAD >beside &&
	test_cmp line beside &&
	# a merge on the line: the walk, and the merged commits count too
	merge=$(echo merge | git -C archive.git commit-tree -p HEAD -p $side HEAD^{tree}) &&
	git -C archive.git kvmdigest --stdout --progress HEAD~100..$merge >/dev/null 2>err &&
	tr "\r" "\n" <err | grep "(102/102), done" &&
	# from the root: the whole line
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	git -C archive.git kvmdigest --stdout --progress $root..HEAD >/dev/null 2>err &&
	tr "\r" "\n" <err | grep "(1499/1499), done"
'

test_expect_success DATA 'blocks of a line end where they should: 63 to 129 commits' '
	for n in 63 64 65 128 129
	do
		digest_body HEAD~$n..HEAD >line &&
		side=$(echo side | git -C archive.git commit-tree -p HEAD~$n HEAD~$n^{tree}) &&
		digest_body $side..HEAD >beside &&
		test_cmp line beside &&
		git -C archive.git kvmdigest --stdout --progress --jobs=2 HEAD~$n..HEAD \
			>/dev/null 2>err &&
		tr "\r" "\n" <err | grep "($n/$n), done" || return 1
	done
'

test -w /dev/full && test_set_prereq DEVFULL

test_expect_success DATA,DEVFULL 'standard output that cannot be written is an error' '
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	test_expect_code 128 git -C archive.git kvmdigest --stdout $root..HEAD >/dev/full 2>err &&
	grep "^fatal: cannot write the digest to standard output" err
'

test_expect_success DATA '--progress shows git-style progress; -q and pipes show none' '
	root=$(git -C archive.git rev-list --max-parents=0 HEAD) &&
	git -C archive.git kvmdigest --stdout --progress $root..HEAD >/dev/null 2>err &&
	tr "\r" "\n" <err >lines &&
	grep "^Digesting: 100% (1499/1499), done\.$" lines &&
	git -C archive.git kvmdigest --stdout $root..HEAD >/dev/null 2>err &&
	! grep Digesting err &&
	git -C archive.git kvmdigest --stdout -q --progress $root..HEAD >/dev/null 2>err &&
	! grep Digesting err
'

test_done
