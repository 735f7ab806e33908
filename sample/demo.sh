#!/bin/sh
#
# demo.sh - digest the bundled sample archive, as `make demo` shows it.
#
# The sample is a git bundle of a public-inbox v2 archive of 36 KVM list
# messages (made by sample/make-sample.sh), so the demo needs no
# public-inbox.  It is cloned to demo/kvm.git, its window after the first
# message is digested into a note, and the note is shown.

set -e
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/demo/kvm.git
PATH=$top:$PATH
export PATH

rm -rf "$dir"
git clone -q --bare "$top/sample/kvm-seed.bundle" "$dir"
old=$(git -C "$dir" rev-list --max-parents=0 HEAD)
new=$(git -C "$dir" rev-parse HEAD)

git -C "$dir" kvmdigest -q "$old..$new"
git -C "$dir" notes --ref=kvmdigest show "$new"

cat <<MSG
======================================================================
The digest above is a note on $(printf %.12s "$new") in refs/notes/kvmdigest
of the sample archive cloned to demo/kvm.git.  Read it again with:

    git -C demo/kvm.git notes --ref=kvmdigest show $(printf %.12s "$new")
    git -C demo/kvm.git log -1 --notes=kvmdigest
MSG
