#!/usr/bin/env bash
# Zipkin's server (the exec jar from Maven Central), a real trace backend for the interop test
# that sends Bakery spans through the OpenTelemetry Zipkin exporter. Only the jar is cached here;
# the test starts its own Zipkin on a loopback port and stops it afterwards.
set -euo pipefail
version=3.5.1
cache="${BAKERY_CACHE:-$HOME/.cache/bakery}/zipkin"
jar="$cache/zipkin-server-$version-exec.jar"
if [ -s "$jar" ]; then
  echo "  zipkin cached: $jar"
  exit 0
fi
command -v java >/dev/null 2>&1 || {
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show openjdk-17-jre-headless >/dev/null 2>&1 || apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
}
mkdir -p "$cache"
mvn -q -B dependency:copy "-Dartifact=io.zipkin:zipkin-server:$version:jar:exec" "-DoutputDirectory=$cache" \
  -Dmdep.overWriteReleases=true
echo "  zipkin installed: $jar"
