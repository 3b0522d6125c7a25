#!/usr/bin/env python3
"""Checks that includes run one way between the floors of docs/architecture.md.

Usage: check_layers.py ROOT  (the project root, or a tree shaped like it)
Prints one `file:line: ...` per violation and exits 1 when there is any, 0 otherwise.
"""
import pathlib
import re
import sys

# What each core/ folder may include from the project, besides itself. Keep in step with
# docs/architecture.md and the target links in core/CMakeLists.txt.
CORE_MAY_USE = {
    "base": set(),
    "process": {"base"},
    "assign": {"base"},
    "stats": {"base"},
    "spec": {"base", "assign", "stats"},
    "registry": {"base", "assign", "stats", "spec", "process"},
    "plan": {"base", "assign", "stats", "spec", "registry", "process"},
    "check": {"base", "assign", "stats", "spec", "registry", "process"},
    "ingest": {"base", "stats", "spec", "process"},
    "analysis": {"base", "assign", "stats", "spec", "ingest", "process"},
    "serve": {"base", "assign"},
    "client": {"base", "assign"},
    "warehouse": {"base", "stats", "spec", "ingest", "process"},
    "usecase": {"base", "assign", "stats", "spec", "registry", "plan", "check", "ingest", "analysis", "warehouse", "process"},
}
# Third-party headers the SDK (base and assign) may include: it links only these.
SDK_FOLDERS = {"base", "assign"}
SDK_THIRD_PARTY = re.compile(r"<(nlohmann/|xxhash\.h)")
PROJECT_INCLUDE = re.compile(r'^\s*#\s*include\s+"((core|commands|cli|tests)/[^"]+)"')
ANGLE_INCLUDE = re.compile(r"^\s*#\s*include\s+(<[^>]+>)")
STANDARD = re.compile(r"<[a-z_]+>|<sys/|<fcntl\.h>|<unistd\.h>|<dirent\.h>|<poll\.h>|<signal\.h>")


def violations(root: pathlib.Path):
    for path in sorted(root.glob("core/**/*")):
        if path.suffix not in (".h", ".cc"):
            continue
        rel = path.relative_to(root)
        if len(rel.parts) != 3:
            yield f"{rel}:1: core/ files live in a folder of core/ (one of {', '.join(CORE_MAY_USE)})"
            continue
        folder = rel.parts[1]
        if folder not in CORE_MAY_USE:
            yield f"{rel}:1: core/{folder}/ is not a known floor; add it to docs/architecture.md and this check"
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if m := PROJECT_INCLUDE.match(line):
                parts = m.group(1).split("/")
                if parts[0] != "core":
                    yield f"{rel}:{number}: core/ must not include {parts[0]}/ ({m.group(1)})"
                elif len(parts) > 2 and parts[1] != folder and parts[1] not in CORE_MAY_USE[folder]:
                    allowed = ", ".join(sorted(CORE_MAY_USE[folder])) or "nothing of the project"
                    yield f"{rel}:{number}: core/{folder} may use {allowed}, not core/{parts[1]} ({m.group(1)})"
            elif folder in SDK_FOLDERS and (m := ANGLE_INCLUDE.match(line)):
                header = m.group(1)
                if not STANDARD.match(header) and not SDK_THIRD_PARTY.match(header):
                    yield (f"{rel}:{number}: the SDK (core/{folder}) links only the standard library, "
                           f"nlohmann_json and libxxhash, not {header}")
    # commands/: one file per subcommand directly in it; what they share sits in its subfolders
    # (common/, render/). No file of commands/ includes cli/, and no command includes another
    # command's header: a command is parse -> use case -> render, never a library for another.
    commands = root / "commands"
    subcommands = {p.stem for p in commands.glob("*.h")}
    for path in sorted(commands.rglob("*")):
        if not path.is_file() or path.suffix not in (".h", ".cc"):
            continue
        rel = path.relative_to(root)
        own = path.stem if path.parent == commands else None
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = PROJECT_INCLUDE.match(line)
            if not m:
                continue
            included = m.group(1)
            if included.startswith("cli/"):
                yield f"{rel}:{number}: commands/ must not include {included}"
            parts = included.split("/")
            if len(parts) == 2 and parts[0] == "commands" and parts[1].endswith(".h"):
                name = parts[1][:-2]
                if name in subcommands and name != own:
                    yield f"{rel}:{number}: a command's header is for the CLI only; {rel} must not include {included}"
    # docs/architecture.md has a row for every folder of core/.
    doc = root / "docs" / "architecture.md"
    if doc.exists():
        text = doc.read_text()
        for folder in sorted(p.name for p in (root / "core").iterdir() if p.is_dir()):
            if f"`core/{folder}/`" not in text:
                yield f"docs/architecture.md:1: core/{folder}/ has no row in the table of floors"


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    found = list(violations(root))
    for v in found:
        print(v)
    print(f"{len(found)} include(s) against the direction" if found else "includes run one way")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
