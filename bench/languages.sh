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
echo "tree: $tree, $files files, $((bytes / 1024 / 1024)) MiB; $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"

# Wall seconds, and CPU seconds (user + system), which a machine shared with other work disturbs less.
measure() { /usr/bin/time -f "%e %U %S" -o "$scratch/time" "$@" >/dev/null; awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$scratch/time"; }
printf '%-6s %-24s %8s %8s %8s %12s\n' round tool wall-s cpu-s files/s files/cpu-s
report() {
  read -r wall cpu <<<"$3"
  printf '%-6s %-24s %8.2f %8.2f %8.0f %12.0f\n' "$1" "$2" "$wall" "$cpu" "$(echo "$files / $wall" | bc -l)" "$(echo "$files / $cpu" | bc -l)"
}
for round in $(seq 1 "$rounds"); do
  report "$round" "github-linguist 7.22" "$(measure github-linguist "$scratch/git" --json)"
  report "$round" "cucos worker languages" "$(measure dotnet "$cucos" worker languages "$scratch/plain" --output "$scratch/result.json")"
done
