#!/usr/bin/env bash
# How long `berth login` takes beyond the registry's own round trips, beside `docker login`.
#
#   bench/login-time.sh [--runs N] [--berth LAUNCHER]
#
# A local `berth serve` (htpasswd user, random password) is the registry. hyperfine runs each login
# N times (default 20) after 3 unmeasured runs; the script prints the medians:
#   round trips        curl doing what a login does on the wire with berth serve's token auth (the
#                      default): GET /v2/ (401 and its challenge), GET /token with Basic credentials
#                      and offline_token (a signed token and a refresh token, stored by the server),
#                      GET /v2/ again: one curl process, the three requests
#   berth → encrypted  `berth login` storing in Berth's encrypted store (docker-credential-berth on PATH)
#   berth → file       `berth login --store file` (config.json in plain text)
#   docker login       the docker CLI 28 (client-side login, config.json in plain text)
# "client" = median − round trips: the time spent in the client rather than waiting for the registry.
# Passwords reach every client on stdin or from a 0600 file, never argv. Everything started is
# killed by PID and the temp directory removed on exit.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="bench/login-time.sh${*:+ $*}"
berth_cmd="$root/berth"
runs=20

usage() { sed -n '4p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "login-time: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "login-time: not a positive number: $runs" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "login-time: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need hyperfine hyperfine; need jq jq; need curl curl; need htpasswd apache2-utils; need docker docker-ce-cli

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-login-bench.XXXXXX")
chmod 700 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" DOCKER_CONFIG="$work/home/.docker" BERTH_AGENT=off
unset BERTH_CREDENTIALS_DIR XDG_RUNTIME_DIR REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG
mkdir -p "$HOME" "$work/bin"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" > "$work/password"
printf '%s\n' "$password" | htpasswd -iBc "$work/users" bench 2>/dev/null

echo "login-time: building and starting berth serve, installing docker-credential-berth..." >&2
"$berth_cmd" helper install --dir "$work/bin" >&2
"$berth_cmd" serve --listen 127.0.0.1:0 --storage "$work/storage" --htpasswd "$work/users" > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.1; done
host=$(sed -n 's|.*listening on http://\([^ ]*\).*|\1|p' "$work/serve.log" | head -1)
[ -n "$host" ] || { echo "login-time: berth serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
ln -s "$(command -v docker)" "$work/bin/docker"
printf 'user = "bench:%s"\n' "$password" > "$work/curl.cfg"

java_home=$(sed -n 's|^exec \([^ ]*\)/bin/java .*|\1|p' "$work/bin/docker-credential-berth")
commands=(
  -n "round trips" "curl -s -o /dev/null http://$host/v2/ --next -s -o /dev/null -K $work/curl.cfg 'http://$host/token?service=berth&offline_token=true&client_id=berth' --next -s -o /dev/null http://$host/v2/"
  -n "berth → encrypted" "PATH=$work/bin:/usr/bin:/bin $berth_cmd login $host -u bench --password-stdin < $work/password"
  -n "berth → file" "PATH=/usr/bin:/bin $berth_cmd login $host -u bench --password-stdin --store file < $work/password"
)
commands+=(-n "docker login" "PATH=$work/bin DOCKER_HOST=unix://$work/none.sock docker login $host -u bench --password-stdin < $work/password")
# --store file and the encrypted store take turns on one config.json: each run starts from an empty one
hyperfine --style basic --warmup 3 --runs "$runs" --prepare "rm -f $DOCKER_CONFIG/config.json" \
  --export-json "$work/result.json" "${commands[@]}" >&2

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$work/result.json"; }
trips=$(median "round trips")
echo
echo "login-time $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $invocation"
echo "JDK: $(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$java_home/release"); $runs runs each after 3 unmeasured; registry: berth serve on $host"
printf '%-20s %12s %12s\n' "login" "median (ms)" "client (ms)"
jq -r '.results[].command' "$work/result.json" | while read -r name; do
  m=$(median "$name")
  if [ "$name" = "round trips" ]; then
    printf '%-20s %12.1f %12s\n' "$name" "$m" "-"
  else
    printf '%-20s %12.1f %12.1f\n' "$name" "$m" "$(awk -v a="$m" -v b="$trips" 'BEGIN { print a - b }')"
  fi
done
