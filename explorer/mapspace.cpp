#include "explorer/mapspace.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

namespace tessel {

void validate(const Constraints &c, const Architecture &a, const std::string &where) {
  const auto check_level = [&](const std::string &field, const std::string &name) {
    if (a.level_index(name) < 0)
      user_error(where + "." + field + "." + name,
                 "unknown level '" + name + "' of architecture '" + a.name + "'");
  };
  for (const auto &[name, dims] : c.spatial_x)
    check_level("spatial_x", name);
  for (const auto &[name, dims] : c.spatial_y)
    check_level("spatial_y", name);
  for (const auto &[name, dims] : c.loop_order)
    check_level("loop_order", name);
  for (const auto &[name, factors] : c.temporal_factor) {
    check_level("temporal_factor", name);
    for (const auto &[d, f] : factors)
      if (f < 1)
        user_error(where + ".temporal_factor." + name + "." + std::string(dim_name(d)),
                   "must be a positive integer, got " + std::to_string(f));
  }
  if (!(c.min_utilization >= 0 && c.min_utilization <= 1)) // (NaN too)
    user_error(where + ".min_utilization",
               "must be between 0 and 1, got " + std::to_string(c.min_utilization));
}

bool satisfies(const Mapping &m, const Constraints &c, const Architecture &a, const Problem &p) {
  (void)p;
  std::int64_t used = 1;
  for (int l = 0; l < a.num_levels(); ++l) {
    const std::string &name = a.levels[l].name;
    for (const Loop &x : m.levels[l].spatial) {
      used *= x.trip;
      const auto &allowed = x.kind == LoopKind::SpatialX ? c.spatial_x : c.spatial_y;
      const auto it = allowed.find(name);
      if (it != allowed.end() &&
          std::find(it->second.begin(), it->second.end(), x.dim) == it->second.end())
        return false;
    }
    if (const auto it = c.loop_order.find(name); it != c.loop_order.end()) {
      std::vector<Dim> listed;
      for (const Loop &x : m.levels[l].temporal)
        if (std::find(it->second.begin(), it->second.end(), x.dim) != it->second.end())
          listed.push_back(x.dim);
      std::vector<Dim> expected;
      for (Dim d : it->second)
        if (std::find(listed.begin(), listed.end(), d) != listed.end()) expected.push_back(d);
      if (listed != expected) return false;
    }
    if (const auto it = c.temporal_factor.find(name); it != c.temporal_factor.end())
      for (const auto &[d, f] : it->second) {
        std::int64_t trip = 1;
        for (const Loop &x : m.levels[l].temporal)
          if (x.dim == d) trip *= x.trip;
        if (trip != f) return false;
      }
  }
  return static_cast<double>(used) >= c.min_utilization * static_cast<double>(a.num_pes());
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> small, large;
  for (std::int64_t i = 1; i * i <= n; ++i)
    if (n % i == 0) {
      small.push_back(i);
      if (i != n / i) large.push_back(n / i);
    }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

namespace {

// The loops after the innermost loop relevant to an operand, and whether there is one.
// W and O: as a set (bitmask); I: as a sequence, after the innermost loop that refreshes
// the whole input tile (N, C or G); window loops (P, Q, R, S) and K may follow it. Packed
// into one integer (9 bits each for W and O, then I's flag, its sequence's length in 4 bits
// and its dimensions in 3 bits each: 47 bits): the classes of all 256 dimension sets take
// 109,601 permutations, and a signature built in a vector cost most of that.
std::uint64_t order_signature(const std::vector<Dim> &order) {
  const int n = static_cast<int>(order.size());
  std::uint64_t sig = 0;
  for (Operand o : {Operand::W, Operand::O}) {
    int last = -1;
    for (int i = 0; i < n; ++i)
      if (relevant(o, order[i])) last = i;
    std::uint64_t set = 0;
    for (int i = last + 1; i < n; ++i)
      set |= 1u << idx(order[i]);
    sig = sig << 9 | std::uint64_t{last >= 0} << 8 | set;
  }
  int last = -1;
  for (int i = 0; i < n; ++i)
    if (order[i] == Dim::N || order[i] == Dim::C || order[i] == Dim::G) last = i;
  sig = sig << 1 | std::uint64_t{last >= 0};
  sig = sig << 4 | static_cast<std::uint64_t>(n - 1 - last);
  for (int i = last + 1; i < n; ++i)
    sig = sig << 3 | static_cast<std::uint64_t>(idx(order[i]));
  return sig << 3 * (kNumDims - (n - 1 - last)); // the sequence's unused slots: zero
}

std::vector<std::vector<Dim>> compute_order_classes(std::uint32_t mask) {
  std::vector<Dim> dims;
  for (Dim d : kAllDims)
    if (mask >> idx(d) & 1) dims.push_back(d);
  std::vector<std::vector<Dim>> classes;
  std::unordered_set<std::uint64_t> seen;
  do {
    if (seen.insert(order_signature(dims)).second) classes.push_back(dims);
  } while (std::next_permutation(dims.begin(), dims.end()));
  return classes;
}

} // namespace

const std::vector<std::vector<Dim>> &order_classes(std::uint32_t dim_mask) {
  // Each set's classes are listed on first use: all 256 at once took 10 ms, which every
  // thread of the first search waited for, and a search meets only a few sets.
  static std::array<std::vector<std::vector<Dim>>, 1u << kNumDims> classes;
  static std::array<std::once_flag, 1u << kNumDims> listed;
  const std::uint32_t m = dim_mask & ((1u << kNumDims) - 1);
  std::call_once(listed[m], [m] { classes[m] = compute_order_classes(m); });
  return classes[m];
}

std::vector<std::vector<Dim>> order_classes(std::uint32_t dim_mask,
                                            const std::vector<Dim> &required) {
  std::vector<Dim> dims, expected;
  for (Dim d : kAllDims)
    if (dim_mask >> idx(d) & 1) dims.push_back(d);
  for (Dim d : required)
    if (dim_mask >> idx(d) & 1) expected.push_back(d);
  std::vector<std::vector<Dim>> classes;
  std::unordered_set<std::uint64_t> seen;
  do {
    std::vector<Dim> listed;
    for (Dim d : dims)
      if (std::find(expected.begin(), expected.end(), d) != expected.end()) listed.push_back(d);
    if (listed == expected && seen.insert(order_signature(dims)).second) classes.push_back(dims);
  } while (std::next_permutation(dims.begin(), dims.end()));
  return classes;
}

namespace {

bool allowed(const std::vector<Dim> *list, Dim d) {
  return list == nullptr || std::find(list->begin(), list->end(), d) != list->end();
}

// The enumeration of spatial_choices: per dimension in order, its x trip then its y trip,
// each over the divisors of what is left, ascending.
struct SpatialEnumeration {
  const DimArray<std::int64_t> &left;
  const std::vector<Dim> *ax, *ay;
  const std::atomic<bool> *stop;
  std::vector<SpatialChoice> &out;
  DimArray<std::vector<std::int64_t>> divisors_of_left; // listed once, not per branch
  SpatialChoice current;
  std::vector<Loop> y_loops;

  void run(int dim_index, std::int64_t x_left, std::int64_t y_left) {
    if (stop && stop->load(std::memory_order_relaxed)) return;
    if (dim_index == kNumDims) {
      SpatialChoice c = current;
      c.loops.insert(c.loops.end(), y_loops.begin(), y_loops.end());
      out.push_back(std::move(c));
      return;
    }
    const Dim d = kAllDims[dim_index];
    const std::vector<std::int64_t> &divs = divisors_of_left[idx(d)];
    for (std::int64_t fx : divs) {
      if (fx > x_left) break;
      if (fx > 1 && !allowed(ax, d)) break;
      const std::int64_t rest = left[idx(d)] / fx;
      for (std::int64_t fy : divs) { // the divisors of rest are those of left that divide it
        if (fy > y_left || fy > rest) break;
        if (rest % fy != 0) continue;
        if (fy > 1 && !allowed(ay, d)) break;
        if (fx > 1) current.loops.push_back({d, fx, LoopKind::SpatialX});
        if (fy > 1) y_loops.push_back({d, fy, LoopKind::SpatialY});
        current.factor[idx(d)] = fx * fy;
        current.used *= fx * fy;
        run(dim_index + 1, x_left / fx, y_left / fy);
        current.used /= fx * fy;
        current.factor[idx(d)] = 1;
        if (fy > 1) y_loops.pop_back();
        if (fx > 1) current.loops.pop_back();
      }
    }
  }
};

// distinct_spatial_choices without walking every placement. spatial_choices' walk met each
// factor vector 5.4 times on AlexNet's CONV2 (604,686 placements for 112,657 vectors kept),
// and listing the distinct ones took 3-5% of the explorer's instructions on AlexNet's conv
// layers; this way takes 30% fewer. Three steps:
//   1. find: the factor vectors that have a placement, dimension by dimension; each prefix
//      keeps the (x, y) products its placements reach, and a factor is kept if some split
//      of it still fits beside one of them;
//   2. place: each vector's first placement in spatial_choices' order, by that walk over
//      the vector's own factors only, ending at its first complete placement;
//   3. the vectors in the order of those placements, which is spatial_choices' order.
struct DistinctEnumeration {
  std::int64_t x, y;
  const std::atomic<bool> *stop;
  DimArray<std::vector<std::int64_t>> divisors_of_left;
  // splits[d][k]: the (x trip, y trip) pairs the axes allow for the k-th divisor f of
  // left[d], x trip ascending, each multiplying to f.
  DimArray<std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>> splits;
  // reach[i]: the (x, y) products the placements of the factors of the dimensions before i
  // reach, without repeats.
  std::array<std::vector<std::pair<std::int64_t, std::int64_t>>, kNumDims + 1> reach;
  DimArray<std::size_t> factor_index; // into divisors_of_left
  std::vector<DimArray<std::size_t>> found;

  void find(int dim_index, const std::vector<std::pair<std::int64_t, std::int64_t>> &from) {
    if (stop && stop->load(std::memory_order_relaxed)) return;
    if (dim_index == kNumDims) {
      found.push_back(factor_index);
      return;
    }
    const Dim d = kAllDims[dim_index];
    factor_index[idx(d)] = 0;
    // left[d] is 1: nothing to split (8% of the listing's instructions on CONV2's tiles).
    if (splits[idx(d)].size() == 1) return find(dim_index + 1, from);
    std::vector<std::pair<std::int64_t, std::int64_t>> &to =
        reach[static_cast<std::size_t>(dim_index) + 1];
    for (std::size_t k = 0; k < splits[idx(d)].size(); ++k) {
      to.clear();
      for (const auto &[fx, fy] : splits[idx(d)][k])
        for (const auto &[px, py] : from)
          if (px * fx <= x && py * fy <= y) to.emplace_back(px * fx, py * fy);
      if (to.empty()) continue;
      std::sort(to.begin(), to.end());
      to.erase(std::unique(to.begin(), to.end()), to.end());
      factor_index[idx(d)] = k;
      find(dim_index + 1, to);
    }
  }

  // The first placement of the factors `f` (indices into divisors_of_left) in
  // spatial_choices' order, as its x trips (trips[2i]) and y trips (trips[2i + 1]) per
  // dimension; false if they have none from here.
  bool place(const DimArray<std::size_t> &f, int dim_index, std::int64_t x_used,
             std::int64_t y_used, std::array<std::int64_t, 2 * kNumDims> &trips) const {
    if (dim_index == kNumDims) return true;
    const Dim d = kAllDims[dim_index];
    const std::size_t i = static_cast<std::size_t>(dim_index);
    for (const auto &[fx, fy] : splits[idx(d)][f[idx(d)]]) {
      if (x_used * fx > x || y_used * fy > y) continue;
      trips[2 * i] = fx;
      trips[2 * i + 1] = fy;
      if (place(f, dim_index + 1, x_used * fx, y_used * fy, trips)) return true;
    }
    return false;
  }
};

} // namespace

std::vector<SpatialChoice> spatial_choices(const DimArray<std::int64_t> &left, std::int64_t x,
                                           std::int64_t y, const std::vector<Dim> *allowed_x,
                                           const std::vector<Dim> *allowed_y,
                                           const std::atomic<bool> *stop) {
  std::vector<SpatialChoice> out;
  SpatialEnumeration e{left, allowed_x, allowed_y, stop, out, {}, {}, {}};
  for (Dim d : kAllDims)
    e.divisors_of_left[idx(d)] = divisors(left[idx(d)]);
  e.current.factor.fill(1);
  e.run(0, x, y);
  return out;
}

std::vector<SpatialChoice> distinct_spatial_choices(const DimArray<std::int64_t> &left,
                                                    std::int64_t x, std::int64_t y,
                                                    const std::vector<Dim> *allowed_x,
                                                    const std::vector<Dim> *allowed_y,
                                                    const std::atomic<bool> *stop) {
  DistinctEnumeration e{x, y, stop, {}, {}, {}, {}, {}};
  for (Dim d : kAllDims) {
    const bool on_x = allowed(allowed_x, d), on_y = allowed(allowed_y, d);
    const std::vector<std::int64_t> divs = divisors(left[idx(d)]);
    e.divisors_of_left[idx(d)] = divs;
    for (std::int64_t f : divs) {
      auto &pairs = e.splits[idx(d)].emplace_back();
      for (std::int64_t fx : divs) // the divisors of f are those of left that divide it
        if (fx <= f && f % fx == 0 && (fx == 1 || on_x) && (f / fx == 1 || on_y))
          pairs.emplace_back(fx, f / fx);
    }
  }
  e.reach[0] = {{1, 1}};
  e.find(0, e.reach[0]);
  // Each vector's placement: spatial_choices' walk meets the vectors in the order of these.
  std::vector<std::array<std::int64_t, 2 * kNumDims>> trips(e.found.size());
  std::vector<std::size_t> order(e.found.size());
  for (std::size_t k = 0; k < e.found.size(); ++k) {
    order[k] = k;
    if (!e.place(e.found[k], 0, 1, 1, trips[k])) // find keeps only vectors that have one
      throw std::logic_error("distinct_spatial_choices: a factor vector without a placement");
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return trips[a] < trips[b]; });
  std::vector<SpatialChoice> out(order.size());
  for (std::size_t j = 0; j < order.size(); ++j) {
    const auto &t = trips[order[j]];
    SpatialChoice &c = out[j];
    for (Dim d : kAllDims)
      c.factor[idx(d)] = e.divisors_of_left[idx(d)][e.found[order[j]][idx(d)]];
    c.loops.reserve(static_cast<std::size_t>(
        std::count_if(t.begin(), t.end(), [](std::int64_t v) { return v > 1; })));
    for (Dim d : kAllDims) { // x loops, then y loops
      c.used *= c.factor[idx(d)];
      if (t[2 * idx(d)] > 1) c.loops.push_back({d, t[2 * idx(d)], LoopKind::SpatialX});
    }
    for (Dim d : kAllDims)
      if (t[2 * idx(d) + 1] > 1) c.loops.push_back({d, t[2 * idx(d) + 1], LoopKind::SpatialY});
  }
  return out;
}

} // namespace tessel
