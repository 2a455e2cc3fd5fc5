#!/usr/bin/env bash
# Builds dist/papaours_<version>_<arch>.deb with dpkg-deb: bash packaging/deb.sh
#
# The binaries are built with the Swift runtime linked in (--static-swift-stdlib):
# the toolchain's libswiftCore.so and friends under /opt/swift belong to no
# Debian package, so a dynamically linked binary would not run where the
# toolchain is absent. What remains dynamic (libc, libstdc++, liblmdb, libpq,
# libsodium) comes from Debian packages, found with dpkg -S and versioned
# with dpkg-shlibdeps when it is available.
#
# Package behaviour (the maintainer scripts are below):
#   install  systemd-sysusers creates papaours / papaours-admin (adduser when
#            there is no systemd-sysusers); with systemd running, the socket is
#            enabled and started. Without systemd (a container, a chroot)
#            nothing is started and the install still succeeds.
#   upgrade  the running daemon is restarted; enablement is left as it was.
#   remove   units stopped; /etc/papaours and the data in /var/lib/papaours kept.
#   purge    configuration removed, and the data too: /var/lib/papaours is
#            deleted (back it up first, see papaoursd(8)). The system user and
#            groups are kept, as Debian does, since files may still carry their ids.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dist=$root/dist
say() { echo "deb.sh: $*"; }
die() { echo "deb.sh: $*" >&2; exit 1; }

for tool in dpkg-deb dpkg ldd; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done

say "building papaoursd and papaoursctl (release, static Swift runtime)"
for product in papaoursd papaoursctl; do
    swift build -c release --static-swift-stdlib --product "$product"
done
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Copied at once: another `swift build -c release` may relink them dynamically.
mkdir -p "$work/bin"
cp "$bin/papaoursd" "$bin/papaoursctl" "$work/bin/"

version=$("$work/bin/papaoursd" --version | awk '$1 == "papaoursd" { print $2 }')
[[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "cannot read a version from papaoursd --version"
arch=$(dpkg --print-architecture)

# Every shared library must come from a Debian package; remember which.
declare -A packages=()
for binary in "$work"/bin/*; do
    while read -r lib; do
        owner=""
        for path in "$lib" "$(readlink -f "$lib")" "${lib/#\/lib\//\/usr\/lib\/}" "${lib/#\/usr\/lib\//\/lib\/}"; do
            owner=$(dpkg -S "$path" 2>/dev/null | head -n 1 | cut -d: -f1) && [[ -n $owner ]] && break
        done
        [[ -n $owner ]] || die "${binary##*/} links $lib, which no Debian package ships (a Swift runtime library? build with --static-swift-stdlib)"
        packages[$owner]=1
    done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
done

stage=$work/root
PAPAOURS_BINDIR=$work/bin bash "$root/packaging/install.sh" install "$stage" /usr >/dev/null
# Debian's layout: stripped binaries, compressed man pages.
if command -v strip >/dev/null; then
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/sbin/papaoursd" "$stage/usr/bin/papaoursctl"
fi
find "$stage/usr/share/man" -type f -name '*.[1-8]' -exec gzip -9n {} +
install -d -m 0755 "$stage/usr/share/doc/papaours"
install -m 0644 "$root/README.md" "$stage/usr/share/doc/papaours/README.md"

# Runtime dependencies: dpkg-shlibdeps (versioned) when there, else the packages found above.
shlibs=""
if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$work/src/debian"
    printf 'Source: papaours\n\nPackage: papaours\nArchitecture: any\n' > "$work/src/debian/control"
    shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$stage/usr/sbin/papaoursd" "$stage/usr/bin/papaoursctl" 2>/dev/null |
        sed -n 's/^shlibs:Depends=//p') || shlibs=""
fi
if [[ -z $shlibs ]]; then
    shlibs=$(printf '%s\n' "${!packages[@]}" | sort | paste -sd, - | sed 's/,/, /g')
fi
depends="$shlibs, systemd | adduser"

install -d -m 0755 "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<EOF
Package: papaours
Version: $version
Architecture: $arch
Maintainer: ${DEBFULLNAME:-papaours developers} <${DEBEMAIL:-papaours@localhost}>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Suggests: lmdb-utils, socat
Section: admin
Priority: optional
Description: machine accounts and API keys daemon
 papaoursd keeps the machines (service accounts) of a platform and their API
 keys in an LMDB database, storing only a hash of each key, and answers local
 services on a Unix socket: is this key good, and whose is it? Clients are
 identified by their kernel credentials. papaoursctl is the administrator's
 command line.
 .
 Socket activated through papaoursd.socket; members of papaours may verify
 keys, members of papaours-admin (and papaours) manage machines and keys.
EOF

echo /etc/papaours/papaoursd.conf > "$stage/DEBIAN/conffiles"

cat > "$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if command -v systemd-sysusers >/dev/null 2>&1; then
        systemd-sysusers /usr/lib/sysusers.d/papaours.conf
    else
        getent group papaours >/dev/null || addgroup --system --quiet papaours
        getent group papaours-admin >/dev/null || addgroup --system --quiet papaours-admin
        getent passwd papaours >/dev/null || adduser --system --quiet --ingroup papaours \
            --home /var/lib/papaours --no-create-home --shell /usr/sbin/nologin \
            --gecos "papaours daemon" papaours
    fi
    # Only with systemd running: a container or chroot gets the files, not a daemon.
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        systemctl daemon-reload || true
        if [ -z "$2" ]; then
            systemctl enable --now papaoursd.socket || true
        else
            # Upgrade, or reinstall after remove: keep the admin's choice.
            if systemctl -q is-enabled papaoursd.socket 2>/dev/null; then
                systemctl start papaoursd.socket || true
            fi
            systemctl try-restart papaoursd.service || true
        fi
    fi
fi
exit 0
EOF

cat > "$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop papaoursd.socket papaoursd-http.socket papaoursd.service || true
fi
exit 0
EOF

cat > "$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload || true
fi
if [ "$1" = purge ]; then
    # dpkg deletes the conffile itself; these are what it leaves beside it.
    rm -f /etc/papaours/papaoursd.conf /etc/papaours/papaoursd.conf.dpkg-old \
          /etc/papaours/papaoursd.conf.dpkg-dist /etc/papaours/papaoursd.conf.dpkg-new
    rmdir /etc/papaours 2>/dev/null || true
    # Enablement symlinks, dangling since the units went with the package.
    rm -f /etc/systemd/system/sockets.target.wants/papaoursd.socket \
          /etc/systemd/system/sockets.target.wants/papaoursd-http.socket
    # Purge means everything: the database goes too (remove keeps it).
    rm -rf /var/lib/papaours
fi
exit 0
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

# md5sums of every file but the conffiles, as dh_md5sums writes it.
(cd "$stage" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

mkdir -p "$dist"
deb=$dist/papaours_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
say "built $deb"
say "Depends: $depends"
