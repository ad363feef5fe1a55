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
# planted kind → what its report must say
planted=(crash ubsan leak timeout)
declare -A expect=(
  [crash]='ERROR: libFuzzer: deadly signal'
  [ubsan]='runtime error: signed integer overflow'
  [leak]='ERROR: LeakSanitizer: detected memory leaks'
  [timeout]='ERROR: libFuzzer: timeout after'
)
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}" "${planted[@]/#/fuzz_planted_}"

echo "== planted findings: each run must fail"
for k in "${planted[@]}"; do
  status=0
  out=$(PJ_FUZZ_TIMEOUT=2 bash scripts/fuzz-run.sh "planted_$k" 30 2>&1) || status=$?
  # The UBSan run must be stopped by the report itself (a non-zero exit), not
  # only be caught in the log afterwards.
  stopped='FAILED \(exit status [1-9]'
  if [ "$status" -ne 0 ] && grep -qF -- "${expect[$k]}" <<<"$out" && grep -qE "$stopped" <<<"$out"; then
    echo "fuzz_planted_$k failed as it must: $(grep -m1 -F -- "${expect[$k]}" <<<"$out")"
  else
    echo "$out"
    echo "ci-fuzz: the planted $k did not fail the run with \"${expect[$k]}\" (status $status):" \
      "this script cannot be trusted to catch a finding" >&2
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
