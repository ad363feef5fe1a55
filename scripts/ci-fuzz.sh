#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan +UBSan) and runs each for
# PJ_FUZZ_SECONDS (default 30) from its seed corpus; prints executions, speed
# and coverage. Any crash, leak or sanitizer report fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${PJ_FUZZ_SECONDS:-30}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROMPTJOURNAL_BUILD_FUZZERS=ON -DPROMPTJOURNAL_SANITIZE=address,undefined \
  -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DPROMPTJOURNAL_BUILD_TESTS=ON \
  -DPROMPTJOURNAL_BUILD_TOOLS=OFF -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF -DPROMPTJOURNAL_INSTALL=OFF >/dev/null
targets=(event_line journal snapshot import session_id)
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"
for t in "${targets[@]}"; do
  work=build-fuzz/corpus-$t
  mkdir -p "$work"
  echo "== fuzz_$t for ${seconds}s"
  build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$seconds" -dict=tests/fuzz/json.dict \
    -print_final_stats=1 "$work" "tests/fuzz/corpus/$t" 2>&1 |
    grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|(INITED|DONE).*cov:|ERROR|SUMMARY" || true
  test "${PIPESTATUS[0]}" -eq 0
done
