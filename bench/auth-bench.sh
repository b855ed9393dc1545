#!/usr/bin/env bash
# Berth's token auth, measured on loopback in one run (issue 7's two targets):
#
#   bench/auth-bench.sh [--wrk-seconds N] [--logins N] [--berth LAUNCHER]
#
#   GET/s   small blob GETs (1 KiB) with a bearer token, against the same with HTTP Basic (whose
#           verified password is cached, so neither pays bcrypt per request); wrk, 2 threads, 16 conns
#   login   the server time of the token flow `docker login` runs, per login, for users who have
#           not logged in before (so each one pays bcrypt at cost 10, berth user's default):
#             GET /v2/ → 401, GET /token?offline_token=true with Basic → token + refresh token,
#             GET /v2/ with the token → 200
#           server time = curl's time_starttransfer - time_pretransfer, summed over the 3 requests;
#           and the real docker CLI's wall time for the same login (client included), median
#
# Secrets stay out of argv (curl -K files, wrk Lua scripts, passwords on stdin). Everything started
# is killed and the temp directory removed on exit.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="bench/auth-bench.sh${*:+ $*}"
berth_cmd="$root/berth"
wrk_seconds=5
logins=10
while [ $# -gt 0 ]; do
  case "$1" in
    --wrk-seconds) wrk_seconds=${2:?}; shift 2 ;;
    --logins) logins=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) sed -n '4p' "$0" | sed 's/^#   //'; exit 0 ;;
    *) echo "auth-bench: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for n in "$wrk_seconds" "$logins"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "auth-bench: not a positive number: $n" >&2; exit 2; }
done
need() { command -v "$1" >/dev/null 2>&1 || { echo "auth-bench: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need curl curl; need wrk wrk; need python3 python3; need docker docker-ce-cli

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-auth-bench.XXXXXX")
chmod 700 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

log "building berth if needed..."
"$berth_cmd" --help > "$work/build.log" 2>&1 || true
SECONDS=0

# --- users: berth user add (bcrypt cost 10), passwords on stdin ---
storage=$work/storage
umask 077
for i in $(seq 0 "$logins"); do
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/pw$i"
  "$berth_cmd" user add "user$i" --password-stdin --storage "$storage" < "$work/pw$i" > /dev/null
  printf 'user = "user%s:%s"\n' "$i" "$(cat "$work/pw$i")" > "$work/curl-auth$i"
done
umask 022
printf 'rules:\n  - repositories: ["**"]\n    users: ["*"]\n    actions: [pull, push]\n' > "$work/rules.yml"

port=$(free_port)
"$berth_cmd" serve --listen "127.0.0.1:$port" --storage "$storage" --htpasswd "$storage/htpasswd" \
  --rules "$work/rules.yml" > "$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 300); do
  grep -q 'listening on' "$work/serve.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done

# --- a small blob, pushed with Basic ---
head -c 1024 /dev/urandom > "$work/small"
digest="sha256:$(sha256sum "$work/small" | cut -d' ' -f1)"
code=$(curl -s -o /dev/null -w '%{http_code}' -K "$work/curl-auth0" -X POST --data-binary @"$work/small" \
  -H 'Content-Type: application/octet-stream' "$base/v2/bench/small/blobs/uploads/?digest=$digest")
[ "$code" = 201 ] || { log "auth-bench: push of the small blob answered $code"; exit 1; }

# --- wrk headers: Basic, and a bearer token for pull on the repository ---
umask 077
printf 'wrk.headers["Authorization"] = "Basic %s"\n' "$(printf 'user0:%s' "$(cat "$work/pw0")" | base64 -w0)" > "$work/basic.lua"
token=$(curl -s -K "$work/curl-auth0" "$base/token?service=berth&scope=repository:bench/small:pull" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" > "$work/bearer.lua"
umask 022

gets() {  # lua seconds → req/s
  local out
  out=$(wrk -t2 -c16 -d"${2}s" -s "$1" "$base/v2/bench/small/blobs/$digest" 2>&1)
  if grep -q 'Non-2xx' <<<"$out"; then log "auth-bench: wrk saw non-2xx answers:"; echo "$out" >&2; exit 1; fi
  # The rate from the request count and the seconds given: one run printed a Requests/sec of 1.8e18.
  awk -v s="$2" '/ requests in / { printf "%.0f", $1 / s; exit }' <<<"$out"
}
log "warm-up: 2 s of each..."
gets "$work/basic.lua" 2 > /dev/null
gets "$work/bearer.lua" 2 > /dev/null
log "small GETs, ${wrk_seconds}s each, alternating (basic, bearer, basic, bearer)..."
basic1=$(gets "$work/basic.lua" "$wrk_seconds"); bearer1=$(gets "$work/bearer.lua" "$wrk_seconds")
basic2=$(gets "$work/basic.lua" "$wrk_seconds"); bearer2=$(gets "$work/bearer.lua" "$wrk_seconds")

# --- the login flow's server time, one new user per login ---
server_ms() {  # curl args... → server milliseconds of one request
  curl -s -o /dev/null -w '%{time_pretransfer} %{time_starttransfer}\n' "$@" \
    | python3 -c 'import sys; a,b=map(float,sys.stdin.read().split()); print(f"{(b-a)*1000:.2f}")'
}
log "login flow server time for $logins users..."
declare -a flows
for i in $(seq 1 "$logins"); do
  a=$(server_ms "$base/v2/")
  b=$(server_ms -K "$work/curl-auth$i" "$base/token?service=berth&offline_token=true&client_id=docker&account=user$i")
  tok=$(curl -s -K "$work/curl-auth$i" "$base/token?service=berth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  printf 'header = "Authorization: Bearer %s"\n' "$tok" > "$work/curl-bearer"
  c=$(server_ms -K "$work/curl-bearer" "$base/v2/")
  flows+=("$(python3 -c "print(f'{$a + $b + $c:.1f}')")")
done

# --- the real docker CLI, wall time, new users again (their caches are cold: add them now) ---
log "docker login wall time..."
mkdir -p "$work/docker-bin" "$work/docker-home"
ln -s "$(command -v docker)" "$work/docker-bin/docker"
declare -a walls
for i in $(seq 1 "$logins"); do
  name="docker$i"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/dpw$i"
  "$berth_cmd" user add "$name" --password-stdin --storage "$storage" < "$work/dpw$i" > /dev/null
done
sleep 1.2   # the server re-reads the users file within a second
for i in $(seq 1 "$logins"); do
  t0=$(date +%s%N)
  env -i HOME="$work/docker-home" PATH="$work/docker-bin" DOCKER_CONFIG="$work/docker-home/.docker" \
    docker login "127.0.0.1:$port" -u "docker$i" --password-stdin < "$work/dpw$i" > /dev/null 2>&1 \
    || { log "auth-bench: docker login failed"; exit 1; }
  t1=$(date +%s%N)
  walls+=("$(( (t1 - t0) / 1000000 ))")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "auth-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $invocation"
printf '%-58s %s\n' "small blob GET, Basic (cached password) (req/s)" "$basic1 $basic2"
printf '%-58s %s\n' "small blob GET, Bearer token (req/s)" "$bearer1 $bearer2"
printf '%-58s %s\n' "bearer/basic" "$(python3 -c "print(f'{($bearer1 + $bearer2) / ($basic1 + $basic2):.2f}x')")"
printf '%-58s %s ms (all: %s)\n' "docker login token flow, server time, median of $logins" "$(median "${flows[@]}")" "${flows[*]}"
printf '%-58s %s ms (all: %s)\n' "docker login (real CLI) wall time, median of $logins" "$(median "${walls[@]}")" "${walls[*]}"
