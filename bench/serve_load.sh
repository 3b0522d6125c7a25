#!/usr/bin/env bash
# expt serve under load on loopback (docs/performance.md, "Serving at scale"), one run, each
# figure from this machine at this moment:
# 1. STREAMS (default 10000) concurrent SSE streams: how long after `expt export bundle` returns
#    every stream has the new version (p50/p99/max), the server's RSS, /healthz latency while they
#    are held, and how fast a connection beyond --max-streams gets its 503;
# 2. SLOW (default 4000) slowloris connections trickling a byte a second: a normal GET /v1/bundle's
#    latency among them;
# 3. SIGTERM with 1,000 streams and a trickling upload: time to exit.
# Usage: bench/serve_load.sh [BUILD_DIR] [STREAMS] [SLOW]. The clients are one Python asyncio
# process; both it and the server get an open-file limit above STREAMS (root raises the hard one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expt="${1:-$root/build}/expt"
streams=${2:-10000}
slow=${3:-4000}
need=$(( (streams > slow ? streams : slow) + 1000 ))  # each phase's clients are their own process
[ "$(ulimit -Hn)" -ge "$need" ] || ulimit -Hn "$need" 2>/dev/null || { echo "need an open-file limit of $need (run as root, or raise it)" >&2; exit 2; }
ulimit -Sn "$(ulimit -Hn)"
work=$(mktemp -d)
server=
trap 'kill -9 $server 2>/dev/null; rm -rf "$work"' EXIT
export EXPT_REGISTRY="$work/expt.db"
"$expt" init >/dev/null && "$expt" create "$root/fixtures/specs" >/dev/null && "$expt" allocate --all >/dev/null
"$expt" start checkout-cta-color >/dev/null
"$expt" export bundle --output "$work/bundles" >/dev/null
"$expt" serve --bundles "$work/bundles" --listen 127.0.0.1:0 --max-streams "$streams" --heartbeat 30 \
  --stream-lifetime 600 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 50); do grep -q "^serving" "$work/serve.out" && break; sleep 0.1; done
port=$(sed -n 's|^serving .* on http://127.0.0.1:\([0-9]*\)$|\1|p' "$work/serve.out")
sed 's/^serve: [^ ]* /server: /' "$work/serve.err"

cat >"$work/clients.py" <<'PY'
import asyncio, os, socket, sys, time
port, n, mode, ready, go, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]

def timed_get(path):
    s = socket.create_connection(("127.0.0.1", port))
    start = time.monotonic()
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = s.recv(65536)
    took = time.monotonic() - start
    s.close()
    return data.split(b" ")[1].decode(), took

async def stream(arrivals, opened):
    r, w = await asyncio.open_connection("127.0.0.1", port, limit=1 << 16)
    w.write(b"GET /v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    await w.drain()
    while True:
        line = await r.readline()
        if not line:
            return
        if line == b"id: 1\n":
            opened.append(1)
        elif line == b"id: 2\n":
            arrivals.append(time.time())
            return

async def trickle(stop):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    request = b"GET /v1/bundle HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100000
    for b in request:
        if stop.is_set():
            break
        try:
            w.write(bytes([b]))
            await w.drain()
        except ConnectionError:
            break
        await asyncio.sleep(1)
    w.close()

async def main():
    loop = asyncio.get_running_loop()
    if mode == "streams":
        arrivals, opened = [], []
        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(stream(arrivals, opened)))
            if i % 500 == 499:
                await asyncio.sleep(0.05)
        while len(opened) < n:
            await asyncio.sleep(0.05)
        health = sorted([(await loop.run_in_executor(None, timed_get, b"/healthz"))[1] for _ in range(20)])
        beyond = await loop.run_in_executor(None, timed_get, b"/v1/stream")
        open(ready, "w").write(f"{health[10] * 1000:.1f} {health[-1] * 1000:.1f} {beyond[0]} {beyond[1] * 1000:.1f}\n")
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
        open(out, "w").write("\n".join(repr(t) for t in arrivals))
    else:
        stop = asyncio.Event()
        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(trickle(stop)))
            if i % 500 == 499:
                await asyncio.sleep(0.05)
        await asyncio.sleep(3)
        times = sorted([(await loop.run_in_executor(None, timed_get, b"/v1/bundle")) for _ in range(20)], key=lambda x: x[1])
        open(out, "w").write(f"{times[0][0]} {times[10][1] * 1000:.1f} {times[-1][1] * 1000:.1f}\n")
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

asyncio.run(main())
PY

rss() { awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$server/status"; }

echo "== $streams streams"
/usr/bin/python3 "$work/clients.py" "$port" "$streams" streams "$work/ready" - "$work/arrivals" &
clients=$!
for _ in $(seq 1200); do [ -s "$work/ready" ] && break; sleep 0.1; done
read -r health_p50 health_max beyond_status beyond_ms <"$work/ready"
echo "held: RSS $(rss); /healthz p50 ${health_p50} ms, max ${health_max} ms (20 requests); a stream beyond the cap: $beyond_status in ${beyond_ms} ms"
"$expt" start search-ranker-v2 >/dev/null
"$expt" export bundle --output "$work/bundles" >/dev/null
returned=$(date +%s.%N)
wait $clients
/usr/bin/python3 - "$returned" "$work/arrivals" "$streams" <<'PY'
import sys
start, n = float(sys.argv[1]), int(sys.argv[3])
d = sorted(float(t) - start for t in open(sys.argv[2]).read().split())
q = lambda p: d[min(len(d) - 1, int(p * len(d)))] * 1000
print(f"version 2 reached {len(d)} of {n} streams: p50 {q(0.5):.0f} ms, p99 {q(0.99):.0f} ms, max {d[-1] * 1000:.0f} ms after export returned")
PY
echo "after: RSS $(rss)"
sleep 1

echo "== $slow slowloris connections"
/usr/bin/python3 "$work/clients.py" "$port" "$slow" slow - - "$work/slow"
read -r status p50 max <"$work/slow"
echo "a normal GET /v1/bundle among them: $status, p50 ${p50} ms, max ${max} ms (20 requests)"

echo "== SIGTERM with 1000 streams and a trickling upload"
/usr/bin/python3 - "$port" <<'PY' &
import asyncio, sys
port = int(sys.argv[1])
async def main():
    conns = []
    for _ in range(1000):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"GET /v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        conns.append((r, w))
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(b"POST /v1/assign HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n[")
    await asyncio.sleep(30)
asyncio.run(main())
PY
holders=$!
sleep 3
start=$(date +%s.%N)
kill -TERM $server
wait $server; rc=$?
echo "exit $rc after $(/usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)") s"
server=
kill $holders 2>/dev/null || true
