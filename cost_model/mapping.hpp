// The mapping: the one data form at the centre of Tessel. The DSL lowers to it; the cost
// model, the trace walker, the explorer and the LLVM backend consume it.
//
// A mapping assigns loops to the storage levels of an architecture. Read as one loop nest,
// outermost first, it is
//
//   levels[L-1].temporal    (outermost level, e.g. DRAM; outermost loop first)
//   levels[L-1].spatial     (parallel over the instances of level L-2)
//   ...
//   levels[0].temporal      (innermost level, e.g. the register file)
//   levels[0].spatial       (parallel over the MAC units under one levels[0] instance)
//     MAC
//
// - The tile that one instance of level L holds is everything below L's boundary, i.e.
//   the loops of levels[L] (temporal and spatial) and of every level inside it.
// - A *step* of level L is one iteration of the temporal loops above its boundary
//   (those of levels L+1 and outward). At each step an instance may hold a new tile.
// - Spatial loops of levels[L] run in parallel on L's fanout: one child instance per
//   spatial iteration. Their product per axis must fit the fanout's x (resp. y).
// - For each dimension, the loop index is mixed radix: a loop's stride is the product of
//   the trips of the loops of the same dimension inside it. The trips multiply to the
//   dimension's extent (perfect), or past it (imperfect): then iterations whose index
//   reaches the extent are guarded off, never padded. No single loop may have an
//   iteration that is guarded off whatever the other loops do: (trip-1)*stride < extent.
// - `bypass[L][o]` removes operand o from level L (which the architecture lets keep it).
// See ../shared/spec/semantics.md and docs/cost_model.md for what is counted.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/problem.hpp"

#include <array>
#include <vector>

namespace tessel {

enum class LoopKind : std::uint8_t { Temporal, SpatialX, SpatialY };

struct Loop {
  Dim dim;
  std::int64_t trip;
  LoopKind kind = LoopKind::Temporal;
  bool operator==(const Loop &) const = default;
};

struct LevelLoops {
  std::vector<Loop> temporal; // outermost first; kind == Temporal
  std::vector<Loop> spatial;  // on this level's fanout; kind == SpatialX or SpatialY
  bool operator==(const LevelLoops &) const = default;
};

struct Mapping {
  std::vector<LevelLoops> levels;         // indexed like Architecture::levels (innermost first)
  std::vector<OperandArray<bool>> bypass; // same indexing; may be empty (no bypass)
  bool operator==(const Mapping &) const = default;

  int num_levels() const { return static_cast<int>(levels.size()); }
  bool bypasses(int level, Operand o) const {
    return level < static_cast<int>(bypass.size()) && bypass[level][idx(o)];
  }
};

// One loop of the flattened nest, with where it sits and its mixed-radix stride.
struct PlacedLoop {
  Loop loop;
  int level;           // the storage level whose loops contain it
  std::int64_t stride; // product of the trips of same-dimension loops inside it
};

// The nest outermost first, as in the comment at the top of this file.
std::vector<PlacedLoop> flatten(const Mapping &m);

// Whether level L keeps operand o under this mapping (architecture keeps, minus bypass).
// (Inline: the cost model asks it for every pair of every mapping it evaluates.)
inline bool keeps(const Architecture &a, const Mapping &m, int level, Operand o) {
  return a.levels[level].keeps[idx(o)] && !m.bypasses(level, o);
}

// Each operand's chain of keepers: the levels l where keeps(a, m, l, o), innermost first.
struct KeeperChains {
  OperandArray<std::array<int, kMaxLevels>> chain; // o's chain: its first count[o] entries
  OperandArray<int> count;
};

// The chains, read in one pass over the levels. (Inline: the fast paths of the cost model
// read them for every mapping they evaluate. Each level is written out and kept by
// advancing the count; the counts are locals, which the stores into the chains cannot
// alias, and keeps() is taken apart, the level's bypass row chosen once: a counts
// evaluation took 2,507 instructions against 2,560 with keeps() counted into the struct's
// counts; later, 2,487 against 2,512 with it counted into locals. `num_levels` is the
// architecture's, for a caller that knows it at compile time.)
inline KeeperChains keeper_chains(const Architecture &a, const Mapping &m, int num_levels) {
  KeeperChains k;
  OperandArray<int> count{};
  const OperandArray<bool> no_bypass{};
  for (int l = 0; l < num_levels; ++l) {
    const OperandArray<bool> &in_arch = a.levels[l].keeps;
    const OperandArray<bool> &bypassed =
        l < static_cast<int>(m.bypass.size()) ? m.bypass[l] : no_bypass;
    for (Operand o : kAllOperands) {
      k.chain[idx(o)][count[idx(o)]] = l;
      count[idx(o)] += in_arch[idx(o)] & !bypassed[idx(o)];
    }
  }
  k.count = count;
  return k;
}
inline KeeperChains keeper_chains(const Architecture &a, const Mapping &m) {
  return keeper_chains(a, m, a.num_levels());
}

// Product of the trips of dimension d in the tile of one instance of `level`
// (levels[level] and all levels inside). For level -1 (a MAC unit) it is 1.
std::int64_t tile_extent(const Mapping &m, int level, Dim d);

// Product of all trips of dimension d.
std::int64_t total_trips(const Mapping &m, Dim d);

// Whether every dimension's trips multiply exactly to its extent.
bool is_perfect(const Mapping &m, const Problem &p);

// Checks the mapping against the problem and the architecture (structure, factors,
// fanout sizes, bypass). Capacity is checked separately (cost_model/capacity.hpp).
// Throws UserError naming `where` and the offending field.
void validate(const Mapping &m, const Problem &p, const Architecture &a,
              const std::string &where = "mapping");

} // namespace tessel
