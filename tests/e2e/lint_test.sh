# expt lint for CI: clean specs pass, broken specs give exactly the expected findings in every format.
. "$(dirname "$0")/lib.sh"

# No registry is needed (and none is created).
expt lint "$FIXTURES/specs"
expect_rc 0
expect_stdout_equals "no problems in 6 files (23 documents)"
[ ! -e "$EXPT_REGISTRY" ] || fail "lint created a registry"
expt lint "$FIXTURES/specs" --format github
expect_rc 0
expect_stdout_equals "no problems in 6 files (23 documents)"

cd "$FIXTURES/lint"
for format in human json github; do
  expt lint broken --format "$format"
  expect_rc 1
  diff -u "broken.expected.$format" "$OUT" >&2 || fail "lint --format $format differs from broken.expected.$format"
done

# Warnings alone pass, unless --strict.
expt lint broken/00-base.yaml broken/06-warnings.yaml
expect_rc 0
expect_stdout_has "0 errors, 2 warnings in 2 files (7 documents)"
expt lint broken/00-base.yaml broken/06-warnings.yaml --strict
expect_rc 1

# Specs from stdin.
run bash -c "{ cat broken/00-base.yaml; echo ---; cat broken/04-variants.yaml; } | '$EXPT' lint - --format github"
expect_rc 1
expect_stdout_has "::error file=-,line=52,col=1,title=E022 variant-count::a rollout has exactly 1 variant"

# Unreadable input is exit 2, not a finding.
expt lint broken/nope.yaml
expect_rc 2
expect_stderr_equals "broken/nope.yaml: error: cannot read 'broken/nope.yaml': no such file or directory"

# With --registry, specs are checked against the slots already claimed.
expt init --registry "$WORK/reg.db"
expt create "$FIXTURES/specs" --registry "$WORK/reg.db"
expt allocate --all --registry "$WORK/reg.db"
cat >"$WORK/new.yaml" <<'YAML'
kind: experiment
key: search-query-rewrite
namespace: search-ranking
type: ab
owner_team: search-relevance
traffic: {range: [400, 449]}
variants: [{key: control, allocation: 0.5}, {key: rewrite, allocation: 0.5}]
metrics: [{metric: clicks_per_search, role: primary}]
---
kind: experiment
key: pricing-annual-plan
namespace: pricing
type: ab
owner_team: monetisation
traffic: {slots: 150}
variants: [{key: control, allocation: 0.5}, {key: annual, allocation: 0.5}]
metrics: [{metric: revenue_per_user, role: primary}]
YAML
expt lint "$WORK/new.yaml" --registry "$WORK/reg.db"
expect_rc 1
expect_stdout_has "$WORK/new.yaml:6:1: error: slots 400-449 of 'search-query-rewrite' overlap 'search-ranker-v2' (slots 0-499, draft) in namespace 'search-ranking' [E101 slot-overlap]"
expect_stdout_has "$WORK/new.yaml:15:1: error: namespace 'pricing' is over-subscribed: experiments ask for 1050 of its 1000 slots (50 too many): pricing-discount-banner 500 (allocated), pricing-payment-api-v2 400 (allocated), pricing-annual-plan 150 [E102 namespace-oversubscribed]"
# Without --registry the same file only lacks its references: EXPT_REGISTRY alone does not pull one in.
run env EXPT_REGISTRY="$WORK/reg.db" "$EXPT" lint "$WORK/new.yaml" --format json
expect_rc 1
expect_stdout_has '"code": "E011"'

# --context: linting only the changed file (what pre-commit passes) resolves its references
# against the rest of the folder, and reports nothing about the folder's other files.
mkdir -p "$WORK/ctx" && cp "$FIXTURES"/specs/*.yaml "$WORK/ctx/"
expt lint "$WORK/ctx/search.yaml"
expect_rc 1
expect_stdout_has "[E011"
expt lint "$WORK/ctx/search.yaml" --context "$WORK/ctx"
expect_rc 0
expect_stdout_has "no problems in 1 file"
# A clash with a file of the context is still found, in the linted file; a broken context file
# that is not linted is not reported.
# (a file of its own, slots 0-9 of search-ranking, which search-ranker-v2 holds)
cp "$FIXTURES/lint/collides-with-search-ranker.yaml" "$WORK/ctx/rewrite.yaml"
printf 'kind: metric\nkey: [broken\n' >"$WORK/ctx/zz-broken.yaml"
expt lint "$WORK/ctx/rewrite.yaml" --context "$WORK/ctx/"
expect_rc 1
expect_stdout_has "$WORK/ctx/rewrite.yaml:6:1: error: slots 0-9 of 'search-query-rewrite' overlap"
[ "$(grep -c "zz-broken" "$OUT")" -eq 0 ] || fail "a context file was linted"
expt lint "$WORK/ctx/rewrite.yaml" --context "$WORK/ctx/missing"
expect_rc 2
expect_stderr_has "--context '$WORK/ctx/missing' is not a folder"

pass
