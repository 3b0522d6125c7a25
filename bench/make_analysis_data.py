#!/usr/bin/python3
"""Writes a large analysis input for the ingest benchmark (not committed; see docs/performance.md):
OUT/spec.yaml, OUT/exposures.csv (ENTITIES rows) and OUT/events.csv (EVENTS rows, about 50 bytes
each), shaped like the fixtures: 2 variants, purchases with values, page loads, 2% retries.

Usage: make_analysis_data.py OUT [ENTITIES] [EVENTS]     (defaults 1,000,000 and 10,000,000)
"""
import pathlib
import sys

import numpy as np

out = pathlib.Path(sys.argv[1])
entities = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
events = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)
start = 1_793_491_200  # 2026-11-01T00:00:00Z

(out / "spec.yaml").write_text("""kind: namespace
key: bench
---
kind: metric
key: purchase_conversion
type: conversion
event_type: purchase
---
kind: metric
key: revenue
type: mean
event_type: purchase
aggregation: sum
---
kind: metric
key: page_load_p95
type: percentile
event_type: page_load
aggregation: p95
direction: decrease
---
kind: experiment
key: bench-test
namespace: bench
type: ab
owner_team: perf
traffic: {slots: 1000}
variants: [{key: control, allocation: 0.5}, {key: treatment, allocation: 0.5}]
metrics:
  - {metric: purchase_conversion, role: primary}
  - {metric: revenue, role: primary}
  - {metric: page_load_p95, role: guardrail, threshold: 0.05}
""")

ids = np.array([f"user-{i:07d}" for i in range(entities)])
exposed = start + rng.integers(0, 7 * 86400, entities)
variant = np.where(rng.random(entities) < 0.5, "control", "treatment")
with open(out / "exposures.csv", "w") as f:
    f.write("entity_id,experiment,variant,timestamp\n")
    for chunk in range(0, entities, 200_000):
        s = slice(chunk, chunk + 200_000)
        f.writelines(f"{e},bench-test,{v},{t}\n" for e, v, t in zip(ids[s], variant[s], exposed[s]))

with open(out / "events.csv", "w") as f:
    f.write("event_id,entity_id,event_type,timestamp,value\n")
    written = 0
    chunk = 1_000_000
    while written < events:
        n = min(chunk, events - written)
        who = rng.integers(0, entities, n)
        kind = np.where(rng.random(n) < 0.15, "purchase", "page_load")
        when = exposed[who] + rng.integers(-3600, 14 * 86400, n)
        value = np.where(kind == "purchase", np.round(rng.lognormal(3.5, 0.8, n), 2), np.round(rng.lognormal(6.5, 0.4, n), 1))
        rows = [f"ev{written + i:09d},{ids[w]},{k},{t},{v}\n" for i, (w, k, t, v) in enumerate(zip(who, kind, when, value))]
        retries = rng.random(n) < 0.02
        rows += [rows[i] for i in np.nonzero(retries)[0]]
        f.writelines(rows)
        written += n
print(f"wrote {out}: {entities} entities, {events} events (+2% retries)")
