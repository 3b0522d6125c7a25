#!/usr/bin/env bash
# Runs the tools docs/performance.md compares expt with, next to expt itself, alternating:
# GrowthBook's JS SDK (assignment) and DuckDB (analysis), both from npm, installed into
# bench/js/node_modules from the committed lock file on first use (never by the build).
# Usage: bench/run_peers.sh BUILD_DIR DATA_DIR [ROUNDS]
#   DATA_DIR: bench/make_analysis_data.py's output (spec.yaml, exposures.csv, events.csv).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) data=$(cd "$2" && pwd) rounds=${3:-3}
[ -d "$root/bench/js/node_modules" ] || npm ci --prefix "$root/bench/js" --no-audit --no-fund >/dev/null

echo "== assignment: expt's SDK (3 layers + holdout, C++) and GrowthBook JS (3 inline experiments)"
"$build/bench/assignment_bench" --benchmark_filter=all_layers --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true | grep median
node "$root/bench/js/growthbook_inline.mjs" 1000000 5

echo "== analysis of $(wc -l <"$data/events.csv") event rows: expt --threads 1, --threads 2, DuckDB 2 threads"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/bench_experiment.sh
source "$(dirname "$0")/bench_experiment.sh"
start_bench_experiment "$build" "$work" "$data/spec.yaml"
for round in $(seq "$rounds"); do
  for threads in 1 2; do
    /usr/bin/time -f "expt --threads $threads: %e s wall, %U s user, %M KB peak" "$build/expt" analyze bench-test \
      --events "$data/events.csv" --exposures "$data/exposures.csv" --threads "$threads" --quiet --format json >/dev/null
  done
  /usr/bin/time -f "duckdb 2 threads: %e s wall, %U s user, %M KB peak" node "$root/bench/js/duckdb_equivalent.mjs" "$data" 2 >/dev/null
done
