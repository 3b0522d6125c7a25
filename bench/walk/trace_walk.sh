#!/usr/bin/env bash
# How far `expt analyze --source` wanders through the floors (docs/architecture.md): builds expt
# from SOURCE_DIR with -finstrument-functions (project code only), runs one analysis against a
# throw-away ClickHouse server, and counts
#   stops: the project functions the run enters, each once, in the order first entered;
#   climbs: the stops whose caller sits on a higher floor than the stop before them, that is, the
#           walk went down and had to come back up to find its next step.
# Floors, lowest first: core's domain folders, core/usecase, commands (with its subfolders), cli.
# Usage: bench/walk/trace_walk.sh SOURCE_DIR WORK_DIR     (SOURCE_DIR: a checkout, any commit)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$(cd "$1" && pwd) work=$2
mkdir -p "$work"
work=$(cd "$work" && pwd)
cc -O1 -c "$here/walk_tracer.c" -o "$work/walk_tracer.o"
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXPT_WERROR=OFF \
  -DEXPT_BUILD_TESTS=OFF -DEXPT_BUILD_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS=-finstrument-functions -finstrument-functions-exclude-file-list=/usr/include,/usr/lib" \
  "-DCMAKE_EXE_LINKER_FLAGS=$work/walk_tracer.o -ldl" >"$work/configure.log"
cmake --build "$work/build" --target expt >"$work/build.log"
expt=$work/build/expt

sandbox=$work/clickhouse
trap '"$root/tests/warehouse/clickhouse_sandbox.sh" stop "$sandbox" >/dev/null 2>&1 || true' EXIT
port=$("$root/tests/warehouse/clickhouse_sandbox.sh" start "$sandbox")
dataset=$root/fixtures/analysis/effect
export EXPT_REGISTRY=$work/walk.db EXPT_NOW=2026-11-23T12:00:00Z
rm -f "$EXPT_REGISTRY"
"$expt" init >/dev/null
"$expt" create "$dataset/spec.yaml" >/dev/null
"$expt" allocate --all >/dev/null
"$expt" start effect-test >/dev/null
"$expt" export sql --schema --dialect clickhouse >"$work/schema.sql"
/usr/bin/python3 "$root/tests/warehouse/load_dataset.py" "http://127.0.0.1:$port" walk "$dataset" "$work/schema.sql"
EXPT_WALK_OUT=$work/walk.txt "$expt" analyze effect-test --source "clickhouse://127.0.0.1:$port/walk" --format json >/dev/null
/usr/bin/python3 "$here/count_walk.py" "$expt" "$src" "$work/walk.txt"
