#!/usr/bin/env bash
# Throughput of the content workers on one tree: source_licenses next to licensecheck (the baseline, same tree,
# same run, interleaved round by round), and crypto_algorithms. Each worker runs as `cucos worker` (a whole
# process: start-up, loading its data, the scan). Figures go to docs/benchmarks.md.
# Needs licensecheck and /usr/bin/time (Debian packages of those names).
# usage: bench/licences-crypto.sh [TREE] [ROUNDS]    (default: /usr/lib/node_modules/npm, 3 rounds)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tree="${1:-/usr/lib/node_modules/npm}"
rounds="${2:-3}"
command -v licensecheck >/dev/null || { echo "error: licensecheck is not installed: apt-get install -y licensecheck" >&2; exit 1; }
[ -d "$tree" ] || { echo "error: '$tree' is not a directory" >&2; exit 2; }
dotnet build -c Release "$root/Cli" -v quiet -nologo >/dev/null
cucos="$root/Cli/bin/Release/net10.0/cucos.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files=$(find "$tree" -type f | wc -l)
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "tree $tree: $files files, $((bytes / 1024 / 1024)) MiB; $rounds rounds; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# Prints "wall user+sys" seconds of one command.
measure() {
  local start end usage="$work/usage"
  start=$(date +%s.%N)
  /usr/bin/time -o "$usage" -f '%U %S' "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" '{ printf "%.2f %.2f\n", e - s, $1 + $2 }' "$usage"
}

declare -A wall cpu
for round in $(seq 1 "$rounds"); do
  for tool in licensecheck source_licenses crypto_algorithms; do
    case $tool in
      licensecheck) result=$(cd "$tree" && measure licensecheck -r --shortname-scheme=spdx --check='.*' -m .) ;;
      *) result=$(measure dotnet "$cucos" worker "$tool" "$tree" --output "$work/$tool.json") ;;
    esac
    read -r w c <<<"$result"
    echo "round $round  $tool: ${w} s wall, ${c} s cpu"
    wall[$tool]="${wall[$tool]:-} $w"
    cpu[$tool]="${cpu[$tool]:-} $c"
  done
done

echo
echo "| tool | files/s (median wall) | MB/s (median wall) | median wall (s) | median CPU (s) | MB per CPU-second |"
echo "|---|---:|---:|---:|---:|---:|"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for tool in licensecheck source_licenses crypto_algorithms; do
  w=$(echo "${wall[$tool]}" | median)
  c=$(echo "${cpu[$tool]}" | median)
  awk -v t="$tool" -v f="$files" -v b="$bytes" -v w="$w" -v c="$c" \
    'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %.2f | %.2f |\n", t, f / w, b / 1e6 / w, w, c, b / 1e6 / c }'
done
