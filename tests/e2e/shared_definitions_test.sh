# A shared metric is one definition: a file that only uses it keeps its text; lint and create
# agree on what a duplicate is; and what it measures cannot change under a running experiment
# unless forced with a reason, which is audited and voids the experiment's approvals.
. "$(dirname "$0")/lib.sh"

E=checkout-cta-color
metric_text() {
  python3 -c 'import sqlite3,sys; print("|".join(sqlite3.connect(sys.argv[1]).execute(
    "SELECT name, description FROM metrics WHERE key = ?", (sys.argv[2],)).fetchone()))' "$EXPT_REGISTRY" "$1"
}
expt init
expt create "$FIXTURES/specs"
expect_rc 0
[ "$(metric_text purchase_conversion)" = "Purchase conversion|Share of exposed entities that purchase at least once" ] \
  || fail "unexpected metric text: $(metric_text purchase_conversion)"

# The README's second file repeats purchase_conversion without name or description.
expt create "$FIXTURES/analysis/effect/spec.yaml"
expect_rc 0
[ "$(metric_text purchase_conversion)" = "Purchase conversion|Share of exposed entities that purchase at least once" ] \
  || fail "a file without a description emptied it: $(metric_text purchase_conversion)"
expt lint "$FIXTURES/specs" "$FIXTURES/analysis/effect/spec.yaml"
expect_rc 0
[ -z "$(grep E010 "$OUT")" ] || fail "lint calls one definition written twice a duplicate"

# What it measures cannot change under a running experiment.
expt review policy --namespace checkout --approvals 1 --actor-from-env
EXPT_ACTOR=olga expt review request $E --note "MDE 10%, 14 days"
EXPT_ACTOR=rita expt review approve $E --note "power ok"
expect_rc 0
expt allocate $E
expt start $E
expect_rc 0
redefined='kind: metric
key: purchase_conversion
type: mean
event_type: page_view'
remember_registry
run bash -c "printf '%s\n' '$redefined' | '$EXPT' create -"
expect_rc 2
expect_stderr_has "metric 'purchase_conversion' is bound to running experiment $E: changing its aggregation, event_type, type would change what their analyses measure mid-flight"
expect_registry_unchanged
run bash -c "printf '%s\n' '$redefined' | '$EXPT' create - --force --reason ' '"
expect_rc 2
expect_stderr_has "--force needs --reason"
expect_registry_unchanged
# A new description is no change of what it measures.
run bash -c "printf '%s\n' 'kind: metric
key: purchase_conversion
type: conversion
event_type: purchase
description: Buyers over exposed' | '$EXPT' create -"
expect_rc 0
expt review status $E --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == "approved", d' "$OUT" || fail "a new description voided the approval"

# Forced, with a reason: audited, and the approval is void.
run bash -c "printf '%s\n' '$redefined' | '$EXPT' create - --force --reason 'page views were the intended measure'"
expect_rc 0
expect_stdout_has "forced while $E runs: their approvals are void"
expt audit --format json
python3 -c '
import json, sys
update = [e for e in json.load(open(sys.argv[1])) if e["action"] == "update" and e["entity_key"] == "purchase_conversion"][-1]
d = update["details"]
assert d["forced"] and d["reason"] == "page views were the intended measure" and d["running_experiments"] == ["'$E'"], d' "$OUT" \
  || fail "the forced change is not audited"
expt review status $E --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == "changed", d' "$OUT" || fail "the approval survived a new metric definition"
expt check $E
expect_rc 1
expect_stdout_has "spec_unchanged"
pass
