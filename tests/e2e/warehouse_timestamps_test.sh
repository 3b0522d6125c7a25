# Every kind of timestamp column, on the engine the test runs on (18.16: DateTime and epoch
# seconds or milliseconds in Int64; current ClickHouse: DateTime64(3) too): `analyze --source`
# equals the CSV path; the daily job that `export sql --source` prints, run in ClickHouse and read
# back by `analyze --aggregates`, equals `--source`; `export sql --timestamp-type` prints the same
# SQL; and the SQL of another type gives other numbers (what a guess would have done).
. "$(dirname "$0")/lib.sh"
. "$EXPT_SOURCE_DIR/tests/warehouse/warehouse_lib.sh"

start_clickhouse "$WORK/clickhouse"
expt export sql --schema --dialect clickhouse
expect_rc 0
cp "$OUT" "$WORK/schema.sql"
expt init; expect_rc 0
expt create "$FIXTURES/analysis/effect/spec.yaml"; expect_rc 0
expt allocate --all; expect_rc 0
expt start effect-test; expect_rc 0

# The effect dataset again with milliseconds: each event and exposure moved by up to 999 ms, and a
# quarter of the events moved into the second of their entity's first exposure, so that the
# milliseconds alone put them before or after it.
mkdir "$WORK/ms"
/usr/bin/python3 - "$FIXTURES/analysis/effect" "$WORK/ms" <<'PY'
import csv, datetime as dt, hashlib, sys
src, out = sys.argv[1:3]
def ms(t):
    d = t.lstrip("-")
    if d.isdigit():
        v = int(t); return v * 1000 if len(d) < 12 else v
    return round(dt.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000)
def h(text): return int(hashlib.sha256(text.encode()).hexdigest(), 16)
exposures = list(csv.DictReader(open(f"{src}/exposures.csv", newline="")))
first = {}
for i, r in enumerate(exposures):
    r["timestamp"] = str(ms(r["timestamp"]) // 1000 * 1000 + h(f"x{i}") % 1000)
    first[r["entity_id"]] = min(first.get(r["entity_id"], 1 << 62), int(r["timestamp"]))
events = list(csv.DictReader(open(f"{src}/events.csv", newline="")))
for r in events:  # copies of an event (same event_id) stay copies
    i = r["event_id"]
    second = first[r["entity_id"]] // 1000 if r["entity_id"] in first and h(f"s{i}") % 4 == 0 else ms(r["timestamp"]) // 1000
    r["timestamp"] = str(second * 1000 + h(f"e{i}") % 1000)
for name, rows in (("exposures", exposures), ("events", events)):
    with open(f"{out}/{name}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
PY
before_exposure() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["events"]["before_exposure"])' "$1"; }
for data in effect ms; do
  dir="$FIXTURES/analysis/effect"; [ $data = ms ] && dir="$WORK/ms"
  expt analyze effect-test --events "$dir/events.csv" --exposures "$dir/exposures.csv" --format json
  sed "s|$dir/events.csv|table events|g; s|$dir/exposures.csv|table exposures|g" "$OUT" >"$WORK/$data.csv.json"
done
[ "$(before_exposure "$WORK/effect.csv.json")" != "$(before_exposure "$WORK/ms.csv.json")" ] \
  || { STEP="the millisecond dataset"; fail "milliseconds move no event across its exposure: the test would not see a lost millisecond"; }

types="DateTime Int64s Int64ms"
[ "$ENGINE" = 18.16 ] || types="$types DateTime64(3)"  # DateTime64 came in ClickHouse 20.1
for kind in $types; do
  db=d_$(echo "$kind" | tr -dc 'A-Za-z0-9')
  case $kind in DateTime|Int64s) data=effect; dir="$FIXTURES/analysis/effect" ;; *) data=ms; dir="$WORK/ms" ;; esac
  case $kind in Int64*) type=Int64 ;; *) type=$kind ;; esac
  /usr/bin/python3 "$LOADER" "$URL" "$db" "$dir" "$WORK/schema.sql" "$kind" || fail "loading $kind timestamps into ClickHouse $ENGINE"
  src="clickhouse://127.0.0.1:$PORT/$db"
  expt analyze effect-test --source "$src" --format json
  cp "$OUT" "$WORK/$db.ch.json"
  /usr/bin/python3 "$COMPARE" "$WORK/$data.csv.json" "$WORK/$db.ch.json" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "$kind: --source differs from the CSV path"; }
  # The daily job, as export sql prints it from the server's column types and from --timestamp-type.
  expt export sql effect-test --source "$src" --as-of 2026-11-30 --insert-into expt_daily_aggregates
  expect_rc 0
  cp "$OUT" "$WORK/$db.daily.sql"
  expt export sql effect-test --timestamp-type "$type" --as-of 2026-11-30 --insert-into expt_daily_aggregates
  expect_rc 0
  diff "$WORK/$db.daily.sql" "$OUT" >&2 || fail "$kind: --timestamp-type $type and --source print different SQL"
  ch "$db" <"$WORK/$db.daily.sql" >/dev/null || fail "$kind: the daily job failed in ClickHouse"
  echo "SELECT * FROM expt_daily_aggregates FINAL FORMAT CSVWithNames" | ch "$db" >"$WORK/$db.daily.csv"
  expt analyze effect-test --aggregates "$WORK/$db.daily.csv" --format json
  expect_rc 0
  /usr/bin/python3 "$COMPARE" "$WORK/$db.ch.json" "$OUT" >"$WORK/diff" || { cat "$WORK/diff" >&2; fail "$kind: the daily aggregates differ from --source"; }
  # Another type's SQL on these tables counts other events, or fails: never the same numbers.
  case $kind in DateTime64*|Int64ms) other=DateTime ;; *) other="DateTime64(3)" ;; esac
  expt export sql effect-test --timestamp-type "$type"
  right=$(ch "$db" <"$OUT" | sort) || fail "$kind: the query for $type failed"
  expt export sql effect-test --timestamp-type "$other"
  wrong=$(ch "$db" <"$OUT" 2>&1 | sort)
  [ "$right" != "$wrong" ] || fail "$kind: the SQL for $other gives the same rows as the SQL for $type"
done
pass
