# expt analyze --aggregates: per-variant sufficient statistics from any warehouse give the report
# the CSV path gives. fixtures/warehouse/effect-aggregates.{csv,json} are ClickHouse 18.16's
# answers to `expt export sql effect-test` over fixtures/analysis/effect (CSVWithNames, JSON).
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis/effect"
W="$FIXTURES/warehouse"
COMPARE="$EXPT_SOURCE_DIR/tests/warehouse/compare_reports.py"
expt init
expt create "$A/spec.yaml"
expt allocate --all
expt start effect-test
expect_rc 0
expt analyze effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --format json
cp "$OUT" "$WORK/csv.json"
for file in effect-aggregates.csv effect-aggregates.json; do
  expt analyze effect-test --aggregates "$W/$file" --format json
  expect_rc 0
  /usr/bin/python3 "$COMPARE" "$WORK/csv.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "--aggregates $file differs from the CSV path"; }
  expect_stdout_has "\"kind\": \"aggregates\""
done
# Sequential testing works from sufficient statistics alone: the same always-valid report.
expt analyze effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --format json --sequential
cp "$OUT" "$WORK/csv-sequential.json"
expect_stdout_has '"sequential": {'
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --format json --sequential
/usr/bin/python3 "$COMPARE" "$WORK/csv-sequential.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "--sequential from aggregates differs"; }
/usr/bin/python3 - "$WORK/csv.json" "$WORK/csv-sequential.json" <<'PY' || fail "sequential intervals are not wider"
import json, sys
fixed, seq = (json.load(open(p)) for p in sys.argv[1:3])
for mf, ms in zip(fixed["metrics"], seq["metrics"]):
    for cf, cs in zip(mf["comparisons"], ms["comparisons"]):
        if cf["difference_ci_low"] is None: continue
        assert cs["difference_ci_high"] - cs["difference_ci_low"] > cf["difference_ci_high"] - cf["difference_ci_low"], mf["key"]
        assert cs["p_value"] >= cf["p_value"], mf["key"]
PY
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --sequential
expect_stdout_has "95% always-valid intervals (sequential, N* = 5000)"
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --sequential --sequential-tuning 5
expect_rc 2
expect_stderr_has "--sequential-tuning must be from 100 to 1e12 entities, got 5"
# Bonferroni over every metric: each p times the family's size (3 metrics x 1 treatment).
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --correction bonferroni --correction-scope all --format json
expect_rc 0
/usr/bin/python3 - "$OUT" <<'PY' || fail "bonferroni over all metrics"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["correction"], d["correction_scope"]) == ("bonferroni", "all"), d["correction"]
for m in d["metrics"]:
    c = m["comparisons"][0]
    assert abs(c["adjusted_p_value"] - min(1, 3 * c["p_value"])) <= 1e-15, m["key"]
PY
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --correction-scope guardrails
expect_rc 2
expect_stderr_has "--correction-scope must be one of primary, all; got 'guardrails'"
run bash -c "'$EXPT' analyze effect-test --aggregates - < '$W/effect-aggregates.csv'"
expect_rc 0
expect_stdout_has "purchase_conversion (conversion, primary, increase is good)"

# Another engine's minimal output: metric rows only, slices that add up.
cat >"$WORK/minimal.csv" <<'CSV'
kind,metric,variant,n,sum,sum_squares
metric,purchase_conversion,control,2000,100,100
metric,purchase_conversion,control,984,38,38
metric,purchase_conversion,treatment,3015,208,208
metric,revenue,control,2984,201,8000
metric,revenue,treatment,3015,285,12000
CSV
expt analyze effect-test --aggregates "$WORK/minimal.csv" --format json
expect_rc 1  # page_load_p95 has no rows: a data problem, said first
/usr/bin/python3 - "$OUT" <<'PY' || fail "minimal aggregates"
import json, sys
r = json.load(open(sys.argv[1]))
assert [v["entities"] for v in r["variants"]] == [2984, 3015], r["variants"]
conv = r["metrics"][0]["variants"]
assert conv[0]["n"] == 2984 and abs(conv[0]["value"] - 138 / 2984) < 1e-15, conv
PY

# Bad files: exit 2, naming file, line and field; nothing written.
remember_registry
printf 'kind,metric,variant,n,sum,sum_squares\nmetric,revenue,blue,3,6,14\n' >"$WORK/bad.csv"
expt analyze effect-test --aggregates "$WORK/bad.csv"
expect_rc 2
expect_stderr_has "bad.csv:2:1: error: variant 'blue' is not a variant of experiment 'effect-test' (variants: control, treatment)"
printf 'kind,metric,variant,n\nmetric,revenue,control,lots\n' >"$WORK/bad.csv"
expt analyze effect-test --aggregates "$WORK/bad.csv"
expect_rc 2
expect_stderr_has "bad.csv:2:24: error: n 'lots' is not a number"
printf '[{"kind": "metric", "metric": "revenue", "variant": "control", "n": -1}]' >"$WORK/bad.json"
expt analyze effect-test --aggregates "$WORK/bad.json"
expect_rc 2
expect_stderr_has "n must be a whole number of at least 0, got -1"
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --confidence 0.9
expect_rc 2
expect_stderr_has "the interval of percentile metric 'page_load_p95' was computed at confidence 0.95"
expt analyze effect-test --aggregates "$WORK/missing.csv"
expect_rc 2
expt analyze effect-test --aggregates "$W/effect-aggregates.csv" --day 2026-11-01
expect_rc 2
expect_stderr_has "the aggregates have no rows of experiment 'effect-test' for day 2026-11-01"
expt analyze effect-test --day 2026-11-01 --events "$A/events.csv" --exposures "$A/exposures.csv"
expect_rc 2
expect_stderr_has "--day applies to --aggregates only"
expt analyze effect-test
expect_rc 2
expect_stderr_has "say where the data is: --events and --exposures (CSV), --source (a warehouse) or --aggregates"
expt analyze effect-test --events "$A/events.csv"
expect_rc 2
expect_stderr_has "--events needs --exposures too"
expect_registry_unchanged
