#!/usr/bin/env bash
# Berth registry vs Debian's docker-registry (CNCF distribution 2.8), same users, same machine,
# one run. Measures with neutral clients (curl, wrk):
#   1. single-stream push of a 1 GiB blob: POST, PATCH (curl -T), PUT ?digest=   (MB/s, server CPU)
#   2. pull of that blob (MB/s, server CPU)
#   3. small (1 KiB) blob GETs with Basic auth (wrk, requests/s)
#   4. Berth's heap while a 4 GiB blob is pushed with -Xmx256m (must not fail)
# Storage goes to $BENCH_DIR (default: a directory in /dev/shm, so the disk is not what is
# measured; set BENCH_DIR to a disk path to include it). Usage: berth-server/bench/compare.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/scripts/find-jdk.sh"
berth_find_jdk
jar="$root/berth-cli/target/berth.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package -pl berth-cli -am)
for tool in docker-registry curl wrk htpasswd sha256sum; do
  command -v $tool >/dev/null || { echo "compare.sh: $tool is needed" >&2; exit 1; }
done
work=${BENCH_DIR:-$(mktemp -d /dev/shm/berth-bench.XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
htpasswd -B -b -c "$work/htpasswd" bench benchpw 2>/dev/null
head -c 1073741824 /dev/urandom > "$work/blob1g"
head -c 1024 /dev/urandom > "$work/small"
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/distribution}, delete: {enabled: true}}
http: {addr: 127.0.0.1:5066}
auth: {htpasswd: {realm: bench, path: $work/htpasswd}}
YML
"$JAVA_HOME/bin/java" -Xmx256m -jar "$jar" serve --listen 127.0.0.1:5055 --storage "$work/berth" \
  --htpasswd "$work/htpasswd" > "$work/berth.log" 2>&1 & pids+=($!); berth_pid=$!
docker-registry serve "$work/registry.yml" > "$work/distribution.log" 2>&1 & pids+=($!); dist_pid=$!
for port in 5055 5066; do
  for _ in $(seq 100); do curl -s -o /dev/null -u bench:benchpw http://127.0.0.1:$port/v2/ && break; sleep 0.2; done
done
pid_of() { [ "$1" = 5055 ] && echo $berth_pid || echo $dist_pid; }
name_of() { [ "$1" = 5055 ] && echo "berth       " || echo "distribution"; }
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }  # user+sys ticks (1/100 s)
abs() { case $2 in http*) echo "$2";; *) echo "http://127.0.0.1:$1$2";; esac; }
loc() { tr -d '\r' | awk 'tolower($1)=="location:"{print $2}'; }

push() {  # port file repo -> prints MB/s and server CPU seconds
  local port=$1 file=$2 repo=$3 digest size t0 t1 c0 c1 l sep code
  digest=sha256:$(sha256sum "$file" | cut -d' ' -f1); size=$(stat -c %s "$file")
  l=$(abs $port "$(curl -s -u bench:benchpw -X POST -D - -o /dev/null http://127.0.0.1:$port/v2/$repo/blobs/uploads/ | loc)")
  c0=$(cpu $(pid_of $port)); t0=$(date +%s%N)
  l=$(abs $port "$(curl -s -u bench:benchpw -D - -o /dev/null -H 'Expect:' -X PATCH -T "$file" "$l" | loc)")
  sep='?'; case $l in *\?*) sep='&';; esac
  code=$(curl -s -u bench:benchpw -o /dev/null -w '%{http_code}' -X PUT "$l${sep}digest=$digest")
  t1=$(date +%s%N); c1=$(cpu $(pid_of $port))
  [ "$code" = 201 ] || { echo "push to $port failed: $code" >&2; exit 1; }
  echo "$(name_of $port) push $(( size * 1000 / (t1 - t0) )) MB/s  (server CPU $(( (c1 - c0) * 10 )) ms)"
}
pull() {  # port file repo
  local port=$1 file=$2 repo=$3 digest c0 c1 speed
  digest=sha256:$(sha256sum "$file" | cut -d' ' -f1)
  c0=$(cpu $(pid_of $port))
  speed=$(curl -s -L -u bench:benchpw -o /dev/null -w '%{speed_download}' http://127.0.0.1:$port/v2/$repo/blobs/$digest)
  c1=$(cpu $(pid_of $port))
  echo "$(name_of $port) pull $(( ${speed%.*} / 1000000 )) MB/s  (server CPU $(( (c1 - c0) * 10 )) ms)"
}

# Warm-up: the JVM's JIT needs about a GiB of traffic before the hash loop runs at full speed.
for port in 5055 5066; do push $port "$work/blob1g" warmup > /dev/null; done
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), storage $work"
for round in 1 2; do
  for port in 5055 5066; do push $port "$work/blob1g" big$round; done
done
for port in 5055 5066; do pull $port "$work/blob1g" big1; pull $port "$work/blob1g" big1; done
auth="Authorization: Basic $(printf bench:benchpw | base64)"
small=sha256:$(sha256sum "$work/small" | cut -d' ' -f1)
for port in 5055 5066; do
  push $port "$work/small" small > /dev/null
  rps=$(wrk -t2 -c16 -d10s -H "$auth" http://127.0.0.1:$port/v2/small/blobs/$small | awk '/Requests\/sec/{print $2}')
  echo "$(name_of $port) small blob GET with Basic auth: $rps req/s"
done
# 4 GiB of zeros, streamed (chunked) without a file; the server runs with -Xmx256m.
l=$(abs 5055 "$(curl -s -u bench:benchpw -X POST -D - -o /dev/null http://127.0.0.1:5055/v2/huge/blobs/uploads/ | loc)")
zero4g=sha256:$(head -c 4294967296 /dev/zero | sha256sum | cut -d' ' -f1)
head -c 4294967296 /dev/zero | curl -s -u bench:benchpw -o /dev/null -X PATCH -T - "$l"
code=$(curl -s -u bench:benchpw -o /dev/null -w '%{http_code}' -X PUT "$l?digest=$zero4g")
echo "berth        4 GiB push with -Xmx256m: HTTP $code, peak RSS $(awk '/VmHWM/{print $2 / 1024 " MiB"}' /proc/$berth_pid/status)"
