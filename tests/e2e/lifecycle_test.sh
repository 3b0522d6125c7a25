# create -> allocate -> start -> assign -> stop -> archive on the fixture specs.
. "$(dirname "$0")/lib.sh"

expt init
expect_rc 0
expect_stdout_equals "initialised registry $EXPT_REGISTRY (schema version 8)"
expt init
expect_rc 0
expect_stdout_equals "registry $EXPT_REGISTRY is already initialised (schema version 8); nothing changed"

expt create "$FIXTURES/specs"
expect_rc 0
expect_stdout_has "created namespace checkout"
expect_stdout_has "created global_holdout global-holdout-2026"
expect_stdout_has "created experiment checkout-cta-color"
expect_stdout_has "23 created, 0 updated, 0 unchanged"

# Idempotent: the second load changes nothing and says so.
remember_registry
expt create "$FIXTURES/specs"
expect_rc 0
expect_stdout_equals "nothing to change: 23 specs already match the registry"
expect_registry_unchanged

expt create --dry-run --format json "$FIXTURES/specs"
expect_rc 0
expect_stdout_has '"unchanged": 23'

# --dry-run shows each changed value, old and new, down to nested fields; nothing is written.
mkdir -p "$WORK/changed"
sed 's/owner_team: search-relevance/owner_team: search-quality/; s/snippet_length: 80/snippet_length: 120/' \
  "$FIXTURES/specs/search.yaml" >"$WORK/changed/search.yaml"
remember_registry
expt create --dry-run "$WORK/changed"
expect_rc 0
expect_stdout_equals 'would update experiment search-ranker-v2 (owner_team)
  owner_team: "search-relevance" -> "search-quality"
would update experiment search-snippets (variants)
  variants[1].config.snippet_length: 80 -> 120
would update experiment search-holdout (owner_team)
  owner_team: "search-relevance" -> "search-quality"
dry run: 0 created, 3 updated, 0 unchanged; nothing was written'
expect_registry_unchanged
expt create --dry-run --format json "$WORK/changed"
expect_stdout_has '"field": "variants[1].config.snippet_length"'
expect_stdout_has '"new": 120'
expect_stdout_has '"old": 80'

expt allocate --all
expect_rc 0
expect_stdout_equals "allocated search-ranker-v2: slots 0-499 (500 of 1000) in namespace search-ranking
allocated search-snippets: slots 500-799 (300 of 1000) in namespace search-ranking
allocated search-holdout: slots 900-999 (100 of 1000) in namespace search-ranking
allocated pricing-discount-banner: slots 0-499 (500 of 1000) in namespace pricing
allocated pricing-payment-api-v2: slots 500-899 (400 of 1000) in namespace pricing
allocated checkout-layout-mvt: slots 0-299 (300 of 1000) in namespace checkout
allocated checkout-cta-color: slots 300-499 (200 of 1000) in namespace checkout
allocated onboarding-product-tour: slots 0-79 (80 of 100) in namespace onboarding
allocated checkout-holdout-q4: slots 500-549 (50 of 1000) in namespace checkout
allocated onboarding-checklist: slots 80-99 (20 of 100) in namespace onboarding"

expt allocate checkout-cta-color
expect_rc 0
expect_stdout_equals "already allocated checkout-cta-color: slots 300-499 (200 of 1000) in namespace checkout"

# Expected assignments come from an independent reference (python3-xxhash, no expt code).
reference() { /usr/bin/python3 "$(dirname "$0")/expected_assignments.py" "$@"; }
# user-7 lands in an experiment in every layer; user-44 is in the global holdout; the others
# probe free slots, a holdout experiment, rollout remainders and non-ASCII IDs.
IDS=(user-7 user-44 user-42 user-1001 "ünïcødé" "a,b" "")

# Before any start nobody is in an experiment: every experiment counts as stopped.
expt assign "${IDS[@]}" --format csv
expect_rc 0
expect_stdout_equals "$(reference --stopped checkout-layout-mvt --stopped checkout-cta-color \
  --stopped checkout-holdout-q4 --stopped onboarding-product-tour --stopped pricing-discount-banner \
  --stopped pricing-payment-api-v2 --stopped search-ranker-v2 --stopped search-snippets \
  --stopped search-holdout "${IDS[@]}")"

for e in checkout-cta-color checkout-layout-mvt checkout-holdout-q4 search-ranker-v2 search-snippets \
         search-holdout pricing-discount-banner pricing-payment-api-v2 onboarding-product-tour; do
  expt start "$e"
  expect_rc 0
done
expect_stdout_equals "started onboarding-product-tour (draft -> running) at 2026-11-23T12:00:00Z"
expt start checkout-cta-color
expect_rc 0
expect_stdout_equals "experiment 'checkout-cta-color' is already running; nothing changed"

expt assign "${IDS[@]}" --format csv
expect_rc 0
expect_stdout_equals "$(reference "${IDS[@]}")"
expect_stdout_has "user-7,checkout,checkout-cta-color,control,492,false"
expect_stdout_has "user-44,checkout,,,"

expt assign user-7 --namespace checkout --format json
expect_rc 0
expect_stdout_has '"cta_color": "blue"'
expect_stdout_has '"experiment": "checkout-cta-color"'

# A running experiment cannot be archived; stop first. Stopped keeps its slots.
expt archive checkout-cta-color
expect_rc 2
expect_stderr_equals "error: experiment 'checkout-cta-color' is running; stop it before archiving (expt stop checkout-cta-color)"
expt stop checkout-cta-color --reason "reached sample size"
expect_rc 0
expt show checkout --format json
expect_stdout_has '"experiment": "checkout-cta-color"'
expt start checkout-cta-color
expect_rc 2
expect_stderr_has "is stopped and cannot restart"

# Stopped experiments serve the default config: user-7 is back to no experiment in checkout.
expt assign "${IDS[@]}" --format csv
expect_stdout_equals "$(reference --stopped checkout-cta-color "${IDS[@]}")"
expect_stdout_has "user-7,checkout,,,492,false"

expt archive checkout-cta-color
expect_rc 0
expt show checkout
expect_rc 0
expect_stdout_has "300-499  200   20.0%  (free)"

expt list --status archived --format csv
expect_rc 0
expect_stdout_equals "EXPERIMENT,NAMESPACE,TYPE,STATUS,OWNER,SLOTS,VARIANTS
checkout-cta-color,checkout,ab,archived,growth,300-499 (released),control:0.5 green:0.5"

expt audit checkout-cta-color --format csv
expect_rc 0
expect_stdout_lines 6
expect_stdout_has 'stop,experiment,checkout-cta-color,"{""from"":""running"",""reason"":""reached sample size"",""slots"":""300-499"",""to"":""stopped""}"'
expect_stdout_has ",ci,archive,"

# audit: a key nothing has is an error with the closest key, not an empty table; --limit is checked.
expt audit checkout-cta-colr
expect_rc 2
expect_stderr_equals "error: no experiment, namespace, metric or holdout 'checkout-cta-colr' in the registry (did you mean 'checkout-cta-color'?)"
expect_stdout_empty
expt audit --limit -1
expect_rc 2
expect_stderr_equals "error: --limit must be a whole number of at least 1, got -1"
expt audit --limit 2 --format csv
expect_rc 0
expect_stdout_lines 3

pass
