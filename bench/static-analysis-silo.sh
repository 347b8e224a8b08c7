#!/usr/bin/env bash
# static_analysis on one warm silo (HTTP API, loopback npm registry) against the analysers by hand on the same trees,
# interleaved in one run. Figures: docs/benchmarks.md.
#
#   bash bench/static-analysis-silo.sh [--rounds N]        (default: 3 rounds; CONFIGURATION=Debug for a Debug silo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-eslint.sh >/dev/null
dotnet build Silo -c "${CONFIGURATION:-Release}" -v q -nologo >/dev/null
exec python3 bench/static_analysis_silo.py "$@"
