#!/usr/bin/env bash
# Lints every man page in man/ with mandoc; any message at warning level or
# above fails the check. Usage: tests/man-lint.sh (from anywhere).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! command -v mandoc >/dev/null 2>&1; then
    echo "man-lint: mandoc is not installed" >&2
    exit 2
fi

shopt -s nullglob
pages=(man/*.[1-8])
if ((${#pages[@]} == 0)); then
    echo "man-lint: no man pages found in $root/man" >&2
    exit 1
fi

status=0
for page in "${pages[@]}"; do
    output=$(mandoc -Tlint -Wwarning "$page" 2>&1) || true
    if [[ -n $output ]]; then
        printf '%s\n' "$output"
        status=1
    fi
done

if ((status == 0)); then
    echo "man-lint: ${#pages[@]} pages clean"
fi
exit "$status"
