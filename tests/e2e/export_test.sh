# export bundle / assignments / registry, the SDK example, and assign --bundle.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all
for e in checkout-cta-color checkout-layout-mvt checkout-holdout-q4 search-ranker-v2 search-snippets \
         search-holdout pricing-discount-banner pricing-payment-api-v2 onboarding-product-tour; do
  expt start "$e"
done
B="$WORK/bundles"

expt export bundle --output "$B"
expect_rc 0
expect_stdout_has "published bundle 1 (xxh128:"
expect_stdout_has "wrote $B/bundle-1.json"
cmp "$B/bundle-1.json" "$B/latest.json" || fail "latest.json differs from bundle-1.json"

# No change: no new version, nothing rewritten; another folder gets byte-identical files.
cp "$B/bundle-1.json" "$WORK/first.json"
expt export bundle --output "$B"
expect_rc 0
expect_stdout_equals "bundle 1 is current: nothing changed since it was published at 2026-11-23T12:00:00Z
$B is up to date"
expt export bundle --output "$WORK/mirror" --format json
expect_rc 0
expect_stdout_has '"new_version": false'
cmp "$WORK/mirror/bundle-1.json" "$WORK/first.json" || fail "the same state gave different bundle bytes"
[ ! -e "$B/bundle-2.json" ] || fail "an unchanged export minted a new version"

# The bundle validates against the published JSON Schema (independent validator).
/usr/bin/python3 - "$DOCS/bundle.schema.json" "$B/bundle-1.json" <<'PY' || fail "bundle does not match docs/bundle.schema.json"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY

# assign --bundle agrees with the registry for every layer.
IDS=(user-7 user-44 user-42 user-1001 "ünïcødé" "")
expt assign "${IDS[@]}" --format csv
cp "$OUT" "$WORK/from-registry.csv"
expt assign "${IDS[@]}" --format csv --bundle "$B/latest.json"
expect_rc 0
diff -u "$WORK/from-registry.csv" "$OUT" >&2 || fail "assign --bundle differs from the registry"

# A change mints version 2 and a diff; an independent RFC 6902 implementation applies it exactly.
expt stop checkout-cta-color
expt export bundle --output "$B"
expect_rc 0
expect_stdout_has "published bundle 2"
expect_stdout_has "wrote $B/diff-1-2.json"
/usr/bin/python3 - "$B" <<'PY' || fail "python3-jsonpatch does not turn bundle 1 into bundle 2"
import json, sys, jsonpatch
d = sys.argv[1]
old, new, diff = (json.load(open(f"{d}/{n}")) for n in ("bundle-1.json", "bundle-2.json", "diff-1-2.json"))
assert jsonpatch.apply_patch(old, diff) == new
try:
    jsonpatch.apply_patch(new, diff)  # the leading test operations refuse any other base
    raise SystemExit("diff applied to the wrong base")
except jsonpatch.JsonPatchTestFailed:
    pass
PY

# The SDK example (links only expt_core) reaches bundle 2 through the diff and agrees with expt.
run "$EVALUATE_BUNDLE" "$B/bundle-1.json" --diff "$B/diff-1-2.json" user-7 user-44 user-42
expect_rc 0
expect_stderr_equals "bundle version 2"
cut -d, -f1-6 "$OUT" >"$WORK/sdk.csv"
expt assign user-7 user-44 user-42 --format csv
diff -u "$OUT" "$WORK/sdk.csv" >&2 || fail "the SDK example disagrees with expt assign"
run "$EVALUATE_BUNDLE" "$B/bundle-2.json" user-7
expect_stdout_has 'user-7,checkout,,,492,false,"{""cta_color"":""blue"",""layout"":""single-page"",""show_trust_badges"":false}"'

# A damaged bundle is refused with the reason.
sed 's/"total_slots":1000/"total_slots":999/' "$B/latest.json" >"$WORK/tampered.json"
expt assign user-7 --bundle "$WORK/tampered.json"
expect_rc 2
expect_stderr_has "$WORK/tampered.json: error: bundle content does not match its content_hash"
run "$EVALUATE_BUNDLE" "$B/bundle-2.json" --diff "$B/diff-1-2.json" user-7
expect_rc 2
expect_stderr_has "this diff applies to bundle version 1, but the bundle is version 2: apply the diffs in order, or load the newer bundle whole"
[ "$(grep -c "json.exception" "$ERR")" -eq 0 ] || fail "a raw nlohmann exception reached the user"

# A published version file is never overwritten with other bytes.
echo '{}' >"$WORK/mirror/bundle-2.json"
expt export bundle --output "$WORK/mirror"
expect_rc 2
expect_stderr_has "bundle-2.json' exists with different content"

# export assignments: the columns of assign --input, atomically to a file.
printf 'user-7\nuser-44\n' >"$WORK/ids.txt"
expt export assignments --input "$WORK/ids.txt" --output "$WORK/assignments.csv"
expect_rc 0
expect_stdout_empty
expt assign --input "$WORK/ids.txt"
diff -u "$OUT" "$WORK/assignments.csv" >&2 || fail "export assignments differs from assign --input"
expt export assignments --input "$WORK/ids.txt" --column user --output "$WORK/never.csv"
expect_rc 2
[ ! -e "$WORK/never.csv" ] || fail "a failed export left a file behind"
[ -z "$(ls -A "$WORK" | grep '\.tmp-')" ] || fail "a temporary file was left behind"

# export registry: JSON for notebooks, CSV tables for warehouses.
expt export registry
expect_rc 0
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["experiments"]) == 10 and d["global_holdout"]["percent"] == 2' "$OUT" \
  || fail "export registry JSON"
expt export registry --format csv --output "$WORK/tables"
expect_rc 0
for t in namespaces metrics experiments variants bindings; do [ -s "$WORK/tables/$t.csv" ] || fail "missing $t.csv"; done
expt export registry --format csv --table experiments
expect_rc 0
expect_stdout_has "checkout-cta-color,checkout,ab,stopped,growth,300,499,200,true,"
expt export registry --format csv
expect_rc 2
expect_stderr_has "--format csv writes five tables"

# A diff of 40 root copies (fixtures/bundles-invalid) once doubled the document until the SDK
# example died of std::bad_alloc: now an error, before the document grows past its bound.
run "$EVALUATE_BUNDLE" "$B/bundle-1.json" --diff "$FIXTURES/bundles-invalid/copy-bomb.diff.json" user-7
expect_rc 2
expect_stderr_has "error: bundle holds more than 2000000 JSON values"

pass
