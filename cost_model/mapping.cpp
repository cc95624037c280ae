#include "cost_model/mapping.hpp"

namespace tessel {

std::vector<PlacedLoop> flatten(const Mapping &m) {
  std::vector<PlacedLoop> nest;
  for (int l = m.num_levels() - 1; l >= 0; --l) {
    for (const Loop &x : m.levels[l].temporal)
      nest.push_back({x, l, 1});
    for (const Loop &x : m.levels[l].spatial)
      nest.push_back({x, l, 1});
  }
  // Strides: walk from the innermost loop outward, accumulating per-dimension products.
  DimArray<std::int64_t> inner{};
  inner.fill(1);
  for (auto it = nest.rbegin(); it != nest.rend(); ++it) {
    it->stride = inner[idx(it->loop.dim)];
    inner[idx(it->loop.dim)] *= it->loop.trip;
  }
  return nest;
}

std::int64_t tile_extent(const Mapping &m, int level, Dim d) {
  std::int64_t e = 1;
  for (int l = 0; l <= level; ++l) {
    for (const Loop &x : m.levels[l].temporal)
      if (x.dim == d) e *= x.trip;
    for (const Loop &x : m.levels[l].spatial)
      if (x.dim == d) e *= x.trip;
  }
  return e;
}

std::int64_t total_trips(const Mapping &m, Dim d) { return tile_extent(m, m.num_levels() - 1, d); }

bool is_perfect(const Mapping &m, const Problem &p) {
  DimArray<std::int64_t> total;
  total.fill(1);
  for (const LevelLoops &l : m.levels) {
    for (const Loop &x : l.temporal)
      total[idx(x.dim)] *= x.trip;
    for (const Loop &x : l.spatial)
      total[idx(x.dim)] *= x.trip;
  }
  return total == p.size;
}

namespace {

std::string describe(const Loop &x) {
  return std::string(dim_name(x.dim)) + " " + std::to_string(x.trip);
}

} // namespace

void validate(const Mapping &m, const Problem &p, const Architecture &a, const std::string &where) {
  if (m.num_levels() != a.num_levels())
    user_error(where + ".levels", "has " + std::to_string(m.num_levels()) +
                                      " levels but the architecture '" + a.name + "' has " +
                                      std::to_string(a.num_levels()));
  for (int l = 0; l < m.num_levels(); ++l) {
    const std::string at = where + ".levels[" + a.levels[l].name + "]";
    for (std::size_t i = 0; i < m.levels[l].temporal.size(); ++i) {
      const Loop &x = m.levels[l].temporal[i];
      if (x.trip < 1)
        user_error(at + ".temporal[" + std::to_string(i) + "]",
                   "trip count must be positive, got " + describe(x));
      if (x.kind != LoopKind::Temporal)
        user_error(at + ".temporal[" + std::to_string(i) + "]", "is marked spatial");
    }
    std::int64_t used_x = 1, used_y = 1;
    for (std::size_t i = 0; i < m.levels[l].spatial.size(); ++i) {
      const Loop &x = m.levels[l].spatial[i];
      const std::string field = at + ".spatial[" + std::to_string(i) + "]";
      if (x.trip < 1) user_error(field, "trip count must be positive, got " + describe(x));
      if (x.kind == LoopKind::SpatialX)
        used_x *= x.trip;
      else if (x.kind == LoopKind::SpatialY)
        used_y *= x.trip;
      else
        user_error(field, "a spatial loop needs the axis \"x\" or \"y\"");
    }
    const Fanout &f = a.levels[l].fanout;
    if (used_x > f.x || used_y > f.y)
      user_error(at + ".spatial", "spatial loops use " + std::to_string(used_x) + "x" +
                                      std::to_string(used_y) + " instances but level '" +
                                      a.levels[l].name + "' has a " + std::to_string(f.x) + "x" +
                                      std::to_string(f.y) + " fanout");
  }
  if (!m.bypass.empty() && static_cast<int>(m.bypass.size()) != a.num_levels())
    user_error(where + ".bypass", "must have one entry per level");
  for (Operand o : kAllOperands)
    if (m.bypasses(a.num_levels() - 1, o))
      user_error(where + ".bypass." + a.levels.back().name,
                 "the outermost level cannot be bypassed (operand " + std::string(operand_name(o)) +
                     ")");
  for (Dim d : kAllDims) {
    const std::int64_t total = total_trips(m, d);
    if (total < p.extent(d))
      user_error(where, "the trips of dimension " + std::string(dim_name(d)) + " multiply to " +
                            std::to_string(total) + ", less than its extent " +
                            std::to_string(p.extent(d)));
  }
  for (const PlacedLoop &pl : flatten(m)) {
    const std::int64_t extent = p.extent(pl.loop.dim);
    if ((pl.loop.trip - 1) * pl.stride >= extent)
      user_error(where + ".levels[" + a.levels[pl.level].name + "]",
                 "loop " + describe(pl.loop) + " (stride " + std::to_string(pl.stride) +
                     ") has iterations entirely past the extent " + std::to_string(extent) +
                     " of " + std::string(dim_name(pl.loop.dim)) + "; use a trip of at most " +
                     std::to_string(ceil_div(extent, pl.stride)));
  }
}

} // namespace tessel
