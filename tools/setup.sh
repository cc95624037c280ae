#!/usr/bin/env bash
# Installs what Tessel needs to build, from Debian packages, when it is missing.
# Safe to run any number of times. Needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(g++ cmake ninja-build make llvm-dev libboost-program-options-dev nlohmann-json3-dev
  catch2 zlib1g-dev libzstd-dev libtinfo-dev libxml2-dev libedit-dev libffi-dev clang-format)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
