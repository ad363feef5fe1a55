#!/usr/bin/env bash
# Installs everything promptjournal needs on Debian 12 (run as root, or with sudo).
# Usage: scripts/install-deps.sh [build|test|bench]
set -euo pipefail
what=${1:-build}
pkgs=(g++ cmake ninja-build pkg-config
      libboost-json1.81-dev libboost-filesystem1.81-dev libboost-log1.81-dev
      libboost-test1.81-dev libboost-date-time1.81-dev
      libssl-dev libcli11-dev libdtl-dev
      libpq-dev)                # the PostgreSQL backend (libpq)
if [ "$what" = test ] || [ "$what" = bench ]; then
  pkgs+=(libbenchmark-dev libsqlite3-dev)  # benchmarks (SQLite is measured against); smoke-run with the tests
  pkgs+=(postgresql postgresql-common)  # a real PostgreSQL 15 (pg_virtualenv): the postgresql suite, the store benchmark
fi
if [ "$what" = bench ]; then
  pkgs+=(gnuplot-nox)        # the plots of benchmarks/RESULTS.md
fi
if [ "$what" = test ]; then
  pkgs+=(chromium)           # the HTML audit report is tested in a real browser
  pkgs+=(clang libclang-rt-14-dev)  # libFuzzer targets
  pkgs+=(strace)             # the syscall-order audit
  pkgs+=(python3)            # writes the expected bits of the million-double check
  pkgs+=(pybind11-dev python3-dev python3-pytest)  # the Python binding and its tests
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -q
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${pkgs[@]}"
