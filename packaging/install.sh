#!/usr/bin/env bash
# Installs or removes papaours: bash packaging/install.sh install|uninstall DESTDIR PREFIX
#
#   $PREFIX/sbin/papaoursd, $PREFIX/bin/papaoursctl    release binaries
#   $PREFIX/share/man/man{1,5,7,8}/                    man pages from man/
#   $PREFIX/lib/systemd/system/papaoursd.{service,socket}  (ExecStart=$PREFIX/sbin/papaoursd)
#   $PREFIX/lib/systemd/system/papaoursd-http.socket   the HTTP gate's socket (not enabled)
#   $PREFIX/share/doc/papaours/examples/               nginx and Caddy snippets for the gate, the
#                                                      fleet host's drop-in for papaoursd.service
#   $PREFIX/lib/sysusers.d/papaours.conf
#   /etc/papaours/papaoursd.conf                       example configuration, never
#                                                      overwritten: if one exists and differs,
#                                                      the example goes beside it as
#                                                      papaoursd.conf.example
# Everything lands under DESTDIR when it is not empty (staging, packaging).
#
# The binaries are taken from PAPAOURS_BINDIR when set (packaging/deb.sh does),
# else from `swift build -c release --show-bin-path`, built there if missing.
#
# uninstall removes what install put, except a configuration the administrator
# changed (it differs from etc/papaoursd.conf): that one is kept, and said so.
# Both are idempotent. Under a DESTDIR, uninstall also removes the directories
# it leaves empty; on the live system (no DESTDIR) only /etc/papaours.
set -euo pipefail

usage() { echo "usage: $0 install|uninstall DESTDIR PREFIX" >&2; exit 2; }
(( $# == 3 )) || usage
action=$1
destdir=${2%/}
prefix=${3:-/usr/local}
prefix=${prefix%/}
[[ $prefix == /* ]] || { echo "install.sh: PREFIX must be absolute, got '$prefix'" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "install.sh: $*"; }

d=$destdir$prefix
confdir=$destdir/etc/papaours
conf=$confdir/papaoursd.conf
example=$root/etc/papaoursd.conf

# Every file installed but the configuration: "source<TAB>mode<TAB>destination".
manifest() {
    local page section
    entry() { printf '%s\t%s\t%s\n' "$1" "$2" "$3"; }
    entry BIN:papaoursd 0755 "$d/sbin/papaoursd"
    entry BIN:papaoursctl 0755 "$d/bin/papaoursctl"
    shopt -s nullglob
    for page in "$root"/man/*.[1578]; do
        section=${page##*.}
        entry "$page" 0644 "$d/share/man/man$section/${page##*/}"
    done
    shopt -u nullglob
    entry "UNIT:$root/systemd/papaoursd.service" 0644 "$d/lib/systemd/system/papaoursd.service"
    entry "UNIT:$root/systemd/papaoursd.socket" 0644 "$d/lib/systemd/system/papaoursd.socket"
    entry "UNIT:$root/systemd/papaoursd-http.socket" 0644 "$d/lib/systemd/system/papaoursd-http.socket"
    for example in nginx-papaours.conf nginx-papaours-identity.conf Caddyfile.papaours; do
        entry "$root/etc/$example" 0644 "$d/share/doc/papaours/examples/$example"
    done
    entry "$root/systemd/papaoursd-fleet.conf" 0644 "$d/share/doc/papaours/examples/papaoursd-fleet.conf"
    entry "$root/systemd/sysusers.d/papaours.conf" 0644 "$d/lib/sysusers.d/papaours.conf"
}

bindir() {
    if [[ -n ${PAPAOURS_BINDIR:-} ]]; then
        echo "$PAPAOURS_BINDIR"
        return
    fi
    local dir product
    dir=$(cd "$root" && swift build -c release --show-bin-path)
    for product in papaoursd papaoursctl; do
        if [[ ! -x $dir/$product ]]; then
            say "building $product (release)" >&2
            (cd "$root" && swift build -c release --product "$product" >&2)
        fi
    done
    echo "$dir"
}

# Escapes a string for the replacement side of a sed s||| command.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

do_install() {
    local bins src mode dst tmp
    bins=$(bindir </dev/null)
    while IFS=$'\t' read -r src mode dst; do
        install -d -m 0755 "$(dirname "$dst")"
        case $src in
            BIN:*)
                src=$bins/${src#BIN:}
                [[ -x $src ]] || { echo "install.sh: $src is missing" >&2; exit 1; }
                install -m "$mode" "$src" "$dst"
                ;;
            UNIT:*)
                tmp=$(mktemp)
                sed -e "s|^ExecStart=/usr/sbin/papaoursd|ExecStart=$(sed_escape "$prefix")/sbin/papaoursd|" "${src#UNIT:}" > "$tmp"
                install -m "$mode" "$tmp" "$dst"
                rm -f "$tmp"
                ;;
            *)
                install -m "$mode" "$src" "$dst"
                ;;
        esac
    done < <(manifest)

    install -d -m 0755 "$confdir"
    if [[ ! -e $conf ]]; then
        install -m 0644 "$example" "$conf"
    elif cmp -s "$example" "$conf"; then
        rm -f "$conf.example"
    else
        install -m 0644 "$example" "$conf.example"
        say "kept your $conf (it differs from the example); the new example is $conf.example"
    fi
    say "installed papaours under ${destdir:-/} with PREFIX=$prefix"
}

# Removes dir and its parents while they are empty, never going above DESTDIR.
prune() {
    local dir=$1
    while [[ $dir == "$destdir"/* && -d $dir ]] && rmdir "$dir" 2>/dev/null; do
        dir=$(dirname "$dir")
    done
}

do_uninstall() {
    local src mode dst
    local -a dirs=()
    while IFS=$'\t' read -r src mode dst; do
        rm -f "$dst"
        dirs+=("$(dirname "$dst")")
    done < <(manifest)

    if [[ -e $conf.example ]] && cmp -s "$example" "$conf.example"; then
        rm -f "$conf.example"
    fi
    if [[ -e $conf ]]; then
        if cmp -s "$example" "$conf"; then
            rm -f "$conf"
        else
            say "kept $conf: it was changed since it was installed; remove it by hand if it is no longer wanted"
        fi
    fi
    rmdir "$confdir" 2>/dev/null || true
    if [[ -n $destdir ]]; then
        for dst in "${dirs[@]}"; do prune "$dst"; done
        prune "$destdir/etc"
    fi
    say "uninstalled papaours from ${destdir:-/} (PREFIX=$prefix)"
}

case $action in
    install) do_install ;;
    uninstall) do_uninstall ;;
    *) usage ;;
esac
