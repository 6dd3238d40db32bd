#!/usr/bin/env bash
# L7 edge: yoq-proxy against HAProxy (the peer), same route (Host bench.local, prefix /) over the same two
# backends (HAProxy instances answering 200 "ok" themselves, one thread each), each proxy on 2 threads, in one
# run: HTTP/1.1 keep-alive plain and TLS (wrk), h2c prior knowledge and h2 over TLS (h2load); direct to backend 1
# for HTTP/1.1 plain. Every figure is a W s warm-up and then S s, 2 client threads, 32 connections (h2: 10
# streams each). Then RSS per 10,000 idle keep-alive connections of each proxy, and yoq-proxy's HTTP/1.1 plain
# once more on the parallel collector. Goal: yoq-proxy >= 1.0x HAProxy's requests/s, <= 1 ms added p99.
# Needs wrk, h2load, haproxy (scripts/install-deps) and a built tree (mvn -DskipTests install). Loopback only;
# ports 18801-18802 (backends), 18880/18843 (yoq-proxy), 18980/18981/18943 (HAProxy).
set -euo pipefail
for t in wrk h2load haproxy openssl python3 java curl ss; do
  command -v "$t" >/dev/null || { echo "edge benchmark: $t missing: run scripts/install-deps" >&2; exit 1; }
done
jar=node-helper/proxy/target/yoq-proxy.jar
[ -f "$jar" ] || { echo "edge benchmark: $jar missing: build first (mvn -DskipTests install)" >&2; exit 1; }
secs=${SECS:-10}; warm=${WARM:-5}; conns=${CONNS:-32}; idle_conns=${IDLE_CONNS:-10000}
jvm_prod=(-Xss512k -Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true)   # ProxySupervisor's
jvm_par=(-Xss512k -Xmx512m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true)
ports=(18801 18802 18880 18843 18980 18981 18943)
for p in "${ports[@]}"; do
  [ -z "$(ss -Hltn "sport = :$p")" ] || { echo "edge benchmark: port $p is in use (an earlier run still going?)" >&2; exit 1; }
done
hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=30000
ulimit -n $(( hard < 30000 ? hard : 30000 ))   # 10,000 idle connections: the client and each proxy need as many fds
[ "$(ulimit -n)" -ge $(( idle_conns + 1000 )) ] || echo "edge benchmark: ulimit -n is $(ulimit -n): the idle-connection figure will fall short" >&2

tmp=$(mktemp -d /tmp/yoq-bench-edge.XXXXXX)
pids=()
stop() {   # stop PID: TERM, up to 10 s (yoq-proxy drains for 5 s), then KILL
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
ready() {   # ready URL [curl args]: up to 20 s for a 200
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "${@:2}" "$1" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  echo "edge benchmark: $1 never answered 200" >&2; return 1
}

# Certificate (bench.local), backends, HAProxy, yoq-proxy's configuration.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.local \
  -addext subjectAltName=DNS:bench.local -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" > "$tmp/combined.pem"
for b in 1 2; do
  cat > "$tmp/backend$b.cfg" <<EOF
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend backend$b
  bind 127.0.0.1:1880$b
  http-request return status 200 content-type text/plain string "ok"
EOF
  haproxy -f "$tmp/backend$b.cfg" -db > "$tmp/backend$b.log" 2>&1 & pids+=($!)
done
# maxconn 10500: room for the 10,000 idle connections. HAProxy wants 2 fds per connection and refuses to start
# when it cannot raise its fd limit that far unless told "no strict-limits"; idle client connections need one.
cat > "$tmp/haproxy.cfg" <<EOF
global
  nbthread 2
  maxconn 10500
  no strict-limits
defaults
  mode http
  maxconn 10500
  option http-keep-alive
  timeout connect 1s
  timeout client 60s
  timeout server 5s
  timeout http-keep-alive 60s
  timeout http-request 10s
frontend edge
  bind 127.0.0.1:18980
  bind 127.0.0.1:18981 proto h2
  bind 127.0.0.1:18943 ssl crt $tmp/combined.pem alpn h2,http/1.1 ssl-min-ver TLSv1.3
  use_backend b-app if { req.hdr(host),field(1,:) -i bench.local }
  default_backend unknown-host
backend unknown-host
  http-request return status 404
backend b-app
  balance roundrobin
  http-reuse always
  server s1 127.0.0.1:18801
  server s2 127.0.0.1:18802
EOF
haproxy -f "$tmp/haproxy.cfg" -db > "$tmp/haproxy.log" 2>&1 & hap_pid=$!; pids+=($hap_pid)
python3 - "$tmp" <<'EOF'
import json, sys
d = sys.argv[1]
pem = lambda n: open(f"{d}/{n}").read()
json.dump({"generation": 1,
           "listeners": {"address": "127.0.0.1", "http": 18880, "https": 18843, "acme": 0, "tls12": False},
           "routes": [{"service": "b-app", "name": "default", "host": "bench.local", "path_prefix": "/"}],
           "upstreams": {"b-app": ["127.0.0.1:18801", "127.0.0.1:18802"]},
           "certificates": [{"domain": "bench.local", "cert_pem": pem("cert.pem"), "key_pem": pem("key.pem")}]},
          open(f"{d}/edge.json", "w"))
EOF
start_yoq() {   # start_yoq JVM-FLAGS...: yoq-proxy on the bench's configuration, 2 event-loop threads
  java "$@" -jar "$jar" --config "$tmp/edge.json" --threads 2 >> "$tmp/yoq.log" 2>&1 & yoq_pid=$!; pids+=($yoq_pid)
  ready http://127.0.0.1:18880/ -H 'Host: bench.local' || { tail -5 "$tmp/yoq.log" >&2; exit 1; }
}
ready http://127.0.0.1:18801/; ready http://127.0.0.1:18802/
ready http://127.0.0.1:18980/ -H 'Host: bench.local' || { tail -5 "$tmp/haproxy.log" >&2; exit 1; }
start_yoq "${jvm_prod[@]}"

ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms/, "", v);
  else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; printf "%.2f", v }'; }
# Each run writes "req/s p50-ms p99-ms errors" to $tmp/r.LABEL (errors: "-" when none).
run_wrk() {   # run_wrk LABEL URL [wrk args]
  wrk -t2 -c"$conns" -d"${warm}s" "${@:3}" "$2" > /dev/null 2>&1 || true
  wrk -t2 -c"$conns" -d"${secs}s" --latency "${@:3}" "$2" > "$tmp/out" 2>&1 || true
  local rps p50 p99 err
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$tmp/out")
  p50=$(ms "$(awk '$1=="50%" {print $2}' "$tmp/out")"); p99=$(ms "$(awk '$1=="99%" {print $2}' "$tmp/out")")
  err=$(awk '/Non-2xx/ {printf "non-2xx %s ", $NF} /Socket errors/ {gsub(",", ""); printf "socket connect %s read %s write %s timeout %s", $4, $6, $8, $10}' "$tmp/out")
  [ -n "$rps" ] || { err="wrk failed: $(head -c 200 "$tmp/out" | tr '\n' ' ')"; rps=0; }
  echo "$rps $p50 $p99 ${err:--}" > "$tmp/r.$1"
}
run_h2() {   # run_h2 LABEL URL (the URL names bench.local: :authority and SNI) CONNECT-TO
  h2load -t2 -c"$conns" -m10 --warm-up-time="$warm" -D "$secs" --connect-to="$3" --log-file="$tmp/h2.log" "$2" > "$tmp/out" 2>&1 || true
  local rps lat err
  rps=$(awk '/^finished in/ {gsub(",", ""); printf "%.0f", $4}' "$tmp/out")
  lat=$(python3 bench/edge/latency.py < "$tmp/h2.log" 2>/dev/null || echo "0 0")
  err=$(awk '/^requests:/ {gsub(",", ""); if ($10 + $12 + $14 > 0) printf "failed %s errored %s timeout %s ", $10, $12, $14}
             /^status codes:/ {gsub(",", ""); if ($5 + $7 + $9 > 0) printf "3xx %s 4xx %s 5xx %s", $5, $7, $9}' "$tmp/out")
  [ -n "$rps" ] || { err="h2load failed: $(head -c 200 "$tmp/out" | tr '\n' ' ')"; rps=0; }
  rm -f "$tmp/h2.log"
  echo "$rps $lat ${err:--}" > "$tmp/r.$1"
}
f() { awk -v n="$2" '{print $n}' "$tmp/r.$1"; }   # f LABEL FIELD (1 req/s, 2 p50, 3 p99)
fig() { local e; e=$(cut -d' ' -f4- "$tmp/r.$2"); printf '%s %s req/s p50 %s ms p99 %s ms%s' "$1" "$(f "$2" 1)" "$(f "$2" 2)" "$(f "$2" 3)" \
  "$([ "$e" = - ] || echo " (errors: $e)")"; }
ratio() { awk -v a="$(f "$1" 1)" -v b="$(f "$2" 1)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
added() { awk -v a="$(f "$1" "$3")" -v b="$(f "$2" "$3")" 'BEGIN { printf "%+.2f", a - b }'; }

echo "edge: backends: 2 x HAProxy 'http-request return' (1 thread each; busybox httpd measured ~370 req/s here: no keep-alive, a fork per connection)"
echo "edge: yoq-proxy (this tree) on $(java -version 2>&1 | head -1)," \
  "$(haproxy -v | head -1 | cut -d' ' -f1-3), both 2 threads; ${warm} s warm-up + ${secs} s per figure, 2 client threads, $conns connections (h2: x10 streams)"
run_wrk direct http://bench.local:18801/ -s bench/edge/sni.lua
modes=("h1 plain" "h1 TLS" "h2c" "h2 TLS")
for m in "${modes[@]}"; do
  for who in haproxy yoq; do
    if [ "$who" = yoq ]; then hp=18880; hs=18843; else hp=18980; hs=18943; fi
    case "$m" in
      "h1 plain") run_wrk "$who-$m" "http://bench.local:$hp/" -s bench/edge/sni.lua ;;
      "h1 TLS") run_wrk "$who-$m" "https://bench.local:$hs/" -s bench/edge/sni.lua ;;
      h2c) if [ "$who" = haproxy ]; then hp=18981; fi; run_h2 "$who-$m" "http://bench.local:$hp/" "127.0.0.1:$hp" ;;
      "h2 TLS") run_h2 "$who-$m" "https://bench.local:$hs/" "127.0.0.1:$hs" ;;
    esac
  done
  line="edge $m: $(fig yoq-proxy "yoq-$m") | $(fig haproxy "haproxy-$m")"
  if [ "$m" = "h1 plain" ]; then line+=" | $(fig direct direct)"; fi
  echo "$line (yoq/haproxy $(ratio "yoq-$m" "haproxy-$m")x, goal >= 1.0x)"
  if [ "$m" = "h1 plain" ]; then
    echo "edge h1 plain added over direct: yoq-proxy p50 $(added "yoq-$m" direct 2) ms p99 $(added "yoq-$m" direct 3) ms" \
      "| haproxy p50 $(added "haproxy-$m" direct 2) ms p99 $(added "haproxy-$m" direct 3) ms (goal: yoq-proxy <= 1 ms added p99)"
  fi
done

# Idle connections: one request each, then nothing; RSS of the proxy's process before and 3 s after.
idle() {   # idle NAME PORT PID
  local r
  r=$(python3 bench/edge/idle.py "$2" "$idle_conns" "$3" 2>&1) || { echo "$1: idle.py failed: $r"; return; }
  read -r before after open <<< "$r"
  awk -v n="$1" -v b="$before" -v a="$after" -v o="$open" -v c="$idle_conns" 'BEGIN {
    printf "%s %.1f MiB per 10k (RSS %.0f -> %.0f MiB, %d of %d connections open)", n, (a - b) / 1024 * 10000 / (o > 0 ? o : 1), b / 1024, a / 1024, o, c }'
}
sleep 2
y=$(idle yoq-proxy 18880 "$yoq_pid"); sleep 2; h=$(idle haproxy 18980 "$hap_pid")
echo "edge idle keep-alive connections: $y | $h"

# The collector: the same HTTP/1.1 plain run on a fresh yoq-proxy with the parallel collector and a larger heap.
stop "$yoq_pid"; cp "$tmp/r.yoq-h1 plain" "$tmp/r.serial"
start_yoq "${jvm_par[@]}"
run_wrk parallel http://bench.local:18880/ -s bench/edge/sni.lua
verdict=$(awk -v r="$(ratio parallel serial)" 'BEGIN { print (r >= 1.10 ? "clearly faster" : (r <= 0.90 ? "slower" : "no clear difference")) }')
echo "edge h1 plain, yoq-proxy on -XX:+UseParallelGC -Xmx512m: $(fig yoq-proxy parallel) ($(ratio parallel serial)x the serial collector's run: $verdict)"
grep -iE 'exception|error|refused' "$tmp/yoq.log" | sort | uniq -c | sort -rn | head -5 | sed 's/^/edge yoq-proxy log: /' || true
