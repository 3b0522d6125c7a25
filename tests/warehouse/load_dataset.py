#!/usr/bin/env python3
"""Loads a fixtures/analysis dataset into a ClickHouse database over HTTP, into the tables that
`expt export sql --schema` creates, so a test can compare `analyze --source` with the CSV path.

Usage: load_dataset.py HTTP_URL DATABASE DATASET_DIR SCHEMA_SQL_FILE [TIMESTAMP_TYPE]

Timestamps are read as expt's CSV reader reads them (ISO-8601 with an offset, or epoch seconds
below 12 digits and milliseconds from 12) and stored in both tables' timestamp column as
TIMESTAMP_TYPE: DateTime (UTC, the DDL's; the default), DateTime64(3), Int64s (epoch seconds) or
Int64ms (epoch milliseconds); DateTime and Int64s refuse a timestamp with milliseconds. An empty
value becomes NULL; an exposures file without a variant column loads an empty variant.
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


def epoch_ms(text):
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
    return ms


def stored(text, kind):
    ms = epoch_ms(text)
    if kind in ("DateTime", "Int64s") and ms % 1000:
        sys.exit(f"timestamp {text} has milliseconds: {kind} keeps seconds")
    if kind == "Int64s":
        return str(ms // 1000)
    if kind == "Int64ms":
        return str(ms)
    seconds = dt.datetime.fromtimestamp(ms // 1000, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return seconds if kind == "DateTime" else f"{seconds}.{ms % 1000:03d}"


def schema_for(text, kind):
    """The DDL with the timestamp columns of `kind` (integers are partitioned as one partition)."""
    if kind == "DateTime":
        return text
    column = "DateTime64(3)" if kind == "DateTime64(3)" else "Int64"
    text = text.replace("timestamp DateTime,", f"timestamp {column},").replace("timestamp DateTime\n", f"timestamp {column}\n")
    if column == "Int64":
        text = text.replace("PARTITION BY toDate(timestamp)", "PARTITION BY tuple()")
        text = text.replace("PARTITION BY (experiment, toDate(timestamp))", "PARTITION BY experiment")
    return text


def tsv(value):
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main():
    url, database, directory, schema_file = sys.argv[1:5]
    kind = sys.argv[5] if len(sys.argv) > 5 else "DateTime"
    if kind not in ("DateTime", "DateTime64(3)", "Int64s", "Int64ms"):
        sys.exit(f"unknown timestamp type {kind}")
    post(url, "default", f"CREATE DATABASE IF NOT EXISTS `{database}`")
    for statement in schema_for(open(schema_file).read(), kind).split(";"):
        lines = [l for l in statement.splitlines() if not l.strip().startswith("--")]
        if "".join(lines).strip():
            post(url, database, "\n".join(lines))
    with open(f"{directory}/events.csv", newline="") as f:
        rows = [
            "\t".join([tsv(r["event_id"]), tsv(r["entity_id"]), tsv(r["event_type"]), stored(r["timestamp"], kind),
                       tsv(r["value"]) if r.get("value", "") != "" else "\\N"])
            for r in csv.DictReader(f)
        ]
    post(url, database, "INSERT INTO events FORMAT TabSeparated", ("\n".join(rows) + "\n").encode())
    with open(f"{directory}/exposures.csv", newline="") as f:
        rows = [
            "\t".join([tsv(r["entity_id"]), tsv(r["experiment"]), tsv(r.get("variant", "") or ""), stored(r["timestamp"], kind)])
            for r in csv.DictReader(f)
        ]
    post(url, database, "INSERT INTO exposures FORMAT TabSeparated", ("\n".join(rows) + "\n").encode())


if __name__ == "__main__":
    main()
