#!/usr/bin/env bash
# The flow benchmark: the embedded cluster next to its in-process limit, in one run. Figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Cucos.Orleans.Bench -- "$@"
