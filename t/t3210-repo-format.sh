#!/bin/sh

test_description='repositories libgit2 cannot open: a clear fatal error

git-kvmdigest reads through libgit2 (1.5 here), which refuses a
repository whose format uses an extension it does not know: SHA-256
object names (extensions.objectFormat), another ref storage
(extensions.refStorage), a partial clone as older gits mark it
(extensions.partialClone).  The run must stop with exit code 128 and a
message that says it is libgit2 that cannot open the repository, not
that there is none (the man page, REPOSITORY FORMATS, quotes these).
When a later libgit2 opens one of them, these tests fail: then the man
page must change too.
'
. "$(dirname "$0")"/test-lib.sh

# check_refused EXTENSION: the digest in the current directory stops on it.
check_refused () {
	test_expect_code 128 git kvmdigest --stdout HEAD~1..HEAD 2>err &&
	grep "^fatal: libgit2 [0-9.]* cannot open this repository: unsupported extension name extensions\.$1$" err
}

test_expect_success 'setup: a history of two commits' '
	git init -q base &&
	(
		cd base &&
		echo one >f && git add f && git commit -q -m one &&
		echo two >f && git commit -q -a -m two
	)
'

test_expect_success 'no repository at all is still "not a git repository"' '
	mkdir nowhere &&
	cd nowhere &&
	test_expect_code 128 env GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY" \
		git kvmdigest --stdout HEAD~1..HEAD 2>err &&
	grep "^fatal: not a git repository" err
'

test_expect_success 'SHA-256 object names (extensions.objectFormat)' '
	git init -q --object-format=sha256 sha256 &&
	cd sha256 &&
	echo one >f && git add f && git commit -q -m one &&
	echo two >f && git commit -q -a -m two &&
	check_refused objectformat
'

test_expect_success 'another ref storage (extensions.refStorage)' '
	cp -R base reftable &&
	cd reftable &&
	git config core.repositoryFormatVersion 1 &&
	git config extensions.refStorage reftable &&
	check_refused refstorage
'

test_expect_success 'a partial clone as git 2.39 makes it opens; what it lacks is skipped' '
	git -C base config uploadpack.allowFilter true &&
	git clone -q --filter=blob:none "file://$PWD/base" partial &&
	cd partial &&
	test_must_fail git config extensions.partialClone &&
	# the checkout fetched the blobs of HEAD, not those of HEAD~1
	git kvmdigest --stdout HEAD~1..HEAD >out 2>err &&
	grep "^warning: skipping commit [0-9a-f]*: cannot diff it: object not found" err
'

test_expect_success 'a partial clone marked as older gits do (extensions.partialClone)' '
	git clone -q --filter=blob:none "file://$PWD/base" old-partial &&
	cd old-partial &&
	git config extensions.partialClone origin &&
	check_refused partialclone
'

test_done
