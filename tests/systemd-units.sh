#!/usr/bin/env bash
# Checks the systemd units: `systemd-analyze verify` on papaoursd.socket,
# papaoursd-http.socket and papaoursd.service, the settings the packaging relies on, and the sandbox gate:
# `systemd-analyze security` must rate papaoursd.service 1.0 or lower.
# Usage: bash tests/systemd-units.sh (from anywhere; root installs what is missing).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
max_exposure=1.0

need systemd-analyze systemd || { fail "systemd-analyze is not available"; finish; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
service=$root/systemd/papaoursd.service
socket=$root/systemd/papaoursd.socket
http_socket=$root/systemd/papaoursd-http.socket

# verify checks that ExecStart= exists: point it at the built binary, else at a stand-in.
daemon=""
if bin=$(cd "$root" && swift build -c release --show-bin-path 2>/dev/null) && [[ -x $bin/papaoursd ]]; then
    daemon=$bin/papaoursd
else
    daemon=$work/papaoursd
    printf '#!/bin/sh\nexit 0\n' > "$daemon"
    chmod 0755 "$daemon"
fi
cp "$socket" "$http_socket" "$work/"
sed "s|^ExecStart=/usr/sbin/papaoursd|ExecStart=$daemon|" "$service" > "$work/papaoursd.service"

if out=$(cd "$work" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no papaoursd.socket papaoursd-http.socket papaoursd.service 2>&1) && [[ -z $out ]]; then
    pass "systemd-analyze verify papaoursd.socket papaoursd-http.socket papaoursd.service"
else
    fail "systemd-analyze verify papaoursd.socket papaoursd-http.socket papaoursd.service" "$out"
fi

# The fleet host's drop-in (issue 12): the unit with it still verifies, and it opens the network.
mkdir -p "$work/fleet/papaoursd.service.d"
cp "$work/papaoursd.service" "$socket" "$http_socket" "$work/fleet/"
cp "$root/systemd/papaoursd-fleet.conf" "$work/fleet/papaoursd.service.d/fleet.conf"
if out=$(cd "$work/fleet" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no papaoursd.socket papaoursd-http.socket papaoursd.service 2>&1) && [[ -z $out ]]; then
    pass "systemd-analyze verify papaoursd.service with the fleet drop-in"
else
    fail "systemd-analyze verify papaoursd.service with the fleet drop-in" "$out"
fi

# What the rest of the packaging counts on.
expect() { # unit key value
    local file=$1 line="$2=$3"
    if grep -qxF -- "$line" "$file"; then pass "${file##*/}: $line"; else fail "${file##*/}: $line missing"; fi
}
expect "$service" Type notify
expect "$service" ExecStart /usr/sbin/papaoursd
expect "$service" ExecReload '/bin/kill -HUP $MAINPID'
expect "$service" User papaours
expect "$service" Group papaours
expect "$service" StateDirectory papaours
expect "$service" StateDirectoryMode 0700
expect "$service" WatchdogSec 30s
expect "$service" Restart on-failure
expect "$service" Requires papaoursd.socket
expect "$service" After papaoursd.socket
expect "$service" MemoryDenyWriteExecute yes
fleet=$root/systemd/papaoursd-fleet.conf
expect "$fleet" PrivateNetwork no
expect "$fleet" RestrictAddressFamilies "AF_UNIX AF_INET AF_INET6"
expect "$fleet" IPAddressDeny any
# Issue 17: no core dumps of a process that handles secrets.
expect "$service" LimitCORE 0
# Issue 17: descriptors must not run out before max-connections (1024 by default) does.
nofile=$(sed -n 's/^LimitNOFILE=//p' "$service")
if [[ $nofile =~ ^[0-9]+$ ]] && (( nofile >= 1024 + 64 + 2 * 256 )); then
    pass "papaoursd.service: LimitNOFILE=$nofile is above max-connections and the daemon's own"
else
    fail "papaoursd.service: LimitNOFILE= missing or not above 1024 + 64 + 2 × 256 (got '${nofile}')"
fi
expect "$socket" ListenStream /run/papaours/papaoursd.sock
expect "$socket" SocketGroup papaours
expect "$socket" SocketMode 0660
expect "$socket" WantedBy sockets.target
# The HTTP gate's socket reaches the same service under the name papaoursd looks for.
expect "$http_socket" ListenStream /run/papaours/papaoursd-http.sock
expect "$http_socket" FileDescriptorName http
expect "$http_socket" Service papaoursd.service
expect "$http_socket" SocketGroup papaours
expect "$http_socket" SocketMode 0660
expect "$service" After papaoursd-http.socket
# PrivateUsers= would map client uids to nobody: the grants would never match.
if grep -q '^PrivateUsers=' "$service"; then fail "papaoursd.service must not set PrivateUsers="; else pass "papaoursd.service: no PrivateUsers="; fi
# RuntimeDirectory= is removed at stop, taking the socket unit's socket with it.
if grep -q '^RuntimeDirectory=' "$service" && ! grep -qx 'RuntimeDirectoryPreserve=yes' "$service"; then
    fail "papaoursd.service: RuntimeDirectory= without RuntimeDirectoryPreserve=yes"
else
    pass "papaoursd.service: no RuntimeDirectory= that would delete the socket"
fi

# The security gate.
report=$(cd "$work" && systemd-analyze security --offline=yes --no-pager papaoursd.service 2>&1)
level=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for papaoursd.service: \([0-9.]*\).*/\1/p')
if [[ -z $level ]]; then
    fail "systemd-analyze security: no overall exposure level" "$report"
elif awk -v l="$level" -v m="$max_exposure" 'BEGIN { exit !(l <= m) }'; then
    pass "systemd-analyze security: overall exposure $level <= $max_exposure"
else
    fail "systemd-analyze security: overall exposure $level > $max_exposure" "$(printf '%s\n' "$report" | grep '✗')"
fi

finish
