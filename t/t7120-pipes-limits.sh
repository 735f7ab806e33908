#!/bin/sh

test_description='a closed pipe, a file size limit and a huge -j, as git meets them

A reader that stops reading (git kvmdigest --stdout | head -1) ends the
program by SIGPIPE with nothing said, as git does, even when whoever
started it ignored SIGPIPE; past `ulimit -f` the spill file falls back to
memory as on a full disk, instead of SIGXFSZ killing the run; -j is
capped before anything is allocated for the readers.
'
. "$(dirname "$0")"/test-lib.sh

SRC=$TEST_DIRECTORY/..

command -v perl >/dev/null 2>&1 && test_set_prereq PERL

# closed_pipe <command> [<arg>...]: runs it with standard output a pipe
# whose reading end is already closed (no race with a reader that has
# not exited yet) and SIGPIPE ignored, as a parent like Python leaves
# it; its exit status goes to "status".
closed_pipe () {
	perl -e '
		$SIG{PIPE} = "IGNORE";
		pipe(my $r, my $w) or die "pipe: $!";
		close($r);
		open(STDOUT, ">&", $w) or die "dup: $!";
		close($w);
		system(@ARGV);
		open(my $s, ">", "status") or die;
		print $s (($? & 127) ? 128 + ($? & 127) : $? >> 8), "\n";
	' "$@"
}

test_expect_success 'setup: the sample archive' '
	git clone -q --bare "$SRC"/sample/kvm-seed.bundle sample.git &&
	old=$(git -C sample.git rev-list --max-parents=0 master) &&
	new=$(git -C sample.git rev-parse master) &&
	range=$old..$new &&
	expect_for "$old" "$new" >expect
'

test_expect_success PERL 'a closed pipe ends git-kvmdigest by SIGPIPE, silently' '
	(
		cd sample.git &&
		closed_pipe git-kvmdigest --stdout "$range" 2>../err
	) &&
	echo 141 >expect.status &&
	test_cmp expect.status sample.git/status &&
	test_must_be_empty err
'

test_expect_success PERL 'through git, and for --format=json too' '
	closed_pipe git -C sample.git kvmdigest --stdout "$range" 2>err &&
	test_cmp expect.status status &&
	test_must_be_empty err &&
	closed_pipe git -C sample.git kvmdigest --format=json "$range" 2>err &&
	test_cmp expect.status status &&
	test_must_be_empty err
'

test_expect_success '| head -n 1 says nothing either' '
	git -C sample.git kvmdigest --stdout "$range" 2>err | head -n 1 >actual &&
	head -n 1 expect >expect.first &&
	test_cmp expect.first actual &&
	test_must_be_empty err
'

test_expect_success 'a digest past ulimit -f: the spill file falls back to memory' '
	# the archive index the JSON digest above made would be kept current
	# too, and could not be: one warning (t8100); this is about the spill
	rm -rf sample.git/kvmdigest &&
	# the smallest limit; standard output is a pipe, which it does not limit
	(
		ulimit -f 1 &&
		git -C sample.git kvmdigest --stdout --jobs=1 "$range" 2>err
		echo $? >status
	) | cat >actual &&
	echo 0 >expect.status &&
	test_cmp expect.status status &&
	test_cmp expect actual &&
	test_must_be_empty err
'

test_expect_success '-j 2147483647 is capped before the readers are allocated' '
	git -C sample.git kvmdigest --stdout -j 2147483647 "$range" >actual 2>err &&
	test_cmp expect actual &&
	test_must_be_empty err &&
	git -C sample.git -c kvmdigest.jobs=2147483647 kvmdigest --stdout "$range" >actual &&
	test_cmp expect actual
'

test_done
