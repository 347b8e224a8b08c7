#!/usr/bin/env bash
# github_details against the tests' loopback GitHub API: requests per analysis cold (empty ETag cache, the baseline)
# and warm (the same analysis again), for repositories of four shapes, with the calls GitHub would count against the
# rate limit (304s are not counted) and the time per analysis. Figures: docs/benchmarks.md.
#
#   bash bench/github-details.sh [ROUNDS]        (default: 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
out=$(mktemp /tmp/cucos-github-bench.XXXXXX.tsv)
trap 'rm -f "$out"' EXIT
dotnet build Tests/Cucos.Orleans.Tests.csproj -v q -nologo >/dev/null
CUCOS_BENCH_OUTPUT="$out" CUCOS_BENCH_ROUNDS="$rounds" dotnet test Tests/Cucos.Orleans.Tests.csproj --no-build -v q -nologo \
  --filter "FullyQualifiedName~GitHubDetailsCostTests" >/dev/null
column -t -s $'\t' "$out"
# Medians of the timings per shape (the counts do not vary between rounds).
awk -F'\t' 'NR > 1 { cold[$1] = cold[$1] " " $5; warm[$1] = warm[$1] " " $9; req[$1] = $3; w[$1] = $8 }
  END { for (s in cold) { n = split(cold[s], c, " "); asort(c); split(warm[s], h, " "); asort(h);
        printf "%s: %d requests cold, %d counted calls warm; median %.1f ms cold, %.1f ms warm\n", s, req[s], w[s], c[int((n + 1) / 2)], h[int((n + 1) / 2)] } }' "$out"
