# Shared by the scripts in bench/ (sourced, not run): the two registries started the same way,
# with the same users, and the few calls every script makes.
#
# The caller sets: work (a private temp directory), berth_cmd (the launcher), pids (an array: every
# process started here is added, for the caller's cleanup to kill by PID), and uses bash's SECONDS.
# start_berth and start_distribution set base (http://127.0.0.1:PORT) and server_pid.

log() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The same users file for both registries, a random password per run. Secrets stay out of argv:
# curl reads the user from -K "$work/curl-auth", wrk its header from "$work/wrk-auth.lua".
make_users() {  # sets user, password, auth_header
  user=bench
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s' "$password" | htpasswd -B -i -c "$work/htpasswd" "$user" 2>/dev/null
  umask 077
  printf 'user = "%s:%s"\n' "$user" "$password" > "$work/curl-auth"
  auth_header="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
  printf 'wrk.headers["Authorization"] = "%s"\n' "$auth_header" > "$work/wrk-auth.lua"
  umask 022
}

# --- servers ---
start_distribution() {  # sets base and server_pid
  local port dir=$work/distribution
  port=$(free_port)
  mkdir -p "$dir/storage"
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
auth:
  htpasswd:
    realm: bench
    path: $work/htpasswd
EOF
  env $(env | sed -n 's/^\(REGISTRY_[^=]*\)=.*/-u \1/p') docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  base="http://127.0.0.1:$port"
  wait_ready "distribution" "$dir/log" 20
}

start_berth() {  # [extra serve options...]; sets base and server_pid
  local port dir=$work/berth
  mkdir -p "$dir/storage"
  port=$(free_port)
  # The launcher execs java, so this PID is the JVM's (for ps and jstat).
  "$berth_cmd" serve --listen "127.0.0.1:$port" --storage "$dir/storage" --htpasswd "$work/htpasswd" "$@" \
    > "$dir/log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  local deadline=$((SECONDS + 60)) line=""
  while [ $SECONDS -lt $deadline ]; do
    line=$(grep -o 'listening on http://[^ ]*' "$dir/log" | head -n1 || true)
    [ -n "$line" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  if [ -z "$line" ]; then
    log "registry-bench: berth serve is not ready: it printed no 'listening on http://' line."
    log "  command: ./berth serve --listen 127.0.0.1:$port --storage DIR --htpasswd FILE"
    log "  its output (last lines):"; tail -n 15 "$dir/log" | sed 's/^/    /' >&2
    log "  (run with --only distribution to measure the reference alone)"
    exit 1
  fi
  base="http://${line#listening on http://}"
  base=${base%/}
  wait_ready "berth" "$dir/log" 20
}

wait_ready() {  # name logfile seconds: until GET /v2/ answers 200 with our credentials
  local deadline=$((SECONDS + $3)) code
  while [ $SECONDS -lt $deadline ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -K "$work/curl-auth" "$base/v2/" || true)
    [ "$code" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  log "registry-bench: $1 did not answer GET /v2/ with 200 (last: ${code:-none}); log:"
  tail -n 15 "$2" | sed 's/^/    /' >&2
  exit 1
}

start_upload() {  # repo → absolute upload URL
  local location
  location=$(curl -s -o /dev/null -D - -X POST -K "$work/curl-auth" "$base/v2/$1/blobs/uploads/" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: *//p' | head -n1)
  [ -n "$location" ] || { log "registry-bench: POST $base/v2/$1/blobs/uploads/ gave no Location"; exit 1; }
  case "$location" in http*) ;; *) location="$base$location" ;; esac
  printf '%s' "$location"
}

with_digest() { case "$1" in *\?*) printf '%s&digest=%s' "$1" "$2" ;; *) printf '%s?digest=%s' "$1" "$2" ;; esac; }
