#!/usr/bin/env bash
# The static_analysis worker (cucos worker languages + static_analysis, sandboxed, files chosen from the languages
# result) against the seed's way (csmock's: each analyser by hand on the whole tree, one after another), on the
# same copies of a few real trees, interleaved in one run. Figures: docs/benchmarks.md.
#
#   bash bench/static-analysis.sh [ROUNDS]        (default: 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
for tool in cppcheck shellcheck pyflakes3 bandit; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y $tool" >&2; exit 2; }
done
dotnet build Cli -c Release -v q -nologo >/dev/null
cucos=Cli/bin/Release/net10.0/cucos.dll

scratch=$(mktemp -d /tmp/cucos-static-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# Real trees of this machine with C, shell and Python in them: examples shipped with -dev packages, git's shell
# commands, parts of the Python standard library.
trees=(/usr/share/doc/nettle-dev/examples /usr/share/doc/zlib1g-dev/examples /usr/share/doc/libxmlsec1-dev/examples
       /usr/lib/git-core /usr/lib/python3.11/json /usr/lib/python3.11/email /usr/lib/python3.11/logging)
packages=()
for tree in "${trees[@]}"; do
  [ -d "$tree" ] || continue
  copy="$scratch/packages/$(echo "$tree" | tr / _)"
  mkdir -p "$copy"
  # Regular files only (git-core is mostly hard links to one binary, which the analysers skip by language anyway).
  (cd "$tree" && find . -maxdepth 3 -type f -size -2M -print0 | tar --null -T - -cf -) | (cd "$copy" && tar -xf -)
  packages+=("$copy")
done
echo "${#packages[@]} packages, $(find "$scratch/packages" -type f | wc -l) files; $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"

worker() {
  for p in "${packages[@]}"; do
    dotnet "$cucos" worker languages "$p" --output "$scratch/languages.json" >/dev/null
    dotnet "$cucos" worker static_analysis "$p" --with-result languages="$scratch/languages.json" --output "$scratch/static.json" >/dev/null
  done
}
# The seed's way: every analyser over the whole tree, whatever the files' languages, one after another.
by_hand() {
  for p in "${packages[@]}"; do
    (cd "$p"
     cppcheck --xml --xml-version=2 --enable=warning,style,performance,portability --quiet . 2>/dev/null || true
     find . -type f -name '*.sh' -print0 | xargs -0 -r shellcheck -f json1 >/dev/null 2>&1 || true
     # git's commands are shell scripts without an extension: shellcheck only those with a sh shebang.
     grep -rlZ '^#!/bin/sh' . 2>/dev/null | xargs -0 -r shellcheck -f json1 >/dev/null 2>&1 || true
     pyflakes3 . >/dev/null 2>&1 || true
     bandit -r -f json -q . >/dev/null 2>&1 || true)
  done
}
measure() { /usr/bin/time -f "%e %U %S" -o "$scratch/time" "$@" >/dev/null; awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$scratch/time"; }
printf '%-6s %-36s %8s %8s %14s\n' round way wall-s cpu-s packages/min
report() {
  read -r wall cpu <<<"$3"
  printf '%-6s %-36s %8.2f %8.2f %14.1f\n' "$1" "$2" "$wall" "$cpu" "$(echo "${#packages[@]} * 60 / $wall" | bc -l)"
}
export -f worker by_hand
export cucos scratch
for round in $(seq 1 "$rounds"); do
  report "$round" "by hand, one after another (seed)" "$(measure bash -c "$(declare -p packages); $(declare -f by_hand); by_hand")"
  report "$round" "cucos worker static_analysis" "$(measure bash -c "$(declare -p packages); $(declare -f worker); worker")"
done
