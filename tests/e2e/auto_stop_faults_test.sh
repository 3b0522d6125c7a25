# analyze --auto-stop --output under real faults: the report and the stop happen both or
# neither. A full disk (tmpfs) leaves neither; kill -9 at random instants leaves either both,
# neither, or (killed between the commit and the rename) a stopped experiment whose report
# the same command, run again, writes.
. "$(dirname "$0")/lib.sh"

A="$FIXTURES/analysis/guardrail"
expt init; expect_rc 0
expt create "$A/spec.yaml"; expect_rc 0
expt allocate --all; expect_rc 0
expt start new-checkout; expect_rc 0
cp "$EXPT_REGISTRY" "$WORK/running.db"
fresh() { rm -f "$EXPT_REGISTRY"-wal "$EXPT_REGISTRY"-shm; cp "$WORK/running.db" "$EXPT_REGISTRY"; }
status_of() { "$EXPT" list --format csv | awk -F, '$1 == "new-checkout" { print $4 }'; }
auto_stop() { "$EXPT" analyze new-checkout --events "$A/events.csv" --exposures "$A/exposures.csv" --auto-stop --output "$1"; }

# A full disk: exit 2, still running, no report.
DISK="$WORK/disk"
mkdir -p "$DISK"
mount -t tmpfs -o size=16k tmpfs "$DISK" || fail "cannot mount a tmpfs (the test runs as root)"
trap 'umount "$DISK" 2>/dev/null; rm -rf "$WORK"' EXIT
cat /dev/zero >"$DISK/filler" 2>/dev/null || true  # fill it
fresh
run auto_stop "$DISK/report.txt"
expect_rc 2
expect_stderr_has "No space left on device"
[ "$(status_of)" = running ] || fail "the experiment was stopped although its report could not be written"
[ ! -e "$DISK/report.txt" ] || fail "a report was written"
[ -z "$(ls -A "$DISK" | grep -v filler)" ] || fail "files were left on the full disk: $(ls -A "$DISK")"
umount "$DISK"

# A failed fsync of the report (strace -e inject): the same.
fresh
run strace -f -o /dev/null -e trace=fsync -e inject=fsync:error=EIO:when=1 "$EXPT" analyze new-checkout \
  --events "$A/events.csv" --exposures "$A/exposures.csv" --auto-stop --output "$WORK/report.txt"
expect_rc 2
[ "$(status_of)" = running ] || fail "the experiment was stopped although its report failed"
[ ! -e "$WORK/report.txt" ] || fail "a report was written"

# kill -9 at random instants.
both=0 neither=0 completed=0
for i in $(seq 1 60); do
  fresh
  rm -f "$WORK/report.txt"
  # expt itself in the background, not a function: kill -9 must hit the process that writes.
  "$EXPT" analyze new-checkout --events "$A/events.csv" --exposures "$A/exposures.csv" --auto-stop \
    --output "$WORK/report.txt" >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  state=$(status_of)
  if [ "$state" = stopped ] && [ -e "$WORK/report.txt" ]; then
    both=$((both + 1))
  elif [ "$state" = running ] && [ ! -e "$WORK/report.txt" ]; then
    neither=$((neither + 1))
  elif [ "$state" = stopped ]; then
    run auto_stop "$WORK/report.txt"  # killed between the commit and the rename: run it again
    [ -e "$WORK/report.txt" ] || fail "run $i: stopped without a report, and running again did not write it"
    completed=$((completed + 1))
  else
    fail "run $i: the experiment is '$state' and the report exists: $(ls -A "$WORK"); list: $("$EXPT" list 2>&1 | head -3)"
  fi
  if ls -A "$WORK" | grep -q '\.tmp-'; then rm -f "$WORK"/.report.txt.tmp-*; fi
done
echo "kill -9 x60: $both both, $neither neither, $completed completed by a second run"
[ $((both + neither + completed)) = 60 ] || fail "some runs ended in another state"
pass
