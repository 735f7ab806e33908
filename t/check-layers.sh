#!/bin/sh
#
# check-layers.sh - fail when a lib/ module uses one above its layer
#
# usage: t/check-layers.sh [<nm>]
#
# lib/ is three layers, each using only the layers below it (README.md,
# "The code"):
#
#   1  utilities: no other module's symbols but layer 1's
#   2  model: no git objects (repositories, commits, trees, blobs, refs,
#      notes, diffs): it sees mail and commits as the engine hands them
#   3  engine: the modules that read the repository
#
# The uses are read from the object files (`nm`), not the #includes, so
# a call through a macro or a stray declaration counts too.  Within a
# layer, modules may use each other, but never in a circle.
#
# The library never prints and never exits: only usage (git's fatal:,
# error: and warning: messages) and options (usage text) write to the
# terminal, and only for the front end, so no other module may call them
# or touch stdout, stderr or exit().
#
# Every lib/*.c must be named below: a new module has to choose its layer.

LAYER1="buf usage quote config options pattern"
LAYER2="ident body mail subject trailer mailmap tally digest render render-json followup status link area"
LAYER3="inbox range watch notes hooks diffstat pack scan mailmap-repo index patchid maintainers applied"

# libgit2 calls that read or write git objects: not for layer 2
GIT_OBJECTS='^git_(repository|object|commit|tree|blob|odb|revparse|revwalk|reference|note|diff|signature|index|oid_|packbuilder|mailmap_from)'

# the front end's own utilities, and what they alone may use
PRINTERS="usage options"
PRINTING='^(stdout|stderr|printf|vprintf|puts|putchar|perror|exit|_exit|kvmd_die|kvmd_error|kvmd_fatal|kvmd_warning|kvmd_usage_with_options)$'

NM=${1:-nm}
cd "$(dirname "$0")/../lib" || exit 1

status=0
layer_of() {
	for m in $LAYER1; do test "$m" = "$1" && { echo 1; return; }; done
	for m in $LAYER2; do test "$m" = "$1" && { echo 2; return; }; done
	for m in $LAYER3; do test "$m" = "$1" && { echo 3; return; }; done
	echo 0
}

# "module symbol" for every defined and every used kvmd_ symbol
defs=$(mktemp) && uses=$(mktemp) && gits=$(mktemp) || exit 1
trap 'rm -f "$defs" "$uses" "$gits"' EXIT
for c in *.c; do
	m=${c%.c}
	o=$m.o
	if ! test -f "$o"; then
		echo "check-layers: lib/$o is not built; run make first" >&2
		exit 1
	fi
	if test "$(layer_of "$m")" = 0; then
		echo "check-layers: lib/$c is in no layer: add it to t/check-layers.sh" >&2
		status=1
	fi
	"$NM" --defined-only "$o" | awk -v m="$m" '$3 ~ /^kvmd_/ { print m, $3 }' >>"$defs"
	"$NM" --undefined-only "$o" | awk -v m="$m" '$2 ~ /^kvmd_/ { print m, $2 }' >>"$uses"
	"$NM" --undefined-only "$o" | awk -v m="$m" '$2 ~ /^git_/ { print m, $2 }' >>"$gits"
	case " $PRINTERS " in
	*" $m "*) ;;
	*)
		"$NM" --undefined-only "$o" | awk -v m="$m" -v re="$PRINTING" '$2 ~ re {
			print "check-layers: " m " prints or exits (" $2 "): the front end does that" }'
		;;
	esac
done >"$defs.print"
if test -s "$defs.print"; then
	cat "$defs.print"
	status=1
fi
rm -f "$defs.print"

# "user provider symbol" for every use between modules
edges=$(awk 'NR == FNR { def[$2] = $1; next }
	     ($2 in def) && def[$2] != $1 { print $1, def[$2], $2 }' "$defs" "$uses" | sort -u)

# uses of a higher layer
for m in $LAYER1 $LAYER2 $LAYER3; do
	lm=$(layer_of "$m")
	printf '%s\n' "$edges" | while read -r user provider sym; do
		test "$user" = "$m" || continue
		lp=$(layer_of "$provider")
		if test "$lp" -gt "$lm"; then
			echo "check-layers: $user (layer $lm) uses $sym of $provider (layer $lp)"
		fi
	done
done >"$defs.up"
if test -s "$defs.up"; then
	cat "$defs.up"
	status=1
fi
rm -f "$defs.up"

# git objects in the model layer
for m in $LAYER2; do
	awk -v m="$m" -v re="$GIT_OBJECTS" '$1 == m && $2 ~ re {
		print "check-layers: " m " (layer 2, the model) reads git objects: " $2 }' "$gits"
done | sort -u >"$gits.bad"
if test -s "$gits.bad"; then
	cat "$gits.bad"
	status=1
fi
rm -f "$gits.bad"

# circles: repeatedly drop modules that use no remaining module; what
# cannot be dropped is on (or behind) a circle
circle=$(printf '%s\n' "$edges" | awk '
	NF == 3 { e[$1 " " $2] = 1; node[$1] = 1; node[$2] = 1 }
	END {
		do {
			changed = 0
			for (n in node) {
				leaf = 1
				for (k in e) {
					split(k, p, " ")
					if (p[1] == n && (p[2] in node)) { leaf = 0; break }
				}
				if (leaf) { delete node[n]; changed = 1 }
			}
		} while (changed)
		for (n in node)
			for (k in e) {
				split(k, p, " ")
				if (p[1] == n && (p[2] in node))
					print "check-layers: circle through " p[1] " -> " p[2]
			}
	}' | sort -u)
if test -n "$circle"; then
	printf '%s\n' "$circle"
	status=1
fi

if test $status = 0; then
	echo "check-layers: lib/ is layered ($(printf '%s\n' "$edges" | awk 'NF' | wc -l) uses between modules)"
fi
exit $status
