#!/usr/bin/env bash
# Prometheus from Debian, for the test that lets a real Prometheus scrape a running Bakery. Only
# the binary is needed: the test runs its own instance on a loopback port with a temp config, so
# the packaged service is neither required nor started here.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1; then
  echo "  prometheus present: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Update the lists only when apt cannot see the package yet (fresh machine).
apt-cache show prometheus >/dev/null 2>&1 || apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
echo "  prometheus installed: $(prometheus --version 2>&1 | head -1)"
