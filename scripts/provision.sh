#!/usr/bin/env bash
# Makes sure the servers the tests use are running on loopback, starting them with this
# machine's own commands when they are down. Safe to run again; prints what it did.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # name port seconds
  for _ in $(seq 1 "$3"); do up "$2" && { echo "  $1 up on :$2"; return 0; }; sleep 1; done
  echo "  $1 did not come up on :$2" >&2; return 1
}

echo "PostgreSQL"
if ! up 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
wait_for PostgreSQL 5432 60

echo "Redis"
if ! up 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for Redis 6379 30

echo "RabbitMQ"
if ! up 5672; then
  rabbitmq-server -detached || true
fi
wait_for RabbitMQ 5672 120
rabbitmqctl await_startup >/dev/null 2>&1 || true

# Later steps add Kafka, InfluxDB, Prometheus, Zipkin and Chromium here.
for extra in "$here"/provision.d/*.sh; do
  [ -e "$extra" ] || continue
  echo "$(basename "$extra")"
  bash "$extra"
done
