#!/usr/bin/env bash
# Containers without a Docker engine: Debian's podman/buildah (runc: crun fails on this kind of
# machine's cgroups), skopeo, podman-compose, mmdebstrap for the image's base, and
# qemu-user-static with binfmt_misc so the arm64 image runs under emulation. Idempotent.
set -euo pipefail
packages=(podman buildah runc skopeo mmdebstrap qemu-user-static binfmt-support podman-compose)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "  installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# binfmt_misc is not mounted on every machine; the F flag of Debian's qemu entries makes the
# interpreter work inside containers too.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "  qemu-aarch64 is not registered" >&2; exit 1; }
echo "  $(podman --version), $(buildah --version | cut -d' ' -f1-3), qemu-aarch64 registered"
