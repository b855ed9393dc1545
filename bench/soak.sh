#!/usr/bin/env bash
# Legitimate traffic under hostile load (issue 12), Berth and CNCF distribution (Debian's
# docker-registry 2.8) in one run, the same users, the same clients. Loopback only.
#
#   bench/soak.sh [--seconds N] [--only berth|distribution] [--idle N] [--slow N] [--guessers N] [--abandon-rate N] [--berth LAUNCHER]
#
# Per registry, for N seconds (default 30, so the whole run takes about a minute and a half):
#   legit    two users' clients, paced (50 ms between operations), timing each operation:
#              login  GET /v2/ with Basic credentials on a new connection (as `docker login`)
#              push   POST upload, PUT a new 64 KiB blob with ?digest=, PUT a manifest
#              pull   GET a pushed manifest, GET its blob
#   hostile  at the same time: 500 connections that stay idle, 200 that send their headers one
#            byte a second, 16 loops of wrong passwords (for the legitimate user and for users
#            that do not exist), and upload sessions opened and abandoned at 20/s by another
#            user. A connection the server closes is opened again at once.
# It prints p50, p99 and max latency (ms) of the legitimate operations, their errors, what the
# attackers got, and how many files each storage holds after the run.
# Both servers run with their defaults (Berth as `./berth serve` runs it); distribution as in
# registry-bench.sh. Secrets stay out of argv (credential files, 0600). Everything it starts is
# killed by PID and its temp directory removed on exit; a watchdog bounds the whole run.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="bench/soak.sh${*:+ $*}"
berth_cmd="$root/berth"
only=""
seconds=30
idle=500
slow=200
guessers=16
abandon_rate=20

usage() { sed -n '5p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --idle) idle=${2:?}; shift 2 ;;
    --slow) slow=${2:?}; shift 2 ;;
    --guessers) guessers=${2:?}; shift 2 ;;
    --abandon-rate) abandon_rate=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$only" in ""|berth|distribution) ;; *) echo "soak: --only takes berth or distribution, got: $only" >&2; exit 2 ;; esac
for n in "$seconds" "$idle" "$slow" "$guessers" "$abandon_rate"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "soak: not a number: $n" >&2; exit 2; }
done
[ "$seconds" -ge 5 ] || { echo "soak: --seconds must be at least 5" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "soak: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need curl curl; need htpasswd apache2-utils; need python3 python3
[ "$only" = berth ] || need docker-registry docker-registry

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-soak.XXXXXX")
chmod 700 "$work"
pids=()
watchdog=""
cleanup() {
  local pid
  if [ -n "$watchdog" ]; then
    pkill -P "$watchdog" 2>/dev/null || true
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
trap 'echo "soak: interrupted" >&2; exit 130' INT TERM
if [ "$only" != distribution ]; then
  echo "soak: building berth if needed ($berth_cmd --help)..." >&2
  "$berth_cmd" --help > "$work/berth-build.log" 2>&1 || true
fi
SECONDS=0
budget=$((2 * seconds + 120))
( sleep "$budget"; echo "soak: over the ${budget}s budget, stopping" >&2; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

# shellcheck source=registries.sh
. "$root/bench/registries.sh"
make_users
# The attacker has an account of its own: it opens sessions as itself.
attacker_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$attacker_password" | htpasswd -B -i "$work/htpasswd" mallory 2>/dev/null
umask 077
printf '%s:%s\n' "$user" "$password" > "$work/legit-credentials"
printf 'mallory:%s\n' "$attacker_password" > "$work/attacker-credentials"
umask 022

declare -A files
soak() {  # name
  local name=$1 hostile_pid storage
  if [ "$name" = berth ]; then start_berth; storage=$work/berth/storage; else start_distribution; storage=$work/distribution/storage; fi
  log "[$name] $base: hostile load for $((seconds + 2)) s, legitimate traffic for the last ${seconds} s..."
  python3 "$root/bench/soak-clients.py" hostile --base "$base" --credentials "$work/attacker-credentials" \
    --victim "$work/legit-credentials" --seconds "$((seconds + 2))" --idle "$idle" --slow "$slow" \
    --guessers "$guessers" --abandon-rate "$abandon_rate" --out "$work/$name-hostile.json" &
  hostile_pid=$!
  pids+=("$hostile_pid")
  sleep 2   # the attack is under way before the first legitimate request
  python3 "$root/bench/soak-clients.py" legit --base "$base" --credentials "$work/legit-credentials" \
    --seconds "$seconds" --out "$work/$name-legit.json"
  wait "$hostile_pid"
  # Still serving once the attack is over?
  code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' -K "$work/curl-auth" "$base/v2/" || true)
  [ "$code" = 200 ] || log "[$name] after the attack GET /v2/ answered ${code:-nothing}"
  echo "$code" > "$work/$name-after"
  files[$name]=$(find "$storage" | wc -l)
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

if [ "$only" != berth ]; then soak distribution; fi
if [ "$only" != distribution ]; then soak berth; fi

echo
echo "soak $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg): $(docker-registry --version 2>/dev/null | awk '{print $NF}' || true)"
echo "command: $invocation"
echo "hostile: $idle idle connections, $slow slow-header connections (1 byte/s), $guessers wrong-password loops, abandoned upload sessions at ${abandon_rate}/s; legitimate: 2 clients for ${seconds} s"
python3 - "$work" "${files[distribution]:--}" "${files[berth]:--}" <<'EOF'
import json, os, sys
work, files = sys.argv[1], {"distribution": sys.argv[2], "berth": sys.argv[3]}
names = [n for n in ("distribution", "berth") if os.path.exists(f"{work}/{n}-legit.json")]
legit = {n: json.load(open(f"{work}/{n}-legit.json")) for n in names}
hostile = {n: json.load(open(f"{work}/{n}-hostile.json")) for n in names}
after = {n: open(f"{work}/{n}-after").read().strip() for n in names}
fmt = lambda v: "-" if v is None else f"{v:.0f}" if v >= 10 else f"{v:.1f}"
block = lambda *cols: "".join(f"{c:>7}" for c in cols)
print((f"{'':<16}" + "".join(f"   {n:<35}" for n in names)).rstrip())
print(f"{'latency (ms)':<16}" + "".join("   " + block("n", "errors", "p50", "p99", "max") for n in names))
for kind in ("login", "push", "pull", "all"):
    row = f"{kind:<16}"
    for n in names:
        r = legit[n][kind]
        row += "   " + block(r["n"], r["errors"], fmt(r["p50"]), fmt(r["p99"]), fmt(r["max"]))
    print(row)
print(f"{'GET /v2/ after':<16}" + "".join(f"   {after[n]:>35}" for n in names))
print(f"{'files in storage':<16}" + "".join(f"   {files[n]:>35}" for n in names))
print("what the attackers got (counts):")
for k in sorted(set(k for n in names for k in hostile[n])):
    print(f"  {k:<38}" + "".join(f"{hostile[n].get(k, 0):>14}" for n in names))
for n in names:
    for kind in ("login", "push", "pull"):
        for e in legit[n][kind]["first_errors"]:
            print(f"{n} {kind} error: {e}")
EOF
