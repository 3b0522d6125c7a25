# docs/warehouse.md's minimal aggregates file runs as written: its spec, its CSV and its commands
# (extracted from the ```yaml, ```csv and ```sh blocks after "A minimal file") give the result
# the doc states, with exit 0; and an impossible file beside it is refused with the rule it breaks.
. "$(dirname "$0")/lib.sh"

doc="$DOCS/warehouse.md"
block() {  # the first ```$1 block after the line "A minimal file"
  awk -v lang="$1" '/^A minimal file/ { s = 1 } s && $0 == "```" lang { b = 1; next } b && /^```$/ { exit } b { print }' "$doc"
}
cd "$WORK"
block yaml >checkout-button.yaml
block csv >aggregates.csv
block sh >commands.sh
[ -s checkout-button.yaml ] && [ -s aggregates.csv ] && [ -s commands.sh ] || { STEP="extract"; fail "docs/warehouse.md lacks the minimal example's blocks"; }
expt init; expect_rc 0
mkdir -p bin && ln -s "$EXPT" bin/expt
run env PATH="$WORK/bin:$PATH" bash -e commands.sh
expect_rc 0
expect_stdout_has "purchase_conversion (conversion, primary, increase is good)"
expect_stdout_has "+49.2%"
expect_stdout_has "0.0002  >99.9%   better"

# One number no data gives: the conversion count above n.
sed 's/,3015,208,208/,3015,3016,3016/' aggregates.csv >impossible.csv
expt analyze checkout-button --aggregates impossible.csv
expect_rc 2
expect_stderr_has "impossible.csv:3:1: error: metric 'purchase_conversion', variant 'treatment': sum 3016 is outside [0, n = 3015]: a conversion counts each entity at most once"
pass
