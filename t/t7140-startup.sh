#!/bin/sh

test_description='what every run does before its work

libgit2 1.5 built with mbedTLS parses the whole system CA bundle when it
starts (8-10 ms of every run, the fetch hook'"'"'s digest included).
git-kvmdigest opens no TLS connection through libgit2, and defines the
function that reads the bundle itself, so that the dynamic linker binds
libgit2'"'"'s call to one that loads nothing.  The same for libssh2'"'"'s
initialization (its crypto library, set up and torn down on every run):
no SSH session is opened through libgit2 either.
'
. "$(dirname "$0")"/test-lib.sh

program=$(command -v git-kvmdigest)

if ! ldd "$program" 2>/dev/null | grep -q "libmbedx509"
then
	skip_all='libgit2 is not built with mbedTLS here'
	test_done
fi
command -v strace >/dev/null 2>&1 && test_set_prereq STRACE

test_expect_success 'libgit2 calls our mbedtls_x509_crt_parse_file' '
	LD_DEBUG=bindings git-kvmdigest --version >out 2>bindings &&
	grep "^git-kvmdigest version" out &&
	grep "binding file [^ ]*libgit2[^ ]* .* to [^ ]*git-kvmdigest .*mbedtls_x509_crt_parse_file" \
		bindings
'

test_expect_success 'libgit2 calls our libssh2_init and libssh2_exit' '
	if ! ldd "$program" | grep -q libssh2
	then
		say "# skipping: libgit2 is not built with libssh2 here" &&
		return 0
	fi &&
	LD_DEBUG=bindings git-kvmdigest --version >out 2>bindings &&
	grep "^git-kvmdigest version" out &&
	grep "binding file [^ ]*libgit2[^ ]* .* to [^ ]*git-kvmdigest .*libssh2_init" bindings &&
	grep "binding file [^ ]*libgit2[^ ]* .* to [^ ]*git-kvmdigest .*libssh2_exit" bindings
'

# LeakSanitizer (make test SANITIZE=1) refuses to run under ptrace
test_expect_success STRACE 'so no run opens the CA bundle' '
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat,open -o trace git-kvmdigest --version >out &&
	grep "^git-kvmdigest version" out &&
	grep "libgit2" trace &&
	! grep -i "\.crt\|/certs" trace
'

test_done
