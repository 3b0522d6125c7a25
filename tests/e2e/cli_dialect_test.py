#!/usr/bin/python3
"""One dialect across commands: every command runs with every --format its help offers (and
`table` for human), and with `--output -` where it takes --output; each output parses as the
format says; assignments match docs/assignment.schema.json wherever they are printed; and a
command that exits 2 under --format json prints a JSON error object on stdout.

Run by CTest as e2e.cli_dialect with EXPT and FIXTURES set."""
import csv
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema

EXPT = os.environ["EXPT"]
FIXTURES = pathlib.Path(os.environ["FIXTURES"])
DOCS = FIXTURES.parent / "docs"
work = pathlib.Path(tempfile.mkdtemp())
env = dict(os.environ, EXPT_REGISTRY=str(work / "expt.db"), EXPT_NOW="2026-11-23T12:00:00Z", EXPT_ACTOR="ci")
failures = []


def expt(*args, stdin=None):
    return subprocess.run([EXPT, *args], capture_output=True, text=True, env=env, input=stdin, cwd=work)


def check(condition, what):
    if not condition:
        failures.append(what)
    return condition


# A registry with every kind of thing in it.
effect = FIXTURES / "analysis" / "effect"
for args in (["init"], ["create", str(FIXTURES / "specs")], ["create", str(effect / "spec.yaml")], ["allocate", "--all"],
             ["start", "checkout-cta-color"], ["start", "search-ranker-v2"], ["start", "effect-test"], ["export", "bundle", "--output", "bundles"],
             ["analyze", "effect-test", "--events", str(effect / "events.csv"), "--exposures", str(effect / "exposures.csv"),
              "--record"]):
    r = expt(*args)
    assert r.returncode in (0, 1), (args, r.stderr)
(work / "ids.txt").write_text("user-7\nuser-44\n")
data = ["--events", str(effect / "events.csv"), "--exposures", str(effect / "exposures.csv")]

# Each command's arguments; every command whose help offers --format must be here.
COMMANDS = {
    "init": [],
    "create": [str(FIXTURES / "specs")],
    "allocate": ["--all"],
    "start": ["checkout-cta-color"],
    "stop": ["search-ranker-v2"],
    "archive": ["onboarding-product-tour"],
    "lint": [str(FIXTURES / "specs")],
    "list": [],
    "show": ["checkout"],
    "assign": ["user-7"],
    "analyze": ["effect-test", *data],
    "check": ["effect-test"],
    "review status": ["effect-test"],
    "review list": [],
    "review policy": [],
    "monitor": ["--data", str(work / "nothing-here")],
    "results": ["effect-test"],
    "power": ["--baseline", "0.05", "--mde", "0.1"],
    "audit": ["checkout-cta-color"],
    "export bundle": ["--output", "bundles"],
    "export assignments": ["--input", "ids.txt"],
    "export registry": [],
}
(work / "nothing-here").mkdir()
OK_CODES = {"monitor": (0, 1), "lint": (0, 1), "analyze": (0, 1)}


def formats_of(command):
    help_text = expt("help", *command.split()).stdout
    m = re.search(r"--format FORMAT .*?: ([a-z|]+) \(default", help_text)
    return m.group(1).split("|") if m else []


def parses_as(fmt, text, what):
    try:
        if fmt == "json":
            json.loads(text)
        elif fmt == "jsonl":
            for line in text.splitlines():
                json.loads(line)
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(text)))
            return check(len(rows) >= 1 and all(len(r) == len(rows[0]) for r in rows), f"{what}: ragged CSV")
        elif fmt in ("human", "table", "markdown", "github"):
            return check(text.strip() != "" or what.startswith("lint"), f"{what}: printed nothing")
    except ValueError as e:
        return check(False, f"{what}: not {fmt}: {e}: {text[:200]!r}")
    return True


# Every command that has --format is in the table.
overview = expt("--help").stdout
listed = re.findall(r"^  ([a-z]+) ", overview, re.M)
for name in listed:
    subs = re.findall(r"^  ([a-z]+) ", expt("help", name).stdout.split("Commands:")[1], re.M) \
        if "Commands:" in expt("help", name).stdout else []
    for command in ([f"{name} {s}" for s in subs] or [name]):
        if formats_of(command) and command not in COMMANDS and command not in ("review request", "review approve",
                                                                                 "review reject", "watch", "serve"):
            failures.append(f"{command} has --format but the dialect test does not run it")

schema = json.loads((DOCS / "assignment.schema.json").read_text())
for command, args in COMMANDS.items():
    formats = formats_of(command)
    check(formats, f"{command}: its help offers no --format")
    if "human" in formats:
        formats.append("table")
    for fmt in formats:
        extra = ["--table", "experiments"] if command == "export registry" and fmt == "csv" else []  # one table on stdout
        r = expt(*command.split(), *args, *extra, "--format", fmt)
        what = f"expt {command} --format {fmt}"
        if not check(r.returncode in OK_CODES.get(command, (0,)), f"{what}: exit {r.returncode}: {r.stderr[:300]}"):
            continue
        parses_as(fmt, r.stdout, what)

# Assignments, in every shape, match the schema.
for fmt in ("json", "jsonl"):
    r = expt("assign", "user-7", "user-44", "--format", fmt)
    docs = [json.loads(r.stdout)] if fmt == "json" else [json.loads(line) for line in r.stdout.splitlines()]
    for d in docs:
        try:
            jsonschema.validate(d, schema)
        except jsonschema.ValidationError as e:
            failures.append(f"assign --format {fmt} does not match docs/assignment.schema.json: {e.message}")
r = expt("assign", "--input", "ids.txt", "--format", "csv")
check(r.stdout.splitlines()[0] == "entity_id,namespace,experiment,variant,slot,in_holdout", "assign csv header")
r = expt("assign", "user-7", "--bundle", "bundles/latest.json", "--format", "json")
jsonschema.validate(json.loads(r.stdout), schema)

# --output - is standard output wherever --output names one file.
for command, args in (("analyze", ["effect-test", *data, "--format", "json"]),
                      ("report", ["effect-test", *data]),
                      ("export assignments", ["--input", "ids.txt"]),
                      ("export registry", ["--format", "json"])):
    r = expt(*command.split(), *args, "--output", "-")
    what = f"expt {command} --output -"
    check(r.returncode in (0, 1), f"{what}: exit {r.returncode}: {r.stderr[:300]}")
    check(not (work / "-").exists(), f"{what} made a file named '-'")
    check(len(r.stdout) > 100, f"{what} printed nothing on stdout")
check(expt("report", "effect-test", *data, "--output", "-").stdout.startswith("<!doctype html>"), "report --output - is HTML")

# Exit 2 under --format json: a JSON error object on stdout, the message on stderr.
for args in (["list", "--status", "runing", "--format", "json"], ["analyze", "nope", *data, "--format", "json"],
             ["list", "--format", "json", "--bogus"], ["create", str(FIXTURES / "specs-invalid"), "--format", "json"]):
    r = expt(*args)
    what = "expt " + " ".join(args)
    if check(r.returncode == 2, f"{what}: exit {r.returncode}"):
        try:
            error = json.loads(r.stdout)
            check(error["exit_code"] == 2 and error["error"]["message"] and error["errors"], f"{what}: error object {error}")
        except (ValueError, KeyError) as e:
            failures.append(f"{what}: no JSON error object on stdout ({e}): {r.stdout[:200]!r}")
        check(r.stderr.startswith(("error", str(FIXTURES))), f"{what}: no message on stderr: {r.stderr[:200]!r}")

# Bare expt is the overview; -V is --version.
r = expt()
check(r.returncode == 0 and "Usage: expt" in r.stdout, "bare expt does not print the overview with exit 0")
check(expt("-V").stdout == expt("--version").stdout, "-V is not --version")

for f in failures:
    print("FAIL:", f)
print(f"{len(COMMANDS)} commands in every format; {len(failures)} failures")
sys.exit(1 if failures else 0)
