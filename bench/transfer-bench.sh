#!/usr/bin/env bash
# Berth's client vs skopeo: push and pull of the same multi-layer image against the same registry
# (berth serve, plain HTTP on loopback, Basic auth), in one run. Prints a side-by-side table.
#
#   bench/transfer-bench.sh [--layers N] [--layer-mib N] [--runs N] [--berth LAUNCHER]
#
# The image: N layers (default 8 x 128 MiB, 1 GiB in all) of random bytes stored in gzip (level 0),
# so they are already compressed and neither client can (or tries to) compress them; an OCI
# layout that `berth load` and `skopeo copy oci:` both read.
#
#   push   `berth push` from Berth's store, `skopeo copy oci:LAYOUT docker://…` from the layout;
#          each measured push goes to a registry started afresh (empty storage, a new port, warmed
#          up with an unmeasured 256 MiB push and pull), so neither client finds a blob there or
#          mounts one (skopeo remembers where it saw blobs, Berth mounts from repositories it knows)
#   pull   `berth pull` into an empty store, `skopeo copy docker://… oci:DIR` into an empty
#          directory, from one registry holding the image, after one unmeasured pull each
#   heap   Berth runs with -Xmx256m (BERTH_JAVA_OPTS), so every run proves the bound; after the
#          measured runs, one more push and pull (not timed) with the JVM's GC log: the most heap in
#          use is the larger of the highest "before" of any collection and what was in use at exit
#          (sampling with jstat missed runs shorter than its own start-up)
#
# Runs alternate (Berth first, then skopeo first) and the table shows the median of --runs (3) and
# every run. Both clients write durably (skopeo fsyncs each blob, Berth too). Secrets stay out of
# argv: the registry's password goes to htpasswd on stdin, to Berth in a DOCKER_CONFIG and to
# skopeo in an --authfile, both 0600. Everything started is killed by PID, the work directory
# removed, on exit.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
invocation="${TMPDIR:+TMPDIR=$TMPDIR }bench/transfer-bench.sh${*:+ $*}"
berth_cmd="$root/berth"
layers=8
layer_mib=128
runs=3
warm_mib=256
budget_seconds=600

usage() { sed -n '5p' "$0" | sed 's/^#   //'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --layers) layers=${2:?}; shift 2 ;;
    --layer-mib) layer_mib=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --berth) berth_cmd=$(readlink -f "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "transfer-bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$layers" "$layer_mib" "$runs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "transfer-bench: not a positive number: $n" >&2; exit 2; }
done

need() { command -v "$1" >/dev/null 2>&1 || { echo "transfer-bench: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need skopeo skopeo; need curl curl; need htpasswd apache2-utils; need python3 python3; need sha256sum coreutils

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-transfer-bench.XXXXXX")
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
trap 'echo "transfer-bench: interrupted" >&2; exit 130' INT TERM

echo "transfer-bench: building berth if needed ($berth_cmd --help)..." >&2
"$berth_cmd" --help > "$work/berth-build.log" 2>&1 || { cat "$work/berth-build.log" >&2; exit 1; }
SECONDS=0
( sleep "$budget_seconds"; echo "transfer-bench: over the ${budget_seconds}s budget, stopping" >&2; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

# shellcheck source=registries.sh
. "$root/bench/registries.sh"   # log, free_port, make_users, start_berth, start_upload, with_digest
now() { date +%s.%N; }

# --- users and credentials (never in argv) ---
make_users
auth=${auth_header#Basic }
mkdir -p "$work/docker" "$work/skopeo-home"
write_auth() {  # host: the same credentials for Berth (config.json) and skopeo (authfile), 0600
  ( umask 077
    printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$auth" > "$work/docker/config.json"
    printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$auth" > "$work/skopeo-auth.json" )
}

# --- the image ---
log "writing the image: $layers layers of $layer_mib MiB (random bytes, gzip-stored)..."
python3 - "$work/layout" "$layers" "$layer_mib" <<'EOF'
import gzip, hashlib, json, os, sys
out, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f"{out}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)
layers, diff_ids = [], []
for i in range(n):
    tmp, h, raw = f"{out}/blobs/tmp", hashlib.sha256(), hashlib.sha256()
    with open(tmp, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=0, mtime=0) as z:
            left = mib * 1024 * 1024
            while left:
                chunk = os.urandom(min(left, 8 << 20)); z.write(chunk); raw.update(chunk); left -= len(chunk)
    with open(tmp, "rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
    os.rename(tmp, f"{out}/blobs/sha256/{h.hexdigest()}")
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + h.hexdigest(),
                   "size": os.path.getsize(f"{out}/blobs/sha256/{h.hexdigest()}")})
    diff_ids.append("sha256:" + raw.hexdigest())
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
cd, cs = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                       "layers": layers}).encode()
md, ms = put(manifest)
with open(out + "/oci-layout", "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
with open(out + "/index.json", "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
               "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "1",
               "io.containerd.image.name": "bench/image:1"}}]}, f)
EOF
image_bytes=$(du -cb "$work"/layout/blobs/sha256/* | tail -n1 | cut -f1)
image_mib=$((image_bytes / 1024 / 1024))
head -c "$((warm_mib * 1024 * 1024))" /dev/urandom > "$work/warm"
warm_digest="sha256:$(sha256sum "$work/warm" | cut -d' ' -f1)"

export DOCKER_CONFIG="$work/docker" HOME="$work/skopeo-home"
export BERTH_JAVA_OPTS="-Xmx256m"
berth_data="$work/berth-push-store"
XDG_DATA_HOME="$berth_data" "$berth_cmd" load -q -i "$work/layout"
sync

# --- registries ---
server_pid=""
start_registry() {  # sets host, base and server_pid: a fresh berth serve (empty storage, new port), warmed up
  BERTH_JAVA_OPTS="" start_berth --auth basic
  host=${base#http://}
  # warm-up, not measured: a cold JVM would be measuring its JIT, for whichever client came first
  curl -s -o /dev/null -K "$work/curl-auth" -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -T "$work/warm" "$(with_digest "$(start_upload warm/up)" "$warm_digest")"
  curl -s -o /dev/null -K "$work/curl-auth" "$base/v2/warm/up/blobs/$warm_digest"
  write_auth "$host"
}
stop_registry() {
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work/berth"
  sync
}

# Runs Berth; prints seconds.
berth_timed() {  # XDG_DATA_HOME, then berth's arguments
  local data=$1 start end
  shift
  start=$(now)
  if ! XDG_DATA_HOME="$data" "$berth_cmd" "$@" > "$work/berth-out" 2>&1; then
    log "transfer-bench: berth $* failed:"; cat "$work/berth-out" >&2; exit 1
  fi
  end=$(now)
  python3 -c "print(f'{$end - $start:.2f}')"
}

# Runs Berth with a GC log; appends the most heap it had in use (MiB) to heaps; not timed.
berth_heap() {  # XDG_DATA_HOME, then berth's arguments
  local data=$1 used
  shift
  rm -f "$work/gc.log" "$work/gc-exit.log"
  if ! XDG_DATA_HOME="$data" BERTH_JAVA_OPTS="$BERTH_JAVA_OPTS -Xlog:gc:file=$work/gc.log -Xlog:gc+exit:file=$work/gc-exit.log" \
      "$berth_cmd" "$@" > "$work/berth-out" 2>&1; then
    log "transfer-bench: berth $* failed:"; cat "$work/berth-out" >&2; exit 1
  fi
  # "GC(3) Pause Young (Allocation Failure) 69M->47M(247M)": 69 was in use; at exit, each
  # generation's "used NK" (serial: DefNew and Tenured; G1: one line for the heap)
  used=$(cat "$work/gc.log" "$work/gc-exit.log" 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
before = [int(m) for m in re.findall(r"Pause.* (\d+)M->\d+M\(", text)]
# serial: "DefNew total 78656K, used 66070K"; G1 (JDK 25): "garbage-first heap total reserved …, committed …, used …K"
at_exit = [int(k) for k in re.findall(r"(?:DefNew|Tenured|garbage-first heap)\s+total [^\n]*?used (\d+)K", text)]
if not before and not at_exit:
    sys.exit("no heap figures in the GC log")
print(round(max(before + [sum(at_exit) / 1024])))') || used=""
  [ -n "$used" ] || { log "transfer-bench: the GC log of berth $* held no heap figures"; exit 1; }
  echo "$used" >> "$work/heaps"
}
skopeo_timed() {  # skopeo copy arguments; prints seconds
  local start end
  start=$(now)
  if ! skopeo copy -q --authfile "$work/skopeo-auth.json" "$@" > "$work/skopeo-out" 2>&1; then
    log "transfer-bench: skopeo copy $* failed:"; cat "$work/skopeo-out" >&2; exit 1
  fi
  end=$(now)
  python3 -c "print(f'{$end - $start:.2f}')"
}

declare -a berth_push skopeo_push berth_pull skopeo_pull
push_berth() {
  start_registry
  XDG_DATA_HOME="$berth_data" "$berth_cmd" tag bench/image:1 "$host/bench/image:1"
  log "berth push of $image_mib MiB to $host..."
  berth_push+=("$(berth_timed "$berth_data" push "$host/bench/image:1")")
  XDG_DATA_HOME="$berth_data" "$berth_cmd" rmi "$host/bench/image:1" > /dev/null
  stop_registry
}
push_skopeo() {
  start_registry
  log "skopeo copy of $image_mib MiB to $host..."
  skopeo_push+=("$(skopeo_timed --dest-tls-verify=false "oci:$work/layout:1" "docker://$host/bench/image:1")")
  stop_registry
}
for i in $(seq "$runs"); do
  if [ $((i % 2)) = 1 ]; then push_berth; push_skopeo; else push_skopeo; push_berth; fi
done
rm -rf "$berth_data"

# --- pulls: one registry holding the image ---
start_registry
skopeo copy -q --authfile "$work/skopeo-auth.json" --dest-tls-verify=false "oci:$work/layout:1" "docker://$host/bench/image:1"
pull_berth() {
  rm -rf "$work/berth-pull-store"; sync
  berth_timed "$work/berth-pull-store" pull "$host/bench/image:1"
}
pull_skopeo() {
  rm -rf "$work/skopeo-pulled"; sync
  skopeo_timed --src-tls-verify=false "docker://$host/bench/image:1" "oci:$work/skopeo-pulled:1"
}
log "pull warm-up (not measured)..."
pull_berth > /dev/null
pull_skopeo > /dev/null
for i in $(seq "$runs"); do
  log "pulls of $image_mib MiB ($i/$runs)..."
  if [ $((i % 2)) = 1 ]; then
    berth_pull+=("$(pull_berth)"); skopeo_pull+=("$(pull_skopeo)")
  else
    skopeo_pull+=("$(pull_skopeo)"); berth_pull+=("$(pull_berth)")
  fi
done
# the heap, in runs of their own
log "heap of a pull and a push (not timed)..."
rm -rf "$work/berth-pull-store"
berth_heap "$work/berth-pull-store" pull "$host/bench/image:1"
pulled="$host/bench/image:1"
stop_registry
start_registry   # empty, on another port: the push uploads every blob, nothing to mount
XDG_DATA_HOME="$work/berth-pull-store" "$berth_cmd" tag "$pulled" "$host/bench/heap:1"
berth_heap "$work/berth-pull-store" push "$host/bench/heap:1"
stop_registry

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() {  # label, berth runs..., --, skopeo runs...
  local label=$1 b s
  b=$(median "${@:2:$runs}")
  s=$(median "${@:$((runs + 2)):$runs}")
  printf '%-36s %10s %10s %12s\n' "$label" "$s" "$b" "$(python3 -c "print(f'{$s / $b:.2f}x')")"
}
echo
echo "transfer-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(skopeo --version)"
echo "command: $invocation"
echo "image: $layers layers, $image_mib MiB (gzip-stored random bytes); registry: berth serve, loopback, plain HTTP, Basic auth"
echo "runs (seconds): push berth ${berth_push[*]} / skopeo ${skopeo_push[*]}; pull berth ${berth_pull[*]} / skopeo ${skopeo_pull[*]}"
printf '%-36s %10s %10s %12s\n' "median of $runs (seconds)" "skopeo" "berth" "skopeo/berth"
row "push $image_mib MiB" "${berth_push[@]}" "${skopeo_push[@]}"
row "pull $image_mib MiB" "${berth_pull[@]}" "${skopeo_pull[@]}"
printf '%-36s %10s %10s\n' "client max used heap (MiB), -Xmx256m" "-" "$(sort -n "$work/heaps" | tail -n1)"
echo "(the heap includes garbage not yet collected, from the GC log; every Berth run above ran with -Xmx256m)"
