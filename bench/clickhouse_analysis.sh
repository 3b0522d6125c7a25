#!/usr/bin/env bash
# Warehouse analysis side by side (docs/performance.md, "Warehouse analysis"): the 10M-event input
# of bench/make_analysis_data.py loaded into a throw-away ClickHouse of ENGINE (18.16: Debian 12's
# server; current: chdb's engine behind tests/warehouse/chdb_front.js), then, alternating, RUNS
# times each:
#   1. expt analyze --source clickhouse://             (conversion, revenue and a p95 page load)
#   2. the same without the percentile metric          (its registry binds only the first two)
#   3. a hand-written minimal aggregate of conversion and revenue per variant (first exposure,
#      events at or after it; no deduplication, no conflict or data checks)
#   4. expt analyze on the CSV files
#   5. with EXPT_BASELINE=OTHER_EXPT_BINARY, 1. by that binary (an earlier commit's), side by side
# Prints each wall time and the server's CPU time (user + system of its process, from /proc), the
# medians, and the bytes the answer transfers.
# Usage: [EXPT_BASELINE=BINARY] bench/clickhouse_analysis.sh EXPT_BINARY [ENTITIES EVENTS RUNS ENGINE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expt=$(realpath "$1") entities=${2:-1000000} events=${3:-10000000} runs=${4:-5} engine=${5:-18.16}
work=$(mktemp -d)
trap '"$root/tests/warehouse/clickhouse_sandbox.sh" stop "$work/ch"; rm -rf "$work"' EXIT

/usr/bin/python3 "$root/bench/make_analysis_data.py" "$work/data" "$entities" "$events"
port=$("$root/tests/warehouse/clickhouse_sandbox.sh" start "$work/ch" "$engine")
server_pid=$(cat "$work/ch/pid")
ch() { curl -sS --fail-with-body "http://127.0.0.1:$port/" --data-binary @-; }
export EXPT_REGISTRY="$work/expt.db" EXPT_ACTOR=bench
"$expt" init >/dev/null && "$expt" create "$work/data/spec.yaml" >/dev/null && "$expt" allocate --all >/dev/null
"$expt" start bench-test >/dev/null
# The same experiment without its percentile guardrail, in a registry of its own.
grep -v "page_load_p95, role" "$work/data/spec.yaml" >"$work/data/spec-no-p95.yaml"
EXPT_REGISTRY="$work/no-p95.db" sh -c "'$expt' init && '$expt' create '$work/data/spec-no-p95.yaml' && '$expt' allocate --all && '$expt' start bench-test" >/dev/null
"$expt" export sql --schema | awk 'BEGIN { RS = ";" } /CREATE/ { print $0 ";" > "'"$work"'/ddl" NR ".sql" }'
for f in "$work"/ddl*.sql; do grep -v '^--' "$f" | ch >/dev/null; done
# The CSVs hold epoch-second timestamps, which DateTime reads as they are.
load_start=$(date +%s.%N)
if [ "$engine" = 18.16 ]; then
  client() { clickhouse-client --host 127.0.0.1 --port "$(cat "$work/ch/tcp_port")" "$@"; }
  client --query "INSERT INTO events FORMAT CSVWithNames" <"$work/data/events.csv"
  client --query "INSERT INTO exposures FORMAT CSVWithNames" <"$work/data/exposures.csv"
else  # chdb runs in the front's process, which reads the files itself
  echo "INSERT INTO events SELECT * FROM file('$work/data/events.csv', CSVWithNames)" | ch
  echo "INSERT INTO exposures SELECT * FROM file('$work/data/exposures.csv', CSVWithNames)" | ch
fi
echo "OPTIMIZE TABLE events FINAL" | ch
echo "OPTIMIZE TABLE exposures FINAL" | ch
echo "ClickHouse $(echo 'SELECT version()' | ch): loaded in $(awk "BEGIN { print $(date +%s.%N) - $load_start }") s:" \
     "$(echo 'SELECT count() FROM events' | ch) events," \
     "$(echo "SELECT formatReadableSize(sum(bytes)) FROM system.parts WHERE active AND table IN ('events', 'exposures')" | ch) on disk"
cat >"$work/minimal.sql" <<'SQL'
SELECT variant, count() AS entities, countIf(c > 0) AS converted, sum(s) AS revenue, sum(s * s) AS revenue_squares FROM
  (SELECT entity_id, any(variant) AS variant FROM exposures WHERE experiment = 'bench-test' GROUP BY entity_id) AS x
  ANY LEFT JOIN
  (SELECT entity_id, countIf(timestamp >= at) AS c, sumIf(value, timestamp >= at) AS s FROM
     (SELECT entity_id, timestamp, value FROM events WHERE event_type = 'purchase') AS e
     ALL INNER JOIN (SELECT entity_id, min(timestamp) AS at FROM exposures WHERE experiment = 'bench-test' GROUP BY entity_id) AS f
     USING entity_id
   GROUP BY entity_id) AS r
  USING entity_id
GROUP BY variant
SQL

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# measure NAME CMD...: appends "wall cpu" (seconds) to $work/NAME.
measure() {
  local name=$1 t0 t1 c0 c1
  shift
  c0=$(cpu_ticks); t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N); c1=$(cpu_ticks)
  awk -v t="$(awk "BEGIN { print $t1 - $t0 }")" -v c="$(( c1 - c0 ))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f %.2f\n", t, c / hz }' >>"$work/$name"
}
src="clickhouse://127.0.0.1:$port/default"
for ((i = 0; i < runs; i++)); do
  measure source "$expt" analyze bench-test --source "$src" --quiet
  measure no_p95 env EXPT_REGISTRY="$work/no-p95.db" "$expt" analyze bench-test --source "$src" --quiet
  measure minimal sh -c "curl -sS --fail-with-body 'http://127.0.0.1:$port/' --data-binary @'$work/minimal.sql'"
  measure csv "$expt" analyze bench-test --events "$work/data/events.csv" --exposures "$work/data/exposures.csv" --quiet
  [ -z "${EXPT_BASELINE:-}" ] || measure baseline "$EXPT_BASELINE" analyze bench-test --source "$src" --quiet
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for name in source no_p95 minimal csv ${EXPT_BASELINE:+baseline}; do
  printf '%-8s wall %s  median %s s; server CPU %s  median %s s\n' "$name" "$(cut -d' ' -f1 "$work/$name" | tr '\n' ' ')" \
    "$(cut -d' ' -f1 "$work/$name" | median)" "$(cut -d' ' -f2 "$work/$name" | tr '\n' ' ')" "$(cut -d' ' -f2 "$work/$name" | median)"
done
"$expt" analyze bench-test --source "$src" --format json --quiet >"$work/report.json" || true
/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["data"]["source"]; print("answer:", s["result_bytes"], "bytes; percentiles:", s["percentiles"])' "$work/report.json"
"$expt" analyze bench-test --events "$work/data/events.csv" --exposures "$work/data/exposures.csv" --format json --quiet >"$work/csv.json" || true
if /usr/bin/python3 "$root/tests/warehouse/compare_reports.py" "$work/csv.json" "$work/report.json" >"$work/diff"; then
  echo "the reports of --source and the CSV path agree on every number (counts exactly, statistics within 1e-9)"
else
  echo "the reports differ:"; head -20 "$work/diff"
fi
