#!/usr/bin/env bash
# The languages worker against the real github-linguist (Debian ruby-github-linguist) on the same tree, interleaved
# in one run. Linguist 7.22 reads git repositories only, so it gets a committed copy of the tree; the worker gets a
# plain copy with the same files. Both are timed end to end (process start to exit). Figures: docs/benchmarks.md.
#
#   bash bench/languages.sh [TREE] [ROUNDS]        (default: /usr/lib/python3.11, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-/usr/lib/python3.11}
rounds=${2:-3}
command -v github-linguist >/dev/null || { echo "github-linguist is missing: apt-get install -y ruby-github-linguist" >&2; exit 2; }
dotnet build Cli -c Release -v q -nologo >/dev/null
cucos=Cli/bin/Release/net10.0/cucos.dll

scratch=$(mktemp -d /tmp/cucos-languages-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/plain" "$scratch/git"
(cd "$tree" && tar --exclude=.git -cf - .) | tee >(cd "$scratch/plain" && tar -xf -) | (cd "$scratch/git" && tar -xf -)
git -C "$scratch/git" init -q
git -C "$scratch/git" add -A -f
git -C "$scratch/git" -c user.name=bench -c user.email=bench@localhost commit -q -m tree --no-verify
files=$(find "$scratch/plain" -type f | wc -l)
bytes=$(du -sb "$scratch/plain" | cut -f1)
echo "tree: $tree, $files files, $((bytes / 1024 / 1024)) MiB; $(nproc) cores"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
printf '%-6s %-28s %10s %10s\n' round tool seconds files/s
for round in $(seq 1 "$rounds"); do
  t=$(seconds github-linguist "$scratch/git" --json)
  printf '%-6s %-28s %10.2f %10.0f\n' "$round" "github-linguist 7.22" "$t" "$(echo "$files / $t" | bc -l)"
  t=$(seconds dotnet "$cucos" worker languages "$scratch/plain" --output "$scratch/result.json")
  printf '%-6s %-28s %10.2f %10.0f\n' "$round" "cucos worker languages" "$t" "$(echo "$files / $t" | bc -l)"
done
