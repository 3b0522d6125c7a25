# The guardrail monitor end to end: two running experiments, one of which breaches a guardrail;
# `monitor --auto-stop --publish` stops exactly that one, publishes a bundle without it, tells a
# notify command, and a BundleClient watching `expt serve` moves its entities to the default
# config. Then: a second run changes nothing, the lock keeps runs apart, the timeout and broken
# exports are reported.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis"
D="$WORK/data" B="$WORK/bundles"
expt init
expt create "$A/effect/spec.yaml"; expect_rc 0
# The guardrail fixture with configs, so that stopping it visibly changes what entities get.
sed -e 's/^total_slots: 1000$/total_slots: 1000\ndefault_config: {checkout_flow: classic}/' \
    -e 's/  - {key: control, allocation: 0.5}/  - {key: control, allocation: 0.5, config: {checkout_flow: classic}}/' \
    -e 's/  - {key: treatment, allocation: 0.5}/  - {key: treatment, allocation: 0.5, config: {checkout_flow: one-page}}/' \
    "$A/guardrail/spec.yaml" >"$WORK/guardrail.yaml"
expt create "$WORK/guardrail.yaml"; expect_rc 0
expt allocate --all; expect_rc 0
for e in effect-test new-checkout; do expt start $e; expect_rc 0; done
backup() { python3 -c 'import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$1" "$2"; }
backup "$EXPT_REGISTRY" "$WORK/running.db"  # both running: the kill -9 runs below start from here
mkdir -p "$D/effect-test" "$D/new-checkout"
cp "$A/effect/exposures.csv" "$A/effect/events.csv" "$D/effect-test/"
cp "$A/guardrail/exposures.csv" "$A/guardrail/events.csv" "$D/new-checkout/"
expt export bundle --output "$B"; expect_rc 0

# An entity in new-checkout's treatment, served by `expt serve` to a BundleClient (expt watch).
for i in $(seq 1 200); do echo "user-$i"; done >"$WORK/ids"
expt assign --input "$WORK/ids" --format jsonl
ENTITY=$(/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    if a["experiment"] == "new-checkout" and a["variant"] == "treatment":
        print(a["entity_id"]); break' "$OUT")
[ -n "$ENTITY" ] || fail "no entity in new-checkout's treatment among 200"
"$EXPT" serve --bundles "$B" --listen 127.0.0.1:0 --rescan 30 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
trap 'kill $SERVER $WATCH 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(serve_port "$WORK/serve.out")
[ -n "$PORT" ] || fail "expt serve did not start: $(cat "$WORK/serve.err")"
# Polling every 60 s: within the test's bounds only the push stream can deliver version 2.
"$EXPT" watch --server "http://127.0.0.1:$PORT" --poll 60 --entity "$ENTITY" --until-version 2 --timeout 30 >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCH=$!
for _ in $(seq 1 100); do grep -q '^version 1' "$WORK/watch.out" && break; sleep 0.1; done
grep '^{' "$WORK/watch.out" | /usr/bin/python3 -c '
import json, sys
line = json.loads(sys.stdin.readline())
assert line["entity_id"] == sys.argv[1] and line["version"] == 1, line
assert any(l["experiment"] == "new-checkout" and l["namespace"] == "guardrail" and l["variant"] == "treatment" for l in line["layers"]), line
' "$ENTITY" || fail "the client does not see $ENTITY in new-checkout's treatment: $(cat "$WORK/watch.out")"
grep -q '"config":{"checkout_flow":"one-page"}' "$WORK/watch.out" || fail "the client does not have the treatment's config"

# The monitor: the breached experiment is stopped and published; the other keeps running.
expt monitor --data "$D" --auto-stop --publish "$B" --notify-command "cat >>'$WORK/notes.jsonl'" --format json
expect_rc 1
MONITOR_DONE=$(date +%s.%N)
/usr/bin/python3 - "$OUT" "$WORK/notes.jsonl" <<'PY' || fail "the monitor's findings, stops or notifications are wrong"
import json, sys
r = json.load(open(sys.argv[1]))
assert [f["kind"] for f in r["findings"]] == ["guardrail_breach"], r["findings"]
f = r["findings"][0]
assert (f["experiment"], f["metric"], f["variant"], f["stopped"]) == ("new-checkout", "error_rate", "treatment", True), f
assert r["stopped"] == ["new-checkout"] and r["published"]["version"] == 2 and r["published"]["new_version"], r
assert all(e["analysed"] for e in r["experiments"]) and r["complete"], r["experiments"]
notes = [json.loads(line) for line in open(sys.argv[2])]
ids = [n.pop("notification_id") for n in notes]
assert notes == r["findings"] and len(set(ids)) == len(ids), (notes, r["findings"])
assert r["notifications_sent"] == len(notes), r
PY
expt list --format json
/usr/bin/python3 -c 'import json,sys; s={e["key"]: e["status"] for e in json.load(open(sys.argv[1]))}; assert s == {"effect-test": "running", "new-checkout": "stopped"}, s' "$OUT" \
  || fail "not exactly the breached experiment was stopped"
expt audit new-checkout --format json
expect_stdout_has '"reason": "auto-stop (monitor): guardrail error_rate breached in variant treatment'
# The client moves to version 2 by the push stream, and the entity gets the default config.
wait $WATCH || fail "the client did not reach version 2: $(cat "$WORK/watch.out" "$WORK/watch.err")"
WATCH=
REACHED=$(date +%s.%N)
grep '^{' "$WORK/watch.out" | tail -1 | /usr/bin/python3 -c '
import json, sys
line = json.loads(sys.stdin.readline())
assert line["version"] == 2, line
assert [l["experiment"] for l in line["layers"] if l["namespace"] == "guardrail"] == [None], line
' || fail "at version 2 $ENTITY is still in an experiment: $(cat "$WORK/watch.out")"
tail -1 "$WORK/watch.out" | grep -q '"config":{"checkout_flow":"classic"}' || fail "at version 2 $ENTITY does not get the default config"
echo "monitor to client: $(awk -v a="$MONITOR_DONE" -v b="$REACHED" 'BEGIN { printf "%.3f", b - a }') s (until the watch process exited)"

# Again, from cron: nothing new to stop or publish, nothing to notify.
cp "$WORK/notes.jsonl" "$WORK/notes.before"
expt monitor --data "$D" --auto-stop --publish "$B" --notify-command "cat >>'$WORK/notes.jsonl'"
expect_rc 0
expect_stdout_has "bundle 2 is current in $B"
expect_stdout_has "1 running experiment: nothing found"
cmp -s "$WORK/notes.jsonl" "$WORK/notes.before" || fail "a second run notified again"

# kill -9 at random instants: whatever the instant, the stop's notification is sent, by that run
# or the next (at least once, with one notification_id).
python3 - "$EXPT" "$WORK" "$D" <<'PY' || fail "a killed monitor lost a notification"
import json, os, random, shutil, signal, sqlite3, subprocess, sys, time
expt, work, data = sys.argv[1:4]
random.seed(7)
by_next_run = 0
for i in range(30):
    db = os.path.join(work, f"kill-{i}.db")
    src, dst = sqlite3.connect(os.path.join(work, "running.db")), sqlite3.connect(db)
    src.backup(dst); dst.close(); src.close()
    notes = os.path.join(work, f"kill-{i}.jsonl")
    env = dict(os.environ, EXPT_REGISTRY=db)
    cmd = [expt, "monitor", "--data", data, "--auto-stop", "--publish", os.path.join(work, f"kill-{i}-bundles"),
           "--notify-command", f"cat >>'{notes}'"]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(random.uniform(0.0, 0.25))
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    first = open(notes).read().count("\n") if os.path.exists(notes) else 0
    status = sqlite3.connect(db).execute("SELECT status FROM experiments WHERE key = 'new-checkout'").fetchone()[0]
    again = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert again.returncode in (0, 1), (i, again.returncode, again.stderr)
    lines = [json.loads(l) for l in open(notes)] if os.path.exists(notes) else []
    breaches = [n for n in lines if n["kind"] == "guardrail_breach" and n["experiment"] == "new-checkout"]
    assert breaches and all(n["stopped"] for n in breaches), (i, lines)
    assert len({n["notification_id"] for n in breaches}) == 1, (i, breaches)
    unsent = sqlite3.connect(db).execute("SELECT count(*) FROM notifications WHERE sent_at IS NULL").fetchone()[0]
    assert unsent == 0, (i, unsent)
    if status == "stopped" and first == 0:
        by_next_run += 1
print(f"kill -9: 30 runs; {by_next_run} killed after the stop and before its notification, sent by the next run")
PY

# A publish onto a full disk after the stop: exit 2, and the notification still goes out.
DISK="$WORK/disk"
mkdir -p "$DISK"
mount -t tmpfs -o size=16k tmpfs "$DISK" || fail "cannot mount a tmpfs (the test runs as root)"
trap 'umount "$DISK" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir "$DISK/bundles"
head -c 16k /dev/zero >"$DISK/filler" 2>/dev/null || true
backup "$WORK/running.db" "$WORK/full.db"
run env EXPT_REGISTRY="$WORK/full.db" "$EXPT" monitor --data "$D" --auto-stop --publish "$DISK/bundles" --notify-command "cat >>'$WORK/full.jsonl'"
expect_rc 2
expect_stderr_has "No space left on device"
grep -q '"kind":"guardrail_breach"' "$WORK/full.jsonl" 2>/dev/null || fail "a failed publish swallowed the stop's notification"
umount "$DISK"

# One run at a time: while another holds the lock, a run does nothing and says so.
flock "$EXPT_REGISTRY.monitor.lock" sleep 3 &
LOCKER=$!
sleep 0.3
expt monitor --data "$D"
expect_rc 0
expect_stderr_has "another expt monitor holds $EXPT_REGISTRY.monitor.lock; this run did nothing"
wait $LOCKER

# Bounded in time, and a broken export is a finding, not an end to monitoring.
expt monitor --data "$D" --timeout 0.000001 --format json
expect_rc 1
expect_stdout_has '"kind": "incomplete"'
EXPOSED=$(sed -n '2s/,.*//p' "$D/effect-test/exposures.csv")
printf 'event_id,entity_id,event_type,timestamp,value\n1,%s,purchase,not-a-time,1\n' "$EXPOSED" >"$D/effect-test/events.csv"
expt monitor --data "$D" --format json
expect_rc 1
expect_stdout_has '"kind": "analysis_failed"'
expect_stdout_has "timestamp 'not-a-time' is neither ISO-8601"
# Exports without a metric's events: logging is broken, which is a finding too.
printf 'event_id,entity_id,event_type,timestamp,value\n1,%s,purchase,2026-11-10T00:00:00Z,1\n' "$EXPOSED" >"$D/effect-test/events.csv"
expt monitor --data "$D" --notify-command "exit 3"
expect_rc 1
expect_stdout_has "metric 'page_load_p95' has no events"
expect_stderr_has "warning: --notify-command exited 3 for notification "
expect_stderr_has "about effect-test (kept; the next run sends it again)"

# A notify command that hangs is ended within the run's --timeout.
START=$(date +%s)
expt monitor --data "$D" --notify-command "sleep 60" --timeout 2
expect_rc 1
[ $(( $(date +%s) - START )) -lt 30 ] || fail "a hanging notify command held the monitor past its --timeout"
expect_stderr_has "warning: --notify-command did not finish by the deadline"

# Usage errors exit 2.
expt monitor --data "$WORK/nowhere"
expect_rc 2
expect_stderr_has "--data '$WORK/nowhere' is not a folder"
expt monitor
expect_rc 2
pass
