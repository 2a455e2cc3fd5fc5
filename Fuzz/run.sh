#!/usr/bin/env bash
# make fuzz: builds the harness, runs it for $1 seconds on the seed corpus, fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
bash Fuzz/build.sh >.build/fuzz-build.log 2>&1 || { cat .build/fuzz-build.log; exit 1; }
mkdir -p .build/fuzz/work
status=0
.build/fuzz/request-fuzzer -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=9000 \
  -artifact_prefix=.build/fuzz/ -print_final_stats=1 .build/fuzz/work Fuzz/corpus >.build/fuzz/last.log 2>&1 || status=$?
grep -E "^Done|stat::number_of_executed_units|ERROR|SUMMARY" .build/fuzz/last.log || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: the fuzzer failed (status $status); input saved under .build/fuzz/crash-*"; tail -40 .build/fuzz/last.log; exit 1
fi
echo "fuzz: ${seconds}s, no crash, no hang"
