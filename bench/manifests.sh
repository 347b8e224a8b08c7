#!/usr/bin/env bash
# Manifests parsed per second per format, next to plain parses of the same files, in one run. Figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Cucos.Orleans.ManifestBench -- "$@"
