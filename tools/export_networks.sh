#!/usr/bin/env bash
# Regenerates schedules/networks/*.json and the layer tables of docs/networks.md from the
# networks embedded in the binary (schedules/networks.cpp), through the hidden test
# "Export the network zoo" in tests/test_networks.cpp.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${TESSEL_BUILD_DIR:-build}
bash tools/build.sh
"$build_dir/tests/tessel_tests" "[export]"
