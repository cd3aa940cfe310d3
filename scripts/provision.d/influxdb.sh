#!/usr/bin/env bash
# InfluxDB 1.x (Debian `influxdb`) on 127.0.0.1:8086 for consumer-low and the aggregator.
# The 1.x HTTP API (/write line protocol, /query InfluxQL) is also served by InfluxDB 2.x/3.x
# through their v1-compatibility endpoints. Idempotent: does nothing when the port answers.
set -euo pipefail
cache="${BAKERY_CACHE:-$HOME/.cache/bakery}/influxdb"
log="$cache/influxd.log"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if up 8086; then echo "  InfluxDB already up on :8086"; exit 0; fi

if ! command -v influxd >/dev/null 2>&1; then
  echo "  installing the Debian influxdb package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends influxdb >/dev/null
fi

mkdir -p "$cache/meta" "$cache/data" "$cache/wal"
# A config of our own: loopback only, no usage reporting, data under the cache dir.
cat >"$cache/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$cache/meta"
[data]
  dir = "$cache/data"
  wal-dir = "$cache/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:8086"
  log-enabled = false
[monitor]
  store-enabled = false
CONF

echo "  starting influxd (log: $log)"
setsid nohup influxd -config "$cache/influxdb.conf" >>"$log" 2>&1 &
echo $! >"$cache/influxd.pid"
for _ in $(seq 1 60); do
  if up 8086 && curl -fsS -o /dev/null "http://127.0.0.1:8086/ping" 2>/dev/null; then
    echo "  InfluxDB up on :8086"
    exit 0
  fi
  sleep 1
done
echo "  InfluxDB did not come up on :8086; last log lines:" >&2
tail -n 30 "$log" >&2
exit 1
