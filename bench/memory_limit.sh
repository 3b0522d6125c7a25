#!/usr/bin/env bash
# `analyze --memory-limit` at each LIMIT over bench/make_analysis_data.py's output: wall time,
# peak RSS, the passes made and whether percentile values went to disk, and whether the report
# equals the unlimited run's (it must, bit for bit). For docs/performance.md.
# Usage: bench/memory_limit.sh BUILD_DIR DATA_DIR LIMIT...     (e.g. 1536M 2560M)
set -euo pipefail
build=$(cd "$1" && pwd) data=$(cd "$2" && pwd)
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/bench_experiment.sh
source "$(dirname "$0")/bench_experiment.sh"
start_bench_experiment "$build" "$work" "$data/spec.yaml"
strip() { grep -v -e '"generated_at"' -e '"passes"' -e '"spilled_percentiles"' "$1"; }
for limit in none "$@"; do
  args=()
  [ "$limit" = none ] || args=(--memory-limit "$limit")
  /usr/bin/time -f "%e %M" -o "$work/time" "$build/expt" analyze bench-test --events "$data/events.csv" \
    --exposures "$data/exposures.csv" --quiet --format json "${args[@]}" >"$work/$limit.json"
  read -r wall peak <"$work/time"
  passes=$(sed -n 's/.*"passes": \([0-9]*\).*/\1/p' "$work/$limit.json")
  spilled=$(sed -n 's/.*"spilled_percentiles": \([a-z]*\).*/\1/p' "$work/$limit.json")
  same=yes
  [ "$limit" = none ] || cmp -s <(strip "$work/none.json") <(strip "$work/$limit.json") || same=NO
  echo "limit $limit: ${wall} s wall, $((peak / 1024)) MB peak, $passes pass(es), percentiles on disk: $spilled, same report: $same"
done
