#!/usr/bin/env bash
# DNS: queries/s for one cached name with dnsperf (Debian package), yoq's resolver (in the node helper, on
# 10.42.0.1:53) against dnsmasq answering the same record from memory, in the same run (a 3 s warm-up each,
# then alternating, 3 rounds of 10 s each). Needs root, dnsperf, dnsmasq and a built tree; uses a helper of its own.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "dns benchmark: needs root"; exit 0; }
for t in dnsperf dnsmasq; do command -v "$t" >/dev/null || { echo "dns benchmark: $t missing (apt-get install dnsperf dnsmasq-base)"; exit 0; }; done
secs=${SECS:-10}
tmp=$(mktemp -d /tmp/yoq-bench-dns.XXXXXX)
cleanup() {
  pkill -f "yoq-node.jar --socket $tmp/node.sock" 2>/dev/null || true
  [ -f "$tmp/dnsmasq.pid" ] && kill "$(cat "$tmp/dnsmasq.pid")" 2>/dev/null || true
  ip link del veth_b0b0b0b0b0 2>/dev/null || true; ip netns del yoq-b0b0b0b0b0b0 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/rootfs"
bin/yoq-node --socket "$tmp/node.sock" --data-dir "$tmp/data" > "$tmp/helper.log" 2>&1 &
for _ in $(seq 100); do [ -S "$tmp/node.sock" ] && break; sleep 0.1; done
cp=$(ls node-helper/daemon/target/lib/*.jar | tr '\n' ':')
java -cp "$cp" bench/dns/Named.java "$tmp/node.sock" "$tmp/rootfs" bench-svc 10.42.252.2
sleep 0.5
grep -q "DNS resolver listening on 10.42.0.1:53" "$tmp/helper.log" || { echo "dns benchmark: yoq's resolver did not start:"; cat "$tmp/helper.log"; exit 1; }
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port=5354 \
  --host-record=bench-svc,10.42.252.2 --local-ttl=5 --cache-size=1000 --pid-file="$tmp/dnsmasq.pid" --log-facility=/dev/null &
sleep 0.5
printf 'bench-svc A\n' > "$tmp/queries"
qps() { dnsperf -q 100 -c 4 -l "${SECS:-$secs}" -d "$tmp/queries" "$@" 2>/dev/null | awk '/Queries per second/ {print $4}'; }
SECS=3 qps -s 10.42.0.1 -p 53 >/dev/null; SECS=3 qps -s 127.0.0.1 -p 5354 >/dev/null   # warm-up (JIT, caches), not counted
for round in 1 2 3; do
  qps -s 10.42.0.1 -p 53 >> "$tmp/yoq"
  qps -s 127.0.0.1 -p 5354 >> "$tmp/dnsmasq"
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %10s q/s   (rounds: %s)\n' "yoq resolver (10.42.0.1, cached name)" "$(med "$tmp/yoq")" "$(tr '\n' ' ' < "$tmp/yoq")"
printf '%-40s %10s q/s   (rounds: %s)   target: yoq >= dnsmasq\n' "dnsmasq (same record, 127.0.0.1)" "$(med "$tmp/dnsmasq")" "$(tr '\n' ' ' < "$tmp/dnsmasq")"
