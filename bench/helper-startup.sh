#!/usr/bin/env bash
# docker-credential-berth vs docker-credential-pass: the median `get`, same machine, same run.
#
#   bench/helper-startup.sh [--runs N] [--berth LAUNCHER]
#
# Docker starts the credential helper for every registry operation, so its start-up is what users
# wait for. Both helpers answer `get` for a login stored in them beforehand; hyperfine runs each
# N times in all (default 60), in 6 rounds that alternate the order (the 2 cores are shared: load
# that comes and goes then hits every line alike), after 5 unmeasured runs each, and the script
# prints the medians over all runs side by side:
#   berth (agent)      docker-credential-berth as installed by `berth helper install` (its AOT cache),
#                      answered by the agent the first `get` started (the usual case)
#   berth (no agent)   the same with BERTH_AGENT=off: the helper decrypts the store itself
#   pass               docker-credential-pass over a throw-away gpg key and pass store (gpg-agent
#                      running, as it is after the first use)
# Everything lives in a temp HOME; the agent and gpg-agent it starts are stopped and the directory
# removed on exit. The secret reaches both helpers on stdin, never argv.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="bench/helper-startup.sh${*:+ $*}"
berth_cmd="$root/berth"
runs=60

usage() { sed -n '4p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "helper-startup: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "helper-startup: not a positive number: $runs" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "helper-startup: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need hyperfine hyperfine; need jq jq; need gpg gnupg; need pass pass
need docker-credential-pass golang-docker-credential-helpers

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-helper-bench.XXXXXX")
chmod 700 "$work"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" GNUPGHOME="$work/g" PASSWORD_STORE_DIR="$work/pass"
export BERTH_AGENT_IDLE=300
unset BERTH_CREDENTIALS_DIR DOCKER_CONFIG
mkdir -p "$HOME" && mkdir -m 700 "$GNUPGHOME"
agent_pid_file="$XDG_DATA_HOME/berth/credentials/agent/pid"
cleanup() {
  if [ -f "$agent_pid_file" ]; then
    kill "$(cut -d' ' -f1 "$agent_pid_file")" 2>/dev/null || true
  fi
  gpgconf --kill gpg-agent 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "helper-startup: installing docker-credential-berth (trains its AOT cache) and a pass store..." >&2
"$berth_cmd" helper install --dir "$work/bin" >&2
helper="$work/bin/docker-credential-berth"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
    --quick-gen-key 'Berth Bench <bench@berth.invalid>' default default never 2>/dev/null
fpr=$(gpg --batch --list-keys --with-colons 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
pass init "$fpr" >/dev/null

login='{"ServerURL":"127.0.0.1:5000","Username":"alice","Secret":"correct horse battery staple"}'
printf '%s' "$login" | "$helper" store
printf '%s' "$login" | docker-credential-pass store
printf '127.0.0.1:5000' > "$work/url"
# both answer, with the same bytes
a=$("$helper" get < "$work/url"); b=$(docker-credential-pass get < "$work/url")
[ "$a" = "$b" ] || { printf 'helper-startup: the helpers answer differently:\n%s\n%s\n' "$a" "$b" >&2; exit 1; }
# the first get started the agent; wait until it answers
for _ in $(seq 100); do [ -f "$agent_pid_file" ] && break; sleep 0.1; done
[ -f "$agent_pid_file" ] || { echo "helper-startup: the agent did not start" >&2; exit 1; }

rounds=6
per_round=$(( (runs + rounds - 1) / rounds ))
names=("berth (agent)" "berth (no agent)" "pass")
cmds=("$helper get < $work/url" "BERTH_AGENT=off $helper get < $work/url" "docker-credential-pass get < $work/url")
for round in $(seq "$rounds"); do
  args=()
  order=(0 1 2); [ $((round % 2)) -eq 0 ] && order=(2 1 0)
  for i in "${order[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  warm=0; [ "$round" -eq 1 ] && warm=5
  hyperfine --style basic --warmup "$warm" --runs "$per_round" --export-json "$work/round-$round.json" "${args[@]}" >/dev/null
  echo "helper-startup: round $round of $rounds done" >&2
done
jq -s '[.[].results[]] | group_by(.command) | map({command: .[0].command, times: (map(.times) | add | sort)})
       | map(. + {median: (.times | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end),
                   min: .times[0], max: .times[-1]}) | {results: .}' "$work"/round-*.json > "$work/result.json"

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$work/result.json"; }
spread() { jq -r --arg n "$1" '.results[] | select(.command == $n) | "\(.min * 1000 | floor)–\(.max * 1000 | floor)"' "$work/result.json"; }
pass_ms=$(median pass)
echo
echo "helper-startup $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $invocation"
java_home=$(sed -n 's|^exec \([^ ]*\)/bin/java .*|\1|p' "$helper")
echo "helper JDK: $(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$java_home/release" 2>/dev/null); $((per_round * rounds)) runs each in $rounds alternating rounds, after 5 unmeasured"
printf '%-20s %12s %14s %12s\n' "get" "median (ms)" "min–max (ms)" "vs pass"
for name in "berth (agent)" "berth (no agent)" "pass"; do
  m=$(median "$name")
  printf '%-20s %12.1f %14s %11.2fx\n' "$name" "$m" "$(spread "$name")" "$(awk -v a="$m" -v b="$pass_ms" 'BEGIN { print a / b }')"
done
