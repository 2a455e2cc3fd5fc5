#!/usr/bin/env bash
# Checks packaging/install.sh: the tree it installs into a DESTDIR with
# PREFIX=/usr/local (files, modes, ExecStart rewritten), that installing again
# changes nothing, that an edited configuration survives install and uninstall
# (the new example goes beside it), and that uninstall removes everything else.
# Usage: bash tests/install-tree.sh (builds the release binaries if missing).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest="$work/dest dir"   # a space on purpose
prefix=/usr/local
installer=(bash "$root/packaging/install.sh")

# "mode path" of every file and directory under the DESTDIR.
tree() { (cd "$dest" 2>/dev/null && find . -mindepth 1 -printf '%m %y %P\n' | sort -k3); }

expected() {
    local page
    {
        printf '755 d etc\n755 d etc/papaours\n644 f etc/papaours/papaoursd.conf\n'
        printf '755 d usr\n755 d usr/local\n'
        printf '755 d usr/local/bin\n755 f usr/local/bin/papaoursctl\n'
        printf '755 d usr/local/sbin\n755 f usr/local/sbin/papaoursd\n'
        printf '755 d usr/local/lib\n755 d usr/local/lib/systemd\n755 d usr/local/lib/systemd/system\n'
        printf '644 f usr/local/lib/systemd/system/papaoursd.service\n644 f usr/local/lib/systemd/system/papaoursd.socket\n'
        printf '644 f usr/local/lib/systemd/system/papaoursd-http.socket\n'
        printf '755 d usr/local/share/doc\n755 d usr/local/share/doc/papaours\n755 d usr/local/share/doc/papaours/examples\n'
        printf '644 f usr/local/share/doc/papaours/examples/%s\n' nginx-papaours.conf nginx-papaours-identity.conf Caddyfile.papaours \
            papaoursd-fleet.conf
        printf '755 d usr/local/lib/sysusers.d\n644 f usr/local/lib/sysusers.d/papaours.conf\n'
        printf '755 d usr/local/share\n755 d usr/local/share/man\n'
        for page in "$root"/man/*.[1578]; do
            printf '755 d usr/local/share/man/man%s\n644 f usr/local/share/man/man%s/%s\n' "${page##*.}" "${page##*.}" "${page##*/}"
        done
    } | sort -u -k3
}

# 1. A fresh install.
if out=$("${installer[@]}" install "$dest" "$prefix" 2>&1); then pass "install into an empty DESTDIR"; else fail "install into an empty DESTDIR" "$out"; finish; fi
diff_out=$(diff <(expected) <(tree))
if [[ -z $diff_out ]]; then pass "installed tree and modes are as expected"; else fail "installed tree differs (< expected, > installed)" "$diff_out"; fi
p=$dest$prefix
check "papaoursd runs: --version" bash -c '"$1" --version | grep -q "^papaoursd [0-9]"' _ "$p/sbin/papaoursd"
check "papaoursctl runs: --version" bash -c '"$1" --version >/dev/null' _ "$p/bin/papaoursctl"
check "service ExecStart is $prefix/sbin/papaoursd" grep -qx "ExecStart=$prefix/sbin/papaoursd" "$p/lib/systemd/system/papaoursd.service"
check "service differs from the source only by ExecStart" bash -c \
    'diff <(grep -v "^ExecStart=" "$1") <(grep -v "^ExecStart=" "$2") >/dev/null' _ "$root/systemd/papaoursd.service" "$p/lib/systemd/system/papaoursd.service"
check "socket unit installed as is" cmp -s "$root/systemd/papaoursd.socket" "$p/lib/systemd/system/papaoursd.socket"
check "sysusers file installed as is" cmp -s "$root/systemd/sysusers.d/papaours.conf" "$p/lib/sysusers.d/papaours.conf"
check "configuration installed from etc/papaoursd.conf" cmp -s "$root/etc/papaoursd.conf" "$dest/etc/papaours/papaoursd.conf"
for page in "$root"/man/*.[1578]; do
    check "man page ${page##*/} in man${page##*.}" cmp -s "$page" "$p/share/man/man${page##*.}/${page##*/}"
done

# 2. Installing again changes nothing.
before=$(tree)
if out=$("${installer[@]}" install "$dest" "$prefix" 2>&1); then pass "install again"; else fail "install again" "$out"; fi
check "a second install leaves the same tree" test "$before" == "$(tree)"
check "no papaoursd.conf.example while the configuration is the example" test ! -e "$dest/etc/papaours/papaoursd.conf.example"

# 3. An edited configuration is kept; the example goes beside it.
conf=$dest/etc/papaours/papaoursd.conf
printf 'grant user operator machines.read\n' >> "$conf"
edited=$(sha256sum < "$conf")
out=$("${installer[@]}" install "$dest" "$prefix" 2>&1)
check "install over an edited configuration succeeds" test $? -eq 0
check "the edited configuration is kept" test "$edited" == "$(sha256sum < "$conf")"
check "the new example is installed as papaoursd.conf.example" cmp -s "$root/etc/papaoursd.conf" "$conf.example"
check "install says it kept the configuration" grep -q "kept" <<< "$out"

# 4. Uninstall removes everything but the edited configuration.
out=$("${installer[@]}" uninstall "$dest" "$prefix" 2>&1)
check "uninstall succeeds" test $? -eq 0
left=$(tree)
want=$'755 d etc\n755 d etc/papaours\n644 f etc/papaours/papaoursd.conf'
if [[ $left == "$want" ]]; then pass "uninstall leaves only the edited configuration"; else fail "uninstall left more than the edited configuration" "$left"; fi
check "the kept configuration is unchanged" test "$edited" == "$(sha256sum < "$conf" 2>/dev/null)"
check "uninstall says it kept the configuration" grep -q "kept" <<< "$out"
out=$("${installer[@]}" uninstall "$dest" "$prefix" 2>&1)
check "uninstall again succeeds and changes nothing" test $? -eq 0 -a "$left" == "$(tree)"

# 5. With the configuration untouched, uninstall empties the DESTDIR.
rm -f "$conf"
"${installer[@]}" install "$dest" "$prefix" >/dev/null 2>&1
"${installer[@]}" uninstall "$dest" "$prefix" >/dev/null 2>&1
left=$(tree)
if [[ -z $left ]]; then pass "install then uninstall leaves the DESTDIR empty"; else fail "install then uninstall left files" "$left"; fi

# 6. A wrong call is a usage error.
"${installer[@]}" frobnicate "$dest" "$prefix" >/dev/null 2>&1
check "an unknown action exits 2" test $? -eq 2

finish
