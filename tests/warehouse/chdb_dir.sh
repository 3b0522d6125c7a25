#!/usr/bin/env bash
# Prints the folder that holds chdb (current ClickHouse, ~550 MB from npm) for the warehouse tests:
# a cache outside the repository, one folder per lockfile (tests/warehouse/chdb/), so a clone or
# a clean build does not download it again. `scripts/setup test` installs it there.
set -euo pipefail
lock="$(dirname "$0")/chdb/package-lock.json"
echo "${EXPT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/expt}/chdb-$(sha256sum "$lock" | cut -c1-12)"
