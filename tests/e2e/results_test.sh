# Results over time: `analyze --record` keeps each analysis in the registry, `expt results` lists
# them, and a recorded analysis can be analysed again from its stored statistics after the raw
# events are gone.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
COMPARE="$EXPT_SOURCE_DIR/tests/warehouse/compare_reports.py"
expt init
for d in effect guardrail; do expt create "$A/$d/spec.yaml"; expect_rc 0; done
expt allocate --all
for e in effect-test new-checkout; do expt start "$e"; expect_rc 0; done
# The exports as an analyst would have them, to be archived later.
cp "$A/effect/events.csv" "$A/effect/exposures.csv" "$WORK/"

expt results effect-test
expect_rc 0
expect_stdout_has "no recorded analyses of effect-test"

# Two analyses on two days, by two people.
EXPT_NOW=2026-11-20T09:00:00Z EXPT_ACTOR=ana expt analyze effect-test --events "$WORK/events.csv" --exposures "$WORK/exposures.csv" --record --format json
expect_rc 0
cp "$OUT" "$WORK/first.json"
EXPT_NOW=2026-11-27T09:00:00Z EXPT_ACTOR=bo expt analyze effect-test --events "$WORK/events.csv" --exposures "$WORK/exposures.csv" --record --sequential
expect_rc 0
expt results effect-test
expect_rc 0
expect_stdout_has "1   2026-11-20T09:00:00Z  ana"
expect_stdout_has "2   2026-11-27T09:00:00Z  bo"
expect_stdout_has "revenue +"
expt results effect-test --format json
expect_rc 0
/usr/bin/python3 - "$OUT" "$WORK/events.csv" <<'PY' || fail "the recorded analyses miss what they must hold"
import hashlib, json, sys
records = json.load(open(sys.argv[1]))
assert [r["id"] for r in records] == [1, 2], records
first, second = records
assert first["actor"] == "ana" and second["actor"] == "bo"
assert first["data_from"] < first["data_to"] <= "2026-12", (first["data_from"], first["data_to"])
files = {f["path"].rsplit("/", 1)[-1]: f["xxh128"] for f in first["inputs"]["files"]}
assert set(files) == {"events.csv", "exposures.csv"} and all(h.startswith("xxh128:") and len(h) == 39 for h in files.values()), files
assert first["key_numbers"]["sequential"] is None and second["key_numbers"]["sequential"] == {"tuning": 5000}
assert [m["key"] for m in first["key_numbers"]["metrics"]] == ["purchase_conversion", "revenue", "page_load_p95"]
PY
expt results effect-test --limit 1 --format csv
expect_rc 0
[ "$(wc -l <"$OUT")" -eq 2 ] || fail "--limit 1 did not give one row"
expt audit effect-test --format csv
expect_stdout_has ",record,experiment,effect-test,"

# The raw exports are archived; the recorded statistics give the same report.
rm "$WORK/events.csv" "$WORK/exposures.csv"
expt results effect-test --aggregates 1
expect_rc 0
cp "$OUT" "$WORK/recorded.csv"
expt analyze effect-test --aggregates "$WORK/recorded.csv" --format json
expect_rc 0
/usr/bin/python3 "$COMPARE" "$WORK/first.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "the recorded statistics do not give the recorded report"; }

# Recording and an auto-stop are one transaction; both are audited.
expt analyze new-checkout --events "$A/guardrail/events.csv" --exposures "$A/guardrail/exposures.csv" --auto-stop --record
expect_rc 1
expt list --format json
expect_stdout_has '"status": "stopped"'
expt results new-checkout
expect_stdout_has "BREACHED"

# Bad input records nothing; recorded rows cannot be changed.
expt analyze effect-test --events "$FIXTURES/analysis-invalid/bad-timestamp.events.csv" --exposures "$A/effect/exposures.csv" --record
expect_rc 2
expt results effect-test --format json
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT")" = 2 ] || fail "a failed analysis was recorded"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE analyses SET actor = ?", ("mallory",))' "$EXPT_REGISTRY" 2>"$WORK/sqlerr" \
  && fail "a recorded analysis could be edited"
grep -q "recorded analyses are immutable" "$WORK/sqlerr" || fail "the trigger did not say why: $(cat "$WORK/sqlerr")"

# Mistakes: exit 2 with the reason.
expt results effect-tset
expect_rc 2
expect_stderr_has "did you mean 'effect-test'"
expt results effect-test --aggregates 9
expect_rc 2
expect_stderr_has "experiment 'effect-test' has no recorded analysis 9; its analyses are 1 to 2"
expt results effect-test --limit 0
expect_rc 2
pass
