#!/usr/bin/env bash
# make fuzz: builds the harnesses, runs them for $1 seconds in all on their seed corpora, fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
bash Fuzz/build.sh >.build/fuzz-build.log 2>&1 || { cat .build/fuzz-build.log; exit 1; }
# Both harnesses, the time split between them: the line codec, then the HTTP parser.
status=0
for harness in request http; do
    mkdir -p ".build/fuzz/work-$harness"
    log=.build/fuzz/$harness.log
    ".build/fuzz/$harness-fuzzer" -max_total_time="$(( (seconds + 1) / 2 ))" -timeout=5 -rss_limit_mb=2048 -max_len=9000 \
      -artifact_prefix=".build/fuzz/$harness-" -print_final_stats=1 ".build/fuzz/work-$harness" "Fuzz/corpus/$harness" >"$log" 2>&1 || status=$?
    echo "== $harness"
    grep -E "^Done|stat::number_of_executed_units|ERROR|SUMMARY" "$log" || true
    if [ "$status" -ne 0 ]; then
      echo "fuzz: the $harness fuzzer failed (status $status); input saved under .build/fuzz/$harness-crash-*"; tail -40 "$log"; exit 1
    fi
done
echo "fuzz: ${seconds}s, no crash, no hang"
