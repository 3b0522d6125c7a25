# Every broken spec exits 2 with its exact diagnostic and leaves the registry untouched.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all
expect_rc 0
cd "$FIXTURES"  # so diagnostics name files as specs-invalid/NAME.yaml, as in the .expected files

remember_registry
for expected in specs-invalid/*.expected; do
  spec="${expected%.expected}.yaml"
  expt create "$spec"
  expect_rc 2
  expect_stderr_file "$expected"
  expect_stdout_empty
  expect_registry_unchanged
done

# Several files at once: all errors are reported, none of the valid documents is written.
expt create specs-invalid/unknown-field.yaml specs-invalid/allocation-sum.yaml specs/pricing.yaml
expect_rc 2
expect_stderr_has "specs-invalid/unknown-field.yaml:8:1: error: unknown field 'varaints'"
expect_stderr_has "specs-invalid/allocation-sum.yaml:8:1: error: variant allocations sum to 0.9, expected 1"
expect_stderr_has "3 errors in specs; nothing was written"
expect_registry_unchanged

# Specs on stdin are named "-".
run bash -c "'$EXPT' create - < specs-invalid/allocation-sum.yaml"
expect_rc 2
expect_stderr_has "-:8:1: error: variant allocations sum to 0.9, expected 1"
expect_registry_unchanged

expt create specs-invalid/no-such-file.yaml
expect_rc 2
expect_stderr_has "specs-invalid/no-such-file.yaml: error: cannot read 'specs-invalid/no-such-file.yaml': no such file or directory"
expect_registry_unchanged

# Unknown experiment keys, with a suggestion.
expt start checkout-cta-colour
expect_rc 2
expect_stderr_equals "error: unknown experiment 'checkout-cta-colour' (did you mean 'checkout-cta-color'?)"
expt allocate no-such-experiment
expect_rc 2
expect_stderr_equals "error: unknown experiment 'no-such-experiment'"
expt show checkuot
expect_rc 2
expect_stderr_equals "error: unknown namespace 'checkuot' (did you mean 'checkout'?)"
expt assign user-1 --namespace nope
expect_rc 2
expect_stderr_equals "error: unknown namespace 'nope'"
expect_registry_unchanged

# Illegal transitions.
expt stop checkout-cta-color
expect_rc 2
expect_stderr_equals "error: experiment 'checkout-cta-color' is a draft and was never started; archive it instead (expt archive checkout-cta-color)"
expect_registry_unchanged

# A draft may ask for more than is free; allocation then refuses and names the free ranges.
expt create specs-invalid/oversubscribed.yaml
expect_rc 0
remember_registry
expt allocate checkout-one-click
expect_rc 2
expect_stderr_equals "error: namespace 'checkout' cannot fit 'checkout-one-click': it needs 500 slots but only 450 of 1000 are free; free: 550-999 (450)"
expect_registry_unchanged

# Changing the randomization of a running experiment is refused with the reason.
expt start search-ranker-v2
expect_rc 0
remember_registry
cat >"$WORK/search.yaml" <<'YAML'
kind: experiment
key: search-ranker-v2
namespace: search-ranking
type: ab
owner_team: search-relevance
description: Learning-to-rank model against BM25
traffic:
  range: [0, 499]
variants:
  - key: control
    allocation: 0.4
  - key: ltr-v2
    allocation: 0.6
    config:
      ranker: ltr-v2
metrics:
  - metric: clicks_per_search
    role: primary
  - metric: page_load_p95
    role: guardrail
    threshold: 50
    threshold_type: absolute
YAML
expt create "$WORK/search.yaml"
expect_rc 2
expect_stderr_equals "error: experiment 'search-ranker-v2' is running: changing its variant weights would reshuffle users already exposed; keep them as they are, or stop this experiment and create a new one
nothing was written"
expect_registry_unchanged

pass
