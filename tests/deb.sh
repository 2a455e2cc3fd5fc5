#!/usr/bin/env bash
# Checks the Debian package: builds it with packaging/deb.sh, inspects it (control
# fields, conffiles, no library outside Debian packages, i.e. no Swift runtime
# from /opt/swift), installs it with dpkg -i on this machine (where systemd is
# not running: the maintainer scripts must cope), checks what it set up, runs
# the installed daemon as its user, then removes it (config and data kept) and
# purges it (config and data gone). The machine is left as it was: users and
# groups the package created are deleted at the end (the package itself keeps
# them, as Debian does).
# Usage: bash tests/deb.sh (as root; refuses to run if papaours is installed).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) == 0 ]] || { fail "tests/deb.sh installs a package: run it as root"; finish; }
for tool in dpkg-deb socat setpriv; do
    command -v "$tool" >/dev/null && continue
    case $tool in dpkg-deb) package=dpkg ;; setpriv) package=util-linux ;; *) package=$tool ;; esac
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null ||
        { fail "$tool is not available"; finish; }
done
if dpkg-query -W -f='${Status}' papaours 2>/dev/null | grep -qv "not-installed"; then
    fail "papaours is already installed (or its configuration is left): not touching it"
    finish
fi

work=$(mktemp -d)
existed=()
for name in papaours papaours-admin; do
    getent passwd "$name" >/dev/null && existed+=("user:$name")
    getent group "$name" >/dev/null && existed+=("group:$name")
done
[[ -e /var/lib/papaours ]] && existed+=(data)
[[ -e /etc/papaours ]] && existed+=(etc)
cleanup() {
    dpkg-query -W papaours >/dev/null 2>&1 && dpkg -P papaours >/dev/null 2>&1
    [[ " ${existed[*]} " == *" user:papaours "* ]] || userdel papaours 2>/dev/null
    local group
    for group in papaours-admin papaours; do
        [[ " ${existed[*]} " == *" group:$group "* ]] || groupdel "$group" 2>/dev/null
    done
    [[ " ${existed[*]} " == *" data "* ]] || rm -rf /var/lib/papaours
    [[ " ${existed[*]} " == *" etc "* ]] || rm -rf /etc/papaours
    rm -rf "$work"
}
trap cleanup EXIT

# --- build and inspect ---------------------------------------------------------
if out=$(bash "$root/packaging/deb.sh" 2>&1); then pass "packaging/deb.sh builds"; else fail "packaging/deb.sh failed" "$(tail -n 20 <<< "$out")"; finish; fi
version=$(sed -n 's|^deb.sh: built .*/papaours_\(.*\)_[^_]*\.deb$|\1|p' <<< "$out")
deb=$root/dist/papaours_${version}_$(dpkg --print-architecture).deb
check "dist/papaours_${version}_$(dpkg --print-architecture).deb exists" test -f "$deb"
field() { dpkg-deb -f "$deb" "$1"; }
check "Package: papaours" test "$(field Package)" == papaours
depends=$(field Depends)
for dep in libc6 liblmdb0 libsodium23 libpq5 libstdc++6; do
    check "Depends on $dep" grep -qE "(^|, )${dep//+/\\+}( |,|$)" <<< "$depends"
done
check "Depends on systemd | adduser (for the system user)" grep -q "systemd | adduser" <<< "$depends"
mkdir -p "$work/ctl" "$work/x"
dpkg-deb -e "$deb" "$work/ctl"
dpkg-deb -x "$deb" "$work/x"
check "conffiles lists /etc/papaours/papaoursd.conf" grep -qx /etc/papaours/papaoursd.conf "$work/ctl/conffiles"
for script in postinst prerm postrm; do
    check "$script is executable and valid sh" bash -c '[[ -x $1 ]] && sh -n "$1"' _ "$work/ctl/$script"
done
libs=$(ldd "$work/x/usr/sbin/papaoursd" "$work/x/usr/bin/papaoursctl" 2>&1)
check "no Swift runtime library from the toolchain is linked" bash -c '! grep -qE "/opt/swift|libswift" <<< "$1"' _ "$libs"
check "every linked library is found" bash -c '! grep -q "not found" <<< "$1"' _ "$libs"
owners=$(ldd "$work/x/usr/sbin/papaoursd" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
    dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || echo "UNOWNED $lib"; done)
check "every library of papaoursd belongs to a Debian package" bash -c '! grep -q UNOWNED <<< "$1"' _ "$owners"
check "the units in the package run /usr/sbin/papaoursd" grep -qx "ExecStart=/usr/sbin/papaoursd" "$work/x/usr/lib/systemd/system/papaoursd.service"
check "man pages are compressed" test -f "$work/x/usr/share/man/man8/papaoursd.8.gz"

# --- install ---------------------------------------------------------------------
if out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" 2>&1); then pass "dpkg -i (systemd not running here: $([[ -d /run/systemd/system ]] && echo no || echo yes))"; else fail "dpkg -i" "$out"; finish; fi
check "dpkg reports it installed" bash -c '[[ $(dpkg-query -W -f="\${Status}" papaours) == "install ok installed" ]]'
out=$(/usr/sbin/papaoursd --version 2>&1)
check "/usr/sbin/papaoursd --version: $out" test "$out" == "papaoursd $version (protocol 1)"
check "/usr/bin/papaoursctl --version runs" bash -c '/usr/bin/papaoursctl --version >/dev/null'
entry=$(getent passwd papaours)
check "user papaours: home /var/lib/papaours, nologin" grep -qE '^papaours:[^:]*:[0-9]+:[0-9]+:[^:]*:/var/lib/papaours:/usr/sbin/nologin$' <<< "$entry"
uid=$(cut -d: -f3 <<< "$entry")
check "user papaours is a system user (uid < 1000)" test "${uid:-1000}" -lt 1000
check "group papaours is its primary group" test "$(id -gn papaours 2>/dev/null)" == papaours
check "group papaours-admin exists" bash -c 'getent group papaours-admin >/dev/null'
check "/etc/papaours/papaoursd.conf installed" cmp -s "$root/etc/papaoursd.conf" /etc/papaours/papaoursd.conf
out=$(/usr/sbin/papaoursd --check-config 2>&1)
check "the installed configuration checks OK, no warning (the groups exist now)" test "$out" == "configuration OK"
check "units in /usr/lib/systemd/system" test -f /usr/lib/systemd/system/papaoursd.service -a -f /usr/lib/systemd/system/papaoursd.socket
check "sysusers file in /usr/lib/sysusers.d" test -f /usr/lib/sysusers.d/papaours.conf

# The installed daemon, as its user, on a private socket and database.
run=$work/run
chmod 0755 "$work"
mkdir -m 0700 "$run" "$run/db"; chown papaours:papaours "$run" "$run/db"
setpriv --reuid=papaours --regid=papaours --init-groups --no-new-privs --bounding-set=-all \
    /usr/sbin/papaoursd --socket "$run/s.sock" --database "$run/db" > "$run/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [[ -S $run/s.sock ]] && break; sleep 0.1; done
reply=$(printf 'HELLO\nQUIT\n' | timeout 5 socat - "UNIX-CONNECT:$run/s.sock" 2>&1 | head -n 1)
if [[ ${reply%% *} == OK ]]; then pass "the installed daemon answers HELLO as user papaours"; else fail "the installed daemon: HELLO got '$reply'" "$(cat "$run/log")"; fi
kill -TERM "$pid" 2>/dev/null; wait "$pid"
check "and stops with status 0" test $? -eq 0

# --- remove, then purge ------------------------------------------------------------
mkdir -p /var/lib/papaours && touch /var/lib/papaours/data.mdb    # stands for a database
printf '# edited by tests/deb.sh\n' >> /etc/papaours/papaoursd.conf
if out=$(dpkg -r papaours 2>&1); then pass "dpkg -r papaours"; else fail "dpkg -r papaours" "$out"; fi
check "binaries removed" test ! -e /usr/sbin/papaoursd -a ! -e /usr/bin/papaoursctl
check "units removed" test ! -e /usr/lib/systemd/system/papaoursd.service
check "remove keeps the configuration" grep -q "edited by tests/deb.sh" /etc/papaours/papaoursd.conf
check "remove keeps the data" test -e /var/lib/papaours/data.mdb
if out=$(dpkg -P papaours 2>&1); then pass "dpkg -P papaours"; else fail "dpkg -P papaours" "$out"; fi
check "purge removes /etc/papaours" test ! -e /etc/papaours
check "purge removes /var/lib/papaours" test ! -e /var/lib/papaours
check "dpkg forgets the package" bash -c '! dpkg-query -W papaours >/dev/null 2>&1'

finish
