# expt export bundle under real faults: a full disk (a small tmpfs), failed system calls
# (strace -e inject) and kill -9 at random instants. After each, the next export must complete
# the folder: every published version and diff present, the diff chain applying from bundle-1
# to the newest, latest.json naming the newest, and no temporary file left.
. "$(dirname "$0")/lib.sh"

expt init; expect_rc 0
cat >"$WORK/exp.yaml" <<'YAML'
kind: experiment
key: cta
namespace: web
type: ab
owner_team: growth
traffic: {slots: 100}
variants:
  - {key: control, allocation: 0.5}
  - {key: green, allocation: 0.5, config: {color: green}}
YAML
N=0
# bump: a new namespace default, so the next export publishes a new version
bump() {
  N=$((N + 1))
  printf 'kind: namespace\nkey: web\ntotal_slots: 100\ndefault_config: {build: %d, padding: "%s"}\n' \
    "$N" "$(head -c 3000 /dev/zero | tr '\0' x)" >"$WORK/ns.yaml"
  expt create "$WORK/ns.yaml" "$WORK/exp.yaml"; expect_rc 0
}
bump
expt allocate cta; expect_rc 0
expt start cta; expect_rc 0

# check_folder DIR: the invariant after a successful export.
check_folder() {
  expt export bundle --output "$1" --format json; expect_rc 0
  local newest
  newest=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' <"$OUT")
  python3 - "$1" "$newest" <<'PY' || fail "the folder $1 is not complete (above)"
import json, os, sys, jsonpatch
folder, newest = sys.argv[1], int(sys.argv[2])
load = lambda name: json.load(open(os.path.join(folder, name)))
doc = load("bundle-1.json")
for v in range(2, newest + 1):
    doc = jsonpatch.apply_patch(doc, load(f"diff-{v-1}-{v}.json"))
    assert doc == load(f"bundle-{v}.json"), f"diff to {v} does not give bundle-{v}"
assert load("latest.json") == doc, "latest.json is not the newest bundle"
temps = [n for n in os.listdir(folder) if ".tmp-" in n]
assert not temps, f"temporary files left: {temps}"
PY
}

# 1. A full disk: a tmpfs of 64 KiB holds a few versions, then writes fail.
DISK="$WORK/disk"
mkdir -p "$DISK"
mount -t tmpfs -o size=64k tmpfs "$DISK" || fail "cannot mount a tmpfs (the test runs as root)"
trap 'umount "$DISK" 2>/dev/null; rm -rf "$WORK"' EXIT
full=0
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
  bump
  expt export bundle --output "$DISK/bundles"
  if [ "$RC" -ne 0 ]; then
    expect_rc 2
    expect_stderr_has "No space left on device"
    expect_stderr_has "is published in the registry; run \`expt export bundle\` again to write its files"
    full=1
    break
  fi
done
[ "$full" = 1 ] || fail "the 64 KiB disk never filled"
# Make room elsewhere: the bundles move to a bigger disk, as an operator would.
mkdir -p "$WORK/bundles"
cp -a "$DISK/bundles/." "$WORK/bundles/"
umount "$DISK"
check_folder "$WORK/bundles"

# 2. Failed system calls at the Nth call: rename (the atomic publish) and fsync.
for inject in 'rename:error=EIO:when=1' 'rename:error=EIO:when=3' 'fsync:error=EIO:when=1' 'write:error=ENOSPC:when=2'; do
  bump
  run strace -f -o /dev/null -e trace=rename,fsync,write -e inject="$inject" "$EXPT" export bundle --output "$WORK/bundles"
  [ "$RC" -eq 2 ] || fail "with $inject expected exit 2, got $RC"
  check_folder "$WORK/bundles"
done

# 3. kill -9 at random instants, 40 times; each time the next export completes the folder.
for i in $(seq 1 40); do
  bump
  "$EXPT" export bundle --output "$WORK/bundles" >/dev/null 2>&1 &
  pid=$!
  sleep "0.00$((RANDOM % 9))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ $((i % 10)) = 0 ]; then check_folder "$WORK/bundles"; fi
done
check_folder "$WORK/bundles"

# 4. Concurrent exporters never move latest.json backwards.
for _ in $(seq 1 10); do
  bump
  "$EXPT" export bundle --output "$WORK/bundles" >/dev/null 2>&1 &
  bump
  "$EXPT" export bundle --output "$WORK/bundles" >/dev/null 2>&1 &
  wait
done
check_folder "$WORK/bundles"
pass
