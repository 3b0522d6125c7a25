# Results over time: `analyze --by day` gives, from one pass over the events, each day's
# cumulative analysis; each day must equal `analyze` run on the exports cut at that day's end.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
expt init
for d in effect ratio cuped; do expt create "$A/$d/spec.yaml"; expect_rc 0; done
expt allocate --all
for e in effect-test ranker cuped-test; do expt start "$e"; expect_rc 0; done

for pair in effect:effect-test ratio:ranker cuped:cuped-test; do
  d=${pair%%:*} e=${pair#*:}
  expt analyze "$e" --events "$A/$d/events.csv" --exposures "$A/$d/exposures.csv" --by day --format json
  expect_rc 0
  cp "$OUT" "$WORK/$d.days.json"
  # Early days (not everyone exposed yet; an entity in two variants is still in its first until
  # the second appears), the last exposure day, and a late one.
  for day in 2026-11-01 2026-11-02 2026-11-03 2026-11-05 2026-11-07 2026-11-15; do
    /usr/bin/python3 - "$A/$d" "$WORK/cut" "$day" <<'PY'
import csv, datetime as dt, pathlib, sys
src, out, day = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
end = int(dt.datetime.fromisoformat(day + "T00:00:00+00:00").timestamp() * 1000) + 86_400_000
def ms(text):
    if text.lstrip("-").isdigit():
        return int(text) if len(text.lstrip("-")) >= 12 else int(text) * 1000
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(t.timestamp() * 1000)
out.mkdir(exist_ok=True)
for name in ("events.csv", "exposures.csv"):
    rows = list(csv.reader(open(src / name, newline="")))
    header = rows[0]
    keep = lambda r: ms(r[header.index("timestamp")]) < end
    with open(out / name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(r for r in rows[1:] if keep(r))
PY
    expt analyze "$e" --events "$WORK/cut/events.csv" --exposures "$WORK/cut/exposures.csv" --format json
    [ "$RC" -le 1 ] || fail "$d cut at $day: exit $RC"
    /usr/bin/python3 - "$WORK/$d.days.json" "$OUT" "$day" <<'PY' || fail "$d: --by day on $day differs from the analysis of the data cut at that day's end"
import json, math, sys
days = {d["day"]: d for d in json.load(open(sys.argv[1]))["by_day"]}
cut = json.load(open(sys.argv[2]))
day = days[sys.argv[3]]
assert day["entities"] == [v["entities"] for v in cut["variants"]], (day["entities"], cut["variants"])
for dm, cm in zip(day["metrics"], cut["metrics"]):
    assert dm["key"] == cm["key"]
    for a, b in zip(dm["values"], [v["value"] for v in cm["variants"]]):
        assert (a is None and b is None) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (dm["key"], a, b)
    for dc, cc in zip(dm["comparisons"], cm["comparisons"]):
        for k in ("difference", "difference_ci_low", "difference_ci_high", "lift", "lift_ci_low", "lift_ci_high", "p_value"):
            a, b = dc[k], cc[k]
            assert (a is None and b is None) or math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-12), (dm["key"], k, a, b)
PY
  done
  # The last day is the whole analysis.
  /usr/bin/python3 -c '
import json, math, sys
r = json.load(open(sys.argv[1])); last = r["by_day"][-1]
for dm, m in zip(last["metrics"], r["metrics"]):
    for dc, c in zip(dm["comparisons"], m["comparisons"]):
        assert (dc["lift"] is None and c["lift"] is None) or math.isclose(dc["lift"], c["lift"], rel_tol=1e-8), (dm["key"], dc["lift"], c["lift"])
' "$WORK/$d.days.json" || fail "$d: the last day is not the whole analysis"
done

# The table shows the lift over time per metric.
expt analyze effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --by day
expect_rc 0
expect_stdout_has "over time (cumulative, each day's end):"
expect_stdout_has "2026-11-21  5999"

# Aggregates with days analyse each day in the file; without days, --by day is refused.
expt analyze effect-test --aggregates "$FIXTURES/warehouse/effect-aggregates.csv" --by day
expect_rc 2
expect_stderr_has "--by day needs aggregates with a day column"
expt analyze effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --by week
expect_rc 2
expect_stderr_has "--by must be day; got 'week'"
pass
