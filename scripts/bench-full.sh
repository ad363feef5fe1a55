#!/usr/bin/env bash
# The full benchmark run behind benchmarks/RESULTS.md: installs what it needs
# (Debian 12, as root or with sudo), builds in Release, runs the Google
# Benchmark suite and pj_compare up to 10^6 events (about 2.5 GB of data
# under $PJ_BENCH_DIR, default /tmp/pj-bench), and draws the plots.
# Output: benchmarks/results/{bench.json,compare.md,*.dat,*.svg}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh bench
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPROMPTJOURNAL_BUILD_TESTS=OFF -DPROMPTJOURNAL_BUILD_TOOLS=OFF -DPROMPTJOURNAL_BUILD_BENCHMARKS=ON
cmake --build build-bench -j2 --target pj_bench pj_compare pj_store_compare
out=benchmarks/results
mkdir -p "$out"
{
  echo "<!-- $(date -u +%FT%TZ) on $(nproc) cores, $(uname -r), $(git rev-parse --short HEAD 2>/dev/null || echo '?') -->"
  build-bench/benchmarks/pj_compare --max-events "${PJ_BENCH_MAX_EVENTS:-1000000}" --out "$out" "$@"
} | tee "$out/compare.md"
build-bench/benchmarks/pj_bench --benchmark_min_time="${PJ_BENCH_MIN_TIME:-0.5}" \
  --benchmark_out="$out/bench.json" --benchmark_out_format=json
# The file journal vs PostgreSQL, on a throw-away PostgreSQL 15 cluster with
# fsync on (both acknowledge only what is durable).
pg_virtualenv -t build-bench/benchmarks/pj_store_compare --events "${PJ_STORE_EVENTS:-2000}" | tee "$out/stores.md"
gnuplot -e "dir='$out'" benchmarks/plot.gp
echo "results in $out"
