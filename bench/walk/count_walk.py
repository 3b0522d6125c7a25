#!/usr/bin/python3
"""Counts the stops and climbs of a walk that walk_tracer.c recorded (see trace_walk.sh).
Usage: count_walk.py BINARY SOURCE_DIR WALK_FILE [--list]

The walk starts where the command does (run_analyze) and is read folder by folder: each project
function first entered is placed in its folder (core/warehouse, commands/render, ...),
consecutive functions of one folder are one stop, and a stop is a climb when the function that
called into it sits on a higher floor than the stop before it (the walk went down and came back
up for its next step). Climbs into commands/ are counted apart: once a command has handed its
work to a use case, the walk should not come back to commands/ until the use case is done."""
import subprocess
import sys

binary, source, walk = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3]
listing = "--list" in sys.argv
pairs = [line.split() for line in open(walk)]
addresses = [a for pair in pairs for a in pair]
lines = subprocess.run(["addr2line", "-f", "-C", "-e", binary] + ["0x" + a for a in addresses],
                       capture_output=True, text=True, check=True).stdout.splitlines()
located = [(lines[2 * i], lines[2 * i + 1].split(":")[0]) for i in range(len(addresses))]
FLOORS = ["core domain", "core/usecase", "commands", "cli"]


def relative(path):
    return path[len(source):] if path.startswith(source) else None


def floor(rel):
    if rel is None:
        return None
    if rel.startswith("cli/"):
        return 3
    if rel.startswith("commands/"):
        return 2
    if rel.startswith("core/usecase/"):
        return 1
    if rel.startswith("core/"):
        return 0
    return None


started = False
stops = []  # (file, floor, climbed)
for i in range(len(pairs)):
    (name, fn_path), (_, site_path) = located[2 * i], located[2 * i + 1]
    if not started:
        started = "run_analyze" in name
        if not started:
            continue
    rel = relative(fn_path)
    f = floor(rel)
    if f is None:
        continue
    parts = rel.split("/")
    rel = "/".join(parts[:2]) if len(parts) > 2 else rel  # the folder; a file directly in commands/ or cli/
    if stops and stops[-1][0] == rel:
        continue
    caller = floor(relative(site_path))
    climbed = bool(stops) and caller is not None and caller > stops[-1][1]
    stops.append((rel, f, climbed))
per_floor = [sum(1 for s in stops if s[1] == f) for f in range(4)]
if listing:
    for rel, f, climbed in stops:
        print(("^ " if climbed else "  ") + rel)
into_commands = sum(1 for s in stops if s[2] and s[1] >= 2)
print(f"stops {len(stops)}, climbs {sum(1 for s in stops if s[2])} ({into_commands} into commands/); by floor: "
      + ", ".join(f"{FLOORS[f]} {per_floor[f]}" for f in range(4)))
