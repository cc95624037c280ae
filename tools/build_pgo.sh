#!/usr/bin/env bash
# Builds Tessel with GCC's profile-guided optimization into build-pgo/ (or
# $TESSEL_BUILD_DIR), for long explorations and sweeps. Two stages in the same tree (GCC
# files each object's profile under the object's path): an instrumented build of the
# library and the CLI runs a training workload (`tessel bench` and an exploration of
# AlexNet's conv layers), then the tree is rebuilt with -fprofile-use. The results are the
# same as a plain build's; the speed is measured in docs/performance.md ("Profile-guided
# optimization"). GCC 12 may print -Wrestrict warnings from libstdc++'s string code
# inlined into tools/cmd_*.cpp: a known false positive of that compiler.
#
#   tools/build_pgo.sh [cmake arguments...]
#
# The profile belongs to the source it was taken from: rerun the script after changing the
# code (it always takes a fresh profile). Needs GCC (clang's profiles work differently).
# The tests are not built here; tools/build.sh builds them.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${TESSEL_BUILD_DIR:-build-pgo}
compiler=${CXX:-c++}
if "$compiler" --version 2> /dev/null | grep -qi clang; then
  echo "build_pgo.sh: needs GCC; $compiler is clang (set CXX=g++)" >&2
  exit 1
fi
mkdir -p "$build_dir"
profile_dir=$(cd "$build_dir" && pwd)/pgo-profile

configure() { # CXX flags, extra cmake arguments...
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSEL_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="$1" "${@:2}" > /dev/null
}

rm -rf "$profile_dir"
# Atomic counter updates: the training exploration runs two threads.
configure "-fprofile-generate -fprofile-update=atomic -fprofile-dir=$profile_dir" "$@"
cmake --build "$build_dir" -j "$(nproc)" --target tessel_cli
"$build_dir/tessel" bench --seconds 1 > /dev/null
"$build_dir/tessel" explore --network alexnet -q -j 2 > /dev/null

# Functions the training never ran are optimized as in a plain build
# (-fprofile-partial-training), and so are files it never reached (-Wno-missing-profile).
configure "-fprofile-use -fprofile-dir=$profile_dir -fprofile-partial-training -Wno-missing-profile" "$@"
cmake --build "$build_dir" -j "$(nproc)"
