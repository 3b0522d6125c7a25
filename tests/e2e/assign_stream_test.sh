# `expt assign --input` streams IDs from files or stdin into CSV or JSON lines.
. "$(dirname "$0")/lib.sh"

load_fixtures
expt allocate --all
for e in checkout-cta-color checkout-layout-mvt search-ranker-v2 pricing-discount-banner; do expt start "$e"; done

printf 'user-1\r\nuser-2\n\nuser-3\n"quoted"\nuser,with,commas\n' >"$WORK/ids.txt"
expt assign --input "$WORK/ids.txt"
expect_rc 0
expect_stdout_lines 21  # header + 5 IDs x 4 layers (the blank line is skipped)
expect_stdout_has '"""quoted""",checkout,'
expect_stdout_has '"user,with,commas",pricing,'
cp "$OUT" "$WORK/streamed.csv"

# The streamed rows are exactly what the per-entity command prints.
expt assign user-1 user-2 user-3 '"quoted"' 'user,with,commas' --format csv
expect_rc 0
diff -u "$WORK/streamed.csv" "$OUT" >&2 || fail "streamed and per-entity CSV differ"

# stdin, and a layer filter.
run bash -c "printf 'user-1\nuser-2\n' | '$EXPT' assign --input - --namespace checkout --namespace pricing"
expect_rc 0
expect_stdout_lines 5

# A CSV column, with RFC 4180 quoting.
printf 'ts,user_id,country\n1,user-1,DE\n2,"user,with,commas",FR\n3,"""quoted""",US\n' >"$WORK/users.csv"
expt assign --input "$WORK/users.csv" --column user_id --namespace pricing
expect_rc 0
expect_stdout_lines 4
expect_stdout_has '"user,with,commas",pricing,'

expt assign --input "$WORK/users.csv" --column user --namespace pricing
expect_rc 2
expect_stderr_equals "$WORK/users.csv:1:1: error: no column 'user' in the header (columns: ts, user_id, country)"

printf 'ts,user_id\n1,user-1\n2\n' >"$WORK/short.csv"
expt assign --input "$WORK/short.csv" --column user_id
expect_rc 2
expect_stderr_equals "$WORK/short.csv:3:1: error: row has 1 field, so no 'user_id' (column 2)"

# JSON lines carry the same fields.
expt assign --input "$WORK/ids.txt" --format jsonl --namespace checkout
expect_rc 0
expect_stdout_lines 5
expect_stdout_has '{"entity_id":"\"quoted\"","namespace":"checkout",'
/usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$OUT" || fail "jsonl is not valid JSON"

# Usage errors.
expt assign user-1 --input "$WORK/ids.txt"
expect_rc 2
expect_stderr_equals "error: give entity IDs as arguments or --input, not both"
expt assign --namespace checkout
expect_rc 2
expect_stderr_equals "error: no entity to assign: give entity IDs as arguments (expt assign user-7) or --input FILE (or - for stdin)"
# Streamed output is csv or jsonl: asking for another format is an error, not silently csv.
expt assign --input "$WORK/ids.txt" --format human
expect_rc 2
expect_stderr_equals "error: --format human cannot be used with --input: streamed assignments are csv (the default) or jsonl"
expect_stdout_empty
expt assign --input "$WORK/missing.txt"
expect_rc 2
expect_stderr_equals "$WORK/missing.txt: error: cannot read '$WORK/missing.txt'"

# Against the independent reference (python3-xxhash, none of expt's code): 4,000 IDs of every
# length from 1 to 80 bytes, non-ASCII and CSV-special ones among them, so the hash sees every
# split of salt and ID and the writer every kind of row.
/usr/bin/python3 - "$WORK/many.txt" <<'PY'
import random, sys
random.seed(5)
alphabet = "abcxyz0189-_.:,\" é€"
ids = {f"user-{i}" for i in range(2000)}
while len(ids) < 4000:
    ids.add("".join(random.choice(alphabet) for _ in range(random.randint(1, 80))).strip() or "x")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(sorted(ids)) + "\n")
PY
expt assign --input "$WORK/many.txt"
expect_rc 0
mapfile -t many <"$WORK/many.txt"
/usr/bin/python3 "$(dirname "$0")/expected_assignments.py" --stopped onboarding-product-tour \
  --stopped pricing-payment-api-v2 --stopped search-snippets --stopped search-holdout \
  --stopped checkout-holdout-q4 "${many[@]}" >"$WORK/many-expected.csv"
diff -q "$WORK/many-expected.csv" "$OUT" >/dev/null || fail "streamed CSV differs from expected_assignments.py"

# Worker threads change nothing: chunks of whole lines, written in input order. The input has
# CRLF and blank lines, an ID longer than a read chunk (256 KiB), and no final newline.
{
  cat "$WORK/many.txt"
  printf 'crlf-1\r\n\n\r\n'
  head -c 300000 /dev/zero | tr '\0' 'L'
  printf '\n'
  seq -f 'bulk-%.0f' 1 60000
  printf 'last-without-newline'
} >"$WORK/threads.txt"
expt assign --input "$WORK/threads.txt" --threads 1 --format jsonl
expect_rc 0
cp "$OUT" "$WORK/threads-1.jsonl"
expect_stdout_lines $(( (4000 + 1 + 1 + 60000 + 1) * 4 ))
expt assign --input "$WORK/threads.txt" --threads 7 --format jsonl
expect_rc 0
cmp -s "$WORK/threads-1.jsonl" "$OUT" || fail "--threads 7 differs from --threads 1"
expt assign --input "$WORK/threads.txt" --threads 0
expect_rc 2

pass
