#!/usr/bin/env bash
# Fetch-and-extract throughput: init's npm fetch and safe extraction next to `tar -xzf` of the same archive, in one
# run. Figures go to docs/benchmarks.md. Options: --megabytes N (files in the archive, default 256), --rounds N.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Cucos.Orleans.FetchBench -- "$@"
