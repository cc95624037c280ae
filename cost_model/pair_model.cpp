#include "cost_model/pair_model.hpp"

#include "cost_model/analytical_model.hpp"
#include "cost_model/operand_axes.hpp"
#include "cost_model/window_union.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace tessel {
namespace {

// The axes of each operand are those of cost_model/operand_axes.hpp. (Loops over the
// dimensions of random mappings test their bits without branching where they can: a
// mispredicted branch costs more than the arithmetic it would skip.)

struct Query {
  std::uint64_t unite = 0;        // bit i: crossed loop i is united
  std::uint64_t pin_temporal = 0; // bit j: temporal loop j must be at 0 after the step
  std::uint64_t pin_above = 0;    // bit i: spatial loop above the parent i must be 0
  bool leaving = false;
};

// Bits [0, n) set.
constexpr std::uint64_t low_bits(int n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

// The product of the trips of the loops whose bits are set in `mask`.
std::int64_t trip_product(const FixedList<PairLoopInfo, kMaxPairLoops> &loops, std::uint64_t mask) {
  std::int64_t r = 1;
  for (; mask != 0; mask &= mask - 1)
    r *= loops[std::countr_zero(mask)].trip;
  return r;
}

// The union of window axis w's siblings under the crossed loops `unite` (bit i: crossed
// loop i), into u.
void init_window(const Problem &p, const PairSpec &s, std::uint64_t unite, int w, WindowUnion &u) {
  const Dim pd = window_dim(w, 0), rd = window_dim(w, 1);
  const std::int64_t ep = s.tile[idx(pd)], er = s.tile[idx(rd)];
  const std::int64_t stride = w == 0 ? p.stride_h : p.stride_w;
  const std::int64_t dilation = w == 0 ? p.dilation_h : p.dilation_w;
  if (unite == 0) { // one child's window: no key to build
    u.init_alone(ep, er, stride, dilation);
    return;
  }
  WindowKey k = WindowKey::shape(ep, er, stride, dilation);
  for (int i = 0; i < s.crossed.size; ++i) {
    if (!(unite >> i & 1)) continue;
    const PairLoopInfo &l = s.crossed[i];
    if (l.dim == pd) k.add_p(l.trip, l.stride);
    if (l.dim == rd) k.add_r(l.trip, l.stride);
  }
  u.init(k);
}

// The words of one query, in closed form. A step change is a carry at one temporal loop j
// (outer loops keep their index, j advances, inner loops wrap to 0); it brings
// prod|U| - prod|U \ N| words, counted prefix * (t_j - 1) times, where prefix is the product
// of the trips outside j. Two facts make the sum over j short:
// - if a loop at j or inside it is on a plain axis, that axis's tile is new and the carry
//   brings whole tiles: for j below J (one past the innermost plain loop) the terms telescope
//   into |U| * (the product of the trips of loops 0 .. J-1), the first step included;
// - past J only window and presence axes change, and a carry that changes no window brings
//   nothing. So only the carries in [J, the innermost window loop] (I only) are summed.
class PairEvaluator {
public:
  PairEvaluator(const Problem &p, const PairSpec &s) : p_(p) {
    start(s);
    set_temporal();
  }
  // For a series of specs that differ only in their temporal loops (PairCounter): no spec yet.
  explicit PairEvaluator(const Problem &p) : p_(p) {}

  // What the tile and the spatial loops fix. `s` is read again by set_temporal and words.
  void start(const PairSpec &s) {
    s_ = &s;
    windows_ = s.operand == Operand::I ? 2 : 0;
    cached_ = 0; // the windows' unions depend on the tile and the crossed loops
    const unsigned plain = kPlainDims[idx(s.operand)];
    crossed_plain_ = 0;
    for (int i = 0; i < s.crossed.size; ++i)
      crossed_plain_ |= std::uint64_t{plain >> idx(s.crossed[i].dim) & 1} << i;
    crossed_all_ = low_bits(s.crossed.size);
    above_all_ = low_bits(s.above.size);
    above_product_ = trip_product(s.above, above_all_);
    tile_plain_ = 1;
    for (int d = 0; d < kNumDims; ++d) // (a fixed count: no branch to mispredict)
      tile_plain_ *= plain >> d & 1 ? s.tile[d] : 1;
  }

  const PairSpec &spec() const { return *s_; }

  // What the temporal loops fix.
  void set_temporal() {
    const PairSpec &s = *s_;
    const unsigned plain = kPlainDims[idx(s.operand)];
    const unsigned window = s.operand == Operand::I ? kWindowDims : 0u;
    const int n = s.temporal.size;
    last_window_ = -1;
    if (s.child < 0) {
      whole_ = n; // MAC units take a fresh word at every step: every carry counts whole
    } else {
      // Inside out up to the innermost plain loop: the window carries' shifts (the carry
      // loop advances by its stride, the loops inside it wrap back) and which windows change.
      std::array<std::array<std::int64_t, 2>, 2> wrap{}; // [w][P side, R side] of loops > j
      std::uint32_t changed = 0;
      int j = n - 1;
      for (; j >= 0; --j) {
        const PairLoopInfo &l = s.temporal[j];
        const unsigned bit = 1u << idx(l.dim);
        if (plain & bit) break;
        if (!(window & bit)) {
          if (changed != 0) carry_[j] = {wrap, changed};
          continue;
        }
        const int w = window_axis(l.dim), side = window_side(l.dim);
        if (changed == 0) last_window_ = j;
        changed |= 1u << w;
        carry_[j] = {wrap, changed};
        carry_[j].shift[w][side] += l.stride;
        wrap[w][side] -= (l.trip - 1) * l.stride;
      }
      whole_ = j + 1;
    }
    whole_mask_ = low_bits(whole_);
    whole_product_ = trip_product(s.temporal, whole_mask_);
  }

  std::int64_t words(const Query &q) const {
    std::int64_t free = trip_product(s_->crossed, crossed_all_ & ~q.unite);
    free *= q.pin_above == 0 ? above_product_ : trip_product(s_->above, above_all_ & ~q.pin_above);
    const std::int64_t non_window =
        tile_plain_ * trip_product(s_->crossed, q.unite & crossed_plain_);
    std::int64_t prefix = q.pin_temporal == 0
                              ? whole_product_
                              : trip_product(s_->temporal, whole_mask_ & ~q.pin_temporal);
    if (windows_ == 0) return free * non_window * prefix;

    const MaskData &md = mask_data(q.unite);
    const std::int64_t u_prod = non_window * md.window[0].all() * md.window[1].all();
    std::int64_t total = u_prod * prefix;
    const std::int64_t sign = q.leaving ? -1 : 1; // leaving words see the shift reversed
    for (int j = whole_; j <= last_window_; ++j) {
      if (q.pin_temporal >> j & 1) continue; // pinned: its index after a carry is >= 1
      const WindowCarry &wc = carry_[j];
      std::int64_t kept = non_window;
      for (int w = 0; w < 2; ++w)
        kept *= wc.changed >> w & 1
                    ? md.window[w].kept(sign * wc.shift[w][0], sign * wc.shift[w][1])
                    : md.window[w].all();
      const std::int64_t t = s_->temporal[j].trip;
      total += prefix * (t - 1) * (u_prod - kept);
      prefix *= t;
    }
    return free * total;
  }

private:
  // The union of each window axis under one choice of united crossed loops.
  struct MaskData { // filled by mask_data(); left uninitialized until then (it is hot)
    std::uint64_t unite;
    std::array<WindowUnion, 2> window;
  };

  const MaskData &mask_data(std::uint64_t unite) const {
    for (int i = 0; i < cached_; ++i)
      if (cache_[i].unite == unite) return cache_[i];
    MaskData &md = cache_[cached_ < kCache ? cached_++ : (cached_ = 1, 0)];
    md.unite = unite;
    for (int w = 0; w < 2; ++w)
      init_window(p_, *s_, unite, w, md.window[w]);
    return md;
  }

  static constexpr int kCache = 4;
  mutable std::array<MaskData, kCache> cache_;
  mutable int cached_ = 0;

  // A carry past the whole-tile ones: the shift of each window's base ([w][P side, R side])
  // and which windows change.
  struct WindowCarry {
    std::array<std::array<std::int64_t, 2>, 2> shift;
    std::uint32_t changed;
  };

  const Problem &p_;
  const PairSpec *s_ = nullptr;
  int windows_ = 0;                 // window axes: 2 for I, 0 otherwise
  int whole_ = 0;                   // J: carries at temporal loops [0, J) bring whole tiles
  std::uint64_t whole_mask_ = 0;    // bits [0, J)
  std::int64_t whole_product_ = 1;  // the product of their trips
  std::uint64_t crossed_plain_ = 0; // crossed loops on plain axes
  std::uint64_t crossed_all_ = 0;   // every crossed loop
  std::uint64_t above_all_ = 0;     // every spatial loop above the parent
  std::int64_t above_product_ = 1;  // the product of their trips
  std::int64_t tile_plain_ = 1;     // the product of the tile's extents on plain axes
  int last_window_ = -1;            // the innermost window loop (I only): carries J..it
  std::array<WindowCarry, kMaxPairLoops> carry_; // [j]: set for J <= j <= last_window_
};

std::uint64_t crossed_mask(const PairSpec &s, bool PairLoopInfo::*flag) {
  std::uint64_t m = 0;
  for (int i = 0; i < s.crossed.size; ++i)
    if (flag == nullptr || s.crossed[i].*flag) m |= 1ull << i;
  return m;
}

// O words taken by a child that are valid in the parent; see valid_fills in
// analytical_model.cpp for the derivation of the terms.
std::int64_t valid_fills(const PairSpec &s, const PairEvaluator &ev, std::int64_t all_words) {
  // Bit masks over the temporal (spatial above) loops relevant to O. (Branch-free and with
  // the chains in registers: this runs for every O pair.)
  const unsigned relevant_dims = kPlainDims[idx(Operand::O)]; // O has no window axes
  const int n = s.temporal.size;
  std::uint64_t relevant_t = 0, relevant_a = 0;
  for (int j = 0; j < n; ++j)
    relevant_t |= std::uint64_t{relevant_dims >> idx(s.temporal[j].dim) & 1} << j;
  for (int j = 0; j < s.above.size; ++j)
    relevant_a |= std::uint64_t{relevant_dims >> idx(s.above[j].dim) & 1} << j;
  const auto above_a = [&](int level) {
    std::uint64_t m = 0;
    for (int j = 0; j < s.above.size; ++j)
      m |= std::uint64_t{s.above[j].level > level} << j;
    return m;
  };
  // R_i: the 1-based position of the innermost relevant temporal loop above chain[i-1] (0 if
  // none). The loops are outermost first, so those above a level are a prefix, and it
  // shrinks as the chain goes outward.
  const int k = s.chain_size;
  int above = n; // the loops above chain[i-1]: [0, above)
  Query q;
  q.unite = crossed_mask(s, nullptr);
  std::int64_t invalid = 0;
  for (int i = 1; i <= k; ++i) {
    while (above > 0 && s.temporal[above - 1].level <= s.chain[i - 1])
      --above;
    const std::uint64_t m = relevant_t & low_bits(above);
    const int R = m == 0 ? 0 : 64 - std::countl_zero(m);
    // "Not B_1 .. not B_i": the irrelevant loops inside position R_i are at index 0.
    q.pin_temporal = ~(low_bits(R) | relevant_t);
    invalid += ev.words(q);
    if (i == k) break;
    q.pin_above |= above_a(s.chain[i - 1]) & ~above_a(s.chain[i]) & ~relevant_a;
    invalid -= ev.words(q);
  }
  return all_words - invalid;
}

} // namespace

namespace {

// The nest of a mapping as the specs need it: its loops with trips > 1, outermost first,
// with their fanout's flags, and each level's tile. Built once per mapping; each pair's
// spec is then one filtering pass over it.
struct FlatNest {
  struct Entry {
    PairLoopInfo info;
    bool temporal;
  };
  FixedList<Entry, kMaxPairLoops> loops;
  std::array<DimArray<std::int64_t>, kMaxLevels + 1> tiles; // [level + 1]: -1 is a MAC
  bool overflow = false;                                    // more loops than a spec holds
};

// Adds one placed loop (outermost first).
void add_loop(FlatNest &f, const Architecture &a, const Loop &x, int level, std::int64_t stride) {
  if (x.trip == 1) return;
  if (f.loops.size == kMaxPairLoops) {
    f.overflow = true;
    return;
  }
  const Fanout &fo = a.levels[level].fanout;
  f.loops.push_back(
      {{x.dim, x.trip, stride, level, fo.multicast, fo.reduction}, x.kind == LoopKind::Temporal});
}

// Fills the tiles from the loops: each level's tile is the product of the trips at or below
// it.
void fill_tiles(FlatNest &f, int num_levels) {
  for (int l = 0; l <= num_levels; ++l)
    f.tiles[l].fill(1);
  for (const FlatNest::Entry &e : f.loops)
    f.tiles[e.info.level + 1][idx(e.info.dim)] *= e.info.trip;
  for (int l = 1; l <= num_levels; ++l)
    for (int d = 0; d < kNumDims; ++d)
      f.tiles[l][d] *= f.tiles[l - 1][d];
}

FlatNest flat_nest(const Architecture &a, const std::vector<PlacedLoop> &nest) {
  FlatNest f;
  for (const PlacedLoop &pl : nest)
    add_loop(f, a, pl.loop, pl.level, pl.stride);
  fill_tiles(f, a.num_levels());
  return f;
}

// As flatten(m) (mapping.hpp) but into fixed storage: no allocation.
FlatNest flat_nest(const Architecture &a, const Mapping &m) {
  FlatNest f;
  // Strides are products of the trips of same-dimension loops inside: walk inside out,
  // then reverse into outermost-first order.
  DimArray<std::int64_t> inner;
  inner.fill(1);
  const auto place = [&](const Loop &x, int level) {
    add_loop(f, a, x, level, inner[idx(x.dim)]);
    inner[idx(x.dim)] *= x.trip;
  };
  for (int l = 0; l < m.num_levels(); ++l) {
    const LevelLoops &ll = m.levels[l];
    for (auto it = ll.spatial.rbegin(); it != ll.spatial.rend(); ++it)
      place(*it, l);
    for (auto it = ll.temporal.rbegin(); it != ll.temporal.rend(); ++it)
      place(*it, l);
  }
  std::reverse(f.loops.items.begin(), f.loops.items.begin() + f.loops.size);
  fill_tiles(f, a.num_levels());
  return f;
}

// The loops and tile of the spec of a pair (child, parent): the same for every operand.
void fill_spec_loops(PairSpec &s, const FlatNest &f, int child, int parent) {
  s.child = child;
  s.parent = parent;
  s.tile = f.tiles[child + 1];
  s.temporal.size = s.crossed.size = s.above.size = 0;
  // The list is picked by index, not by branches (see the top of this file).
  const std::array<FixedList<PairLoopInfo, kMaxPairLoops> *, 3> lists = {&s.crossed, &s.above,
                                                                         &s.temporal};
  for (const FlatNest::Entry &e : f.loops) {
    const int level = e.info.level;
    if (level <= child) break; // outermost first: the rest are inside the child
    lists[e.temporal ? 2 : level > parent ? 1 : 0]->push_back(e.info);
  }
}

// The operand's part of a spec: the operand and its keepers from the parent outward.
void fill_spec_operand(PairSpec &s, Operand o, const int *chain, int chain_size) {
  s.operand = o;
  s.chain_size = chain_size;
  std::copy(chain, chain + chain_size, s.chain.begin());
}

} // namespace

PairSpec make_pair_spec(const Problem &p, const Architecture &a, const Mapping &m,
                        const std::vector<PlacedLoop> &nest, Operand o, int child, int parent) {
  (void)p;
  const FlatNest f = flat_nest(a, nest);
  if (f.overflow) throw std::logic_error("pair_model: more loops than kMaxPairLoops");
  std::array<int, kMaxLevels> chain;
  int chain_size = 0;
  for (int l = parent; l < a.num_levels(); ++l)
    if (keeps(a, m, l, o)) chain[chain_size++] = l;
  PairSpec s;
  fill_spec_loops(s, f, child, parent);
  fill_spec_operand(s, o, chain.data(), chain_size);
  return s;
}

namespace {

// For W and I: the words each child receives, and those the parent reads (one per group of
// children under multicast fanouts).
std::int64_t fills_of(const PairEvaluator &ev) { return ev.words(Query{}); }
std::int64_t reads_of(const PairEvaluator &ev) {
  Query multicast;
  multicast.unite = crossed_mask(ev.spec(), &PairLoopInfo::multicast);
  return ev.words(multicast);
}

// The counts of the pair an evaluator is set for.
PairCounts counts_of(const PairEvaluator &ev) {
  const PairSpec &s = ev.spec();
  PairCounts c;
  if (s.operand != Operand::O) {
    const std::int64_t fills = fills_of(ev);
    c.parent_reads = reads_of(ev);
    c.child_fills = s.child >= 0 ? fills : 0;
    c.fanout_words = fills;
    return c;
  }
  Query reduced, distinct, each;
  reduced.leaving = distinct.leaving = each.leaving = true;
  reduced.unite = crossed_mask(s, &PairLoopInfo::reduction);
  distinct.unite = crossed_mask(s, nullptr);
  const std::int64_t updates = ev.words(reduced);
  const std::int64_t distinct_words = ev.words(distinct);
  // O has no windows, so entering and leaving words are alike: the fills' "all" is distinct.
  const std::int64_t fills = valid_fills(s, ev, distinct_words);
  c.parent_updates = updates;
  c.parent_reads = fills + updates - distinct_words;
  c.child_fills = s.child >= 0 ? fills : 0;
  c.fanout_words = fills + ev.words(each);
  return c;
}

} // namespace

PairCounts pair_counts(const Problem &p, const PairSpec &s) {
  return counts_of(PairEvaluator(p, s));
}

struct PairCounter::Impl {
  PairEvaluator ev;
};

PairCounter::PairCounter(const Problem &p)
    : impl_(std::make_unique<Impl>(Impl{PairEvaluator(p)})) {}
PairCounter::~PairCounter() = default;

void PairCounter::start(const PairSpec &s) { impl_->ev.start(s); }

PairCounts PairCounter::counts() {
  impl_->ev.set_temporal();
  return counts_of(impl_->ev);
}

std::int64_t PairCounter::fills() {
  impl_->ev.set_temporal();
  return fills_of(impl_->ev);
}

std::int64_t PairCounter::reads() const { return reads_of(impl_->ev); }

std::array<std::int64_t, 4> pair_first_step_words(const Problem &p, const PairSpec &s) {
  // PairEvaluator::words with every temporal loop pinned, without an evaluator's setup (the
  // explorer asks this for I on every tile it bounds): no carry, so each query's words are its
  // groups (the crossed loops not united, and every loop above the parent) times one group's words,
  // the child's tile on plain axes grown by the united loops on them, and for I the united windows.
  const unsigned plain = kPlainDims[idx(s.operand)];
  std::int64_t groups_above = 1, tile_plain = 1;
  for (const PairLoopInfo &l : s.above)
    groups_above *= l.trip;
  for (int d = 0; d < kNumDims; ++d)
    tile_plain *= plain >> d & 1 ? s.tile[d] : 1;
  const std::uint64_t masks[4] = {0, crossed_mask(s, &PairLoopInfo::multicast),
                                  crossed_mask(s, &PairLoopInfo::reduction),
                                  crossed_mask(s, nullptr)};
  std::array<std::int64_t, 4> out{};
  WindowUnion window; // (large: reused)
  for (int i = 0; i < 4; ++i) {
    // W and I use no reduction groups, O no multicast groups.
    if (i == (s.operand == Operand::O ? 1 : 2)) continue;
    if (i == 3 && masks[3] == masks[s.operand == Operand::O ? 2 : 1]) {
      out[3] = out[s.operand == Operand::O ? 2 : 1]; // every crossed fanout unites already
      continue;
    }
    std::int64_t words = groups_above * tile_plain;
    for (int j = 0; j < s.crossed.size; ++j) {
      const PairLoopInfo &l = s.crossed[j];
      const bool united = masks[i] >> j & 1;
      words *= !united || (plain >> idx(l.dim) & 1) ? l.trip : 1;
    }
    if (s.operand == Operand::I)
      for (int w = 0; w < 2; ++w) {
        init_window(p, s, masks[i], w, window);
        words *= window.all();
      }
    out[i] = words;
  }
  return out;
}

AccessCounts perfect_counts(const Problem &p, const Architecture &a, const Mapping &m) {
  const FlatNest f = flat_nest(a, m);
  if (f.overflow) return general_counts(p, a, m); // too many loops for a spec: still exact
  // Every operand's keeper chain, innermost first; then the pairs ordered by (child, parent)
  // so that operands sharing a pair share its spec's loops (pairs' counts simply add up).
  const KeeperChains chains = keeper_chains(a, m);
  const OperandArray<std::array<int, kMaxLevels>> &keepers = chains.chain;
  const OperandArray<int> &n = chains.count;
  struct Pair {
    Operand o;
    int child, k; // the parent is keepers[o][k]
  };
  FixedList<Pair, kNumOperands * kMaxLevels> pairs;
  for (Operand o : kAllOperands)
    for (int k = 0; k < n[idx(o)]; ++k)
      pairs.push_back({o, k == 0 ? -1 : keepers[idx(o)][k - 1], k});
  const auto parent = [&](const Pair &x) { return keepers[idx(x.o)][x.k]; };
  const auto before = [&](const Pair &x, const Pair &y) {
    return x.child != y.child ? x.child < y.child : parent(x) < parent(y);
  };
  for (int i = 1; i < pairs.size; ++i) // insertion sort: a handful of pairs
    for (int j = i; j > 0 && before(pairs[j], pairs[j - 1]); --j)
      std::swap(pairs.items[j], pairs.items[j - 1]);

  AccessCounts c;
  start_counts(p, a, c);
  PairSpec s;
  s.child = -2; // no loops filled yet
  for (const Pair &x : pairs) {
    const int par = parent(x);
    if (s.child != x.child || s.parent != par) fill_spec_loops(s, f, x.child, par);
    fill_spec_operand(s, x.o, keepers[idx(x.o)].data() + x.k, n[idx(x.o)] - x.k);
    add_pair_counts(c, x.o, x.child, par, pair_counts(p, s));
  }
  finish_counts(c);
  return c;
}

} // namespace tessel
