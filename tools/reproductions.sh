#!/usr/bin/env bash
# Reproduces the Interstellar and Eyeriss experiments of docs/reproductions.md: runs the
# sweeps of examples/reproductions/*.json with the built `tessel`, then writes
# docs/reproductions.md from their results (tools/reproductions_report.py).
#
#   bash tools/reproductions.sh [OUTDIR]     (default /tmp/tessel_reproductions)
#
# Environment: TESSEL (the binary, default build/tessel), THREADS (per search, default 0 =
# all cores), FRESH=1 to delete OUTDIR first. Without FRESH, finished sweeps in OUTDIR are
# resumed (nothing recomputed), so an interrupted run can be continued.
# The searches are budgeted (explore.budget_s in each config): the page says which results
# are proven optimal; its compute time per sweep is on the page. After editing a config, run with FRESH=1
# (a sweep directory refuses a changed config).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/tessel_reproductions}
tessel=${TESSEL:-build/tessel}
threads=${THREADS:-0}
[[ -x "$tessel" ]] || { echo "reproductions.sh: $tessel not found; build first (bash tools/build.sh)" >&2; exit 1; }
[[ "${FRESH:-0}" == 1 ]] && rm -rf "$out"
mkdir -p "$out"
for config in interstellar_hierarchy interstellar_dataflows_conv3 eyeriss_dataflows eyeriss_nlr; do
  echo "reproductions.sh: sweep $config" >&2
  "$tessel" sweep --config "examples/reproductions/$config.json" --out "$out/$config" \
    -j "$threads" >"$out/$config.txt"
done
python3 tools/reproductions_report.py "$out" >docs/reproductions.md.tmp
mv docs/reproductions.md.tmp docs/reproductions.md
echo "reproductions.sh: wrote docs/reproductions.md" >&2
