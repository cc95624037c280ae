#!/bin/bash
# Instructions executed, counted by valgrind's callgrind: figures that do not vary from run
# to run, for comparing two builds on a machine whose timings do (docs/performance.md).
#
#   tools/instructions.sh [--explore] [TESSEL]
#
# Prints the instructions per evaluation of `tessel bench`'s two cost-model loops over its
# fixed set of random mappings (the access counts; then counts, energy, cycles and capacity),
# with the conditional branches callgrind's branch simulator mispredicts per evaluation (a
# simple predictor, not this CPU's: a guide to where random mappings make branches coin
# tosses, which cost more time than their instructions), and with --explore the
# instructions of `tessel explore --problem alexnet:conv2` on 1 and 2 threads (a few
# minutes under callgrind). TESSEL defaults to build/tessel. Needs valgrind
# (apt-get install valgrind), and a build without debug info (as tools/build.sh makes): with it,
# callgrind files a function under each source file inlined into it, and the per-evaluation
# figures are not found.
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

# Instructions of a command, and the callgrind file they came from (CALLGRIND_OPTIONS: more
# options for valgrind).
count() { # name, command...
  local name=$1
  shift
  valgrind --tool=callgrind ${CALLGRIND_OPTIONS:-} --callgrind-out-file="$out/$name" "$@" > /dev/null 2> "$out/$name.err" ||
    { cat "$out/$name.err" >&2; exit 1; }
  grep -E "^summary:|^totals:" "$out/$name" | head -1 | awk '{print $2}'
}

# Instructions per evaluation of one of tessel bench's measurement loops (rate() with its
# lambda number k): the loop's inclusive cost over the calls it made to `function`. This takes
# in everything an evaluation costs the caller, freeing the results included.
per_evaluation() { # callgrind file, k, function name, label
  local calls inclusive
  # In the caller tree, a function's block is its callers' lines ("<", with their calls)
  # then its own ("*"); blocks are separated by blank lines.
  calls=$(callgrind_annotate --tree=caller "$1" 2> /dev/null |
    awk -v f="tessel::$3(" -v k="#$2}" '
      /^ *$/ { n = 0; next }
      / \*  / && index($0, f) { for (i = 0; i < n; ++i) if (index(block[i], k)) print block[i]; n = 0; next }
      / < / { block[n++] = $0 }' |
    sed -E 's/^.*\(([0-9,]+)x\).*$/\1/; s/,//g' | awk '{n += $1} END {print n + 0}')
  # The loop's inclusive events: Ir, then (with --branch-sim) Bc and Bcm, the conditional
  # branches executed and mispredicted. (awk reads to the end: exiting at the first match
  # could kill callgrind_annotate with SIGPIPE, which pipefail made the script's exit.)
  inclusive=$(callgrind_annotate --inclusive=yes --show-percs=no "$1" 2> /dev/null |
    awk -v k="#$2}" 'index($0, "rate<") && index($0, k) && !done {gsub(",", ""); print $1, $3; done = 1}')
  [[ -n "$inclusive" && "$calls" -gt 0 ]] ||
    { echo "instructions.sh: no loop $2 calling $3 in the profile" >&2; exit 1; }
  awk -v ir="${inclusive% *}" -v bcm="${inclusive#* }" -v n="$calls" -v label="$4" \
    'BEGIN {printf "  %-27s %6.0f instructions, %5.1f mispredicted branches per evaluation (%d evaluations)\n", label, ir / n, bcm / n, n}'
}

CALLGRIND_OPTIONS=--branch-sim=yes count bench "$tessel" bench --seconds 1 > /dev/null
echo "Cost model, tessel bench's loops over its random mappings ($tessel):"
per_evaluation "$out/bench" 1 analytical_counts "access counts"
per_evaluation "$out/bench" 2 price "counts, energy and cycles"

if ((explore)); then
  echo "Explorer, alexnet:conv2 on the default architecture:"
  for j in 1 2; do
    n=$(count "explore$j" "$tessel" explore --problem alexnet:conv2 -q -j "$j")
    printf "  %d thread(s): %s instructions\n" "$j" "$(echo "$n" | sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta')"
  done
fi
