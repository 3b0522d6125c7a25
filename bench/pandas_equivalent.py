#!/usr/bin/python3
"""The aggregation `expt analyze` performs, written the way an analyst would in pandas: read both
CSVs, keep the experiment's first exposures, deduplicate events, keep post-exposure events of
exposed entities, aggregate per entity, then per variant (n, mean, variance; the p95 of page
loads). Used for the comparison in docs/performance.md.

Usage: pandas_equivalent.py DIR
"""
import sys
import time

import pandas as pd

d = sys.argv[1]
t0 = time.perf_counter()
ex = pd.read_csv(f"{d}/exposures.csv", dtype={"entity_id": str, "experiment": str, "variant": str, "timestamp": "int64"})
ex = ex[ex.experiment == "bench-test"].groupby("entity_id").agg(variant=("variant", "first"), exposed=("timestamp", "min"))
ev = pd.read_csv(f"{d}/events.csv", dtype={"event_id": str, "entity_id": str, "event_type": str, "timestamp": "int64",
                                             "value": "float64"})
ev = ev.drop_duplicates("event_id")
ev = ev.join(ex, on="entity_id", how="inner")
ev = ev[ev.timestamp >= ev.exposed]
purchases = ev[ev.event_type == "purchase"].groupby("entity_id").value.agg(["count", "sum"])
per_entity = ex.join(purchases).fillna({"count": 0, "sum": 0})
per_entity["converted"] = (per_entity["count"] > 0).astype(float)
summary = per_entity.groupby("variant").agg(n=("sum", "size"), revenue=("sum", "mean"), revenue_var=("sum", "var"),
                                            conversion=("converted", "mean"))
loads = ev[ev.event_type == "page_load"].groupby("variant").value.quantile(0.95)
elapsed = time.perf_counter() - t0
print(summary)
print(loads)
print(f"pandas: {elapsed:.1f} s")
