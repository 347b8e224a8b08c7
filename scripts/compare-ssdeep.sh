#!/usr/bin/env bash
# ssdeep agreement on real files (docs/accuracy.md): the digests worker's ssdeep value of every file of each TREE
# against what the installed ssdeep tool prints for it. Prints files compared and identical per tree, and the
# first differences if any.
# usage: bash scripts/compare-ssdeep.sh TREE...      needs: ssdeep (Debian package), python3
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ssdeep >/dev/null || { echo "error: ssdeep is missing: apt-get install -y --no-install-recommends ssdeep" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: bash scripts/compare-ssdeep.sh TREE..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build Cli -c Release -o "$work/cli" -v quiet -nologo >/dev/null
for tree in "$@"; do
  tree=$(readlink -f "$tree")
  "$work/cli/cucos" worker digests "$tree" --output "$work/ours.json"
  (cd "$tree" && ssdeep -r -l -s . > "$work/theirs.txt")
  python3 - "$tree" "$work/ours.json" "$work/theirs.txt" <<'PY'
import json, sys
tree, ours_path, theirs_path = sys.argv[1:4]
ours = {f["path"]: (f["ssdeep"], f["size"]) for f in json.load(open(ours_path))["details"]["files"]}
theirs = {}
for line in open(theirs_path, encoding="utf-8", errors="surrogateescape").read().splitlines()[1:]:
    signature, _, name = line.partition(',"')
    theirs[name[:-1].removeprefix("./")] = signature
common = sorted(set(ours) & set(theirs))
same = [p for p in common if ours[p][0] == theirs[p]]
size = sum(ours[p][1] for p in common)
print(f"{tree}: {len(common)} files ({size / 1e6:.1f} MB) compared, {len(same)} identical"
      f" ({len(ours) - len(common)} only in ours, {len(theirs) - len(common)} only in ssdeep's output)")
for p in [p for p in common if ours[p][0] != theirs[p]][:5]:
    print(f"  differs: {p} ({ours[p][1]} bytes): ours {ours[p][0]}, ssdeep {theirs[p]}")
PY
done
