#!/usr/bin/env bash
# Scheduler: placements per second for 10,000 requests on 1,000 nodes in one pass (JMH), beside Nomad's published
# C1M rate (3,750/s; a published figure, Nomad is not run here). Target: >= 10,000 placements/s.
set -euo pipefail
mvn -B -q -f bench/jmh/pom.xml -DskipTests package
cp=bench/jmh/target/yoq-bench-jmh-0.3.0-SNAPSHOT.jar:$(ls bench/jmh/target/lib/*.jar | tr '\n' ':')
out=$(java -cp "$cp" org.openjdk.jmh.Main SchedulerBenchmark -rf text -rff /dev/null ${JMH_ARGS:-} 2>&1)
echo "$out" | grep -E '^(Benchmark|SchedulerBenchmark)'
ms=$(echo "$out" | awk '/^SchedulerBenchmark/ {print $(NF-3)}' | tail -1)
awk -v ms="$ms" 'BEGIN { printf "scheduler: %.0f placements/s (10,000 on 1,000 nodes, %.2f ms a pass)   Nomad C1M published: 3750/s   target >= 10000/s\n", 10000 / (ms / 1000), ms }'
