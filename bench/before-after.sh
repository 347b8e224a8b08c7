#!/usr/bin/env bash
# Before and after a change, in one run: the analysis flow and the content workers of BASE (a commit, tag or branch)
# and of the working tree's HEAD, each a Release build of its own, run alternately round by round on the same machine
# and the same files, so that the machine's load falls on both alike.
#   flow      bench/Cucos.Orleans.Bench in memory (init -> 6 no-op tasks -> callback on the embedded cluster):
#             analyses per second, p50/p99 latency, CPU and allocation per analysis;
#   workers   'cucos worker TASK TREE' for digests, binary_data, languages, source_licenses, crypto_algorithms and
#             metadata, as a user runs them (.NET start-up included): wall-clock seconds.
# usage: bash bench/before-after.sh BASE [ROUNDS] [ANALYSES]
#   ROUNDS defaults to 3, ANALYSES (per flow run) to 2000 after 500 warm-up; ANALYSES=0 skips the flow.
#   TASKS (default: all six workers above) picks the workers, e.g. TASKS=binary_data for a change to one of them.
#   CONTENT_TREE (default: the .NET shared framework, ~100 MB of DLLs) is digested and scanned for binary content;
#   SOURCE_TREE (default: Python's standard library, ~1,400 source files) is classified, and read for licences,
#   cryptography and manifests.
# Figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bash bench/before-after.sh BASE [ROUNDS] [ANALYSES]}
rounds=${2:-3}
analyses=${3:-2000}
content_tree=${CONTENT_TREE:-$(dirname "$(readlink -f "$(command -v dotnet)")")/shared}
source_tree=${SOURCE_TREE:-$(ls -d /usr/lib/python3.[0-9]* 2>/dev/null | head -n 1)}
[ -d "$content_tree" ] || { echo "error: CONTENT_TREE '$content_tree' is not a folder." >&2; exit 2; }
[ -d "$source_tree" ] || { echo "error: SOURCE_TREE '$source_tree' is not a folder; set SOURCE_TREE to a folder of source files." >&2; exit 2; }
git rev-parse --verify -q "$base^{commit}" >/dev/null || { echo "error: '$base' is not a commit of this repository." >&2; exit 2; }

work=$(mktemp -d)
cleanup() { git worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add -q --detach "$work/base-src" "$base"

build() { # build SOURCE OUT: the CLI and the flow bench of one tree, in Release
  dotnet build "$1/Cli" -c Release -o "$2/cli" -v quiet -nologo >/dev/null
  [ "$analyses" = 0 ] || dotnet build "$1/bench/Cucos.Orleans.Bench" -c Release -o "$2/bench" -v quiet -nologo >/dev/null
}
echo "building $base and HEAD ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with uncommitted changes'))..."
build "$work/base-src" "$work/base"
build . "$work/head"

find "$content_tree" "$source_tree" -type f -print0 | xargs -0 cat > /dev/null # warm the page cache
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || { echo "error: '$*' failed" >&2; exit 1; }; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'; }

echo "content tree: $content_tree ($(find "$content_tree" -type f | wc -l) files); source tree: $source_tree ($(find "$source_tree" -type f | wc -l) files); $(nproc) cores"
tasks=${TASKS:-digests binary_data languages source_licenses crypto_algorithms metadata}
for round in $(seq 1 "$rounds"); do
  [ "$analyses" = 0 ] && break
  [ "$round" = 1 ] && printf '\n## flow (in memory, %s analyses, 64 in flight, 500 warm-up)\n' "$analyses"
  for side in base head; do
    dotnet "$work/$side/bench/Cucos.Orleans.Bench.dll" --analyses "$analyses" --warmup 500 2>&1 | grep '^| [ei]' | sed "s/^/round $round $side /"
  done
done
echo
echo "## workers (seconds per run, .NET start-up included)"
printf '%-6s %-18s %9s %9s\n' round task base head
for round in $(seq 1 "$rounds"); do
  for task in $tasks; do
    case $task in digests|binary_data) tree=$content_tree ;; *) tree=$source_tree ;; esac
    b=$(seconds "$work/base/cli/cucos" worker "$task" "$tree" --output "$work/out.json")
    h=$(seconds "$work/head/cli/cucos" worker "$task" "$tree" --output "$work/out.json")
    printf '%-6s %-18s %9s %9s\n' "$round" "$task" "$b" "$h"
  done
done
