// Imperfect factors, opt-in (ExploreOptions::imperfect; tessel explore --imperfect): a local
// search that starts from the branch and bound's optimum over perfect factors and moves to
// mappings whose trips need not divide the extents. Their last partial tiles are guarded off,
// never padded into MACs (cost_model/mapping.hpp), so a PE array can take 14 of a
// dimension of 27 in two passes (14 + 13) where a divisor would use only 9 of its columns.
//
// A move, for one dimension d of extent E whose loops (outermost first, across levels,
// temporal and spatial) have trips t_0 .. t_{n-1}:
//   - set the trip of one loop j to v, or add a loop j of d with trip v on a fanout axis
//     that has none of d (appended after that axis's loops);
//   - give one other loop k of d (each in turn) the trip that covers E again:
//     t_k = ceil(E / product of d's other trips);
//   - drop loops left with trip 1.
// In loop-nest terms, with d_k outside d_j (either order is tried):
//   for d_k in [0, ceil(E / (v * rest))):  ...  for d_j in [0, v):  ...
//     if (index of d < E) body
// With X = ceil(E / the trips of d's loops other than j and k), v runs over the distinct
// values of ceil(X / n) for n = 1 .. X (of the trips that give d_k the same trip, the least
// guards off the fewest iterations), up to what the axis leaves for a spatial loop.
//
// Every move of every loop to each of those trips is tried in a fixed order. Of those that are
// valid (validate: no loop with an always-guarded iteration, fanout sizes), fit every level
// (check_capacity) and meet the constraints, the one with the best objective values is taken
// when it is strictly better than the current mapping, and the search repeats from there until
// no move improves. The outcome depends only on the start mapping and the options, not on the
// thread count.
//
// It is a local search: the result is never worse than its start, but it is not proven
// optimal over the imperfect mapspace (the branch and bound's bounds hold for perfect factors
// only; docs/explorer.md, "Imperfect factors").
#pragma once

#include "explorer/search.hpp"

#include <functional>

namespace tessel {

struct RefineOutcome {
  Mapping mapping;            // the start mapping when no move improved it
  std::vector<double> values; // its objective values
  std::int64_t evaluated = 0; // candidate mappings priced (valid, fitting, constrained)
  int steps = 0;              // improving moves taken
  bool stopped = false;       // should_stop() ended it before no move improved
};

// Precondition: `start` is valid, fits and meets the constraints. Ties on `objectives` go to
// the least energy, as in the search. should_stop is polled between candidates.
RefineOutcome refine_imperfect(const Problem &p, const Architecture &a, const Mapping &start,
                               const std::vector<Objective> &objectives, const Constraints &c,
                               const std::function<bool()> &should_stop);

// refine_imperfect applied to a search's result in place, from its mapping (when one was
// found and should_stop() is not set): the mapping, evaluation and objective values, and the
// stats evaluated, valid and imperfect_steps. stats.optimal becomes false either way.
void refine_result(const Problem &p, const Architecture &a, const ExploreOptions &opt,
                   ExploreResult &r, const std::function<bool()> &should_stop);

} // namespace tessel
