#!/usr/bin/env bash
# Soak run (issue 22): analyses through the HTTP API of three silos on one PostgreSQL, a silo killed with kill -9 and
# restarted every few minutes; checks nothing is lost or duplicated and reports the memory of the silo never killed.
# Figures go to docs/benchmarks.md. usage: bench/soak.sh [--analyses N] [--kill-every SECONDS] [--concurrency N] [--patience SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release Silo >/dev/null
exec python3 bench/soak.py "$@"
