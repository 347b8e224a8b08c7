#!/usr/bin/env bash
# The time to render the SBOM (CycloneDX 1.6 and SPDX 2.3 JSON) of an analysis with 1,000 dependency components and
# 20,000 files, next to a baseline of the same run: System.Text.Json serialising the same dependencies and files
# without building a document. Figures go to docs/benchmarks.md.
# usage: bench/sbom.sh [DEPENDENCIES] [FILES] [ROUNDS]    (default: 1000 20000 5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project "$root/bench/Cucos.Orleans.SbomBench" -- "${1:-1000}" "${2:-20000}" "${3:-5}"
