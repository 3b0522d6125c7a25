# Sourced by the analysis benchmarks: start_bench_experiment BUILD_DIR WORK_DIR SPEC makes a
# fresh registry in WORK_DIR and starts bench/make_analysis_data.py's experiment (bench-test)
# from SPEC, so `expt analyze bench-test` can run; the clock is fixed, so reports compare.
start_bench_experiment() {
  export EXPT_REGISTRY="$2/expt.db" EXPT_NOW=2026-11-23T12:00:00Z
  "$1/expt" init >/dev/null
  "$1/expt" create "$3" >/dev/null
  "$1/expt" allocate --all >/dev/null
  "$1/expt" start bench-test --force --reason benchmark >/dev/null
}
