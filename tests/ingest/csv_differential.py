#!/usr/bin/env python3
"""Differential test of expt's CSV reader against Python's csv module.

Generates a corpus of tricky CSV files (quotes at every position of a field, doubled quotes,
CRLF and LF, newlines and commas inside quotes, empty fields, trailing delimiters, a UTF-8 byte
order mark, unterminated quotes, text after a closing quote), reads each with expt's reader
(the csv_dump program) and with csv.reader(strict=True), and requires the same records and the
same verdict (clean end or error). Deliberate differences (docs/analysis.md) are not generated:
a carriage return that is not part of CRLF, and blank lines, which expt skips and Python
returns as empty records (filtered out here).

Usage: csv_differential.py CSV_DUMP [--files N] [--seed S]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

ATOMS = ['a', 'b', 'xyz', ' ', '"', '""', ',', '\n', '\r\n', 'TV 55" OLED', 'é', '€', "'", '\t', '1.5']


def random_field(rng: random.Random) -> str:
    """Raw field text, as written in the file (maybe quoted, maybe malformed)."""
    kind = rng.random()
    body = ''.join(rng.choice(ATOMS) for _ in range(rng.randint(0, 4)))
    if kind < 0.35:  # unquoted: no newline, comma or CR, but quotes anywhere but first
        text = body.replace('\n', '').replace('\r', '').replace(',', '')
        if text.startswith('"'):
            text = 'x' + text
        return text
    return '"' + body.replace('"', '""') + '"'  # well-quoted


def malformed_field(rng: random.Random) -> str:
    body = ''.join(rng.choice(ATOMS) for _ in range(rng.randint(0, 4))).replace('"', '""')
    if rng.random() < 0.5:  # text after the closing quote (an error in strict mode)
        return '"' + body + '"' + rng.choice(['x', ' ', '"x'])
    return '"' + body  # a quote that is never closed, unless a later quote closes it


def random_file(rng: random.Random) -> bytes:
    eol = rng.choice(['\n', '\r\n'])
    rows = []
    for _ in range(rng.randint(0, 8)):
        fields = [random_field(rng) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.1:
            fields.append('')  # a trailing delimiter
        rows.append(fields)
    if rows and rng.random() < 0.3:  # one malformed field in 30% of the files
        row = rng.choice(rows)
        row[rng.randrange(len(row))] = malformed_field(rng)
    lines = [','.join(fields) for fields in rows]
    text = eol.join(lines)
    if lines and rng.random() < 0.7:
        text += eol
    data = text.encode('utf-8')
    if rng.random() < 0.2:
        data = b'\xef\xbb\xbf' + data
    return data


def python_read(path: str):
    records = []
    try:
        with open(path, newline='', encoding='utf-8-sig') as f:
            for row in csv.reader(f, strict=True):
                if row:
                    records.append(row)
        return records, 'END'
    except csv.Error:
        return records, 'ERROR'


def expt_read(dump: str, paths):
    out = subprocess.run([dump, *paths], capture_output=True, check=True).stdout.decode('utf-8', 'replace')
    results, current, records = {}, None, []
    for line in out.split('\n'):
        if line.startswith('FILE '):
            current, records = line[5:], []
        elif line == 'END' or line.startswith('ERROR '):
            results[current] = (records, 'END' if line == 'END' else 'ERROR')
        elif line:
            records.append(json.loads(line))
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('dump')
    parser.add_argument('--files', type=int, default=20000)
    parser.add_argument('--seed', type=int, default=20261130)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    verdicts = {'END': 0, 'ERROR': 0}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.files):
            path = os.path.join(tmp, f'{i}.csv')
            with open(path, 'wb') as f:
                f.write(random_file(rng))
            paths.append(path)
        got = {}
        for start in range(0, len(paths), 500):
            got.update(expt_read(args.dump, paths[start:start + 500]))
        for path in paths:
            want = python_read(path)
            verdicts[want[1]] += 1
            # On an error both sides must stop at the same record; expt may reject the record
            # Python rejects only after returning its valid predecessors, as Python does.
            if got.get(path) != want:
                failures += 1
                if failures <= 5:
                    with open(path, 'rb') as f:
                        print(f'DIFFERENT on {f.read()!r}\n  python: {want}\n  expt:   {got.get(path)}')
    print(f'{args.files} files, {verdicts["END"]} read cleanly and {verdicts["ERROR"]} rejected by Python; '
          f'{failures} where expt differs')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
