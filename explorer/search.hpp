// The search: the mapping of least cost in the mapspace of explorer/mapspace.hpp.
//
// Branch and bound, depth first from the outermost level inward. Choosing a level's
// spatial loops, the tile of the level below and the level's loop order fixes every loop
// above the level below, so the counts of each pair whose child is that level are exact
// from then on (cost_model/pair_model.hpp). What is still open is bounded from below
// soundly (docs/explorer.md), and a subtree is cut only when its bound is strictly worse
// than the best mapping found: ties are explored and broken by a canonical order of the
// mappings, so the result is the same for any number of threads and on every run.
#pragma once

#include "cost_model/evaluation.hpp"
#include "explorer/mapspace.hpp"

#include <atomic>
#include <functional>
#include <limits>

namespace tessel {

enum class Objective { Energy, Cycles, Edp };

std::string_view objective_name(Objective o);
std::optional<Objective> parse_objective(std::string_view s);

// The most threads one search takes (ExploreOptions::threads).
inline constexpr int kMaxExploreThreads = 1024;

struct ExploreOptions {
  // Lexicographic. Ties on the whole list go to the least energy, then to a canonical order
  // of the mappings (so `cycles` gives, of the mappings with the least cycles, one with the
  // least energy).
  std::vector<Objective> objectives = {Objective::Energy};
  Constraints constraints;
  int threads = 0;                         // 0: all cores; at most kMaxExploreThreads
  double time_budget_s = 0;                // 0: none
  std::int64_t eval_budget = 0;            // complete mappings to evaluate; 0: none
  bool progress = false;                   // report to stderr about once a second
  bool count_mapspace = false;             // also count the mapspace (costs an unpruned walk)
  const std::atomic<bool> *stop = nullptr; // set (e.g. by SIGINT) to stop early
  // A known cost of the primary objective (e.g. of a mapping found for a similar
  // architecture): the search starts as if it had found it, so subtrees whose bound is worse
  // are cut from the start. A finished search returns the same mapping as without it; it may
  // return found == false when no mapping costs at most this (up to rounding).
  double upper_bound = std::numeric_limits<double>::infinity();
  // Random points of the mapspace (seeded) tried before the search for a first incumbent, so
  // that a budgeted search always has a mapping and cuts start at once. 0: none (tests use
  // this with upper_bound to check that every cut is sound).
  int random_incumbents = 256;
  // Opt-in: after the search, a local search over imperfect factors (guarded partial tiles)
  // starting from its optimum (explorer/imperfect_refine.hpp). The result is then never worse,
  // but not proven optimal: stats.optimal is false, stats.exhaustive says whether the search
  // over perfect factors finished.
  bool imperfect = false;
};

struct ExploreStats {
  double mapspace_size = -1;  // complete mappings (order classes counted once); -1: not counted
  std::int64_t evaluated = 0; // complete mappings costed
  std::int64_t valid = 0;     // of those, meeting every constraint
  std::int64_t pruned = 0;    // subtrees cut by the bound
  double seconds = 0;
  bool optimal = false;    // the result is the optimum (the search finished, not imperfect)
  bool exhaustive = false; // the branch and bound over perfect factors finished
  double lower_bound = 0;  // on the primary objective over the whole mapspace
  // With ExploreOptions::imperfect: improving moves the local search took (-1: not run).
  int imperfect_steps = -1;
};

struct ExploreResult {
  bool found = false;
  Mapping mapping;
  Evaluation evaluation;
  std::vector<double> objective_values;
  ExploreStats stats;
};

// Throws UserError naming the field for options out of range: no objective or one listed
// twice, threads outside 0 .. kMaxExploreThreads, a negative or NaN budget, a NaN upper bound.
void validate(const ExploreOptions &opt);

// Throws UserError for bad options (validate) or constraints, or when the system refuses a
// thread; returns found == false when no mapping fits.
ExploreResult explore(const Problem &p, const Architecture &a, const ExploreOptions &opt);

// The objectives a search ranks mappings by: `objectives`, then energy if the list lacks it
// (ties on the list go to the least energy; see ExploreOptions::objectives).
std::vector<Objective> ranking_objectives(const std::vector<Objective> &objectives);

// The objective values of an evaluation, in the order of `objectives`.
std::vector<double> objective_values(const Evaluation &e, const std::vector<Objective> &objectives);

} // namespace tessel
