#!/usr/bin/env bash
# Server start to ready (`yoq server start` until /health/ready is UP) and idle RSS, on a copy of the production
# server definition ("yoqbench", port 7796, a temporary data dir) so a running yoq server is never touched.
# Peer: k3s idles at ~535 MB (quoted from its docs; no k3s on this machine to measure).
set -euo pipefail
runs=${RUNS:-3}
wlp=liberty-config/target/liberty/wlp
servers=$wlp/usr/servers
tmp=$(mktemp -d)
export YOQ_SERVER_NAME=yoqbench YOQ_API_PORT=7796 YOQ_HOME=$tmp/home YOQ_NODE_SOCKET=$tmp/node.sock
cleanup() {
  bin/yoq server stop >/dev/null 2>&1 || true
  pkill -f "yoq-node.jar --socket $tmp/node.sock" 2>/dev/null || true
  rm -rf "$servers/yoqbench" "$tmp"
}
trap cleanup EXIT
rm -rf "$servers/yoqbench"; mkdir -p "$servers/yoqbench/apps"
for f in server.xml common.xml jvm.options bootstrap.properties server.env apps/yoq-ear.ear; do
  cp "$servers/yoq/$f" "$servers/yoqbench/$f"
done
for i in $(seq "$runs"); do
  s=$(date +%s%N)
  bin/yoq server start >/dev/null 2>&1
  echo $(( ($(date +%s%N) - s) / 1000000 )) >> "$tmp/start"
  if [ "$i" -eq "$runs" ]; then
    token=$(cat "$YOQ_HOME/api_token")
    for _ in $(seq 20); do curl -s -o /dev/null -H "Authorization: Bearer $token" localhost:7796/v1/status; done
    sleep "${IDLE_SECS:-30}"
    pid=$(pgrep -f "ws-server.jar yoqbench" | head -1)
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  fi
  bin/yoq server stop >/dev/null
done
printf '%-34s %s\n' "server start to ready" "$(python3 bench/stats.py < "$tmp/start")   (target < 12000 ms; first run includes Liberty's feature cache)"
printf '%-34s %s\n' "idle RSS after 20 requests + idle" "${rss} MiB   (target < 350 MiB; k3s idles at ~535 MB, quoted)"
