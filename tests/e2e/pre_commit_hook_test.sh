# The shipped .pre-commit-hooks.yaml works with the real pre-commit tool: in a temporary git
# repository holding the fixture specs, a commit that adds a colliding experiment is refused with
# the finding, and a commit that changes one file referring to the others passes (no false
# E011/E012 from linting that file alone).
. "$(dirname "$0")/lib.sh"

: "${EXPT_SOURCE_DIR:?set EXPT_SOURCE_DIR to the source folder}"
command -v pre-commit >/dev/null || { STEP="pre-commit"; fail "pre-commit is not installed (scripts/setup test installs it)"; }
mkdir -p "$WORK/bin" && ln -s "$EXPT" "$WORK/bin/expt"
export PATH="$WORK/bin:$PATH" PRE_COMMIT_HOME="$WORK/pre-commit-cache" HOME="$WORK"
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
git config --global init.defaultBranch main
git config --global protocol.file.allow always

# pre-commit reports on stderr, the hook's own output on stdout.
expect_output_has() { cat "$OUT" "$ERR" | grep -qF -- "$1" || fail "the output lacks: $1"; }

# The hook repository: this project's hook definition, committed and tagged as a release is, with
# the tag docs/lint.md pins (which must be this version's).
rev=$(sed -n 's/^    rev: \(v[0-9.]*\)$/\1/p' "$EXPT_SOURCE_DIR/docs/lint.md")
[ "$rev" = "v$("$EXPT" --version | cut -d' ' -f2)" ] || { STEP="docs/lint.md's pin"; fail "docs/lint.md pins rev '$rev', not this version's tag"; }
mkdir "$WORK/hooks" && cp "$EXPT_SOURCE_DIR/.pre-commit-hooks.yaml" "$WORK/hooks/"
git -C "$WORK/hooks" init -q && git -C "$WORK/hooks" add . && git -C "$WORK/hooks" commit -qm hooks
git -C "$WORK/hooks" tag "$rev"

# A user's repository with specs under specs/.
repo="$WORK/user"
mkdir -p "$repo/specs" && cp "$FIXTURES"/specs/*.yaml "$repo/specs/"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $WORK/hooks
    rev: $rev
    hooks: [{id: expt-lint}]
YAML
cd "$repo"
git init -q && git add . && git commit -qm "specs" --no-verify
run pre-commit install
expect_rc 0

# One file that refers to namespaces and metrics defined in the others: the hook passes.
sed -i 's/^description: .*/description: Reworded./' specs/search.yaml
git add specs/search.yaml
run git commit -m "reword search"
expect_rc 0
expect_output_has "expt lint"
expect_output_has "Passed"

# A new experiment colliding with search-ranker-v2's slots: the commit is refused.
cp "$FIXTURES/lint/collides-with-search-ranker.yaml" specs/rewrite.yaml
git add specs/rewrite.yaml
run git commit -m "add rewrite"
[ "$RC" -ne 0 ] || fail "the commit with a slot collision went through"
expect_output_has "Failed"
expect_output_has "specs/rewrite.yaml:6:1: error: slots 0-9 of 'search-query-rewrite' overlap"
[ "$(git rev-list --count HEAD)" -eq 2 ] || fail "a commit was made"

# The local form docs/lint.md shows for the installed package: the same verdicts.
git reset -q HEAD specs/rewrite.yaml && rm specs/rewrite.yaml
awk '/^  - repo: local$/ { s = 1 } s && /^```$/ { exit } s' "$EXPT_SOURCE_DIR/docs/lint.md" | sed '1i repos:' >.pre-commit-config.yaml
grep -q "language: system" .pre-commit-config.yaml || { STEP="docs/lint.md's local hook"; fail "no local hook in docs/lint.md"; }
git add .pre-commit-config.yaml && git commit -qm "local hook" --no-verify
cp "$FIXTURES/lint/collides-with-search-ranker.yaml" specs/rewrite.yaml
git add specs/rewrite.yaml
run git commit -m "add rewrite"
[ "$RC" -ne 0 ] || fail "the local hook let a slot collision through"
expect_output_has "specs/rewrite.yaml:6:1: error: slots 0-9 of 'search-query-rewrite' overlap"
pass
