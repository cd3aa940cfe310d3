#!/usr/bin/env bash
# Starts the arm64 image under QEMU user emulation (qemu-user-static via binfmt_misc) and waits
# for /healthz, printing how long each step took. Builds both images and the manifest list first
# unless --no-build is given.
#
#   scripts/image/check-arm64.sh [--no-build] [service]      (service: event-api by default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
build=true
service=event-api
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    *) service="$arg" ;;
  esac
done
t0=$(date +%s)
if $build; then
  bash "$here/build.sh" amd64 arm64 >/dev/null
  echo "build amd64 + arm64 + manifest list: $(( $(date +%s) - t0 ))s"
fi
image="localhost/bakery:$version-arm64"
podman manifest inspect "localhost/bakery:$version" 2>/dev/null \
  | node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log("manifest list:",m.manifests.map(x=>x.platform.os+"/"+x.platform.architecture).join(", "))' || true
echo "image architecture: $(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$image")"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
name="bakery-arm64-check-$$"
trap 'podman rm --force --time 5 "$name" >/dev/null 2>&1 || true' EXIT
t1=$(date +%s%N)
podman --runtime runc run --detach --name "$name" --platform linux/arm64 --read-only \
  --tmpfs /app/.bakery:rw,U --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
  --network host --env HOST=127.0.0.1 --env PORT="$port" \
  --env BAKERY_ADMIN_TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "$image" "$service" >/dev/null
for _ in $(seq 1 600); do
  if body="$(curl -sf "http://127.0.0.1:$port/healthz")"; then
    echo "arm64 $service answered /healthz after $(( ($(date +%s%N) - t1) / 1000000 )) ms: $body"
    echo "process.arch inside: $(podman exec "$name" node -p 'process.arch + " " + process.version')"
    echo "total: $(( $(date +%s) - t0 ))s"
    exit 0
  fi
  sleep 0.5
done
echo "arm64 $service did not answer /healthz within 300 s" >&2
podman logs --tail 30 "$name" >&2
exit 1
