# Governance before launch: review requests and decisions, policies, the pre-launch checklist,
# and `start` refusing what the policy does not allow unless forced with a reason.
. "$(dirname "$0")/lib.sh"

expt init
expt create "$FIXTURES/specs"; expect_rc 0
expt allocate --all; expect_rc 0
E=checkout-cta-color

# Without a policy: no approval needed, the checklist passes, start would go ahead.
expt check $E
expect_rc 0
expect_stdout_has "approvals         pass    no review policy requires approval"
expect_stdout_has "experiment $E is ready to start"

# A policy on the namespace: one approval from team stats, and a guardrail metric.
EXPT_ACTOR=admin expt review policy --namespace checkout --approvals 1 --teams stats --require-guardrail
expect_rc 0
expect_stdout_has "namespace 'checkout': 1 approval by teams stats; a guardrail metric required"
expt review policy --namespace search-ranking
expect_stdout_has "no review policy for namespace 'search-ranking'"
expt check $E --format json
expect_rc 1
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
outcome = {c["check"]: c["outcome"] for c in d["checks"]}
assert list(outcome) == ["slots", "variants", "primary_metric", "guardrail_metric", "plan", "approvals", "spec_unchanged"], outcome
assert outcome["approvals"] == "fail" and outcome["slots"] == "pass" and not d["ready"], d' "$OUT" || fail "check --format json"
expt start $E
expect_rc 2
expect_stderr_has "cannot start: approvals: 0 of 1 required approvals; no review requested (expt review request $E)"

# EXPT_ACTOR is anyone's to set: it names a reviewer only where the policy says so.
EXPT_ACTOR=olga expt review request $E --note "MDE 10%, 14 days"
expect_rc 2
expect_stderr_has "EXPT_ACTOR names 'olga', not the account running expt; the review policy for namespace 'checkout' counts only the account's own reviews"
expt review policy --namespace checkout --actor-from-env
expect_rc 0
expect_stdout_has "namespace 'checkout': 1 approval by teams stats; a guardrail metric required; EXPT_ACTOR names the reviewer"

# The requester cannot approve (however the name is typed); another team's approval does not
# count; a note with words is required.
EXPT_ACTOR=olga expt review request $E --note "MDE 10%, 14 days"
expect_rc 0
expect_stdout_has "review requested for $E: pending"
EXPT_ACTOR=olga EXPT_TEAM=stats expt review approve $E --note "looks fine"
expect_rc 2
expect_stderr_has "olga requested this review and cannot approve it"
for spelling in Olga "olga " " OLGA" "ＯＬＧＡ"; do
  EXPT_ACTOR="$spelling" EXPT_TEAM=Stats expt review approve $E --note "looks fine"
  [ "$RC" -eq 2 ] || fail "EXPT_ACTOR='$spelling' approved olga's own request"
done
EXPT_ACTOR=$'ol\xe2\x80\x8bga' EXPT_TEAM=stats expt review approve $E --note "looks fine"
expect_rc 2
expect_stderr_has "EXPT_ACTOR 'ol\u200Bga' holds the invisible or control character U+200B"
EXPT_ACTOR=rita EXPT_TEAM=stats expt review approve $E --note " . "
expect_rc 2
expect_stderr_has "a review approval needs --note: say what you checked"
EXPT_ACTOR=rita expt review approve $E --note "ok" --team growth
expect_rc 2
expect_stderr_has "lets only teams stats review; rita gave team 'growth'"
EXPT_ACTOR=rita expt review approve $E --team stats
expect_rc 2
expt review list --pending --format json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [x["experiment"] for x in d] == ["'$E'"] and d[0]["request"]["actor"] == "olga", d' "$OUT" \
  || fail "the pending list does not hold the request"

# A rejection, a new request, an approval: start goes ahead.
EXPT_ACTOR=rita EXPT_TEAM=stats expt review reject $E --note "add the error-rate guardrail"
expect_rc 0
expect_stdout_has "rejected $E: rejected by rita"
expt check $E
expect_rc 1
expect_stdout_has "rejected by rita: add the error-rate guardrail"
EXPT_ACTOR=olga expt review request $E --note "guardrail is there"
EXPT_ACTOR=rita EXPT_TEAM=stats expt review approve $E --note "power and guardrails ok"
expect_rc 0
expect_stdout_has "approved $E: approved by rita"
EXPT_ACTOR=Rita EXPT_TEAM=STATS expt review approve $E --note "again"
expect_rc 2
expect_stderr_has "rita has already approved experiment '$E' as it is"
expt review list --pending
expect_stdout_has "no reviews pending"

# Changing the spec voids the approval: check and start fail until it is approved again.
sed 's/threshold: 0.05/threshold: 0.04/' "$FIXTURES/specs/checkout.yaml" >"$WORK/checkout.yaml"
expt create "$FIXTURES/specs/00-namespaces.yaml" "$FIXTURES/specs/01-metrics.yaml" "$WORK/checkout.yaml"
expect_rc 0
expt review status $E --format json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == "changed" and len(d["history"]) == 4, d' "$OUT" \
  || fail "a changed spec did not void the approval"
expt check $E
expect_rc 1
expect_stdout_has "spec_unchanged    fail    changed since rita approved it"
EXPT_ACTOR=rita EXPT_TEAM=stats expt review approve $E --note "ok"
expect_rc 2
expect_stderr_has "changed since review was requested"
expt start $E
expect_rc 2

# --force needs a reason with words, and both are audited.
expt start $E --force
expect_rc 2
expect_stderr_has "--force over a failed pre-launch check needs --reason"
expt start $E --force --reason " "
expect_rc 2
expect_stderr_has "--force over a failed pre-launch check needs --reason"
EXPT_ACTOR=lead expt start $E --force --reason "incident fix, reviewed offline"
expect_rc 0
expt audit $E --format json
/usr/bin/python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
start = [e for e in log if e["action"] == "start"][-1]
assert start["actor"] == "lead" and start["details"]["reason"] == "incident fix, reviewed offline", start
assert start["details"]["forced_checks"] == ["approvals", "spec_unchanged"], start
actions = [e["action"] for e in log]
for a in ("review.request", "review.approve", "review.reject"): assert a in actions, actions' "$OUT" || fail "the forced start or the reviews are not audited"

# A registry-wide policy applies where a namespace has none; reviews are append-only.
expt review policy --approvals 2
expect_stdout_has "the registry: 2 approvals by anyone but the requester"
expt check search-ranker-v2
expect_rc 1
expect_stdout_has "0 of 2 required approvals"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM reviews")' "$EXPT_REGISTRY" 2>"$WORK/sqlerr" \
  && fail "reviews could be deleted"
grep -q "reviews are append-only" "$WORK/sqlerr" || fail "the trigger did not say why"
expt review policy --namespace nowhere --approvals 1
expect_rc 2
expect_stderr_has "unknown namespace 'nowhere'"
expt review status no-such-experiment
expect_rc 2
pass
