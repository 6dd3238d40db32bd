#!/usr/bin/env bash
# Leader failover: time from SIGKILL of the leader of three servers to another server leading, over ROUNDS kills
# (default 20). yoq: three Raft server processes in lab nodes (scripts/lab, lab yoqrft on 10.239.1.0/24, needs
# root); peer: three etcd 3.4 members on loopback with the same 1.5-3 s election timeout range and pre-vote.
# Goal (cluster issue): a new leader within 5 s. Needs etcd (apt-get install etcd-server) and a built tree.
# Ports 23790-23792, 23890-23892.
set -euo pipefail
rounds=${ROUNDS:-20}
command -v etcd >/dev/null || { echo "failover benchmark: etcd missing (apt-get install etcd-server)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "failover benchmark: needs root (the lab's namespaces)" >&2; exit 1; }
[ -d ejb-core/target/test-classes ] || { echo "failover benchmark: build first (mvn -DskipTests install)" >&2; exit 1; }
for p in 23790 23791 23792 23890 23891 23892; do
  [ -z "$(ss -Hltn "sport = :$p")" ] || { echo "failover benchmark: port $p is in use" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/yoq-bench-failover.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mvn -B -q -o -pl ejb-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/cp" >/dev/null
cp=ejb-core/target/classes:ejb-core/target/test-classes:$(cat "$tmp/cp")
java -Xmx512m -cp "$cp" bench/failover/FailoverBench.java yoq "$rounds" "$PWD/scripts/lab" "$tmp/yoq-logs"
java -Xmx512m -cp "$cp" bench/failover/FailoverBench.java etcd "$rounds" "$tmp"
