#!/usr/bin/env bash
# The database's own cost of persisting one analysis, with no silo at all: pgbench runs, with prepared statements,
# one transaction per analysis holding that analysis' writes (the best batching there is), into a table with the
# same columns, indexes and row sizes as cucos_grain_state. It reports analyses per second and the CPU seconds
# the PostgreSQL server spent per analysis (read from /proc, so it must run on the database's machine, as a user
# who can read the server's processes), which is what bounds a silo sharing those cores.
# usage: bench/postgres-floor.sh "host=127.0.0.1 port=5432 user=cucos dbname=bench" [seconds] [clients]
# The database must hold our schema (run bench/postgres.sh or `cucos migrate` on it first).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/postgres-floor.sh 'host=... port=... user=... dbname=...' [seconds] [clients]" >&2; exit 2; }
conninfo="$1"; seconds="${2:-20}"; clients="${3:-16}"
command -v pgbench >/dev/null || { echo "pgbench is missing: install the postgresql-contrib (or postgresql) package" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export PGOPTIONS="-c client_min_messages=warning"

psql "$conninfo" -qAt -c "SELECT 1 FROM cucos_grain_state LIMIT 0" >/dev/null 2>&1 \
  || { echo "cucos_grain_state is missing in that database: run 'cucos migrate --postgres ...' on it first" >&2; exit 2; }
psql "$conninfo" -q -c "DROP TABLE IF EXISTS cucos_floor" -c "CREATE TABLE cucos_floor (LIKE cucos_grain_state INCLUDING ALL)"
datadir=$(psql "$conninfo" -qAt -c "SHOW data_directory")
postmaster=$(head -1 "$datadir/postmaster.pid")

# CPU seconds of the server so far: the postmaster and its children, including children that have exited.
server_cpu() {
  local total=0 p fields
  for p in "$postmaster" $(pgrep -P "$postmaster"); do
    { read -r -a fields < "/proc/$p/stat"; } 2>/dev/null || continue  # a backend that exited meanwhile
    total=$((total + fields[13] + fields[14] + fields[15] + fields[16]))
  done
  echo "$total"
}

# A JSON document of about $1 bytes, like the stored ones (a result is ~420 bytes, the analysis ~3.4 KB, the package ~100).
document() { printf '{"Attempt": 1, "Document": {"status": "success", "pad": "%s"}}' "$(head -c "$1" /dev/zero | tr '\0' x)"; }

# One pgbench script per scenario: one transaction, the writes of one analysis, each an upsert of its own row.
scenario() {
  local name="$1"; shift
  local file="$work/$name.sql" i=0 size
  { echo '\set a random(1, 2000000000)'; echo 'BEGIN;'
    for size in "$@"; do
      i=$((i + 1))
      echo "INSERT INTO cucos_floor (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, version)" \
           "VALUES ('bench', 's$i', $i, :a, 0, 0, 'g/' || :a, '$(document "$size")', 1)" \
           "ON CONFLICT (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_key, '')), (grain_key IS NULL))" \
           "DO UPDATE SET payload = EXCLUDED.payload, version = cucos_floor.version + 1, modified_at = now();"
    done
    echo 'COMMIT;'; } > "$file"
  local before after count
  before=$(server_cpu)
  count=$(pgbench "$conninfo" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$file" 2>&1 | awk '/number of transactions actually processed/ {split($NF, n, "/"); print n[1]}')
  after=$(server_cpu)
  awk -v name="$name" -v writes="$#" -v n="$count" -v s="$seconds" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "| %s | %d | %.0f | %.2f |\n", name, writes, n / s, ticks / hz * 1000 / n }'
}

echo "PostgreSQL alone, one transaction per analysis, $clients clients, ${seconds} s each; $(nproc) cores"
echo
echo "| writes of one analysis | writes | analyses/s | server CPU ms per analysis |"
echo "|---|---:|---:|---:|"
# Today's flow: the package row, six analysis steps, eight results, the reminder row written and removed.
scenario "as the flow writes today" 100 3400 3400 3400 3400 3400 3400 420 420 420 420 420 420 420 420 200 200
# The least that keeps every result and the analysis: eight results and the finished analysis.
scenario "eight results and the finished analysis" 420 420 420 420 420 420 420 420 3400
psql "$conninfo" -q -c "DROP TABLE cucos_floor"
