# The SDK's BundleClient (through `expt watch`) against a real `expt serve` that fails: every
# client ends on the newest version within a stated bound, and never serves a half-applied config.
# - the server is down when the client starts: it serves its cached bundle;
# - the server is killed and restarted mid-stream: the client reconnects and catches up;
# - a diff in the folder is corrupted: the client fetches the full bundle instead;
# - the folder is missing an intermediate diff: the client gets the full bundle;
# - the stream is unavailable (--no-stream): polling alone finds the new version.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all; expect_rc 0
B="$WORK/bundles"
publish() {  # starts one more experiment and exports the next version
  expt start "$1"; expect_rc 0
  expt export bundle --output "$B"; expect_rc 0
}
publish checkout-cta-color                        # version 1
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U="http://127.0.0.1:$PORT"
start_server() {
  "$EXPT" serve --bundles "$1" --listen "127.0.0.1:$PORT" --heartbeat 1 >>"$WORK/serve.out" 2>&1 &
  SERVER=$!
  for _ in $(seq 50); do curl -s "$U/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  STEP="start the server"; fail "it did not answer: $(cat "$WORK/serve.out")"
}
stop_server() { kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; }
SERVER= WATCH=
trap 'kill $SERVER $WATCH 2>/dev/null; rm -rf "$WORK"' EXIT
# wait_for FILE LINE SECONDS: until FILE has LINE ("version 3 (" matches however it came).
wait_for() {
  local i
  for i in $(seq $(($3 * 10))); do awk -v s="$2" 'index($0, s) == 1 { found = 1 } END { exit !found }' "$1" 2>/dev/null && return 0; sleep 0.1; done
  STEP="waiting for '$2' in $(basename "$1")"; fail "not within $3 s; it has: $(cat "$1" 2>/dev/null | tr '\n' '|')"
}

# 1. A client started while the server is down serves its cache, then catches up.
cp "$B/bundle-1.json" "$WORK/cache.json"
"$EXPT" watch --server "$U" --cache "$WORK/cache.json" --poll 0.5 >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCH=$!
wait_for "$WORK/watch.out" "version 1 (cache)" 5
publish search-ranker-v2                          # version 2
start_server "$B"
wait_for "$WORK/watch.out" "version 2 (" 5

# 2. Killed and restarted mid-stream: the client reconnects and catches up on what it missed.
sleep 2                                          # long enough for the client's stream to be open
kill -9 $SERVER; wait $SERVER 2>/dev/null
publish pricing-discount-banner                   # version 3, published while the server is down
start_server "$B"
wait_for "$WORK/watch.out" "version 3 (" 10      # by a poll, or the stream with Last-Event-ID

# 3. A corrupted diff: the client does not install a half-applied bundle; it fetches the full one.
sleep 2
expt start search-snippets; expect_rc 0
# Version 4 is exported to a staging folder, its diff corrupted there, and the files moved into
# the served folder in an exporter's order (latest.json last), so the client only ever sees the
# corrupted diff.
expt export bundle --output "$WORK/staging"; expect_rc 0
/usr/bin/python3 - "$WORK/staging/diff-3-4.json" <<'PY'
import json, sys
patch = json.load(open(sys.argv[1]))
for op in patch:  # a wrong value: it applies, but the result no longer matches its content_hash
    if op["op"] == "add":
        op["value"] = {"tampered": True}
        break
open(sys.argv[1], "w").write(json.dumps(patch))
PY
cp "$WORK/staging/bundle-4.json" "$WORK/staging/diff-3-4.json" "$B/"
cp "$WORK/staging/latest.json" "$B/.latest.tmp" && mv "$B/.latest.tmp" "$B/latest.json"
wait_for "$WORK/watch.out" "version 4 (full)" 10
cmp -s <(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["content_hash"])' "$WORK/cache.json") \
       <(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["content_hash"])' "$B/bundle-4.json") \
  || { STEP="the cache after a corrupted diff"; fail "the cache does not hold bundle 4"; }

# 4. A folder missing an intermediate diff: the server answers the full bundle; the client takes it.
sleep 1
publish pricing-payment-api-v2                    # version 5
wait_for "$WORK/watch.out" "version 5 (stream-diff)" 10
stop_server
kill -TERM $WATCH; wait $WATCH
STEP="the watcher's exit"; [ $? -eq 0 ] || fail "expt watch did not exit 0 on SIGTERM"
mkdir "$WORK/gappy" && cp "$B"/bundle-*.json "$B/latest.json" "$B/diff-4-5.json" "$WORK/gappy/"
cp "$B/bundle-3.json" "$WORK/cache3.json"
start_server "$WORK/gappy"
run "$EXPT" watch --server "$U" --cache "$WORK/cache3.json" --until-version 5 --timeout 10
expect_rc 0
expect_stdout_has "version 3 (cache)"
expect_stdout_has "version 5 (poll)"
stop_server

# 5. Polling only (a proxy that blocks streams): a new version is found within about the interval.
start_server "$B"
"$EXPT" watch --server "$U" --no-stream --poll 1 >"$WORK/poll.out" 2>&1 &
WATCH=$!
wait_for "$WORK/poll.out" "version 5 (poll)" 5
publish onboarding-product-tour                   # version 6
wait_for "$WORK/poll.out" "version 6 (poll)" 3
kill -TERM $WATCH; wait $WATCH
stop_server
pass
