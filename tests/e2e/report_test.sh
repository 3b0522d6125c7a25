# expt report: one self-contained HTML page, checked in a real browser (Debian's headless
# Chromium): it renders with no console error, its SVG plots have the expected elements, and the
# numbers on the page are the ones `analyze --format json` gives.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
command -v chromium >/dev/null || fail "chromium is not installed (scripts/setup test installs it)"
browser() { chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$WORK/chromium" "$@"; }
expt init
for d in effect three_variants; do expt create "$A/$d/spec.yaml"; expect_rc 0; done
expt allocate --all
for e in effect-test three-way; do expt start "$e"; expect_rc 0; done

check_report() {  # DATASET EXPERIMENT TREATMENTS [extra analyze options]
  local d=$1 e=$2 treatments=$3; shift 3
  expt report "$e" --events "$A/$d/events.csv" --exposures "$A/$d/exposures.csv" --output "$WORK/$e.html" "$@"
  expect_rc 0
  expect_stderr_has "wrote $WORK/$e.html"
  expt analyze "$e" --events "$A/$d/events.csv" --exposures "$A/$d/exposures.csv" --format json "$@"
  cp "$OUT" "$WORK/$e.json"
  # Self-contained: no script, nothing fetched.
  grep -qiE '<script|<link|<img|src=|href=|@import|url\(' "$WORK/$e.html" && fail "$e.html loads or runs something"
  # Rendered in Chromium: a screenshot, the DOM as the browser built it, and its console.
  run browser --enable-logging=stderr --v=0 --window-size=1000,1400 --screenshot="$WORK/$e.png" "file://$WORK/$e.html"
  grep -E 'CONSOLE|Uncaught|Failed to load' "$ERR" && fail "the browser reported errors for $e.html"
  [ "$(head -c 8 "$WORK/$e.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "no PNG screenshot of $e.html"
  [ "$(stat -c %s "$WORK/$e.png")" -gt 20000 ] || fail "the screenshot of $e.html is nearly empty"
  run browser --dump-dom "file://$WORK/$e.html"
  cp "$OUT" "$WORK/$e.dom.html"
  /usr/bin/python3 - "$WORK/$e.dom.html" "$WORK/$e.json" "$treatments" <<'PY' || fail "the page's numbers or plots differ from the JSON report ($e)"
import json, sys
from html.parser import HTMLParser
dom, report, treatments = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), int(sys.argv[3])

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements, self.stack = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a, list(self.stack)))
        if tag not in ("meta", "br"):
            self.stack.append((tag, a))
    def handle_startendtag(self, tag, attrs):  # <circle .../>: recorded, never on the stack
        self.elements.append((tag, dict(attrs), list(self.stack)))
    def handle_endtag(self, tag):
        if any(t == tag for t, _ in self.stack):
            while self.stack.pop()[0] != tag:
                pass

page = Page()
page.feed(dom)
def inside(stack, tag, attr, value):
    return any(t == tag and a.get(attr) == value for t, a in stack)
def number(text):
    return None if text in ("", None) else float(text)
def same(shown, expected, what):
    if expected is None:
        assert shown is None, (what, shown)
    else:
        assert shown is not None and abs(shown - expected) <= 1e-12 * max(1, abs(expected)), (what, shown, expected)

metrics = report["metrics"]
plots = [a for t, a, _ in page.elements if t == "svg" and "forest" in a.get("class", "")]
assert len(plots) == len(metrics), ("plots", len(plots), len(metrics))
for t, a, _ in page.elements:
    if t == "svg":
        labels = a.get("aria-labelledby", "").split()
        titles = {x.get("id") for tt, x, _ in page.elements if tt in ("title", "desc")}
        assert labels and all(l in titles for l in labels), "a plot without its text alternative"
for m in metrics:
    key = m["key"]
    in_forest = lambda s: inside(s, "section", "data-metric", key) and any(t == "svg" and "forest" in a.get("class", "") for t, a in s)
    groups = [(a, s) for t, a, s in page.elements if t == "g" and in_forest(s)]
    assert len(groups) == treatments, (key, "comparisons", len(groups))
    circles = [1 for t, a, s in page.elements if t == "circle" and in_forest(s)]
    assert len(circles) == sum(c["lift"] is not None or c["difference"] is not None for c in m["comparisons"]), (key, "circles")
    for c in m["comparisons"]:
        g = next(a for a, s in groups if a["data-variant"] == c["variant"])
        use_lift = all(x["lift"] is not None and x["lift_ci_low"] is not None for x in m["comparisons"])
        same(number(g["data-estimate"]), c["lift"] if use_lift else c["difference"], (key, "estimate"))
        same(number(g["data-ci-low"]), c["lift_ci_low"] if use_lift else c["difference_ci_low"], (key, "ci_low"))
        cells = [a for t, a, s in page.elements if t == "td" and inside(s, "section", "data-metric", key)
                 and inside(s, "tr", "data-variant", c["variant"]) and inside(s, "table", "class", "comparisons")]
        values = [number(a["data-value"]) for a in cells if "data-value" in a]
        for shown, field in zip(values, ("difference", "lift", "p_value", "adjusted_p_value", "chance_to_beat")):
            same(shown, c[field], (key, field))
    for v in m["variants"]:
        cells = [a for t, a, s in page.elements if t == "td" and inside(s, "section", "data-metric", key)
                 and inside(s, "tr", "data-variant", v["variant"]) and inside(s, "table", "class", "variants")]
        same(number(cells[2]["data-value"]), v["value"], (key, v["variant"], "value"))
        same(number(cells[3]["data-low"]), v["ci_low"], (key, v["variant"], "ci_low"))
        same(number(cells[3]["data-high"]), v["ci_high"], (key, v["variant"], "ci_high"))
        assert int(cells[1]["data-value"]) == v["n"]
# --by day: per metric a lift-over-time plot, a line and a band per treatment, a point per day
# with a lift, each at the JSON's numbers.
over_time = [a for t, a, _ in page.elements if t == "svg" and "over-time" in a.get("class", "")]
days = report.get("by_day") or []
assert len(over_time) == (len(metrics) if days else 0), ("over-time plots", len(over_time))
for k, m in enumerate(metrics if days else []):
    key = m["key"]
    in_plot = lambda s: inside(s, "section", "data-metric", key) and any(t == "svg" and "over-time" in a.get("class", "") for t, a in s)
    assert sum(1 for t, a, s in page.elements if t == "polyline" and in_plot(s)) == treatments, (key, "lines")
    assert sum(1 for t, a, s in page.elements if t == "polygon" and in_plot(s)) == treatments, (key, "bands")
    points = [a for t, a, s in page.elements if t == "circle" and in_plot(s)]
    expected = [(d["day"], d["metrics"][k]["comparisons"][ti]) for ti in range(treatments) for d in days
                if d["metrics"][k]["comparisons"][ti]["lift"] is not None and d["metrics"][k]["comparisons"][ti]["lift_ci_low"] is not None]
    assert len(points) == len(expected), (key, "points", len(points), len(expected))
    for a, (day, c) in zip(points, expected):
        assert a["data-day"] == day, (key, a["data-day"], day)
        same(number(a["data-lift"]), c["lift"], (key, day, "lift"))
        same(number(a["data-ci-high"]), c["lift_ci_high"], (key, day, "ci_high"))
for v in report["variants"]:
    cell = [a for t, a, s in page.elements if t == "td" and inside(s, "table", "class", "entities") and inside(s, "tr", "data-variant", v["key"]) and "data-value" in a]
    assert int(cell[0]["data-value"]) == v["entities"]
PY
}

check_report effect effect-test 1
expect_stdout_has "Provenance"
check_report three_variants three-way 2
# Sequential bands: the page says so, and its intervals are the always-valid ones.
check_report effect effect-test 1 --sequential
grep -q "always-valid" "$WORK/effect-test.html" || fail "a sequential report does not say always-valid"
# Results over time: the lift-over-time plots, also with several treatments.
check_report effect effect-test 1 --by day
grep -q "Lift over time: cumulative" "$WORK/effect-test.html" || fail "no lift-over-time plot with --by day"
check_report three_variants three-way 2 --by day

# Provenance: the input files' hashes, the command line, the bundle.
expt export bundle --output "$WORK/bundles"
expt report effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --output "$WORK/p.html"
expect_rc 0
h=$(/usr/bin/python3 -c 'import xxhash,sys; print("xxh128:" + xxhash.xxh3_128_hexdigest(open(sys.argv[1],"rb").read()))' "$A/effect/events.csv")
grep -qF "$h" "$WORK/p.html" || fail "the events file's hash $h is not in the provenance"
grep -qF "expt report effect-test --events" "$WORK/p.html" || fail "no command line in the provenance"
grep -qF "version 1 (xxh128:" "$WORK/p.html" || fail "no bundle version in the provenance"

# Bad input: exit 2, nothing written.
expt report effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv"
expect_rc 2
expt report effect-test --events "$A/effect/events.csv" --exposures "$WORK/missing.csv" --output "$WORK/none.html"
expect_rc 2
[ -e "$WORK/none.html" ] && fail "a report was written for bad input"
expt report effect-test --events "$A/effect/events.csv" --exposures "$A/effect/exposures.csv" --output "$WORK/no-such-folder/r.html"
expect_rc 2
true
