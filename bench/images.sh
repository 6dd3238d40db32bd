#!/usr/bin/env bash
# Image pull: a 5-layer, ~200 MB image (random data, made here with umoci, pushed with skopeo) from a local
# docker-registry into an empty store, unpacked: `yoq pull` (through the server and the helper) against
# `skopeo copy docker://… oci:…` + `umoci unpack` in the same run, interleaved. Then a re-pull of the image
# already present (POST /images/pull timed with curl: no blob transfers; target < 100 ms).
# Needs root, docker-registry, skopeo, umoci and a built tree.
set -euo pipefail
runs=${RUNS:-3}
[ "$(id -u)" -eq 0 ] || { echo "images benchmark: needs root"; exit 0; }
for t in docker-registry skopeo umoci; do command -v "$t" >/dev/null || { echo "images benchmark: $t missing"; exit 0; }; done
wlp=liberty-config/target/liberty/wlp
servers=$wlp/usr/servers
tmp=$(mktemp -d /tmp/yoq-bench-img.XXXXXX)
export YOQ_SERVER_NAME=yoqbenchimg YOQ_API_PORT=7798 YOQ_HOME=$tmp/home YOQ_NODE_SOCKET=$tmp/node.sock YOQ_API_RATE_LIMIT=0
cleanup() {
  bin/yoq server stop >/dev/null 2>&1 || true
  pkill -f "yoq-node.jar --socket $tmp/node.sock" 2>/dev/null || true
  pkill -f "docker-registry serve $tmp/registry.yml" 2>/dev/null || true
  rm -rf "$servers/yoqbenchimg" "$tmp"
}
trap cleanup EXIT
rm -rf "$servers/yoqbenchimg"; mkdir -p "$servers/yoqbenchimg/apps"
for f in server.xml common.xml jvm.options bootstrap.properties server.env apps/yoq-ear.ear; do
  cp "$servers/yoq/$f" "$servers/yoqbenchimg/$f"
done
port=5099
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/storage\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' "$tmp" "$port" > "$tmp/registry.yml"
docker-registry serve "$tmp/registry.yml" > "$tmp/registry.log" 2>&1 &
sleep 0.5
(cd "$tmp" && umoci init --layout oci && umoci new --image oci:t
 for i in 1 2 3 4 5; do
   umoci unpack --image oci:t bundle >/dev/null
   head -c 40000000 /dev/urandom > "bundle/rootfs/data-$i.bin"
   umoci repack --image oci:t bundle >/dev/null && rm -rf bundle
 done
 skopeo copy --quiet --dest-tls-verify=false oci:oci:t "docker://127.0.0.1:$port/bench/big:1")
image=127.0.0.1:$port/bench/big:1
bin/yoq server start >/dev/null 2>&1
token=$(cat "$YOQ_HOME/api_token")
ms() { local s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
for i in $(seq "$runs"); do
  bin/yoq rmi "$image" >/dev/null 2>&1 || true; bin/yoq prune >/dev/null
  ms bin/yoq pull "$image" >> "$tmp/yoq"
  rm -rf "$tmp/peer"; mkdir -p "$tmp/peer"
  ms sh -c "skopeo copy --quiet --src-tls-verify=false docker://$image oci:$tmp/peer/oci:t && umoci unpack --image $tmp/peer/oci:t $tmp/peer/bundle" >> "$tmp/peer.ms"
done
for i in $(seq 10); do
  ms curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"reference\":\"$image\"}" "http://127.0.0.1:7798/images/pull" >> "$tmp/again"
done
printf '%-44s %s\n' "yoq pull (5 layers, 200 MB, unpacked)" "$(python3 bench/stats.py < "$tmp/yoq")"
printf '%-44s %s\n' "skopeo copy + umoci unpack (peer)" "$(python3 bench/stats.py < "$tmp/peer.ms")"
printf '%-44s %s\n' "re-pull, image present (API)" "$(python3 bench/stats.py < "$tmp/again")   (target < 100 ms)"
