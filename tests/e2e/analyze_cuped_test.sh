# CUPED and the spec's `analysis:` settings end to end: bindings with `cuped: true` are adjusted,
# the command line overrides the spec either way, and the window is checked.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis/cuped"
expt init
# The fixture's spec, plus analysis settings: sequential, and a 7-day CUPED window.
{ cat "$A/spec.yaml"; printf 'analysis: {sequential: true, sequential_tuning: 2000, cuped_window_days: 7}\n'; } >"$WORK/spec.yaml"
expt create "$WORK/spec.yaml"; expect_rc 0
expt allocate --all; expect_rc 0
expt start cuped-test; expect_rc 0
analyze() { expt analyze cuped-test --events "$A/events.csv" --exposures "$A/exposures.csv" "$@"; }
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2], {"d": d})))' "$OUT" "$1"; }

analyze --format json
expect_rc 0
[ "$(field 'd["sequential"]')" = '{"tuning": 2000.0}' ] || fail "the spec's sequential settings were not applied: $(field 'd["sequential"]')"
[ "$(field 'd["cuped"]')" = '{"window_days": 7.0}' ] || fail "the spec's CUPED window was not applied"
[ "$(field '[m["cuped"] is not None for m in d["metrics"]]')" = '[true, true, false]' ] || fail "CUPED is not exactly on the bound metrics"
[ "$(field 'd["metrics"][1]["cuped"]["variance_reduction"] > 0.2')" = true ] || fail "CUPED removed little of revenue's variance"
[ "$(field 'd["data"]["events"]["covariate"] > 0')" = true ] || fail "no events counted as covariate"
seven=$(field 'd["metrics"][1]["cuped"]["theta"]')

# The command line wins: no sequential, the default window, CUPED on every metric or none.
analyze --format json --no-sequential --cuped-window 14 --cuped
expect_rc 0
[ "$(field 'd["sequential"]')" = null ] || fail "--no-sequential did not override the spec"
[ "$(field '[m["cuped"] is not None for m in d["metrics"]]')" = '[true, true, true]' ] || fail "--cuped did not adjust every mean metric"
[ "$(field 'd["metrics"][1]["cuped"]["theta"]')" != "$seven" ] || fail "--cuped-window 14 gave the 7-day theta"
analyze --format json --no-cuped
[ "$(field '[m["cuped"] for m in d["metrics"]]')" = '[null, null, null]' ] || fail "--no-cuped left an adjustment"

# The table says what CUPED did.
analyze
expect_stdout_has "CUPED: variance -"
expect_stdout_has "7-day pre-exposure window); values are adjusted"
expect_stdout_has "always-valid intervals (sequential, N* = 2000)"

# Bad windows and bad settings: exit 2, naming the option or the spec field.
analyze --cuped-window 0
expect_rc 2
expect_stderr_has "--cuped-window must be a number of days in (0, 366], got 0"
printf 'kind: namespace\nkey: x\n---\nkind: metric\nkey: m\ntype: mean\nevent_type: e\n---\nkind: experiment\nkey: bad\nnamespace: x\ntype: ab\nowner_team: t\ntraffic: {slots: 1}\nvariants: [{key: a, allocation: 0.5}, {key: b, allocation: 0.5}]\nmetrics: [{metric: m, role: primary, cuped: yes}]\nanalysis: {sequential: 1, cuped_window_days: 400}\n' >"$WORK/bad.yaml"
expt create "$WORK/bad.yaml"
expect_rc 2
expect_stderr_has "'cuped' must be true or false, got 'yes'"
expect_stderr_has "'sequential' must be true or false, got '1'"
expect_stderr_has "'cuped_window_days' must be a number of days in (0, 366], got '400'"

# The settings are part of the spec: a change is an update, and audited.
sed 's/cuped_window_days: 7/cuped_window_days: 10/' "$WORK/spec.yaml" >"$WORK/spec2.yaml"
expt create "$WORK/spec2.yaml"
expect_rc 0
expect_stdout_has "updated"
expt audit --format json
expect_stdout_has '"path": "/analysis/cuped_window_days"'
analyze --format json
[ "$(field 'd["cuped"]')" = '{"window_days": 10.0}' ] || fail "the changed window was not applied"
pass
