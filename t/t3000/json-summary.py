#!/usr/bin/env python3
"""json-summary.py FILE: what t3000-code.sh checks of a --format=json digest.

Loads FILE (failing on invalid JSON) and prints, one per line:

    mode <mode>
    messages <n>
    commits <n>
    skipped <n>
    entries <kind> <n>                 (one line per kind, sorted)
    contributors <count> <email>       (sorted, as the text tables give them)
    signers <count> <email>
    reviewers <count> <email>
    entry <12-hex> <kind> <contributor email>   (in order)

and, with --diffstat, for every entry "commit <full hash>" and then its
diffstat block (nothing for a patch), as t3000-code.sh builds them from
git format-patch.  One process per digest: python starts slowly.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    diffstat = "--diffstat" in args
    args = [a for a in args if a != "--diffstat"]
    with open(args[0], encoding="utf-8") as f:
        d = json.load(f)
    out = []
    if diffstat:
        for e in d["entries"]:
            out.append("commit %s\n%s" % (e["commit"], e["diffstat"] or ""))
        sys.stdout.write("".join(out))
        return
    for key in ("mode", "messages", "commits", "skipped"):
        out.append("%s %s\n" % (key, d[key]))
    kinds = {}
    for e in d["entries"]:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    for kind in sorted(kinds):
        out.append("entries %s %d\n" % (kind, kinds[kind]))
    for table in ("contributors", "signers", "reviewers"):
        rows = sorted("%d %s" % (r["count"], r["email"]) for r in d[table])
        out.extend("%s %s\n" % (table, r) for r in rows)
    for e in d["entries"]:
        out.append("entry %s %s %s\n" % (e["commit"][:12], e["kind"],
                                         e["contributor"]["email"]))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
