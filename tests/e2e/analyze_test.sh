# expt analyze end to end: formats, exit codes, auto-stop, bad input, column mapping, stdin.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
BAD="$FIXTURES/analysis-invalid"
expt init
for d in aa effect srm guardrail recompute; do
  expt create "$A/$d/spec.yaml"
  expect_rc 0
done
expt allocate --all
for e in aa-test effect-test skewed new-checkout hashed-join; do expt start "$e"; expect_rc 0; done
analyze() { local d=$1 e=$2; shift 2; expt analyze "$e" --events "$A/$d/events.csv" --exposures "$A/$d/exposures.csv" "$@"; }

# A real effect: a readable table, significant results marked, exit 0.
analyze effect effect-test
expect_rc 0
expect_stdout_has "experiment effect-test: 2 variants, 95% intervals, holm correction over primary metrics"
expect_stdout_has "events: 14844 rows, 12451 counted"
expect_stdout_has "  not counted: 379 duplicates, 590 before exposure, 144 of unexposed entities, 1280 of other types"
expect_stdout_has "purchase_conversion (conversion, primary, increase is good)"
expect_stdout_has "page_load_p95 (percentile, guardrail, p95, decrease is good, tolerates 10% worse)"
grep -E '^treatment .*>99\.9% +better$' "$OUT" >/dev/null || fail "no significant result marked better (or P(BEAT) rounded to 100%)"
expect_stdout_has "treatment  3015  4.376  [3.571, 5.180]"  # one precision per metric
awk 'length > 100 { exit 1 }' "$OUT" || fail "a line is wider than 100 columns"
[ "$(grep -c $'\033' "$OUT")" -eq 0 ] || fail "colour escapes in output to a file"
expect_stderr_empty
# Every analysis fixture's table fits 100 columns.
for d in aa effect srm guardrail recompute; do
  e=$(sed -n 's/^key: //p' "$A/$d/spec.yaml" | tail -1)
  analyze "$d" "$e"
  awk 'length > 100 { print; exit 1 }' "$OUT" >&2 || fail "a line of $d's table is wider than 100 columns"
done
# --color always paints verdicts; NO_COLOR does not stop an explicit always.
analyze effect effect-test --color always
expect_stdout_has $'\033[32mbetter\033[0m'
run env NO_COLOR=1 "$EXPT" analyze effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --color auto
[ "$(grep -c $'\033' "$OUT")" -eq 0 ] || fail "colour with NO_COLOR"
# Markdown tells a win from a harm in words; CSV has the experiment and round-trip numbers.
analyze effect effect-test --format markdown
expect_stdout_has "| ✅ better |"
expect_stdout_has "| >99.9% |"
analyze guardrail new-checkout --format markdown
expect_stdout_has "🚨 **breach**"
analyze effect effect-test --format csv
expect_stdout_has "experiment,metric,type,role,variant,"
expect_stdout_has "effect-test,page_load_p95,percentile,guardrail,control,2984,"
grep -E '(9{6,}|0{6,})[1-9]' "$OUT" >/dev/null && fail "CSV has float noise"
expect_stdout_has ",-25.135,"
for format in json csv markdown; do
  analyze effect effect-test --format "$format"
  expect_rc 0
done
analyze effect effect-test --format json --output "$WORK/report.json"
expect_rc 0
expect_stdout_empty
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["metrics"][0]["comparisons"][0]["significant"]' "$WORK/report.json" \
  || fail "report.json"

# Sample ratio mismatch: flagged, exit 1.
analyze srm skewed
expect_rc 1
expect_stdout_has "!! sample ratio: chi-square"
expect_stdout_has "  control 2707 (expected 2500), treatment 2292 (expected 2500)"
expect_stdout_has "SAMPLE RATIO MISMATCH"
analyze srm skewed --format json
expect_rc 1
expect_stderr_has "sample ratio mismatch: p = 4.37e-09 < 0.001"

# A breached guardrail: exit 1; the registry is untouched unless --auto-stop.
remember_registry
analyze guardrail new-checkout
expect_rc 1
expect_stdout_has "!! guardrail error_rate breached in variant treatment: 3.2pp worse (95% CI 2.31pp to 4.08pp),"
expect_stdout_has "  tolerated 0.5pp"
expect_stdout_has "BREACH"
expect_registry_unchanged
analyze guardrail new-checkout --auto-stop --format json
expect_rc 1
expect_stdout_has '"auto_stopped": true'
expt list --status stopped --format csv
expect_stdout_has "new-checkout,guardrail,ab,stopped,"
expt audit new-checkout --format csv
expect_stdout_has 'auto-stop: guardrail error_rate breached in variant treatment'

# Variants recomputed by hashing when the exposures have no variant column.
analyze recompute hashed-join --format json
expect_rc 0
expect_stdout_has '"recomputed": 3068'
expect_stdout_has '"not_assigned": 1521'
analyze recompute hashed-join
expect_stdout_has "3068 variants recomputed by hashing from the registry (1521 not assigned to this experiment)"

# Column mapping and stdin.
sed '1s/.*/id,user,name,at,amount/' "$A/aa/events.csv" >"$WORK/renamed.csv"
analyze aa aa-test --format json
cp "$OUT" "$WORK/original.json"
run bash -c "'$EXPT' analyze aa-test --events - --exposures '$A/aa/exposures.csv' --format json \
  --events-columns event_id=id,entity_id=user,event_type=name,timestamp=at,value=amount < '$WORK/renamed.csv'"
expect_rc 0
expect_stdout_has '"events": "-"'  # data.source names the input; all else is the same
diff -u <(grep -v '"events": ' "$WORK/original.json") <(grep -v '"events": ' "$OUT") >&2 || fail "mapped columns from stdin give a different analysis"
expt analyze aa-test --events "$WORK/renamed.csv" --exposures "$A/aa/exposures.csv" --events-columns entity=user
expect_rc 2
expect_stderr_equals "error: --events-columns: unknown field 'entity'; fields: event_id, entity_id, event_type, timestamp, value"

# Bad input: file, line and column; exit 2; nothing written.
remember_registry
bad() { local events=$1 exposures=$2; shift 2; expt analyze aa-test --events "$events" --exposures "$exposures" --output "$WORK/never.txt" "$@"; }
bad "$BAD/missing-column.events.csv" "$A/aa/exposures.csv"
expect_rc 2
expect_stderr_equals "$BAD/missing-column.events.csv:1:1: error: no column 'event_type' in the header; columns: event_id, entity_id, type, timestamp, value"
bad "$BAD/bad-value.events.csv" "$A/aa/exposures.csv"
expect_rc 2
expect_stderr_equals "$BAD/bad-value.events.csv:3:42: error: value 'abc' is not a number"
bad "$BAD/bad-timestamp.events.csv" "$A/aa/exposures.csv"
expect_rc 2
expect_stderr_equals "$BAD/bad-timestamp.events.csv:3:21: error: timestamp '2026-13-45T00:00:00Z' is neither ISO-8601 nor epoch seconds or milliseconds"
bad "$BAD/unterminated-quote.events.csv" "$A/aa/exposures.csv"
expect_rc 2
expect_stderr_equals "$BAD/unterminated-quote.events.csv:3:1: error: unterminated quoted field: the quote opened here is never closed"
bad "$A/aa/events.csv" "$BAD/unknown-variant.exposures.csv"
expect_rc 2
expect_stderr_equals "$BAD/unknown-variant.exposures.csv:3:15: error: exposure for unknown variant 'treatmnt' of experiment 'aa-test' (variants: control, treatment)"
[ ! -e "$WORK/never.txt" ] || fail "a failed analysis wrote its output file"
expect_registry_unchanged

# --skip-bad-rows counts and skips instead.
bad "$BAD/bad-value.events.csv" "$A/aa/exposures.csv" --skip-bad-rows --format json
expect_rc 0
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["data"]["events"]; assert d["bad_rows"] == 1 and d["rows"] == 3, d' "$WORK/never.txt" \
  || fail "--skip-bad-rows did not count the bad row"

# Usage errors.
expt analyze aa-test --events - --exposures -
expect_rc 2
expect_stderr_equals "error: --events and --exposures cannot both read stdin"
expt analyze aa-test --events x --exposures y --confidence 1.5
expect_rc 2
expect_stderr_equals "error: --confidence must be in (0, 1), got 1.5"
expt analyze no-such --events x --exposures y
expect_rc 2
expect_stderr_equals "error: unknown experiment 'no-such'"


# Extreme but finite values: revenue scaled by 1e90 gives the same p-values as unscaled (Welch's
# test is scale invariant); scaled by 1e200 the metric is named as too large, exit 2, no report.
scaled_events() {
  awk -F, -v s="$1" 'BEGIN{OFS=","} NR==1{print;next} $3=="purchase" && $5!=""{$5=sprintf("%.17g",$5*s)} {print}' \
    "$A/effect/events.csv" >"$WORK/scaled.csv"
}
p_values() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([round(c["p_value"], 9) for m in r["metrics"] if m["key"] == "revenue" for c in m["comparisons"]])' "$1" ||
    fail "no revenue p-values in $1"
}
scaled_events 1
expt analyze effect-test --events "$WORK/scaled.csv" --exposures "$A/effect/exposures.csv" --format json --output "$WORK/x1.json"
expect_rc 0
scaled_events 1e90
expt analyze effect-test --events "$WORK/scaled.csv" --exposures "$A/effect/exposures.csv" --format json --output "$WORK/x90.json"
expect_rc 0
[ "$(p_values "$WORK/x1.json")" != "[]" ] || fail "no revenue comparisons in the report"
[ "$(p_values "$WORK/x1.json")" = "$(p_values "$WORK/x90.json")" ] ||
  fail "p-values change with scale: $(p_values "$WORK/x1.json") vs $(p_values "$WORK/x90.json")"
scaled_events 1e200
expt analyze effect-test --events "$WORK/scaled.csv" --exposures "$A/effect/exposures.csv" --output "$WORK/x200.txt"
expect_rc 2
expect_stderr_equals "error: metric 'revenue' cannot be analysed: its values are so large that their variance overflows a double (beyond about 1e150 per entity); rescale the values"
[ ! -e "$WORK/x200.txt" ] || fail "a report was written for unanalysable values"

# Another experiment's files: no exposure matches. Said first, in red words, with what the files
# do hold; exit 1; and on stderr for machine formats.
expt analyze effect-test --events "$A/aa/events.csv" --exposures "$A/aa/exposures.csv"
expect_rc 1
# (the table wraps at 100 columns: join the lines to read the sentences)
joined=$(tr '\n' ' ' <"$OUT" | tr -s ' ')
sed -n 2p "$OUT" | grep -qF "!! NO DATA: no entity is exposed to experiment 'effect-test' in" \
  || fail "the missing exposures are not said at the top"
case "$joined" in *"$A/aa/exposures.csv: its 4212 rows are for other experiments: aa-test (4192 rows), another-experiment (20 rows)"*) ;;
  *) fail "the exposures problem does not name what the file holds" ;; esac
case "$joined" in *"metric 'page_load_p95' has no events: $A/aa/events.csv has no rows of event type 'page_load'; its event types are purchase (896 rows), page_view (838 rows)"*) ;;
  *) fail "the metric without events is not named with the file's event types" ;; esac
expt analyze effect-test --events "$A/aa/events.csv" --exposures "$A/aa/exposures.csv" --format json
expect_rc 1
expect_stderr_has "no data: no entity is exposed to experiment 'effect-test'"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("no entity is exposed" in p for p in d["data_problems"])' "$OUT" \
  || fail "data_problems missing from the JSON report"

# Progress: on a terminal (script(1) gives the command a pseudo-terminal) a line on stderr says
# how far the read is, and is erased at the end; --quiet and a non-terminal get none.
awk -F, 'NR == 1 { print; next } { for (i = 0; i < 20; i++) { $1 = $1 "-" i; print; sub(/-[0-9]+$/, "", $1) } }' OFS=, \
  "$A/effect/events.csv" >"$WORK/many-events.csv"
if have_pty; then
  tty_analyze() {
    run script -qec "'$EXPT' analyze effect-test --events '$WORK/many-events.csv' --exposures '$A/effect/exposures.csv' $* >/dev/null" /dev/null
  }
  tty_analyze
  expect_stdout_has "reading many-events.csv: "
  expect_stdout_has " (100%), "
  expect_stdout_has " rows/s"
  [ "$(tail -c 4 "$OUT" | od -An -c | tr -d ' ')" = '\r033[K' ] || fail "the progress line is not erased at the end"
  tty_analyze --quiet
  [ "$(grep -c "reading" "$OUT")" -eq 0 ] || fail "--quiet still drew progress"
fi
expt analyze effect-test --events "$WORK/many-events.csv" --exposures "$A/effect/exposures.csv"
[ "$(grep -c "reading" "$ERR")" -eq 0 ] || fail "progress drawn on a stderr that is not a terminal"

pass
