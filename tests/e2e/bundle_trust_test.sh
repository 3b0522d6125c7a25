# Bundles the server and its clients can vouch for (docs/serving.md, "Versions and lineage"):
# - a latest.json whose bundle_version was edited fails verification (the hash covers it) and is
#   not served; /healthz says degraded and why;
# - a restart over a damaged latest.json serves the newest bundle that verifies, degraded;
# - a client at version 4 (or 2) pointed at a rebuilt folder (another registry, at version 2)
#   refuses it and says so, until it is told to follow the new lineage; a restored older latest.json of the
#   same registry is refused by the server and counted in /metrics.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all; expect_rc 0
B="$WORK/bundles"
publish() { expt start "$1"; expect_rc 0; expt export bundle --output "$B"; expect_rc 0; }
publish checkout-cta-color       # 1
publish search-ranker-v2         # 2
publish pricing-discount-banner  # 3
SERVER= WATCH=
trap 'kill $SERVER $WATCH 2>/dev/null; rm -rf "$WORK"' EXIT
start_server() {
  "$EXPT" serve --bundles "$1" --listen 127.0.0.1:0 --rescan 0.2 >"$WORK/serve.out" 2>&1 &
  SERVER=$!
  PORT=$(serve_port "$WORK/serve.out")
  [ -n "$PORT" ] || fail "the server did not start: $(cat "$WORK/serve.out")"
  U="http://127.0.0.1:$PORT"
}
stop_server() { kill -TERM $SERVER; wait $SERVER; }
health() { curl -s "$U/healthz"; }
# watch_until_refused CACHE POLL NAME: `expt watch` with $WORK/CACHE.json until it says it refused
# a version (at most 5 s), its output in $WORK/NAME.out and NAME.err.
watch_until_refused() {
  "$EXPT" watch --server "$U" --cache "$WORK/$1.json" --poll "$2" >"$WORK/$3.out" 2>"$WORK/$3.err" &
  WATCH=$!
  for _ in $(seq 50); do grep -q "refused" "$WORK/$3.err" && break; sleep 0.1; done
  kill -TERM $WATCH; wait $WATCH; WATCH=
}

STEP="the bundle names its registry"
lineage=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lineage"])' "$B/latest.json")
[ ${#lineage} -eq 32 ] || fail "lineage '$lineage'"

# 1. A restated version: latest.json says 9 with version 3's content. Verification fails.
start_server "$B"
cp "$B/latest.json" "$WORK/latest-3.json"
/usr/bin/python3 - "$B/latest.json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
d["bundle_version"] = 9
tmp = sys.argv[1] + ".edit"
open(tmp, "w").write(json.dumps(d, sort_keys=True, separators=(",", ":")) + "\n")
os.rename(tmp, sys.argv[1])
PY
sleep 0.6
run health
expect_stdout_has '"status":"degraded"'
expect_stdout_has '"version":3'
expect_stdout_has 'does not match its content_hash'
run curl -s -o /dev/null -w '%{http_code}' "$U/v1/bundle/9"
expect_stdout_has 404
stop_server

# 2. A restart over that damaged latest.json serves version 3, the newest that verifies, and says
# so on every rescan after the one that fell back (the reason once lost its second half).
start_server "$B"
run health
expect_stdout_has '"status":"degraded"'
expect_stdout_has '"version":3'
expect_stdout_has 'serving bundle-3.json, the newest bundle that does'
sleep 0.7
run health
expect_stdout_has 'serving bundle-3.json, the newest bundle that does'
run curl -s -w ' %{http_code}' "$U/v1/assign" -d '{"entity_id":"user-7"}'
expect_stdout_has '"bundle_version":3'
cp "$WORK/latest-3.json" "$B/latest.json"
sleep 0.6
run health
expect_stdout_has '"status":"ok"'

# 3. A restored older latest.json of the same registry is refused by the server, and counted.
publish onboarding-product-tour  # 4
sleep 0.6
cp "$B/bundle-2.json" "$B/latest.json"
sleep 0.6
run health
expect_stdout_has '"version":4'
expect_stdout_has 'names version 2, older than version 4 served'
run curl -s "$U/metrics"
expect_stdout_has 'expt_serve_versions_refused_total 1'
cp "$B/bundle-4.json" "$B/latest.json"
"$EXPT" watch --server "$U" --cache "$WORK/cache.json" --until-version 4 --timeout 10 >/dev/null 2>&1 ||
  fail "the client did not reach version 4"
stop_server

# 4. A rebuilt registry: a new one publishes versions 1 and 2 into a new folder; the client with
# version 4 of the old registry in its cache refuses them and says why.
export EXPT_REGISTRY="$WORK/rebuilt.db"
expt init; expect_rc 0
expt create "$FIXTURES/specs"; expect_rc 0
expt allocate --all; expect_rc 0
R="$WORK/rebuilt"
expt start checkout-cta-color; expect_rc 0
expt export bundle --output "$R"; expect_rc 0
expt start search-ranker-v2; expect_rc 0
expt export bundle --output "$R"; expect_rc 0
start_server "$R"
watch_until_refused cache 0.3 watch
STEP="the client refuses the rebuilt registry's version 2"
grep -q "version 4 (cache)" "$WORK/watch.out" || fail "$(cat "$WORK/watch.out")"
grep -q "version 2" "$WORK/watch.out" && fail "it took version 2: $(cat "$WORK/watch.out")"
grep -q "of another registry" "$WORK/watch.err" || fail "no word of the lineage: $(cat "$WORK/watch.err")"
grep -q "use --follow-new-lineage or remove the cache" "$WORK/watch.err" || fail "$(cat "$WORK/watch.err")"
# The same number from another registry (the client's first poll sees another hash): refused too,
# and the cache keeps the old registry's bundle.
cp "$B/bundle-2.json" "$WORK/cache2.json"
watch_until_refused cache2 600 watch2
STEP="the client refuses another registry's version 2 while it holds version 2"
grep -q "of another registry" "$WORK/watch2.err" || fail "no word of the lineage: $(cat "$WORK/watch2.err")"
cmp -s "$WORK/cache2.json" "$B/bundle-2.json" || fail "the cache was replaced"
# Told to follow, it moves to the rebuilt registry's version 2.
run "$EXPT" watch --server "$U" --cache "$WORK/cache.json" --follow-new-lineage --until-version 2 --timeout 10
expect_rc 0
expect_stdout_has "version 2 ("
stop_server
pass
