# expt serve holds 1,000 concurrent event streams on loopback (on its event loop), and a new
# version reaches all of them: every stream gets the event, and the server still answers other
# requests meanwhile. Prints the spread of arrival delays (the figures in docs/performance.md
# come from bench/, this only bounds them).
. "$(dirname "$0")/lib.sh"

STREAMS=${EXPT_SERVE_STREAMS:-1000}
load_fixtures
expt allocate --all; expect_rc 0
expt start checkout-cta-color; expect_rc 0
B="$WORK/bundles"
expt export bundle --output "$B"; expect_rc 0
"$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 --heartbeat 5 >"$WORK/serve.out" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(serve_port "$WORK/serve.out")

# The clients: STREAMS raw HTTP connections in one asyncio loop. They connect, wait for version 1,
# signal ready (a file), then wait for version 2 and report each arrival time.
/usr/bin/python3 - "$PORT" "$STREAMS" "$WORK/ready" "$WORK/arrivals" <<'PY' &
import asyncio, sys, time
port, n, ready, arrivals = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

async def client(i, connected, times):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    await writer.drain()
    seen_first = False
    while True:
        line = await asyncio.wait_for(reader.readline(), 60)
        if not line:
            return
        if line.strip() == b"id: 1" and not seen_first:
            seen_first = True
            connected.append(i)
        if line.strip() == b"id: 2":
            times.append(time.time())
            writer.close()
            return

async def main():
    connected, times = [], []
    tasks = [asyncio.create_task(client(i, connected, times)) for i in range(n)]
    while len(connected) < n:
        await asyncio.sleep(0.05)
    open(ready, "w").write(str(len(connected)))
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 60)
    open(arrivals, "w").write("\n".join(repr(t) for t in times))

asyncio.run(main())
PY
CLIENTS=$!
trap 'kill $SERVER $CLIENTS 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do [ -s "$WORK/ready" ] && break; sleep 0.1; done
STEP="$STREAMS streams connected"
[ "$(cat "$WORK/ready" 2>/dev/null)" = "$STREAMS" ] || fail "only $(cat "$WORK/ready" 2>/dev/null) streams got the current version"
# Other requests are still served while every stream is open.
run curl -s "http://127.0.0.1:$PORT/healthz"
expect_stdout_has "\"streams\":$STREAMS"
expt start search-ranker-v2; expect_rc 0
published=$(date +%s.%N)
expt export bundle --output "$B"; expect_rc 0
wait $CLIENTS
STEP="every stream gets version 2"
[ "$(wc -l <"$WORK/arrivals")" -eq $((STREAMS - 1)) ] || fail "$(($(wc -l <"$WORK/arrivals") + 1)) of $STREAMS streams got version 2"
/usr/bin/python3 - "$published" "$WORK/arrivals" <<'PY' || fail "arrivals too slow"
import sys
start = float(sys.argv[1])
delays = sorted(float(t) - start for t in open(sys.argv[2]).read().split())
q = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))]
print(f"{len(delays)} streams: p50 {q(0.5) * 1000:.0f} ms, p99 {q(0.99) * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms after export began")
sys.exit(delays[-1] > 10)
PY
kill -TERM $SERVER; wait $SERVER
pass
