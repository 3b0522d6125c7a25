# README.md's walkthrough runs exactly as printed: its first ```sh block after "## Walkthrough"
# is extracted and run with bash -e in a copy of the repository's layout (fixtures/ and
# build/expt), and what it prints must show every step did its job.
. "$(dirname "$0")/lib.sh"

readme="$EXPT_SOURCE_DIR/README.md"
awk '/^## Walkthrough/ { in_section = 1 } in_section && /^```sh$/ { in_block = 1; next }
     in_block && /^```$/ { exit } in_block { print }' "$readme" >"$WORK/walkthrough.sh"
[ -s "$WORK/walkthrough.sh" ] || { STEP="extract the walkthrough"; fail "README.md has no \`\`\`sh block under ## Walkthrough"; }

mkdir -p "$WORK/repo/build"
ln -s "$FIXTURES" "$WORK/repo/fixtures"
ln -s "$EXPT" "$WORK/repo/build/expt"
unset EXPT_REGISTRY
cd "$WORK/repo"
run env -u EXPT_REGISTRY bash -e -o pipefail "$WORK/walkthrough.sh"
expect_rc 0
cp "$OUT" "$WORK/walkthrough.out"

# Each promise of the walkthrough, checked on what it printed and wrote.
expect_stdout_has "initialised registry tour/expt.db"
expect_stdout_has "checkout-cta-color"
[ "$(wc -l <tour/assignments.csv)" -gt 100000 ] || fail "assign --input wrote $(wc -l <tour/assignments.csv) lines"
[ -e tour/bundles/latest.json ] || fail "no bundle published"
# The bundle evaluation must give user-7 a variant of a running experiment, not '-' everywhere.
run build/expt assign user-7 --bundle tour/bundles/latest.json --namespace checkout --format json
expect_rc 0
expect_stdout_has '"experiment": "checkout-cta-color"'
run build/expt --registry tour/expt.db audit checkout-cta-color --format csv
expect_stdout_has "archive"
[ -e tour/tables/experiments.csv ] || fail "export registry wrote no tables"
grep -qF "experiment effect-test is ready to start" "$WORK/walkthrough.out" || fail "the walkthrough's check did not pass"
grep -qF "over time (cumulative, each day's end):" "$WORK/walkthrough.out" || fail "the walkthrough's --by day printed no daily view"
run build/expt --registry tour/expt.db results effect-test --format json
expect_stdout_has '"experiment": "effect-test"'
pass
