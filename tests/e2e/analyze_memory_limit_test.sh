# `analyze --memory-limit`: a budget the duplicate detector does not fit splits it into
# partitions, one extra pass over the events each; a tighter one also puts percentile values on
# disk. The report is the same (every count and statistic; only data.source says how the events
# were read), from a file and from stdin, and the peak memory drops; a budget below the least
# that works (which the error names), or a malformed size, is exit 2.
. "$(dirname "$0")/lib.sh"

data="$WORK/data"
export TMPDIR="$WORK/tmp"  # where the spooled stdin and spilled values go: nothing may stay behind
mkdir -p "$TMPDIR"
no_temporary_files() {
  [ -z "$(ls -A "$TMPDIR")" ] || fail "temporary files left behind ($1): $(ls -A "$TMPDIR")"
}
/usr/bin/python3 "$FIXTURES/../bench/make_analysis_data.py" "$data" 50000 500000 >/dev/null || fail "cannot generate the data"
expt init
expt create "$data/spec.yaml"
expect_rc 0
expt allocate --all
expt start bench-test
expect_rc 0

same_report() {  # everything but generated_at and how the events were read (data.source)
  diff <(grep -v -e '"generated_at"' -e '"passes"' -e '"spilled_percentiles"' "$1") \
       <(grep -v -e '"generated_at"' -e '"passes"' -e '"spilled_percentiles"' "$2") >&2 ||
    fail "$3 differs from the report read in one pass (diff above)"
}
peak_kb() { sed -n 's/^peak \([0-9]*\)$/\1/p' "$WORK/time"; }
analyze_timed() {
  run /usr/bin/time -f 'peak %M' -o "$WORK/time" "$EXPT" analyze bench-test --exposures "$data/exposures.csv" --format json --threads 1 "$@"
}

analyze_timed --events "$data/events.csv"
expect_rc 0
expect_stdout_has '"passes": 1'
cp "$OUT" "$WORK/one-pass.json"
whole_kb=$(peak_kb)

# The budget that forces partitions depends on what this build holds before the events; walk
# down until the plan splits (the window is several MB wide: 500,000 events need 8 MB).
split=""
for mb in $(seq 120 -2 30); do
  analyze_timed --events "$data/events.csv" --memory-limit "${mb}M"
  [ "$RC" -eq 0 ] || break
  if ! grep -q '"passes": 1,*$' "$OUT"; then split=$mb; break; fi
done
[ -n "$split" ] || fail "no limit between 120 and 30 MB split the duplicate detection (last exit $RC: $(cat "$ERR"))"
grep -q '"passes": [2-9]' "$OUT" || fail "expected several passes: $(grep passes "$OUT")"
same_report "$WORK/one-pass.json" "$OUT" "--memory-limit ${split}M"
split_kb=$(peak_kb)
[ "$split_kb" -lt "$whole_kb" ] || fail "peak memory did not drop: $split_kb KB with partitions, $whole_kb KB without"

# Two threads, and the events from stdin (spooled to a temporary file to be read again).
# Two threads hold a little more than one, so the limit that splits may be a step lower.
for mb in $split $((split - 2)) $((split - 4)) $((split - 6)); do
  run bash -c "'$EXPT' analyze bench-test --events - --exposures '$data/exposures.csv' --format json --threads 2 --memory-limit ${mb}M < '$data/events.csv'"
  expect_rc 0
  grep -q '"passes": [2-9]' "$OUT" && break
done
grep -q '"passes": [2-9]' "$OUT" || fail "stdin was not read in passes down to ${mb}M: $(grep passes "$OUT")"
sed 's#"events": "-"#"events": "'"$data/events.csv"'"#' "$OUT" >"$WORK/stdin.json"
same_report "$WORK/one-pass.json" "$WORK/stdin.json" "stdin with --memory-limit"
no_temporary_files "the spooled copy of stdin"

# Too small for the entities and percentile values: exit 2, saying how much is needed.
expt analyze bench-test --events "$data/events.csv" --exposures "$data/exposures.csv" --memory-limit 2M
expect_rc 2
expect_stderr_has "--memory-limit 2 MB is too small for this analysis"
expect_stdout_empty
least=$(sed -n 's/.*raise the limit to at least \([0-9]*\) MB.*/\1/p' "$ERR")
[ -n "$least" ] || fail "the message does not say how much is enough"

# Just above that (1 MB for what this build holds varying between runs), the percentile values
# go to disk, which needs less than holding them, and the report is still the same.
analyze_timed --events "$data/events.csv" --memory-limit "$((least + 1))M"
expect_rc 0
expect_stdout_has '"spilled_percentiles": true'
same_report "$WORK/one-pass.json" "$OUT" "--memory-limit $((least + 1))M (percentile values on disk)"
# Below holding everything; not necessarily below the partitioned run's peak, whose margin is a
# few MB of the process's own (a bare Debian root measured 32 MB spilled against 28 MB split).
[ "$(peak_kb)" -lt "$whole_kb" ] || fail "spilling did not lower the peak: $(peak_kb) KB against $whole_kb KB in one pass"
no_temporary_files "the spilled values"

# Killed at any moment (kill -9, no handler runs), it leaves no temporary file either: they are
# unlinked as soon as they are created.
for delay in 0.05 0.15 0.3 0.5; do
  bash -c "exec '$EXPT' analyze bench-test --events - --exposures '$data/exposures.csv' --format json \
             --memory-limit $((least + 1))M < '$data/events.csv' > /dev/null 2>&1" &
  sleep "$delay"
  kill -9 $! 2>/dev/null
  wait $! 2>/dev/null
  no_temporary_files "killed after $delay s"
done
for bad in 4X -1G "" 100K; do
  expt analyze bench-test --events "$data/events.csv" --exposures "$data/exposures.csv" --memory-limit "$bad"
  expect_rc 2
  expect_stderr_has "--memory-limit must be a size such as 4G"
done
printf 'kind,metric,variant,n,sum,sum_squares\n' >"$WORK/aggregates.csv"
expt analyze bench-test --aggregates "$WORK/aggregates.csv" --memory-limit 1G
expect_rc 2
expect_stderr_has "--memory-limit applies to CSV events"

pass
