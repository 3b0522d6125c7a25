#!/usr/bin/env bash
# Drops raw event and exposure partitions older than DAYS (default 90), by partition: TTL needs
# ClickHouse 19.6 or later, and Debian 12 ships 18.16. The daily aggregates table is never touched.
# Usage: drop_old_partitions.sh [DAYS] [clickhouse-client options, e.g. --port 9000 --database analytics]
set -euo pipefail
days=${1:-90}
shift || true
cutoff=$(date -u -d "$days days ago" +%F)
ch() { clickhouse-client "$@" --format TabSeparatedRaw; }
# events: PARTITION BY toDate(timestamp), so a partition is a day: 2026-08-01
ch "$@" --query "SELECT DISTINCT partition FROM system.parts WHERE active AND database = currentDatabase()
                 AND table = 'events' AND partition < '$cutoff'" |
  while read -r day; do ch "$@" --query "ALTER TABLE events DROP PARTITION '$day'" </dev/null; echo "dropped events $day"; done
# exposures: PARTITION BY (experiment, toDate(timestamp)): ('checkout-cta-color','2026-08-01')
ch "$@" --query "SELECT DISTINCT partition FROM system.parts WHERE active AND database = currentDatabase()
                 AND table = 'exposures' AND substring(partition, length(partition) - 11, 10) < '$cutoff'" |
  while read -r partition; do ch "$@" --query "ALTER TABLE exposures DROP PARTITION $partition" </dev/null; echo "dropped exposures $partition"; done
