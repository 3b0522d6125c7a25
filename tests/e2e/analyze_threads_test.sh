# `analyze --threads 2` (events parsed on a second thread) gives byte-identical reports to
# `--threads 1` on every analysis fixture, through stdin too, and bad rows stop both the same way.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
expt init
for spec in "$A"/*/spec.yaml; do
  expt create "$spec"
  expect_rc 0
done
expt allocate --all
expect_rc 0
checked=0
for d in "$A"/*/; do
  e=$(sed -n 's/^key: //p' "$d/spec.yaml" | tail -1)
  [ -f "$d/events.csv" ] || continue
  expt start "$e" --force --reason "threads test"
  for t in 1 2; do
    expt analyze "$e" --events "$d/events.csv" --exposures "$d/exposures.csv" --threads "$t" --format json
    [ "$RC" -le 1 ] || fail "$(basename "$d"): exit $RC with --threads $t: $(cat "$ERR")"
    grep -v '"generated_at"' "$OUT" >"$WORK/threads-$t.json"
  done
  cmp -s "$WORK/threads-1.json" "$WORK/threads-2.json" || fail "$(basename "$d"): --threads 2 differs from --threads 1"
  checked=$((checked + 1))
done
[ "$checked" -ge 10 ] || fail "only $checked datasets compared"

# From stdin (size unknown: two threads by default) as from the file.
d="$A/effect"
expt analyze effect-test --events "$d/events.csv" --exposures "$d/exposures.csv" --threads 1 --format json
grep -v '"generated_at"' "$OUT" | sed 's#"events": "[^"]*"#"events": "X"#' >"$WORK/file.json"
run bash -c "'$EXPT' analyze effect-test --events - --exposures '$d/exposures.csv' --format json < '$d/events.csv'"
expect_rc 0
grep -v '"generated_at"' "$OUT" | sed 's#"events": "[^"]*"#"events": "X"#' >"$WORK/stdin.json"
cmp -s "$WORK/file.json" "$WORK/stdin.json" || fail "stdin (two threads) differs from the file (one thread)"

# A malformed row: the same message and exit code from both.
exposed=$(sed -n '2s/,.*//p' "$d/exposures.csv")
{ head -200 "$d/events.csv"; echo "e-bad,$exposed,purchase,yesterday,1"; tail -n +201 "$d/events.csv"; } >"$WORK/bad.csv"
for t in 1 2; do
  expt analyze effect-test --events "$WORK/bad.csv" --exposures "$d/exposures.csv" --threads "$t"
  expect_rc 2
  cp "$ERR" "$WORK/bad-$t.err"
done
cmp -s "$WORK/bad-1.err" "$WORK/bad-2.err" || fail "the bad row is reported differently: $(cat "$WORK/bad-1.err") / $(cat "$WORK/bad-2.err")"

expt analyze effect-test --events "$d/events.csv" --exposures "$d/exposures.csv" --threads 3
expect_rc 2

pass
