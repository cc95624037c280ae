#!/bin/bash
# Instructions executed, counted by valgrind's callgrind: figures that do not vary from run
# to run, for comparing two builds on a machine whose timings do (docs/performance.md).
#
#   tools/instructions.sh [--explore] [TESSEL]
#
# Prints the instructions per call of the cost model on `tessel bench`'s fixed set of random
# mappings (analytical_counts: the access counts; price: energy, cycles and capacity on top),
# and with --explore the instructions of `tessel explore --problem alexnet:conv2` on 1 and 2
# threads (a few minutes under callgrind). TESSEL defaults to build/tessel. Needs valgrind
# (apt-get install valgrind), and a build without debug info (as tools/build.sh makes): with it,
# callgrind files a function under each source file inlined into it, and the per-call figures
# are not found.
set -euo pipefail

explore=0
if [[ "${1:-}" == "--explore" ]]; then
  explore=1
  shift
fi
tessel=${1:-build/tessel}
command -v valgrind > /dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[[ -x "$tessel" ]] || { echo "instructions.sh: no executable '$tessel' (build it first)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions of a command, and the callgrind file they came from.
count() { # name, command...
  local name=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out/$name" "$@" > /dev/null 2> "$out/$name.err" ||
    { cat "$out/$name.err" >&2; exit 1; }
  grep -E "^summary:|^totals:" "$out/$name" | head -1 | awk '{print $2}'
}

# Per call of a function of tessel::, from the inclusive cost and the calls its callers made.
per_call() { # callgrind file, function name
  # In the caller tree, a function's block is its callers' lines ("<", with their calls)
  # then its own ("*"); blocks are separated by blank lines.
  callgrind_annotate --tree=caller "$1" 2> /dev/null |
    awk -v f="tessel::$2(" '
      /^ *$/ { n = 0; next }
      / \*  / && index($0, f) { for (i = 0; i < n; ++i) print block[i]; n = 0; next }
      / < / { block[n++] = $0 }' |
    sed -E 's/^ *([0-9,]+) .*\(([0-9,]+)x\).*$/\1 \2/; s/,//g' |
    awk -v f="$2" '{ir += $1; n += $2} END {if (n) printf "  %-18s %6.0f instructions per call (%d calls)\n", f, ir / n, n}'
}

count bench "$tessel" bench --seconds 1 > /dev/null
echo "Cost model, tessel bench's set of random mappings ($tessel):"
per_call "$out/bench" analytical_counts
per_call "$out/bench" price

if ((explore)); then
  echo "Explorer, alexnet:conv2 on the default architecture:"
  for j in 1 2; do
    n=$(count "explore$j" "$tessel" explore --problem alexnet:conv2 -q -j "$j")
    printf "  %d thread(s): %s instructions\n" "$j" "$(echo "$n" | sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta')"
  done
fi
