#!/usr/bin/env bash
# Builds the Bakery image with podman (no Docker engine) for one or more architectures and, for
# more than one, a manifest list that names them all.
#
#   scripts/image/build.sh                    amd64 image localhost/bakery:<version>-amd64
#   scripts/image/build.sh amd64 arm64        both, plus manifest list localhost/bakery:<version>
#
# NODE_IMAGE=<image> uses that base (e.g. the official node image from a registry); without it
# the base is built from Debian packages by scripts/image/base.sh (cached). The build-stage
# base is always the build machine's own architecture, so only the final stage is foreign.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
repo="${BAKERY_IMAGE_REPO:-localhost/bakery}"
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(amd64)
native="$(podman info --format '{{.Host.Arch}}')"

base_for() { if [ -n "${NODE_IMAGE:-}" ]; then echo "$NODE_IMAGE"; else bash "$here/base.sh" "$1" | tail -1; fi; }
build_base="$(base_for "$native")"
# Local bases: never ask a registry (podman would, for a foreign --platform, before looking locally).
pull=()
[ -n "${NODE_IMAGE:-}" ] || pull=(--pull=never)

for arch in "${archs[@]}"; do
  started=$(date +%s)
  # --format docker keeps HEALTHCHECK (the OCI image format has no field for it).
  # BUILDPLATFORM spelled out: buildah 1.28 sets it to the target platform under --platform.
  podman build --quiet --format docker --network host --platform "linux/$arch" ${pull[@]+"${pull[@]}"} \
    --build-arg BUILDPLATFORM="linux/$native" \
    --build-arg NODE_IMAGE="$(base_for "$arch")" --build-arg BUILD_NODE_IMAGE="$build_base" \
    --tag "$repo:$version-$arch" "$root" >/dev/null
  size=$(podman image inspect --format '{{.Size}}' "$repo:$version-$arch")
  echo "built $repo:$version-$arch in $(( $(date +%s) - started ))s, $(( size / 1000000 )) MB" >&2
done

if [ ${#archs[@]} -gt 1 ]; then
  podman manifest rm "$repo:$version" >/dev/null 2>&1 || true
  podman image rm "$repo:$version" >/dev/null 2>&1 || true
  podman manifest create "$repo:$version" >/dev/null
  for arch in "${archs[@]}"; do
    podman manifest add --arch "$arch" --os linux "$repo:$version" "containers-storage:$repo:$version-$arch" >/dev/null
  done
  echo "manifest list $repo:$version: ${archs[*]}" >&2
else
  podman tag "$repo:$version-${archs[0]}" "$repo:$version"
fi
echo "$repo:$version"
