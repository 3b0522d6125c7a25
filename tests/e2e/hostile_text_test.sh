# Text from users is shown, not obeyed: ESC sequences and other controls in a spec's owner_team or
# description, or in a CSV's variant values, reach a terminal escaped, in tables and diagnostics.
. "$(dirname "$0")/lib.sh"

expt init
esc=$'\e'
printf '%s\n' "kind: namespace
key: web
total_slots: 100
description: \"clears the screen ${esc}[2J${esc}[H and links ${esc}]8;;http://evil${esc}\\\\here${esc}]8;;${esc}\\\\\"
---
kind: experiment
key: cta
namespace: web
type: ab
owner_team: \"growth${esc}[31m\"
traffic: {slots: 100}
variants:
  - {key: control, allocation: 0.5}
  - {key: green, allocation: 0.5}" >"$WORK/spec.yaml"
expt create "$WORK/spec.yaml"
expect_rc 0
for cmd in "list" "show web"; do
  expt $cmd
  expect_rc 0
  grep -q "$esc" "$OUT" && fail "expt $cmd printed a raw ESC"
done
expt list
expect_stdout_has 'growth\x1B[31m'
expt show web
expect_stdout_has 'clears the screen \x1B[2J\x1B[H'
# A variant value in a CSV, quoted back in a diagnostic.
expt allocate cta; expt start cta
printf 'entity_id,experiment,variant,timestamp\nu1,cta,gr%seen,2026-11-20T00:00:00Z\n' "$esc[2J" >"$WORK/exposures.csv"
printf 'event_id,entity_id,event_type,timestamp,value\n' >"$WORK/events.csv"
expt analyze cta --exposures "$WORK/exposures.csv" --events "$WORK/events.csv"
grep -q "$esc" "$OUT" "$ERR" && fail "analyze printed a raw ESC from the CSV"
pass
