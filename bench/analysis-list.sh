#!/usr/bin/env bash
# The cluster-wide list (GET /api/v1/analyses) at 1,000,000 stored analyses: the page queries PostgresAnalysisListing
# runs, over cucos_analyses with its indexes (migration 0007), next to plain baselines measured in the same run on
# the same rows: OFFSET paging to the same depth, and the same keyset query with index scans turned off.
# usage: bench/analysis-list.sh [rows]            (starts a throwaway PostgreSQL of its own with initdb/pg_ctl)
#        bench/analysis-list.sh [rows] "conninfo"  (a database you made for it; the table is dropped and refilled)
# Each figure is the median of 7 runs of the server's own "Execution Time" (EXPLAIN ANALYZE), in milliseconds.
set -euo pipefail
rows="${1:-1000000}"; conninfo="${2:-}"
here=$(cd "$(dirname "$0")/.." && pwd)
migration="$here/Persistence/Migrations/0007_analysis_list.sql"
export PGOPTIONS="-c client_min_messages=warning"
work=$(mktemp -d)
cleanup() { [ -n "${pgbin:-}" ] && "${as[@]}" "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
as=()
trap cleanup EXIT

if [ -z "$conninfo" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql: install the postgresql package, or give a conninfo" >&2; exit 2; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # The server refuses to run as root: then it runs as the postgres user, as the tests' own server does.
  as=(); if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); chown postgres "$work"; fi
  "${as[@]}" "$pgbin/initdb" -D "$work/data" -U bench --auth=trust >/dev/null
  "${as[@]}" "$pgbin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB" -l "$work/log" -w start >/dev/null
  conninfo="host=127.0.0.1 port=$port user=bench dbname=postgres"
fi
q() { psql "$conninfo" -qAtX -v ON_ERROR_STOP=1 "$@"; }

# Only the table, its indexes and its trigger function from the migration (no cucos_grain_state is needed here).
q -c "DROP TABLE IF EXISTS cucos_analyses"
sed -n '/^CREATE TABLE IF NOT EXISTS cucos_analyses/,/^CREATE INDEX IF NOT EXISTS cucos_analyses_status/p' "$migration" | q
echo "seeding $rows analyses ..." >&2
# 2,000 packages in 7 ecosystems; one analysis a second over the last $rows seconds; 1 in 1,000 still running.
q -c "INSERT INTO cucos_analyses (service_id, analysis_id, ecosystem, name, version, status, created_at, finished_at)
      SELECT 'bench', md5(i::text), (ARRAY['npm','pypi','maven','nuget','crates','go','rubygems'])[1 + i % 7], 'pkg-' || (i % 2000), '1.' || (i % 97),
             CASE WHEN i % 1000 = 0 THEN 'Running' WHEN i % 10 = 0 THEN 'CompletedWithFailures' ELSE 'Succeeded' END,
             now() - make_interval(secs => $rows - i), CASE WHEN i % 1000 = 0 THEN NULL ELSE now() - make_interval(secs => $rows - i) + interval '30 seconds' END
      FROM generate_series(1, $rows) AS i" -c "VACUUM ANALYZE cucos_analyses"

cols="analysis_id, ecosystem, name, version, status, created_at, finished_at"
order="ORDER BY created_at DESC, analysis_id DESC LIMIT 51"
depth=$((rows / 2))
# The position a client's cursor holds after paging to half the table.
cursor=$(q -F' ' -c "SELECT created_at, analysis_id FROM cucos_analyses WHERE service_id = 'bench' ORDER BY created_at DESC, analysis_id DESC OFFSET $((depth - 1)) LIMIT 1")
cursor_at="${cursor% *}"; cursor_id="${cursor##* }"
pkg=$(q -c "SELECT ecosystem || ' ' || name FROM cucos_analyses WHERE analysis_id = md5('4242')")
eco="${pkg% *}"; name="${pkg#* }"

median() { # $1: settings, $2: query
  local t=()
  for _ in 1 2 3 4 5 6 7; do
    t+=("$(q -c "$1" -c "EXPLAIN (ANALYZE, FORMAT JSON) $2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')")
  done
  printf '%s\n' "${t[@]}" | sort -g | sed -n 4p
}
row() { printf '| %s | %s | %s |\n' "$1" "$(median "SET enable_seqscan = on" "$2")" "$3"; }
noindex="SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off"

echo "cucos_analyses with $rows rows; $(nproc) cores; PostgreSQL $(q -c 'SHOW server_version')"
echo
echo "| query (a page of 50) | ms | what it is |"
echo "|---|---:|---|"
row "first page, newest first" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' $order" "keyset, cucos_analyses_newest"
printf '| %s | %s | %s |\n' "first page, no index" "$(median "$noindex" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' $order")" "baseline: the same query, index scans off"
row "page at depth $depth, by cursor" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' AND (created_at, analysis_id) < ('$cursor_at', '$cursor_id') $order" "keyset, cucos_analyses_newest"
row "page at depth $depth, by OFFSET" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' ORDER BY created_at DESC, analysis_id DESC OFFSET $depth LIMIT 51" "baseline: OFFSET paging"
row "status=running" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' AND status = 'Running' $order" "keyset, cucos_analyses_status"
printf '| %s | %s | %s |\n' "status=running, no index" "$(median "$noindex" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' AND status = 'Running' $order")" "baseline: index scans off"
row "ecosystem=$eco&name=$name" "SELECT $cols FROM cucos_analyses WHERE service_id = 'bench' AND ecosystem = '$eco' AND name = '$name' $order" "keyset, cucos_analyses_package"

# The web UI's status counts (GET /api/v1/analyses/counts, PostgresAnalysisListing.CountAsync), asked on each list load.
echo
echo "| counts query | ms | what it is |"
echo "|---|---:|---|"
row "counts, no filter" "SELECT status, count(*) FROM cucos_analyses WHERE service_id = 'bench' GROUP BY status" "what the list page asks first"
printf '| %s | %s | %s |\n' "counts, no filter, no index" "$(median "$noindex" "SELECT status, count(*) FROM cucos_analyses WHERE service_id = 'bench' GROUP BY status")" "baseline: index scans off (a table scan)"
row "counts, ecosystem=$eco&name=$name" "SELECT status, count(*) FROM cucos_analyses WHERE service_id = 'bench' AND ecosystem = '$eco' AND name = '$name' GROUP BY status" "one package"
row "counts, since the last hour" "SELECT status, count(*) FROM cucos_analyses WHERE service_id = 'bench' AND created_at >= now() - interval '1 hour' GROUP BY status" "a recent window"
