#!/usr/bin/env bash
# Service VIPs: wrk (Connection: close: a new flow per request, so every request is balanced) from a client
# container's network namespace to busybox httpd replicas: straight to replica 1, through a VIP whose only backend is
# replica 1 (the dataplane's own cost), and through a VIP over three replicas; via the eBPF dataplane and via the
# nftables fallback, on a helper of its own (bridge yoqbn0, 10.248.0.0/16,
# VIPs 10.249.0.0/16, table yoq_bench). Interleaved rounds; requests/s and p99 medians. Target: BPF within 5 % of
# direct and ahead of nftables. Needs root, wrk and a built tree.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "vip benchmark: needs root"; exit 0; }
command -v wrk >/dev/null || { echo "vip benchmark: wrk missing (apt-get install wrk)"; exit 0; }
secs=${SECS:-8}; rounds=${ROUNDS:-3}
tmp=$(mktemp -d /tmp/yoq-bench-vip.XXXXXX)
export YOQ_BRIDGE=yoqbn0 YOQ_SUBNET=10.248.0.0/16 YOQ_NFT_TABLE=yoq_bench YOQ_NETNS_PREFIX=yoqbn- YOQ_CGROUP_PARENT=yoq_bench \
  YOQ_VIP_SUBNET=10.249.0.0/16
cp=$(ls node-helper/daemon/target/lib/*.jar | tr '\n' ':')node-helper/protocol/target/classes
helper() {   # helper MODE: a node helper on the bench's socket with that dataplane, and the containers
  YOQ_DATAPLANE=$1 bin/yoq-node --socket "$tmp/run/node.sock" --data-dir "$tmp/data" >> "$tmp/helper.log" 2>&1 &
  for _ in $(seq 100); do [ -S "$tmp/run/node.sock" ] && break; sleep 0.1; done
  client=$(java -cp "$cp" bench/vip/Setup.java "$tmp/run/node.sock" "$tmp/rootfs")
  for _ in $(seq 50); do ip netns exec "yoqbn-$client" timeout 1 busybox wget -q -O /dev/null http://10.248.1.13/ 2>/dev/null && break; sleep 0.1; done
}
stop_helper() {
  java -cp "$cp" bench/vip/Setup.java "$tmp/run/node.sock" "$tmp/rootfs" down 2>/dev/null || true
  pkill -f "yoq-node.jar --socket $tmp/run/node.sock" 2>/dev/null || true
  sleep 0.5; rm -f "$tmp/run/node.sock"
}
cleanup() {
  stop_helper
  nft delete table ip yoq_bench 2>/dev/null || true; ip link del yoqbn0 2>/dev/null || true; rm -rf /sys/fs/bpf/yoq_bench
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/run" "$tmp/rootfs/bin" "$tmp/rootfs/etc" "$tmp/rootfs/tmp"; cp /bin/busybox "$tmp/rootfs/bin/"; for a in sh httpd mkdir echo sleep; do ln -s busybox "$tmp/rootfs/bin/$a"; done
run_wrk() {   # label url: appends "rps p99ms" to $tmp/<label>
  ip netns exec "yoqbn-$client" wrk -t2 -c16 -d"${secs}s" --latency -H 'Connection: close' "$2" > "$tmp/out" 2>&1 || true
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$tmp/out")
  errors=$(awk '/Socket errors|Non-2xx/ {print}' "$tmp/out" | tr '\n' ' ')
  echo "${rps:-0} ${p99:-0}" >> "$tmp/$1"
  [ -z "$errors" ] || echo "  $1: $errors" >&2
  [ -n "$rps" ] || { echo "  $1: wrk said:" >&2; head -5 "$tmp/out" >&2; tail -3 "$tmp/helper.log" >&2; }
}
for mode in bpf nftables; do
  helper "$mode"
  grep -q "dataplane: nftables" "$tmp/helper.log" && [ "$mode" = bpf ] && { echo "vip benchmark: BPF unavailable:"; grep dataplane "$tmp/helper.log"; }
  run_wrk warm http://10.249.0.3/ ; rm -f "$tmp/warm"
  for r in $(seq "$rounds"); do
    run_wrk "direct-$mode" http://10.248.1.11/
    run_wrk "vip-$mode" http://10.249.0.2/
    run_wrk "vip3-$mode" http://10.249.0.3/
  done
  stop_helper
done
med() { sort -n -k"$2" "$1" | awk -v k="$2" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }
show() { printf '%-34s %9s req/s   p99 %7s ms   (rounds: %s)\n' "$1" "$(med "$tmp/$2" 1)" "$(med "$tmp/$2" 2)" "$(awk '{printf "%s ", $1}' "$tmp/$2")"; }
show "direct to replica 1 (bpf run)" direct-bpf
show "VIP -> replica 1 via eBPF" vip-bpf
show "VIP -> 3 replicas via eBPF" vip3-bpf
show "direct to replica 1 (nftables run)" direct-nftables
show "VIP -> replica 1 via nftables" vip-nftables
show "VIP -> 3 replicas via nftables" vip3-nftables
echo "target: VIP via eBPF within 5 % of direct (same replica), ahead of nftables"
