#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan +UBSan) and runs each for
# PJ_FUZZ_SECONDS (default 30) from its seed corpus through
# scripts/fuzz-run.sh; prints executions, speed and coverage. Any crash, leak,
# timeout (an input slower than PJ_FUZZ_TIMEOUT, default 25 s) or sanitizer
# report fails the script.
#
# First it proves that it can fail: the planted targets (tests/fuzz/
# fuzz_planted.cc: a crash, a UBSan report, a leak, a hang) go through the
# same scripts/fuzz-run.sh, and the script stops unless each of those runs
# fails with its own report.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${PJ_FUZZ_SECONDS:-30}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROMPTJOURNAL_BUILD_FUZZERS=ON -DPROMPTJOURNAL_SANITIZE=address,undefined \
  -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DPROMPTJOURNAL_BUILD_TESTS=ON \
  -DPROMPTJOURNAL_BUILD_TOOLS=OFF -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF -DPROMPTJOURNAL_INSTALL=OFF >/dev/null
targets=(event_line journal snapshot import session_id numbers)
# Planted kind → the report its run must give, and the exit status that
# shows which mechanism stopped it: libFuzzer's -error_exitcode (77) for the
# crash and the leak, UBSan's own halt (1: the report alone ended the run),
# libFuzzer's -timeout_exitcode (70) for the hang.
planted=(crash ubsan leak timeout)
declare -A expect=(
  [crash]='ERROR: libFuzzer: deadly signal'
  [ubsan]='runtime error: signed integer overflow'
  [leak]='ERROR: LeakSanitizer: detected memory leaks'
  [timeout]='ERROR: libFuzzer: timeout after'
)
declare -A expect_status=([crash]=77 [ubsan]=1 [leak]=77 [timeout]=70)
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}" "${planted[@]/#/fuzz_planted_}"

echo "== planted findings: each run must fail"
for k in "${planted[@]}"; do
  status=0
  # Only the hang gets a short timeout: under load, a UBSan report can take
  # seconds to print.
  limit=${PJ_FUZZ_TIMEOUT:-25}
  if [ "$k" = timeout ]; then limit=2; fi
  out=$(PJ_FUZZ_TIMEOUT=$limit bash scripts/fuzz-run.sh "planted_$k" 30 2>&1) || status=$?
  if [ "$status" -ne 0 ] && grep -qF -- "${expect[$k]}" <<<"$out" &&
    grep -qF -- "FAILED (exit status ${expect_status[$k]})" <<<"$out"; then
    echo "fuzz_planted_$k failed as it must (exit status ${expect_status[$k]}):" \
      "$(grep -m1 -F -- "${expect[$k]}" <<<"$out")"
  else
    echo "$out"
    echo "ci-fuzz: the planted $k did not fail its run with exit status ${expect_status[$k]} and" \
      "\"${expect[$k]}\" (fuzz-run.sh: status $status): this script cannot be trusted to catch a finding" >&2
    exit 1
  fi
done

# Every target runs, so that one finding does not hide another.
failed=()
for t in "${targets[@]}"; do
  bash scripts/fuzz-run.sh "$t" "$seconds" || failed+=("fuzz_$t")
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "ci-fuzz: findings in ${failed[*]} (logs in build-fuzz/logs, inputs in build-fuzz/artifacts)" >&2
  exit 1
fi
