// The search with bypass choices: the mapspace of explorer/mapspace.hpp, extended by the
// choice, per level and operand in a BypassSpace, of whether the level keeps the operand
// (as the architecture says) or bypasses it (Mapping::bypass).
//
// Bypassing an operand at a level frees that level's capacity for the others (a larger tile
// of W or O may fit once I no longer has to), and saves the level's fills and reads of that
// operand, at the price of more traffic at the next keeper out. Whether that wins depends
// on the layer, so it is searched, opt-in (tessel explore --bypass; docs/explorer.md).
//
// How: one explore() per combination of bypasses, on a copy of the architecture with those
// keeps removed, exactly (no combination is skipped by a heuristic). The best cost found so
// far is passed on as ExploreOptions::upper_bound, so later combinations are cut as soon as
// their bounds are worse. A level left keeping nothing is legal: its loops stay and cost
// nothing, the operands' pairs skip it.
#pragma once

#include "explorer/search.hpp"

#include <map>
#include <string>

namespace tessel {

// Where bypass may be chosen: per level name, the operands that may be bypassed there.
// Each must be kept by that level in the architecture, and the outermost level cannot be
// bypassed (validate below). Levels not listed keep what the architecture says.
struct BypassSpace {
  std::map<std::string, OperandArray<bool>> operands;
  bool empty() const;
};

// Every operand that each level keeps, at every level except the outermost: what
// tessel explore --bypass searches.
BypassSpace full_bypass_space(const Architecture &a);

// Throws UserError naming `where` for an unknown level, the outermost level, or an operand
// the level does not keep (the architecture bypasses it already).
void validate(const BypassSpace &s, const Architecture &a, const std::string &where = "bypass");

// One combination of bypasses: per level (architecture indexing), the operands bypassed.
using BypassChoice = std::vector<OperandArray<bool>>;

// The combinations of a space in the order they are searched: fewer bypasses first; among
// combinations with as many, in the order of a binary counter over the (level, operand)
// choices, innermost level first and W, I, O within a level (the first choice is the
// lowest bit). The first is "no bypass".
std::vector<BypassChoice> bypass_combinations(const BypassSpace &s, const Architecture &a);

// What explore_with_bypass reports beyond ExploreStats.
struct BypassStats {
  std::int64_t combinations = 0; // in the space
  std::int64_t searched = 0;     // explore() was run on them (the rest: a budget ran out)
  std::int64_t finished = 0;     // of those, searched to the end
};

// The mapping of least cost over every bypass combination of `space` times the mapspace.
//
// - The mapping's `bypass` says what is bypassed (empty when nothing is), so that
//   evaluate() of it on `a` (tessel eval with the original architecture) gives exactly the
//   reported evaluation, which is computed that way.
// - Ties between combinations (equal objective values) go to the combination searched first
//   (bypass_combinations' order: fewer bypasses first). Within a combination, explore()'s
//   own tie-break applies.
// - Stats are summed over the combinations (`seconds` is the wall time of the whole call;
//   `mapspace_size`, with count_mapspace, the sum of the combinations' sizes). `optimal` only
//   when every combination was searched to the end.
// - Budgets (time_budget_s, eval_budget) and the stop flag hold for the call as a whole:
//   each combination gets what the previous ones left. When they run out, the remaining
//   combinations are not searched; `lower_bound` is then the least of the best cost found,
//   the lower bounds of the combinations stopped early, and, for each combination not
//   searched, a bound that needs no search (the MACs' energy for an energy objective, 0
//   otherwise).
// - opt.upper_bound, if given, seeds the first combination as it seeds explore().
// Throws UserError for bad constraints or a bad space.
ExploreResult explore_with_bypass(const Problem &p, const Architecture &a,
                                  const ExploreOptions &opt, const BypassSpace &space,
                                  BypassStats *bypass_stats = nullptr);

} // namespace tessel
