#!/usr/bin/env bash
# Benchmark (not a test): per-replica capacity of the bakery order path as Kubernetes would run
# it, one container of `bakery reception` and one of `bakery baker` from the built image, against
# this machine's PostgreSQL and RabbitMQ (a fresh schema and queue per run), load from
# `bakery load` on loopback. Each container is limited to one CPU (--cpus), the unit the HPA
# settings in docs/scaling.md are derived from.
#
#   bench/scaling.sh [duration=20s] [vus list="8 32 64"] [open-loop rate list="100 200 400"]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
export PATH="$root/node_modules/.bin:$PATH"
duration="${1:-20s}"
vus_list="${2:-8 32 64}"
rates="${3:-100 200 400}"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
image="${BAKERY_IMAGE:-localhost/bakery:$version}"
run="$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
reception_port="$(free_port)"; baker_port="$(free_port)"
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
common=(--runtime runc run --detach --read-only --tmpfs /app/.bakery:rw,U --cpus 1
  --ulimit nofile=8192:8192 --ulimit nproc=4096:4096 --network host
  --env HOST=127.0.0.1 --env BAKERY_ADMIN_TOKEN="$token"
  --env DATABASE_URL="postgres://${PGUSER:-root}@127.0.0.1:5432/test"
  --env AMQP_URL=amqp://guest:guest@127.0.0.1:5672
  --env BAKERY_ORDERS_SCHEMA="scaling_$run" --env BAKERY_ORDERS_QUEUE="scaling-$run"
  --env BAKERY_ORDER_JOURNEY=false --env BAKERY_SPAN_STORE_SIZE=0 --env LOG_LEVEL=warn)
cleanup() {
  podman rm --force --time 5 "scaling-reception-$run" "scaling-baker-$run" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -d test -qc "DROP SCHEMA IF EXISTS scaling_$run CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
podman "${common[@]}" --name "scaling-reception-$run" --env PORT="$reception_port" "$image" reception >/dev/null
podman "${common[@]}" --name "scaling-baker-$run" --env PORT="$baker_port" "$image" baker >/dev/null
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$reception_port/readyz" >/dev/null && curl -sf "http://127.0.0.1:$baker_port/readyz" >/dev/null && break
  sleep 0.5
done
echo "reception :$reception_port, baker :$baker_port, 1 CPU each, image $image, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
url="http://127.0.0.1:$reception_port"
summary() { node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const r = (x) => (typeof x === "number" ? Math.round(x * 10) / 10 : "-");
  const c = s.completion ?? {};
  const orders = c.finished + (s.warmupAccepted ?? 0);
  const per = (cpu) => r((Number(cpu) * 1000) / Math.max(1, orders));
  console.log([process.argv[1], r(s.acceptedPerSec), r(s.acceptMs?.p50), r(s.acceptMs?.p99), r(c.e2eServerMs?.p50), r(c.e2eServerMs?.p99), c.finished, c.lost, JSON.stringify(s.errors), process.argv[2], per(process.argv[2]), process.argv[3], per(process.argv[3])].join(" | "));
' "$1" "$2" "$3"; }
# CPU seconds a container's processes have used (from /proc of its main process): the machine is
# shared, so capacity is derived from CPU time per order rather than from wall-clock rates alone.
cpu_s() { local pid; pid="$(podman inspect --format '{{.State.Pid}}' "$1")"; awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$pid/stat"; }
step() { # label, then the load arguments
  local label="$1"; shift
  local r0 b0 out
  r0="$(cpu_s "scaling-reception-$run")"; b0="$(cpu_s "scaling-baker-$run")"
  out="$(node "$root/src/cli.ts" load --url "$url" --duration "$duration" --warmup 3s --progress off --json "$@")"
  local r1 b1
  r1="$(cpu_s "scaling-reception-$run")"; b1="$(cpu_s "scaling-baker-$run")"
  printf '%s' "$out" | summary "$label" "$(echo "$r1 - $r0" | bc)" "$(echo "$b1 - $b0" | bc)"
}
echo "load | accepted/s | accept p50 ms | accept p99 ms | order→finished p50 ms | p99 ms | finished | lost | errors | reception CPU s | CPU ms/order | baker CPU s | CPU ms/order"
for vus in $vus_list; do step "closed $vus VUs" --vus "$vus"; done
for rate in $rates; do step "open $rate/s" --rate "$rate"; done
