#!/usr/bin/env bash
# Memory of cluster nodes: the resident set (VmRSS) of a cluster server (Liberty + the EAR with its Raft peer,
# started by `yoq init-server`, no node helper) and of an agent (`yoq join`, heartbeating), each in a lab node of
# its own (scripts/lab, lab "yoqbch", 10.239.3.0/24), 60 s after the agent joined; beside it an etcd 3.4 member
# (Debian etcd-server, a single-member cluster on loopback) idle for the same time: the Raft store the servers'
# share of the work compares with. Needs root, a built tree (mvn -DskipTests install) and optionally etcd.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
[ "$(id -u)" -eq 0 ] || { echo "cluster benchmark: needs root (lab namespaces)" >&2; exit 1; }
wlp=liberty-config/target/liberty/wlp
[ -x "$wlp/bin/server" ] || { echo "cluster benchmark: build first (mvn -DskipTests install)" >&2; exit 1; }
export YOQ_LAB_NAME=yoqbch YOQ_LAB_SUBNET=10.239.3 YOQ_LAB_DIR=/var/tmp/yoqbch
export YOQ_API_PLAIN_HTTP=1   # lab cluster servers speak plain HTTP (docs/security.md "HTTPS on the API")
server=yoqbch-s1
api=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
tmp=$(mktemp -d /tmp/yoq-bench-cluster.XXXXXX)
etcd_pid=
cleanup() {
  pkill -9 -f "ws-server.jar $server" 2>/dev/null || true
  [ -z "$etcd_pid" ] || kill "$etcd_pid" 2>/dev/null || true
  scripts/lab down >/dev/null 2>&1 || true
  rm -rf "$wlp/usr/servers/$server" "$tmp"
}
trap cleanup EXIT
scripts/lab down >/dev/null 2>&1 || true
scripts/lab up --servers 1 --agents 1 >/dev/null
mkdir -p "$wlp/usr/servers/$server/apps"
for f in server.xml common.xml jvm.options bootstrap.properties server.env apps/yoq-ear.ear; do
  cp "$wlp/usr/servers/yoq/$f" "$wlp/usr/servers/$server/$f"
done

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

scripts/lab exec s1 env YOQ_SERVER_NAME=$server YOQ_DATA_DIR=$YOQ_LAB_DIR/s1/data YOQ_NODE_HELPER=off \
  bin/yoq init-server --id 1 --token bench-join --api-token "$api" --log-format text > "$tmp/server.log" 2>&1 \
  || { cat "$tmp/server.log" >&2; exit 1; }
server_pid=$(pgrep -f "ws-server.jar $server" | head -1)
# the server launcher starts a second JVM only to wait for the first; the server is the one with the most memory
for p in $(pgrep -f "ws-server.jar $server"); do
  [ "$(rss_kb "$p")" -gt "$(rss_kb "$server_pid")" ] && server_pid=$p
done
server_start_kb=$(rss_kb "$server_pid")

scripts/lab exec a1 env YOQ_DATA_DIR=$YOQ_LAB_DIR/a1/data bin/yoq join 10.239.3.1 --token bench-join --overlay off > "$tmp/agent.log" 2>&1 &
disown
for _ in $(seq 100); do grep -q "joined the cluster" "$tmp/agent.log" && break; sleep 0.2; done
grep -q "joined the cluster" "$tmp/agent.log" || { cat "$tmp/agent.log" >&2; exit 1; }
agent_pid=$(pgrep -f "dev.yoq.cli.*join 10.239.3.1|join 10.239.3.1 --token bench-join" | while read -r p; do
  grep -q java "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | head -1)

if command -v etcd >/dev/null; then
  etcd --name b1 --data-dir "$tmp/etcd" --listen-client-urls http://127.0.0.1:23799 --advertise-client-urls http://127.0.0.1:23799 \
    --listen-peer-urls http://127.0.0.1:23899 --initial-advertise-peer-urls http://127.0.0.1:23899 \
    --initial-cluster b1=http://127.0.0.1:23899 --log-level error > "$tmp/etcd.log" 2>&1 &
  etcd_pid=$!
fi
sleep 60
printf '%-44s %8s\n' "resident memory (VmRSS)" "MiB"
printf '%-44s %8.1f\n' "yoq cluster server, right after start" "$(echo "$server_start_kb/1024" | bc -l)"
printf '%-44s %8.1f\n' "yoq cluster server, 60 s with an agent" "$(echo "$(rss_kb "$server_pid")/1024" | bc -l)"
[ -n "$agent_pid" ] && printf '%-44s %8.1f\n' "yoq agent (yoq join), 60 s heartbeating" "$(echo "$(rss_kb "$agent_pid")/1024" | bc -l)"
[ -n "$etcd_pid" ] && printf '%-44s %8.1f\n' "peer: etcd 3.4 member, idle 60 s" "$(echo "$(rss_kb "$etcd_pid")/1024" | bc -l)"
exit 0
