#!/usr/bin/env bash
# L7 edge: yoq-proxy against HAProxy (the peer) with the same route (Host bench.local, prefix /) over the same two
# backends (HAProxy instances answering 200 "ok" themselves, one thread each), each proxy on 2 threads, in one run:
# HTTP/1.1 keep-alive plain and TLS (wrk), h2c prior knowledge and h2 over TLS (h2load); direct to backend 1 for
# HTTP/1.1 plain. Every figure is a WARM s warm-up and then SECS s, 2 client threads, 32 connections (h2: 10 streams
# each); ROUNDS (default 1) interleaved rounds give medians. Those runs saturate the host, so latency is also
# measured at a fixed rate (h2load --h1, 32 connections x RATE req/s, default 100: 3,200 req/s) for "added".
# yoq-proxy first gets a JIT warm-up of JIT_WARM s per mode after its start (it is a long-lived process; HAProxy
# needs none). CPU per request is the serving process's own. Then RSS per 10,000 idle keep-alive connections of
# each proxy, and yoq-proxy's HTTP/1.1 plain on the parallel collector against its production flags
# (a second JVM, GC_ROUNDS alternating rounds). Goal: >= 1.0x HAProxy's requests/s, <= 1 ms added p99.
# Needs wrk, h2load, haproxy (scripts/install-deps) and a built tree (mvn -DskipTests install). Loopback only;
# ports 18801-18802 (backends), 18880/18843 and 18890/18853 (yoq-proxy), 18980/18981/18943 (HAProxy).
set -euo pipefail
for t in wrk h2load haproxy openssl python3 java curl ss; do
  command -v "$t" >/dev/null || { echo "edge benchmark: $t missing: run scripts/install-deps" >&2; exit 1; }
done
jar=node-helper/proxy/target/yoq-proxy.jar
[ -f "$jar" ] || { echo "edge benchmark: $jar missing: build first (mvn -DskipTests install)" >&2; exit 1; }
secs=${SECS:-10}; warm=${WARM:-5}; jit_warm=${JIT_WARM:-5}; rounds=${ROUNDS:-1}; gc_rounds=${GC_ROUNDS:-2}; rate=${RATE:-100}
conns=${CONNS:-32}; idle_conns=${IDLE_CONNS:-10000}
jvm_prod=(-Xss512k -Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true)   # ProxySupervisor's
jvm_par=(-Xss512k -Xmx512m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true)
for p in 18801 18802 18880 18843 18890 18853 18980 18981 18943; do
  [ -z "$(ss -Hltn "sport = :$p")" ] || { echo "edge benchmark: port $p is in use (an earlier run still going?)" >&2; exit 1; }
done
hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=30000
ulimit -n $(( hard < 30000 ? hard : 30000 ))   # 10,000 idle connections: the client and each proxy need as many fds
[ "$(ulimit -n)" -ge $(( idle_conns + 1000 )) ] || echo "edge benchmark: ulimit -n is $(ulimit -n): the idle-connection figure will fall short" >&2

tmp=$(mktemp -d /tmp/yoq-bench-edge.XXXXXX)
pids=(); backend_pid=()
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
# The jar and its lib/ as they are now: a rebuild during the run must not change what is measured.
mkdir -p "$tmp/proxy"; cp "$jar" "$tmp/proxy/"; cp -r "$(dirname "$jar")/lib" "$tmp/proxy/"
jar_info="built $(date -u -r "$jar" '+%F %T') UTC, sha256 $(sha256sum "$jar" | cut -c1-12)"
jar=$tmp/proxy/yoq-proxy.jar

# Certificate (bench.local), backends, HAProxy.
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
  haproxy -f "$tmp/backend$b.cfg" -db > "$tmp/backend$b.log" 2>&1 & pids+=($!); backend_pid[$b]=$!
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

conf() {   # conf FILE HTTP-PORT HTTPS-PORT: yoq-proxy's configuration, as the server would send it
  python3 - "$tmp" "$@" <<'PY'
import json, sys
d, out, http, https = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pem = lambda n: open(f"{d}/{n}").read()
json.dump({"generation": 1,
           "listeners": {"address": "127.0.0.1", "http": http, "https": https, "acme": 0, "tls12": False},
           "routes": [{"service": "b-app", "name": "default", "host": "bench.local", "path_prefix": "/"}],
           "upstreams": {"b-app": ["127.0.0.1:18801", "127.0.0.1:18802"]},
           "certificates": [{"domain": "bench.local", "cert_pem": pem("cert.pem"), "key_pem": pem("key.pem")}]},
          open(out, "w"))
PY
}
start_yoq() {   # start_yoq NAME HTTP HTTPS JVM-FLAGS...: a yoq-proxy (2 event-loop threads), JIT-warmed; its pid in $started
  conf "$tmp/$1.json" "$2" "$3"
  java "${@:4}" -Xlog:gc:file="$tmp/gc-$1.log" -jar "$jar" --config "$tmp/$1.json" --threads 2 >> "$tmp/yoq.log" 2>&1 &
  started=$!; pids+=($started)
  ready "http://127.0.0.1:$2/" -H 'Host: bench.local' || { tail -5 "$tmp/yoq.log" >&2; exit 1; }
  [ "$jit_warm" -gt 0 ] || return 0
  for sp in "http:$2" "https:$3"; do
    wrk -t2 -c"$conns" -d"${jit_warm}s" -s bench/edge/sni.lua "${sp%:*}://bench.local:${sp#*:}/" > /dev/null 2>&1 || true
    h2load -t2 -c"$conns" -m10 -D "$jit_warm" --connect-to="127.0.0.1:${sp#*:}" "${sp%:*}://bench.local:${sp#*:}/" > /dev/null 2>&1 || true
  done
}
gc_pauses() {   # gc_pauses NAME: the pauses in that JVM's -Xlog:gc so far
  awk '/Pause/ { v = $NF; sub(/ms/, "", v); n++; t += v; if (v > m) m = v }
       END { printf "%d GC pauses, %.0f ms in all, longest %.1f ms", n, t, m }' "$tmp/gc-$1.log"
}
ready http://127.0.0.1:18801/; ready http://127.0.0.1:18802/
ready http://127.0.0.1:18980/ -H 'Host: bench.local' || { tail -5 "$tmp/haproxy.log" >&2; exit 1; }
echo "edge: backends: 2 x HAProxy 'http-request return', 1 thread each (chosen over busybox httpd: ~370 req/s on the 2-core reference host, no keep-alive, a fork per connection)"
echo "edge: yoq-proxy ($jar_info) on $(java -version 2>&1 | head -1), $(haproxy -v | head -1 | cut -d' ' -f1-3), both 2 threads;" \
  "${warm} s warm-up + ${secs} s per figure, $rounds round(s), 2 client threads, $conns connections (h2: x10 streams);" \
  "yoq-proxy JIT-warmed ${jit_warm} s per mode after start; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_yoq serial 18880 18843 "${jvm_prod[@]}"; yoq_pid=$started

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # ticks PID: user + system CPU, clock ticks
cpu_us() {   # cpu_us TICKS-DELTA REQUESTS: CPU microseconds per request
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }'; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms/, "", v);
  else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; printf "%.2f", v }'; }
# Each run appends "req/s p50-ms p99-ms cpu-us/req errors" to $tmp/r.LABEL, a line per round (errors: "-" when
# none); cpu: the serving process's (proxy's, or the backend's for direct) CPU time per answered request.
run_wrk() {   # run_wrk LABEL PID URL [wrk args]
  wrk -t2 -c"$conns" -d"${warm}s" "${@:4}" "$3" > /dev/null 2>&1 || true
  local rps p50 p99 err t0 cpu
  t0=$(ticks "$2")
  wrk -t2 -c"$conns" -d"${secs}s" --latency "${@:4}" "$3" > "$tmp/out" 2>&1 || true
  cpu=$(cpu_us $(( $(ticks "$2") - t0 )) "$(awk '/requests in/ {print $1}' "$tmp/out")")
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$tmp/out")
  p50=$(ms "$(awk '$1=="50%" {print $2}' "$tmp/out")"); p99=$(ms "$(awk '$1=="99%" {print $2}' "$tmp/out")")
  err=$(awk '/Non-2xx/ {printf "non-2xx %s ", $NF}
             /Socket errors/ {gsub(",", ""); printf "socket errors connect %s read %s write %s timeout %s", $4, $6, $8, $10}' "$tmp/out")
  [ -n "$rps" ] || { err="wrk failed: $(head -c 100 "$tmp/out" | tr '\n' ' ')"; rps=0; }
  echo "$rps $p50 $p99 $cpu ${err:--}" >> "$tmp/r.$1"
}
run_h2() {   # run_h2 LABEL PID URL (naming bench.local: :authority and SNI) CONNECT-TO
  h2load -t2 -c"$conns" -m10 -D "$warm" --connect-to="$4" "$3" > /dev/null 2>&1 || true
  local t0 cpu
  t0=$(ticks "$2")
  h2load -t2 -c"$conns" -m10 -D "$secs" --connect-to="$4" --log-file="$tmp/h2.log" "$3" > "$tmp/out" 2>&1 || true
  cpu=$(cpu_us $(( $(ticks "$2") - t0 )) "$(awk '/^requests:/ {print $8}' "$tmp/out")")
  h2_record "$1" "$cpu"
}
h2_record() {   # h2_record LABEL CPU: h2load's figures in $tmp/out and $tmp/h2.log, appended to $tmp/r.LABEL
  local rps lat err
  rps=$(awk '/^finished in/ {gsub(",", ""); printf "%.0f", $4}' "$tmp/out")
  lat=$(python3 bench/edge/latency.py < "$tmp/h2.log" 2>/dev/null || echo "0 0")
  err=$(awk '/^requests:/ {gsub(",", ""); if ($10 + $12 + $14 > 0) printf "failed %s errored %s timeout %s ", $10, $12, $14}
             /^status codes:/ {gsub(",", ""); if ($5 + $7 + $9 > 0) printf "3xx %s 4xx %s 5xx %s", $5, $7, $9}' "$tmp/out")
  [ -n "$rps" ] || { err="h2load failed: $(head -c 100 "$tmp/out" | tr '\n' ' ')"; rps=0; }
  rm -f "$tmp/h2.log"
  echo "$rps $lat $2 ${err:--}" >> "$tmp/r.$1"
}
run_rate() {   # run_rate LABEL PID PORT: HTTP/1.1 keep-alive at a fixed request rate
  h2load --h1 -t2 -c"$conns" -m1 --rps="$rate" -D "$secs" --connect-to="127.0.0.1:$3" --log-file="$tmp/h2.log" \
    "http://bench.local:$3/" > "$tmp/out" 2>&1 || true
  h2_record "$1" -
}
f() { sort -n -k"$2" "$tmp/r.$1" | awk -v k="$2" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }   # f LABEL FIELD: median
fig() {   # fig NAME LABEL: medians (req/s, p50, p99, cpu), each round's req/s when there are several, every error count
  local e r
  e=$(cut -d' ' -f5- "$tmp/r.$2" | grep -v '^-$' | paste -sd';' - || true)
  r=$(awk '{r = r (NR > 1 ? " / " : "") $1} END {print (NR < 2 ? "-" : r)}' "$tmp/r.$2")
  printf '%s%s req/s p50 %s ms p99 %s ms cpu %s us/req%s%s' "$1" "$(f "$2" 1)" "$(f "$2" 2)" "$(f "$2" 3)" "$(f "$2" 4)" \
    "$([ "$r" = - ] || echo " (rounds $r)")" "$([ -z "$e" ] || echo " (ERRORS: $e)")"
}
ratio() { awk -v a="$(f "$1" 1)" -v b="$(f "$2" 1)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
added() { awk -v a="$(f "$1" "$3")" -v b="$(f "$2" "$3")" 'BEGIN { printf "%+.2f", a - b }'; }

modes=("h1 plain" "h1 TLS" "h2c" "h2 TLS")
for _ in $(seq "$rounds"); do
  run_wrk direct "${backend_pid[1]}" http://bench.local:18801/ -s bench/edge/sni.lua
  for m in "${modes[@]}"; do
    for who in haproxy yoq; do
      if [ "$who" = yoq ]; then hp=18880; hs=18843; pid=$yoq_pid; else hp=18980; hs=18943; pid=$hap_pid; fi
      case "$m" in
        "h1 plain") run_wrk "$who-$m" "$pid" "http://bench.local:$hp/" -s bench/edge/sni.lua ;;
        "h1 TLS") run_wrk "$who-$m" "$pid" "https://bench.local:$hs/" -s bench/edge/sni.lua ;;
        h2c) if [ "$who" = haproxy ]; then hp=18981; fi; run_h2 "$who-$m" "$pid" "http://bench.local:$hp/" "127.0.0.1:$hp" ;;
        "h2 TLS") run_h2 "$who-$m" "$pid" "https://bench.local:$hs/" "127.0.0.1:$hs" ;;
      esac
    done
  done
  run_rate rate-direct "${backend_pid[1]}" 18801; run_rate rate-haproxy "$hap_pid" 18980; run_rate rate-yoq "$yoq_pid" 18880
done
for m in "${modes[@]}"; do
  line="edge $m: $(fig 'yoq-proxy ' "yoq-$m") | $(fig 'haproxy ' "haproxy-$m")"
  if [ "$m" = "h1 plain" ]; then line+=" | $(fig 'direct ' direct)"; fi
  echo "$line (yoq/haproxy $(ratio "yoq-$m" "haproxy-$m")x, goal >= 1.0x)"
  if [ "$m" = "h1 plain" ]; then
    echo "edge h1 plain added over direct, saturated (direct runs faster, so this is mostly queueing): yoq-proxy p50 $(added "yoq-$m" direct 2) ms" \
      "p99 $(added "yoq-$m" direct 3) ms | haproxy p50 $(added "haproxy-$m" direct 2) ms p99 $(added "haproxy-$m" direct 3) ms"
    lat() { printf '%s p50 %s ms p99 %s ms' "$1" "$(f "$2" 2)" "$(f "$2" 3)"; }
    e=$(cut -d' ' -f5- "$tmp"/r.rate-* | grep -v '^-$' | paste -sd';' - || true)
    echo "edge h1 plain at a fixed $(f rate-direct 1) req/s ($conns connections x $rate/s): $(lat yoq-proxy rate-yoq) | $(lat haproxy rate-haproxy)" \
      "| $(lat direct rate-direct); added over direct: yoq-proxy p50 $(added rate-yoq rate-direct 2) ms p99 $(added rate-yoq rate-direct 3) ms" \
      "| haproxy p50 $(added rate-haproxy rate-direct 2) ms p99 $(added rate-haproxy rate-direct 3) ms (goal: yoq-proxy <= 1 ms added p99)$([ -z "$e" ] || echo " (ERRORS: $e)")"
  fi
done
echo "edge yoq-proxy, production flags, from its start to here: $(gc_pauses serial)"

# Idle connections: one request each, then nothing; RSS of the proxy's process before and 3 s after. For the JVM
# also its live heap (after a full GC) before and with the connections open: its RSS depends on how much of the
# heap earlier garbage had already touched. (The default initial heap is 1/64 of the RAM capped at -Xmx, so on
# hosts of 16 GiB or more the heap cannot shrink and these full GCs do not disturb the RSS figures.)
live_heap() { jcmd "$1" GC.run > /dev/null 2>&1 && jstat -gc "$1" | awk 'NR == 2 { printf "%.0f", $3 + $4 + $6 + $8 }'; }   # KiB
idle() {   # idle NAME PORT PID [COMMAND to run with the connections open; prints the live heap]
  local r before after open with base=""
  if [ $# -gt 3 ]; then base=$(live_heap "$3" || true); fi
  r=$(python3 bench/edge/idle.py "$2" "$idle_conns" "$3" "${@:4}" 2>&1) || { echo "$1: idle.py failed: $r"; return; }
  read -r before after open with <<< "$r"
  awk -v n="$1" -v b="$before" -v a="$after" -v o="$open" -v c="$idle_conns" 'BEGIN {
    printf "%s %.1f MiB per 10k (RSS %.0f -> %.0f MiB, %d of %d connections open)", n, (a - b) / 1024 * 10000 / (o > 0 ? o : 1), b / 1024, a / 1024, o, c }'
  if [ -n "$base" ] && [ -n "${with:-}" ] && [ "$with" != - ]; then
    awk -v w="$with" -v b="$base" -v o="$open" 'BEGIN {
      printf ", live heap %.1f MiB per 10k (%.0f -> %.0f MiB)", (w - b) / 1024 * 10000 / (o > 0 ? o : 1), b / 1024, w / 1024 }'
  fi
}
sleep 2
if command -v jcmd > /dev/null && command -v jstat > /dev/null; then
  y=$(idle yoq-proxy 18880 "$yoq_pid" "$(declare -f live_heap); live_heap $yoq_pid")
else
  y=$(idle yoq-proxy 18880 "$yoq_pid")
fi
sleep 2; h=$(idle haproxy 18980 "$hap_pid")
echo "edge idle keep-alive connections: $y | $h"

# The collector: a second yoq-proxy on the parallel collector and a larger heap, JIT-warmed the same way;
# HTTP/1.1 plain in rounds alternating with the production one.
start_yoq parallel 18890 18853 "${jvm_par[@]}"; par_pid=$started
for _ in $(seq "$gc_rounds"); do
  run_wrk gc-serial "$yoq_pid" http://bench.local:18880/ -s bench/edge/sni.lua
  run_wrk gc-parallel "$par_pid" http://bench.local:18890/ -s bench/edge/sni.lua
done
verdict=$(awk -v r="$(ratio gc-parallel gc-serial)" 'BEGIN { print (r >= 1.10 ? "faster by over 10 %" : (r <= 0.90 ? "slower by over 10 %" : "within 10 %")) }')
echo "edge h1 plain by collector: yoq-proxy -XX:+UseParallelGC -Xmx512m $(fig '' gc-parallel)" \
  "| production flags (serial, -Xmx256m) $(fig '' gc-serial) (parallel/serial $(ratio gc-parallel gc-serial)x: $verdict, see the rounds;" \
  "GC over each JVM's life: serial $(gc_pauses serial), parallel $(gc_pauses parallel))"
# What yoq-proxy logged on the way (both JVMs), counted by kind.
grep -iE 'exception|error|refused|reset|timed out' "$tmp/yoq.log" | sed -E 's/^[0-9TZ:.-]+ yoq-proxy //; s/127\.0\.0\.[0-9]+(:[0-9]+)?/127.0.0.x/g' \
  | sort | uniq -c | sort -rn | head -5 | awk '{ c = $1; $1 = ""; printf "edge yoq-proxy log: %d x%s\n", c, $0 }' || true
echo "edge: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
