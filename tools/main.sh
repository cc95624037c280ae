#!/usr/bin/env bash
# The main job: set up, build, and explore the embedded default network (AlexNet's conv
# layers) on the embedded default architecture (Eyeriss-like). No input files needed.
# Arguments go to `tessel explore`; without any, each layer gets a 30 s budget (a layer
# that needs longer reports its best mapping, "optimal: no", and its lower bound).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
if [ "$#" -eq 0 ]; then
  set -- --budget 30
fi
./build/tessel explore "$@"
