#!/usr/bin/env bash
# POST /v1/assign under wrk (Debian's wrk, a load generator independent of expt): serves a bundle
# published from the fixture registry and runs one entity per request on 8 and 64 connections,
# then batches of 100 on 2, for 10 s each, 2 wrk threads. With more expt binaries after the build
# folder (e.g. one built from an older commit), each serves the same folder in turn, in this one
# run, so their figures compare side by side on the same machine at the same moment.
# Usage: bench/remote_assign_wrk.sh [BUILD_DIR] [OTHER_EXPT ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expt="${1:-$root/build}/expt"
shift || true
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for binary in "$expt" "$@"; do
  echo "== $binary ($("$binary" --version 2>/dev/null | head -1))"
  # Each binary publishes its own folder from its own registry (an older one may not read a newer
  # registry or bundle format); the content is the same.
  rm -rf "$work/expt.db" "$work/bundles"
  export EXPT_REGISTRY="$work/expt.db"
  "$binary" init >/dev/null && "$binary" create "$root/fixtures/specs" >/dev/null && "$binary" allocate --all >/dev/null
  for e in checkout-cta-color checkout-layout-mvt search-ranker-v2 pricing-discount-banner onboarding-product-tour; do
    "$binary" start "$e" >/dev/null
  done
  "$binary" export bundle --output "$work/bundles" >/dev/null
  "$binary" serve --bundles "$work/bundles" --listen 127.0.0.1:0 >"$work/serve.out" 2>&1 &
  server=$!
  for _ in $(seq 50); do grep -q "^serving" "$work/serve.out" && break; sleep 0.1; done
  url=$(sed -n 's|^serving .* on \(http://.*\)$|\1|p' "$work/serve.out")
  for run in "1 8" "1 64" "100 2"; do
    read -r batch connections <<<"$run"
    printf 'batch %-4s connections %-3s ' "$batch" "$connections"
    BATCH=$batch wrk -t2 -c"$connections" -d10s -s "$root/bench/remote_assign.lua" "$url" | tail -1
  done
  kill $server; wait $server 2>/dev/null || true
  server=
done
