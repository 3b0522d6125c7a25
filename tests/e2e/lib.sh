# Helpers for the end-to-end tests: each test script sources this, runs the real expt binary
# ($EXPT) against fixtures/ ($FIXTURES) in a fresh temporary folder, and fails on the first
# unmet expectation with a message saying what was expected and what happened.
set -u

: "${EXPT:?set EXPT to the expt binary}"
: "${FIXTURES:?set FIXTURES to the fixtures folder}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export EXPT_REGISTRY="$WORK/expt.db"
OUT="$WORK/stdout"
ERR="$WORK/stderr"
RC=0
STEP=""

fail() {
  echo "FAIL: $STEP" >&2
  echo "  $*" >&2
  echo "  --- stdout:" >&2; sed 's/^/  | /' "$OUT" >&2 2>/dev/null || true
  echo "  --- stderr:" >&2; sed 's/^/  | /' "$ERR" >&2 2>/dev/null || true
  exit 1
}

# run CMD...: runs a command, keeping its stdout, stderr and exit code.
run() {
  STEP="$*"
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# expt ARGS...: runs the binary under test.
expt() { run "$EXPT" "$@"; }

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit code $1, got $RC"; }

expect_stdout_has() { grep -qF -- "$1" "$OUT" || fail "stdout lacks: $1"; }
expect_stderr_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks: $1"; }
expect_stdout_equals() { diff -u <(printf '%s\n' "$1") "$OUT" >&2 || fail "stdout differs (diff above)"; }
expect_stderr_equals() { diff -u <(printf '%s\n' "$1") "$ERR" >&2 || fail "stderr differs (diff above)"; }
expect_stderr_file() { diff -u "$1" "$ERR" >&2 || fail "stderr differs from $1 (diff above)"; }
expect_stdout_empty() { [ ! -s "$OUT" ] || fail "expected no stdout"; }
expect_stderr_empty() { [ ! -s "$ERR" ] || fail "expected no stderr"; }
expect_stdout_lines() {
  local n; n=$(wc -l <"$OUT")
  [ "$n" -eq "$1" ] || fail "expected $1 stdout lines, got $n"
}

# The registry's logical content and its bytes, to prove a failed command wrote nothing.
registry_fingerprint() {
  {
    "$EXPT" list --format json
    "$EXPT" audit --format json
    for ns in $("$EXPT" list --format csv | tail -n +2 | cut -d, -f2 | sort -u); do "$EXPT" show "$ns" --format json; done
    sha256sum "$EXPT_REGISTRY" | cut -d' ' -f1
  } 2>&1
}
remember_registry() { registry_fingerprint >"$WORK/fingerprint"; }
expect_registry_unchanged() {
  diff -u "$WORK/fingerprint" <(registry_fingerprint) >&2 || fail "the registry changed (diff above)"
}

# The standard set-up: a registry with every fixture spec loaded (drafts, no slots).
load_fixtures() {
  expt init; expect_rc 0
  expt create "$FIXTURES/specs"; expect_rc 0
}

pass() { echo "PASS: $(basename "$0")"; }

# serve_port LOG: waits up to 5 s for `expt serve --listen 127.0.0.1:0`, whose stdout goes to
# LOG, to say where it listens, and prints the port it chose (nothing if it never did).
serve_port() {
  local i
  for i in $(seq 50); do grep -q "^serving" "$1" && break; sleep 0.1; done
  sed -n 's|^serving .* on http://127.0.0.1:\([0-9]*\)$|\1|p' "$1"
}

# Whether script(1) can give a command a pseudo-terminal here (a bare chroot without /dev/pts
# cannot); terminal-only behaviour is checked where it can, and said to be skipped where not.
have_pty() {
  if script -qec true /dev/null >/dev/null 2>&1; then return 0; fi
  echo "note: no pseudo-terminals here; the terminal checks of $(basename "$0") are skipped"
  return 1
}
