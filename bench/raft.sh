#!/usr/bin/env bash
# Raft: commit latency (p50/p99 of sequential commits) and batched throughput (THREADS concurrent clients) on three
# servers on loopback: yoq's replicated command bus (Ratis over gRPC, each server applying to its own SQLite through
# the state machine) against etcd 3.4 (Debian etcd-server; three members, PUTs through its JSON gateway), same
# payload size. Goal: p50 <= 3 ms, >= 5,000 commits/s batched, within 1.5x of etcd. Both fsync their logs.
# Needs etcd (apt-get install etcd-server) and a built tree (mvn -DskipTests install). Ports 23791-23793, 23891-23893.
set -euo pipefail
command -v etcd >/dev/null || { echo "raft benchmark: etcd missing (apt-get install etcd-server)" >&2; exit 1; }
[ -d ejb-core/target/test-classes ] || { echo "raft benchmark: build first (mvn -DskipTests install)" >&2; exit 1; }
for p in 23791 23792 23793 23891 23892 23893; do
  [ -z "$(ss -Hltn "sport = :$p")" ] || { echo "raft benchmark: port $p is in use" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/yoq-bench-raft.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
mvn -B -q -o -pl ejb-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/cp" >/dev/null
cp=ejb-core/target/classes:ejb-core/target/test-classes:$(cat "$tmp/cp")
java -Xmx1g -cp "$cp" bench/raft/RaftBench.java yoq "$tmp/yoq"

cluster=e1=http://127.0.0.1:23891,e2=http://127.0.0.1:23892,e3=http://127.0.0.1:23893
for i in 1 2 3; do
  etcd --name e$i --data-dir "$tmp/etcd$i" --listen-client-urls http://127.0.0.1:2379$i --advertise-client-urls http://127.0.0.1:2379$i \
    --listen-peer-urls http://127.0.0.1:2389$i --initial-advertise-peer-urls http://127.0.0.1:2389$i \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token yoq-bench --log-level error > "$tmp/etcd$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 100); do
  ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:23791 endpoint health >/dev/null 2>&1 && break; sleep 0.2
done
java -Xmx1g -cp "$cp" bench/raft/RaftBench.java etcd http://127.0.0.1:23791
