#!/usr/bin/env bash
# A throw-away ClickHouse server on loopback, with its own data folder, ports and users, for the
# warehouse tests and benchmarks. It never touches a system server.
# Usage: tests/warehouse/clickhouse_sandbox.sh start DIR [ENGINE]   starts it; prints the HTTP port
#        tests/warehouse/clickhouse_sandbox.sh stop DIR             stops it and removes DIR
# ENGINE: `18.16` (default), Debian 12's clickhouse-server; or `current`, the ClickHouse engine of
# the chdb npm package (scripts/setup test installs it into the cache, tests/warehouse/chdb_dir.sh)
# behind tests/warehouse/chdb_front.js, which speaks ClickHouse's HTTP interface.
# Users: `default` (no password) and `expt` (password `expt/test:secret`, URL characters included), both on loopback only.
# If the server does not answer within 30 s, its log is shown and the start fails.
set -euo pipefail
action=$1 dir=$2

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$action" in
  start)
    if [ "${3:-18.16}" = current ]; then
      chdb=$("$(dirname "$0")/chdb_dir.sh")
      [ -d "$chdb/node_modules/chdb" ] || { echo "chdb is not installed in $chdb (scripts/setup test installs it)" >&2; exit 2; }
      mkdir -p "$dir"/{data,log}
      dir=$(cd "$dir" && pwd)
      TZ=UTC NODE_PATH="$chdb/node_modules" EXPT_FRONT_OWNER=${EXPT_FRONT_OWNER:-$PPID} node "$(dirname "$0")/chdb_front.js" "$dir/data" "$dir/http_port" >"$dir/log/stdout.log" 2>&1 &
      echo $! >"$dir/pid"
      for _ in $(seq 300); do
        if [ -s "$dir/http_port" ] && curl -sf "http://127.0.0.1:$(cat "$dir/http_port")/ping" >/dev/null 2>&1; then cat "$dir/http_port"; exit 0; fi
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
        sleep 0.1
      done
      echo "the chdb front did not start; its log:" >&2
      cat "$dir/log/stdout.log" >&2
      exit 1
    fi
    command -v clickhouse-server >/dev/null || { echo "clickhouse-server is not installed (scripts/setup test installs it)" >&2; exit 2; }
    mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
    dir=$(cd "$dir" && pwd)
    http_port=$(free_port) tcp_port=$(free_port)
    cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>12000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <expt><password>expt/test:secret</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></expt>
  </users>
  <quotas><default></default></quotas>
</yandex>
XML
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog><size>100M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
</yandex>
XML
    clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
    echo "$http_port" >"$dir/http_port"
    echo "$tcp_port" >"$dir/tcp_port"
    for _ in $(seq 300); do
      if curl -sf "http://127.0.0.1:$http_port/ping" >/dev/null 2>&1; then echo "$http_port"; exit 0; fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "clickhouse-server did not start; its log:" >&2
    cat "$dir/log/stdout.log" "$dir/log/server.err.log" >&2 2>/dev/null || true
    exit 1 ;;
  stop)
    if [ -f "$dir/pid" ]; then
      pid=$(cat "$dir/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir" ;;
  *) echo "usage: $0 start DIR [18.16|current] | stop DIR" >&2; exit 2 ;;
esac
