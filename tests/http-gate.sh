#!/usr/bin/env bash
# The HTTP gate behind real proxies: private nginx and Caddy instances on loopback ports,
# each with the shipped snippet (etc/nginx-papaours.conf, etc/Caddyfile.papaours, paths
# templated), in front of an upstream that echoes the identity headers it received, and
# papaoursd with an http-socket. Through each proxy: a valid key reaches the upstream with
# the machine's headers; no key, a malformed, unknown or inactive key, an inactive machine
# get 401 with the reason; a required right gets 403; a key deactivated with papaoursctl
# is refused at the very next request, and accepted again once reactivated. The secret
# never appears in a proxy's log, the daemon's log or a header the upstream saw.
# Usage: bash tests/http-gate.sh (make gate-deps installs nginx and caddy).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in nginx caddy python3 curl; do
    command -v "$tool" >/dev/null || { fail "$tool is not installed (make gate-deps installs nginx and caddy)"; finish; }
done
bin=$(cd "$root" && swift build --show-bin-path)
[[ -x $bin/papaoursd && -x $bin/papaoursctl ]] || (cd "$root" && swift build >/dev/null) || { fail "cannot build"; finish; }

work=$(mktemp -d)
chmod 0755 "$work"   # nginx's workers run as nobody and must reach the http-socket
pids=()
nginx_pid=""
# nginx's workers outlive a master killed with SIGKILL: TERM it first, it stops them, then the rest.
stop_all() {
    if [[ -n $nginx_pid ]]; then
        kill -TERM "$nginx_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    cleanup
}
trap stop_all EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # seconds command...
    local deadline=$((SECONDS + $1)); shift
    until "$@" 2>/dev/null; do ((SECONDS < deadline)) || return 1; sleep 0.05; done
}
upstream_port=$(port) nginx_port=$(port) caddy_port=$(port)
http_socket=$work/http.sock

# The upstream: answers 200 with the X-Papaours-* and key headers it received, one per line.
cat > "$work/upstream.py" <<'PY'
import http.server, sys
class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        seen = [f"{k.lower()}: {v}" for k, v in self.headers.items()
                if k.lower().startswith("x-papaours") or k.lower() in ("x-api-key", "authorization")]
        body = ("\n".join(sorted(seen)) + "\nupstream: reached\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
PY
python3 "$work/upstream.py" "$upstream_port" & pids+=($!); disown $!

cat > "$work/papaoursd.conf" <<CONF
socket $work/papaoursd.sock
socket-mode 0666
http-socket $http_socket
database $work/db
grant user nobody keys.verify
log-level debug
CONF
start_daemon() {
    "$bin/papaoursd" --config "$work/papaoursd.conf" >> "$work/papaoursd.log" 2>&1 &
    daemon_pid=$!; disown $!
    pids+=($daemon_pid)
    wait_for 15 test -S "$http_socket"
}
start_daemon || { fail "papaoursd did not start" "$(cat "$work/papaoursd.log")"; finish; }
ctl() { PAPAOURS_SOCKET=$work/papaoursd.sock LC_ALL=C "$bin/papaoursctl" "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
new_key() { # machine label → prints "id secret"
    ctl key create "$1" --label "$2" --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["secret"])'
}
ctl machine create web --organization "Acmé" --role api >/dev/null || { fail "machine create" "$(cat "$work/papaoursd.log")"; finish; }
ctl machine create retired >/dev/null
read -r key secret < <(new_key web prod)
read -r _ retired_secret < <(new_key retired old)
read -r off_key off_secret < <(new_key web spare)
ctl machine edit retired --inactive >/dev/null
ctl key disable "$off_key" >/dev/null
machine=$(ctl machine show web --json | json '["machine"]["id"]')
[[ ${#secret} -eq 43 && -n $machine ]] || { fail "fixtures" "key=$key machine=$machine"; finish; }

# nginx: the shipped snippet, its paths and ports pointed at this test.
mkdir -p "$work/nginx/tmp" && chmod 0777 "$work/nginx/tmp"
sed -e "s|/run/papaours/papaoursd-http.sock|$http_socket|" -e "s|listen 80;|listen 127.0.0.1:$nginx_port;|" \
    -e "s|http://127.0.0.1:8080|http://127.0.0.1:$upstream_port|" \
    -e "s|/etc/nginx/papaours-identity.conf|$work/nginx/identity.conf|" \
    "$root/etc/nginx-papaours.conf" > "$work/nginx/papaours.conf"
cp "$root/etc/nginx-papaours-identity.conf" "$work/nginx/identity.conf"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
user nobody nogroup;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log info;
events { worker_connections 64; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/papaours.conf;
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" > "$work/nginx/stdout" 2>&1 &
nginx_pid=$!; pids+=($!); disown $!

# Caddy: the shipped Caddyfile with the test's addresses, no admin endpoint, an access log.
mkdir -p "$work/caddy"
{
    printf '{\n\tadmin off\n\tauto_https off\n}\n'
    sed -e "s|unix//run/papaours/papaoursd-http.sock|unix/$http_socket|" \
        -e "s|^api.example.com {|http://127.0.0.1:$caddy_port {|" -e "s|^\tlog {|\tlog {\n\t\toutput file $work/caddy/access.log|" \
        -e "s|reverse_proxy 127.0.0.1:8080|reverse_proxy 127.0.0.1:$upstream_port|" "$root/etc/Caddyfile.papaours"
} > "$work/caddy/Caddyfile"
XDG_DATA_HOME=$work/caddy XDG_CONFIG_HOME=$work/caddy HOME=$work/caddy \
    caddy run --config "$work/caddy/Caddyfile" --adapter caddyfile > "$work/caddy/caddy.log" 2>&1 & pids+=($!); disown $!

wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$upstream_port/" || { fail "the upstream did not start"; finish; }
wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" || { fail "nginx did not start" "$(cat "$work/nginx/error.log" "$work/nginx/stdout")"; finish; }
wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$caddy_port/" || { fail "caddy did not start" "$(cat "$work/caddy/caddy.log")"; finish; }

# request BASE PATH [HEADER…] → "STATUS REASON"; the body in $work/body, the head in $work/head.
# The headers reach curl on its standard input (printf is a builtin): no key on a command line.
request() {
    local base=$1 path=$2; shift 2
    printf '%s\n' "$@" | curl -s -o "$work/body" -D "$work/head" -w '%{http_code}' -H @- "$base$path" > "$work/status"
    local reason; reason=$(tr -d '\r' < "$work/head" | sed -n 's/^[Xx]-[Pp]apaours-[Rr]eason: *//p' | head -1)
    echo "$(cat "$work/status") ${reason:--}"
}
expect() { # what expected actual
    if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "expected: $2"$'\n'"got: $3"$'\n'"body: $(cat "$work/body")"; fi
}
seen() { grep -qx "$1" "$work/body"; }   # a header line the upstream echoed

for proxy in nginx caddy; do
    if [[ $proxy == nginx ]]; then base=http://127.0.0.1:$nginx_port; else base=http://127.0.0.1:$caddy_port; fi
    expect "$proxy: a valid key reaches the upstream" "200 -" "$(request "$base" /orders "X-API-KEY: $secret")"
    if seen "x-papaours-machine: $machine" && seen "x-papaours-machine-name: web" && seen "x-papaours-organization: Acm%C3%A9" &&
       seen "x-papaours-roles: api" && seen "x-papaours-key: $key" && seen "x-papaours-key-label: prod"; then
        pass "$proxy: the upstream received the machine's headers"
    else
        fail "$proxy: the upstream received the machine's headers" "$(cat "$work/body")"
    fi
    if grep -qi "^x-api-key:\|^authorization:" "$work/body"; then fail "$proxy: the key was passed on to the upstream"; else pass "$proxy: the upstream never sees the key"; fi
    expect "$proxy: Authorization: Bearer" "200 -" "$(request "$base" /orders "Authorization: Bearer $secret")"
    request "$base" /orders "X-Papaours-Machine: m_forgedforgedforg" "X-API-KEY: $secret" >/dev/null
    if grep -q forged "$work/body"; then fail "$proxy: a client's own identity header reached the upstream"; else pass "$proxy: a client cannot forge the identity headers"; fi
    expect "$proxy: no key" "401 missing-key" "$(request "$base" /orders)"
    expect "$proxy: a malformed key" "401 malformed-key" "$(request "$base" /orders "X-API-KEY: papa_nope")"
    expect "$proxy: an unknown key" "401 unknown-key" "$(request "$base" /orders "X-API-KEY: not-a-papaours-key-but-long-enough")"
    expect "$proxy: an inactive key" "401 inactive-key" "$(request "$base" /orders "X-API-KEY: $off_secret")"
    expect "$proxy: a key of an inactive machine" "401 inactive-machine" "$(request "$base" /orders "X-API-KEY: $retired_secret")"
    if tr -d '\r' < "$work/head" | grep -qi '^WWW-Authenticate: ApiKey realm="papaours"'; then pass "$proxy: 401 names the scheme"; else fail "$proxy: 401 names the scheme" "$(cat "$work/head")"; fi
    expect "$proxy: a required right the machine lacks" "403 missing-right" "$(request "$base" /contracts/7 "X-API-KEY: $secret")"
    ctl key disable "$key" >/dev/null
    expect "$proxy: deactivated, refused at the very next request" "401 inactive-key" "$(request "$base" /orders "X-API-KEY: $secret")"
    ctl key enable "$key" >/dev/null
    expect "$proxy: reactivated, accepted again" "200 -" "$(request "$base" /orders "X-API-KEY: $secret")"
done

# Uses through the proxies count like any VERIFY (written at stop at the latest): 4 a proxy.
kill -TERM "$daemon_pid"
wait_for 10 sh -c "! kill -0 $daemon_pid"
start_daemon
expect "verifications through the proxies are counted as uses" "8" "$(ctl key show "$key" --json | json '["uses"]')"

# Caddy's access log records the request headers: the shipped filter must drop the key's.
if grep -q '"headers"' "$work/caddy/access.log" 2>/dev/null; then pass "caddy's access log records request headers"; else fail "caddy's access log records request headers"; fi
logs=("$work/papaoursd.log" "$work/nginx/error.log" "$work/nginx/access.log" "$work/caddy/caddy.log" "$work/caddy/access.log")
leaks=$(grep -l -F -e "$secret" -e "$off_secret" -e "$retired_secret" "${logs[@]}" 2>/dev/null)
if [[ -z $leaks ]]; then pass "no secret in the daemon's or the proxies' logs"; else fail "a secret is in a log" "$leaks"; fi
finish
