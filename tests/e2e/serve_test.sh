# expt serve with real HTTP clients (curl, Python) on loopback: bundles and ETags, composed
# diffs checked by an independent JSON Patch implementation, the event stream (push, Last-Event-ID,
# heartbeats, lifetime), remote assignment against `expt assign`, errors, metrics, malformed
# requests, and a graceful SIGTERM.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { STEP="curl"; fail "curl is not installed (scripts/setup test installs it)"; }
load_fixtures
expt allocate --all; expect_rc 0
expt start checkout-cta-color; expect_rc 0
B="$WORK/bundles"
expt export bundle --output "$B"; expect_rc 0

"$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 --heartbeat 0.3 --stream-lifetime 30 --rescan 1 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(serve_port "$WORK/serve.out")
[ -n "$PORT" ] || { STEP="start the server"; fail "no port in: $(cat "$WORK/serve.out" "$WORK/serve.err")"; }
U="http://127.0.0.1:$PORT"
hash_of() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["content_hash"])' "$1"; }

# The latest bundle: the file's bytes, a strong ETag, a short cache; 304 when unchanged.
run curl -s -D "$WORK/h" "$U/v1/bundle"
cmp -s "$OUT" "$B/bundle-1.json" || fail "GET /v1/bundle is not bundle-1.json"
grep -qi "^etag: \"$(hash_of "$B/bundle-1.json")\"" "$WORK/h" || fail "no strong ETag: $(cat "$WORK/h")"
grep -qi "^cache-control: public, max-age=5, stale-while-revalidate=30" "$WORK/h" || fail "latest cache-control"
run curl -s -o /dev/null -w '%{http_code}\n' -H "If-None-Match: \"$(hash_of "$B/bundle-1.json")\"" "$U/v1/bundle"
expect_stdout_equals 304
run curl -s -D "$WORK/h" -o /dev/null "$U/v1/bundle/1"
grep -qi "^cache-control: public, max-age=31536000, immutable" "$WORK/h" || fail "versioned URLs are not immutable"
for path in /v1/bundle/9 /v1/diff/1/9 /nope; do
  run curl -s -w 'code %{http_code}' "$U$path"
  expect_stdout_has '"status":404}'
  expect_stdout_has 'code 404'
done
# A version is a canonical integer: anything else is the client's mistake (400), not a miss.
for path in /v1/bundle/abc /v1/bundle/01 /v1/diff/abc/2 /v1/diff/1/02; do
  run curl -s -w 'code %{http_code}' "$U$path"
  expect_stdout_has '"status":400}'
  expect_stdout_has 'code 400'
done

# A second server on the same port is refused, not silently sharing it.
expt serve --bundles "$B" --listen "127.0.0.1:$PORT"
expect_rc 2
expect_stderr_has "cannot listen on 127.0.0.1:$PORT"

# The stream: the current version on connect, then each new one, pushed.
curl -sN "$U/v1/stream" >"$WORK/stream1" &
CURL1=$!
curl -sN -H "Last-Event-ID: 1" "$U/v1/stream" >"$WORK/stream2" &
CURL2=$!
sleep 0.5
expt start search-ranker-v2; expect_rc 0
expt export bundle --output "$B"; expect_rc 0
published=$(date +%s.%N)
for _ in $(seq 40); do grep -q "^id: 2$" "$WORK/stream2" && break; sleep 0.05; done
arrived=$(date +%s.%N)
STEP="the stream pushes version 2"
grep -q "^id: 2$" "$WORK/stream2" || fail "no event for version 2: $(cat "$WORK/stream2")"
grep -q '^event: bundle$' "$WORK/stream2" || fail "events are not named bundle"
grep -q '"diff_url":"/v1/diff/1/2"' "$WORK/stream2" || fail "no diff URL from the client's version"
# The patch from the client's version travels inside the event, and is the published diff.
/usr/bin/python3 - "$WORK/stream2" "$B/diff-1-2.json" <<'PY' || fail "the event's inline patch is not diff-1-2.json"
import json, sys
events = [json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith("data: ")]
event = [e for e in events if e["version"] == 2][0]
assert event["patch_from"] == 1 and event["patch"] == json.load(open(sys.argv[2])), event
PY
/usr/bin/python3 - "$WORK/stream1" <<'PY' || fail "a client without a version got a patch on connect, or none after"
import json, sys
events = {e["version"]: e for e in (json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith("data: "))}
assert "patch" not in events[1], events[1]
assert events[2]["patch_from"] == 1, events[2]  # it has version 1 from this stream's first event
PY
grep -q '^retry: ' "$WORK/stream1" || fail "no retry: field"
grep -q "^id: 1$" "$WORK/stream1" || fail "no current version on connect"
[ "$(grep -c '^id: 1$' "$WORK/stream2")" -eq 0 ] || fail "Last-Event-ID 1 got version 1 again"
/usr/bin/python3 -c "import sys; d = float(sys.argv[2]) - float(sys.argv[1]); sys.exit(d > 1.5)" "$published" "$arrived" \
  || fail "the event took more than 1.5 s"
sleep 0.4
grep -q '^: heartbeat$' "$WORK/stream1" || fail "no heartbeat on an idle stream (--heartbeat 0.3)"
kill $CURL1 $CURL2 2>/dev/null

# Composed diffs: 1 -> 3 applied by python3-jsonpatch to bundle-1 gives bundle-3; a gap or an
# unknown base gives the full bundle, saying why.
expt start pricing-discount-banner; expect_rc 0
expt export bundle --output "$B"; expect_rc 0
for _ in $(seq 30); do curl -s "$U/healthz" | grep -q '"version":3' && break; sleep 0.1; done
run curl -s -D "$WORK/h" "$U/v1/diff/1/3"
grep -qi '^x-expt-diff: patch' "$WORK/h" || fail "diff 1->3 was not a patch"
/usr/bin/python3 - "$OUT" "$B/bundle-1.json" "$B/bundle-3.json" <<'PY' || fail "the composed diff does not turn bundle 1 into bundle 3"
import json, sys, jsonpatch
patch, base, target = (json.load(open(p)) for p in sys.argv[1:4])
assert jsonpatch.apply_patch(base, patch) == target
PY
run curl -s -D "$WORK/h" "$U/v1/diff/7/3"
grep -qi '^x-expt-diff: full' "$WORK/h" || fail "an unknown base did not get the full bundle"
cmp -s "$OUT" "$B/bundle-3.json" || fail "the full-bundle answer is not bundle-3.json"
mkdir "$WORK/gap" && cp "$B"/bundle-*.json "$B/latest.json" "$B/diff-2-3.json" "$WORK/gap/"
"$EXPT" serve --bundles "$WORK/gap" --listen 127.0.0.1:0 >"$WORK/gap.out" 2>&1 &
GAP=$!
GAP_PORT=$(serve_port "$WORK/gap.out")
run curl -s -D "$WORK/h" -o /dev/null "http://127.0.0.1:$GAP_PORT/v1/diff/1/3"
grep -qi '^x-expt-diff-reason: missing diff-1-2.json' "$WORK/h" || fail "a missing diff is not explained: $(cat "$WORK/h")"
kill -TERM $GAP; wait $GAP

# Remote assignment answers what `expt assign --bundle` answers, plus the version.
run curl -s -X POST --data '{"entity_id": "user-7", "namespaces": ["checkout", "pricing"]}' "$U/v1/assign"
cp "$OUT" "$WORK/remote.json"
expt assign user-7 --namespace checkout --namespace pricing --bundle "$B/bundle-3.json" --format json
/usr/bin/python3 - "$WORK/remote.json" "$OUT" <<'PY' || fail "remote and local assignments differ"
import json, sys
remote, local = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))[0]
assert remote.pop("bundle_version") == 3, remote
assert remote == local, (remote, local)
PY
run curl -s -X POST --data '{"requests": [{"entity_id": "a"}, {"entity_id": "b", "namespaces": ["search-ranking"]}]}' "$U/v1/assign"
expect_stdout_has '"bundle_version":3'
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [a["entity_id"] for a in d["assignments"]] == ["a", "b"]' "$OUT" \
  || fail "batch answer"
run curl -s -w 'code %{http_code}' -X POST --data '{"entity_id": ' "$U/v1/assign"
expect_stdout_has '"error":"the body is not valid JSON","status":400}'
expect_stdout_has 'code 400'
run curl -s -w 'code %{http_code}' -X POST --data '{"entity_id": 7}' "$U/v1/assign"
expect_stdout_has 'entity_id must be a string'
run curl -s -w 'code %{http_code}' -X POST --data '{"entity_id": "a", "namespaces": ["checkot"]}' "$U/v1/assign"
expect_stdout_has "unknown namespace 'checkot' (did you mean 'checkout'?)\",\"status\":400}"
expect_stdout_has 'code 400'
head -c 2000000 /dev/zero | tr '\0' 'x' >"$WORK/big"
run curl -s -o /dev/null -w '%{http_code}\n' -X POST --data-binary @"$WORK/big" "$U/v1/assign"
expect_stdout_equals 413

# Malformed requests do not take the server down.
/usr/bin/python3 - "$PORT" <<'PY' || fail "the malformed-request corpus failed to run"
import socket, sys
port = int(sys.argv[1])
corpus = [b"\x00\xff" * 100, b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"POST /v1/assign HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
          b"POST /v1/assign HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
          b"GET /v1/stream HTTP/1.1\r\nLast-Event-ID: 99999999999999999999999\r\n\r\n",
          b"GET /v1/diff/-1/18446744073709551617 HTTP/1.1\r\n\r\n", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n",
          b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 10000 + b"\r\n", b"POST /v1/assign HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]
for request in corpus:
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    try:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
PY
run curl -s "$U/healthz"
expect_stdout_has '"status":"ok"'
expect_stdout_has '"version":3'

run curl -s "$U/metrics"
expect_stdout_has 'expt_serve_bundle_version 3'
expect_stdout_has 'expt_serve_requests_total{endpoint="/v1/assign",status="400"}'
expect_stdout_has 'expt_serve_publish_to_notify_seconds_count 2'

# SIGTERM with a stream open: the stream ends, the server exits 0.
curl -sN "$U/v1/stream" >"$WORK/stream3" &
CURL3=$!
sleep 0.3
kill -TERM $SERVER
STEP="graceful shutdown"
wait $SERVER; rc=$?
[ "$rc" -eq 0 ] || fail "expt serve exited $rc on SIGTERM"
grep -qx "stopped" "$WORK/serve.out" || fail "no 'stopped' line"
wait $CURL3 || true
grep -q "^id: 3$" "$WORK/stream3" || fail "the last stream got nothing"

# Bad usage: no folder, a bad address.
expt serve --bundles "$WORK/none"
expect_rc 2
expect_stderr_has "--bundles '$WORK/none' is not a folder"
expt serve --bundles "$B" --listen nowhere
expect_rc 2
expect_stderr_has "--listen must be HOST:PORT"
pass
