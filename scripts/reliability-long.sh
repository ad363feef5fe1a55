#!/usr/bin/env bash
# The long forms of the reliability suites (docs/RELIABILITY.md): 5,000+ crash
# trials, 5,000 power-loss states per policy, 111,200 enumerated power-loss
# crash states (200 damage patterns per crash point), 20,000 bit flips,
# 10,000 salvaged journals, 1,000 kills during snapshots, a 30-minute soak
# (PJ_SOAK_SECONDS), then each fuzz target for PJ_FUZZ_SECONDS (default 600). Run after scripts/test-all.sh
# (or any build in ./build with tests on).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j2 --target pj_reliability_tests
PJ_CRASH_TRIALS=${PJ_CRASH_TRIALS:-834} PJ_POWER_TRIALS=${PJ_POWER_TRIALS:-5000} \
PJ_CRASH_PATTERNS=${PJ_CRASH_PATTERNS:-200} PJ_FLIP_TRIALS=${PJ_FLIP_TRIALS:-20000} PJ_SALVAGE_TRIALS=${PJ_SALVAGE_TRIALS:-10000} PJ_SNAPSHOT_KILLS=${PJ_SNAPSHOT_KILLS:-1000} PJ_SALVAGE_KILLS=${PJ_SALVAGE_KILLS:-200} PJ_CONC_EACH=${PJ_CONC_EACH:-400} PJ_CONC_ROUNDS=${PJ_CONC_ROUNDS:-500} \
PJ_SOAK_SECONDS=${PJ_SOAK_SECONDS:-1800} \
  build/tests/reliability/pj_reliability_tests --log_level=message --report_level=short
PJ_FUZZ_SECONDS=${PJ_FUZZ_SECONDS:-600} bash scripts/ci-fuzz.sh
