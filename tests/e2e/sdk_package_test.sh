#!/usr/bin/env bash
# The C++ SDK as a package: `cmake --install` into a fresh prefix, then the standalone project
# docs/examples/sdk-consumer configured with find_package(expt CONFIG), built from scratch, and
# run on a published bundle must assign exactly as `expt assign --bundle`. A program built with
# only `pkg-config expt-sdk` flags must agree too, and neither may link SQLite, YAML or fmt.
source "$(dirname "$0")/lib.sh"
: "${EXPT_BUILD_DIR:?set EXPT_BUILD_DIR to the build tree}" "${EXPT_SOURCE_DIR:?set EXPT_SOURCE_DIR}"

PREFIX="$WORK/prefix"
run cmake --install "$EXPT_BUILD_DIR" --prefix "$PREFIX" --component sdk
expect_rc 0
for f in include/expt/assign/evaluator.h include/expt/base/error.h lib/libexpt_sdk.a lib/libexpt_base.a \
         lib/cmake/expt/exptConfig.cmake lib/cmake/expt/exptConfigVersion.cmake lib/pkgconfig/expt-sdk.pc; do
  [ -f "$PREFIX/$f" ] || fail "the install lacks $f"
done
# Installed headers name each other as <expt/...> and nothing outside the SDK.
if grep -rn '#include "core/' "$PREFIX/include"; then fail "an installed header includes core/"; fi
if grep -rnE '#include <(fmt|yaml-cpp|SQLiteCpp|sqlite3|boost|CLI)' "$PREFIX/include"; then
  fail "an installed header needs a library the SDK does not link"
fi

# The consumer, configured and built from nothing, outside this project's build.
run cmake -S "$EXPT_SOURCE_DIR/docs/examples/sdk-consumer" -B "$WORK/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release
expect_rc 0
run cmake --build "$WORK/consumer"
expect_rc 0
CONSUMER="$WORK/consumer/evaluate_bundle"
[ -x "$CONSUMER" ] || fail "the consumer was not built"
if ldd "$CONSUMER" | grep -E 'sqlite|yaml|fmt|SQLiteCpp'; then fail "the consumer links more than the SDK"; fi

# A bundle published from the fixture registry.
expt init && expect_rc 0
expt create "$FIXTURES/specs" && expect_rc 0
expt allocate --all && expect_rc 0
for e in checkout-cta-color checkout-layout-mvt search-ranker-v2 pricing-discount-banner onboarding-product-tour; do
  expt start "$e" && expect_rc 0
done
expt export bundle --output "$WORK/bundles" && expect_rc 0

ids=$(seq -f 'user-%.0f' 1 300)
# shellcheck disable=SC2086
run "$CONSUMER" "$WORK/bundles/latest.json" $ids
expect_rc 0
cut -d, -f1-6 "$OUT" >"$WORK/consumer.csv"
[ "$(wc -l <"$WORK/consumer.csv")" -gt 300 ] || fail "the consumer printed too few rows"
# shellcheck disable=SC2086
expt assign $ids --bundle "$WORK/bundles/latest.json" --format csv
expect_rc 0
diff -u "$OUT" "$WORK/consumer.csv" >&2 || fail "the installed SDK disagrees with expt assign --bundle"

# expt::client from the same install: a separate process follows a real `expt serve` from its
# cache to the newest version and then assigns exactly as expt assign --bundle.
FOLLOWER="$WORK/consumer/follow_server"
[ -x "$FOLLOWER" ] || fail "follow_server (expt::client) was not built"
"$EXPT" serve --bundles "$WORK/bundles" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$(serve_port "$WORK/serve.out")"
latest=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bundle_version"])' "$WORK/bundles/latest.json")
cp "$WORK/bundles/bundle-1.json" "$WORK/cache.json"
# shellcheck disable=SC2086
run "$FOLLOWER" "$URL" "$WORK/cache.json" "$latest" $ids
kill -TERM $SERVER; wait $SERVER
expect_rc 0
expect_stderr_has "version 1 (cache)"
expect_stderr_has "version $latest ("
cut -d, -f1-6 "$OUT" >"$WORK/follower.csv"
diff -u "$WORK/consumer.csv" "$WORK/follower.csv" >&2 || fail "the client's assignments differ from expt assign --bundle"
cmp -s "$WORK/cache.json" "$WORK/bundles/bundle-$latest.json" || \
  /usr/bin/python3 -c 'import json,sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); sys.exit(a != b)' \
    "$WORK/cache.json" "$WORK/bundles/bundle-$latest.json" || fail "the cache does not hold the newest bundle"

# pkg-config alone is enough too.
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
run pkg-config --cflags --libs expt-sdk
expect_rc 0
flags=$(cat "$OUT")
# shellcheck disable=SC2086
run c++ -o "$WORK/pc_consumer" "$EXPT_SOURCE_DIR/docs/examples/sdk-consumer/evaluate_bundle.cc" $flags
expect_rc 0
run "$WORK/pc_consumer" "$WORK/bundles/latest.json" user-7 user-44
expect_rc 0
grep -q '^user-44,' "$OUT" || fail "the pkg-config build printed no assignments"
echo "ok: installed SDK, consumer of $(stat -c %s "$CONSUMER") bytes, 300 entities agree"
