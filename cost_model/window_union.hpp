// The input's windows on one axis (rows: output rows P with filter rows R; columns: Q with
// S), as the pair model of cost_model/pair_model.hpp needs them. With perfect factors every
// sibling (child instance under the united spatial loops) holds a window of the same shape,
//
//   W(p0, r0) = { p*stride + r*dilation : p0 <= p < p0 + ep, r0 <= r < r0 + er },
//
// where (p0, r0) ranges over the united loops' offsets, and a step change shifts every
// sibling's window by the same (dp, dr). The model needs |U|, the union of the siblings'
// windows, and, for a shift, |U \ F|: the words of the shifted union that are new to no
// sibling (F is the union of each sibling's new window minus its old one).
//
// When one window is an interval of length L (no holes: the usual case of stride 1, or of
// filters at least as tall as the stride), both are closed forms in the sorted sibling
// offsets o_1 <= ... <= o_n (in words): a union of length-L intervals has
//   |U| = L + sum_k min(o_{k+1} - o_k, L),
// and a shift by delta leaves each sibling one new interval of length m = min(|delta|, L),
// all at the same position relative to their sibling's offset, so
//   |F| = m + sum_k min(o_{k+1} - o_k, m),  and  |U \ F| = |U| - |F|.
// Other shapes enumerate the siblings once per shape (window_sizes_slow) and keep the result
// in a per-thread memo.
#pragma once

#include "cost_model/operand_axes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

namespace tessel {

// A united spatial loop of the P (R) side: `trip` siblings, offsets `stride` rows apart in
// P (R) units.
struct UnionLoop {
  std::int64_t trip, stride;
  bool operator==(const UnionLoop &) const = default;
};

// At most two spatial loops of a dimension per fanout (x and y), over at most four fanouts.
inline constexpr int kMaxUnion = 8;

// One window axis of a pair, with the shift of one step change. Only the first np (nr) union
// loops are set; they have trips > 1 (add them with add_p / add_r). Make one with shape():
// a default-constructed key is left uninitialized, as the pair model keeps them in caches
// that are built per evaluation.
struct WindowKey {
  std::int64_t ep, er, stride, dilation; // the window's shape
  std::int64_t dp, dr;                   // the shift of a step change
  int np, nr;
  std::array<UnionLoop, kMaxUnion> p_union, r_union; // left uninitialized past np / nr

  // A window of this shape, no shift, nothing united.
  static WindowKey shape(std::int64_t ep, std::int64_t er, std::int64_t stride,
                         std::int64_t dilation) {
    WindowKey k;
    k.ep = ep, k.er = er, k.stride = stride, k.dilation = dilation;
    k.dp = k.dr = 0;
    k.np = k.nr = 0;
    return k;
  }

  void add_p(std::int64_t trip, std::int64_t stride); // ignores trips of 1
  void add_r(std::int64_t trip, std::int64_t stride);
  bool operator==(const WindowKey &o) const; // compares the used slots only
};

struct WindowSizes {
  std::int64_t all = 0;  // |U|
  std::int64_t kept = 0; // |U \ F|
  bool operator==(const WindowSizes &) const = default;
};

// By enumeration of the siblings and interval sets: the definition, for tests and the memo.
WindowSizes window_sizes_slow(const WindowKey &k);

// window_sizes_slow(k) through the per-thread memo.
WindowSizes window_sizes_memo(const WindowKey &k);

// What the pair model asks of one window axis under one choice of united loops: |U| once,
// then |U \ F| for several shifts. Built once per choice, queried per carry.
class WindowUnion {
public:
  // Ignores k's shift. Leaves the object (uninitialized until then) ready for all() and kept().
  // (Inline where the window is an interval by the rules without distinct_sums and at most
  // one loop is united: the cost model's most frequent case, a few assignments.)
  void init(const WindowKey &k) {
    if (k.np + k.nr <= 1 && interval_without_sums(k.ep, k.stride, k.er, k.dilation))
      init_one_loop(k);
    else
      init_general(k);
  }
  // init(WindowKey::shape(ep, er, stride, dilation)), one window with nothing united,
  // without building the key where the window is an interval by the rules.
  void init_alone(std::int64_t ep, std::int64_t er, std::int64_t stride, std::int64_t dilation) {
    if (interval_without_sums(ep, stride, er, dilation))
      init_interval(ep, er, stride, dilation);
    else
      init_general(WindowKey::shape(ep, er, stride, dilation));
  }
  std::int64_t all() const { return all_; }
  // |U \ F| for a shift (dp, dr); all() for no shift. (The closed form inline: the pair
  // model asks it for every carry of every input pair, the fused model for the carries
  // under united siblings.)
  std::int64_t kept(std::int64_t dp, std::int64_t dr) const {
    if (!closed_) return kept_with_holes(dp, dr);
    const std::int64_t m = shifted_out(dp, dr);
    std::int64_t fresh = m;
    for (int j = 0; j < gaps_.n; ++j)
      fresh += gaps_.count[j] * std::min(gaps_.gap[j], m);
    return all_ - fresh;
  }
  // kept() where the object was set by init_alone: one window, so no gaps to add (the cost
  // model asks it for every carry of every input pair's lone windows).
  std::int64_t kept_alone(std::int64_t dp, std::int64_t dr) const {
    if (!closed_) return kept_with_holes(dp, dr);
    return all_ - shifted_out(dp, dr);
  }
  bool closed_form() const { return closed_; } // false: kept() goes to kept_with_holes

  // Whether { a*s + b*d : a < A, b < B } has no holes, by the usual cases (false where
  // only distinct_sums can tell): with s = 1 the rows are the intervals [b*d, b*d + A),
  // contiguous when d <= A (and symmetrically for d = 1). (Unit stride and dilation, the
  // layer's constants, are tested first: then every tile is an interval, and the cost model
  // takes no branch on the tile's extents, each a coin toss on random mappings.)
  static bool interval_without_sums(std::int64_t A, std::int64_t s, std::int64_t B,
                                    std::int64_t d) {
    if (s == 1 && d == 1) return true;
    if (A == 1) return B == 1 || d == 1;
    if (B == 1) return s == 1;
    return s == 1 ? d <= A : d == 1 && s <= B;
  }

private:
  // The interval case with at most one united loop, of trip T and stride u (in words): T-1
  // gaps of u, with no offsets to list.
  void init_one_loop(const WindowKey &k) {
    init_interval(k.ep, k.er, k.stride, k.dilation);
    gaps_.n = k.np + k.nr;
    if (gaps_.n == 1) {
      const UnionLoop &u = k.np == 1 ? k.p_union[0] : k.r_union[0];
      gaps_.gap[0] = u.stride * (k.np == 1 ? k.stride : k.dilation);
      gaps_.count[0] = u.trip - 1;
      all_ += gaps_.count[0] * std::min(gaps_.gap[0], length_);
    }
  }
  // One interval window, no siblings.
  void init_interval(std::int64_t ep, std::int64_t er, std::int64_t stride, std::int64_t dilation) {
    closed_ = true;
    stride_ = stride;
    dilation_ = dilation;
    length_ = all_ = window_extent(ep, er, stride, dilation);
    gaps_.n = 0;
  }
  void init_general(const WindowKey &k);
  // The words a shift (dp, dr) takes out of one interval window of length length_.
  std::int64_t shifted_out(std::int64_t dp, std::int64_t dr) const {
    return std::min<std::int64_t>(std::abs(dp * stride_ + dr * dilation_), length_);
  }
  // kept() where the window is not an interval: a closed form for one window with holes
  // (holes_alone_), else through the memo.
  std::int64_t kept_with_holes(std::int64_t dp, std::int64_t dr) const;

  // Sibling gaps in closed form: distinct nonzero gap values and their multiplicities (the
  // first n slots; no initializers, as the object is left uninitialized until init()).
  static constexpr int kMaxGaps = 8;
  struct SiblingGaps {
    int n;
    std::array<std::int64_t, kMaxGaps> gap, count;
  };
  static bool gaps_from_offsets(const WindowKey &k, SiblingGaps &g);
  // More siblings than this use the memo (real layers have far fewer on one axis).
  static constexpr int kMaxSiblings = 1024;

  bool closed_;      // the interval case, with the gaps below
  bool holes_alone_; // one window (no siblings) with holes, unit dilation: kept() in closed form
  std::int64_t ep_, er_;
  std::int64_t all_, length_, stride_, dilation_;
  SiblingGaps gaps_;
  WindowKey key_; // for the memo; set only when not closed_
};

} // namespace tessel
