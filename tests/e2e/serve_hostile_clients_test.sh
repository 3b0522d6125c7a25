# expt serve against hostile clients, each a regression test of something that once crashed,
# bloated or hung the server (issue 27): raw sockets on loopback, and after each case the server
# must still answer /healthz. Limits and what a client sees are in docs/serving.md.
# - long paths and a Range header of 500 ranges: 400 (they overflowed the stack of a regex router);
# - a request line over 8 KiB: 414; over 100 headers or 16 KiB of them: 431;
# - 20 MB of chunked body, or a Content-Length of 10 GB: 413 within a second, RSS stays small;
# - slowloris: trickling connections do not delay a normal request, and are cut at --read-timeout;
# - beyond --max-streams and --max-connections: 503 with Retry-After within a second, while
#   /healthz and /metrics stay reachable on the reserved slots;
# - under a low open-file limit, every stream within capacity still gets the next version;
# - out of file descriptors (EMFILE injected by strace): new connections shed with 503, logged,
#   and an open stream still gets the next version;
# - SIGTERM with a trickling upload and open streams: a final event, exit 0 within 3 s.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all; expect_rc 0
expt start checkout-cta-color; expect_rc 0
B="$WORK/bundles"
expt export bundle --output "$B"; expect_rc 0
SERVER=
trap 'kill -9 $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

# start_server ARGS...: serves $B with ARGS, sets SERVER and PORT.
start_server() {
  "$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER=$!
  PORT=$(serve_port "$WORK/serve.out")
  [ -n "$PORT" ] || fail "the server did not start: $(cat "$WORK/serve.out" "$WORK/serve.err")"
}
stop_server() {
  kill -TERM $SERVER; wait $SERVER
  local rc=$?
  [ $rc -eq 0 ] || fail "expt serve exited $rc on SIGTERM"
}
# hostile CASE: runs one case of the client below against the server.
hostile() {
  STEP="$1"
  /usr/bin/python3 "$WORK/hostile.py" "$1" "$PORT" "$SERVER" "${@:2}" >"$WORK/case.out" 2>&1 ||
    fail "$(cat "$WORK/case.out")"
  cat "$WORK/case.out"
}

cat >"$WORK/hostile.py" <<'PY'
import asyncio, os, socket, sys, time

case, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
extra = sys.argv[4:]

def connect(timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s

def exchange(raw, timeout=5):
    """Sends raw bytes, returns (status, seconds to the status line, whole answer)."""
    s = connect(timeout)
    start = time.monotonic()
    try:
        s.sendall(raw)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data and b"Content-Length: " in data:
            head, body = data.split(b"\r\n\r\n", 1)
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            if len(body) >= length:
                break
    s.close()
    status = int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, time.monotonic() - start, data

def get(path, headers=b""):
    return exchange(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n")

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def healthy():
    status, seconds, _ = get(b"/healthz")
    assert status == 200, f"/healthz answered {status} after the case"
    return seconds

async def open_streams(n):
    """n event streams, each past its 200 head."""
    streams = []
    for _ in range(n):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"GET /v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await w.drain()
        head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200"), head
        streams.append((r, w))
    return streams

def expect(status, got, what):
    assert got[0] == status, f"{what}: expected {status}, got {got[0]}: {got[2][:200]!r}"
    assert got[1] < 1.0, f"{what}: the answer took {got[1]:.2f} s"

if case == "paths":
    expect(400, get(b"/v1/bundle/" + b"x" * 2000), "a 2,000-character version")
    expect(400, get(b"/v1/diff/1/" + b"9" * 2000), "a 2,000-digit diff target")
    ranges = b"Range: bytes=" + b",".join(b"%d-%d" % (i, i) for i in range(500)) + b"\r\n"
    expect(200, get(b"/v1/bundle", ranges), "500 ranges (ignored: bundles are whole)")
    expect(414, get(b"/v1/bundle/" + b"1" * 9000), "a 9,000-byte request line")
    expect(414, get(b"/" + b"a" * 200000), "a 200 KB request line")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(101))
    expect(431, get(b"/healthz", many), "101 headers")
    expect(431, get(b"/healthz", b"X-Big: " + b"b" * 17000 + b"\r\n"), "a 17 KB header")
    expect(400, exchange(b"GET /healthz HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
           "Content-Length beside Transfer-Encoding (request smuggling)")
    expect(400, exchange(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64)), "a TLS hello")
    print(f"paths and headers: 400/414/431 as expected, /healthz in {healthy() * 1000:.1f} ms")

elif case == "bodies":
    before = rss_mb()
    s = connect()
    s.sendall(b"POST /v1/assign HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    start, sent, answer = time.monotonic(), 0, b""
    chunk = b"%x\r\n" % 65536 + b"[" * 65536 + b"\r\n"
    try:
        while sent < 20 * 1000 * 1000:
            s.sendall(chunk)
            sent += 65536
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.settimeout(2)
    try:
        answer = s.recv(65536)
    except (ConnectionResetError, socket.timeout):
        pass
    took = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 413"), f"20 MB chunked: {answer[:100]!r}"
    assert took < 2, f"20 MB chunked: refused after {took:.2f} s"
    expect(413, exchange(b"POST /v1/assign HTTP/1.1\r\nContent-Length: 10000000000\r\n\r\n["), "Content-Length 10 GB")
    after = rss_mb()
    assert after - before < 32, f"RSS grew from {before:.0f} to {after:.0f} MB"
    print(f"bodies: 413 after {sent / 1e6:.1f} MB sent ({took:.2f} s); RSS {before:.0f} -> {after:.0f} MB")

elif case == "slowloris":
    n, read_timeout = int(extra[0]), float(extra[1])
    async def trickle(i, cut):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        start = time.monotonic()
        request = b"GET /v1/bundle HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
        for b in request:
            w.write(bytes([b]))
            try:
                await w.drain()
            except ConnectionError:
                break
            try:
                if await asyncio.wait_for(r.read(1), 0.5) == b"":
                    break
            except asyncio.TimeoutError:
                continue
            except ConnectionError:
                break
        cut.append(time.monotonic() - start)
    async def main():
        cut = []
        tasks = [asyncio.create_task(trickle(i, cut)) for i in range(n)]
        await asyncio.sleep(1.5)
        loop = asyncio.get_running_loop()
        status, seconds, _ = await loop.run_in_executor(None, get, b"/v1/bundle")
        assert status == 200 and seconds < 1, f"a normal GET among {n} slow clients: {status} in {seconds:.2f} s"
        await asyncio.gather(*tasks)
        cut.sort()
        assert cut[-1] < read_timeout + 2, f"slow clients held for {cut[-1]:.1f} s (read timeout {read_timeout} s)"
        print(f"slowloris: {n} trickling connections; a normal GET took {seconds * 1000:.1f} ms; "
              f"they were cut after {cut[0]:.1f}-{cut[-1]:.1f} s")
    asyncio.run(main())

elif case == "caps":
    max_streams, max_connections = int(extra[0]), int(extra[1])
    async def main():
        streams = await open_streams(max_streams)
        loop = asyncio.get_running_loop()
        start = time.monotonic()
        status, _, answer = await loop.run_in_executor(None, get, b"/v1/stream")
        assert status == 503 and b"Retry-After: 5" in answer, f"a stream beyond --max-streams: {answer[:200]!r}"
        # Fill the remaining connections with idle ones.
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(max_connections - max_streams)]
        await asyncio.sleep(0.2)
        got = await loop.run_in_executor(None, get, b"/healthz")
        assert got[0] == 200, f"/healthz at the cap: {got[2][:200]!r}"
        got = await loop.run_in_executor(None, get, b"/metrics")
        assert got[0] == 200 and b"expt_serve_streams " + str(max_streams).encode() in got[2], got[2][:300]
        got = await loop.run_in_executor(None, get, b"/v1/bundle")
        assert got[0] == 503 and b"Retry-After" in got[2], f"/v1/bundle on a reserved slot: {got[2][:200]!r}"
        # Beyond the reserved slots as well: refused at once, nothing read.
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]
        refused = 0
        for r, w in held:
            try:
                line = await asyncio.wait_for(r.readline(), 1)
                refused += line.startswith(b"HTTP/1.1 503")
            except asyncio.TimeoutError:
                pass
        assert refused >= 4, f"only {refused} of 20 connections beyond the reserved slots got an immediate 503"
        took = time.monotonic() - start
        print(f"caps: {max_streams} streams and {max_connections} connections held; the next stream 503, "
              f"/healthz and /metrics 200 on reserved slots, {refused} connections beyond them refused at once "
              f"({took:.2f} s in all)")
        for r, w in streams + idle + held:
            w.close()
    asyncio.run(main())

elif case == "fd_limit":
    n, ready_file, result_file = int(extra[0]), extra[1], extra[2]
    async def stream(got, refused):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(b"GET /v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            await w.drain()
            head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 5)
        except (ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            refused.append(1)
            return
        if not head.startswith(b"HTTP/1.1 200"):
            refused.append(1)
            return
        got.append(0)
        me = len(got) - 1
        while True:
            line = await asyncio.wait_for(r.readline(), 30)
            if not line:
                return
            if line.strip() == b"id: 2":
                got[me] = 2
                return
    async def main():
        got, refused = [], []
        tasks = [asyncio.create_task(stream(got, refused)) for _ in range(n)]
        while len(got) + len(refused) < n:
            await asyncio.sleep(0.05)
        open(ready_file, "w").write(f"{len(got)} {len(refused)}")
        await asyncio.wait_for(asyncio.gather(*tasks), 40)
        open(result_file, "w").write(f"{len(got)} {sum(1 for g in got if g == 2)} {len(refused)}")
    asyncio.run(main())

elif case == "sigterm":
    n = int(extra[0])
    async def main():
        streams = await open_streams(n)
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"POST /v1/assign HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[")
        await w.drain()
        start = time.monotonic()
        os.kill(pid, 15)
        finals = 0
        for sr, sw in streams:
            rest = await asyncio.wait_for(sr.read(), 5)
            finals += b"event: shutdown" in rest
        while True:  # the trickler keeps sending until it is cut
            try:
                w.write(b" ")
                await w.drain()
                if r.at_eof():
                    break
                await asyncio.sleep(0.2)
            except ConnectionError:
                break
            if time.monotonic() - start > 5:
                break
        cut = time.monotonic() - start
        def exited():
            try:
                return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] in "ZX"
            except FileNotFoundError:
                return True
        while not exited() and time.monotonic() - start < 10:
            await asyncio.sleep(0.02)
        gone = time.monotonic() - start
        print(f"sigterm: {finals} of {n} streams got the final event; the trickling upload was cut after "
              f"{cut:.2f} s; the server exited after {gone:.2f} s")
        assert finals == n
        assert gone < 3, f"the server took {gone:.2f} s to exit"
    asyncio.run(main())
PY

start_server --read-timeout 2 --idle-timeout 2 --max-streams 40 --max-connections 60
hostile paths
hostile bodies
hostile caps 40 60
stop_server
start_server --read-timeout 2
hostile slowloris 500 2
stop_server

# A low open-file limit (the server raises the soft limit to the hard one; here both are 300):
# capacity is logged, the streams within it all get the next version, the rest are refused.
(ulimit -n 300; exec "$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err") &
SERVER=$!
PORT=$(serve_port "$WORK/serve.out")
STEP="the capacity under ulimit -n 300"
grep -q "capacity: open-file limit 300, so up to 220 connections" "$WORK/serve.err" || fail "$(cat "$WORK/serve.err")"
/usr/bin/python3 "$WORK/hostile.py" fd_limit "$PORT" "$SERVER" 400 "$WORK/ready" "$WORK/result" >"$WORK/case.out" 2>&1 &
CLIENTS=$!
for _ in $(seq 200); do [ -s "$WORK/ready" ] && break; sleep 0.1; done
read -r streams refused <"$WORK/ready"
[ "$streams" -eq 220 ] || fail "$streams streams opened (expected 220 of 400, the rest refused): $(cat "$WORK/case.out")"
expt start search-ranker-v2; expect_rc 0
expt export bundle --output "$B"; expect_rc 0
wait $CLIENTS || fail "$(cat "$WORK/case.out")"
read -r streams updated refused <"$WORK/result"
STEP="every stream within capacity gets version 2"
[ "$updated" -eq "$streams" ] || fail "$updated of $streams streams got version 2"
echo "fd limit 300: $streams streams all got version 2; $refused of 400 refused at once"
stop_server

# Out of file descriptors (accept fails with EMFILE, injected by strace from its 3rd call on): new
# connections are shed with a 503 at once, the server says so, and the open stream still gets
# the next version.
strace -f -o /dev/null -e trace=accept,accept4 -e inject=accept:error=EMFILE:when=3+ \
  "$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
PORT=$(serve_port "$WORK/serve.out")
curl -sN "http://127.0.0.1:$PORT/v1/stream" >"$WORK/stream.out" &
STREAM=$!
sleep 0.5
STEP="EMFILE: new connections shed"
for _ in 1 2 3; do
  code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
  [ "$code" = 503 ] || fail "a connection while out of descriptors got $code"
done
grep -q "out of file descriptors (Too many open files" "$WORK/serve.err" || fail "not logged: $(cat "$WORK/serve.err")"
expt start pricing-discount-banner; expect_rc 0
expt export bundle --output "$B"; expect_rc 0
STEP="EMFILE: the open stream still gets the next version"
for _ in $(seq 50); do grep -q "^id: 3" "$WORK/stream.out" && break; sleep 0.1; done
grep -q "^id: 3" "$WORK/stream.out" || fail "the stream did not get version 3: $(cat "$WORK/stream.out")"
kill $STREAM 2>/dev/null
echo "EMFILE: new connections shed with 503 and logged; the open stream got version 3"
kill -TERM $(cat /proc/$SERVER/task/*/children)  # the server under strace; strace ends with it
wait $SERVER || fail "expt serve under strace did not exit 0 on SIGTERM"

start_server --shutdown-deadline 2
hostile sigterm 200
STEP="exit on SIGTERM"
wait $SERVER; rc=$?
[ $rc -eq 0 ] || fail "expt serve exited $rc on SIGTERM"
grep -q "^stopped" "$WORK/serve.out" || fail "no 'stopped' line"
pass
