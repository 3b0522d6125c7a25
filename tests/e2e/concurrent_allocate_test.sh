# Many `expt allocate` processes at once: every one succeeds and no two ranges overlap.
. "$(dirname "$0")/lib.sh"

expt init
{
  printf 'kind: namespace\nkey: busy\ntotal_slots: 1000\n'
  for i in $(seq 1 24); do
    printf -- '---\nkind: experiment\nkey: race-%02d\nnamespace: busy\ntype: ab\nowner_team: t\ntraffic: {slots: 40}\n' "$i"
    printf 'variants: [{key: a, allocation: 0.5}, {key: b, allocation: 0.5}]\n'
  done
} >"$WORK/race.yaml"
expt create "$WORK/race.yaml"
expect_rc 0

pids=()
for i in $(seq 1 24); do
  "$EXPT" allocate "$(printf 'race-%02d' "$i")" >"$WORK/alloc-$i.out" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
STEP="24 concurrent allocate processes"
[ "$failed" -eq 0 ] || fail "$failed allocate processes failed: $(cat "$WORK"/alloc-*.out)"

expt show busy --format json
expect_rc 0
/usr/bin/python3 - "$OUT" <<'PY' || fail "overlapping or missing ranges"
import json, sys
ranges = [(r["slot_start"], r["slot_end"]) for r in json.load(open(sys.argv[1]))["ranges"] if r["experiment"]]
assert len(ranges) == 24, len(ranges)
ranges.sort()
assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:])), ranges
PY
expect_stdout_has '"free_slots": 40'

pass
