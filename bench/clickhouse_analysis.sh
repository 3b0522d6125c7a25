#!/usr/bin/env bash
# Warehouse analysis side by side (docs/performance.md, "Warehouse analysis"): the 10M-event input
# of bench/make_analysis_data.py loaded into a throw-away ClickHouse (Debian 12's 18.16), then
#   1. expt analyze --source clickhouse://  (the query, the transfer, the inference)
#   2. expt analyze on the CSV files
#   3. the same SQL (expt export sql) run by clickhouse-client alone
# each RUNS times (default 5), alternating; prints every wall time and the medians, and the bytes
# the answer transfers.
# Usage: bench/clickhouse_analysis.sh EXPT_BINARY [ENTITIES EVENTS RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expt=$(realpath "$1") entities=${2:-1000000} events=${3:-10000000} runs=${4:-5}
work=$(mktemp -d)
trap '"$root/tests/warehouse/clickhouse_sandbox.sh" stop "$work/ch"; rm -rf "$work"' EXIT

/usr/bin/python3 "$root/bench/make_analysis_data.py" "$work/data" "$entities" "$events"
port=$("$root/tests/warehouse/clickhouse_sandbox.sh" start "$work/ch")
tcp=$(cat "$work/ch/tcp_port")
client() { clickhouse-client --host 127.0.0.1 --port "$tcp" "$@"; }  # a bare root may not know localhost
export EXPT_REGISTRY="$work/expt.db" EXPT_ACTOR=bench
"$expt" init >/dev/null && "$expt" create "$work/data/spec.yaml" >/dev/null && "$expt" allocate --all >/dev/null
"$expt" start bench-test >/dev/null
"$expt" export sql --schema | client --multiquery
# The CSVs hold epoch-second timestamps, which DateTime reads as they are.
load_start=$(date +%s.%N)
client --query "INSERT INTO events FORMAT CSVWithNames" <"$work/data/events.csv"
client --query "INSERT INTO exposures FORMAT CSVWithNames" <"$work/data/exposures.csv"
client --query "OPTIMIZE TABLE events FINAL"
client --query "OPTIMIZE TABLE exposures FINAL"
echo "loaded in $(awk "BEGIN { print $(date +%s.%N) - $load_start }") s: $(client --query 'SELECT count() FROM events') events," \
     "$(client --query "SELECT formatReadableSize(sum(bytes)) FROM system.parts WHERE active AND table IN ('events', 'exposures')") on disk"
"$expt" export sql bench-test --timestamp-type DateTime >"$work/query.sql"

time_of() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk "BEGIN { printf \"%.2f\", $t1 - $t0 }"; }
declare -a source csv client_only
for ((i = 0; i < runs; i++)); do
  source+=("$(time_of "$expt" analyze bench-test --source "clickhouse://127.0.0.1:$port/default" --quiet)")
  csv+=("$(time_of "$expt" analyze bench-test --events "$work/data/events.csv" --exposures "$work/data/exposures.csv" --quiet)")
  client_only+=("$(time_of sh -c "clickhouse-client --host 127.0.0.1 --port $tcp --multiquery <'$work/query.sql'")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "analyze --source clickhouse: ${source[*]}  median $(median "${source[@]}") s"
echo "analyze CSV:                 ${csv[*]}  median $(median "${csv[@]}") s"
echo "clickhouse-client alone:     ${client_only[*]}  median $(median "${client_only[@]}") s"
"$expt" analyze bench-test --source "clickhouse://127.0.0.1:$port/default" --format json --quiet >"$work/report.json" || true
echo "answer: $(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["source"]["result_bytes"])' "$work/report.json") bytes"
"$expt" analyze bench-test --events "$work/data/events.csv" --exposures "$work/data/exposures.csv" --format json --quiet >"$work/csv.json" || true
if /usr/bin/python3 "$root/tests/warehouse/compare_reports.py" "$work/csv.json" "$work/report.json" >"$work/diff"; then
  echo "the two reports agree on every number (counts exactly, statistics within 1e-9)"
else
  echo "the reports differ:"; head -20 "$work/diff"
fi
client --multiquery <"$work/query.sql" | head -c 100000 >"$work/rows.tsv"
echo "rows: $(wc -l <"$work/rows.tsv"), $(wc -c <"$work/rows.tsv") bytes as TSV"
