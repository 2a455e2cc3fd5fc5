# Shared by the shell tests: counters, reporting and the "N passed, M failed" closing line.
# shellcheck shell=bash
root=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [[ -z ${2:-} ]] || printf '%s\n' "$2" | sed 's/^/    /'; }
finish() {
    if ((skipped)); then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
    ((failed == 0)); exit
}
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# need COMMAND PACKAGE: installs PACKAGE (as root) when COMMAND is missing.
need() { # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    command -v "$1" >/dev/null
}

# cleanup: kills the background processes listed in pids and removes $work (for trap … EXIT).
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    rm -rf "$work"
}
