#!/usr/bin/env bash
# The Debian packages as a team installs them: `cpack -G DEB` in the build folder makes
# expt_<version>_amd64.deb and expt-dev_<version>_amd64.deb; in a bare Debian 12 root (debootstrap
# minbase, tests/package/debian_root.sh) `apt-get install ./expt_*.deb ./expt-dev_*.deb` brings in
# their dependencies from Debian, and then, inside the root, with nothing else of the project:
# `expt --version`, `man expt`, the README's walkthrough with the installed binary, and the SDK
# consumer (docs/examples/sdk-consumer) built with find_package(expt) against the installed SDK.
# Needs root (chroot), debootstrap and Debian's archive; run by CTest as package.debian.
set -euo pipefail
build=$(cd "${EXPT_BUILD_DIR:?set EXPT_BUILD_DIR}" && pwd)
source_dir=$(cd "${EXPT_SOURCE_DIR:?set EXPT_SOURCE_DIR}" && pwd)
work=$(mktemp -d)
root=$work/root
cleanup() {
  umount "$root/proc" "$root/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "the package test needs root for chroot"

version=$(sed -n 's/^project(expt VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
for p in "expt_${version}_amd64.deb" "expt-dev_${version}_amd64.deb"; do
  [ -f "$work/packages/$p" ] || fail "cpack made no $p (made: $(ls "$work/packages"))"
done

"$source_dir/tests/package/debian_root.sh" "$root"
mkdir -p "$root/srv/packages" "$root/srv/project"
cp "$work"/packages/*.deb "$root/srv/packages/"
# What a user has of the project: its README and fixtures (the walkthrough's inputs) and the SDK
# example; no build folder and no source.
cp -a "$source_dir/README.md" "$source_dir/fixtures" "$root/srv/project/"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
inside() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive bash -euo pipefail -c "$1"
}

echo "== apt-get install ./expt_${version}_amd64.deb ./expt-dev_${version}_amd64.deb"
inside "apt-get update -qq && apt-get install -y -qq --no-install-recommends man-db cmake g++ make \
  /srv/packages/expt_${version}_amd64.deb /srv/packages/expt-dev_${version}_amd64.deb >/srv/apt.log 2>&1" \
  || { tail -30 "$root/srv/apt.log" >&2; fail "apt-get install of the packages failed"; }

echo "== expt --version, man expt"
[ "$(inside 'expt --version')" = "expt $version" ] || fail "expt --version is not 'expt $version'"
inside 'MANWIDTH=100 man expt' >"$work/man.txt" 2>&1 || fail "man expt failed: $(cat "$work/man.txt")"
grep -q "expt analyze" "$work/man.txt" || fail "man expt does not document expt analyze"
grep -q "/usr/share/doc/expt" "$work/man.txt" || fail "man expt does not point to the installed docs"
inside 'test -s /usr/share/doc/expt/cli.md && test -s /usr/share/bash-completion/completions/expt' \
  || fail "the docs or completions are not installed"
inside 'expt --help' | grep -qF 'Documentation: /usr/share/doc/expt/cli.md' || fail "--help does not point to the installed docs"

echo "== the README walkthrough, with the installed expt"
awk '/^## Walkthrough/ { s = 1 } s && /^```sh$/ { b = 1; next } b && /^```$/ { exit } b { print }' \
  "$source_dir/README.md" | grep -v '^export PATH=' >"$root/srv/project/walkthrough.sh"
inside 'cd /srv/project && bash -e -o pipefail walkthrough.sh' >"$work/walkthrough.txt" 2>&1 \
  || { tail -20 "$work/walkthrough.txt" >&2; fail "the README walkthrough failed with the installed package"; }
grep -qF "experiment effect-test is ready to start" "$work/walkthrough.txt" || fail "the walkthrough's check did not pass"

echo "== the SDK consumer, with find_package(expt)"
inside 'cmake -S /usr/share/doc/expt/examples/sdk-consumer -B /tmp/consumer >/tmp/consumer.log 2>&1 &&
        cmake --build /tmp/consumer >>/tmp/consumer.log 2>&1' \
  || { cat "$root/tmp/consumer.log" >&2; fail "the SDK consumer does not build against the installed package"; }
inside 'cd /srv/project && /tmp/consumer/evaluate_bundle tour/bundles/latest.json user-7' >"$work/consumer.txt" 2>&1 \
  || { cat "$work/consumer.txt" >&2; fail "the SDK consumer failed"; }
inside 'cd /srv/project && expt assign user-7 --bundle tour/bundles/latest.json --format csv' >"$work/assign.txt"
grep -q ",checkout," "$work/consumer.txt" || fail "the SDK consumer printed no layer: $(cat "$work/consumer.txt")"
diff <(grep -v "^bundle version" "$work/consumer.txt" | cut -d, -f1-6) "$work/assign.txt" >&2 \
  || fail "the SDK consumer and expt assign --bundle disagree"
echo "PASS: the .deb packages install and work in a bare Debian 12 root"
