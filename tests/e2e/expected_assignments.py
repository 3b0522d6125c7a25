#!/usr/bin/python3
"""Independent reference for the end-to-end assignment checks.

Recomputes, with python3-xxhash and none of expt's code, the CSV that
`expt assign ID... --format csv` must print for the fixture registry after
`expt allocate --all` and the starts in lifecycle_test.sh. The slot layout
below is the one that test asserts from `allocate --all`.

Usage: expected_assignments.py [--stopped EXPERIMENT]... ID...
"""
import sys

import xxhash

HOLDOUT = ("global-holdout-2026", 200)
LAYERS = {"checkout": 1000, "onboarding": 100, "pricing": 1000, "search-ranking": 1000}
EXPERIMENTS = {  # namespace -> (first slot, last slot, key, type, [(variant, cumulative end in bps)])
    "checkout": [
        (0, 299, "checkout-layout-mvt", "multivariate", [("single-page", 3400), ("two-step", 6700), ("accordion", 10000)]),
        (300, 499, "checkout-cta-color", "ab", [("control", 5000), ("green", 10000)]),
        (500, 549, "checkout-holdout-q4", "holdout", []),
    ],
    "onboarding": [(0, 79, "onboarding-product-tour", "rollout", [("tour", 5000)])],
    "pricing": [
        (0, 499, "pricing-discount-banner", "ab", [("control", 7000), ("banner", 10000)]),
        (500, 899, "pricing-payment-api-v2", "rollout", [("v2", 2000)]),
    ],
    "search-ranking": [
        (0, 499, "search-ranker-v2", "ab", [("control", 5000), ("ltr-v2", 10000)]),
        (500, 799, "search-snippets", "multivariate",
         [("control", 2500), ("short", 5000), ("long", 7500), ("adaptive", 10000)]),
        (900, 999, "search-holdout", "holdout", []),
    ],
}


def h(salt, entity):
    return xxhash.xxh64_intdigest((salt + ":" + entity).encode("utf-8"), seed=0)


def csv_field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows(entity, stopped):
    held = h(HOLDOUT[0], entity) % 10000 < HOLDOUT[1]
    for layer in sorted(LAYERS):
        slot = h(layer, entity) % LAYERS[layer]
        experiment = variant = ""
        for first, last, key, kind, variants in EXPERIMENTS[layer]:
            if held or key in stopped or not first <= slot <= last:
                continue
            if kind == "holdout":
                experiment, variant = key, "holdout"
                continue
            bucket = h(key, entity) % 10000
            for name, end in variants:
                if bucket < end:
                    experiment, variant = key, name
                    break
        yield f"{csv_field(entity)},{layer},{experiment},{variant},{slot},{'true' if held else 'false'}"


def main(argv):
    stopped, ids = set(), []
    args = iter(argv)
    for arg in args:
        if arg == "--stopped":
            stopped.add(next(args))
        else:
            ids.append(arg)
    print("entity_id,namespace,experiment,variant,slot,in_holdout")
    for entity in ids:
        for row in rows(entity, stopped):
            print(row)


if __name__ == "__main__":
    main(sys.argv[1:])
