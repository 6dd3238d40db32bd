#!/usr/bin/env bash
# CLI start-up: `yoq version` (what users type all day) against the JVM's own floor with the same flags, and
# `docker --version` (a Go CLI) when the machine has one. Runs are interleaved so machine noise hits all alike.
set -euo pipefail
runs=${RUNS:-30}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ms() { local s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; echo $(( ($(date +%s%N) - s) / 1000000 )); }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
have_docker=$(command -v docker >/dev/null && echo yes || echo no)
bin/yoq version >/dev/null   # warm the page cache once
for _ in $(seq "$runs"); do
  ms bin/yoq version >> "$tmp/yoq"
  ms "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -version >> "$tmp/jvm"
  [ "$have_docker" = yes ] && ms docker --version >> "$tmp/docker"
done
printf '%-34s %s\n' "yoq version" "$(python3 bench/stats.py < "$tmp/yoq")   (target < 400 ms)"
printf '%-34s %s\n' "java -version (JVM floor, same flags)" "$(python3 bench/stats.py < "$tmp/jvm")"
if [ "$have_docker" = yes ]; then
  printf '%-34s %s\n' "docker --version (peer)" "$(python3 bench/stats.py < "$tmp/docker")"
else
  printf '%-34s %s\n' "docker --version (peer)" "not installed here"
fi
