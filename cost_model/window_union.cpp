#include "cost_model/window_union.hpp"

#include "cost_model/footprint.hpp"
#include "cost_model/interval_set.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

namespace tessel {

void WindowKey::add_p(std::int64_t trip, std::int64_t s) {
  if (trip <= 1) return; // one sibling offset: nothing to unite
  if (np == kMaxUnion) throw std::logic_error("window_union: too many united window loops");
  p_union[np++] = {trip, s};
}

void WindowKey::add_r(std::int64_t trip, std::int64_t s) {
  if (trip <= 1) return;
  if (nr == kMaxUnion) throw std::logic_error("window_union: too many united window loops");
  r_union[nr++] = {trip, s};
}

bool WindowKey::operator==(const WindowKey &o) const {
  return ep == o.ep && er == o.er && stride == o.stride && dilation == o.dilation && dp == o.dp &&
         dr == o.dr && np == o.np && nr == o.nr &&
         std::equal(p_union.begin(), p_union.begin() + np, o.p_union.begin()) &&
         std::equal(r_union.begin(), r_union.begin() + nr, o.r_union.begin());
}

WindowSizes window_sizes_slow(const WindowKey &k) {
  // Enumerate sibling coordinates over the united P and R loops.
  std::array<std::int64_t, 2 * kMaxUnion> coord{};
  std::array<const UnionLoop *, 2 * kMaxUnion> loops{};
  std::array<bool, 2 * kMaxUnion> is_p{};
  int n = 0;
  for (int i = 0; i < k.np; ++i)
    loops[n] = &k.p_union[i], is_p[n++] = true;
  for (int i = 0; i < k.nr; ++i)
    loops[n] = &k.r_union[i], is_p[n++] = false;
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

namespace {

struct WindowKeyHash {
  std::size_t operator()(const WindowKey &k) const {
    std::size_t h = 1469598103934665603ull;
    const auto mix = [&](std::int64_t v) {
      h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ull;
    };
    mix(k.ep), mix(k.er), mix(k.stride), mix(k.dilation), mix(k.dp), mix(k.dr);
    mix(k.np * 16 + k.nr);
    for (int i = 0; i < k.np; ++i)
      mix(k.p_union[i].trip), mix(k.p_union[i].stride);
    for (int i = 0; i < k.nr; ++i)
      mix(k.r_union[i].trip), mix(k.r_union[i].stride);
    return h;
  }
};

// When each side's united loops tile it contiguously (sorted by stride, each loop's stride
// is the extent covered by the window and the loops inside it, as for spatial loops right
// above the tile), the siblings' row (filter) offsets cover [0, ep * trips) ([0, er * trips))
// and the union is one window of those extents: its size is a distinct_sums.
bool contiguous_union(std::array<UnionLoop, kMaxUnion> loops, int n, std::int64_t extent) {
  // Insertion sort by stride (n <= kMaxUnion).
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && loops[j].stride < loops[j - 1].stride; --j)
      std::swap(loops[j], loops[j - 1]);
  for (int i = 0; i < n; ++i) {
    if (loops[i].stride != extent) return false;
    extent *= loops[i].trip;
  }
  return true;
}

std::int64_t union_trips(const std::array<UnionLoop, kMaxUnion> &loops, int n) {
  std::int64_t t = 1;
  for (int i = 0; i < n; ++i)
    t *= loops[i].trip;
  return t;
}

// compute() through a per-thread memo by k, one per call site (each lambda is its own
// type), emptied when it passes `limit` entries.
template <std::size_t limit, typename F> auto memoized(const WindowKey &k, F &&compute) {
  thread_local std::unordered_map<WindowKey, decltype(compute()), WindowKeyHash> memo;
  const auto it = memo.find(k);
  if (it != memo.end()) return it->second;
  const auto value = compute();
  if (memo.size() > limit) memo.clear();
  memo.emplace(k, value);
  return value;
}

} // namespace

WindowSizes window_sizes_memo(const WindowKey &k) {
  return memoized<(1u << 20)>(k, [&] { return window_sizes_slow(k); });
}

namespace {

// Whether { a*s + b*d : a < A, b < B } has no holes (WindowUnion::interval_without_sums,
// else by distinct_sums when no stride or extent is 1).
bool window_is_interval(std::int64_t A, std::int64_t s, std::int64_t B, std::int64_t d) {
  if (WindowUnion::interval_without_sums(A, s, B, d)) return true;
  return A > 1 && B > 1 && s > 1 && d > 1 &&
         distinct_sums(A, s, B, d) == (A - 1) * s + (B - 1) * d + 1;
}

} // namespace

// The interval case with several united loops: the siblings' offsets in words, sorted, then
// their distinct gaps. False if they have more distinct gaps than the closed form keeps.
bool WindowUnion::gaps_from_offsets(const WindowKey &k, SiblingGaps &g) {
  std::array<std::int64_t, kMaxSiblings> offset;
  offset[0] = 0;
  std::int64_t n = 1;
  const auto spread = [&](const UnionLoop &u, std::int64_t unit) {
    for (std::int64_t c = 1; c < u.trip; ++c)
      for (std::int64_t i = 0; i < n; ++i)
        offset[c * n + i] = offset[i] + c * u.stride * unit;
    n *= u.trip;
  };
  for (int i = 0; i < k.np; ++i)
    spread(k.p_union[i], k.stride);
  for (int i = 0; i < k.nr; ++i)
    spread(k.r_union[i], k.dilation);
  if (k.np + k.nr > 1) std::sort(offset.begin(), offset.begin() + n); // one loop's are sorted
  g.n = 0;
  for (std::int64_t i = 1; i < n; ++i) {
    const std::int64_t gap = offset[i] - offset[i - 1];
    if (gap == 0) continue; // coinciding siblings add nothing
    int j = 0;
    while (j < g.n && g.gap[j] != gap)
      ++j;
    if (j == g.n) {
      if (g.n == kMaxGaps) return false;
      g.gap[g.n] = gap, g.count[g.n++] = 0;
    }
    ++g.count[j];
  }
  return true;
}

void WindowUnion::init_general(const WindowKey &k) {
  const bool interval = window_is_interval(k.ep, k.stride, k.er, k.dilation);
  if (k.np + k.nr <= 1 && interval) {
    init_one_loop(k); // an interval only distinct_sums could tell
    return;
  }
  closed_ = false;
  stride_ = k.stride;
  dilation_ = k.dilation;
  length_ = window_extent(k.ep, k.er, k.stride, k.dilation);
  const std::int64_t siblings = union_trips(k.p_union, k.np) * union_trips(k.r_union, k.nr);
  if (siblings <= kMaxSiblings && interval) {
    // The gaps depend only on the united loops, the stride and the dilation, and a search
    // meets few of those: on AlexNet's CONV2, 433,012 calls had 13 distinct keys, and
    // listing and sorting the offsets was 3% of the search. So they are memoized.
    WindowKey key = k;
    key.ep = key.er = key.dp = key.dr = 0; // not the gaps' inputs
    const auto [closed, gaps] = memoized<(1u << 16)>(key, [&] {
      SiblingGaps g{}; // (every slot set, for the memo's copies)
      const bool c = gaps_from_offsets(k, g);
      return std::pair{c, g};
    });
    closed_ = closed;
    gaps_ = gaps;
  }
  if (closed_) {
    all_ = length_;
    for (int j = 0; j < gaps_.n; ++j)
      all_ += gaps_.count[j] * std::min(gaps_.gap[j], length_);
    return;
  }
  key_ = k;
  key_.dp = key_.dr = 0;
  ep_ = k.ep;
  er_ = k.er;
  holes_alone_ = k.np + k.nr == 0 && k.dilation == 1 && k.er < k.stride;
  if (k.np + k.nr == 0) {
    all_ = distinct_sums(k.ep, k.stride, k.er, k.dilation);
  } else if (contiguous_union(k.p_union, k.np, k.ep) && contiguous_union(k.r_union, k.nr, k.er)) {
    all_ = distinct_sums(k.ep * union_trips(k.p_union, k.np), k.stride,
                         k.er * union_trips(k.r_union, k.nr), k.dilation);
  } else {
    all_ = window_sizes_memo(key_).all;
  }
}

std::int64_t WindowUnion::kept_with_holes(std::int64_t dp, std::int64_t dr) const {
  if (holes_alone_) {
    // One window of ep blocks of er rows, `stride` apart (er < stride: holes between them);
    // with one sibling, the words kept are those of the shifted window in the old one. A
    // shift by delta = q*stride + rho (0 <= rho < stride) moves block j onto block j+q,
    // overlapping er - rho rows of it, and onto block j+q+1, overlapping rho + er - stride.
    const std::int64_t delta = dp * stride_ + dr;
    const std::int64_t q = delta >= 0 ? delta / stride_ : -((-delta + stride_ - 1) / stride_);
    const std::int64_t rho = delta - q * stride_;
    const auto blocks = [&](std::int64_t shift) {
      return std::max<std::int64_t>(0, ep_ - std::llabs(shift));
    };
    return blocks(q) * std::max<std::int64_t>(0, er_ - rho) +
           blocks(q + 1) * std::max<std::int64_t>(0, rho + er_ - stride_);
  }
  WindowKey k = key_;
  k.dp = dp;
  k.dr = dr;
  return window_sizes_memo(k).kept;
}

} // namespace tessel
