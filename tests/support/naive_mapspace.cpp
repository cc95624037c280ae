#include "support/naive_mapspace.hpp"

#include <algorithm>

namespace tessel::test {

namespace {

std::vector<std::int64_t> divs(std::int64_t n) {
  std::vector<std::int64_t> d;
  for (std::int64_t i = 1; i <= n; ++i)
    if (n % i == 0) d.push_back(i);
  return d;
}

} // namespace

void enumerate_mapspace(const Problem &p, const Architecture &a, const std::vector<Dim> *x_dims,
                        const std::function<void(const Mapping &)> &visit) {
  const int L = a.num_levels();
  Mapping m;
  m.levels.resize(L);
  // Per level from the outside: spatial (per dimension fx, fy), then temporal trips, with
  // the rest going inward; level 0 takes all that is left.
  std::function<void(int, DimArray<std::int64_t>)> level_rec;
  std::function<void(int, int, DimArray<std::int64_t>, std::int64_t, std::int64_t)> spatial_rec;
  std::function<void(int, int, DimArray<std::int64_t>, DimArray<std::int64_t>)> temporal_rec;
  temporal_rec = [&](int l, int di, DimArray<std::int64_t> left, DimArray<std::int64_t> trips) {
    if (di == kNumDims) {
      std::vector<Dim> dims;
      for (Dim d : kAllDims)
        if (trips[idx(d)] > 1) dims.push_back(d);
      do {
        m.levels[l].temporal.clear();
        for (Dim d : dims)
          m.levels[l].temporal.push_back({d, trips[idx(d)]});
        if (l == 0)
          visit(m);
        else
          level_rec(l - 1, left);
      } while (std::next_permutation(dims.begin(), dims.end()));
      return;
    }
    const Dim d = kAllDims[di];
    for (std::int64_t t : divs(left[idx(d)])) {
      if (l == 0 && t != left[idx(d)]) continue;
      auto next = left;
      next[idx(d)] /= t;
      auto tr = trips;
      tr[idx(d)] = t;
      temporal_rec(l, di + 1, next, tr);
    }
  };
  spatial_rec = [&](int l, int di, DimArray<std::int64_t> left, std::int64_t xl, std::int64_t yl) {
    if (di == kNumDims) {
      DimArray<std::int64_t> none{};
      temporal_rec(l, 0, left, none);
      return;
    }
    const Dim d = kAllDims[di];
    const std::size_t mark = m.levels[l].spatial.size();
    for (std::int64_t fx : divs(left[idx(d)])) {
      if (fx > xl) continue;
      if (fx > 1 && x_dims && std::find(x_dims->begin(), x_dims->end(), d) == x_dims->end())
        continue;
      for (std::int64_t fy : divs(left[idx(d)] / fx)) {
        if (fy > yl) continue;
        m.levels[l].spatial.resize(mark);
        if (fx > 1) m.levels[l].spatial.push_back({d, fx, LoopKind::SpatialX});
        if (fy > 1) m.levels[l].spatial.push_back({d, fy, LoopKind::SpatialY});
        auto next = left;
        next[idx(d)] /= fx * fy;
        spatial_rec(l, di + 1, next, xl / fx, yl / fy);
      }
    }
    m.levels[l].spatial.resize(mark);
  };
  level_rec = [&](int l, DimArray<std::int64_t> left) {
    m.levels[l].spatial.clear();
    spatial_rec(l, 0, left, a.levels[l].fanout.x, a.levels[l].fanout.y);
  };
  level_rec(L - 1, p.size);
}

} // namespace tessel::test
