# Lifecycle commands over many experiments: several keys, or a namespace's --all, in one
# transaction (every one moves, or none does), each audited.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all; expect_rc 0
expt list --namespace pricing --format json
PRICING=$(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(e["key"] for e in json.load(open(sys.argv[1])))))' "$OUT")
[ -n "$PRICING" ] || fail "the fixtures have no pricing experiments"

# Several keys: all start; the JSON is one object per experiment.
expt start checkout-cta-color search-ranker-v2 --format json
expect_rc 0
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [(x["experiment"], x["to"], x["changed"]) for x in d] == [("checkout-cta-color","running",True),("search-ranker-v2","running",True)], d' "$OUT" \
  || fail "two keys did not both start"

# One failure, and nothing moves: a stopped experiment cannot start again, so with it in the list
# the other stays a draft.
expt stop search-ranker-v2; expect_rc 0
remember_registry
set -- $PRICING
expt start "$1" search-ranker-v2
expect_rc 2
expect_stderr_has "search-ranker-v2"
expect_registry_unchanged

# A namespace's --all: every draft in it starts, in one transaction; again, nothing to do.
expt start --namespace pricing --all
expect_rc 0
for key in $PRICING; do expect_stdout_has "started $key (draft -> running)"; done
expt start --namespace pricing --all
expect_rc 0
expect_stdout_has "namespace 'pricing' has no experiment to start"
expt audit --format json
/usr/bin/python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
started = sorted(e["entity_key"] for e in log if e["action"] == "start")
assert len(set(e["at"] for e in log if e["action"] == "start")) >= 1
expected = sorted(["checkout-cta-color", "search-ranker-v2"] + sys.argv[2].split())
assert started == expected, (started, expected)' "$OUT" "$PRICING" || fail "the starts are not audited one by one"
expt stop --namespace pricing --all --reason "pricing freeze"
expect_rc 0
expt archive --namespace pricing --all
expect_rc 0

# --all alone: the whole registry.
expt stop --all
expect_rc 0
expect_stdout_has "stopped checkout-cta-color (running -> stopped)"
expt list --status running --format json
expect_stdout_equals "[]"

# Usage.
expt start --namespace pricing
expect_rc 2
expt start checkout-cta-color --namespace pricing --all
expect_rc 2
expect_stderr_has "name experiments or use --namespace NS --all, not both"
expt start --namespace nowhere --all
expect_rc 2
expect_stderr_has "unknown namespace 'nowhere'"
expt start
expect_rc 2
pass
