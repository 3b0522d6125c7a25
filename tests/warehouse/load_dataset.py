#!/usr/bin/env python3
"""Loads a fixtures/analysis dataset into a ClickHouse database over HTTP, into the tables that
`expt export sql --schema` creates, so a test can compare `analyze --source` with the CSV path.

Usage: load_dataset.py HTTP_URL DATABASE DATASET_DIR SCHEMA_SQL_FILE

Timestamps are converted as expt's CSV reader reads them (ISO-8601 with an offset, or epoch
seconds below 12 digits and milliseconds from 12), to UTC DateTime; an empty value becomes NULL;
an exposures file without a variant column loads an empty variant.
"""
import csv
import datetime as dt
import sys
import urllib.parse
import urllib.request


def post(url, database, sql, data=None):
    query = urllib.parse.urlencode({"database": database, "query": sql} if data is not None else {"database": database})
    body = data if data is not None else sql.encode()
    req = urllib.request.Request(f"{url}/?{query}", data=body, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        sys.exit(f"ClickHouse refused: {e.read().decode()[:500]}\nSQL: {sql[:300]}")


def utc_seconds(text):
    text = text.strip()
    digits = text.lstrip("-")
    if digits.isdigit():
        value = int(text)
        ms = value * 1000 if len(digits) < 12 else value
    else:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.timezone.utc)
        ms = round(t.timestamp() * 1000)
    if ms % 1000:
        sys.exit(f"timestamp {text} has milliseconds: DateTime on ClickHouse 18.16 keeps seconds")
    return dt.datetime.fromtimestamp(ms // 1000, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def tsv(value):
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main():
    url, database, directory, schema_file = sys.argv[1:5]
    post(url, "default", f"CREATE DATABASE IF NOT EXISTS `{database}`")
    for statement in open(schema_file).read().split(";"):
        lines = [l for l in statement.splitlines() if not l.strip().startswith("--")]
        if "".join(lines).strip():
            post(url, database, "\n".join(lines))
    with open(f"{directory}/events.csv", newline="") as f:
        rows = [
            "\t".join([tsv(r["event_id"]), tsv(r["entity_id"]), tsv(r["event_type"]), utc_seconds(r["timestamp"]),
                       tsv(r["value"]) if r.get("value", "") != "" else "\\N"])
            for r in csv.DictReader(f)
        ]
    post(url, database, "INSERT INTO events FORMAT TabSeparated", ("\n".join(rows) + "\n").encode())
    with open(f"{directory}/exposures.csv", newline="") as f:
        rows = [
            "\t".join([tsv(r["entity_id"]), tsv(r["experiment"]), tsv(r.get("variant", "") or ""), utc_seconds(r["timestamp"])])
            for r in csv.DictReader(f)
        ]
    post(url, database, "INSERT INTO exposures FORMAT TabSeparated", ("\n".join(rows) + "\n").encode())


if __name__ == "__main__":
    main()
