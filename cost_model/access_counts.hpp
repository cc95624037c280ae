// The exact access counts of one mapping, as defined in docs/cost_model.md (which refines
// ../shared/spec/semantics.md §4). Both the analytical model (cost_model/analytical_model)
// and the brute-force trace walker (cost_model/trace_walker) produce this struct, and the
// tests require the two to be equal field by field.
#pragma once

#include "cost_model/common.hpp"
#include "cost_model/mapping.hpp"

#include <functional>

#include <string>
#include <vector>

namespace tessel {

struct OperandCounts {
  std::int64_t reads = 0;   // words read from this level (serving fills of children, MAC
                            // operand reads, and read-modify-write reads of updates)
  std::int64_t writes = 0;  // fills + updates
  std::int64_t fills = 0;   // words written into this level from the level above
  std::int64_t updates = 0; // words written into this level from below (partial sums)
  bool operator==(const OperandCounts &) const = default;
};

struct LevelCounts {
  OperandArray<OperandCounts> operands{}; // all zero for operands the level does not keep
  bool operator==(const LevelCounts &) const = default;
};

struct FanoutCounts {
  OperandArray<std::int64_t> words{}; // words delivered over this level's fanout
  bool operator==(const FanoutCounts &) const = default;
};

struct AccessCounts {
  std::int64_t macs = 0;             // MACs executed (guarded iterations excluded)
  std::vector<LevelCounts> levels;   // indexed like Architecture::levels
  std::vector<FanoutCounts> fanouts; // indexed by the level that owns the fanout
  bool operator==(const AccessCounts &) const = default;
};

// What one (operand, child, parent) pair of a keeper chain adds to the counts.
struct PairCounts {
  std::int64_t child_fills = 0;    // words written into the child (0 for MAC units)
  std::int64_t parent_reads = 0;   // reads at the parent (fills served, MAC reads, RMW)
  std::int64_t parent_updates = 0; // O words written up into the parent
  std::int64_t fanout_words = 0;   // words over each crossed fanout
};

// The whole AccessCounts from each pair's counts: for every operand, the chain of levels
// that keep it (innermost first; the MAC units, child -1, under the innermost) is walked
// pair by pair, and `pair(o, child, parent, chain)` gives the pair's counts, where `chain`
// lists the keepers from the parent outward. Writes are fills plus updates.
AccessCounts
assemble_counts(const Problem &p, const Architecture &a, const Mapping &m,
                const std::function<PairCounts(Operand, int, int, const std::vector<int> &)> &pair);

// The steps of assemble_counts, for callers that walk the chains themselves (the fast paths of
// cost_model/pair_model.hpp and cost_model/fused_model.hpp): `c` set to all-zero counts with
// the MACs set (its storage reused); one pair's counts added; writes set to fills plus
// updates. (Inline: the fast paths run the first and last for every mapping they evaluate,
// the second for every pair. start_counts inline, resizing only where the sizes differ, took
// 20 of 2,507 instructions off a counts evaluation. The forms taking `num_levels`, the
// architecture's, are for a caller that knows it at compile time: fused_model.cpp, where
// the loops over levels then unroll.)
inline void start_counts(const Problem &p, int num_levels, AccessCounts &c) {
  c.macs = p.macs();
  const auto L = static_cast<std::size_t>(num_levels);
  if (c.levels.size() != L || c.fanouts.size() != L) {
    c.levels.resize(L);
    c.fanouts.resize(L);
  }
  for (std::size_t l = 0; l < L; ++l) {
    c.levels[l] = {};
    c.fanouts[l] = {};
  }
}

inline void start_counts(const Problem &p, const Architecture &a, AccessCounts &c) {
  start_counts(p, a.num_levels(), c);
}

inline void add_pair_counts(AccessCounts &c, Operand o, int child, int parent,
                            const PairCounts &pc) {
  OperandCounts &up = c.levels[parent].operands[idx(o)];
  up.reads += pc.parent_reads;
  up.updates += pc.parent_updates;
  if (child >= 0) c.levels[child].operands[idx(o)].fills += pc.child_fills;
  for (int l = child + 1; l <= parent; ++l)
    c.fanouts[l].words[idx(o)] += pc.fanout_words;
}

inline void finish_counts(AccessCounts &c, int num_levels) {
  for (int l = 0; l < num_levels; ++l)
    for (OperandCounts &x : c.levels[l].operands)
      x.writes = x.fills + x.updates;
}
inline void finish_counts(AccessCounts &c) { finish_counts(c, static_cast<int>(c.levels.size())); }

// A readable, line-per-field listing, for test failure messages and debugging.
std::string to_string(const AccessCounts &c, const std::vector<std::string> &level_names);

} // namespace tessel
