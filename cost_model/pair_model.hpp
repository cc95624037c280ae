// The fast closed form for perfectly factored mappings, one (operand, child, parent) pair at
// a time. It computes exactly what the general analytical model computes (tests require
// equality), but with no allocation and O(loops) arithmetic: with perfect factors every
// tile on an axis has the same shape, so the per-axis sums of analytical_model.cpp become
// products, and the sum over carries telescopes except where input windows overlap. The
// window overlaps are closed forms or a per-thread memo (cost_model/window_union.hpp).
//
// The explorer evaluates pairs one by one as it fixes levels from the outside in: the
// counts of a pair depend only on the child's tile, the spatial loops above the child, and
// the temporal loops above the child.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

#include <memory>

namespace tessel {

inline constexpr int kMaxPairLoops = 32;

struct PairLoopInfo {
  Dim dim;
  std::int64_t trip;
  std::int64_t stride;
  int level;
  bool multicast; // crossed spatial loops: the flags of their fanout
  bool reduction;
};

template <typename T, int N> struct FixedList {
  std::array<T, N> items; // only the first `size` are set (left uninitialized: it is hot)
  int size = 0;
  void push_back(const T &x) { items[size++] = x; }
  const T &operator[](int i) const { return items[i]; }
  const T *begin() const { return items.data(); }
  const T *end() const { return items.data() + size; }
};

// Everything the closed form needs about one pair.
struct PairSpec {
  Operand operand = Operand::W;
  int child = -1, parent = 0;
  FixedList<PairLoopInfo, kMaxPairLoops> temporal; // above the child, trip > 1, outermost first
  FixedList<PairLoopInfo, kMaxPairLoops> crossed;  // spatial, levels child+1 .. parent
  FixedList<PairLoopInfo, kMaxPairLoops> above;    // spatial, levels above the parent
  DimArray<std::int64_t> tile{};                   // the child's tile extents (1 for MACs)
  std::array<int, kMaxLevels> chain{};             // O keepers from the parent outward
  int chain_size = 0;
};

// Builds the spec of the pair (o, child, parent) of a mapping.
PairSpec make_pair_spec(const Problem &p, const Architecture &a, const Mapping &m,
                        const std::vector<PlacedLoop> &nest, Operand o, int child, int parent);

// Precondition: the mapping is perfectly factored (is_perfect).
PairCounts pair_counts(const Problem &p, const PairSpec &spec);

// pair_counts over a series of specs that differ only in their temporal loops (the
// explorer's loop-order classes of one node): what the tile and the spatial loops fix (the
// input windows' unions above all) is computed once per series.
class PairCounter {
public:
  explicit PairCounter(const Problem &p);
  ~PairCounter();
  PairCounter(const PairCounter &) = delete;
  PairCounter &operator=(const PairCounter &) = delete;
  // Starts a series on `s`, which counts() reads and which must outlive the series: until
  // the next start, only its temporal loops may change.
  void start(const PairSpec &s);
  // pair_counts(p, s) for s as it is now. Precondition: the mapping is perfectly factored.
  PairCounts counts();
  // For W and I, counts() in two steps, each one query: fills() its fanout_words (the words
  // each child receives; child_fills too but for the MAC units); then reads() its
  // parent_reads, for the temporal loops fills() was called on. So a caller can stop after
  // the first. Precondition: as counts(), and s's operand not O.
  std::int64_t fills();
  std::int64_t reads() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Words at the first step (whole tiles), summed over the groups formed by uniting the
// crossed spatial loops: [0] none united (each child), [1] those on multicast fanouts,
// [2] those on reducing fanouts (O only), [3] all ([1] is left 0 for O, [2] for W and I). For W,
// and for the O words leaving, the count over the whole run is this times the product of the trips
// of the loops above the child up to the innermost loop that refreshes the whole tile (every carry
// there brings whole tiles, every carry inside it none); for I that product is a lower bound
// (window loops inside it still bring new rows). The explorer bounds loop orders with it before
// pricing them.
std::array<std::int64_t, 4> pair_first_step_words(const Problem &p, const PairSpec &spec);

// The whole mapping through pair_counts. Precondition: is_perfect(m, p).
AccessCounts perfect_counts(const Problem &p, const Architecture &a, const Mapping &m);

} // namespace tessel
