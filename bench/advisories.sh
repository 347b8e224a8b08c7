#!/usr/bin/env bash
# Import time and memory of a synthetic npm all.zip of 200,000 OSV records shaped like GitHub's, and matching
# throughput for 10,000 package versions, next to baselines of the same run (reading the zip's entries unparsed; a
# linear scan over the parsed records, on a sample of SCANNED versions because it is slow). Figures go to
# docs/benchmarks.md.
# usage: bench/advisories.sh [RECORDS] [VERSIONS] [SCANNED]    (default: 200000 10000 200)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project "$root/bench/Cucos.Orleans.AdvisoryBench" -- "${1:-200000}" "${2:-10000}" "${3:-200}"
