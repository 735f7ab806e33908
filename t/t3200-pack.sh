#!/bin/sh

test_description='the pack reader: every object as git reads it, damage handed on

lib/pack.c reads packs itself (for its delta-base cache) in front of
libgit2.  t/helper/test-pack reads objects through it alone and checks
that each one hashes back to its id; these tests compare that with
git cat-file over packs written by fast-import (long chains, older
versions as bases), by pack-objects (offset and ref deltas, 64-bit
offsets), an index version the reader leaves to libgit2, several
packs, small caches that evict, and damaged packs.  The digest itself
must not change with any of them.
'
. "$(dirname "$0")"/test-lib.sh

test_require_helper test-pack
if ! command -v python3 >/dev/null 2>&1
then
	skip_all='python3 is needed to write the fast-import stream'
	test_done
fi

# What the helper must print for every object: git's view of them.
expect_all () {
	git cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype) %(objectsize)' >expect &&
	cut -d" " -f1 expect >ids
}

# check_reader [OPTIONS]: the reader sees every object exactly as git.
check_reader () {
	"$helper" "$@" <ids >actual 2>err &&
	test_cmp expect actual
}

test_expect_success 'setup: a fast-import history with chains 49 deep' '
	git init -q --bare repo.git &&
	cat >gen.py <<-\EOF &&
	import sys
	out = sys.stdout.buffer
	def blob(mark, data):
	    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
	lines = [b"line %d of a file that changes a little each time\n" % i for i in range(400)]
	mark = 1
	for n in range(300):
	    lines[(n * 37) % 400] = b"edit %d\n" % n
	    if n % 7 == 0:
	        lines.insert((n * 11) % 400, b"inserted at %d\n" % n)
	    text = b"".join(lines)
	    blob(mark, text)
	    bmark = mark
	    mark += 1
	    binary = bytes((i * n) & 255 for i in range(3000))
	    blob(mark, binary)
	    out.write(b"commit refs/heads/master\nmark :%d\n" % (mark + 1))
	    out.write(b"author A U Thor <author@example.com> %d +0000\n" % (1700000000 + n))
	    out.write(b"committer A U Thor <author@example.com> %d +0000\n" % (1700000000 + n))
	    msg = b"edit %d\n\nSigned-off-by: A U Thor <author@example.com>\n" % n
	    out.write(b"data %d\n" % len(msg) + msg)
	    out.write(b"M 100644 :%d src/arch/x86/kvm/file.c\n" % bmark)
	    out.write(b"M 100644 :%d firmware/blob.bin\n" % mark)
	    if n % 50 == 0:
	        out.write(b"M 100644 :%d doc/copy-%d.c\n" % (bmark, n))
	    mark += 2
	EOF
	python3 gen.py | git -C repo.git fast-import --quiet &&
	cd repo.git &&
	test $(ls objects/pack/*.pack | wc -l) = 1 &&
	git verify-pack -v objects/pack/*.idx >verify &&
	# the longest chains are as long as fast-import makes them (49)
	sed -n "s/^chain length = \([0-9]*\):.*/\1/p" verify | sort -n | tail -1 >longest &&
	test $(cat longest) -ge 45 &&
	expect_all &&
	test_line_count -gt 900 ids
'

test_expect_success 'fast-import pack: every object, cold and warm cache' '
	cd repo.git &&
	check_reader &&
	cat expect expect >expect2 &&
	"$helper" --twice <ids >actual &&
	test_cmp expect2 actual
'

test_expect_success 'fast-import pack: a cache shrunk, grown or emptied between reads' '
	cd repo.git &&
	cat expect expect >expect2 &&
	"$helper" --twice --then-cache=4096 <ids >actual &&
	test_cmp expect2 actual &&
	"$helper" --cache=0 --twice --then-cache=100000000 <ids >actual &&
	test_cmp expect2 actual &&
	"$helper" --twice --then-drop <ids >actual &&
	test_cmp expect2 actual
'

test_expect_success 'fast-import pack: no cache, and a cache that evicts all the time' '
	cd repo.git &&
	check_reader --cache=0 &&
	check_reader --cache=4096 &&
	check_reader --cache=100000
'

test_expect_success 'the digest is the same whatever the cache, and without packs' '
	cd repo.git &&
	root=$(git rev-list --max-parents=0 master) &&
	git kvmdigest --stdout -q --jobs=1 $root..master >../digest.packed &&
	grep "edit 299" ../digest.packed &&
	git -c core.deltaBaseCacheLimit=0 kvmdigest --stdout -q --jobs=2 $root..master >../digest.nocache &&
	test_cmp ../digest.packed ../digest.nocache &&
	git -c core.deltaBaseCacheLimit=8k kvmdigest --stdout -q --jobs=4 $root..master >../digest.small &&
	test_cmp ../digest.packed ../digest.small &&
	git init -q --bare ../loose.git &&
	pack=$(ls objects/pack/*.pack) &&
	git -C ../loose.git unpack-objects -q <"$pack" &&
	test_path_is_missing ../loose.git/objects/pack/*.pack &&
	git -C ../loose.git update-ref refs/heads/master $(git rev-parse master) &&
	git -C ../loose.git kvmdigest --stdout -q $root..master >../digest.loose &&
	test_cmp ../digest.packed ../digest.loose
'

test_expect_success 'a bad core.deltaBaseCacheLimit is a fatal error' '
	cd repo.git &&
	test_expect_code 128 git -c core.deltaBaseCacheLimit=lots kvmdigest --stdout -q master~3..master 2>err &&
	grep "^fatal: bad numeric config value .lots. for .core.deltaBaseCacheLimit." err
'

test_expect_success 'pack-objects pack, offset deltas 250 deep' '
	cp -R repo.git ofs.git &&
	cd ofs.git &&
	git repack -q -adf --depth=250 --window=50 &&
	check_reader &&
	check_reader --cache=4096
'

test_expect_success 'pack-objects pack, deltas by object id' '
	cp -R repo.git ref.git &&
	cd ref.git &&
	git -c repack.useDeltaBaseOffset=false repack -q -adf &&
	check_reader &&
	check_reader --cache=0
'

test_expect_success 'an index with 64-bit offsets' '
	cp -R ofs.git big.git &&
	cd big.git &&
	pack=$(ls objects/pack/*.pack) &&
	rm -f "${pack%.pack}.idx" &&
	git index-pack --index-version=2,0x100 "$pack" >/dev/null &&
	check_reader
'

test_expect_success 'headers: type and size as git says, in every kind of pack' '
	for r in repo ofs ref big
	do
		(cd $r.git && check_reader --header && check_reader --header --cache=0) || return 1
	done
'

test_expect_success 'an index of version 1 is left to libgit2' '
	cp -R ofs.git v1.git &&
	cd v1.git &&
	pack=$(ls objects/pack/*.pack) &&
	rm -f "${pack%.pack}.idx" &&
	git index-pack --index-version=1 "$pack" >/dev/null &&
	"$helper" <../ofs.git/ids >actual 2>err &&
	grep "^packs: 0$" err &&
	! grep -v " missing$" actual &&
	git kvmdigest --stdout -q $(git rev-list --max-parents=0 master)..master >../digest.v1 &&
	test_cmp ../digest.packed ../digest.v1
'

test_expect_success 'several packs and loose objects' '
	cp -R repo.git multi.git &&
	cd multi.git &&
	for i in 1 2 3
	do
		blob=$(echo "more $i" | git hash-object -w --stdin) &&
		tree=$(printf "100644 blob %s\tnew-%s\n" $blob $i | git mktree) &&
		commit=$(echo "loose $i" | git commit-tree -p master $tree) &&
		git update-ref refs/heads/master $commit || return 1
	done &&
	git repack -q -d &&
	echo "a loose blob" | git hash-object -w --stdin >loose-id &&
	test $(ls objects/pack/*.pack | wc -l) = 2 &&
	expect_all &&
	"$helper" <ids >actual 2>err &&
	grep "^packs: 2$" err &&
	grep "^$(cat loose-id) missing$" actual &&
	grep -v " missing$" actual >found &&
	grep -v "^$(cat loose-id) " expect >expect.packed &&
	test_cmp expect.packed found
'

test_expect_success 'objects found only through the environment, as a pre-receive hook sees them' '
	root=$(git -C repo.git rev-list --max-parents=0 master) &&
	git init -q --bare env.git &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/repo.git/objects" \
	git -C env.git update-ref refs/heads/master $(git -C repo.git rev-parse master) &&
	# a pack of its own, so that the pack reader is in front
	echo "only here" | git -C env.git hash-object -w --stdin >own &&
	git -C env.git pack-objects -q objects/pack/pack <own >/dev/null &&
	rm -rf env.git/objects/[0-9a-f][0-9a-f] &&
	test $(ls env.git/objects/pack/*.pack | wc -l) = 1 &&
	for j in 1 2
	do
		GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/repo.git/objects" \
		git -C env.git kvmdigest --stdout -q --jobs=$j $root..master >digest.alt.$j &&
		test_cmp digest.packed digest.alt.$j || return 1
	done &&
	mkdir quarantine &&
	GIT_OBJECT_DIRECTORY="$PWD/quarantine" \
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/repo.git/objects" \
	git -C env.git kvmdigest --stdout -q --jobs=2 $root..master >digest.quarantine &&
	test_cmp digest.packed digest.quarantine
'

test_expect_success 'the packs of an alternate: clone --shared, --reference' '
	root=$(git -C repo.git rev-list --max-parents=0 master) &&
	git clone -q --bare --shared repo.git shared.git &&
	test_path_is_missing shared.git/objects/pack/*.pack &&
	(
		cd shared.git &&
		"$helper" <../repo.git/ids >actual 2>err &&
		test_cmp ../repo.git/expect actual &&
		grep "^packs: 1$" err &&
		grep "^pack: .*/repo.git/objects/pack/pack-[0-9a-f]*.idx$" err &&
		"$helper" --header <../repo.git/ids >actual &&
		test_cmp ../repo.git/expect actual &&
		git kvmdigest --stdout -q $root..master >../digest.shared
	) &&
	test_cmp digest.packed digest.shared &&
	# over a transport, so that nothing is copied
	git clone -q --bare --reference repo.git "file://$PWD/repo.git" reference.git &&
	(
		cd reference.git &&
		"$helper" <../repo.git/ids >actual 2>err &&
		test_cmp ../repo.git/expect actual &&
		grep "^packs: 1$" err &&
		grep "^pack: .*/repo.git/objects/pack/" err
	)
'

test_expect_success 'alternates: relative, of an alternate, listed twice, commented, gone' '
	mkdir chain &&
	git init -q --bare chain/one.git &&
	git init -q --bare chain/two.git &&
	# two.git -> one.git (relative) -> repo.git (absolute), and noise
	echo "$PWD/repo.git/objects" >chain/one.git/objects/info/alternates &&
	cat >chain/two.git/objects/info/alternates <<-EOF &&
	# a comment

	../../one.git/objects
	$PWD/repo.git/objects
	$PWD/no-such.git/objects
	EOF
	git -C chain/two.git update-ref refs/heads/master $(git -C repo.git rev-parse master) &&
	(
		cd chain/two.git &&
		git cat-file -e master &&
		"$helper" <../../repo.git/ids >actual 2>err &&
		test_cmp ../../repo.git/expect actual &&
		grep "^packs: 1$" err
	)
'

test_expect_success 'packs are asked newest first, the repository own before alternates' '
	git clone -q --bare --shared repo.git order.git &&
	(
		cd order.git &&
		for i in 1 2 3
		do
			echo "pack $i" | git hash-object -w --stdin >id.$i &&
			git pack-objects -q objects/pack/pack <id.$i >name.$i &&
			rm -f objects/$(cut -c1-2 id.$i)/$(cut -c3- id.$i) || return 1
		done &&
		# mtimes that run against the order in which the directory
		# lists the indexes, so that reading in that order cannot pass
		ls -f objects/pack | sed -n "s/^pack-\([0-9a-f]*\)\.idx$/\1/p" >dir-order &&
		test_line_count = 3 dir-order &&
		t=1700000000 &&
		while read name
		do
			touch -d @$t objects/pack/pack-$name.pack &&
			t=$((t + 100)) || return 1
		done <dir-order &&
		sed -n "1!G;h;\$p" dir-order >newest-first &&
		echo repo >>newest-first &&
		"$helper" </dev/null 2>err &&
		grep "^packs: 4$" err &&
		sed -n "s|^pack: .*/\([a-z]*\).git/objects/pack/pack-\([0-9a-f]*\)\.idx$|\1 \2|p" err >asked &&
		sed "s/^order //" asked | sed "s/^repo .*/repo/" >actual &&
		test_cmp newest-first actual
	)
'

test_expect_success 'a SHA-256 alternate: its packs are not read as SHA-1' '
	git init -q --object-format=sha256 s256 &&
	(
		cd s256 &&
		for i in 1 2 3
		do
			echo $i >f && git add f && git commit -q -m $i || return 1
		done &&
		git repack -q -ad &&
		test $(ls .git/objects/pack/*.pack | wc -l) = 1
	) &&
	git clone -q --bare --shared repo.git mixed.git &&
	echo "$PWD/s256/.git/objects" >>mixed.git/objects/info/alternates &&
	(
		cd mixed.git &&
		"$helper" <../repo.git/ids >actual 2>err &&
		test_cmp ../repo.git/expect actual &&
		grep "^packs: 1$" err &&
		! grep s256 err
	)
'

# A damaged pack: every read either gives the object, hands it on, or
# reports it wrong; never a crash.  Bytes are flipped across the whole
# pack (headers, offsets, zlib data, delta instructions).
test_expect_success 'damaged packs: no crash, the damage is handed on' '
	git init -q --bare small.git &&
	cd repo.git &&
	git rev-list --objects master~40..master~30 | cut -d" " -f1 >../small-ids &&
	git pack-objects -q --depth=50 ../small.git/objects/pack/pack <../small-ids >/dev/null &&
	cd ../small.git &&
	pack=$(ls objects/pack/*.pack) &&
	size=$(wc -c <"$pack") &&
	cp "$pack" ../pristine.pack &&
	chmod u+w "$pack" &&
	"$helper" <../small-ids >actual &&
	! grep -v " \(commit\|tree\|blob\) [0-9]*$" actual &&
	# every 97th byte with EXPENSIVE, else every 389th (a prime: the
	# flips fall on every kind of byte); one python runs the sweep
	if test_have_prereq EXPENSIVE; then step=97; else step=389; fi &&
	cat >sweep.py <<-\EOF &&
	import subprocess, sys
	pack, pristine, helper, ids, step = sys.argv[1:6]
	data = open(pristine, "rb").read()
	out = open("outcomes", "ab")
	for pos in range(12, len(data) - 20, int(step)):
	    flipped = bytearray(data)
	    flipped[pos] ^= 0x5a
	    open(pack, "wb").write(flipped)
	    r = subprocess.run([helper], stdin=open(ids, "rb"), stdout=out,
	                       stderr=subprocess.DEVNULL)
	    if r.returncode:
	        sys.exit("test-pack failed with the byte at %d flipped" % pos)
	EOF
	python3 sweep.py "$pack" ../pristine.pack "$helper" ../small-ids $step &&
	# damage was seen and handed on, and most objects still read
	grep -q " passthrough$" outcomes &&
	! grep " error " outcomes &&
	test $(grep -c " blob [0-9]*$" outcomes) -gt $(grep -c " passthrough$" outcomes) &&
	awk "{ print \$2 }" outcomes | sort | uniq -c
'

test_expect_success 'a digest over a damaged pack fails cleanly' '
	root=$(git -C repo.git rev-list --max-parents=0 master) &&
	cp -R repo.git broken.git &&
	cd broken.git &&
	pack=$(ls objects/pack/*.pack) &&
	chmod u+w "$pack" &&
	size=$(wc -c <"$pack") &&
	python3 -c "import sys; f = open(sys.argv[1], \"r+b\"); f.seek(int(sys.argv[2])); f.write(b\"\\xff\" * 64)" "$pack" $((size / 2)) &&
	{ git kvmdigest --stdout -q $root..master >out 2>err; code=$?; } &&
	test $code = 0 -o $code = 128 &&
	if test $code = 128
	then
		grep "^fatal: " err
	else
		grep "^warning: skipping commit" err
	fi
'


# set_offset IDX N OFFSET: the offset of the N-th object of the index.
set_offset () {
	python3 - "$@" <<-\EOF
	import struct, sys
	path, n, offset = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	idx = bytearray(open(path, "rb").read())
	nr = struct.unpack(">I", idx[8 + 255 * 4:8 + 256 * 4])[0]
	at = 8 + 256 * 4 + nr * 24 + n * 4
	idx[at:at + 4] = struct.pack(">I", offset)
	open(path, "wb").write(idx)
	EOF
}

# nth_id IDX N: the object id of the N-th object of the index.
nth_id () {
	git show-index <"$1" | sort -k2 | sed -n "$(($2 + 1))p" | cut -d" " -f2
}

test_expect_success 'an index offset outside the pack is reported, not handed on' '
	cp -R repo.git offset.git &&
	cd offset.git &&
	idx=$(ls objects/pack/*.idx) &&
	pack=${idx%.idx}.pack &&
	size=$(wc -c <"$pack") &&
	chmod u+w "$idx" &&
	one=$(nth_id "$idx" 1) && two=$(nth_id "$idx" 2) &&
	# far beyond the end, and into the checksum that ends the pack
	set_offset "$idx" 1 $((size * 8)) &&
	set_offset "$idx" 2 $((size - 10)) &&
	"$helper" <ids >actual &&
	grep "^$one error -1: damaged pack index .*/objects/pack/pack-[0-9a-f]*.idx.: object $one lies outside its pack$" actual &&
	grep "^$two error -1: damaged pack index .*: object $two lies outside its pack$" actual &&
	"$helper" --header <ids >actual &&
	grep "^$one error -1: damaged pack index .*: object $one lies outside its pack$" actual &&
	grep -v "^\($one\|$two\) " actual >rest &&
	grep -v "^\($one\|$two\) " expect >expect.rest &&
	test_cmp expect.rest rest &&
	# a whole copy in another pack still serves them
	printf "%s\n" $one $two | git -C ../repo.git pack-objects -q "$PWD/objects/pack/pack" >/dev/null &&
	"$helper" <ids >actual &&
	test_cmp expect actual
'

# libgit2 1.5 reads an index offset beyond its pack unchecked and died of
# SIGSEGV.  Seeded random bit flips (40, 120 with EXPENSIVE), two in three in the offsets (where
# a high bit sends an object past the end), the others anywhere in the
# index: every run ends with a digest, its commits skipped with a
# warning where their objects cannot be read, or a fatal error (a commit
# itself cannot be read); never a signal.
test_expect_success 'a damaged index: seeded bit flips (120 with EXPENSIVE), no crash' '
	root=$(git -C repo.git rev-list --max-parents=0 master) &&
	cat >flip.py <<-\EOF &&
	import random, struct, sys
	path, seed = sys.argv[1], int(sys.argv[2])
	idx = bytearray(open(path, "rb").read())
	nr = struct.unpack(">I", idx[8 + 255 * 4:8 + 256 * 4])[0]
	rnd = random.Random(seed)
	if seed % 3:
	    pos = 8 + 256 * 4 + nr * 24 + rnd.randrange(nr * 4)
	else:
	    pos = rnd.randrange(len(idx))
	idx[pos] ^= 1 << rnd.randrange(8)
	open(path, "wb").write(idx)
	EOF
	cp -R repo.git flip.git &&
	idx=$(ls flip.git/objects/pack/*.idx) &&
	cp "$idx" pristine.idx &&
	chmod u+w "$idx" &&
	if test_have_prereq EXPENSIVE; then seeds=120; else seeds=40; fi &&
	seed=1 &&
	while test $seed -le $seeds
	do
		cp pristine.idx "$idx" &&
		python3 flip.py "$idx" $seed &&
		{ git -C flip.git kvmdigest --stdout -q --jobs=2 $root..master >out 2>err; code=$?; } &&
		case $code in
		0|128) ;;
		*) echo "seed $seed: exit code $code" && cat err && return 1 ;;
		esac &&
		if test $code = 0
		then
			! grep -v "^warning: skipping commit " err &&
			if test -s err
			then
				grep "^Skipped [0-9]* messages* that could not be digested\.$" out
			fi
		else
			grep "^fatal: " err
		fi &&
		cat err >>all-err &&
		seed=$((seed + 1)) || return 1
	done &&
	grep "^warning: skipping commit [0-9a-f]*: .*damaged pack index .*: object [0-9a-f]* lies outside its pack$" all-err
'

test_expect_success 'kvmdigest.packReader=false leaves every read to libgit2' '
	root=$(git -C repo.git rev-list --max-parents=0 master) &&
	(
		cd repo.git &&
		git -c kvmdigest.packReader=false kvmdigest --stdout -q --jobs=2 $root..master >../digest.off &&
		git -c kvmdigest.packReader=true kvmdigest --stdout -q --jobs=2 $root..master >../digest.on
	) &&
	test_cmp digest.packed digest.off &&
	test_cmp digest.packed digest.on &&
	# an offset into the checksum at the end of the pack: the reader
	# says so; libgit2 reads a header there and says something else
	cp -R repo.git switch.git &&
	cd switch.git &&
	idx=$(ls objects/pack/*.idx) &&
	pack=${idx%.idx}.pack &&
	chmod u+w "$idx" &&
	blob=$(git rev-parse master:src/arch/x86/kvm/file.c) &&
	n=$(git show-index <"$idx" | sort -k2 | cut -d" " -f2 | grep -n "^$blob$" | cut -d: -f1) &&
	set_offset "$idx" $((n - 1)) $(($(wc -c <"$pack") - 10)) &&
	git kvmdigest --stdout -q master~1..master >out 2>err &&
	grep "^warning: skipping commit .*: object $blob lies outside its pack$" err &&
	git -c kvmdigest.packReader=false kvmdigest --stdout -q master~1..master >out 2>err &&
	grep "^warning: skipping commit " err &&
	! grep "lies outside its pack" err
'

test_expect_success 'a bad kvmdigest.packReader is a fatal error' '
	cd repo.git &&
	test_expect_code 128 git -c kvmdigest.packReader=sometimes kvmdigest --stdout -q master~3..master 2>err &&
	grep "^fatal: bad boolean config value .sometimes. for .kvmdigest.packReader." err
'

test_done
