#!/usr/bin/env bash
# Set up, build, and run the tests (everything but [slow]).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
cd "${TESSEL_BUILD_DIR:-build}"
ctest --output-on-failure -LE slow
