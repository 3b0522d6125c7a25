# `cmake --install` puts the binary, its man page and both shells' completions in the standard
# places, and the man page renders cleanly with man(1) and says what --help says.
. "$(dirname "$0")/lib.sh"

: "${EXPT_BUILD_DIR:?set EXPT_BUILD_DIR to the build folder}"
run cmake --install "$EXPT_BUILD_DIR" --prefix "$WORK/prefix" --component cli
expect_rc 0
for f in bin/expt share/man/man1/expt.1 share/bash-completion/completions/expt share/zsh/site-functions/_expt; do
  [ -s "$WORK/prefix/$f" ] || fail "not installed: $f"
done
STEP="installed files are the binary's own output"
cmp -s "$WORK/prefix/share/man/man1/expt.1" <("$EXPT" help --man) || fail "expt.1 differs from expt help --man"
cmp -s "$WORK/prefix/share/bash-completion/completions/expt" <("$EXPT" completion bash) || fail "bash completion differs"
cmp -s "$WORK/prefix/share/zsh/site-functions/_expt" <("$EXPT" completion zsh) || fail "zsh completion differs"
head -1 "$WORK/prefix/share/zsh/site-functions/_expt" | grep -qx '#compdef expt' || fail "_expt lacks #compdef"

command -v man >/dev/null || { STEP="man"; fail "man is not installed (scripts/setup test installs man-db)"; }
run env MANWIDTH=100 man --warnings -l "$WORK/prefix/share/man/man1/expt.1"
expect_rc 0
expect_stderr_empty
for cmd in init create allocate start stop archive lint list show assign analyze power audit "export bundle" "export assignments" "export registry" help completion; do
  expect_stdout_has "expt $cmd"
done
expect_stdout_has "EXIT STATUS"
expect_stdout_has "expt analyze effect-test --events events.csv --exposures exposures.csv --auto-stop"
expect_stdout_has "Stop the experiment (audited) if a guardrail is breached."
pass
