#!/usr/bin/env bash
# The flow benchmark with PostgreSQL persistence, twice in one run on the same database: our group-commit providers,
# then the Orleans ADO.NET providers (the baseline). Each run also prints the plain-Npgsql floor and the in-process
# limit. Figures go to docs/benchmarks.md.
# usage: bench/postgres.sh CONNECTION [--analyses N] [--concurrency N] [--warmup N]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/postgres.sh CONNECTION [--analyses N] [--concurrency N] [--warmup N]" >&2; exit 2; }
connection="$1"; shift
dotnet build -c Release bench/Cucos.Orleans.Bench >/dev/null
for providers in "" --adonet; do
  dotnet run -c Release --no-build --project bench/Cucos.Orleans.Bench -- --postgres "$connection" $providers "$@"
  echo
done
