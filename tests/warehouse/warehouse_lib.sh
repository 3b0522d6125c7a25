# Helpers for the warehouse end-to-end tests, sourced after tests/e2e/lib.sh: a ClickHouse of the
# engine the test runs on (EXPT_CLICKHOUSE_ENGINE: 18.16, Debian's server, by default; or current,
# chdb's engine behind tests/warehouse/chdb_front.js), and the comparison of every analysis dataset
# through `analyze --source` with the CSV path.
ENGINE=${EXPT_CLICKHOUSE_ENGINE:-18.16}
LOADER="$EXPT_SOURCE_DIR/tests/warehouse/load_dataset.py"
COMPARE="$EXPT_SOURCE_DIR/tests/warehouse/compare_reports.py"
SANDBOX_SCRIPT="$EXPT_SOURCE_DIR/tests/warehouse/clickhouse_sandbox.sh"

# start_clickhouse DIR: starts the engine's sandbox in DIR (stopped on exit); sets PORT and URL.
start_clickhouse() {
  SANDBOX=$1
  if [ "$ENGINE" = current ] && [ ! -f "$("$EXPT_SOURCE_DIR/tests/warehouse/chdb_dir.sh")/installed" ]; then
    # Exit 77: CTest reports the test as skipped, with the reason, instead of passed or failed.
    echo "SKIPPED: chdb (current ClickHouse) is not installed: scripts/setup test could not install it from npm" \
         "($(grep -m 1 -io "self[- ]signed[^,]*\|ENOTFOUND[^,]*\|ECONNREFUSED[^,]*\|error .*" "$("$EXPT_SOURCE_DIR/tests/warehouse/chdb_dir.sh").failed" 2>/dev/null || echo "see its output"))"
    exit 77
  fi
  trap '"$SANDBOX_SCRIPT" stop "$SANDBOX"; rm -rf "$WORK"' EXIT
  PORT=$(EXPT_FRONT_OWNER=$$ "$SANDBOX_SCRIPT" start "$SANDBOX" "$ENGINE") || { STEP="start ClickHouse $ENGINE"; fail "ClickHouse $ENGINE did not start (its log is above)"; }
  URL="http://127.0.0.1:$PORT"
}

# ch DATABASE < SQL: runs SQL, prints the answer; fails on an error.
ch() { curl -sS --fail-with-body "$URL/?database=$1" --data-binary @-; }

# check_every_dataset SCHEMA_SQL: each fixtures/analysis dataset loaded into database d_NAME (with
# the registry $WORK/NAME.db) gives the CSV path's report through --source, counts exactly and
# statistics within 1e-9; the reports are kept as $WORK/NAME.{csv,ch}.json.
check_every_dataset() {
  local schema=$1 dir d e step csv_rc
  for dir in "$FIXTURES"/analysis/*/; do
    d=$(basename "$dir")
    export EXPT_REGISTRY="$WORK/$d.db"
    e=$(sed -n 's/^key: //p' "$dir/spec.yaml" | tail -1)
    for step in init "create $dir/spec.yaml" "allocate --all" "start $e"; do
      expt $step
      expect_rc 0
    done
    /usr/bin/python3 "$LOADER" "$URL" "d_$d" "$dir" "$schema" || fail "loading $d into ClickHouse $ENGINE"
    expt analyze "$e" --events "$dir/events.csv" --exposures "$dir/exposures.csv" --format json
    csv_rc=$RC
    # The data problems name their source: the CSV's file, the warehouse's table.
    sed "s|$dir/events.csv|table events|g; s|$dir/exposures.csv|table exposures|g; s|${dir%/}/events.csv|table events|g" "$OUT" >"$WORK/$d.csv.json"
    expt analyze "$e" --source "clickhouse://127.0.0.1:$PORT/d_$d" --format json
    [ "$RC" -eq "$csv_rc" ] || fail "$d: exit $RC from ClickHouse $ENGINE, $csv_rc from the CSVs"
    cp "$OUT" "$WORK/$d.ch.json"
    /usr/bin/python3 "$COMPARE" "$WORK/$d.csv.json" "$WORK/$d.ch.json" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "$d: ClickHouse $ENGINE and CSV reports differ"; }
    /usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["data"]["source"]; assert s["kind"]=="clickhouse" and s["result_bytes"]>0, s' "$WORK/$d.ch.json" \
      || fail "$d: the report does not say the data came from ClickHouse"
  done
  # The datasets cover what the query must get right.
  /usr/bin/python3 - "$WORK" <<'PY' || fail "the datasets do not cover duplicates, pre-exposure, conflicts, unexposed and recomputed variants"
import json, glob, sys
total = {}
for f in glob.glob(sys.argv[1] + "/*.ch.json"):
    d = json.load(open(f))["data"]
    for k in ("duplicates", "before_exposure", "unexposed"): total[k] = total.get(k, 0) + d["events"][k]
    for k in ("conflicting_entities", "recomputed", "not_assigned"): total[k] = total.get(k, 0) + d["exposures"][k]
assert all(v > 0 for v in total.values()), total
PY
}
