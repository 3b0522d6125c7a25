# The generated completion scripts complete commands, nested commands, options, allowed words
# and registry keys, in real bash and zsh (zsh's completion widgets replaced by recorders, as
# they only run inside an interactive line editor).
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all; expect_rc 0
mkdir -p "$WORK/bin" && ln -s "$EXPT" "$WORK/bin/expt"
export PATH="$WORK/bin:$PATH"
"$EXPT" completion bash >"$WORK/expt.bash" && "$EXPT" completion zsh >"$WORK/_expt" || fail "completion scripts"

bash_complete() {  # words... -> the completions, sorted, space-separated
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _expt; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$WORK/expt.bash" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect_completion() {  # expected, then the words
  local expected=$1; shift
  STEP="bash completion of: $*"
  local got; got=$(bash_complete "$@")
  [ "$got" = "$expected" ] || fail "expected '$expected', got '$got'"
}
expect_completion "allocate analyze archive assign audit" expt a
expect_completion "bundle" expt export bu
expect_completion "assignments" expt --registry "$EXPT_REGISTRY" export as
expect_completion "--format" expt analyze --for
expect_completion "csv human json markdown" expt analyze x --format ""
expect_completion "github" expt lint --format g
expect_completion "checkout-cta-color" expt start checkout-cta
expect_completion "checkout-cta-color" expt --registry "$EXPT_REGISTRY" start checkout-cta
# Only the experiments a command takes: a running one is not offered to start, nor a draft to stop.
expt start checkout-cta-color; expect_rc 0
expect_completion "" expt start checkout-cta
expect_completion "checkout-cta-color" expt stop checkout-cta
expect_completion "checkout-cta-color" expt analyze checkout-cta
expt stop checkout-cta-color; expect_rc 0
expt archive checkout-cta-color; expect_rc 0
expect_completion "" expt archive checkout-cta
expect_completion "" expt analyze checkout-cta
expect_completion "checkout-cta-color" expt results checkout-cta
expect_completion "search-ranking" expt show sea
expect_completion "--dry-run" expt create --dry
expect_completion "bash zsh" expt completion ""

command -v zsh >/dev/null || { STEP="zsh"; fail "zsh is not installed (scripts/setup test installs it)"; }
zsh_complete() {  # words... -> what the completion offered, one per line
  zsh -f -c '
    # zsh filters by the word at the cursor itself; the recorders do the same.
    _describe() { local -a offered; offered=("${(@P)${@[-1]}}"); offered=("${offered[@]%%:*}"); print -l -- ${(M)offered:#${words[CURRENT]}*}; }
    compadd() { [[ $1 == -- ]] && shift; print -l -- ${(M)@:#${words[CURRENT]}*}; }
    _files() { print -- "<files $*>"; }
    compdef() { :; }
    source "$1"; shift
    words=("$@"); CURRENT=$#words
    _expt' _ "$WORK/_expt" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect_zsh() {
  local expected=$1; shift
  STEP="zsh completion of: $*"
  local got; got=$(zsh_complete "$@")
  [ "$got" = "$expected" ] || fail "expected '$expected', got '$got'"
}
expect_zsh "allocate analyze archive assign audit" expt a
expect_zsh "assignments bundle registry sql" expt export ""
expect_zsh "csv human json markdown" expt analyze x --format ""
expect_zsh "<files >" expt create ""
expect_zsh "checkout-holdout-q4 checkout-layout-mvt" expt start checkout-  # the archived one is not offered
# Options come with their descriptions.
STEP="zsh option descriptions"
zsh -f -c '_describe() { local -a offered; offered=("${(@P)${@[-1]}}"); print -l -- "${offered[@]}"; }; source "$1"; words=(expt lint --); CURRENT=3; _expt' \
  _ "$WORK/_expt" | grep -qF -- "--strict:Fail (exit 1) on warnings too" || fail "no description for lint --strict"
pass
