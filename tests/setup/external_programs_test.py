#!/usr/bin/python3
"""Every program the tests run is installed by `scripts/setup test`, or is part of what a bare
Debian 12 root already has (Essential or Priority: required packages, which debootstrap's minbase
installs). A machine that lacks one fails here, by name, instead of in the middle of a test.

Usage: external_programs_test.py SOURCE_DIR [--list]   (--list: each program with its package)

The programs are read from the tests' shell scripts (words in command position), their Python
(the first element of a subprocess call's list) and tests/CMakeLists.txt, and kept when this
machine resolves them to an executable outside the project; each is then traced to its Debian
package with dpkg -S."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
BUILTINS = set("""alias bg bind break builtin caller cd command compgen complete continue declare dirs disown echo enable
eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile popd printf pushd pwd
read readarray readonly return set shift shopt source suspend test times trap true type typeset ulimit umask unalias
unset wait if then else elif fi case esac for select while until do done in function time coproc""".split())
# Commands that run the command after them (`run` is tests/e2e/lib.sh's).
WRAPPERS = {"run", "env", "exec", "timeout", "nice", "command", "xargs", "sudo", "then", "do", "else", "if", "while",
            "until", "!", "time"}


def commands_of(segment):
    """The programs a simple command runs: its first word, and through wrappers the next ones."""
    words = segment.split()
    found = []
    i = 0
    while i < len(words):
        w = words[i]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", w) or w.startswith("-") or re.fullmatch(r"\d+[smh]?", w):
            i += 1  # an assignment, a wrapper's option or duration
            continue
        if w in WRAPPERS:
            if w == "time":
                found.append("time")
            i += 1
            continue
        if re.fullmatch(r"[a-z][a-z0-9_.+-]*|/usr/s?bin/[a-z][a-z0-9_.+-]*", w):
            found.append(w)
        break
    return found


def shell_words(text):
    words = set()
    in_heredoc = None
    for line in text.splitlines():
        if in_heredoc:
            if line.strip() == in_heredoc:
                in_heredoc = None
            continue
        m = re.search(r"<<-?\s*'?\"?([A-Z_]+)'?\"?", line)
        code = re.sub(r"(^|\s)#.*$", "", line)
        code = re.sub(r"'[^']*'|\"[^\"]*\"", "Q", code)  # quoted text is data, or a program named by a variable
        code = re.sub(r"<<-?\s*\S+|[<>]\S*", " ", code)  # redirections
        for segment in re.split(r"\|\||&&|[|;&(){}`]|\$\(", code):
            words.update(commands_of(segment))
        if m:
            in_heredoc = m.group(1)
    return words


def python_words(text):
    return set(re.findall(r"subprocess\.\w+\(\s*\[\s*\"([a-z][a-z0-9_.+-]*)\"", text))


# Programs a tool the tests run calls in turn, which no test names: cpack -G DEB runs `file` and
# dpkg-shlibdeps to compute the package's dependencies (package.debian found `file` missing in a
# bare root).
INDIRECT = {"file": "cpack -G DEB (tests/package/debian_package_test.sh)",
            "dpkg-shlibdeps": "cpack -G DEB (tests/package/debian_package_test.sh)"}


def programs():
    found = {word: root / "tests" / "package" / "debian_package_test.sh" for word in INDIRECT}
    for path in sorted(root.glob("tests/**/*.sh")):
        if "violations" in path.parts:
            continue
        for w in shell_words(path.read_text(errors="replace")):
            found.setdefault(w, path)
    for path in sorted(root.glob("tests/**/*.py")):
        for w in python_words(path.read_text(errors="replace")):
            found.setdefault(w, path)
    cmake = root / "tests" / "CMakeLists.txt"
    for w in re.findall(r"COMMAND\s+([a-z][a-z0-9_.+-]*)", cmake.read_text()):
        found.setdefault(w, cmake)
    return found


def package_of(executable):
    real = os.path.realpath(executable)
    for candidate in (executable, real, real.replace("/usr/bin/", "/bin/"), real.replace("/usr/sbin/", "/sbin/")):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":")[0].split(",")[0].strip()
    return None


def in_bare_root(package):
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Essential} ${Priority}", package], capture_output=True, text=True)
    return out.returncode == 0 and (out.stdout.startswith("yes") or out.stdout.endswith("required"))


# What scripts/setup test installs: its packages and everything they depend on.
listed = subprocess.run([str(root / "scripts" / "setup"), "packages", "test"], capture_output=True, text=True,
                        check=True).stdout.split()
depends = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                          "--no-breaks", "--no-replaces", "--no-enhances", *listed], capture_output=True, text=True)
setup = set(listed) | {line.strip() for line in depends.stdout.splitlines() if line and not line.startswith(" ")}
problems = []
checked = 0
for word, where in sorted(programs().items()):
    if word in BUILTINS:
        continue
    executable = word if word.startswith("/") else shutil.which(word)
    if executable is None or not executable.startswith(("/usr/", "/bin/", "/sbin/")) or executable.startswith("/usr/local/"):
        continue  # a shell function, a project binary, or nothing this machine has
    package = package_of(executable)
    if package is None:
        problems.append(f"{where.relative_to(root)}: runs {word} ({executable}), which no Debian package owns")
        continue
    checked += 1
    if "--list" in sys.argv:
        print(f"{word}: {package} ({where.relative_to(root)})")
    if package not in setup and not in_bare_root(package):
        problems.append(f"{where.relative_to(root)}: runs {word}, from Debian package {package}, "
                        f"which scripts/setup test does not install")
for p in problems:
    print(p)
print(f"{checked} programs the tests run, {len(problems)} not installed by scripts/setup test")
sys.exit(1 if problems else 0)
