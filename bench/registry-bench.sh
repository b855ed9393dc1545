#!/usr/bin/env bash
# Berth vs. CNCF distribution (Debian's docker-registry 2.8), same machine, same users, one run,
# neutral clients only (curl, wrk). Loopback only. Prints a side-by-side table with ratios.
#
#   bench/registry-bench.sh [--only berth|distribution] [--blob-mib N] [--big-mib N] [--wrk-seconds N] [--berth LAUNCHER]
#
# Measures, per registry:
#   warm-up (not measured) a 256 MiB push and pull and 2 s of wrk, so neither server is judged cold
#           (Berth's JIT is still compiling its upload path during the first hundreds of MiB)
#   push    single-stream push of a random blob (default 1 GiB): POST, then PUT ?digest= with curl -T;
#           the best of 3 pushes, each of a new blob to its own repository (all 3 are printed)
#   first pull  GET of each blob right after its push, nothing in between (a CI job that pushes and
#           then deploys): the best of the 3
#   pull    GET of the first pushed blob again, the best of 3 (both servers have read it once by then)
#   GET/s   requests per second for a small blob GET with HTTP Basic auth (wrk, 2 threads, 16 conns)
#   RSS     the server's max resident set while a big blob (default 4 GiB) is streamed in as one PATCH
#   heap    (Berth) max used Java heap during that push, sampled with jstat
# Secrets stay out of argv: curl reads its user from a -K config file, wrk its header from a Lua
# script, htpasswd its password from stdin; all three files are 0600 in the run's temp directory.
# Everything it starts is killed and its temp directory removed on exit, whatever happens.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="${TMPDIR:+TMPDIR=$TMPDIR }bench/registry-bench.sh${*:+ $*}"   # TMPDIR decides what storage is measured
berth_cmd="$root/berth"   # --berth: another launcher, e.g. an installed or older build
only=""
blob_mib=1024
big_mib=4096
wrk_seconds=5
warm_mib=256
runs=3               # measured pushes and pulls per server; the table shows the best (the 2 cores are
                     # shared with other jobs, which only ever slow a run down), and prints them all
budget_seconds=300   # hard stop for the whole run (building the jar excluded); a normal run takes < 3 min

usage() { sed -n '5p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:?}; shift 2 ;;
    --blob-mib) blob_mib=${2:?}; shift 2 ;;
    --big-mib) big_mib=${2:?}; shift 2 ;;
    --wrk-seconds) wrk_seconds=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "registry-bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$only" in ""|berth|distribution) ;; *) echo "registry-bench: --only takes berth or distribution, got: $only" >&2; exit 2 ;; esac
for n in "$blob_mib" "$big_mib" "$wrk_seconds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "registry-bench: not a positive number: $n" >&2; exit 2; }
done

need() { command -v "$1" >/dev/null 2>&1 || { echo "registry-bench: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need curl curl; need wrk wrk; need htpasswd apache2-utils; need sha256sum coreutils; need python3 python3
[ "$only" = berth ] || need docker-registry docker-registry

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench.XXXXXX")   # TMPDIR=/dev/shm: measure the registries, not the disk
chmod 700 "$work"
pids=()   # servers and samplers we started; killed by PID on exit
watchdog=""
cleanup() {
  local pid
  if [ -n "$watchdog" ]; then
    pkill -P "$watchdog" 2>/dev/null || true   # its sleep
    kill "$watchdog" 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "registry-bench: interrupted" >&2; exit 130' INT TERM
# Pulled bytes go to a null device. A /dev/null that is a regular file (something deleted the device
# and a redirection re-created it) would have curl write every pulled GiB into memory, which costs it
# more than receiving it: use a private null device then (root only), or refuse.
sink=/dev/null
if [ ! -c /dev/null ]; then
  sink=$work/null
  if ! mknod -m 600 "$sink" c 1 3 2>/dev/null || [ ! -c "$sink" ]; then
    echo "registry-bench: /dev/null is not the null device (a regular file?), so pulls would be measured writing into memory; restore it as root: rm /dev/null; mknod -m 666 /dev/null c 1 3" >&2
    exit 1
  fi
  echo "registry-bench: warning: /dev/null is not the null device (a regular file?); pulls go to a private one ($sink). As root, rm /dev/null; mknod -m 666 /dev/null c 1 3 restores it" >&2
fi
if [ "$only" != distribution ]; then
  # Build the jar now (the launcher rebuilds when stale), so the clock does not include it.
  echo "registry-bench: building berth if needed ($berth_cmd --help)..." >&2
  "$berth_cmd" --help > "$work/berth-build.log" 2>&1 || true
  SECONDS=0
fi
# Watchdog: the run is bounded even if a server hangs.
( sleep "$budget_seconds"; echo "registry-bench: over the ${budget_seconds}s budget, stopping" >&2; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

# shellcheck source=registries.sh
. "$root/bench/registries.sh"
make_users

# --- content ---
log "preparing $runs random blobs of ${blob_mib} MiB and the digest of ${big_mib} MiB of zeros..."
declare -a blob_digests
for i in $(seq "$runs"); do   # a new blob per push, as a new layer is: no run finds its blob already stored
  head -c "$((blob_mib * 1024 * 1024))" /dev/urandom > "$work/blob$i"
  blob_digests[i]="sha256:$(sha256sum "$work/blob$i" | cut -d' ' -f1)"
done
blob_bytes=$((blob_mib * 1024 * 1024))
big_bytes=$((big_mib * 1024 * 1024))
big_digest="sha256:$(head -c "$big_bytes" /dev/zero | sha256sum | cut -d' ' -f1)"
head -c 1024 /dev/urandom > "$work/small"
head -c "$((warm_mib * 1024 * 1024))" /dev/urandom > "$work/warm"
warm_digest="sha256:$(sha256sum "$work/warm" | cut -d' ' -f1)"
small_digest="sha256:$(sha256sum "$work/small" | cut -d' ' -f1)"
sync   # the blobs just written would otherwise be written back to disk during the measured pushes

# POST, then PUT ?digest= with the file as the body; prints MB/s (1 MB = 10^6 bytes).
push_file() {  # repo file digest bytes
  local url out code seconds
  url=$(with_digest "$(start_upload "$1")" "$3")
  out=$(curl -s -o /dev/null -K "$work/curl-auth" -X PUT -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -T "$2" --max-time 120 \
    -w '%{http_code} %{time_total}' "$url")
  read -r code seconds <<<"$out"
  [ "$code" = 201 ] || { log "registry-bench: push of $2 answered $code"; exit 1; }
  python3 -c "print(f'{$4 / $seconds / 1e6:.0f}')"
}

pull_blob() {  # repo digest bytes → MB/s
  local out code seconds size
  out=$(curl -s -o "$sink" -K "$work/curl-auth" --max-time 120 \
    -w '%{http_code} %{time_total} %{size_download}' "$base/v2/$1/blobs/$2")
  read -r code seconds size <<<"$out"
  [ "$code" = 200 ] && [ "$size" = "$3" ] \
    || { log "registry-bench: pull of $2 answered $code with $size bytes"; exit 1; }
  python3 -c "print(f'{$3 / $seconds / 1e6:.0f}')"
}

small_gets() {  # repo seconds → requests/s
  local out rps
  out=$(wrk -t2 -c16 -d"${2}s" -s "$work/wrk-auth.lua" "$base/v2/$1/blobs/$small_digest" 2>&1)
  if grep -q 'Non-2xx' <<<"$out"; then
    log "registry-bench: wrk saw non-2xx answers:"; printf '%s\n' "$out" | sed 's/^/    /' >&2; exit 1
  fi
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
  [ -n "$rps" ] || { log "registry-bench: no wrk result:"; printf '%s\n' "$out" >&2; exit 1; }
  printf '%.0f' "$rps"
}

# Streams big_bytes of zeros as one chunked PATCH (as docker does), then closes with PUT ?digest=;
# samples the server's RSS (and, for Berth, its used heap) meanwhile. Prints "rssMiB heapMiB|-".
big_push_memory() {  # name repo
  local upload code sampler jstat_pid="" heap="-" rss
  upload=$(start_upload "$2")
  ( while kill -0 "$server_pid" 2>/dev/null; do ps -o rss= -p "$server_pid"; sleep 0.2; done ) \
    > "$work/$1-rss" 2>/dev/null &
  sampler=$!
  pids+=("$sampler")
  if [ "$1" = berth ] && [ -x "${JAVA_HOME:-}/bin/jstat" ]; then
    "$JAVA_HOME/bin/jstat" -gc "$server_pid" 250 > "$work/$1-jstat" 2>&1 &
    jstat_pid=$!
    pids+=("$jstat_pid")
  fi
  code=$(head -c "$big_bytes" /dev/zero | curl -s -o "$work/$1-patch" -K "$work/curl-auth" \
    -X PATCH -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding: chunked' -H 'Expect:' \
    -T - -D "$work/$1-patch-headers" --max-time 150 -w '%{http_code}' "$upload")
  [ "$code" = 202 ] || { log "registry-bench: big PATCH answered $code"; cat "$work/$1-patch" >&2; exit 1; }
  upload=$(tr -d '\r' < "$work/$1-patch-headers" | sed -n 's/^[Ll]ocation: *//p' | head -n1)
  case "$upload" in http*) ;; *) upload="$base$upload" ;; esac
  code=$(curl -s -o /dev/null -K "$work/curl-auth" -X PUT --max-time 60 -w '%{http_code}' \
    "$(with_digest "$upload" "$big_digest")")
  [ "$code" = 201 ] || { log "registry-bench: closing PUT of the big blob answered $code"; exit 1; }
  kill "$sampler" 2>/dev/null || true
  [ -n "$jstat_pid" ] && kill "$jstat_pid" 2>/dev/null || true
  sleep 0.3
  rss=$(sort -n "$work/$1-rss" | tail -n1)
  if [ -n "$jstat_pid" ]; then
    # Used heap = survivor + eden + old "used" columns (KB), whatever the collector.
    heap=$(awk 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
                col["EU"] && $1 ~ /^[0-9.]+$/ { u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (u > m) m = u }
                END { if (m) printf "%.0f", m / 1024; else print "-" }' "$work/$1-jstat")
  fi
  printf '%s %s' "$((rss / 1024))" "$heap"
}

best() { printf '%s\n' "$@" | sort -n | tail -n1; }

declare -A result
measure() {  # name
  local name=$1 repo=bench/blob i
  local -a pushes=() firsts=() pulls=()
  if [ "$name" = berth ]; then start_berth; else start_distribution; fi
  log "[$name] $base: warm-up (not measured): push and pull ${warm_mib} MiB, 2 s of small GETs..."
  push_file bench/warm "$work/warm" "$warm_digest" "$((warm_mib * 1024 * 1024))" > /dev/null
  pull_blob bench/warm "$warm_digest" "$((warm_mib * 1024 * 1024))" > /dev/null
  push_file "$repo" "$work/small" "$small_digest" 1024 > /dev/null
  small_gets "$repo" 2 > /dev/null
  for i in $(seq "$runs"); do
    log "[$name] push ${blob_mib} MiB, then pull it at once ($i/$runs)..."
    pushes+=("$(push_file "$repo$i" "$work/blob$i" "${blob_digests[i]}" "$blob_bytes")")
    firsts+=("$(pull_blob "$repo$i" "${blob_digests[i]}" "$blob_bytes")")
  done
  for i in $(seq "$runs"); do
    log "[$name] pull ${blob_mib} MiB ($i/$runs)..."
    pulls+=("$(pull_blob "${repo}1" "${blob_digests[1]}" "$blob_bytes")")
  done
  result[$name,push]=$(best "${pushes[@]}")
  result[$name,first]=$(best "${firsts[@]}")
  result[$name,pull]=$(best "${pulls[@]}")
  result[$name,pushes]="${pushes[*]}"
  result[$name,firsts]="${firsts[*]}"
  result[$name,pulls]="${pulls[*]}"
  log "[$name] small GETs with Basic auth for ${wrk_seconds}s..."
  result[$name,rps]=$(small_gets "$repo" "$wrk_seconds")
  log "[$name] memory while ${big_mib} MiB are pushed..."
  read -r result[$name,rss] result[$name,heap] <<<"$(big_push_memory "$name" bench/big)"
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work/$name/storage"   # free the disk before the next server
  sync                           # and let the file system finish freeing it (discards) before then
}

if [ "$only" != berth ]; then measure distribution; fi
if [ "$only" != distribution ]; then
  # shellcheck source=../scripts/find-jdk.sh
  . "$root/scripts/find-jdk.sh"; berth_find_jdk || true
  measure berth
fi

ratio() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$1" != - ] && [ "$2" != - ] && [ "$2" != 0 ] \
  && python3 -c "print(f'{$1 / $2:.2f}x')" || printf -- '-'; }
row() {  # label key
  local d=${result[distribution,$2]:--} b=${result[berth,$2]:--}
  printf '%-44s %14s %14s %10s\n' "$1" "$d" "$b" "$(ratio "$b" "$d")"
}
echo
echo "registry-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg): $(docker-registry --version 2>/dev/null | awk '{print $NF}' || true)"
echo "command: $invocation"
echo "push / first pull / pull: best of $runs after an unmeasured warm-up (distribution: ${result[distribution,pushes]:--} / ${result[distribution,firsts]:--} / ${result[distribution,pulls]:--}; berth: ${result[berth,pushes]:--} / ${result[berth,firsts]:--} / ${result[berth,pulls]:--})"
printf '%-44s %14s %14s %10s\n' "metric" "distribution" "berth" "berth/dist"
row "push ${blob_mib} MiB, one stream (MB/s)" push
row "pull ${blob_mib} MiB right after its push (MB/s)" first
row "pull ${blob_mib} MiB again (MB/s)" pull
row "small blob GET, Basic auth (req/s)" rps
row "max RSS while pushing ${big_mib} MiB (MiB)" rss
row "max used heap while pushing ${big_mib} MiB (MiB)" heap
