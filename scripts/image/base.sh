#!/usr/bin/env bash
# Builds a stand-in for the official `node:<version>-bookworm-slim` image from Debian packages
# (mmdebstrap) and Node's own binary from the npm registry (the per-arch `node-linux-<cpu>`
# packages), for machines that cannot pull from a container registry. The Dockerfile takes it
# with --build-arg NODE_IMAGE=...; users with a registry keep the official image.
#
#   scripts/image/base.sh [amd64|arm64]     prints the local image name on its last line
#
# The root filesystem is cached under ~/.cache/bakery/image, keyed by the recipe version, the
# Node and npm versions and the architecture, so a rebuild only re-imports it (seconds). Running a
# foreign-architecture image needs qemu-user-static registered with binfmt_misc
# (scripts/provision.d/containers.sh); building its base does not.
set -euo pipefail
arch="${1:-amd64}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node_version="$(node -p 'require(process.argv[1]).devDependencies.node' "$root/package.json")"
npm_version="${BAKERY_BASE_NPM_VERSION:-11.19.1}"
mirror="${BAKERY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
case "$arch" in
  amd64) cpu=x64 ;;
  arm64) cpu=arm64 ;;
  *) echo "base.sh: unsupported architecture '$arch' (valid: amd64, arm64)" >&2; exit 2 ;;
esac

# Certificate authorities the build machine adds to Debian's (a TLS-inspecting proxy's, say) are
# trusted in the base too, so `npm ci` in the build reaches the registry the way the host does.
extra_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${extra_cas[0]}" ] || extra_cas=()
# Bump when the root filesystem recipe below changes (the cache key; the import step is not in it).
native_arch="$(dpkg --print-architecture)"
recipe=2
[ "$arch" = "$native_arch" ] || recipe=foreign-3
key="$( (echo "$recipe"; cat ${extra_cas[@]+"${extra_cas[@]}"}) | sha256sum | cut -c1-12)"
tag="$node_version-bookworm-$arch-$key"
image="localhost/bakery-base:$tag"
cache="${BAKERY_CACHE:-$HOME/.cache/bakery}/image"
tarball="$cache/base-$tag.tar"

if podman image exists "$image"; then
  echo "  base image present: $image" >&2
  echo "$image"; exit 0
fi
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$cpu@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work/node-linux-$cpu-$node_version.tgz" -C "$work/node" --strip-components=1
  tar -xzf "$work/npm-$npm_version.tgz" -C "$work/npm" --strip-components=1
  if [ "$arch" = "$native_arch" ]; then
    echo "  mmdebstrap bookworm/$arch (minbase) + node $node_version + npm $npm_version" >&2
    # The same layout as the official image: node and npm under /usr/local, user `node` 1000:1000.
    mmdebstrap --quiet --format=tar --variant=minbase --architectures="$arch" --include=ca-certificates \
      --customize-hook="install -m 0755 '$work/node/bin/node' \"\$1/usr/local/bin/node\"" \
      --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$work/npm' \"\$1/usr/local/lib/node_modules/npm\"" \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
      --customize-hook="if [ ${#extra_cas[@]} -gt 0 ]; then cp ${extra_cas[*]+${extra_cas[*]}} \"\$1/usr/local/share/ca-certificates/\" && chroot \"\$1\" update-ca-certificates >/dev/null && mkdir -p \"\$1/usr/local/etc\" && echo cafile=/etc/ssl/certs/ca-certificates.crt > \"\$1/usr/local/etc/npmrc\"; fi" \
      --customize-hook='chroot "$1" groupadd --gid 1000 node' \
      --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
      --customize-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
      bookworm "$tarball.partial" "$mirror"
  else
    # A foreign architecture: Debian's maintainer scripts would run under QEMU (tens of minutes),
    # and the Dockerfile builds its npm stages on the build machine's architecture anyway. So the
    # base is the runtime subset Node needs, extracted without running anything: glibc, the C++
    # runtime, the CA bundle (the build machine's, so the same authorities are trusted) and the
    # `node` user.
    echo "  mmdebstrap bookworm/$arch (extract: runtime subset) + node $node_version" >&2
    # (mmdebstrap runs no customize hooks for this variant: the files are added here.)
    rootfs="$work/rootfs"
    mmdebstrap --quiet --format=directory --variant=extract --architectures="$arch" \
      --include=base-files,libc6,libgcc-s1,libstdc++6,ca-certificates,tzdata,netbase \
      bookworm "$rootfs" "$mirror"
    install -D -m 0755 "$work/node/bin/node" "$rootfs/usr/local/bin/node"
    install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\nnode:x:1000:\n' > "$rootfs/etc/group"
    install -d -o 1000 -g 1000 "$rootfs/home/node"
    install -d -m 1777 "$rootfs/tmp"
    rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*
    tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
  fi
  mv "$tarball.partial" "$tarball"
fi
# arm64 images carry the variant v8: without it podman does not match the local image to
# --platform linux/arm64 and tries a registry.
variant=()
[ "$arch" = arm64 ] && variant=(--variant v8)
podman import --quiet --os linux --arch "$arch" ${variant[@]+"${variant[@]}"} \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  "$tarball" "$image" >/dev/null
echo "  base image imported: $image" >&2
echo "$image"
