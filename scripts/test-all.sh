#!/usr/bin/env bash
# Builds promptjournal and runs every test suite (unit, CLI, compatibility,
# package), then builds again with AddressSanitizer + UndefinedBehaviorSanitizer
# and runs the suites once more. This is the README's test command and what CI
# runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

echo "== build and test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=ON -DPROMPTJOURNAL_BUILD_BENCHMARKS=ON
cmake --build build -j2
(cd build && ctest --output-on-failure -j2)

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPROMPTJOURNAL_SANITIZE=address,undefined \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=ON -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF \
  -DPROMPTJOURNAL_INSTALL=OFF
cmake --build build-asan -j2
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2)
