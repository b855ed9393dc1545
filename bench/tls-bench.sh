#!/usr/bin/env bash
# Berth over TLS against Berth over plain HTTP, one run, same machine, a neutral client (curl):
# single-stream push and pull of a random blob through each TLS engine berth serve offers.
#
#   bench/tls-bench.sh [--blob-mib N] [--runs N] [--berth LAUNCHER]
#
# Per variant (plain HTTP; --tls auto with --tls-engine jdk; --tls auto with --tls-engine openssl):
#   warm-up  a 256 MiB push and pull, not measured (the JIT compiles the paths first)
#   push     POST, then PUT ?digest= of a new random blob (default 1 GiB) with curl -T; best of N
#   pull     GET of the first blob to /dev/null, after one unmeasured GET; best of N
# Every run is printed, then a table with each TLS variant's ratio to plain HTTP. The access log is
# off in every variant, so only the transport differs. curl trusts the registry's own CA
# (--cacert <storage>/tls/ca.crt): nothing is insecure. Loopback only.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="bench/tls-bench.sh${*:+ $*}"
berth_cmd="$root/berth"
blob_mib=1024
runs=3
warm_mib=256
budget_seconds=400

usage() { sed -n '5p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --blob-mib) blob_mib=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tls-bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$blob_mib" "$runs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "tls-bench: not a positive number: $n" >&2; exit 2; }
done
need() { command -v "$1" >/dev/null 2>&1 || { echo "tls-bench: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need curl curl; need htpasswd apache2-utils; need sha256sum coreutils; need python3 python3

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-tls-bench.XXXXXX")
chmod 700 "$work"
pids=()
watchdog=""
cleanup() {
  local pid
  if [ -n "$watchdog" ]; then
    pkill -P "$watchdog" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "tls-bench: interrupted" >&2; exit 130' INT TERM
echo "tls-bench: building berth if needed ($berth_cmd --help)..." >&2
"$berth_cmd" --help > "$work/berth-build.log" 2>&1 || true
SECONDS=0
( sleep "$budget_seconds"; echo "tls-bench: over the ${budget_seconds}s budget, stopping" >&2; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

# shellcheck source=registries.sh
. "$root/bench/registries.sh"
make_users

log "preparing $runs random blobs of ${blob_mib} MiB..."
declare -a digests
for i in $(seq "$runs"); do
  head -c "$((blob_mib * 1024 * 1024))" /dev/urandom > "$work/blob$i"
  digests[i]="sha256:$(sha256sum "$work/blob$i" | cut -d' ' -f1)"
done
head -c "$((warm_mib * 1024 * 1024))" /dev/urandom > "$work/warm"
warm_digest="sha256:$(sha256sum "$work/warm" | cut -d' ' -f1)"
bytes=$((blob_mib * 1024 * 1024))
sync

# curl options for the variant being measured: its CA for TLS
curl_tls=()

start_variant() {  # name [serve options...]; sets base and server_pid
  local name=$1 port dir line deadline
  shift
  dir=$work/$name
  mkdir -p "$dir/storage"
  port=$(free_port)
  "$berth_cmd" serve --listen "127.0.0.1:$port" --storage "$dir/storage" --htpasswd "$work/htpasswd" \
    --access-log off --audit-log off --no-metrics "$@" > "$dir/log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  deadline=$((SECONDS + 60)); line=""
  while [ $SECONDS -lt $deadline ]; do
    line=$(grep -Eo 'listening on https?://[^ ]*' "$dir/log" | head -n1 || true)
    [ -n "$line" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$line" ] || { log "tls-bench: $name did not start:"; tail -n 15 "$dir/log" >&2; exit 1; }
  base=${line#listening on }
  curl_tls=()
  [ -f "$dir/storage/tls/ca.crt" ] && curl_tls=(--cacert "$dir/storage/tls/ca.crt")
  grep '^TLS: ' "$dir/log" | head -n1 | sed "s/^/  [$name] /" >&2 || true
  local code
  for _ in $(seq 100); do
    code=$(curl -s "${curl_tls[@]}" -o /dev/null -w '%{http_code}' -K "$work/curl-auth" "$base/v2/" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  log "tls-bench: $name: GET /v2/ answered ${code:-nothing}"; exit 1
}

upload_url() {  # repo digest
  local location
  location=$(curl -s "${curl_tls[@]}" -o /dev/null -D - -X POST -K "$work/curl-auth" "$base/v2/$1/blobs/uploads/" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: *//p' | head -n1)
  [ -n "$location" ] || { log "tls-bench: no upload Location"; exit 1; }
  case "$location" in http*) ;; *) location="$base$location" ;; esac
  with_digest "$location" "$2"
}

push() {  # repo file digest bytes → MB/s
  local out code seconds
  out=$(curl -s "${curl_tls[@]}" -o /dev/null -K "$work/curl-auth" -X PUT -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -T "$2" --max-time 120 -w '%{http_code} %{time_total}' \
    "$(upload_url "$1" "$3")")
  read -r code seconds <<<"$out"
  [ "$code" = 201 ] || { log "tls-bench: push answered $code"; exit 1; }
  python3 -c "print(f'{$4 / $seconds / 1e6:.0f}')"
}

pull() {  # repo digest bytes → MB/s
  local out code seconds size
  out=$(curl -s "${curl_tls[@]}" -o /dev/null -K "$work/curl-auth" --max-time 120 \
    -w '%{http_code} %{time_total} %{size_download}' "$base/v2/$1/blobs/$2")
  read -r code seconds size <<<"$out"
  [ "$code" = 200 ] && [ "$size" = "$3" ] || { log "tls-bench: pull answered $code with $size bytes"; exit 1; }
  python3 -c "print(f'{$3 / $seconds / 1e6:.0f}')"
}

best() { printf '%s\n' "$@" | sort -n | tail -n1; }
declare -A result
variants=(plain tls-jdk tls-openssl)
for v in "${variants[@]}"; do
  case "$v" in
    plain) start_variant "$v" ;;
    tls-jdk) start_variant "$v" --tls auto --tls-engine jdk ;;
    tls-openssl) start_variant "$v" --tls auto --tls-engine openssl ;;
  esac
  log "[$v] $base: warm-up (not measured)..."
  push bench/warm "$work/warm" "$warm_digest" "$((warm_mib * 1024 * 1024))" > /dev/null
  pull bench/warm "$warm_digest" "$((warm_mib * 1024 * 1024))" > /dev/null
  pushes=(); pulls=()
  for i in $(seq "$runs"); do
    log "[$v] push ${blob_mib} MiB ($i/$runs)..."
    pushes+=("$(push "bench/blob$i" "$work/blob$i" "${digests[i]}" "$bytes")")
  done
  pull bench/blob1 "${digests[1]}" "$bytes" > /dev/null
  for i in $(seq "$runs"); do
    log "[$v] pull ${blob_mib} MiB ($i/$runs)..."
    pulls+=("$(pull bench/blob1 "${digests[1]}" "$bytes")")
  done
  result[$v,push]=$(best "${pushes[@]}"); result[$v,pull]=$(best "${pulls[@]}")
  result[$v,pushes]="${pushes[*]}"; result[$v,pulls]="${pulls[*]}"
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
done

ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
printf 'tls-bench %s on %s cores, load average %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'command: %s\n' "$invocation"
for v in "${variants[@]}"; do
  printf 'runs %-12s push %s / pull %s\n' "$v:" "${result[$v,pushes]}" "${result[$v,pulls]}"
done
printf '%-34s %10s %10s %12s %10s %12s\n' "metric (MB/s, best of $runs)" plain tls-jdk "jdk/plain" tls-openssl "openssl/plain"
for m in push pull; do
  printf '%-34s %10s %10s %12s %10s %12s\n' "$m ${blob_mib} MiB, one stream" "${result[plain,$m]}" \
    "${result[tls-jdk,$m]}" "$(ratio "${result[tls-jdk,$m]}" "${result[plain,$m]}")" \
    "${result[tls-openssl,$m]}" "$(ratio "${result[tls-openssl,$m]}" "${result[plain,$m]}")"
done
