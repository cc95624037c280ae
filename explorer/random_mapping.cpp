#include "explorer/random_mapping.hpp"

#include "cost_model/evaluation.hpp"
#include "explorer/mapspace.hpp"

#include <algorithm>

namespace tessel {

namespace {

std::int64_t pick(const std::vector<std::int64_t> &v, std::mt19937_64 &rng) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

// One attempt: per level from the outside, random spatial trips per axis, a random tile
// below, a random order; the innermost level takes what is left.
Mapping attempt(const Problem &p, const Architecture &a, std::mt19937_64 &rng) {
  Mapping m;
  m.levels.resize(a.num_levels());
  DimArray<std::int64_t> left = p.size;
  for (int l = a.num_levels() - 1; l >= 0; --l) {
    const Fanout &f = a.levels[l].fanout;
    std::int64_t x_left = f.x, y_left = f.y;
    std::vector<Dim> dims(kAllDims.begin(), kAllDims.end());
    std::shuffle(dims.begin(), dims.end(), rng);
    for (Dim d : dims) {
      for (auto [axis, room] :
           {std::pair{LoopKind::SpatialX, &x_left}, {LoopKind::SpatialY, &y_left}}) {
        std::vector<std::int64_t> fit;
        for (std::int64_t t : divisors(left[idx(d)]))
          if (t <= *room) fit.push_back(t);
        const std::int64_t t = pick(fit, rng);
        if (t > 1) {
          m.levels[l].spatial.push_back({d, t, axis});
          *room /= t;
          left[idx(d)] /= t;
        }
      }
    }
    for (Dim d : kAllDims) {
      const std::int64_t t = l == 0 ? left[idx(d)] : pick(divisors(left[idx(d)]), rng);
      left[idx(d)] /= t;
      if (t > 1) m.levels[l].temporal.push_back({d, t});
    }
    std::shuffle(m.levels[l].temporal.begin(), m.levels[l].temporal.end(), rng);
  }
  return m;
}

} // namespace

std::optional<Mapping> random_mapping(const Problem &p, const Architecture &a, std::mt19937_64 &rng,
                                      int tries) {
  for (int i = 0; i < tries; ++i) {
    Mapping m = attempt(p, a, rng);
    try {
      validate(m, p, a);
      check_capacity(p, a, m);
      return m;
    } catch (const UserError &) {
    }
  }
  return std::nullopt;
}

} // namespace tessel
