# The command line itself: help, exit codes, flag placement, usage errors.
. "$(dirname "$0")/lib.sh"

expt --help
expect_rc 0
for cmd in init create allocate start stop archive list show assign audit; do expect_stdout_has "  $cmd"; done
expect_stdout_has "Exit codes"
expect_stdout_has "2  bad usage or input"

expt create --help
expect_rc 0
expect_stdout_has "--dry-run"

expt --version
expect_rc 0
expect_stdout_equals "expt 0.2.0"

# Bare expt is a question: the overview answers it, exit 0.
expt
expect_rc 0
expect_stdout_has "Usage: expt [OPTIONS] COMMAND"
expect_stderr_empty
expt -V
expect_rc 0
expect_stdout_equals "expt 0.2.0"

expt alocate x
expect_rc 2
expect_stderr_equals "error: unknown command 'alocate', did you mean 'allocate'?
run \`expt help\` for the list of commands"

# The hint works at every level, after top-level flags, and for options.
expt --registry r.db alocate
expect_rc 2
expect_stderr_has "error: unknown command 'alocate', did you mean 'allocate'?"
expt export bundel
expect_rc 2
expect_stderr_equals "error: unknown command 'bundel' for \`expt export\`, did you mean 'bundle'?
\`expt export\` takes one of: bundle, assignments, registry, sql"
expt export
expect_rc 2
expect_stderr_has "error: \`expt export\` needs a command: bundle, assignments, registry, sql"
expt create --dry-rn specs/
expect_rc 2
expect_stderr_has "error: unknown option '--dry-rn' for \`expt create\`, did you mean '--dry-run'?"

# expt help: the list, one command, a nested command; an unknown one is an error with a hint.
expt help
expect_rc 0
expect_stdout_has "Usage: expt [OPTIONS] COMMAND"
expect_stdout_has "Lifecycle:"
expt help analyze
expect_rc 0
expect_stdout_has "Usage: expt analyze [OPTIONS] EXPERIMENT"
expect_stdout_has "Examples:"
expect_stdout_has "1  a guardrail breach"
[ "$(grep -c "slot collision" "$OUT")" -eq 0 ] || fail "analyze's help talks about slot collisions"
expt help export bundle
expect_rc 0
expect_stdout_has "Usage: expt export bundle [OPTIONS]"
expt help analyse
expect_rc 2
expect_stderr_has "error: no command 'analyse', did you mean 'analyze'?"
# Each command's help lists --registry, its examples and its own exit codes.
for cmd in init create allocate start stop archive lint list show assign analyze power audit; do
  expt "$cmd" --help
  expect_rc 0
  expect_stdout_has "--registry PATH"
  expect_stdout_has "Examples:"
  expect_stdout_has "Exit codes:"
done
expt lint --help
[ "$(grep -c "1  " "$OUT")" -ge 1 ] || fail "lint's help lacks exit code 1"

expt list
expect_rc 2
expect_stderr_equals "error: no registry at '$EXPT_REGISTRY'; create one with \`expt init --registry $EXPT_REGISTRY\`, or point --registry or EXPT_REGISTRY at an existing registry"
[ ! -e "$EXPT_REGISTRY" ] || fail "a read command created the registry"

# --registry works before and after the subcommand, and beats EXPT_REGISTRY.
expt --registry "$WORK/a.db" init
expect_rc 0
expect_stdout_equals "initialised registry $WORK/a.db (schema version 8)"
expt init --registry "$WORK/b.db" --format json
expect_rc 0
expect_stdout_has '"outcome": "created"'
[ -e "$WORK/a.db" ] && [ -e "$WORK/b.db" ] && [ ! -e "$EXPT_REGISTRY" ] || fail "registry flag placement"

load_fixtures
expt list --format yaml
expect_rc 2
expect_stderr_has "--format: 'yaml' is not one of human|json|csv"
expt list --status paused
expect_rc 2
expect_stderr_equals "error: --status must be one of draft, running, stopped, archived; got 'paused'"
expt list --namespace pricing --type rollout --format csv
expect_rc 0
expect_stdout_equals "EXPERIMENT,NAMESPACE,TYPE,STATUS,OWNER,SLOTS,VARIANTS
pricing-payment-api-v2,pricing,rollout,draft,payments,-,v2:0.2"
expt allocate
expect_rc 2
expect_stderr_equals "error: name the experiments to allocate, or pass --all"

run env EXPT_NOW=yesterday "$EXPT" list
expect_rc 2
expect_stderr_equals "error: EXPT_NOW='yesterday' is not an ISO-8601 time or epoch seconds"

# Not a registry: exit 2, file untouched.
printf 'hello' >"$WORK/notes.db"
expt --registry "$WORK/notes.db" list
expect_rc 2
expect_stderr_has "is not an expt registry"
[ "$(cat "$WORK/notes.db")" = hello ] || fail "the non-registry file was modified"

# Colour: errors in red with --color always (even with NO_COLOR, which only changes auto); never
# with --color never, or in auto when the stream is not a terminal.
expt --registry "$WORK/a.db" show nope --color always
expect_rc 2
expect_stderr_has $'\033[31merror:\033[0m unknown namespace'
run env NO_COLOR=1 "$EXPT" --registry "$WORK/a.db" --color always show nope
expect_stderr_has $'\033[31merror:'
expt --registry "$WORK/a.db" show nope
[ "$(grep -c $'\033' "$ERR")" -eq 0 ] || fail "colour on a stderr that is not a terminal"
if have_pty; then
  run script -qec "'$EXPT' --registry '$WORK/a.db' show nope" /dev/null
  expect_stdout_has $'\033[31merror:'
  run script -qec "env NO_COLOR=1 '$EXPT' --registry '$WORK/a.db' show nope" /dev/null
  [ "$(grep -c $'\033' "$OUT")" -eq 0 ] || fail "colour with NO_COLOR on a terminal"
  run script -qec "'$EXPT' --registry '$WORK/a.db' show nope --color never" /dev/null
  [ "$(grep -c $'\033' "$OUT")" -eq 0 ] || fail "colour with --color never"
fi
expt --color sometimes list
expect_rc 2

pass
