# Warehouse-native analysis against a real ClickHouse, a throw-away one on loopback with its own
# data folder and ports: Debian 12's clickhouse-server 18.16 (e2e.clickhouse_analysis_test), or
# current ClickHouse, chdb's engine (e2e.clickhouse_analysis_current_test). On each, every
# analysis dataset gives the same report from `analyze --source clickhouse://` as from the CSVs,
# the daily aggregates table feeds `analyze --aggregates`, and every failure is a clear exit 2.
. "$(dirname "$0")/lib.sh"
. "$EXPT_SOURCE_DIR/tests/warehouse/warehouse_lib.sh"

A="$FIXTURES/analysis"
start_clickhouse "$WORK/clickhouse"

expt export sql --schema --dialect clickhouse
expect_rc 0
cp "$OUT" "$WORK/schema.sql"
expect_stdout_has "PARTITION BY toDate(timestamp)"
expect_stdout_has "ENGINE = ReplacingMergeTree(computed_at)"

# Every dataset: the same numbers from ClickHouse as from the CSVs.
check_every_dataset "$WORK/schema.sql"

# The daily aggregates table: two days, computed twice (idempotent), read back by --aggregates.
export EXPT_REGISTRY="$WORK/effect.db"
for day in 2026-11-08 2026-11-30 2026-11-30; do
  expt export sql effect-test --source "clickhouse://127.0.0.1:$PORT/d_effect" --as-of "$day" --insert-into expt_daily_aggregates
  expect_rc 0
  ch d_effect <"$OUT" >/dev/null || fail "the daily job failed in ClickHouse"
done
echo "SELECT * FROM expt_daily_aggregates FINAL ORDER BY day, kind, metric, variant, name FORMAT CSVWithNames" | ch d_effect >"$WORK/daily.csv"
echo "SELECT * FROM expt_daily_aggregates FINAL FORMAT JSON" | ch d_effect >"$WORK/daily.json"
for file in daily.csv daily.json; do
  expt analyze effect-test --aggregates "$WORK/$file" --format json
  expect_rc 0
  /usr/bin/python3 "$COMPARE" "$WORK/effect.ch.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "--aggregates $file (latest day) differs from --source"; }
  /usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["data"]["source"]["day"] == "2026-11-30"' "$OUT" || fail "the report does not name the day"
done
# CUPED from the daily table: the job writes covariate rows for the bindings with cuped: true,
# and --aggregates gives what --source gives; without those rows CUPED is refused, not skipped.
export EXPT_REGISTRY="$WORK/cuped.db"
expt export sql cuped-test --source "clickhouse://127.0.0.1:$PORT/d_cuped" --as-of 2026-11-30 --insert-into expt_daily_aggregates
expect_rc 0
expect_stdout_has "'covariate'"
ch d_cuped <"$OUT" >/dev/null || fail "the CUPED daily job failed in ClickHouse"
echo "SELECT * FROM expt_daily_aggregates FINAL FORMAT CSVWithNames" | ch d_cuped >"$WORK/cuped-daily.csv"
expt analyze cuped-test --aggregates "$WORK/cuped-daily.csv" --format json
expect_rc 0
/usr/bin/python3 "$COMPARE" "$WORK/cuped.ch.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "CUPED from the daily aggregates differs from --source"; }
/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]; assert m[1]["cuped"]["variance_reduction"] > 0.3, m[1]["cuped"]' "$OUT" \
  || fail "the CUPED report lost its variance reduction"
expt analyze cuped-test --aggregates "$WORK/cuped-daily.csv" --cuped-window 7
expect_rc 2
expect_stderr_has "covers 14 days before exposure, this analysis 7"
grep -v '"covariate"' "$WORK/cuped-daily.csv" >"$WORK/no-covariate.csv"
expt analyze cuped-test --aggregates "$WORK/no-covariate.csv"
expect_rc 2
expect_stderr_has "CUPED needs the covariate of metric 'purchase_conversion'"
expt analyze cuped-test --aggregates "$WORK/no-covariate.csv" --no-cuped
expect_rc 0
# A recorded analysis holds the same time range of counted events from either source.
expt analyze cuped-test --events "$A/cuped/events.csv" --exposures "$A/cuped/exposures.csv" --record
expect_rc 0
expt analyze cuped-test --source "clickhouse://127.0.0.1:$PORT/d_cuped" --record
expect_rc 0
expt results cuped-test --format json
/usr/bin/python3 -c 'import json,sys; a,b=json.load(open(sys.argv[1])); assert (a["data_from"],a["data_to"])==(b["data_from"],b["data_to"]) and a["data_from"], (a,b); assert b["inputs"]["kind"]=="clickhouse"' "$OUT" \
  || fail "the recorded time range differs between the CSV and ClickHouse"
export EXPT_REGISTRY="$WORK/effect.db"

# An earlier day is the CSV analysis of the data up to that day's end.
/usr/bin/python3 - "$A/effect" "$WORK" <<'EOF'
import csv, datetime as dt, sys
src, out = sys.argv[1:3]
end = dt.datetime(2026, 11, 9, tzinfo=dt.timezone.utc).timestamp()
def ts(t):
    if t.lstrip("-").isdigit():
        v = int(t); return v if len(t.lstrip("-")) < 12 else v / 1000
    return dt.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
for name in ("events", "exposures"):
    rows = list(csv.DictReader(open(f"{src}/{name}.csv", newline="")))
    with open(f"{out}/{name}-to-8th.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader()
        w.writerows(r for r in rows if ts(r["timestamp"]) < end)
EOF
expt analyze effect-test --events "$WORK/events-to-8th.csv" --exposures "$WORK/exposures-to-8th.csv" --format json
sed "s|$WORK/events-to-8th.csv|table events|g; s|$WORK/exposures-to-8th.csv|table exposures|g" "$OUT" >"$WORK/to-8th.json"
expt analyze effect-test --aggregates "$WORK/daily.csv" --day 2026-11-08 --format json
expect_rc 0
/usr/bin/python3 "$COMPARE" "$WORK/to-8th.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "the 2026-11-08 aggregates differ from the CSV path on data to that day"; }

# --by day from every source: one query per day from ClickHouse, the daily table's days from
# --aggregates, both equal to the CSV path's days.
expt analyze effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --by day --format json
cp "$OUT" "$WORK/days.csv.json"
expt analyze effect-test --source "clickhouse://127.0.0.1:$PORT/d_effect" --by day --format json
expect_rc 0
cp "$OUT" "$WORK/days.ch.json"
expt analyze effect-test --aggregates "$WORK/daily.csv" --by day --format json
expect_rc 0
cp "$OUT" "$WORK/days.agg.json"
/usr/bin/python3 - "$WORK" <<'EOF' || fail "--by day differs between the CSV path, ClickHouse and the daily table"
import json, math, sys
load = lambda name: {d["day"]: d for d in json.load(open(f"{sys.argv[1]}/days.{name}.json"))["by_day"]}
csv_days, ch_days, agg_days = load("csv"), load("ch"), load("agg")
def same(a, b, where):
    assert a["entities"] == b["entities"], (where, a["entities"], b["entities"])
    for ma, mb in zip(a["metrics"], b["metrics"]):
        for ca, cb in zip(ma["comparisons"], mb["comparisons"]):
            for k in ("difference", "lift", "lift_ci_low", "lift_ci_high", "p_value"):
                x, y = ca[k], cb[k]
                assert (x is None and y is None) or math.isclose(x, y, rel_tol=1e-8, abs_tol=1e-12), (where, ma["key"], k, x, y)
common = sorted(set(csv_days) & set(ch_days))
assert len(common) >= 20, (sorted(csv_days), sorted(ch_days))
for day in common: same(csv_days[day], ch_days[day], "clickhouse " + day)
assert sorted(agg_days) == ["2026-11-08", "2026-11-30"], sorted(agg_days)
same(csv_days["2026-11-08"], agg_days["2026-11-08"], "daily table 2026-11-08")
same(csv_days[max(csv_days)], agg_days["2026-11-30"], "daily table 2026-11-30")
EOF

# The guardrail monitor reads the warehouse too: it finds and stops the breached experiment.
EXPT_REGISTRY="$WORK/guardrail.db" expt monitor --source "clickhouse://127.0.0.1:$PORT/d_guardrail" --auto-stop --format json
expect_rc 1
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [(f["kind"], f["metric"], f["stopped"]) for f in r["findings"]] == [("guardrail_breach", "error_rate", True)], r' "$OUT" \
  || fail "the monitor over ClickHouse did not find and stop the breach"

# The query is what export sql prints, runs as printed, and is what --show-sql says analyze sends.
expt export sql effect-test --dialect clickhouse --source "clickhouse://127.0.0.1:$PORT/d_effect"
expect_rc 0
ch d_effect <"$OUT" >"$WORK/rows.tsv" || fail "the printed query does not run"
{ tail -n +2 "$OUT"; echo "FORMAT CSVWithNames"; } >"$WORK/exported.sql"
expt analyze effect-test --source "clickhouse://127.0.0.1:$PORT/d_effect" --show-sql
expect_rc 0
diff "$WORK/exported.sql" "$OUT" >/dev/null || fail "export sql and analyze --show-sql print different queries"
expt export sql effect-test --dialect clickhouse
expect_rc 2
expect_stderr_has "the type of column 'timestamp' of table events is not known"
# With --source, exposure rows without a variant get the variant hashing gives, inline, as analyze
# sends them; and the printed query gives the rows analyze reads.
export EXPT_REGISTRY="$WORK/recompute.db"
expt export sql hashed-join --source "clickhouse://127.0.0.1:$PORT/d_recompute"
expect_rc 0
expect_stdout_has "transform(x_e, ["
ch d_recompute <"$OUT" >"$WORK/recompute.tsv" || fail "the printed query with recomputed variants does not run"
grep -q $'\tcount\t\t\texposures.recomputed\t' "$WORK/recompute.tsv" || fail "no recomputed count in the rows"
export EXPT_REGISTRY="$WORK/effect.db"
grep -q $'\tpercentile\tpage_load_p95\tcontrol' "$WORK/rows.tsv" || fail "no percentile row"

# Retention (18.16: the script drives clickhouse-client over the native port, which the chdb
# front does not have): raw partitions before 2026-11-10 dropped (docs/examples/warehouse); the
# aggregates kept forever still give the same analysis.
if [ "$ENGINE" = 18.16 ]; then
  days=$(/usr/bin/python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc).date() - d.date(2026, 11, 10)).days)')
  run "$EXPT_SOURCE_DIR/docs/examples/warehouse/drop_old_partitions.sh" "$days" --host 127.0.0.1 --port "$(cat "$SANDBOX/tcp_port")" --database d_effect
  expect_rc 0
  expect_stdout_has "dropped events 2026-11-09"
  expect_stdout_has "dropped exposures ('effect-test','2026-11-09')"
  [ "$(echo "SELECT countIf(timestamp < toDateTime('2026-11-10 00:00:00')), countIf(timestamp >= toDateTime('2026-11-10 00:00:00')) > 0 FROM events" | ch d_effect)" = $'0\t1' ] \
    || fail "events before 2026-11-10 remain, or later ones were dropped"
  [ "$(echo "SELECT count() FROM exposures WHERE timestamp < toDateTime('2026-11-10 00:00:00')" | ch d_effect)" = 0 ] || fail "exposures before 2026-11-10 remain"
  echo "SELECT * FROM expt_daily_aggregates FINAL FORMAT CSVWithNames" | ch d_effect >"$WORK/daily-after.csv"
  expt analyze effect-test --aggregates "$WORK/daily-after.csv" --format json
  expect_rc 0
  /usr/bin/python3 "$COMPARE" "$WORK/effect.ch.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "the aggregates changed when raw data was dropped"; }
fi

# Credentials: from EXPT_CLICKHOUSE_PASSWORD or the URL, never printed or audited.
export EXPT_REGISTRY="$WORK/guardrail.db"
SECRET=expt/test:secret
run env EXPT_CLICKHOUSE_PASSWORD=$SECRET "$EXPT" analyze new-checkout --source "clickhouse://expt@127.0.0.1:$PORT/d_guardrail" --auto-stop --format json
expect_rc 1
expect_stderr_has "guardrail error_rate breached"
expt audit new-checkout --format json
grep -q "$SECRET" "$OUT" && fail "the password is in the audit log"
expect_stdout_has "auto-stop"
run env EXPT_CLICKHOUSE_PASSWORD=wrong "$EXPT" analyze new-checkout --source "clickhouse://expt@127.0.0.1:$PORT/d_guardrail"
expect_rc 2
expect_stderr_has "refused the credentials of user 'expt'"
if [ "$ENGINE" = 18.16 ]; then expect_stderr_has "Wrong password for user expt"; else expect_stderr_has "Authentication failed"; fi
# In the URL, unencoded (a '/' and a ':' in it) and percent-encoded: it works, and no output,
# error, report, audit row or JSON holds it.
for url in "clickhouse://expt:$SECRET@127.0.0.1:$PORT/d_guardrail" "clickhouse://expt:expt%2Ftest%3Asecret@127.0.0.1:$PORT/d_guardrail"; do
  expt analyze new-checkout --source "$url" --format json
  expect_rc 1
  grep -q "test:secret\|test%3Asecret" "$OUT" "$ERR" && fail "the password was printed"
  expect_stdout_has "\"url\": \"clickhouse://expt@127.0.0.1:$PORT/d_guardrail\""
  expt report new-checkout --source "$url" --output "$WORK/secret-report.html"
  expect_rc 1
  grep -q "test:secret\|test%3Asecret\|test/" "$WORK/secret-report.html" "$ERR" && fail "the password is in the report"
  grep -qF "clickhouse://expt@127.0.0.1:$PORT/d_guardrail" "$WORK/secret-report.html" || fail "the report does not name the source"
  # A mistyped flag beside it: the parser's error must not echo the URL.
  expt analyze new-checkout --source "$url" --evnts x
  expect_rc 2
  grep -q "secret" "$OUT" "$ERR" && fail "the usage error echoed the password"
done
expt audit --format json
grep -q "secret" "$OUT" && fail "the password is in the audit log"

# Failures: each a clear message with ClickHouse's own text, exit 2, nothing written.
export EXPT_REGISTRY="$WORK/effect.db"
remember_registry
src="clickhouse://127.0.0.1:$PORT/d_effect"
expt analyze effect-test --source "clickhouse://127.0.0.1:1/d_effect" --connect-timeout 2
expect_rc 2
expect_stderr_has "cannot reach clickhouse://default@127.0.0.1:1/d_effect"
expt analyze effect-test --source "$src" --events-table clicks
expect_rc 2
expect_stderr_has "has no table d_effect.clicks (its tables: events, exposures, expt_daily_aggregates)"
expt analyze effect-test --source "$src" --events-columns value=amount
expect_rc 2
expect_stderr_has "table events has no column 'amount' (mapped from value)"
echo "CREATE TABLE text_events (event_id String, entity_id String, event_type String, timestamp String, value Nullable(Float64)) ENGINE = Memory" | ch d_effect
expt analyze effect-test --source "$src" --events-table text_events
expect_rc 2
expect_stderr_has "column 'timestamp' of table text_events is String"
echo "CREATE VIEW failing_events AS SELECT event_id, entity_id, event_type, timestamp, value FROM events WHERE throwIf(event_id != '')" | ch d_effect
expt analyze effect-test --source "$src" --events-table failing_events
expect_rc 2
expect_stderr_has "answered HTTP 500: Code: 395"
expect_stderr_has "Value passed to 'throwIf' function is non"  # "non zero" in 18.16, "non-zero" later
echo "CREATE VIEW slow_events AS SELECT event_id, entity_id, event_type, timestamp, value FROM events WHERE sleepEachRow(0.001) = 0" | ch d_effect
expt analyze effect-test --source "$src" --events-table slow_events --query-timeout 1
expect_rc 2
expect_stderr_has "Timeout exceeded"
# A column whose real name holds a quote (ClickHouse's TSV writes it ts\'x) is found by its name.
echo "CREATE VIEW quoted_events AS SELECT event_id, entity_id, event_type, timestamp AS \`ts'x\`, value FROM events" | ch d_effect
expt analyze effect-test --source "$src" --format json
cp "$OUT" "$WORK/plain.json"; PLAIN_RC=$RC
expt analyze effect-test --source "$src" --events-table quoted_events --events-columns "timestamp=ts'x" --format json
[ "$RC" = "$PLAIN_RC" ] || fail "the quoted column gives exit $RC, the plain table $PLAIN_RC"
grep -q "has no column" "$ERR" && fail "the column ts'x was not found by its name"
# (result_bytes counts the column names read from system.columns too, so it differs.)
sed 's/quoted_events/events/; /"result_bytes"/d' "$OUT" | diff -q - <(sed '/"result_bytes"/d' "$WORK/plain.json") >/dev/null \
  || fail "the quoted column gives another report"
# A 100 KB table name is quoted in 80 bytes, not echoed whole.
long=$(head -c 100000 /dev/zero | tr '\0' t)
expt analyze effect-test --source "$src" --events-table "$long"
expect_rc 2
expect_stderr_has "... (100000 bytes)"
[ "$(wc -c <"$ERR")" -lt 2000 ] || fail "a long table name was echoed: $(wc -c <"$ERR") bytes of stderr"
expt analyze effect-test --source "postgres://127.0.0.1/db"
expect_rc 2
expect_stderr_has "only clickhouse:// sources are supported"
expt analyze effect-test --source "$src" --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv"
expect_rc 2
expect_stderr_has "use one data source"
expect_registry_unchanged
expt export sql effect-test --dialect bigquery
expect_rc 2
expect_stderr_has "--dialect must be clickhouse"
