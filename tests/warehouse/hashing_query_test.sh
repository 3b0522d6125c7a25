# docs/hashing.md's assignment query, run as written on current ClickHouse (18.16 has no
# xxHash64; CTest runs this as e2e.hashing_query_test_current only): its hashes equal the 84 test
# vectors of fixtures/cases/hash_v1.json, and its variant equals `expt assign` for 200,000 random
# IDs and every vector's ID, in the registry of fixtures/specs (checkout-cta-color on slots
# 300-499 of namespace checkout, the 2% global holdout), which is what the query hard-codes.
. "$EXPT_SOURCE_DIR/tests/e2e/lib.sh"
. "$EXPT_SOURCE_DIR/tests/warehouse/warehouse_lib.sh"

start_clickhouse "$WORK/clickhouse"
for step in init "create $FIXTURES/specs" "allocate --all" "start checkout-cta-color"; do
  expt $step
  expect_rc 0
done
expt show checkout
expect_stdout_has "300-499  200   20.0%  checkout-cta-color   running"

# The query of the doc: the first ```sql block after its heading.
awk '/^## Recomputing assignments in SQL/ { s = 1 } s && /^```sql$/ { b = 1; next } b && /^```$/ { exit } b { print }' \
  "$DOCS/hashing.md" >"$WORK/query.sql"
grep -q "FROM users" "$WORK/query.sql" || { STEP="extract"; fail "docs/hashing.md has no assignment query over users"; }

STEP="compare the doc's query with the vectors and expt assign"
/usr/bin/python3 - "$URL" "$FIXTURES/cases/hash_v1.json" "$WORK" <<'PY' || fail "see above"
import json, random, subprocess, sys, urllib.request, os
url, vectors_file, work = sys.argv[1:4]
def ch(sql, data=None):
    q = urllib.parse.urlencode({"query": sql} if data is not None else {})
    req = urllib.request.Request(f"{url}/?{q}", data=data if data is not None else sql.encode(), method="POST")
    try:
        return urllib.request.urlopen(req).read().decode()
    except urllib.error.HTTPError as e:
        sys.exit(f"ClickHouse refused: {e.read().decode()[:500]}")
import urllib.parse
def lit(s): return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"

vectors = json.load(open(vectors_file))["vectors"]
assert len(vectors) == 84, len(vectors)
for v in vectors:
    e = v["entity_id"]
    row = ch(f"SELECT xxHash64(concat({lit(v['namespace'])}, ':', {lit(e)})), xxHash64(concat({lit(v['experiment'])}, ':', {lit(e)})), "
             f"xxHash64(concat({lit(v['holdout_key'])}, ':', {lit(e)})) FORMAT TSV").split()
    want = [v["slot_hash"], v["variant_hash"], v["holdout_hash"]]
    assert row == want, (e, row, want)
    assert int(row[0]) % v["total_slots"] == v["slot"] and int(row[1]) % 10000 == v["bucket"], e
    assert int(row[2]) % 10000 == v["holdout_bucket"], e

rng = random.Random(20261208)
ids = [f"user-{rng.randrange(10**9)}" for _ in range(200000)] + [rng.choice(["", "7", "007"]) + str(rng.random()) for _ in range(1000)]
# Every vector's ID that is a line of `assign --input` (which skips empty lines).
ids += [v["entity_id"] for v in vectors if v["entity_id"] and "\n" not in v["entity_id"] and "\r" not in v["entity_id"]]
ids = sorted(set(ids))
ch("DROP TABLE IF EXISTS users")
ch("CREATE TABLE users (user_id String) ENGINE = Memory")
tsv = "".join(i.replace("\\", "\\\\").replace("\t", "\\t") + "\n" for i in ids)
ch("INSERT INTO users FORMAT TabSeparated", tsv.encode())
answer = ch(open(f"{work}/query.sql").read() + "\nFORMAT JSONEachRow")
doc = {}
for line in answer.splitlines():
    r = json.loads(line)
    doc[r["user_id"]] = (r["slot"], r["variant"])
assert len(doc) == len(ids), (len(doc), len(ids), [repr(i) for i in ids if i not in doc][:5])
with open(f"{work}/ids", "w") as f:
    f.write("".join(i + "\n" for i in ids))
out = subprocess.run([os.environ["EXPT"], "assign", "--input", f"{work}/ids", "--namespace", "checkout", "--format", "jsonl"],
                     capture_output=True, check=True, text=True).stdout
seen = 0
variants = {}
for line in out.splitlines():
    r = json.loads(line)
    got = doc[r["entity_id"]]
    assert got == (r["slot"], r["variant"]), (r, got)
    variants[r["variant"]] = variants.get(r["variant"], 0) + 1
    seen += 1
answered = {json.loads(line)["entity_id"] for line in out.splitlines()}
assert seen == len(ids), (seen, len(ids), [repr(i) for i in ids if i not in answered])
assert variants.get("control", 0) > 15000 and variants.get("green", 0) > 15000, variants
print(f"{len(ids)} IDs: {variants}")
PY
pass
