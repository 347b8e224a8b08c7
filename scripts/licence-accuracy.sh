#!/usr/bin/env bash
# Agreement of source_licenses with licensecheck (the Debian package), file by file, on real source trees.
# usage: scripts/licence-accuracy.sh [TREE...]   (default: trees every machine of this kind has)
# Needs: licensecheck (apt-get install licensecheck), python3, the .NET SDK. Figures go to docs/accuracy.md.
# CUCOS_BEFORE=/path/to/another/checkout (e.g. a `git worktree` of main) also runs that checkout's source_licenses
# against the same licensecheck output: before and after figures from one run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v licensecheck >/dev/null || { echo "error: licensecheck is not installed: apt-get install -y licensecheck" >&2; exit 1; }
trees=("$@")
[ "${#trees[@]}" -gt 0 ] || trees=(/usr/lib/node_modules/npm /usr/include /usr/share/perl5)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build -c Release "$root/Cli" -v quiet -nologo >/dev/null
cucos="$root/Cli/bin/Release/net10.0/cucos.dll"
before="${CUCOS_BEFORE:-}"
if [ -n "$before" ]; then
  [ -d "$before/Cli" ] || { echo "error: CUCOS_BEFORE=$before is not a checkout of this project (no Cli folder); give the root of one." >&2; exit 1; }
  dotnet build -c Release "$before/Cli" -v quiet -nologo >/dev/null
fi
licensecheck --version | head -n 1
for tree in "${trees[@]}"; do
  [ -d "$tree" ] || { echo "skipping $tree: not a directory" >&2; continue; }
  # Every file (not only licensecheck's list of source extensions), its default reading depth, SPDX names.
  (cd "$tree" && licensecheck -r --shortname-scheme=spdx --check='.*' -m . > "$work/licensecheck.tsv" 2>/dev/null)
  if [ -n "$before" ]; then
    dotnet "$before/Cli/bin/Release/net10.0/cucos.dll" worker source_licenses "$tree" --output "$work/before.json"
    python3 "$root/scripts/licence_accuracy.py" "$tree" "$work/licensecheck.tsv" "$work/before.json" " (before)"
    echo
  fi
  dotnet "$cucos" worker source_licenses "$tree" --output "$work/ours.json"
  python3 "$root/scripts/licence_accuracy.py" "$tree" "$work/licensecheck.tsv" "$work/ours.json"
  echo
done
