#!/bin/sh
#
# make-sample.sh - rebuild sample/kvm-seed.bundle from the test fixture
#
# usage: sample/make-sample.sh [OUTPUT.bundle]
#
# The demo digests a real public-inbox archive but must not need
# public-inbox installed, so the archive built from t/t1000/kvm-seed.mbox
# ships as a git bundle.  This builds it the same way the tests do (with
# t/lib-inbox.sh) in a scratch HOME, then bundles the epoch's history.
# Clone it with: git clone --bare sample/kvm-seed.bundle kvm.git

set -e

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/sample/kvm-seed.bundle}
case "$out" in
/*) ;;
*) out="$PWD/$out" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-sample.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A scratch HOME keeps public-inbox and git away from the user's
# configuration; nothing from the caller's GIT_* may point git elsewhere.
HOME=$tmp
export HOME
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
	GIT_CONFIG GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT \
	XDG_CONFIG_HOME PI_CONFIG PI_DIR PI_EMERGENCY
GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_NOSYSTEM

. "$top/t/lib-inbox.sh"

inbox_create "$tmp/kvm" >/dev/null
inbox_deliver_mbox "$tmp/kvm" "$top/t/t1000/kvm-seed.mbox"

g=$tmp/kvm/git/0.git
# HEAD too, so that a clone of the bundle checks out master.  One pack
# thread makes the pack, and so the bundle, the same on every run.
git --git-dir="$g" -c pack.threads=1 bundle create -q "$out" HEAD master

echo "wrote $out: $(git --git-dir="$g" rev-list --count master) messages," \
	"root $(git --git-dir="$g" rev-list --max-parents=0 master)," \
	"tip $(git --git-dir="$g" rev-parse master)"
