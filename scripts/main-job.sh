#!/usr/bin/env bash
# The main job: build pjournal, fill ./sessions with a real sample (the
# promptomatix session files in tests/data/corpus imported, plus a session
# recorded live through the write commands), then list, audit and verify.
# Re-running it is safe: imports of unchanged files change nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPROMPTJOURNAL_BUILD_TESTS=OFF -DPROMPTJOURNAL_BUILD_BENCHMARKS=OFF -DPROMPTJOURNAL_BUILD_TOOLS=ON
cmake --build build-release -j2
pj=build-release/tools/pjournal/pjournal
export PROMPTJOURNAL_ROOT=${PROMPTJOURNAL_ROOT:-./sessions}

echo "== import the sample promptomatix session files into $PROMPTJOURNAL_ROOT"
samples=()
for f in tests/data/corpus/*.json; do
  case "$f" in *.ops.json) ;; *) samples+=("$f") ;; esac
done
$pj import "${samples[@]}"

echo "== record a session live (as an optimizer would, through the write commands)"
id=demo-sentiment
if ! $pj show "$id" >/dev/null 2>&1; then
  $pj create "$id" --input "Classify the sentiment of product reviews."
  $pj set-prompt "$id" --text "You are a sentiment classifier. Read the review and answer positive or negative."
  $pj feedback "$id" --text "positive or negative" --start 59 --end 79 --feedback "Allow 'mixed' as a third label."
  $pj set-input "$id" --text "Classify the sentiment of product reviews as positive, negative or mixed."
  $pj set-prompt "$id" --text "You are a sentiment classifier. Read the review and answer positive, negative or mixed. Answer with the label only."
fi

echo "== list"
$pj list
echo "== audit $id"
$pj audit "$id"
echo "== verify (all sessions)"
$pj verify
# Outside the sessions folder: pjournal refuses to write reports into it,
# where a file could stand in for a journal or a snapshot.
reports=${PJ_REPORTS_DIR:-./audit-reports}
mkdir -p "$reports"
echo "== HTML audit reports in $reports (open them in a browser)"
$pj audit "$id" --html "$reports/audit-$id.html"
$pj audit 1795522344.376803 --html "$reports/audit-1795522344.376803.html"
