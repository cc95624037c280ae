#include "cost_model/pair_model.hpp"

#include "cost_model/footprint.hpp"
#include "cost_model/interval_set.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

namespace tessel {
namespace {

// ---- input windows -------------------------------------------------------------------
// One window axis (rows: P with R, or columns: Q with S) of the input. With perfect
// factors, every sibling's window has the same shape and a step change shifts all of them
// by the same (dp, dr). What the closed form needs is |U|, the union of the siblings' new
// windows, and |U \ N|, the words of that union new to none of them.

struct UnionLoop {
  std::int64_t trip, stride;
  bool operator==(const UnionLoop &) const = default;
};

// At most two spatial loops of a dimension per fanout (x and y), over at most four fanouts.
constexpr int kMaxUnion = 8;

struct WindowKey { // value-initialize (WindowKey{}): unused union slots must be zero
  std::int64_t ep, er, stride, dilation, dp, dr;
  std::array<UnionLoop, kMaxUnion> p_union, r_union;
  bool operator==(const WindowKey &) const = default;
};

struct WindowKeyHash {
  std::size_t operator()(const WindowKey &k) const {
    std::size_t h = 1469598103934665603ull;
    const auto mix = [&](std::int64_t v) {
      h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ull;
    };
    mix(k.ep), mix(k.er), mix(k.stride), mix(k.dilation), mix(k.dp), mix(k.dr);
    for (const auto &u : k.p_union)
      mix(u.trip), mix(u.stride);
    for (const auto &u : k.r_union)
      mix(u.trip), mix(u.stride);
    return h;
  }
};

struct WindowSizes {
  std::int64_t all = 0;  // |U|
  std::int64_t kept = 0; // |U \ N|
};

WindowSizes window_sizes_slow(const WindowKey &k) {
  // Enumerate sibling coordinates over the united P and R loops.
  std::array<std::int64_t, 2 * kMaxUnion> coord{};
  std::array<const UnionLoop *, 2 * kMaxUnion> loops{};
  std::array<bool, 2 * kMaxUnion> is_p{};
  int n = 0;
  for (const auto &u : k.p_union)
    if (u.trip > 1) loops[n] = &u, is_p[n++] = true;
  for (const auto &u : k.r_union)
    if (u.trip > 1) loops[n] = &u, is_p[n++] = false;
  IntervalSet all, fresh;
  for (;;) {
    std::int64_t p0 = 0, r0 = 0;
    for (int i = 0; i < n; ++i)
      (is_p[i] ? p0 : r0) += coord[i] * loops[i]->stride;
    const IntervalSet before =
        IntervalSet::window(p0, p0 + k.ep, k.stride, r0, r0 + k.er, k.dilation);
    const IntervalSet after = IntervalSet::window(p0 + k.dp, p0 + k.dp + k.ep, k.stride, r0 + k.dr,
                                                  r0 + k.dr + k.er, k.dilation);
    all.unite(after);
    fresh.unite(after.minus(before));
    int i = 0;
    for (; i < n; ++i) {
      if (++coord[i] < loops[i]->trip) break;
      coord[i] = 0;
    }
    if (i == n) break;
  }
  return {all.size(), all.minus(fresh).size()};
}

WindowSizes window_sizes(const WindowKey &k) {
  const bool no_union = k.p_union[0].trip <= 1 && k.r_union[0].trip <= 1;
  if (no_union) {
    // A single window: |S| and |S ∩ (S + shift)|; closed form when S is an interval.
    const std::int64_t size = distinct_sums(k.ep, k.stride, k.er, k.dilation);
    const std::int64_t span = (k.ep - 1) * k.stride + (k.er - 1) * k.dilation + 1;
    if (size == span) {
      const std::int64_t shift = std::llabs(k.dp * k.stride + k.dr * k.dilation);
      return {size, std::max<std::int64_t>(0, span - shift)};
    }
  }
  thread_local std::unordered_map<WindowKey, WindowSizes, WindowKeyHash> memo;
  const auto it = memo.find(k);
  if (it != memo.end()) return it->second;
  const WindowSizes s = window_sizes_slow(k);
  if (memo.size() > (1u << 20)) memo.clear();
  memo.emplace(k, s);
  return s;
}

// |U| alone (no shift): the union of the siblings' windows. When each dimension's united
// loops tile it contiguously (sorted by stride, each loop's stride is the extent covered by
// the tile and the loops inside it, as for spatial loops right above the tile), the siblings'
// row (filter) offsets cover [0, ep * trips) ([0, er * trips)) and the union is one window
// of those extents. Otherwise the memo enumerates the siblings.
bool contiguous_union(std::array<UnionLoop, kMaxUnion> loops, std::int64_t extent) {
  std::sort(loops.begin(), loops.end(),
            [](const UnionLoop &a, const UnionLoop &b) { return a.stride < b.stride; });
  std::int64_t covered = extent;
  for (const UnionLoop &u : loops) {
    if (u.trip <= 1) continue;
    if (u.stride != covered) return false;
    covered *= u.trip;
  }
  return true;
}

std::int64_t union_trips(const std::array<UnionLoop, kMaxUnion> &loops) {
  std::int64_t t = 1;
  for (const UnionLoop &u : loops)
    t *= std::max<std::int64_t>(1, u.trip);
  return t;
}

std::int64_t window_union_size(const WindowKey &k) {
  if (contiguous_union(k.p_union, k.ep) && contiguous_union(k.r_union, k.er))
    return distinct_sums(k.ep * union_trips(k.p_union), k.stride, k.er * union_trips(k.r_union),
                         k.dilation);
  return window_sizes(k).all;
}

// ---- axes ----------------------------------------------------------------------------

enum class AxisKind : std::uint8_t { Plain, Window, Presence };

// The axis of operand o that dimension d feeds, numbered so that the two window axes of I
// come first: I: 0 = rows (P, R), 1 = columns (Q, S), then one per other dimension.
struct AxisMap {
  std::array<int, kNumDims> axis{};
  std::array<AxisKind, kNumDims> kind{};
  int count = 0;
};

AxisMap axis_map(Operand o) {
  AxisMap m;
  if (o == Operand::I) {
    m.axis[idx(Dim::P)] = m.axis[idx(Dim::R)] = 0;
    m.axis[idx(Dim::Q)] = m.axis[idx(Dim::S)] = 1;
    m.kind[0] = m.kind[1] = AxisKind::Window;
    m.count = 2;
  }
  for (Dim d : kAllDims) {
    if (o == Operand::I && (d == Dim::P || d == Dim::R || d == Dim::Q || d == Dim::S)) continue;
    m.axis[idx(d)] = m.count;
    m.kind[m.count++] = relevant(o, d) ? AxisKind::Plain : AxisKind::Presence;
  }
  return m;
}

// Which sides of a window axis a dimension is on.
bool filter_side(Dim d) { return d == Dim::R || d == Dim::S; }
Dim window_output_dim(int axis) { return axis == 0 ? Dim::P : Dim::Q; }
Dim window_filter_dim(int axis) { return axis == 0 ? Dim::R : Dim::S; }

struct Query {
  std::uint64_t unite = 0;        // bit i: crossed loop i is united
  std::uint64_t pin_temporal = 0; // bit j: temporal loop j must be at 0 after the step
  std::uint64_t pin_above = 0;    // bit i: spatial loop above the parent i must be 0
  bool leaving = false;
};

class PairEvaluator {
public:
  PairEvaluator(const Problem &p, const PairSpec &s) : p_(p), s_(s), map_(axis_map(s.operand)) {
    // Axes changed by a carry at temporal position j: those with a loop at j or inside it.
    std::uint32_t mask = 0;
    for (int j = s.temporal.size - 1; j >= 0; --j) {
      mask |= 1u << map_.axis[idx(s.temporal[j].dim)];
      changed_[j] = mask;
    }
    for (int a = 0; a < map_.count; ++a)
      if (map_.kind[a] == AxisKind::Plain) plain_mask_ |= 1u << a;
  }

  std::int64_t words(const Query &q) const {
    const MaskData &md = mask_data(q.unite);
    const std::array<std::int64_t, 10> &u = md.u;
    const std::int64_t u_prod = md.u_prod, non_window = md.non_window;
    std::int64_t free = md.free_crossed;
    for (int i = 0; i < s_.above.size; ++i)
      if (!(q.pin_above >> i & 1)) free *= s_.above[i].trip;
    const std::array<WindowKey, 2> &wkey = md.wkey;

    if (s_.child < 0) { // MAC units: a fresh word at every step
      std::int64_t steps = 1;
      for (int j = 0; j < s_.temporal.size; ++j)
        if (!(q.pin_temporal >> j & 1)) steps *= s_.temporal[j].trip;
      return free * u_prod * steps;
    }
    // First step (or, leaving, the last): whole tiles. Then each carry j: the step changes
    // counted by prefix * (t_j - 1), each bringing prod|U| - prod|U \ N| words.
    std::int64_t total = u_prod, prefix = 1;
    for (int j = 0; j < s_.temporal.size; ++j) {
      const std::int64_t t = s_.temporal[j].trip;
      if (q.pin_temporal >> j & 1) continue; // pinned: its index after a carry is >= 1
      const std::uint32_t changed = changed_[j];
      std::int64_t kept = 0;
      if (!(changed & plain_mask_)) {
        kept = non_window;
        for (int w = 0; w < (s_.operand == Operand::I ? 2 : 0); ++w) {
          if (!(changed >> w & 1)) {
            kept *= u[w];
            continue;
          }
          WindowKey k = wkey[w];
          shift(w, j, q.leaving, k);
          kept *= window_sizes(k).kept;
        }
      }
      total += prefix * (t - 1) * (u_prod - kept);
      prefix *= t;
    }
    return free * total;
  }

private:
  // What depends only on which crossed loops are united: |U_a| per axis, their products,
  // the windows' keys, and the product of the trips of the crossed loops not united.
  struct MaskData { // filled by mask_data(); left uninitialized until then (it is hot)
    std::uint64_t unite;
    std::array<std::int64_t, 10> u;
    std::array<WindowKey, 2> wkey;
    std::int64_t u_prod, non_window, free_crossed;
  };

  const MaskData &mask_data(std::uint64_t unite) const {
    for (int i = 0; i < cached_; ++i)
      if (cache_[i].unite == unite) return cache_[i];
    MaskData &md = cache_[cached_ < kCache ? cached_++ : (cached_ = 1, 0)];
    md.unite = unite;
    md.u_prod = md.non_window = md.free_crossed = 1;
    for (int a = 0; a < map_.count; ++a)
      md.u[a] = 1;
    for (Dim d : kAllDims) {
      const int a = map_.axis[idx(d)];
      if (map_.kind[a] == AxisKind::Plain) md.u[a] = s_.tile[idx(d)];
    }
    for (int i = 0; i < s_.crossed.size; ++i) {
      if (!(unite >> i & 1)) {
        md.free_crossed *= s_.crossed[i].trip;
        continue;
      }
      const int a = map_.axis[idx(s_.crossed[i].dim)];
      if (map_.kind[a] == AxisKind::Plain) md.u[a] *= s_.crossed[i].trip;
    }
    for (int w = 0; w < (s_.operand == Operand::I ? 2 : 0); ++w) {
      md.wkey[w] = window_key(w, unite);
      md.u[w] = window_union_size(md.wkey[w]);
    }
    for (int a = 0; a < map_.count; ++a) {
      md.u_prod *= md.u[a];
      if (map_.kind[a] != AxisKind::Window) md.non_window *= md.u[a];
    }
    return md;
  }

  static constexpr int kCache = 4;
  mutable std::array<MaskData, kCache> cache_;
  mutable int cached_ = 0;

  WindowKey window_key(int w, std::uint64_t unite) const {
    WindowKey k{};
    const Dim pd = window_output_dim(w), rd = window_filter_dim(w);
    k.ep = s_.tile[idx(pd)];
    k.er = s_.tile[idx(rd)];
    k.stride = w == 0 ? p_.stride_h : p_.stride_w;
    k.dilation = w == 0 ? p_.dilation_h : p_.dilation_w;
    int np = 0, nr = 0;
    for (int i = 0; i < s_.crossed.size; ++i) {
      if (!(unite >> i & 1)) continue;
      const PairLoopInfo &l = s_.crossed[i];
      if (l.dim == pd) {
        if (np == kMaxUnion) throw std::logic_error("pair_model: too many united window loops");
        k.p_union[np++] = {l.trip, l.stride};
      }
      if (l.dim == rd) {
        if (nr == kMaxUnion) throw std::logic_error("pair_model: too many united window loops");
        k.r_union[nr++] = {l.trip, l.stride};
      }
    }
    return k;
  }

  // The shift of window axis w's base at a carry at temporal position j: the carry loop
  // advances by its stride, the loops inside it wrap back. Leaving words see it reversed.
  void shift(int w, int j, bool leaving, WindowKey &k) const {
    std::int64_t dp = 0, dr = 0;
    for (int i = j; i < s_.temporal.size; ++i) {
      const PairLoopInfo &l = s_.temporal[i];
      if (map_.axis[idx(l.dim)] != w) continue;
      const std::int64_t delta = i == j ? l.stride : -(l.trip - 1) * l.stride;
      (filter_side(l.dim) ? dr : dp) += delta;
    }
    k.dp = leaving ? -dp : dp;
    k.dr = leaving ? -dr : dr;
  }

  const Problem &p_;
  const PairSpec &s_;
  AxisMap map_;
  std::array<std::uint32_t, kMaxPairLoops> changed_{};
  std::uint32_t plain_mask_ = 0;
};

std::uint64_t crossed_mask(const PairSpec &s, bool PairLoopInfo::*flag) {
  std::uint64_t m = 0;
  for (int i = 0; i < s.crossed.size; ++i)
    if (flag == nullptr || s.crossed[i].*flag) m |= 1ull << i;
  return m;
}

// O words taken by a child that are valid in the parent; see valid_fills in
// analytical_model.cpp for the derivation of the terms.
std::int64_t valid_fills(const PairSpec &s, const PairEvaluator &ev) {
  const int k = s.chain_size;
  std::array<int, 9> R{};
  R[0] = s.temporal.size; // positions are 1-based below: position = index + 1
  for (int i = 1; i <= k; ++i)
    for (int j = 0; j < s.temporal.size; ++j)
      if (s.temporal[j].level > s.chain[i - 1] && relevant(Operand::O, s.temporal[j].dim))
        R[i] = std::max(R[i], j + 1);
  Query q;
  q.unite = crossed_mask(s, nullptr);
  std::int64_t invalid = 0;
  for (int i = 1; i <= k; ++i) {
    for (int j = 0; j < s.temporal.size; ++j)
      if (!relevant(Operand::O, s.temporal[j].dim) && j + 1 > R[i] && j + 1 <= R[i - 1])
        q.pin_temporal |= 1ull << j;
    invalid += ev.words(q);
    if (i == k) break;
    for (int j = 0; j < s.above.size; ++j)
      if (!relevant(Operand::O, s.above[j].dim) && s.above[j].level > s.chain[i - 1] &&
          s.above[j].level <= s.chain[i])
        q.pin_above |= 1ull << j;
    invalid -= ev.words(q);
  }
  Query all;
  all.unite = q.unite;
  return ev.words(all) - invalid;
}

} // namespace

PairSpec make_pair_spec(const Problem &p, const Architecture &a, const Mapping &m,
                        const std::vector<PlacedLoop> &nest, Operand o, int child, int parent) {
  PairSpec s;
  s.operand = o;
  s.child = child;
  s.parent = parent;
  (void)p;
  (void)m;
  s.tile.fill(1);
  for (const PlacedLoop &pl : nest)
    if (pl.level <= child) s.tile[idx(pl.loop.dim)] *= pl.loop.trip;
  for (const PlacedLoop &pl : nest) {
    if (pl.loop.trip == 1) continue;
    PairLoopInfo info{pl.loop.dim,
                      pl.loop.trip,
                      pl.stride,
                      pl.level,
                      a.levels[pl.level].fanout.multicast,
                      a.levels[pl.level].fanout.reduction};
    if (pl.loop.kind == LoopKind::Temporal) {
      if (pl.level > child) s.temporal.push_back(info);
    } else if (pl.level > parent) {
      s.above.push_back(info);
    } else if (pl.level > child) {
      s.crossed.push_back(info);
    }
  }
  for (int l = parent; l < a.num_levels(); ++l)
    if (keeps(a, m, l, o)) s.chain[s.chain_size++] = l;
  return s;
}

PairCounts pair_counts(const Problem &p, const PairSpec &s) {
  const PairEvaluator ev(p, s);
  PairCounts c;
  Query none;
  if (s.operand != Operand::O) {
    const std::int64_t fills = ev.words(none);
    Query multicast;
    multicast.unite = crossed_mask(s, &PairLoopInfo::multicast);
    c.parent_reads = ev.words(multicast);
    c.child_fills = s.child >= 0 ? fills : 0;
    c.fanout_words = fills;
    return c;
  }
  const std::int64_t fills = valid_fills(s, ev);
  Query reduced, distinct, each;
  reduced.leaving = distinct.leaving = each.leaving = true;
  reduced.unite = crossed_mask(s, &PairLoopInfo::reduction);
  distinct.unite = crossed_mask(s, nullptr);
  const std::int64_t updates = ev.words(reduced);
  c.parent_updates = updates;
  c.parent_reads = fills + updates - ev.words(distinct);
  c.child_fills = s.child >= 0 ? fills : 0;
  c.fanout_words = fills + ev.words(each);
  return c;
}

std::array<std::int64_t, 4> pair_first_step_words(const Problem &p, const PairSpec &s) {
  const PairEvaluator ev(p, s);
  std::array<std::int64_t, 4> out{};
  const std::uint64_t masks[4] = {0, crossed_mask(s, &PairLoopInfo::multicast),
                                  crossed_mask(s, &PairLoopInfo::reduction),
                                  crossed_mask(s, nullptr)};
  for (int i = 0; i < 4; ++i) {
    // W and I use no reduction groups, O no multicast groups.
    if ((s.operand == Operand::O) == (i == 1)) continue;
    Query q;
    q.unite = masks[i];
    q.pin_temporal = ~0ull; // no carries: the first step alone
    out[i] = ev.words(q);
  }
  return out;
}

AccessCounts perfect_counts(const Problem &p, const Architecture &a, const Mapping &m) {
  const std::vector<PlacedLoop> nest = flatten(m);
  return assemble_counts(p, a, m, [&](Operand o, int child, int parent, const std::vector<int> &) {
    return pair_counts(p, make_pair_spec(p, a, m, nest, o, child, parent));
  });
}

} // namespace tessel
