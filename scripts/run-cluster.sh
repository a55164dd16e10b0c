#!/usr/bin/env bash
# The docker-compose.yml topology without Docker: redis-server (append-only), two TsvLive instances
# on it and nginx in front, from Debian packages, on free loopback ports. Prints the address to open;
# Ctrl+C (or SIGTERM) stops everything it started, by PID.
#
#   scripts/run-cluster.sh [--app path/to/TsvLive.dll] [--port N] [--state DIR] [--tls]
#
# --app: a built TsvLive.dll (default: builds src/TsvLive in Release into the state directory).
# --port: nginx's port (default: a free one). --state: where logs, Redis's files and nginx's
# configuration go (default: a new temporary directory, removed at the end). --tls: nginx serves
# https with a self-signed certificate made here (openssl), as a TLS-terminating proxy would.
# Besides the message for people, it prints KEY=value lines (TSVLIVE_URL, TSVLIVE_APP1, TSVLIVE_APP2,
# TSVLIVE_REDIS, TSVLIVE_READY) for scripts and tests.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

app="" port="" state="" own_state=false tls=false
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --state) state=$2; shift 2 ;;
    --tls) tls=true; shift ;;
    *) echo "Unknown option $1 (use --app, --port, --state, --tls)" >&2; exit 2 ;;
  esac
done

for program in redis-server nginx dotnet; do
  if ! command -v "$program" >/dev/null && [ ! -x "/usr/sbin/$program" ]; then
    echo "$program is not installed (apt-get install redis-server nginx; the .NET 10 SDK for dotnet)." >&2
    exit 1
  fi
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [ -z "$state" ]; then
  state=$(mktemp -d -t tsvlive-cluster-XXXXXX)
  own_state=true
fi
mkdir -p "$state/redis" "$state/nginx"

pids=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $own_state; then rm -rf "$state"; fi
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# A port nothing listens on (bash's /dev/tcp: no other tool needed), below Linux's range for
# outgoing connections (32768 and up), so no client socket holds it.
free_port() {
  local candidate
  for _ in $(seq 1 200); do
    candidate=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "No free port found." >&2; exit 1
}

# Says why the start failed: the logs' last lines (the state directory is removed on exit).
fail() {
  echo "$1" >&2
  for log in "$state"/*.log "$state"/nginx/error.log; do
    [ -s "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# Waits until something accepts connections on port $1 (at most 30 s).
wait_for_port() {
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done
  fail "Nothing listens on 127.0.0.1:$1."
}

# Waits until a GET of $2 on port $1 answers 200 (at most 60 s).
wait_for_200() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null; then
      return
    fi
    sleep 0.1
  done
  fail "Nothing answered 200 at 127.0.0.1:$1$2."
}

if [ -z "$app" ]; then
  echo "Building TsvLive (Release)…"
  dotnet build "$repo/src/TsvLive/TsvLive.csproj" -c Release -o "$state/app" --nologo -v quiet >"$state/build.log"
  app="$state/app/TsvLive.dll"
fi
port=${port:-$(free_port)}
scheme=http listen="127.0.0.1:$port" tls_conf=""
if $tls; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$state/nginx/key.pem" -out "$state/nginx/cert.pem" 2>/dev/null
  scheme=https listen="127.0.0.1:$port ssl"
  tls_conf="ssl_certificate $state/nginx/cert.pem; ssl_certificate_key $state/nginx/key.pem;"
fi
redis_port=$(free_port)
app_ports=("$(free_port)" "$(free_port)")

# Each in a session of its own (setsid): Ctrl+C reaches this script alone, which stops them in
# order, rather than all at once, which looked like one of them dying.
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state/redis" --appendonly yes --save '' --daemonize no \
  >"$state/redis.log" 2>&1 &
pids+=($!)
wait_for_port "$redis_port"

for i in 0 1; do
  ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__Redis="127.0.0.1:$redis_port" \
  TsvLive__KnownProxies__0=127.0.0.1 \
  TsvLive__PublicBaseUrl="$scheme://127.0.0.1:$port" \
    setsid dotnet "$app" --urls "http://127.0.0.1:${app_ports[$i]}" >"$state/app$((i + 1)).log" 2>&1 &
  pids+=($!)
done
for app_port in "${app_ports[@]}"; do wait_for_200 "$app_port" /readyz; done

sed -e "s|\${TSVLIVE_APP1}|127.0.0.1:${app_ports[0]}|" -e "s|\${TSVLIVE_APP2}|127.0.0.1:${app_ports[1]}|" \
    -e "s|\${TSVLIVE_LISTEN}|$listen|" "$repo/deploy/nginx/tsvlive.conf.template" >"$state/nginx/tsvlive.conf"
cat >"$state/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $state/nginx/nginx.pid;
error_log $state/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $state/nginx/body;
    proxy_temp_path $state/nginx/proxy;
    fastcgi_temp_path $state/nginx/fastcgi;
    uwsgi_temp_path $state/nginx/uwsgi;
    scgi_temp_path $state/nginx/scgi;
    $tls_conf
    include $state/nginx/tsvlive.conf;
}
CONF
setsid "$nginx_bin" -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/nginx/error.log" -g 'daemon off;' &
pids+=($!)
if $tls; then wait_for_port "$port"; else wait_for_200 "$port" /readyz; fi

echo "TsvLive runs as two instances behind nginx: open $scheme://127.0.0.1:$port/ (Ctrl+C stops everything)."
echo "TSVLIVE_URL=$scheme://127.0.0.1:$port/"
echo "TSVLIVE_APP1=http://127.0.0.1:${app_ports[0]}/"
echo "TSVLIVE_APP2=http://127.0.0.1:${app_ports[1]}/"
echo "TSVLIVE_REDIS=127.0.0.1:$redis_port"
echo "TSVLIVE_READY=1"

# Until stopped, or until one of them stops by itself (then the rest are stopped too). A short sleep
# in the foreground rather than `wait -n`: Ctrl+C reaches the sleep and this script together, and the
# trap runs as the sleep ends, every time (a signal arriving just as `wait -n` starts can be missed).
all_running() {
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
}
while all_running; do sleep 0.5; done
echo "A process of the cluster stopped; stopping the rest (logs in $state)." >&2
