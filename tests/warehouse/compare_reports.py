#!/usr/bin/env python3
"""Compares two `expt analyze --format json` reports of the same data from different sources:
every count (JSON integer) exactly, every other number within 1e-9 relative (or 1e-12 absolute
near zero), every string and flag exactly. data.source differs by design and is skipped.

Usage: compare_reports.py EXPECTED.json ACTUAL.json [--largest]   (exit 1 listing every difference;
--largest also prints the largest relative difference of any statistic)
"""
import json
import sys


largest = [0.0, ""]  # the largest relative difference of a statistic, and where


def compare(expected, actual, path, problems):
    if path == "$.data.source":
        return
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        if expected != actual:
            problems.append(f"{path}: {expected!r} != {actual!r}")
    elif isinstance(expected, int) and isinstance(actual, int):
        if expected != actual:
            problems.append(f"{path}: count {expected} != {actual}")
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        scale = max(abs(expected), abs(actual))
        if scale > 0 and abs(expected - actual) / scale > largest[0]:
            largest[:] = [abs(expected - actual) / scale, path]
        if abs(expected - actual) > max(1e-9 * scale, 1e-12):
            problems.append(f"{path}: {expected!r} != {actual!r} (relative {abs(expected - actual) / scale:.3g})")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                problems.append(f"{path}.{key}: only in {'expected' if key in expected else 'actual'}")
            else:
                compare(expected[key], actual[key], f"{path}.{key}", problems)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            problems.append(f"{path}: {len(expected)} items != {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{path}[{i}]", problems)
    elif expected != actual:
        problems.append(f"{path}: {expected!r} != {actual!r}")


def main():
    expected, actual = (json.load(open(p)) for p in sys.argv[1:3])
    problems = []
    compare(expected, actual, "$", problems)
    for p in problems:
        print(p)
    if "--largest" in sys.argv:
        print(f"largest relative difference {largest[0]:.3g} at {largest[1]}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
