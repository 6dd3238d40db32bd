#!/usr/bin/env bash
# Apps: time from POST /apps/apply of a 20-service app (no health checks, image present: a rootfs) to all 20
# running, next to the compose-equivalent start of the same 20 containers with podman (20 `podman run -d` at
# once) in the same run; and an apply of the unchanged manifest (target < 200 ms, nothing restarted).
# Needs root, podman and busybox-static and a built tree. podman's crun refuses this hybrid cgroup host unless
# cgroup2 is hidden, so podman runs in a private mount namespace with /sys/fs/cgroup/unified unmounted.
set -euo pipefail
reps=${REPS:-3}
[ "$(id -u)" -eq 0 ] || { echo "apps benchmark: needs root"; exit 0; }
for t in podman /bin/busybox curl; do command -v "$t" >/dev/null || { echo "apps benchmark: $t missing"; exit 0; }; done
wlp=liberty-config/target/liberty/wlp
servers=$wlp/usr/servers
tmp=$(mktemp -d /tmp/yoq-bench-apps.XXXXXX)
export YOQ_SERVER_NAME=yoqbenchapps YOQ_API_PORT=7798 YOQ_HOME=$tmp/home YOQ_NODE_SOCKET=$tmp/node.sock YOQ_API_RATE_LIMIT=0
api=http://127.0.0.1:7798
cleanup() {
  curl -s -X POST -H "Authorization: Bearer $(cat "$YOQ_HOME/api_token" 2>/dev/null)" "$api/apps/benchapp/down" >/dev/null 2>&1 || true
  bin/yoq server stop >/dev/null 2>&1 || true
  pkill -f "yoq-node.jar --socket $tmp/node.sock" 2>/dev/null || true
  rm -rf "$servers/yoqbenchapps" "$tmp"
}
trap cleanup EXIT
rm -rf "$servers/yoqbenchapps"; mkdir -p "$servers/yoqbenchapps/apps"
for f in server.xml common.xml jvm.options bootstrap.properties server.env apps/yoq-ear.ear; do
  cp "$servers/yoq/$f" "$servers/yoqbenchapps/$f"
done
rootfs=$tmp/rootfs
scripts/demo-rootfs "$rootfs" >/dev/null
tar -C "$rootfs" -c . | podman import - localhost/yoq-bench-busybox:latest >/dev/null 2>&1

manifest() {   # $1: parallelism
  echo 'app = "benchapp"'
  for i in $(seq -w 1 20); do
    printf '[service.s%s]\nimage = "%s"\ncommand = ["sh", "-c", "trap '"'"'exit 0'"'"' TERM; sleep 100000 & wait"]\n' "$i" "$rootfs"
    [ "$1" = 1 ] || printf '[service.s%s.rollout]\nparallelism = %s\n' "$i" "$1"
  done
}
snapshot() {   # the manifest's snapshot, as `yoq up` sends it
  manifest "$1" > "$tmp/manifest.toml"
  java -cp "$(ls cli/target/lib/*.jar | tr '\n' ':')" bench/apps/Snapshot.java "$tmp/manifest.toml" > "$tmp/snapshot-$1.json"
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bin/yoq server start >/dev/null 2>&1
token=$(cat "$YOQ_HOME/api_token")
apply() {   # prints ms and checks the status
  local t0; t0=$(date +%s%N)
  local out; out=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary "@$1" "$api/apps/apply")
  local took; took=$(ms "$t0")
  echo "$out" | grep -q '"status":"completed"' || { echo "apply failed: $out" >&2; exit 1; }
  echo "$took"
}
running() { bin/yoq --server 127.0.0.1:7798 --json ps | grep -o '"status":"running"' | wc -l; }
down() { curl -s -X POST -H "Authorization: Bearer $token" "$api/apps/benchapp/down" >/dev/null; }

for p in 1 20; do snapshot "$p"; done
apply "$tmp/snapshot-1.json" >/dev/null; down   # warm-up (JIT, first container)
: > "$tmp/seq"; : > "$tmp/par"; : > "$tmp/same"; : > "$tmp/podman"
for r in $(seq "$reps"); do
  apply "$tmp/snapshot-1.json" >> "$tmp/seq"
  [ "$(running)" = 20 ] || { echo "not all 20 running" >&2; exit 1; }
  ids_before=$(bin/yoq --server 127.0.0.1:7798 --json ps | md5sum)
  apply "$tmp/snapshot-1.json" >> "$tmp/same"
  [ "$(bin/yoq --server 127.0.0.1:7798 --json ps | md5sum)" = "$ids_before" ] || { echo "the unchanged apply restarted something" >&2; exit 1; }
  down
  apply "$tmp/snapshot-20.json" >> "$tmp/par"
  down
  # all of podman's part in one private mount namespace: its network namespaces are mounted there
  unshare -m --propagation private sh -c "umount /sys/fs/cgroup/unified && t0=\$(date +%s%N) && seq -w 1 20 | xargs -P 20 -I{} \
    podman run -d --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --name yoqbench{} localhost/yoq-bench-busybox:latest \
    sh -c 'sleep 100000' >/dev/null && echo \$(( (\$(date +%s%N) - t0) / 1000000 )) >> $tmp/podman && \
    [ \$(podman ps -q --filter name=yoqbench | wc -l) = 20 ] && podman rm -f -t 0 \$(podman ps -aq --filter name=yoqbench) >/dev/null" \
    || { echo "podman did not start 20 containers" >&2; exit 1; }
done
printf '%-62s %8s ms   (median of %s; target < 2000 ms)\n' "yoq: apply 20 services, default rolling (1 per batch)" "$(median < "$tmp/seq")" "$reps"
printf '%-62s %8s ms\n' "yoq: apply 20 services, parallelism 20" "$(median < "$tmp/par")"
printf '%-62s %8s ms\n' "podman: 20 x 'podman run -d' at once (compose-equivalent)" "$(median < "$tmp/podman")"
printf '%-62s %8s ms   (target < 200 ms, nothing restarted)\n' "yoq: apply of the unchanged manifest" "$(median < "$tmp/same")"
