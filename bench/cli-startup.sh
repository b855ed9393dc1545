#!/usr/bin/env bash
# cli-startup: how long the everyday client commands take from start to exit, Berth (through the
# ./berth launcher, as a user runs it) against the docker CLI, measured by hyperfine in one run.
#
#   bench/cli-startup.sh                      # 30 runs per command after 3 warm-ups
#   bench/cli-startup.sh --runs 50
#   bench/cli-startup.sh --berth /path/to/other/berth   # another launcher or build (e.g. an older one)
#
# Commands: `images` (a store with one image, two names), `tag`, and `login` to a local
# `berth serve` (loopback only; the server caches a verified password, so bcrypt is paid once, in
# the warm-up). docker has no daemon here: `docker images` and `docker tag` fail at once, after
# the CLI's whole start-up and its attempt to reach the daemon socket, which is what is compared.
# Berth is measured with its start-up cache (the default) and without it (BERTH_NO_AOT=1).
# Target: each Berth command at most 150 ms (median).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
berth_cmd=$here/../berth
runs=30
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "$2"); shift 2 ;;
    *) echo "usage: $0 [--runs N] [--berth PATH]" >&2; exit 2 ;;
  esac
done
for tool in hyperfine docker htpasswd curl; do
  command -v "$tool" >/dev/null || { echo "cli-startup: $tool is missing (apt-get install hyperfine apache2-utils curl; docker-ce-cli)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "$@" >&2; }

# Berth built and its start-up cache recorded (not timed).
"$berth_cmd" --version >/dev/null

# One HOME for both: docker's and Berth's config in it, docker alone on PATH (no credential
# helper it could pick by itself), Berth's image store under XDG_DATA_HOME.
export HOME=$work/home DOCKER_CONFIG=$work/home/.docker XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$HOME" "$DOCKER_CONFIG" "$work/bin"
ln -s "$(command -v docker)" "$work/bin/docker"
docker_cmd=$work/bin/docker
export DOCKER_HOST=unix://$work/no-daemon.sock

# A small image as `docker save` writes it: one layer, a config naming it, two names.
img=$work/img
mkdir -p "$img/rootfs"
head -c 200000 /dev/urandom >"$img/rootfs/data"
tar --sort=name --mtime=2024-01-01 --owner=0 --group=0 -cf "$img/layer.tar" -C "$img/rootfs" .
diff_id=$(sha256sum "$img/layer.tar" | cut -d' ' -f1)
cat >"$img/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"2024-03-01T10:00:00Z","config":{"Cmd":["/data"]},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"2024-03-01T10:00:00Z","created_by":"bench"}]}
EOF
echo '[{"Config":"config.json","RepoTags":["bench/app:1","127.0.0.1:5000/bench/app:1"],"Layers":["layer.tar"]}]' >"$img/manifest.json"
tar -cf "$work/app.tar" -C "$img" manifest.json config.json layer.tar
"$berth_cmd" load -i "$work/app.tar" >/dev/null

# A registry to log in to: berth serve on a free loopback port, one user from htpasswd -B.
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" >"$work/password"
htpasswd -iBc "$work/htpasswd" bench <"$work/password" 2>/dev/null
umask 077
"$berth_cmd" serve --listen 127.0.0.1:0 --storage "$work/storage" --htpasswd "$work/htpasswd" >"$work/serve.log" 2>&1 &
server_pid=$!
umask 022
registry=""
for _ in $(seq 300); do
  registry=$(sed -n 's|.*listening on http://\([^ ]*\).*|\1|p' "$work/serve.log" 2>/dev/null | head -n1)
  [ -n "$registry" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$registry" ] || { log "cli-startup: berth serve did not start:"; cat "$work/serve.log" >&2; exit 1; }

csv=$work/results.csv
bench() {  # name, then commands for hyperfine
  local name=$1; shift
  hyperfine --style none --warmup 3 --runs "$runs" --ignore-failure --export-csv "$work/$name.csv" "$@" >/dev/null
  tail -n +2 "$work/$name.csv" | sed "s/^/$name,/" >>"$csv"
}
: >"$csv"
b="$berth_cmd"
d="$docker_cmd"
bench images "$b images" "BERTH_NO_AOT=1 $b images" "$d images"
bench tag "$b tag bench/app:1 bench/app:2" "BERTH_NO_AOT=1 $b tag bench/app:1 bench/app:2" "$d tag bench/app:1 bench/app:2"
bench login "$b login $registry -u bench --password-stdin <$work/password" \
  "BERTH_NO_AOT=1 $b login $registry -u bench --password-stdin <$work/password" \
  "$d login $registry -u bench --password-stdin <$work/password"

# The table: medians in ms (hyperfine's CSV is in seconds).
cores=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "cli-startup $(date -u +%Y-%m-%dT%H:%MZ) on $cores cores, load average $load; $("$docker_cmd" --version)"
echo "command: bench/cli-startup.sh --runs $runs --berth $berth_cmd"
printf '%-8s %12s %12s %14s %12s   %s\n' "command" "berth (ms)" "berth CPU" "no cache (ms)" "docker (ms)" "berth <= 150 ms"
status=0
for name in images tag login; do
  med() { awk -F, -v n="$name" -v i="$1" '$1 == n { row++; if (row == i) printf "%.0f", $5 * 1000 }' "$csv"; }
  cpu() { awk -F, -v n="$name" -v i="$1" '$1 == n { row++; if (row == i) printf "%.0f", ($6 + $7) * 1000 }' "$csv"; }
  berth_ms=$(med 1); berth_cpu=$(cpu 1); nocache_ms=$(med 2); docker_ms=$(med 3)
  verdict=yes
  if [ "$berth_ms" -gt 150 ]; then verdict=NO; status=1; fi
  printf '%-8s %12s %12s %14s %12s   %s\n' "$name" "$berth_ms" "$berth_cpu" "$nocache_ms" "$docker_ms" "$verdict"
done
echo "(wall: median of $runs runs after 3 warm-ups; CPU: mean user+system; docker images/tag fail for want"
echo " of a daemon, after their full start-up; the machine's other load inflates wall times, not CPU)"
exit $status
