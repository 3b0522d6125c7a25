"""docs/spec.schema.json against expt itself, both ways.

Every document of the valid fixtures (fixtures/specs, fixtures/analysis/*/spec.yaml) and every
YAML example in docs/specs.md must validate. For the invalid fixtures (fixtures/lint/broken,
fixtures/specs-invalid), `expt lint --format json` says which documents have which problems:
a document with a problem the schema can express (shape, kind, unknown or missing field, type
or range, key pattern, variant count, guardrail threshold) must fail the schema, and a document
without one must pass it. Usage: check_spec_schema.py EXPT SOURCE_DIR
"""
import json
import pathlib
import re
import subprocess
import sys

import jsonschema
import yaml

expt, root = sys.argv[1], pathlib.Path(sys.argv[2])
schema = json.loads((root / "docs/spec.schema.json").read_text())
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)

# Codes whose problems a JSON Schema can express, and messages of those codes it cannot (decimal
# places, whole slots: arithmetic on floats that draft-07's multipleOf gets wrong).
SCHEMA_CODES = {"E002", "E003", "E004", "E005", "E006", "E007", "E022", "E023"}
NOT_EXPRESSIBLE = re.compile(r"decimals|whole slot|start <= end|must be pNN")


def documents(path):
    """(first line, last line, parsed document) for each non-empty document of a file."""
    lines = path.read_text().split("\n")
    starts = [0] + [i + 1 for i, line in enumerate(lines) if re.fullmatch(r"---\s*", line)]
    ends = starts[1:] + [len(lines) + 1]
    for start, end in zip(starts, ends):
        text = "\n".join(lines[start:end - 1] if end <= len(lines) else lines[start:])
        doc = yaml.safe_load(text)
        if doc is not None:
            yield start + 1, end - 1, doc


def errors_of(doc):
    return [e.message for e in validator.iter_errors(doc)]


failures = []
checked = {"valid": 0, "rejected": 0, "accepted": 0}

valid_files = sorted((root / "fixtures/specs").glob("*.yaml")) + sorted((root / "fixtures/analysis").glob("*/spec.yaml"))
for path in valid_files:
    for first, _, doc in documents(path):
        checked["valid"] += 1
        if errs := errors_of(doc):
            failures.append(f"{path.relative_to(root)}:{first}: valid for expt, refused by the schema: {errs[0]}")
for block in re.findall(r"```yaml\n(.*?)```", (root / "docs/specs.md").read_text(), re.S):
    for doc in yaml.safe_load_all(block):
        checked["valid"] += 1
        if errs := errors_of(doc):
            failures.append(f"docs/specs.md example {doc.get('key')}: refused by the schema: {errs[0]}")

invalid_files = sorted((root / "fixtures/lint/broken").glob("*.yaml")) + sorted((root / "fixtures/specs-invalid").glob("*.yaml"))
for path in invalid_files:
    report = subprocess.run([expt, "lint", str(path), "--format", "json"], capture_output=True, text=True)
    findings = json.loads(report.stdout)["findings"]
    # Files PyYAML cannot load safely (syntax errors; alias bombs it would expand) are expt's alone.
    if any(f["code"] == "E001" or "alias" in f["message"] or "nest" in f["message"] for f in findings):
        continue
    try:
        docs = list(documents(path))
    except (yaml.YAMLError, ValueError):  # e.g. a 26,000-digit number, past Python's int limit
        continue
    for first, last, doc in docs:
        here = [f for f in findings if first <= f["line"] <= last]
        expressible = [f for f in here if f["code"] in SCHEMA_CODES and not NOT_EXPRESSIBLE.search(f["message"])]
        rejected = bool(errors_of(doc))
        where = f"{path.relative_to(root)}:{first}"
        if expressible and not rejected:
            failures.append(f"{where}: expt finds {expressible[0]['code']} ({expressible[0]['message']}); the schema accepts it")
        elif not here and rejected:
            failures.append(f"{where}: expt accepts it; the schema refuses it: {errors_of(doc)[0]}")
        elif expressible:
            checked["rejected"] += 1
        elif not here:
            checked["accepted"] += 1

for f in failures:
    print("FAIL:", f)
print(f"{checked['valid']} valid documents validate; {checked['rejected']} invalid documents rejected as expt rejects them; "
      f"{checked['accepted']} documents of the invalid files without problems accepted")
if checked["rejected"] < 10:
    failures.append("too few invalid documents were checked")
sys.exit(1 if failures else 0)
