#include "cost_model/fused_model.hpp"

#include "cost_model/operand_axes.hpp"
#include "cost_model/pair_model.hpp"
#include "cost_model/window_union.hpp"

#include <bit>
#include <utility>

namespace tessel {
namespace {

// Listed loops per mapping; more take the pair-by-pair path. (Only trip-1 loops can make
// that many: 64 loops with trips > 1 multiply to at least 2^64.)
constexpr int kMaxLoops = 64;

// Which crossed fanouts a query unites: the siblings under them count as one.
enum class Unite : std::uint8_t { Multicast, Reduction, All };
constexpr unsigned unite_bit(Unite u) { return 1u << static_cast<int>(u); }

// The mapping read once. Loops are numbered innermost first (the opposite of the nest's
// reading order), so that the loops above a level are a suffix, and the innermost of a set
// of them is its lowest bit.
struct Nest {
  int n = 0;
  std::array<std::int64_t, kMaxLoops> trip, stride;
  std::array<Dim, kMaxLoops> dim;
  std::uint64_t temporal = 0;          // bit i: loop i is temporal
  std::uint64_t window = 0;            // bit i: loop i is on P, Q, R or S
  std::uint64_t multicast = 0;         // bit i: loop i is spatial, on a multicast fanout
  OperandArray<std::uint64_t> plain{}; // bit i: loop i is on one of o's plain axes
  std::array<std::uint64_t, kMaxLevels + 1> above_mask; // [c + 1]: bits of the loops above level c
  std::array<std::int64_t, kMaxLoops + 1> outer; // [i]: the product of temporal trips of [i, n)
  // [l + 1]: level l's tile; [0]: MAC (not set for the outermost level: no pair's child).
  std::array<DimArray<std::int64_t>, kMaxLevels + 1> tiles;
  // [l + 1]: the product of level l's tile on each operand's plain axes; [0]: MAC.
  std::array<OperandArray<std::int64_t>, kMaxLevels + 1> tile_plain;
  // Per level: the product of its spatial trips, of those on each operand's plain axes, and
  // of its temporal trips on O's axes.
  std::array<std::int64_t, kMaxLevels> spatial;
  std::array<OperandArray<std::int64_t>, kMaxLevels> spatial_plain;
  std::array<std::int64_t, kMaxLevels> temporal_o;
  // Per level: the queries (unite_bit) that unite the siblings under its fanout.
  std::array<unsigned, kMaxLevels> unites;
  // [l]: the product of the spatial trips of levels l and outward; [L]: 1.
  std::array<std::int64_t, kMaxLevels + 1> spatial_from;
};

// The product of t over the dimensions of a mask known at compile time: only the
// multiplications it needs.
template <unsigned Mask, std::size_t... D>
std::int64_t masked_product(const DimArray<std::int64_t> &t, std::index_sequence<D...>) {
  return ((Mask >> D & 1 ? t[D] : std::int64_t{1}) * ...);
}

// A tile's product on each operand's plain axes.
OperandArray<std::int64_t> plain_products(const DimArray<std::int64_t> &t) {
  constexpr auto dims = std::make_index_sequence<kNumDims>{};
  OperandArray<std::int64_t> r;
  r[idx(Operand::W)] = masked_product<kPlainDims[idx(Operand::W)]>(t, dims);
  r[idx(Operand::I)] = masked_product<kPlainDims[idx(Operand::I)]>(t, dims);
  r[idx(Operand::O)] = masked_product<kPlainDims[idx(Operand::O)]>(t, dims);
  return r;
}

constexpr std::uint64_t bits_from(int i) { return i >= 64 ? 0 : ~0ull << i; }

enum class ReadResult : std::uint8_t { Ok, Imperfect, TooManyLoops };

// Reads the mapping into x. (Random mappings make every data-dependent branch a coin toss,
// and a mispredicted branch costs more than the arithmetic it would skip: each loop is
// written out unconditionally and kept, by advancing n, only if its trip is > 1.)
template <int kL>
ReadResult read_nest(const Problem &p, const Architecture &a, const Mapping &m, Nest &x) {
  const int L = kL > 0 ? kL : a.num_levels();
  DimArray<std::int64_t> inner; // mixed-radix strides: same-dimension trips inside
  inner.fill(1);
  DimArray<std::uint64_t> loops_of{}; // bit i: loop i is on dimension d
  // What every loop records; returns its bit. (x.outer[i] holds its temporal trip until the
  // products below.)
  const auto place = [&](const Loop &loop, bool temporal) {
    const int d = idx(loop.dim);
    const std::int64_t t = loop.trip;
    const int i = x.n;
    const std::uint64_t bit = std::uint64_t{t > 1} << i;
    x.trip[i] = t;
    x.stride[i] = inner[d];
    x.dim[i] = loop.dim;
    x.outer[i] = temporal ? t : 1;
    inner[d] *= t;
    loops_of[d] |= bit;
    x.n += t > 1;
    return bit;
  };
  for (int l = 0; l < L; ++l) {
    x.above_mask[l] = bits_from(x.n);
    x.spatial[l] = 1;
    // Inside out: a level's spatial loops sit inside its temporal ones.
    const LevelLoops &ll = m.levels[l];
    if (x.n + ll.spatial.size() + ll.temporal.size() > kMaxLoops) return ReadResult::TooManyLoops;
    const Fanout &f = a.levels[l].fanout;
    x.unites[l] = unite_bit(Unite::All) | (f.multicast ? unite_bit(Unite::Multicast) : 0) |
                  (f.reduction ? unite_bit(Unite::Reduction) : 0);
    DimArray<std::int64_t> spatial_trips;
    spatial_trips.fill(1);
    for (auto it = ll.spatial.rbegin(); it != ll.spatial.rend(); ++it) {
      const std::uint64_t bit = place(*it, false);
      x.multicast |= f.multicast ? bit : 0;
      x.spatial[l] *= it->trip;
      spatial_trips[idx(it->dim)] *= it->trip;
    }
    x.spatial_plain[l] = plain_products(spatial_trips);
    DimArray<std::int64_t> temporal_trips;
    temporal_trips.fill(1);
    for (auto it = ll.temporal.rbegin(); it != ll.temporal.rend(); ++it) {
      x.temporal |= place(*it, true);
      temporal_trips[idx(it->dim)] *= it->trip;
    }
    x.temporal_o[l] = masked_product<kPlainDims[idx(Operand::O)]>(
        temporal_trips, std::make_index_sequence<kNumDims>{});
    // The running strides are now the products of the trips of levels 0 .. l: the tile of
    // level l (not kept for the outermost level: no pair's child).
    if (l + 1 < L) x.tiles[l + 1] = inner;
  }
  if (inner != p.size) return ReadResult::Imperfect;
  x.above_mask[L] = bits_from(x.n);
  for (int d = 0; d < kNumDims; ++d) {
    for (Operand o : kAllOperands)
      x.plain[idx(o)] |= kPlainDims[idx(o)] >> d & 1 ? loops_of[d] : 0;
    x.window |= kWindowDims >> d & 1 ? loops_of[d] : 0;
  }
  x.outer[x.n] = 1;
  for (int i = x.n - 1; i >= 0; --i)
    x.outer[i] *= x.outer[i + 1];
  // The MAC units' tile (all 1), and each tile's products on each operand's plain axes.
  x.tiles[0].fill(1);
  x.tile_plain[0] = {1, 1, 1};
  for (int l = 0; l + 1 < L; ++l)
    x.tile_plain[l + 1] = plain_products(x.tiles[l + 1]);
  x.spatial_from[L] = 1;
  for (int l = L - 1; l >= 0; --l)
    x.spatial_from[l] = x.spatial_from[l + 1] * x.spatial[l];
  return ReadResult::Ok;
}

// Per-level products over a range of levels.
std::int64_t product(const std::array<std::int64_t, kMaxLevels> &per_level, int from, int to) {
  std::int64_t r = 1;
  for (int l = from; l <= to; ++l)
    r *= per_level[l];
  return r;
}

// One pair: the parts of its words that every query shares.
struct Pair {
  const Nest &x;
  Operand o;
  int child, parent;
  std::int64_t tile_plain; // the child's tile on the operand's plain axes
  std::int64_t above;      // the product of the spatial trips above the parent
  int whole_from = 0;      // carries at loops [whole_from, n) bring whole tiles
  std::int64_t whole = 1;  // the product of their temporal trips

  Pair(const Nest &nest, Operand op, int c, int p)
      : x(nest), o(op), child(c), parent(p), tile_plain(nest.tile_plain[c + 1][idx(op)]),
        above(nest.spatial_from[p + 1]) {
    // Above a MAC unit every carry brings a fresh word; above a level, every carry at or
    // outside its innermost loop on a plain axis brings whole tiles.
    const std::uint64_t temporal_above = x.above_mask[c + 1] & x.temporal;
    const std::uint64_t plain_above = temporal_above & x.plain[idx(o)];
    whole_from = c < 0 ? 0 : plain_above == 0 ? x.n : std::countr_zero(plain_above);
    whole = x.outer[whole_from];
  }

  // The siblings' factor over the crossed fanouts (levels child+1 .. parent): per fanout,
  // its spatial trips where the siblings are counted apart, and where they are united
  // (they count as one), only its trips on plain axes (the united tile grows along those).
  std::int64_t crossed(Unite unite) const {
    std::int64_t r = 1;
    for (int l = child + 1; l <= parent; ++l)
      r *= x.unites[l] & unite_bit(unite) ? x.spatial_plain[l][idx(o)] : x.spatial[l];
    return r;
  }

  // Words of a query: the crossed fanouts' factor, the copies above the parent, the child's
  // tile on plain axes, and the words per plain word of the carries (W and O: the
  // whole-tile carries; I: window_words).
  std::int64_t box_words(std::int64_t crossed, std::int64_t above, std::int64_t prefix) const {
    return crossed * above * tile_plain * prefix;
  }

  // box_words with no siblings united (each child counted apart): the crossed fanouts'
  // trips and the copies above are then all the spatial trips above the child.
  std::int64_t apart_words(std::int64_t prefix) const {
    return x.spatial_from[child + 1] * tile_plain * prefix;
  }
};

// The keeper chains as the pairs read them. kEvery > 0: every operand's chain is the levels
// 0 .. kEvery-1 (every level keeps every operand, none bypassed, as on the default
// architecture), known at compile time, so that the loops over a chain and over a pair's
// crossed levels unroll into straight code; 0: read from `keepers`.
template <int kEvery> struct Chains {
  const KeeperChains &keepers;
  int count(Operand o) const { return kEvery > 0 ? kEvery : keepers.count[idx(o)]; }
  int level(Operand o, int i) const { return kEvery > 0 ? i : keepers.chain[idx(o)][i]; }
  // The child of the pair whose parent is level(o, i): -1 (the MAC units) for the first.
  int child(Operand o, int i) const { return i == 0 ? -1 : level(o, i - 1); }
};

// ---- W -------------------------------------------------------------------------------

PairCounts weight_pair(const Pair &pr) {
  const std::int64_t above = pr.above;
  const std::int64_t fills = pr.apart_words(pr.whole);
  PairCounts c;
  c.parent_reads = pr.box_words(pr.crossed(Unite::Multicast), above, pr.whole);
  c.child_fills = pr.child >= 0 ? fills : 0;
  c.fanout_words = fills;
  return c;
}

// ---- O -------------------------------------------------------------------------------

// The words taken by a child that are valid in the parent (valid_fills of pair_model.cpp)
// are all taken words minus, along the chain of O keepers outward from the parent, those
// whose residency no partial sum has reached: box_words(united, 1, summed), united the
// crossed fanouts' factor with all of them united. Term t of the chain counts the words
// above chain[t] less those above chain[t+1], with the loops not on O's axes inside the
// innermost O loop above chain[t] pinned to index 0; summed by parts, for the pair whose
// parent is chain[i], with child c,
//   summed = sum over t >= i of above(t) * (prefix(t) - prefix(t - 1)),  prefix(i - 1) = 0,
// where, for the keeper at chain[t],
//   prefix(t) = F(t) * (the O loops of levels c+1 .. chain[t]): the free temporal loops,
//     F(t) the product of the temporal trips at or outside the innermost O loop above it;
//   above(t) = (the trips on O's axes of the spatial loops of levels chain[i]+1 ..
//     chain[t]) * S(t), S(t) the product of the spatial trips above chain[t]: the spatial
//     loops above the parent, those up to chain[t] pinned to index 0 unless on O's axes.
// Every pair's sum shares its terms with the next pair's, scaled: with b(i) the O loops
// of levels c+1 .. chain[i] and a(i) the O-axis spatial trips of levels chain[i]+1 ..
// chain[i+1],
//   summed(i) = b(i) * (F(i) * (S(i) - a(i) * S(i + 1)) + a(i) * summed(i + 1)),
// with S and summed past the last keeper 0. So all the pairs' sums are taken at once,
// outermost first, one step per keeper. (F(i) is also the `whole` of the pair whose child is
// chain[i]; it is read again here, one load, because the pairs are built innermost first.)
template <int kEvery>
void invalid_sums(const Nest &x, Chains<kEvery> chains,
                  std::array<std::int64_t, kMaxLevels> &summed) {
  const std::uint64_t o_temporal = x.temporal & x.plain[idx(Operand::O)];
  std::int64_t next_summed = 0, next_s = 0;
  const int k = chains.count(Operand::O);
  int next_level = chains.level(Operand::O, k - 1);
#pragma GCC unroll 8
  for (int i = k - 1; i >= 0; --i) {
    const int level = chains.level(Operand::O, i), child = chains.child(Operand::O, i);
    const std::uint64_t outside = o_temporal & x.above_mask[level + 1];
    const std::int64_t f = x.outer[outside == 0 ? x.n : std::countr_zero(outside)];
    const std::int64_t s = x.spatial_from[level + 1];
    std::int64_t a = 1;
    for (int l = level + 1; l <= next_level; ++l)
      a *= x.spatial_plain[l][idx(Operand::O)];
    summed[i] = product(x.temporal_o, child + 1, level) * (f * (s - a * next_s) + a * next_summed);
    next_summed = summed[i], next_s = s, next_level = level;
  }
}

// `invalid`: the pair's summed (invalid_sums).
PairCounts output_pair(const Pair &pr, std::int64_t invalid) {
  const std::int64_t above = pr.above;
  const std::int64_t updates = pr.box_words(pr.crossed(Unite::Reduction), above, pr.whole);
  const std::int64_t all_united = pr.crossed(Unite::All);
  const std::int64_t distinct = pr.box_words(all_united, above, pr.whole);
  const std::int64_t each = pr.apart_words(pr.whole);
  const std::int64_t fills = distinct - pr.box_words(all_united, 1, invalid);
  PairCounts c;
  c.parent_updates = updates;
  c.parent_reads = fills + updates - distinct;
  c.child_fills = pr.child >= 0 ? fills : 0;
  c.fanout_words = fills + each;
  return c;
}

// ---- I -------------------------------------------------------------------------------

// The union of each window axis's siblings under `united_loops`, the crossed spatial loops on
// window axes whose siblings count as one.
void input_windows(const Pair &pr, const Problem &p, std::uint64_t united_loops,
                   std::array<WindowUnion, 2> &u) {
  const Nest &x = pr.x;
  const DimArray<std::int64_t> &t = x.tiles[pr.child + 1];
  if (united_loops == 0) {
    u[0].init_alone(t[idx(Dim::P)], t[idx(Dim::R)], p.stride_h, p.dilation_h);
    u[1].init_alone(t[idx(Dim::Q)], t[idx(Dim::S)], p.stride_w, p.dilation_w);
    return;
  }
  std::array<WindowKey, 2> k = {
      WindowKey::shape(t[idx(Dim::P)], t[idx(Dim::R)], p.stride_h, p.dilation_h),
      WindowKey::shape(t[idx(Dim::Q)], t[idx(Dim::S)], p.stride_w, p.dilation_w)};
  for (std::uint64_t rest = united_loops; rest != 0; rest &= rest - 1) {
    const int i = std::countr_zero(rest);
    WindowKey &key = k[window_axis(x.dim[i])];
    if (window_side(x.dim[i]) == 0)
      key.add_p(x.trip[i], x.stride[i]);
    else
      key.add_r(x.trip[i], x.stride[i]);
  }
  u[0].init(k[0]);
  u[1].init(k[1]);
}

// A carry past the whole-tile ones: its loop and the shift of each window's base
// ([w][side]; zero for a window it does not change).
struct WindowCarry {
  int loop;
  std::array<std::array<std::int64_t, 2>, 2> shift;
};

// What one carry adds to the input's words per word of its plain axes' tile under windows
// u (of all() product u_prod): each of its steps past the first, the words of the shifted
// union that are new to no sibling. (A window the carry does not change is kept whole:
// kept(0, 0) is all().) `Alone`: u was set by init_alone (no siblings united).
template <bool Alone>
std::int64_t carry_words(const Nest &x, const std::array<WindowUnion, 2> &u, std::int64_t u_prod,
                         const WindowCarry &wc) {
  const std::int64_t kept =
      Alone ? u[0].kept_alone(wc.shift[0][0], wc.shift[0][1]) *
                  u[1].kept_alone(wc.shift[1][0], wc.shift[1][1])
            : u[0].kept(wc.shift[0][0], wc.shift[0][1]) * u[1].kept(wc.shift[1][0], wc.shift[1][1]);
  return x.outer[wc.loop + 1] * (x.trip[wc.loop] - 1) * (u_prod - kept);
}

// The input's words per word of its plain axes' tile, under one choice of united fanouts:
// the whole-tile carries' windows plus each later carry's words. (The plain axes multiply
// every term: box_words.)
std::int64_t window_words(const Pair &pr, const std::array<WindowUnion, 2> &u,
                          const WindowCarry *carries, int num_carries) {
  const std::int64_t u_prod = u[0].all() * u[1].all();
  std::int64_t total = u_prod * pr.whole;
  for (int j = 0; j < num_carries; ++j)
    total += carry_words<false>(pr.x, u, u_prod, carries[j]);
  return total;
}

PairCounts input_pair(const Pair &pr, const Problem &p) {
  const Nest &x = pr.x;
  // The input's words per plain word with no sibling united. Above a MAC unit the window
  // is one word, new at every step (what window_words would give). Above a level, they are
  // the windows' words over the carries inside the whole-tile ones, listed inside out up to
  // the innermost window loop: the carry loop advances by its stride, the window loops
  // inside it wrap back.
  std::array<WindowCarry, kMaxLoops> carries;
  int num_carries = 0;
  std::array<WindowUnion, 2> windows; // (large: filled in place)
  std::int64_t alone = pr.whole;
  if (pr.child >= 0) {
    // The temporal loops between the child and the whole-tile carries, from the innermost
    // window loop: those inside it change no window. (Written without a branch on the
    // loop's dimension: on random mappings each is a coin toss. A presence loop moves no
    // window: its step is 0.)
    const std::uint64_t between =
        x.temporal & x.above_mask[pr.child + 1] & ~bits_from(pr.whole_from);
    const std::uint64_t first_window = bits_from(std::countr_zero(between & x.window));
    // The windows' words summed as the carries are listed (window_words in the same loop:
    // one loop whose length is a coin toss instead of two).
    input_windows(pr, p, 0, windows);
    const std::int64_t u_prod = windows[0].all() * windows[1].all();
    alone = u_prod * pr.whole;
    std::array<std::array<std::int64_t, 2>, 2> wrap{};
    for (std::uint64_t rest = between & first_window; rest != 0; rest &= rest - 1) {
      const int i = std::countr_zero(rest);
      const Dim d = x.dim[i];
      const std::int64_t moves = kWindowDims >> idx(d) & 1;
      const int w = window_axis(d), side = window_side(d);
      WindowCarry &wc = carries[num_carries++];
      wc = {i, wrap};
      wc.shift[w][side] += moves * x.stride[i];
      wrap[w][side] -= moves * (x.trip[i] - 1) * x.stride[i];
      alone += carry_words<true>(x, windows, u_prod, wc);
    }
  }
  const std::int64_t above = pr.above;
  const std::int64_t fills = pr.apart_words(alone);
  // Multicast unites siblings; with no window loop on a multicast fanout the windows are
  // those of one child, and with no loop at all the reads are the fills.
  const std::uint64_t on_multicast =
      x.above_mask[pr.child + 1] & ~x.above_mask[pr.parent + 1] & x.multicast;
  const std::uint64_t window_on_multicast = on_multicast & x.window;
  std::int64_t united = alone;
  if (window_on_multicast != 0) {
    input_windows(pr, p, window_on_multicast, windows);
    united = window_words(pr, windows, carries.data(), num_carries);
  }
  PairCounts c;
  c.parent_reads =
      on_multicast != 0 ? pr.box_words(pr.crossed(Unite::Multicast), above, united) : fills;
  c.child_fills = pr.child >= 0 ? fills : 0;
  c.fanout_words = fills;
  return c;
}

// The pairs of operand O along its chain, each pair's counts from pair_counts(pair, its
// index along the chain) added to c. (The operand is a constant here, so each operand's
// pairs compile to code of their own: evaluating a mapping took 11% fewer instructions
// than with one loop over the operands.)
template <Operand O, int kEvery, typename F>
void add_chain(AccessCounts &c, const Nest &x, Chains<kEvery> chains, F &&pair_counts) {
  const int k = chains.count(O);
#pragma GCC unroll 8
  for (int i = 0; i < k; ++i) {
    const int child = chains.child(O, i), parent = chains.level(O, i);
    add_pair_counts(c, O, child, parent, pair_counts(Pair(x, O, child, parent), i));
  }
}

// Every pair's counts added to c.
template <int kEvery>
void add_pairs(const Problem &p, const Nest &x, Chains<kEvery> chains, AccessCounts &c) {
  add_chain<Operand::W>(c, x, chains, [](const Pair &pr, int) { return weight_pair(pr); });
  add_chain<Operand::I>(c, x, chains, [&](const Pair &pr, int) { return input_pair(pr, p); });
  std::array<std::int64_t, kMaxLevels> invalid;
  // (A validated architecture and mapping give O at least its outermost keeper; this holds
  // invalid_sums to its chain for a caller that did not validate them.)
  if (chains.count(Operand::O) > 0) invalid_sums(x, chains, invalid);
  add_chain<Operand::O>(c, x, chains,
                        [&](const Pair &pr, int i) { return output_pair(pr, invalid[i]); });
}

// fused_counts on an architecture of kL levels (0: any number, read at run time). With kL
// known, the loops over levels unroll, and where every level keeps every operand so do the
// keeper chains and each pair's loops over its crossed levels: on the default architecture
// a counts evaluation took 1,825 instructions and 10.7 mispredicted branches (callgrind's
// simulator), against 2,486 and 14.0 for one code for any number of levels
// (tools/instructions.sh). `flatten` inlines everything this file calls into each
// instantiation: without it GCC's inlining budget, spent on the first, left the pairs'
// functions out of line in the others (2,820 instructions).
template <int kL>
[[gnu::flatten]] bool fused_counts_levels(const Problem &p, const Architecture &a, const Mapping &m,
                                          AccessCounts &c) {
  Nest x;
  const ReadResult read = read_nest<kL>(p, a, m, x);
  if (read == ReadResult::Imperfect) return false;
  if (read == ReadResult::TooManyLoops) {
    if (!is_perfect(m, p)) return false;
    c = perfect_counts(p, a, m);
    return true;
  }
  const int L = kL > 0 ? kL : a.num_levels();
  start_counts(p, L, c);
  const KeeperChains keepers = keeper_chains(a, m, L);
  // (Chains of L levels each are the levels 0 .. L-1: a chain lists distinct levels in order.)
  if (kL > 0 && keepers.count == OperandArray<int>{kL, kL, kL})
    add_pairs(p, x, Chains<kL>{keepers}, c);
  else
    add_pairs(p, x, Chains<0>{keepers}, c);
  finish_counts(c, L);
  return true;
}

} // namespace

bool fused_counts(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts &c) {
  // (The tests' random architectures have 2-4 levels, and 5 under one more level, so every
  // instantiation is checked.)
  return with_num_levels(a.num_levels(), [&](auto levels) {
    return fused_counts_levels<decltype(levels)::value>(p, a, m, c);
  });
}

} // namespace tessel
