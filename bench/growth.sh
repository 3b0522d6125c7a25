#!/usr/bin/env bash
# Time per event row as the input grows (docs/performance.md, "Growth with the input"): ROUNDS
# rounds, each running `expt analyze` with one and then two threads on every DATA_DIR in turn
# (bench/make_analysis_data.py's output, all from the same spec), then the medians per input
# and thread count: wall and user time, peak RSS, and wall and user time per event row.
# Usage: bench/growth.sh BUILD_DIR ROUNDS DATA_DIR...
set -euo pipefail
build=$(cd "$1" && pwd) rounds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/bench_experiment.sh
source "$(dirname "$0")/bench_experiment.sh"
start_bench_experiment "$build" "$work" "$1/spec.yaml"
for _ in $(seq "$rounds"); do
  for data in "$@"; do
    for threads in 1 2; do
      /usr/bin/time -a -o "$work/times" -f "$data $threads %e %U %M" "$build/expt" analyze bench-test \
        --events "$data/events.csv" --exposures "$data/exposures.csv" --threads "$threads" --quiet --format json >/dev/null
    done
  done
done
for data in "$@"; do echo "$data $(($(wc -l <"$data/events.csv") - 1))"; done >"$work/rows"
python3 - "$work/times" "$work/rows" <<'PY'
import statistics, sys
rows = dict(line.split() for line in open(sys.argv[2]))
runs = {}
for line in open(sys.argv[1]):
    data, threads, wall, user, peak = line.split()
    runs.setdefault((data, threads), []).append((float(wall), float(user), int(peak)))
for (data, threads), r in runs.items():
    n = int(rows[data])
    wall, user, peak = (statistics.median(x[i] for x in r) for i in range(3))
    print(f"{data}: {n:,} rows, --threads {threads}: {wall:.2f} s wall ({min(x[0] for x in r):.2f}-{max(x[0] for x in r):.2f}), "
          f"{user:.2f} s user, {peak / 1000:,.0f} MB peak; per row {wall / n * 1e6:.3f} us wall, {user / n * 1e6:.3f} us user")
PY
