#!/usr/bin/env bash
# Checks papaoursd under socket activation, as papaoursd.socket starts it:
#  1. systemd-socket-activate binds the socket and hands it over as fd 3: the
#     daemon answers HELLO on it, never binds nor unlinks a socket of its own,
#     and stops on SIGTERM with status 0.
#  2. The same, in a sandbox close to papaoursd.service's: user nobody, no new
#     privileges, no capabilities, umask 077; then, where the machine allows it,
#     mount and network namespaces (read-only system, private /tmp and /dev,
#     /home and /root hidden, /proc with subset=pid,hidepid=invisible, no
#     network) and seccomp filters built from the unit's SystemCallFilter=
#     lines (expanded by systemd-analyze; other calls kill the daemon), with
#     MemoryDenyWriteExecute= and RestrictAddressFamilies=AF_UNIX emulated.
#     In it, a workload: writes, key verification (line protocol and the HTTP
#     gate on a second socket named http), grants by group name (NSS), a
#     refusal, SIGHUP, SIGTERM.
# Not emulated: ProtectKernel*/ProtectClock/RestrictNamespaces/LockPersonality/
# RestrictRealtime (their system calls are outside the allow list anyway).
# Usage: bash tests/socket-activation.sh (as root; installs what is missing).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need systemd-socket-activate systemd || { fail "systemd-socket-activate is not available"; finish; }
need socat socat || { fail "socat is not available"; finish; }
need setpriv util-linux || { fail "setpriv is not available"; finish; }

bin=$(cd "$root" && swift build -c release --show-bin-path)
for product in papaoursd papaoursctl; do
    [[ -x $bin/$product ]] || (cd "$root" && swift build -c release --product "$product" >/dev/null) ||
        { fail "cannot build $product"; finish; }
done
daemon=$bin/papaoursd ctl=$bin/papaoursctl

# Outside /tmp, which the sandbox replaces; readable by nobody.
work=$(mktemp -d -p /run papaours-activation.XXXXXX)
chmod 0755 "$work"
pids=()
trap cleanup EXIT

wait_for() { # seconds command...
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.1; done
}
hello() { printf 'HELLO\nQUIT\n' | timeout 5 socat -t 5 - "UNIX-CONNECT:$1" 2>&1 | head -n 1; }
stops_cleanly() { # pid log: SIGTERM, then exit status 0 within 5 s
    local pid=$1 status
    kill -TERM "$pid" 2>/dev/null
    wait_for 5 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid" || return 1
    wait "$pid"; status=$?
    ((status == 0))
}

# --- 1. plain socket activation ---------------------------------------------
d=$work/plain
mkdir -m 0700 "$d" "$d/db"
printf 'socket %s/own.sock\nlog-level debug\n' "$d" > "$d/conf"
systemd-socket-activate -l "$d/s.sock" "$daemon" --config "$d/conf" --database "$d/db" > "$d/log" 2>&1 &
pid=$!; pids+=("$pid")
if wait_for 10 test -S "$d/s.sock"; then pass "systemd-socket-activate created the socket"; else fail "no socket from systemd-socket-activate" "$(cat "$d/log")"; finish; fi
inode=$(stat -c %i "$d/s.sock")
reply=$(hello "$d/s.sock")
if [[ $reply == "OK server=papaoursd "* ]]; then pass "HELLO answered on the activated socket"; else fail "HELLO on the activated socket: '$reply'" "$(cat "$d/log")"; fi
check "the daemon runs in the process that was handed fd 3 (LISTEN_PID)" \
    bash -c '[[ $(readlink "/proc/$1/exe") == "$2" ]]' _ "$pid" "$(readlink -f "$daemon")"
check "the daemon logs that it serves the socket from systemd" grep -q "serving on the socket from systemd" "$d/log"
check "the daemon did not bind the socket of its configuration" test ! -e "$d/own.sock"
check "SIGTERM: exit status 0" stops_cleanly "$pid"
check "the socket file is still there after the stop (systemd's, not unlinked)" test -S "$d/s.sock"
check "and it is the same socket (inode unchanged)" test "$inode" == "$(stat -c %i "$d/s.sock" 2>/dev/null)"

# --- 2. sandboxed --------------------------------------------------------------
d=$work/sandbox
mkdir -m 0755 "$d"
mkdir -m 0700 "$d/db"
chown 65534:65534 "$d/db"
printf 'grant group nogroup machines.read\ngrant user nobody keys.verify\nusage-flush-interval 1\n' > "$d/conf"
chmod 0644 "$d/conf"
nogroup=$(getent group 65534 | cut -d: -f1)
[[ -n $nogroup ]] && sed -i "s/^grant group nogroup/grant group $nogroup/" "$d/conf"

sandbox=()
# Namespaces: needs root and mount rights (absent in some containers).
if [[ $(id -u) == 0 ]] && unshare -m -n --propagation private true 2>/dev/null; then
    cat > "$d/namespaces.sh" <<'EOF'
# Run as root in new mount and network namespaces; $1 is the state directory,
# the rest is the command to exec. Mirrors ProtectSystem=strict, ProtectHome=yes,
# PrivateTmp=yes, PrivateDevices=yes, ProtectProc=invisible and ProcSubset=pid.
set -e
state=$1; shift
devdir=$(dirname "$state")/dev
mkdir -p "$devdir"
mount -t tmpfs -o mode=0755,nosuid,noexec tmpfs "$devdir"
for node in null zero full random urandom tty; do
    touch "$devdir/$node"; mount --bind "/dev/$node" "$devdir/$node"
done
mount --bind "$devdir" /dev
mount -t proc -o nosuid,nodev,noexec,subset=pid,hidepid=invisible proc /proc
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
[ -d /var/tmp ] && mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
for home in /home /root /run/user; do
    [ -d "$home" ] && mount -t tmpfs -o ro,mode=0755 tmpfs "$home"
done
mount --bind "$state" "$state"
# Everything read-only but /dev, /proc, /sys (kept as is) and the state directory.
awk '{ print $5 }' /proc/self/mountinfo | sort -u | while read -r mp; do
    case $mp in /dev|/dev/*|/proc|/proc/*|/sys|/sys/*|/tmp|/var/tmp|"$state") continue ;; esac
    mount -o remount,bind,ro "$mp" 2>/dev/null || true
done
mount -o remount,bind,rw "$state"
exec "$@"
EOF
    sandbox+=(unshare -m -n --propagation private sh "$d/namespaces.sh" "$d/db")
    pass "namespaces available: read-only system, private /tmp and /dev, no network"
else
    skip "mount and network namespaces (no root or no mount rights here)"
fi
sandbox+=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all)

# seccomp: the unit's SystemCallFilter= lines, expanded; MemoryDenyWriteExecute; AF_UNIX only.
seccomp_ready=false
if need cc gcc && { [[ -e /usr/include/seccomp.h ]] || {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libseccomp-dev >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libseccomp-dev >/dev/null; }; }; }; then
    cat > "$d/seccomp-exec.c" <<'EOF'
// seccomp-exec ALLOWLIST PROGRAM ARGS...: exec PROGRAM with only the system calls
// named in ALLOWLIST (any other kills the process, stricter than the unit's
// SystemCallErrorNumber=EPERM), no writable+executable memory (as systemd's
// MemoryDenyWriteExecute=) and sockets of family AF_UNIX only.
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: seccomp-exec ALLOWLIST PROGRAM ARGS...\n"); return 2; }
    scmp_filter_ctx allow = seccomp_init(SCMP_ACT_KILL_PROCESS), rules = seccomp_init(SCMP_ACT_ALLOW);
    FILE *f = fopen(argv[1], "r");
    if (!allow || !rules || !f) { perror("seccomp-exec"); return 2; }
    char name[128];
    while (fscanf(f, "%127s", name) == 1) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr >= 0) seccomp_rule_add(allow, SCMP_ACT_ALLOW, nr, 0);
    }
    fclose(f);
    int rc = 0;
    rc |= seccomp_rule_add(rules, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE, PROT_EXEC | PROT_WRITE));
    rc |= seccomp_rule_add(rules, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    rc |= seccomp_rule_add(rules, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pkey_mprotect), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    rc |= seccomp_rule_add(rules, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(shmat), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
    rc |= seccomp_rule_add(rules, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                           SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    // The allow list goes last: it forbids seccomp() itself.
    if (rc != 0 || seccomp_load(rules) != 0 || seccomp_load(allow) != 0) {
        fprintf(stderr, "seccomp-exec: cannot load the filters\n");
        return 2;
    }
    execv(argv[2], argv + 2);
    perror("seccomp-exec: exec");
    return 127;
}
EOF
    # SystemCallFilter= lines: the first without ~ is the allow list, each ~ removes.
    cat > "$d/expand.py" <<'EOF'
import subprocess, sys
cache = {}
def expand(name):
    if not name.startswith("@"):
        return {name}
    if name not in cache:
        text = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True, text=True, check=True).stdout
        calls = set()
        for line in text.splitlines()[1:]:
            line = line.strip()
            if line and not line.startswith("#"):
                calls |= expand(line)
        cache[name] = calls
    return cache[name]
allowed = None
for line in open(sys.argv[1]):
    if not line.startswith("SystemCallFilter="):
        continue
    value = line.split("=", 1)[1].strip()
    deny = value.startswith("~")
    names = set()
    for word in value.lstrip("~").split():
        names |= expand(word)
    if deny:
        allowed = (allowed or set()) - names
    else:
        allowed = (allowed or set()) | names
if not allowed:
    sys.exit("no allow-list SystemCallFilter= in " + sys.argv[1])
print("\n".join(sorted(allowed)))
EOF
    if cc -O2 -o "$d/seccomp-exec" "$d/seccomp-exec.c" -lseccomp 2>"$d/cc.log" &&
        python3 "$d/expand.py" "$root/systemd/papaoursd.service" > "$d/allow.txt" 2>"$d/expand.log"; then
        seccomp_ready=true
        pass "seccomp filter from the unit's SystemCallFilter= ($(wc -l < "$d/allow.txt") calls allowed)"
        check "the allow list leaves out @privileged and @resources (setuid, setpriority)" \
            bash -c '! grep -qxE "setuid|setpriority|sched_setaffinity" "$1"' _ "$d/allow.txt"
    else
        fail "cannot prepare the seccomp filter" "$(cat "$d/cc.log" "$d/expand.log")"
    fi
else
    skip "seccomp filter (no compiler or libseccomp-dev)"
fi
if $seccomp_ready; then
    sandbox+=("$d/seccomp-exec" "$d/allow.txt")
    # Controls: the filters do bite.
    "$d/seccomp-exec" "$d/allow.txt" "$(command -v nice)" -n 5 true 2>/dev/null
    check "control: a call outside the list (setpriority, by nice) kills" test $? -eq $((128 + 31))
    check "control: a writable and executable mapping is refused" bash -c \
        '"$@" -c "import mmap; mmap.mmap(-1, 4096, prot=7)" 2>&1 | grep -q PermissionError' _ "$d/seccomp-exec" "$d/allow.txt" "$(command -v python3)"
    check "control: an AF_INET socket is refused" bash -c \
        '"$@" -c "import socket; socket.socket(socket.AF_INET)" 2>&1 | grep -q "Errno 97"' _ "$d/seccomp-exec" "$d/allow.txt" "$(command -v python3)"
fi

# The sandbox has a private /tmp, where a checkout may live: run a copy from the sandbox's directory.
install -m 0755 "$daemon" "$d/papaoursd"
# A second socket named http, as papaoursd-http.socket passes it: the HTTP gate's.
(umask 077; exec systemd-socket-activate -l "$d/s.sock" -l "$d/http.sock" --fdname=papaoursd.socket:http \
    "${sandbox[@]}" "$d/papaoursd" --config "$d/conf" --database "$d/db") > "$d/log" 2>&1 &
pid=$!; pids+=("$pid")
if wait_for 10 test -S "$d/http.sock"; then chmod 0666 "$d/s.sock" "$d/http.sock"; else fail "no socket for the sandboxed daemon" "$(cat "$d/log")"; finish; fi
reply=$(hello "$d/s.sock")
if [[ $reply == "OK server=papaoursd "* ]]; then
    pass "sandboxed daemon answers HELLO"
else
    fail "sandboxed daemon: HELLO got '$reply'" "$(cat "$d/log")"
    finish
fi
status=$(cat "/proc/$pid/status" 2>/dev/null)
check "it runs as nobody" grep -qE '^Uid:\s+65534\s+65534\s+65534\s+65534' <<< "$status"
check "with no new privileges and no capabilities" \
    bash -c 'grep -qE "^NoNewPrivs:\s+1" <<< "$1" && grep -qE "^CapBnd:\s+0+$" <<< "$1" && grep -qE "^CapEff:\s+0+$" <<< "$1"' _ "$status"
if [[ ${sandbox[0]} == unshare ]]; then
    check "in mount and network namespaces of its own" bash -c \
        '[[ $(readlink /proc/$1/ns/mnt) != $(readlink /proc/self/ns/mnt) && $(readlink /proc/$1/ns/net) != $(readlink /proc/self/ns/net) ]]' _ "$pid"
fi
if $seccomp_ready; then check "under seccomp filters" grep -qE '^Seccomp:\s+2' <<< "$status"; fi

c=(timeout 10 "$ctl" --socket "$d/s.sock")
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# What nobody runs is copied into $work: the checkout may be private (/root, mktemp -d).
install -m 0755 "$ctl" "$work/papaoursctl"
c_nobody=(timeout 10 "$work/papaoursctl" --socket "$d/s.sock")
check "write: machine create" bash -c '"$@" >/dev/null' _ "${c[@]}" machine create web --description "Front end" --organization Acme --role api
key=$("${c[@]}" key create web --label prod 2>/dev/null)
check "write: key create" test -n "$key"
check "verify the key (as nobody, granted keys.verify by user name)" bash -c 'printf "%s\n" "$1" | "${@:2}" verify --ip 192.0.2.7 >/dev/null' _ "$key" "${as_nobody[@]}" "${c_nobody[@]}"
# The key goes through printf (a builtin) on a pipe, never on a command line.
gate_verify() { # secret socket → the status line, as nobody
    printf 'GET /verify HTTP/1.1\r\nX-API-KEY: %s\r\nConnection: close\r\n\r\n' "$1" |
        "${as_nobody[@]}" timeout 5 socat -t 5 - "UNIX-CONNECT:$2" | head -n 1 | tr -d '\r'
}
reply=$(gate_verify "$key" "$d/http.sock")
if [[ $reply == "HTTP/1.1 200 OK" ]]; then pass "HTTP gate on the socket named http, sandboxed (as nobody)"; else fail "HTTP gate in the sandbox: '$reply'" "$(tail -n 20 "$d/log")"; fi
check "machine list as nobody (granted machines.read by group name)" bash -c '"$@" machine list | grep -q web' _ "${as_nobody[@]}" "${c_nobody[@]}"
"${as_nobody[@]}" "${c_nobody[@]}" machine create intruder >/dev/null 2>&1
check "machine create as nobody is refused (exit 1)" test $? -eq 1
check "audit journal readable" bash -c '"$@" audit --machine web >/dev/null' _ "${c[@]}"
sleep 1.5   # one usage-flush-interval: the counters are written under the filter too
kill -HUP "$pid" 2>/dev/null
check "SIGHUP: configuration reloaded" wait_for 5 grep -q "configuration reloaded" "$d/log"
reply=$(hello "$d/s.sock")
check "still answering after the reload" test "${reply%% *}" == OK
check "the database files are owner-only (umask 077)" \
    bash -c '[[ $(stat -c %a "$1/data.mdb") == 600 ]]' _ "$d/db"
if stops_cleanly "$pid"; then pass "SIGTERM: exit status 0"; else fail "SIGTERM: no clean stop" "$(tail -n 20 "$d/log")"; fi
check "no 'Bad system call' nor error in the log" bash -c '! grep -qiE "bad system call|error:" "$1"' _ "$d/log"

finish
