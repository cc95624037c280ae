#!/usr/bin/env bash
# The main job: set up, build, and explore the embedded default network (AlexNet conv
# layers) on the embedded default architecture (Eyeriss-like). No input files needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
./build/tessel explore "$@"
