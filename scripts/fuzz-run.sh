#!/usr/bin/env bash
# Runs one libFuzzer target built by scripts/ci-fuzz.sh (build-fuzz/) for
# SECONDS from its seed corpus, prints its executions, speed and coverage, and
# exits non-zero if the run found anything: a crash, a leak, an input slower
# than PJ_FUZZ_TIMEOUT seconds (default 25), running out of memory, any
# sanitizer report (UBSan halts on its first report), or a hang. The whole
# log is kept in build-fuzz/logs/fuzz_TARGET.log; on failure its report is
# printed after a line "-- fuzz_TARGET FAILED (exit status N...)".
#
# usage: scripts/fuzz-run.sh TARGET SECONDS    (TARGET without fuzz_, e.g. import)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
  echo "usage: $0 TARGET SECONDS" >&2
  exit 2
fi
t=$1
seconds=$2
timeout=${PJ_FUZZ_TIMEOUT:-25}
bin=build-fuzz/tests/fuzz/fuzz_$t
work=build-fuzz/corpus-$t
artifacts=build-fuzz/artifacts/$t
log=build-fuzz/logs/fuzz_$t.log
mkdir -p "$work" "$artifacts" build-fuzz/logs
seeds=()
if [ -d "tests/fuzz/corpus/$t" ]; then seeds=("tests/fuzz/corpus/$t"); fi

# Our options go last so that they win over any the caller set. The build
# passes -fno-sanitize-recover=all too; halt_on_error makes a UBSan report
# stop the run even in a build without it.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:halt_on_error=1"

echo "== fuzz_$t for ${seconds}s"
# A fuzzer that hangs where its own timer cannot help (seen once: the timer
# fired while UBSan was printing a report, and the two deadlocked) is killed
# by a watchdog; that is a failure too (exit status 124 or 137).
watchdog=$((seconds + timeout + 300))
status=0
timeout --kill-after=30 "$watchdog" "$bin" -max_total_time="$seconds" -timeout="$timeout" \
  -error_exitcode=77 -timeout_exitcode=70 -detect_leaks=1 -dict=tests/fuzz/json.dict \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$work" "${seeds[@]}" >"$log" 2>&1 || status=$?

# The figures CI reports.
grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|(INITED|DONE).*cov:" "$log" || true

# A finding is a non-zero exit or a report in the log: libFuzzer's own
# (deadly signal, timeout, leak, out-of-memory, ...), a sanitizer's, or a
# UBSan "runtime error" in a build that recovered from it.
report='ERROR: (libFuzzer|[A-Za-z]+Sanitizer)|^SUMMARY: |runtime error: |^ALARM: working on the last Unit'
units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
failed=""
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  failed="exit status $status: hung, killed after ${watchdog}s"
elif [ "$status" -ne 0 ]; then
  failed="exit status $status"
elif grep -qE "$report" "$log"; then
  failed="a report in the log"
elif [ -z "$units" ] || [ "$units" -eq 0 ]; then
  failed="no executions"  # it never ran: a run that tests nothing must not pass
fi
if [ -n "$failed" ]; then
  echo "-- fuzz_$t FAILED ($failed); its report (whole log: $log):"
  # From 5 lines before the first report line (where a target's own message
  # is), or the log's end if there is no report.
  if grep -qE "$report" "$log"; then
    awk -v re="$report" '!p && $0 ~ re { p = 1; for (i = NR - 5; i < NR; i++) if (i > 0) print b[i % 5] }
      p { print; next } { b[NR % 5] = $0 }' "$log" | head -n 80 || true
  else
    tail -n 20 "$log"
  fi
  echo "-- end of fuzz_$t's report"
  exit 1
fi
