#!/usr/bin/env bash
# Tilt's "load-run" button: the built-in load generator (`npx bakery load`) against the reception
# at URL (default the port-forwarded http://127.0.0.1:8000): RATE orders per second (default 50,
# open loop) for DURATION (default 30s), then every accepted order is followed to `finished` and
# the summary printed (accepted/s, accept latency percentiles, errors by code, finished, lost).
# Bounded in time (the load, then at most DRAIN_TIMEOUT of follow-up); exits 1 when nothing was
# accepted or an accepted order was lost.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx --no-install bakery load \
  --url "${URL:-http://127.0.0.1:8000}" \
  --rate "${RATE:-50}" \
  --duration "${DURATION:-30s}" \
  --drain-timeout "${DRAIN_TIMEOUT:-60s}" \
  --progress lines
