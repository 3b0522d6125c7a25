#!/usr/bin/env bash
# POST /v1/assign under wrk (Debian's wrk, a load generator independent of expt): serves a bundle
# published from the fixture registry and runs one entity per request, then batches of 100, for
# 10 s each on 2 connections and 2 threads. Usage: bench/remote_assign_wrk.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expt="${1:-$root/build}/expt"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
export EXPT_REGISTRY="$work/expt.db"
"$expt" init >/dev/null && "$expt" create "$root/fixtures/specs" >/dev/null && "$expt" allocate --all >/dev/null
for e in checkout-cta-color checkout-layout-mvt search-ranker-v2 pricing-discount-banner onboarding-product-tour; do
  "$expt" start "$e" >/dev/null
done
"$expt" export bundle --output "$work/bundles" >/dev/null
"$expt" serve --bundles "$work/bundles" --listen 127.0.0.1:0 >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "^serving" "$work/serve.out" && break; sleep 0.1; done
url=$(sed -n 's|^serving .* on \(http://.*\)$|\1|p' "$work/serve.out")
for batch in 1 100; do
  printf 'batch %-4s ' "$batch"
  BATCH=$batch wrk -t2 -c2 -d10s -s "$root/bench/remote_assign.lua" "$url" | tail -1
done
