#!/usr/bin/env bash
# Builds promptjournal and runs every test suite: unit, CLI, compatibility,
# reliability, package, then the sanitizer, fuzz and benchmark smoke runs.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=ON -DPROMPTJOURNAL_BUILD_BENCHMARKS=ON
cmake --build build -j2
(cd build && ctest --output-on-failure -j2)
