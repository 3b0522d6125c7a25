#!/usr/bin/env bash
# A bare Debian 12 root for the package test: debootstrap's minbase (what a new machine has
# before anything is installed), made once and kept in a cache outside the repository
# ($EXPT_CACHE_DIR, default ~/.cache/expt), then copied fresh for each run.
# Usage: tests/package/debian_root.sh DIR    makes DIR a fresh copy of the cached root
set -euo pipefail
dir=$1
cache=${EXPT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/expt}/debian-bookworm-minbase
if [ ! -x "$cache/bin/bash" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (scripts/setup test installs it)" >&2; exit 2; }
  # This machine's mirror: deb822 sources (a Debian 12 install), else sources.list (what
  # debootstrap writes: a bare root has no debian.sources). Either may be missing: no error.
  mirror=$({ sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources 2>/dev/null;
             sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null; } | head -n 1 || true)
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  debootstrap --variant=minbase bookworm "$cache.partial" "${mirror:-http://deb.debian.org/debian}" >"$cache.log" 2>&1 \
    || { tail -20 "$cache.log" >&2; exit 1; }
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
fi
rm -rf "$dir"
cp -a "$cache" "$dir"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
