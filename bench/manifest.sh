#!/usr/bin/env bash
# Manifest load + validate + snapshot for 100 / 1,000 / 10,000 services (JMH), beside the TOML parse alone.
# Target: under 150 ms at 1,000 services, growing linearly.
set -euo pipefail
mvn -B -q -f bench/jmh/pom.xml -DskipTests package
cp=bench/jmh/target/yoq-bench-jmh-0.3.0-SNAPSHOT.jar:$(ls bench/jmh/target/lib/*.jar | tr '\n' ':')
java -cp "$cp" org.openjdk.jmh.Main ManifestBenchmark -rf text -rff /dev/null ${JMH_ARGS:-} 2>&1 | grep -E '^(Benchmark|ManifestBenchmark)'
