#!/usr/bin/env bash
# Checks papaoursd's sd_notify(3) messages, as Type=notify and WatchdogSec= use them:
# a datagram socket stands in for systemd's; papaoursd runs with NOTIFY_SOCKET
# and WATCHDOG_USEC=2000000, and must send READY=1 with STATUS= and its
# MAINPID, WATCHDOG=1 within 3 s and on and on, RELOADING=1 then READY=1
# on SIGHUP, and STOPPING=1 on SIGTERM before exiting 0. Then once more with an
# abstract NOTIFY_SOCKET ("@name"), which systemd may use too.
# Usage: bash tests/notify.sh (builds the release daemon if missing).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v python3 >/dev/null || { fail "python3 is needed"; finish; }
bin=$(cd "$root" && swift build -c release --show-bin-path)
[[ -x $bin/papaoursd ]] || (cd "$root" && swift build -c release --product papaoursd >/dev/null) ||
    { fail "cannot build papaoursd"; finish; }
daemon=$bin/papaoursd

work=$(mktemp -d)
pids=()
trap cleanup EXIT

# receiver ADDRESS LOG: one line per datagram, "<ms since start> <message with \n as |>".
cat > "$work/receiver.py" <<'EOF'
import socket, sys, time
address, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + address[1:] if address.startswith("@") else address)
start = time.monotonic()
with open(log, "w", buffering=1) as out:
    out.write("0 LISTENING\n")
    while True:
        data = s.recv(4096).decode("utf-8", "replace")
        out.write("%d %s\n" % ((time.monotonic() - start) * 1000, data.replace("\n", "|")))
EOF

wait_for() { # seconds command...
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.05; done
}
# first_ms LOG PATTERN [AFTER_MS]: time of the first datagram matching PATTERN (ERE) after AFTER_MS.
first_ms() { awk -v after="${3:--1}" -v pat="$2" '$1 > after && substr($0, index($0, " ") + 1) ~ pat { print $1; exit }' "$1"; }

start_daemon() { # address tag
    local address=$1 tag=$2 log=$work/$2.notify
    python3 "$work/receiver.py" "$address" "$log" &
    pids+=($!); disown $!
    wait_for 5 test -s "$log" || return 1
    mkdir -m 0700 "$work/$tag.db"
    NOTIFY_SOCKET=$address WATCHDOG_USEC=2000000 "$daemon" --config /dev/null \
        --socket "$work/$tag.sock" --database "$work/$tag.db" > "$work/$tag.log" 2>&1 &
    pid=$!; pids+=("$pid")
}

# --- a socket file -------------------------------------------------------------
log=$work/file.notify
start_daemon "$work/notify.sock" file || { fail "the notification receiver did not start"; finish; }
if wait_for 10 grep -q 'READY=1' "$log"; then pass "READY=1 received"; else fail "no READY=1" "$(cat "$work/file.log" "$log")"; finish; fi
ready=$(first_ms "$log" 'READY=1')
check "STATUS= sent with READY=1" bash -c 'grep "READY=1" "$1" | head -n 1 | grep -q "STATUS=serving on "' _ "$log"
check "MAINPID= is the daemon's pid" bash -c 'grep -q "MAINPID=$2\(|\|$\)" "$1"' _ "$log" "$pid"
check "the socket is accepting once READY=1 is sent" test -S "$work/file.sock"
sleep 3   # the first ping is due within WATCHDOG_USEC/2
ping=$(first_ms "$log" '^WATCHDOG=1$' "$ready")
if [[ -n $ping ]] && ((ping - ready <= 3000)); then
    pass "WATCHDOG=1 within 3 s of READY=1 ($((ping - ready)) ms)"
else
    fail "no WATCHDOG=1 within 3 s of READY=1" "$(cat "$log")"
fi
sleep 2
pings=$(awk -v p="${ping:-0}" '$1 > p && /WATCHDOG=1/' "$log" | wc -l)
check "WATCHDOG=1 keeps coming ($pings more in 2 s)" test "$pings" -ge 2
gaps=$(awk '/WATCHDOG=1/ { if (last != "" && $1 - last > 2000) bad++; last = $1 } END { print bad + 0 }' "$log")
check "no gap between pings longer than WATCHDOG_USEC" test "$gaps" -eq 0

kill -HUP "$pid"
sleep 1
reloading=$(first_ms "$log" 'RELOADING=1')
check "SIGHUP: RELOADING=1" test -n "$reloading"
check "SIGHUP: READY=1 again after RELOADING=1" awk '/RELOADING=1/ { r = 1; next } r && /READY=1/ { found = 1 } END { exit !found }' "$log"

kill -TERM "$pid"
wait_for 5 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
wait "$pid"; status=$?
check "SIGTERM: exit status 0" test "$status" -eq 0
check "SIGTERM: STOPPING=1 sent" grep -q 'STOPPING=1' "$log"
check "STOPPING=1 is the last message" bash -c 'tail -n 1 "$1" | grep -q "STOPPING=1"' _ "$log"
check "the daemon removed the socket it bound itself" test ! -e "$work/file.sock"

# --- an abstract socket ------------------------------------------------------------
log=$work/abstract.notify
start_daemon "@papaours-notify-test-$$" abstract || { fail "the abstract receiver did not start"; finish; }
check "READY=1 on an abstract NOTIFY_SOCKET" wait_for 10 grep -q 'READY=1' "$log"
kill -TERM "$pid"
check "STOPPING=1 on an abstract NOTIFY_SOCKET" wait_for 5 grep -q 'STOPPING=1' "$log"

# --- without NOTIFY_SOCKET, nothing breaks ----------------------------------------
mkdir -m 0700 "$work/plain.db"
"$daemon" --config /dev/null --socket "$work/plain.sock" --database "$work/plain.db" > "$work/plain.log" 2>&1 &
pid=$!; pids+=("$pid")
check "without NOTIFY_SOCKET the daemon starts" wait_for 10 test -S "$work/plain.sock"
kill -TERM "$pid"; wait "$pid"
check "and stops with status 0" test $? -eq 0

finish
