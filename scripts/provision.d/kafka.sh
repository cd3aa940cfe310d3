#!/usr/bin/env bash
# One Apache Kafka broker in KRaft combined mode on 127.0.0.1:9092 for the stream tests.
# Kafka is not packaged for Debian: the jars come from Maven Central through a tiny pom and
# `mvn dependency:copy-dependencies`, cached under ~/.cache/bakery/kafka so reruns are offline.
# Idempotent: does nothing when the port already answers.
set -euo pipefail
version="${BAKERY_KAFKA_VERSION:-3.9.1}"
cache="${BAKERY_CACHE:-$HOME/.cache/bakery}/kafka"
lib="$cache/$version/lib"
data="$cache/data"
log="$cache/broker.log"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if up 9092; then echo "  Kafka already up on :9092"; exit 0; fi

if [ ! -f "$lib/.complete" ]; then
  echo "  fetching Kafka $version jars from Maven Central"
  mkdir -p "$cache/$version"
  cat >"$cache/$version/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bakery</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$lib"
  mvn -q -B -f "$cache/$version/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime
  touch "$lib/.complete"
fi

mkdir -p "$data"
cat >"$cache/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://127.0.0.1:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
PROPS
cat >"$cache/log4j.properties" <<'L4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
L4J

java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC "-Dlog4j.configuration=file:$cache/log4j.properties" -cp "$lib/*")
if [ ! -f "$data/logs/meta.properties" ]; then
  echo "  formatting KRaft storage"
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$cache/server.properties" >>"$log" 2>&1
fi

echo "  starting Kafka $version (log: $log)"
setsid nohup java "${java_opts[@]}" kafka.Kafka "$cache/server.properties" >>"$log" 2>&1 &
echo $! >"$cache/broker.pid"
for _ in $(seq 1 90); do
  if up 9092; then echo "  Kafka up on :9092"; exit 0; fi
  sleep 1
done
echo "  Kafka did not come up on :9092; last log lines:" >&2
tail -n 30 "$log" >&2
exit 1
