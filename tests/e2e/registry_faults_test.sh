# Files that are not registries are never changed; damaged rows are named; a registry on a
# read-only mount or without write permission can still be read.
. "$(dirname "$0")/lib.sh"

sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$@"; }
query() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"; }

# A foreign database whose user_version happens to be 2, and one of another application.
sql "$WORK/foreign.db" "CREATE TABLE t (a); PRAGMA user_version = 2;"
sql "$WORK/other-app.db" "CREATE TABLE experiments (a); PRAGMA application_id = 42; PRAGMA user_version = 3;"
for db in foreign other-app; do
  before=$(sha256sum "$WORK/$db.db")
  expt --registry "$WORK/$db.db" list
  expect_rc 2
  expect_stderr_has "not an expt registry; it was not changed"
  [ "$(sha256sum "$WORK/$db.db")" = "$before" ] || fail "$db.db was modified"
  [ ! -e "$WORK/$db.db-wal" ] || fail "$db.db was switched to WAL"
done

# A registry from before application_id (schema 2) is recognised by its tables and migrated.
expt init; expect_rc 0
sql "$EXPT_REGISTRY" "DELETE FROM settings WHERE key = 'lineage'; DROP TABLE notifications; DROP TABLE reviews; DROP TABLE review_policies; DROP TABLE analyses; ALTER TABLE experiments DROP COLUMN analysis; ALTER TABLE experiment_metrics DROP COLUMN cuped;
                      PRAGMA application_id = 0; PRAGMA user_version = 2;"
expt list; expect_rc 0
[ "$(query "$EXPT_REGISTRY" 'PRAGMA application_id')" = 1163415636 ] || fail "application_id was not set"
expt audit --format csv
expect_stdout_has '"{""from_schema"":2,""to_schema"":8}"'
[ "$(query "$EXPT_REGISTRY" "SELECT length(value) FROM settings WHERE key = 'lineage'")" = 32 ] || fail "no lineage after the migration"

# Damaged rows: named by table and key, exit 2, never "internal error".
expt create "$FIXTURES/specs"; expect_rc 0
cp "$EXPT_REGISTRY" "$WORK/good.db"
damage() {
  rm -f "$EXPT_REGISTRY"-wal "$EXPT_REGISTRY"-shm
  cp "$WORK/good.db" "$EXPT_REGISTRY"
  sql "$EXPT_REGISTRY" "PRAGMA ignore_check_constraints = 1; $1"
  expt list
  expect_rc 2
  expect_stderr_has "$2"
  if grep -q "internal error" "$ERR"; then fail "internal error for: $1"; fi
}
damage "UPDATE settings SET value = 'x' WHERE key = 'hash_version'" "table 'settings', key 'hash_version'"
damage "UPDATE settings SET value = '99999999999999999999999' WHERE key = 'hash_version'" "table 'settings', key 'hash_version'"
damage "UPDATE namespaces SET default_config = '{\"a\":' WHERE key = 'checkout'" "table 'namespaces', key 'checkout': stored default_config is not valid JSON"
damage "UPDATE experiments SET traffic = '{\"slots\"' WHERE key = 'search-snippets'" "table 'experiments', key 'search-snippets'"
damage "UPDATE variants SET config = '[' WHERE key = 'control' AND experiment_id = (SELECT min(id) FROM experiments)" "table 'variants', key 'control' of experiment id"
damage "UPDATE experiments SET type = 'zigzag' WHERE key = 'search-snippets'" "table 'experiments', key 'search-snippets': stored experiment type 'zigzag' is not known to this expt"

# Read-only: a read-only mount (root cannot write there either) and chmod 444 for another user.
rm -f "$EXPT_REGISTRY"-wal "$EXPT_REGISTRY"-shm
cp "$WORK/good.db" "$EXPT_REGISTRY"
expt allocate --all; expect_rc 0
expt start checkout-cta-color; expect_rc 0
sql "$EXPT_REGISTRY" "PRAGMA wal_checkpoint(TRUNCATE);"
mkdir -p "$WORK/ro-src" "$WORK/ro"
cp "$EXPT_REGISTRY" "$WORK/ro-src/expt.db"
mount --bind "$WORK/ro-src" "$WORK/ro" && mount -o remount,ro,bind "$WORK/ro" || fail "cannot make a read-only mount"
trap 'umount "$WORK/ro" 2>/dev/null; rm -rf "$WORK"' EXIT
for cmd in "list" "show checkout" "assign user-7" "audit checkout-cta-color" "export registry --format csv --output $WORK/tables"; do
  # shellcheck disable=SC2086
  expt --registry "$WORK/ro/expt.db" $cmd
  expect_rc 0
done
expt --registry "$WORK/ro/expt.db" stop checkout-cta-color
expect_rc 2
expect_stderr_has "is read-only (Read-only file system); this command changes it"
umount "$WORK/ro"

chmod 755 "$WORK"
cp "$EXPT_REGISTRY" "$WORK/ro-src/perm.db"
chmod 555 "$WORK/ro-src"
chmod 444 "$WORK/ro-src/perm.db"
run runuser -u nobody -- "$EXPT" --registry "$WORK/ro-src/perm.db" show checkout
expect_rc 0
run runuser -u nobody -- "$EXPT" --registry "$WORK/ro-src/perm.db" stop checkout-cta-color
expect_rc 2
expect_stderr_has "is read-only (Permission denied); this command changes it"
chmod 755 "$WORK/ro-src"
pass
