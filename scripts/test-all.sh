#!/usr/bin/env bash
# Builds promptjournal and runs every test suite (unit, CLI, compatibility,
# HTML in headless Chromium, reliability, fuzz corpora, package), then again
# under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency suite
# under ThreadSanitizer, and each libFuzzer target for a minute.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

echo "== build and test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=ON -DPROMPTJOURNAL_BUILD_BENCHMARKS=ON
cmake --build build -j2
# Inside a throw-away PostgreSQL 15 cluster (pg_virtualenv sets PGHOST, PGPORT,
# PGUSER, PGPASSWORD, PGDATABASE), which the postgresql suite needs.
(cd build && pg_virtualenv -t -o fsync=off ctest --output-on-failure -j2)

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPROMPTJOURNAL_SANITIZE=address,undefined \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=ON -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF \
  -DPROMPTJOURNAL_INSTALL=OFF
cmake --build build-asan -j2
# The short form of the reliability suite (fewer crash and power-loss trials,
# 4 damage patterns per crash point instead of 20: 2,224 crash states).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 PJ_CRASH_TRIALS=8 \
  PJ_POWER_TRIALS=60 PJ_CRASH_PATTERNS=4 PJ_FLIP_TRIALS=600 PJ_SALVAGE_TRIALS=200 PJ_SALVAGE_KILLS=10 PJ_SNAPSHOT_KILLS=30 PJ_SOAK_SECONDS=10 ctest --output-on-failure -j2 -LE 'browser|postgresql')

echo "== concurrency suite under ThreadSanitizer"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPROMPTJOURNAL_SANITIZE=thread \
  -DPROMPTJOURNAL_BUILD_TESTS=ON -DPROMPTJOURNAL_BUILD_TOOLS=OFF -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF \
  -DPROMPTJOURNAL_INSTALL=OFF
cmake --build build-tsan -j2 --target pj_reliability_tests
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/reliability/pj_reliability_tests --run_test=concurrency --report_level=short

echo "== fuzzing (libFuzzer, ASan + UBSan)"
PJ_FUZZ_SECONDS=${PJ_FUZZ_SECONDS:-60} bash scripts/ci-fuzz.sh
