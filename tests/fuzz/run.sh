#!/usr/bin/env bash
# Runs the libFuzzer harnesses (built with clang into BUILD_DIR/fuzz by the main build; built here
# when they are not) on seed corpora made from fixtures/, each for SECONDS (default 30), or with
# --budget TOTAL all of them within TOTAL seconds, split evenly. Fails on any crash, leak,
# sanitizer report or input taking 1 s or more; a finding is kept under fuzz-findings/ of the
# build folder for triage.
# Usage: tests/fuzz/run.sh BUILD_DIR EXPT_BINARY [SECONDS | --budget TOTAL]
# EXPT_FUZZ_RUNS=N stops each harness after N executions (or SECONDS, whichever comes first);
# EXPT_FUZZ_HARNESSES="a b" runs only those (spec_parser csv_ingest bundle_loader diff_apply
# remote_assign aggregates http_request).
# EXPT_FUZZ_MAX_LEN caps the input size (default 65536).
# EXPT_FUZZ_CORPUS=DIR keeps each harness's corpus in DIR/<harness> (seeded on first use), so a
# campaign longer than one sitting resumes where it stopped instead of starting from the seeds.
# EXPT_FUZZ_JOBS=N runs N processes of each harness on the one corpus directory (libFuzzer's
# -reload picks up what the others found), each stopping after EXPT_FUZZ_RUNS/N executions: a
# long campaign on all cores. Their logs are <harness>.log.1 .. .N; the report sums them.
# EXPT_FUZZ_TIMEOUT sets the per-input limit in seconds (default 1) and EXPT_FUZZ_NICE the
# harnesses' niceness: a long run that shares the machine raises both, since libFuzzer measures
# wall-clock time and a starved input is not a slow one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 expt=$2 seconds=${3:-30}
fuzz_build="$build/fuzz"
all_harnesses="spec_parser csv_ingest bundle_loader diff_apply remote_assign aggregates http_request"
harnesses=${EXPT_FUZZ_HARNESSES:-$all_harnesses}
if [ "$seconds" = --budget ]; then
  count=$(wc -w <<<"$harnesses")
  seconds=$(( ${4:?--budget takes a number of seconds} / count ))
  [ "$seconds" -ge 1 ] || seconds=1
fi

missing=false
for harness in $harnesses; do [ -x "$fuzz_build/${harness}_fuzz" ] || missing=true; done
if $missing; then
  cmake -S "$root/tests/fuzz" -B "$fuzz_build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=None >"$fuzz_build.configure.log" 2>&1 || { cat "$fuzz_build.configure.log"; exit 1; }
  cmake --build "$fuzz_build" --parallel "$(nproc)" >"$fuzz_build.build.log" 2>&1 || { tail -50 "$fuzz_build.build.log"; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Seeds: the fixture specs, heads of the analysis CSVs, and bundles and diffs published from the
# fixture registry.
mkdir -p "$work"/{spec_parser,csv_ingest,bundle_loader,diff_apply,remote_assign,aggregates,http_request}
cp "$root"/fixtures/specs/*.yaml "$root"/fixtures/specs-invalid/*.yaml "$work/spec_parser/"
for d in "$root"/fixtures/analysis/*/; do
  name=$(basename "$d")
  { head -c 2000 "$d/exposures.csv"; printf '\0'; head -c 2000 "$d/events.csv"; } >"$work/csv_ingest/$name"
done
cp "$root"/fixtures/analysis-invalid/*.csv "$work/csv_ingest/" 2>/dev/null || true
export EXPT_REGISTRY="$work/expt.db" EXPT_NOW=2026-11-23T12:00:00Z
"$expt" init >/dev/null
"$expt" create "$root/fixtures/specs" >/dev/null
"$expt" allocate --all >/dev/null
"$expt" start checkout-cta-color >/dev/null
"$expt" export bundle --output "$work/bundles" >/dev/null
"$expt" start search-ranker-v2 >/dev/null
"$expt" export bundle --output "$work/bundles" >/dev/null
cp "$work"/bundles/bundle-*.json "$work/bundle_loader/"
cp "$work"/bundles/diff-*.json "$work/diff_apply/"
# Request bodies for POST /v1/assign: one entity, a batch, namespaces, and near-misses.
printf '{"entity_id":"user-7"}' >"$work/remote_assign/one"
printf '{"entity_id":"user-7","namespaces":["checkout","search-ranking"]}' >"$work/remote_assign/namespaces"
printf '{"requests":[{"entity_id":"a"},{"entity_id":"b","namespaces":["pricing"]}]}' >"$work/remote_assign/batch"
printf '[{"entity_id":"a"},{"entity_id":7}]' >"$work/remote_assign/array"
printf '{"entity_id":"x","namespaces":["checkot"]}' >"$work/remote_assign/unknown-namespace"
# Aggregates: ClickHouse's answers over the effect fixture, as CSV and JSON, and rows with the
# harness's own metrics, CUPED covariates included (a first byte that is odd, as in `k`, asks for CUPED).
cp "$root"/fixtures/warehouse/*-aggregates.* "$work/aggregates/"
printf '%s\n' 'kind,metric,variant,name,n,sum,sum_squares,sum_product' \
  'metric,conv,control,,100,20,20,0' 'metric,conv,treatment,,100,30,30,0' \
  'covariate,conv,control,14,100,25,25,15' 'covariate,conv,treatment,14,100,24,24,18' \
  'metric,rev,control,,100,500,9000,0' 'metric,rev,treatment,,100,650,11000,0' \
  'covariate,rev,control,14,100,480,8000,7000' 'covariate,rev,treatment,14,100,470,7900,8100' >"$work/aggregates/covariates.csv"
# Past findings, so each stays fixed (fixtures/fuzz/<harness>/).
for harness in $all_harnesses; do
  if [ -d "$root/fixtures/fuzz/$harness" ]; then cp "$root/fixtures/fuzz/$harness"/* "$work/$harness/"; fi
done
# What clients send expt serve (the first byte is the piece size the rest arrives in): each
# endpoint, keep-alive pipelining, a chunked POST, a conditional GET, and each limit's neighbourhood.
http_seed() { printf "$2" >"$work/http_request/$1"; }
http_seed get '\377GET /v1/bundle HTTP/1.1\r\nHost: x\r\n\r\n'
http_seed pipelined '\007GET /v1/bundle/1 HTTP/1.1\r\n\r\nGET /v1/diff/1/2 HTTP/1.1\r\n\r\nHEAD /healthz HTTP/1.1\r\n\r\nGET /metrics HTTP/1.0\r\n\r\n'
http_seed chunked '\020POST /v1/assign HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n9\r\n{"entity_\r\n10\r\nid": "user-7"}   \r\n0\r\n\r\n'
http_seed length '\377POST /v1/assign HTTP/1.1\r\nContent-Length: 22\r\n\r\n{"entity_id":"user-7"}'
http_seed conditional '\003GET /v1/bundle HTTP/1.1\r\nIf-None-Match: W/"a", "xxh128:0"\r\nLast-Event-ID: 01\r\n\r\n'
http_seed long-line "\\377GET /v1/bundle/$(printf '1%.0s' $(seq 250)) HTTP/1.1\\r\\n\\r\\n"
http_seed versions '\377GET /v1/diff/abc/02 HTTP/1.1\r\n\r\nGET /v1/bundle/99999999999999999999 HTTP/1.1\r\n\r\n'
export EXPT_FUZZ_BASE_BUNDLE="$work/bundles/bundle-1.json" EXPT_FUZZ_BUNDLE_FOLDER="$work/bundles"

status=0
for harness in $harnesses; do
  corpus="$work/$harness"
  if [ -n "${EXPT_FUZZ_CORPUS:-}" ]; then
    corpus="$EXPT_FUZZ_CORPUS/$harness"
    mkdir -p "$corpus"
    cp -n "$work/$harness"/* "$corpus/"
  fi
  mkdir -p "$build/fuzz-findings/$harness"
  log="$build/fuzz-findings/$harness.log"  # kept: a long run's statistics outlive it
  jobs=${EXPT_FUZZ_JOBS:-1}
  runs_each=${EXPT_FUZZ_RUNS:+$((EXPT_FUZZ_RUNS / jobs))}
  if [ "$jobs" -gt 1 ] && [ -z "${EXPT_FUZZ_CORPUS:-}" ]; then
    echo "EXPT_FUZZ_JOBS needs EXPT_FUZZ_CORPUS (the workers share a corpus directory)" >&2; exit 2
  fi
  pids=()
  for ((job = 1; job <= jobs; job++)); do
    job_log=$log; [ "$jobs" -gt 1 ] && job_log="$log.$job"
    nice -n "${EXPT_FUZZ_NICE:-0}" "$fuzz_build/${harness}_fuzz" -max_total_time="$seconds" -timeout="${EXPT_FUZZ_TIMEOUT:-1}" -rss_limit_mb=2048 -max_len="${EXPT_FUZZ_MAX_LEN:-65536}" \
      -artifact_prefix="$build/fuzz-findings/$harness/" -print_final_stats=1 ${runs_each:+-runs=$runs_each} "$corpus" >"$job_log" 2>&1 &
    pids+=($!)
  done
  total=0 finding=0 interrupted=0 peak=0 took=0
  for ((job = 1; job <= jobs; job++)); do
    job_log=$log; [ "$jobs" -gt 1 ] && job_log="$log.$job"
    if wait "${pids[$((job - 1))]}"; then
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$job_log")
      rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$job_log")
      secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$job_log")
      total=$((total + runs)); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
      [ "${secs:-$seconds}" -gt "$took" ] && took=${secs:-$seconds}
    elif grep -q 'libFuzzer: run interrupted' "$job_log"; then
      runs=$(grep -o '^#[0-9]*' "$job_log" | tail -1)
      total=$((total + ${runs#\#})); interrupted=1
    else
      echo "fuzz $harness: FINDING (input kept in $build/fuzz-findings/$harness/, log $job_log)"
      grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$job_log" | head -20
      finding=1
    fi
  done
  if [ "$finding" = 1 ]; then
    status=1
  elif [ "$interrupted" = 1 ]; then
    echo "fuzz $harness: interrupted after $total executions ($jobs process(es)), no crash, leak or timeout until then (log: $log)"
    status=1
  else
    echo "fuzz $harness: $total executions in $took s ($jobs process(es)), peak RSS ${peak} MB, no crash, leak or timeout"
  fi
done
exit $status
