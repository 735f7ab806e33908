#!/bin/sh

test_description='make install and make uninstall

Builds a copy of the source tree (so the build under test is left as it
is), installs it under a prefix in the trash directory and runs the
installed git kvmdigest from there: -h, --version, the manual page
through git help, a digest of the sample archive and install-hooks,
which must take the hook scripts from the installed share directory.
Then make uninstall must leave the prefix empty, and DESTDIR must
stage an install under another root.
'
. "$(dirname "$0")"/test-lib.sh

SRC=$(cd "$TEST_DIRECTORY/.." && pwd)

if ! command -v asciidoctor >/dev/null 2>&1
then
	skip_all='asciidoctor not found: make install needs it for the manual page'
	test_done
fi

# The make that runs this script (make test) must not steer the builds here.
unset MAKEFLAGS MFLAGS MAKELEVEL DESTDIR
# install-hooks would take the scripts from there instead.
unset KVMD_HOOKS_DIR

prefix=$TRASH_DIRECTORY/prefix
PATH=$prefix/bin:$PATH
MANPATH=$prefix/share/man
MANPAGER=cat
MANWIDTH=200
export PATH MANPATH MANPAGER MANWIDTH

# Can man show a page from MANPATH here?  (Minimized systems stub it out.)
mkdir -p man-probe/man1 &&
printf '.TH KVMDPROBE 1\n.SH NAME\nkvmdprobe \\- a probe page\n' \
	>man-probe/man1/kvmdprobe.1 &&
if MANPATH=$TRASH_DIRECTORY/man-probe man kvmdprobe 2>/dev/null |
   grep "kvmdprobe - a probe page" >/dev/null
then
	test_set_prereq MAN
fi

# write_script FILE <script: an executable shell script.
write_script () {
	{ echo "#!/bin/sh" && cat; } >"$1" &&
	chmod +x "$1"
}

# What man printed, without overstrike and with the NAME line checked.
check_manual () {
	bs=$(printf "\b") &&
	sed -e "s/.$bs//g" "$1" >"$1.plain" &&
	grep -x " *git-kvmdigest - Digest a mailing-list archive or kernel history into git notes" \
		"$1.plain"
}

test_expect_success 'setup: a copy of the source tree' '
	mkdir src &&
	if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1
	then
		# what the project holds, without t/ and without build products
		git -C "$SRC" ls-files -co --exclude-standard -- ":!t" >files.all &&
		while read -r f
		do
			if test -f "$SRC/$f"
			then
				echo "$f"
			fi
		done <files.all >files &&
		(cd "$SRC" && tar -cf - -T "$TRASH_DIRECTORY/files") |
		(cd src && tar -xf -)
	else
		for f in "$SRC"/* "$SRC"/.[!.]*
		do
			case "${f##*/}" in
			t|.git|demo) ;;
			*) cp -R "$f" src/ || return 1 ;;
			esac
		done &&
		make -C src clean >/dev/null &&
		rm -f src/Documentation/*.1
	fi &&
	test -f src/Makefile &&
	test -f src/Documentation/git-kvmdigest.adoc
'

test_expect_success 'make install prefix=...' '
	make -C src -j4 install prefix="$prefix" >install.log 2>&1 &&
	test_path_is_file "$prefix/bin/git-kvmdigest" &&
	test -x "$prefix/bin/git-kvmdigest" &&
	test_path_is_file "$prefix/share/man/man1/git-kvmdigest.1" &&
	test_path_is_file "$prefix/share/git-kvmdigest/hooks/post-merge" &&
	test_path_is_file "$prefix/share/git-kvmdigest/hooks/reference-transaction" &&
	test_set_prereq INSTALLED
'

# A PATH like this one without asciidoctor, and a package manager that
# records what it is asked for and "installs" asciidoctor by putting a
# wrapper of the real one on that PATH.  Nothing is installed for real.
test_expect_success INSTALLED 'setup: a PATH without asciidoctor' '
	real_asciidoctor=$(command -v asciidoctor) &&
	mkdir nodoc-bin &&
	(
		IFS=: &&
		for dir in $PATH
		do
			for f in "$dir"/*
			do
				name=${f##*/} &&
				if test -x "$f" && ! test -d "$f" &&
				   test "$name" != asciidoctor &&
				   ! test -e "nodoc-bin/$name" && ! test -h "nodoc-bin/$name"
				then
					ln -s "$f" "nodoc-bin/$name" || exit 1
				fi
			done
		done
	) &&
	for fake in dpkg-query apt-get sudo
	do
		rm -f "nodoc-bin/$fake" || return 1
	done &&
	write_script asciidoctor.wrapper <<-EOF &&
	exec "$real_asciidoctor" "\$@"
	EOF
	write_script nodoc-bin/dpkg-query <<-EOF &&
	# every package is there but asciidoctor, until apt-get puts it there
	for p
	do
		pkg=\$p
	done
	if test "\$pkg" = asciidoctor && ! test -x "$TRASH_DIRECTORY/nodoc-bin/asciidoctor"
	then
		exit 1
	fi
	printf "install ok installed"
	EOF
	write_script nodoc-bin/apt-get <<-EOF &&
	echo "apt-get \$*" >>"$TRASH_DIRECTORY/apt.log"
	case " \$* " in
	*" install "*" asciidoctor "*)
		cp "$TRASH_DIRECTORY/asciidoctor.wrapper" "$TRASH_DIRECTORY/nodoc-bin/asciidoctor" ;;
	esac
	EOF
	write_script nodoc-bin/sudo <<-\EOF &&
	exec "$@"
	EOF
	(PATH=$TRASH_DIRECTORY/nodoc-bin && ! command -v asciidoctor) &&
	test_set_prereq NODOC_PATH
'

test_expect_success NODOC_PATH 'make install installs asciidoctor when it is missing' '
	rm -f src/Documentation/git-kvmdigest.1 apt.log &&
	PATH=$TRASH_DIRECTORY/nodoc-bin make -C src install \
		prefix="$TRASH_DIRECTORY/prefix-nodoc" >install-nodoc.log 2>&1 &&
	grep "apt-get install .* asciidoctor" apt.log &&
	test_path_is_file "$TRASH_DIRECTORY/prefix-nodoc/share/man/man1/git-kvmdigest.1" &&
	# and nothing more once it is there
	rm -f src/Documentation/git-kvmdigest.1 apt.log &&
	PATH=$TRASH_DIRECTORY/nodoc-bin make -C src install \
		prefix="$TRASH_DIRECTORY/prefix-nodoc" >install-nodoc.log 2>&1 &&
	test_path_is_missing apt.log
'

test_expect_success NODOC_PATH 'make test installs what the tests need before it builds' '
	rm -f nodoc-bin/asciidoctor apt.log &&
	# the copy has no t/: the install must come before that fails
	test_must_fail env PATH="$TRASH_DIRECTORY/nodoc-bin" \
		make -C src test >test-nodoc.log 2>&1 &&
	grep "apt-get install .* asciidoctor" apt.log &&
	grep -n "^Installing: asciidoctor" test-nodoc.log >installing &&
	grep -n "t/[a-z-]*\.sh" test-nodoc.log >ran &&
	test "$(cut -d: -f1 installing)" -lt "$(cut -d: -f1 ran | head -n 1)"
'

test_expect_success INSTALLED 'the build under test is left alone' '
	! grep -F "$prefix" "$SRC/BUILD_FLAGS"
'

test_expect_success INSTALLED 'git runs the installed git-kvmdigest' '
	echo "$prefix/bin/git-kvmdigest" >expect &&
	command -v git-kvmdigest >actual &&
	test_cmp expect actual
'

test_expect_success INSTALLED 'git kvmdigest -h prints the usage' '
	test_expect_code 129 git kvmdigest -h >usage &&
	grep "^usage: git kvmdigest " usage &&
	grep -e "^    --\[no-\]stdout " usage
'

test_expect_success INSTALLED 'git kvmdigest --version' '
	version=$(sed -n -e "s/^VERSION = //p" src/Makefile) &&
	test -n "$version" &&
	git kvmdigest --version >out &&
	echo "git-kvmdigest version $version" >expect &&
	head -n 1 out >actual &&
	test_cmp expect actual
'

test_expect_success INSTALLED,MAN 'git help kvmdigest shows the manual page' '
	git help kvmdigest >help 2>help.err &&
	check_manual help
'

test_expect_success INSTALLED,MAN 'git kvmdigest --help shows the manual page' '
	git kvmdigest --help >help 2>help.err &&
	check_manual help
'

test_expect_success INSTALLED,MAN 'git-kvmdigest --help asks git help too' '
	git-kvmdigest --help >help 2>help.err &&
	check_manual help
'

test_expect_success INSTALLED 'the installed program digests the sample archive' '
	git clone -q --bare "$SRC"/sample/kvm-seed.bundle sample.git &&
	old=$(git -C sample.git rev-list --max-parents=0 master) &&
	new=$(git -C sample.git rev-parse master) &&
	expect_for "$old" "$new" >expect &&
	git -C sample.git kvmdigest --stdout "$old..$new" >actual &&
	test_cmp expect actual
'

test_expect_success INSTALLED 'install-hooks takes the hooks from the installed share directory' '
	hooks="$prefix/share/git-kvmdigest/hooks" &&
	# mark the installed scripts, to tell them from those of the build tree
	for h in post-merge reference-transaction
	do
		echo "# installed copy" >>"$hooks/$h" || return 1
	done &&
	git init -q repo &&
	git -C repo kvmdigest install-hooks >out &&
	for h in post-merge reference-transaction
	do
		test_cmp "$hooks/$h" "repo/.git/hooks/$h" &&
		test -x "repo/.git/hooks/$h" || return 1
	done
'

test_expect_success INSTALLED 'the installed hooks digest a fetch' '
	git -C repo remote add lore "$TRASH_DIRECTORY/sample.git" &&
	git -C repo config kvmdigest.ref "refs/remotes/lore/*" &&
	git -C repo fetch -q lore &&
	# make the next fetch bring the last 3 messages
	git -C repo update-ref refs/remotes/lore/master "$new~3" "$new" &&
	git -C repo fetch -q lore 2>fetch.err &&
	git -C repo kvmdigest hook wait 2>>fetch.err &&
	! grep warning fetch.err &&
	git -C repo notes --ref=kvmdigest show "$new" >note &&
	printf "From %.8s to %.8s\n" "$(git -C repo rev-parse "$new~3")" "$new" >expect &&
	head -n 1 note >actual &&
	test_cmp expect actual
'

test_expect_success INSTALLED 'uninstall-hooks removes them' '
	git -C repo kvmdigest uninstall-hooks &&
	test_path_is_missing repo/.git/hooks/post-merge &&
	test_path_is_missing repo/.git/hooks/reference-transaction
'

test_expect_success INSTALLED 'make uninstall leaves the prefix empty' '
	make -C src uninstall prefix="$prefix" >uninstall.log 2>&1 &&
	find "$prefix" -mindepth 1 >left &&
	test_line_count = 0 left
'

test_expect_success 'make install DESTDIR=... prefix=/usr stages under DESTDIR' '
	make -C src -j4 install DESTDIR="$TRASH_DIRECTORY/dest" prefix=/usr \
		>install-destdir.log 2>&1 &&
	cat >expect <<-\EOF &&
	./usr/bin/git-kvmdigest
	./usr/share/git-kvmdigest/hooks/post-merge
	./usr/share/git-kvmdigest/hooks/reference-transaction
	./usr/share/man/man1/git-kvmdigest.1
	EOF
	(cd dest && find . -type f) | sort >actual &&
	test_cmp expect actual &&
	# the program looks for its hooks where they will be, not in DESTDIR
	grep -a -F /usr/share/git-kvmdigest dest/usr/bin/git-kvmdigest >/dev/null &&
	! grep -a -F "$TRASH_DIRECTORY/dest" dest/usr/bin/git-kvmdigest >/dev/null
'

test_expect_success 'make uninstall DESTDIR=... prefix=/usr removes it all' '
	make -C src uninstall DESTDIR="$TRASH_DIRECTORY/dest" prefix=/usr \
		>uninstall-destdir.log 2>&1 &&
	find dest/usr -mindepth 1 >left &&
	test_line_count = 0 left
'

test_done
