// The analytical model. How the closed form is derived (docs/cost_model.md has the rules):
//
// Pair up each level that keeps an operand (the child, or the MAC units) with the next
// level out that keeps it (the parent). Everything counted between them is a sum, over the
// child's steps and over instances, of the size of a set of words: the words new to a
// child (fills), new to some child of a parent instance (parent reads, with multicast), or
// leaving a child (updates). Three facts make that sum cheap:
//
// 1. An operand's tile is a product over its *axes*: one per dimension that indexes it
//    (W: G K C R S; O: G N K P Q), with the input's rows and columns as two window axes
//    fed by (P, R) and (Q, S). A dimension that does not index the operand still matters
//    through the box being empty or not: it is a *presence* axis whose set is {0} or {}.
// 2. Each loop belongs to exactly one axis, and the steps of the child are an odometer
//    over the temporal loops above it. A step change is a *carry* at one loop j: loops
//    outside j keep their index, j advances by one, loops inside j wrap to 0. So the sum
//    over all step changes with carry j, and over all instances, of a product over axes
//    factors into a product over axes of per-axis sums over that axis's own free loop
//    indices. Unions over siblings factor the same way, because siblings form a product
//    of per-loop coordinates: with U_a the union of the siblings' new sets on axis a and
//    N_a the union of their (new minus old) sets, the words new to some sibling number
//    prod |U_a| - prod |U_a \ N_a|.
// 3. When every dimension of an axis is perfectly factored, every tile on that axis has
//    the same shape, so a per-axis sum is one set size times the number of index tuples.
//    Imperfect (guarded) axes are summed tuple by tuple over that axis's loops only: the
//    cost grows with the extent of one dimension, never with the iteration space.
//
// Partial sums add the validity rule. A word taken by a child is valid in the parent
// unless no partial sum of it has reached the parent in its current residency; following
// the chain of O keepers outward, that is a boolean formula over "some reduction loop in a
// range of positions has a non-zero index" and "this instance is the sibling that got the
// old value"; each term pins loops to index 0, which the per-axis sums honour.
#include "cost_model/analytical_model.hpp"

#include "cost_model/fused_model.hpp"
#include "cost_model/interval_set.hpp"
#include "cost_model/pair_model.hpp"

#include <algorithm>

namespace tessel {
namespace {

// How a loop's index behaves in one query.
enum class Role : std::uint8_t {
  Free,  // any index, the same before and after the step change (summed over)
  Carry, // the carry loop: x before, x+1 after, for x in [0, trip-2] (summed over)
  Wrap,  // inside the carry: trip-1 before, 0 after
  Zero,  // index 0 (first step, or pinned by a validity term)
  Last,  // index trip-1 (the last step)
  Union, // a sibling coordinate: the sets of all its values are united
};

enum class AxisKind : std::uint8_t { Plain, Window, Presence };

struct AxisLoop {
  int slot; // which of the axis's dimensions (0, or 1 for the filter side of a window)
  std::int64_t trip, stride;
  Role role;
};

struct Axis {
  AxisKind kind = AxisKind::Plain;
  int ndims = 1;
  Dim dims[2] = {Dim::N, Dim::N};
  std::int64_t extent[2] = {1, 1}; // D
  std::int64_t tile[2] = {1, 1};   // E: the child's tile extent
  std::int64_t stride = 1, dilation = 1;
  bool regular = true; // every dimension perfectly factored
  std::vector<AxisLoop> loops;
};

// Where a loop of the pair's view comes from.
enum class Source : std::uint8_t { Temporal, AboveParent, Crossed };

struct PairLoop {
  PlacedLoop placed;
  Source source;
  int axis;     // index into the pair's axes
  int slot;     // dimension slot within the axis
  int position; // temporal: 1-based position among the temporal loops above the child
};

// One (operand, child, parent) pair: the loops that matter and the operand's axes.
struct PairView {
  Operand operand;
  int child, parent;
  std::vector<PairLoop> loops;
  std::vector<Axis> axes;
  int num_temporal = 0; // temporal loops above the child
};

PairView make_view(const Problem &p, const Mapping &m, const std::vector<PlacedLoop> &nest,
                   Operand o, int child, int parent) {
  PairView v;
  v.operand = o;
  v.child = child;
  v.parent = parent;
  // Axes of this operand; every dimension lands on exactly one.
  int axis_of[kNumDims];
  int slot_of[kNumDims];
  auto add_axis = [&](AxisKind kind, Dim d0, std::optional<Dim> d1, std::int64_t stride,
                      std::int64_t dilation) {
    Axis a;
    a.kind = kind;
    a.dims[0] = d0;
    a.ndims = d1 ? 2 : 1;
    if (d1) a.dims[1] = *d1;
    a.stride = stride;
    a.dilation = dilation;
    for (int s = 0; s < a.ndims; ++s) {
      const Dim d = a.dims[s];
      a.extent[s] = p.extent(d);
      a.tile[s] = child < 0 ? 1 : tile_extent(m, child, d);
      a.regular = a.regular && total_trips(m, d) == p.extent(d);
      axis_of[idx(d)] = static_cast<int>(v.axes.size());
      slot_of[idx(d)] = s;
    }
    v.axes.push_back(a);
  };
  if (o == Operand::I) {
    add_axis(AxisKind::Window, Dim::P, Dim::R, p.stride_h, p.dilation_h);
    add_axis(AxisKind::Window, Dim::Q, Dim::S, p.stride_w, p.dilation_w);
  }
  for (Dim d : kAllDims) {
    if (o == Operand::I && (d == Dim::P || d == Dim::R || d == Dim::Q || d == Dim::S)) continue;
    add_axis(relevant(o, d) ? AxisKind::Plain : AxisKind::Presence, d, std::nullopt, 1, 1);
  }
  for (const PlacedLoop &pl : nest) {
    Source src;
    if (pl.loop.kind == LoopKind::Temporal) {
      if (pl.level <= child) continue; // inside the child's tile
      src = Source::Temporal;
    } else if (pl.level > parent) {
      src = Source::AboveParent;
    } else if (pl.level > child) {
      src = Source::Crossed;
    } else {
      continue;
    }
    if (pl.loop.trip == 1) continue; // a trip-1 loop never moves anything
    PairLoop l{pl, src, axis_of[idx(pl.loop.dim)], slot_of[idx(pl.loop.dim)], 0};
    if (src == Source::Temporal) l.position = ++v.num_temporal;
    v.loops.push_back(l);
  }
  return v;
}

// What one query sums: which step changes, which side, which siblings are united.
enum class Mode : std::uint8_t {
  First,    // the first step: every word of the new tiles is new
  Carry,    // every step change whose carry is the temporal loop at `carry`
  Final,    // the end of the run: every held word leaves
  AllSteps, // every step, each a fresh tile (the MAC units)
};

struct Query {
  Mode mode = Mode::First;
  int carry = 0;            // 1-based temporal position, for Mode::Carry
  bool leaving = false;     // count words leaving (old \ new) instead of new words
  std::vector<char> unite;  // per view loop: a Crossed loop that is united
  std::vector<char> pinned; // per view loop: index must be 0 after the step
};

struct AxisSums {
  std::int64_t all = 0;  // sum over tuples of |U|
  std::int64_t kept = 0; // sum over tuples of |U \ N|
};

IntervalSet axis_set(const Axis &a, const std::int64_t base[2]) {
  std::int64_t lo[2], hi[2];
  for (int s = 0; s < a.ndims; ++s) {
    lo[s] = std::max<std::int64_t>(base[s], 0);
    hi[s] = std::min(base[s] + a.tile[s], a.extent[s]);
    if (hi[s] <= lo[s]) return {};
  }
  switch (a.kind) {
  case AxisKind::Plain:
    return IntervalSet::range(lo[0], hi[0]);
  case AxisKind::Presence:
    return IntervalSet::range(0, 1);
  case AxisKind::Window:
    return IntervalSet::window(lo[0], hi[0], a.stride, lo[1], hi[1], a.dilation);
  }
  return {};
}

// Index of a loop before and after the step change, for tuple counter value `x`.
struct Indices {
  std::int64_t before, after;
};

Indices indices(Role r, std::int64_t trip, std::int64_t x) {
  switch (r) {
  case Role::Free:
    return {x, x};
  case Role::Carry:
    return {x, x + 1};
  case Role::Wrap:
    return {trip - 1, 0};
  case Role::Last:
    return {trip - 1, trip - 1};
  case Role::Zero:
  case Role::Union:
    return {0, 0};
  }
  return {0, 0};
}

// Number of tuple-counter values a role ranges over.
std::int64_t choices(Role r, std::int64_t trip) {
  switch (r) {
  case Role::Free:
    return trip;
  case Role::Carry:
    return trip - 1;
  default:
    return 1;
  }
}

AxisSums sum_axis(const Axis &a, bool old_empty, bool new_empty, bool leaving) {
  // Loops with a tuple counter, and the united ones.
  std::vector<const AxisLoop *> counted, united;
  std::int64_t tuples = 1;
  for (const AxisLoop &l : a.loops) {
    if (l.role == Role::Union)
      united.push_back(&l);
    else if (choices(l.role, l.trip) > 1)
      counted.push_back(&l);
    tuples *= choices(l.role, l.trip);
  }
  AxisSums sums;
  if (tuples == 0) return sums;
  std::vector<std::int64_t> counter(counted.size(), 0), ucounter(united.size(), 0);
  const bool one_tuple = a.regular; // every tuple gives the same sizes
  for (;;) {
    std::int64_t base_before[2] = {0, 0}, base_after[2] = {0, 0};
    for (const AxisLoop &l : a.loops) {
      if (l.role == Role::Union) continue;
      std::int64_t x = 0;
      for (std::size_t i = 0; i < counted.size(); ++i)
        if (counted[i] == &l) x = counter[i];
      const Indices ix = indices(l.role, l.trip, x);
      base_before[l.slot] += ix.before * l.stride;
      base_after[l.slot] += ix.after * l.stride;
    }
    // Unite over sibling coordinates.
    IntervalSet u, n;
    std::fill(ucounter.begin(), ucounter.end(), 0);
    for (;;) {
      std::int64_t before[2] = {base_before[0], base_before[1]};
      std::int64_t after[2] = {base_after[0], base_after[1]};
      for (std::size_t i = 0; i < united.size(); ++i) {
        before[united[i]->slot] += ucounter[i] * united[i]->stride;
        after[united[i]->slot] += ucounter[i] * united[i]->stride;
      }
      const IntervalSet old_set = old_empty ? IntervalSet{} : axis_set(a, before);
      const IntervalSet new_set = new_empty ? IntervalSet{} : axis_set(a, after);
      const IntervalSet &mine = leaving ? old_set : new_set;
      const IntervalSet &other = leaving ? new_set : old_set;
      u.unite(mine);
      n.unite(mine.minus(other));
      std::size_t i = 0;
      for (; i < united.size(); ++i) {
        if (++ucounter[i] < united[i]->trip) break;
        ucounter[i] = 0;
      }
      if (i == united.size()) break;
    }
    sums.all += u.size();
    sums.kept += u.minus(n).size();
    if (one_tuple) {
      sums.all *= tuples;
      sums.kept *= tuples;
      return sums;
    }
    std::size_t i = 0;
    for (; i < counted.size(); ++i) {
      if (++counter[i] < choices(counted[i]->role, counted[i]->trip)) break;
      counter[i] = 0;
    }
    if (i == counted.size()) break;
  }
  return sums;
}

// Sum over the query's step changes and instances of the number of words new to (or
// leaving) some member of each sibling group.
std::int64_t run_query(PairView &v, const Query &q) {
  for (Axis &a : v.axes)
    a.loops.clear();
  for (std::size_t i = 0; i < v.loops.size(); ++i) {
    const PairLoop &l = v.loops[i];
    Role role = Role::Free;
    if (l.source == Source::Temporal) {
      switch (q.mode) {
      case Mode::First:
        role = Role::Zero;
        break;
      case Mode::Final:
        role = Role::Last;
        break;
      case Mode::AllSteps:
        role = Role::Free;
        break;
      case Mode::Carry:
        role = l.position < q.carry ? Role::Free : l.position == q.carry ? Role::Carry : Role::Wrap;
        break;
      }
    } else if (l.source == Source::Crossed && q.unite[i]) {
      role = Role::Union;
    }
    if (q.pinned[i]) {
      // Pins constrain the index after the step change.
      if (role == Role::Carry) return 0; // it is at least 1 after the carry
      if (role == Role::Free) role = Role::Zero;
    }
    v.axes[l.axis].loops.push_back({l.slot, l.placed.loop.trip, l.placed.stride, role});
  }
  // At every MAC step the MAC unit takes a fresh word and gives it back: seen from the
  // fill side nothing was held before, from the leaving side nothing is held after.
  const bool all_steps = q.mode == Mode::AllSteps;
  const bool old_empty = q.mode == Mode::First || (all_steps && !q.leaving);
  const bool new_empty = q.mode == Mode::Final || (all_steps && q.leaving);
  std::int64_t all = 1, kept = 1;
  for (const Axis &a : v.axes) {
    const AxisSums s = sum_axis(a, old_empty, new_empty, q.leaving);
    all *= s.all;
    kept *= s.kept;
    if (all == 0) return 0;
  }
  return all - kept;
}

// Words new to some member of each group, over the whole run. `unite` says which crossed
// loops form the groups; `pinned` restricts to steps where those loops are at 0.
std::int64_t new_words(PairView &v, const std::vector<char> &unite,
                       const std::vector<char> &pinned) {
  Query q;
  q.unite = unite;
  q.pinned = pinned;
  if (v.child < 0) {
    q.mode = Mode::AllSteps;
    return run_query(v, q);
  }
  q.mode = Mode::First;
  std::int64_t total = run_query(v, q);
  q.mode = Mode::Carry;
  for (q.carry = 1; q.carry <= v.num_temporal; ++q.carry)
    total += run_query(v, q);
  return total;
}

std::int64_t leaving_words(PairView &v, const std::vector<char> &unite) {
  Query q;
  q.unite = unite;
  q.pinned.assign(v.loops.size(), 0);
  q.leaving = true;
  if (v.child < 0) {
    q.mode = Mode::AllSteps;
    return run_query(v, q);
  }
  q.mode = Mode::Final;
  std::int64_t total = run_query(v, q);
  q.mode = Mode::Carry;
  for (q.carry = 1; q.carry <= v.num_temporal; ++q.carry)
    total += run_query(v, q);
  return total;
}

// Crossed loops whose fanout has the given property.
std::vector<char> crossed_where(const PairView &v, const Architecture &a, bool Fanout::*flag) {
  std::vector<char> out(v.loops.size(), 0);
  for (std::size_t i = 0; i < v.loops.size(); ++i)
    out[i] = v.loops[i].source == Source::Crossed &&
             (flag == nullptr || a.levels[v.loops[i].placed.level].fanout.*flag);
  return out;
}

// O words a child takes that are valid in the parent (semantics: "Fills" of partial sums).
// chain: the O keepers from the parent outward (chain[0] = parent, back() = outermost).
std::int64_t valid_fills(PairView &v, const std::vector<int> &chain) {
  const std::size_t k = chain.size();
  const std::vector<char> all_crossed = [&] {
    std::vector<char> u(v.loops.size(), 0);
    for (std::size_t i = 0; i < v.loops.size(); ++i)
      u[i] = v.loops[i].source == Source::Crossed;
    return u;
  }();
  // R[0] = temporal loops above the child; R[i] = position of the innermost O-relevant
  // temporal loop above chain[i-1] (0 if none). "Not B_i": every reduction loop at a
  // position in (R[i], R[i-1]] is at index 0, i.e. no partial sum reached chain[i-1]
  // earlier in its current residency.
  std::vector<int> R(k + 1, 0);
  R[0] = v.num_temporal;
  for (std::size_t i = 1; i <= k; ++i) {
    const int level = chain[i - 1];
    for (const PairLoop &l : v.loops)
      if (l.source == Source::Temporal && l.placed.level > level &&
          relevant(Operand::O, l.placed.loop.dim))
        R[i] = std::max(R[i], l.position);
  }
  auto pin_not_b = [&](std::vector<char> &pins, std::size_t i) {
    for (std::size_t j = 0; j < v.loops.size(); ++j) {
      const PairLoop &l = v.loops[j];
      if (l.source == Source::Temporal && !relevant(Operand::O, l.placed.loop.dim) &&
          l.position > R[i] && l.position <= R[i - 1])
        pins[j] = 1;
    }
  };
  // d_i: chain[i-1]'s instance is the sibling (under chain[i]) that received the old
  // value: its O-irrelevant spatial coordinates at the fanouts between them are 0.
  auto pin_designated = [&](std::vector<char> &pins, std::size_t i) {
    for (std::size_t j = 0; j < v.loops.size(); ++j) {
      const PairLoop &l = v.loops[j];
      if (l.source == Source::AboveParent && !relevant(Operand::O, l.placed.loop.dim) &&
          l.placed.level > chain[i - 1] && l.placed.level <= chain[i])
        pins[j] = 1;
    }
  };
  // invalid = notB1 (notd1 + d1 notB2 (notd2 + d2 notB3 (... notBk)))
  //         = sum over i<k of [Q(notB1..notBi, d1..d(i-1)) - Q(notB1..notBi, d1..di)]
  //           + Q(notB1..notBk, d1..d(k-1)).
  std::int64_t invalid = 0;
  std::vector<char> pins(v.loops.size(), 0);
  for (std::size_t i = 1; i <= k; ++i) {
    pin_not_b(pins, i);
    invalid += new_words(v, all_crossed, pins);
    if (i == k) break;
    pin_designated(pins, i);
    invalid -= new_words(v, all_crossed, pins);
  }
  const std::vector<char> none(v.loops.size(), 0);
  return new_words(v, all_crossed, none) - invalid;
}

} // namespace

AccessCounts general_counts(const Problem &p, const Architecture &a, const Mapping &m) {
  const std::vector<PlacedLoop> nest = flatten(m);
  return assemble_counts(
      p, a, m, [&](Operand o, int child, int parent, const std::vector<int> &chain) {
        PairView v = make_view(p, m, nest, o, child, parent);
        const std::vector<char> none(v.loops.size(), 0);
        PairCounts pc;
        if (o != Operand::O) {
          pc.child_fills = new_words(v, none, none);
          pc.parent_reads = new_words(v, crossed_where(v, a, &Fanout::multicast), none);
          pc.fanout_words = pc.child_fills;
        } else {
          const std::int64_t fills = valid_fills(v, chain);
          const std::int64_t reduced = leaving_words(v, crossed_where(v, a, &Fanout::reduction));
          const std::int64_t distinct = leaving_words(v, crossed_where(v, a, nullptr));
          pc.child_fills = fills;
          pc.parent_updates = reduced;
          pc.parent_reads = fills + reduced - distinct; // read-modify-write
          pc.fanout_words = fills + leaving_words(v, none);
        }
        if (child < 0) pc.child_fills = 0;
        return pc;
      });
}

void analytical_counts(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts &c) {
  if (!fused_counts(p, a, m, c)) c = general_counts(p, a, m);
}

AccessCounts analytical_counts(const Problem &p, const Architecture &a, const Mapping &m) {
  AccessCounts c;
  analytical_counts(p, a, m, c);
  return c;
}

} // namespace tessel
