# Output that cannot be written is a failure, never exit 0 with half the data: every command that
# prints, with its standard output on /dev/full (the reproduction of a full disk under `>`), exits
# 2 saying so; --output FILE on a full tmpfs exits 2, names the file and leaves nothing behind; an
# interrupted export leaves no temporary file.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis/effect"
expt init
expt create "$A/spec.yaml"
expt allocate --all
expt start effect-test
expect_rc 0
seq 1 2000 | sed 's/^/user-/' >"$WORK/ids"

# to_full ARGS...: the command with stdout on /dev/full exits 2 and says why.
to_full() {
  STEP="$*"
  "$EXPT" "$@" >/dev/full 2>"$ERR"
  RC=$?
  [ "$RC" -eq 2 ] || fail "with stdout on /dev/full expected exit 2, got $RC"
  expect_stderr_has "cannot write to standard output"
  expect_stderr_has "No space left on device"
}
to_full assign --input "$WORK/ids"
to_full assign --input "$WORK/ids" --format jsonl
to_full assign user-1
to_full export assignments --input "$WORK/ids"
to_full export assignments --input "$WORK/ids" --output -
to_full export sql effect-test --timestamp-type DateTime
to_full export registry --output -
to_full list
to_full list --format json
to_full audit
to_full audit --format csv
to_full show effect
to_full analyze effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --format json
to_full analyze effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --format csv
to_full analyze effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --format markdown
to_full report effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --output -
to_full power --baseline 0.1 --mde 0.05
to_full help
to_full lint "$A/spec.yaml"

# --output FILE on a disk that fills: exit 2 naming the file, no file and no temporary left.
DISK="$WORK/disk"
mkdir -p "$DISK"
mount -t tmpfs -o size=32k tmpfs "$DISK" || fail "cannot mount a tmpfs (the test runs as root)"
trap 'umount "$DISK" 2>/dev/null; rm -rf "$WORK"' EXIT
expt export assignments --input "$WORK/ids" --output "$DISK/assignments.csv"
expect_rc 2
expect_stderr_has "$DISK/assignments.csv"
expect_stderr_has "No space left on device"
head -c 24k /dev/zero >"$DISK/filler"  # 8 KiB left: the report is larger
expt report effect-test --events "$A/events.csv" --exposures "$A/exposures.csv" --output "$DISK/report.html"
expect_rc 2
expect_stderr_has "$DISK/report.html"
leftover=$(ls -A "$DISK" | grep -v '^filler$')
[ -z "$leftover" ] || fail "files left on the full disk: $leftover"
umount "$DISK"

# A registry on a disk with no byte free: reading commands work; a writing one says why it cannot.
mount -t tmpfs -o size=400k tmpfs "$DISK" || fail "cannot mount a tmpfs"
run "$EXPT" init --registry "$DISK/r.db"
run "$EXPT" create --registry "$DISK/r.db" "$FIXTURES/specs"
expect_rc 0
head -c 1M /dev/zero >"$DISK/filler" 2>/dev/null || true
run "$EXPT" list --registry "$DISK/r.db"
expect_rc 0
expect_stdout_has "checkout-cta-color"
run "$EXPT" audit --registry "$DISK/r.db"
expect_rc 0
run "$EXPT" allocate --all --registry "$DISK/r.db"
expect_rc 2
expect_stderr_has "is read-only (the disk is full or failing; SQLite cannot create its files beside it); this command changes it"
umount "$DISK"

# SIGINT while the temporary file is being written: it is removed, and the exit is the signal's.
mkfifo "$WORK/fifo"
(seq 1 200000 | sed 's/^/user-/'; sleep 30) >"$WORK/fifo" &
feeder=$!
"$EXPT" export assignments --input - --output "$WORK/out.csv" <"$WORK/fifo" 2>"$ERR" &
pid=$!
STEP="SIGINT during export assignments"
for _ in $(seq 100); do
  compgen -G "$WORK/.out.csv.tmp-*" >/dev/null && break
  sleep 0.05
done
compgen -G "$WORK/.out.csv.tmp-*" >/dev/null || fail "the export never started its temporary file"
kill -INT "$pid"
wait "$pid"
RC=$?
kill "$feeder" 2>/dev/null
[ "$RC" -eq 130 ] || fail "expected exit 130 (SIGINT), got $RC"
[ ! -e "$WORK/out.csv" ] || fail "an interrupted export published its file"
! compgen -G "$WORK/.out.csv.tmp-*" >/dev/null || fail "an interrupted export left $(ls -A "$WORK" | grep tmp-)"
pass
