#!/usr/bin/env bash
# Container lifecycle latency, yoq against crun and runc in ONE interleaved run (bench/runtime/Lifecycle.java),
# plus memory: yoq-init RSS per container and the helper's RSS. Needs root, crun, runc, busybox-static and a
# built tree. crun refuses this hybrid cgroup host unless cgroup2 is hidden, so the harness runs in a private
# mount namespace with /sys/fs/cgroup/unified unmounted (see STACK-NOTES); the helper and server run outside.
set -euo pipefail
runs=${RUNS:-200}
[ "$(id -u)" -eq 0 ] || { echo "runtime benchmark: needs root"; exit 0; }
for t in crun runc /bin/busybox; do command -v "$t" >/dev/null || { echo "runtime benchmark: $t missing (apt-get install crun runc busybox-static)"; exit 0; }; done
wlp=liberty-config/target/liberty/wlp
servers=$wlp/usr/servers
tmp=$(mktemp -d /tmp/yoq-bench-rt.XXXXXX)
# The API's 50 requests/s per address limit would throttle the loop itself: off for this server only.
export YOQ_SERVER_NAME=yoqbenchrt YOQ_API_PORT=7797 YOQ_HOME=$tmp/home YOQ_NODE_SOCKET=$tmp/node.sock YOQ_API_RATE_LIMIT=0
cleanup() {
  # remove the containers first (the CLI rounds leave exited ones): their network namespaces must not outlive $tmp
  for id in $(bin/yoq ps --json 2>/dev/null | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]' 2>/dev/null); do
    bin/yoq stop "$id" >/dev/null 2>&1 || true; bin/yoq rm "$id" >/dev/null 2>&1 || true
  done
  bin/yoq server stop >/dev/null 2>&1 || true
  pkill -f "yoq-node.jar --socket $tmp/node.sock" 2>/dev/null || true
  rm -rf "$servers/yoqbenchrt" "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
rm -rf "$servers/yoqbenchrt"; mkdir -p "$servers/yoqbenchrt/apps"
for f in server.xml common.xml jvm.options bootstrap.properties server.env apps/yoq-ear.ear; do
  cp "$servers/yoq/$f" "$servers/yoqbenchrt/$f"
done

rootfs=$tmp/rootfs; mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/"; ln -s busybox "$rootfs/bin/true"; ln -s busybox "$rootfs/bin/sh"
bundle=$tmp/bundle; mkdir -p "$bundle"; cp -a "$rootfs" "$bundle/rootfs"
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"))
PY

bin/yoq server start >/dev/null 2>&1
token=$(cat "$YOQ_HOME/api_token")
cp=$(ls node-helper/daemon/target/lib/*.jar | tr '\n' ':')
unshare -m --propagation private sh -c "umount /sys/fs/cgroup/unified && \
  exec java -cp '$cp' bench/runtime/Lifecycle.java '$YOQ_NODE_SOCKET' '$rootfs' '$bundle' 7797 '$token' $runs '$PWD/bin/yoq'"

# Memory: a container that sleeps, its yoq-init's RSS, and the helper's RSS after the whole run.
id=$(bin/yoq --server 127.0.0.1:7797 run -d "$rootfs" sh -c 'sleep 30')
sleep 0.5
init_pid=$(python3 -c "import json;print(json.load(open('$YOQ_HOME/containers/$id/running.json'))['init_pid'])")
init_rss=$(awk '/VmRSS/ {print $2}' "/proc/$init_pid/status")
helper_pid=$(pgrep -f "yoq-node.jar --socket $tmp/node.sock" | head -1)
helper_rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$helper_pid/status")
printf '%-34s %s\n' "yoq-init RSS per container" "${init_rss} KiB   (target < 1024 KiB)"
printf '%-34s %s\n' "yoq-node (helper) RSS" "${helper_rss} MiB"
bin/yoq --server 127.0.0.1:7797 stop "$id" >/dev/null
