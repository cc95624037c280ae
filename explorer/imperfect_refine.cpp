#include "explorer/imperfect_refine.hpp"

#include "cost_model/analytical_model.hpp"

#include <algorithm>
#include <optional>

namespace tessel {

namespace {

// Where a loop sits in a mapping.
struct LoopRef {
  int level;
  bool spatial;
  std::size_t index;
  bool operator==(const LoopRef &) const = default;
};

std::vector<Loop> &loops_at(Mapping &m, const LoopRef &r) {
  return r.spatial ? m.levels[r.level].spatial : m.levels[r.level].temporal;
}
const std::vector<Loop> &loops_at(const Mapping &m, const LoopRef &r) {
  return r.spatial ? m.levels[r.level].spatial : m.levels[r.level].temporal;
}

// The loops of dimension d, outermost first (the order of the flattened nest).
std::vector<LoopRef> loops_of(const Mapping &m, Dim d) {
  std::vector<LoopRef> refs;
  for (int l = m.num_levels() - 1; l >= 0; --l) {
    for (std::size_t i = 0; i < m.levels[l].temporal.size(); ++i)
      if (m.levels[l].temporal[i].dim == d) refs.push_back({l, false, i});
    for (std::size_t i = 0; i < m.levels[l].spatial.size(); ++i)
      if (m.levels[l].spatial[i].dim == d) refs.push_back({l, true, i});
  }
  return refs;
}

// The instances a fanout axis of `level` has left beside its current spatial loops.
std::int64_t axis_room(const Mapping &m, const Architecture &a, int level, LoopKind axis) {
  const Fanout &f = a.levels[level].fanout;
  std::int64_t used = 1;
  for (const Loop &x : m.levels[level].spatial)
    if (x.kind == axis) used *= x.trip;
  return (axis == LoopKind::SpatialX ? f.x : f.y) / used;
}

// The second step of a move, after loop `changed` of d got its new trip: loop `absorber` of d
// gets the trip that covers the extent again, and loops of trip 1 are dropped.
Mapping cover_extent(Mapping m, const Problem &p, Dim d, const LoopRef &absorber) {
  std::int64_t others = 1;
  for (const LoopRef &r : loops_of(m, d))
    if (!(r == absorber)) others *= loops_at(m, r)[r.index].trip;
  loops_at(m, absorber)[absorber.index].trip = ceil_div(p.extent(d), others);
  for (LevelLoops &lv : m.levels)
    for (std::vector<Loop> *loops : {&lv.temporal, &lv.spatial})
      std::erase_if(*loops, [](const Loop &x) { return x.trip == 1; });
  return m;
}

// The trips worth trying for a loop whose dimension's other loops, the absorber aside, leave
// x values to cover: the absorber then takes ceil(x / v), and of the trips v that give it the
// same trip n, the least, ceil(x / n), guards off the fewest iterations. So v runs over the
// distinct values of ceil(x / n), descending: O(sqrt x) of them, not x.
std::vector<std::int64_t> useful_trips(std::int64_t x) {
  std::vector<std::int64_t> trips;
  for (std::int64_t n = 1;;) {
    const std::int64_t t = ceil_div(x, n);
    trips.push_back(t);
    if (t == 1) return trips;
    n = ceil_div(x, t - 1); // the least n with ceil(x / n) < t
  }
}

// Every move of loop `changed` of d (trip `current` in m, at most `most`): each other loop of d
// as the absorber, each useful trip.
template <typename F>
void for_each_move(const Mapping &m, const Problem &p, Dim d, const LoopRef &changed,
                   std::int64_t current, std::int64_t most, F &&consider) {
  const std::vector<LoopRef> loops = loops_of(m, d);
  for (const LoopRef &absorber : loops) {
    if (absorber == changed) continue;
    std::int64_t rest = 1;
    for (const LoopRef &r : loops)
      if (!(r == changed) && !(r == absorber)) rest *= loops_at(m, r)[r.index].trip;
    for (std::int64_t v : useful_trips(ceil_div(p.extent(d), rest))) {
      if (v > most || v == current) continue;
      Mapping moved = m;
      loops_at(moved, changed)[changed.index].trip = v;
      consider(cover_extent(std::move(moved), p, d, absorber));
    }
  }
}

} // namespace

RefineOutcome refine_imperfect(const Problem &p, const Architecture &a, const Mapping &start,
                               const std::vector<Objective> &objectives, const Constraints &c,
                               const std::function<bool()> &should_stop) {
  const std::vector<Objective> ordered = ranking_objectives(objectives);
  RefineOutcome out;
  out.mapping = start;
  out.values = objective_values(evaluate(p, a, start), ordered);
  for (;;) {
    std::optional<Mapping> best;
    std::vector<double> best_values = out.values;
    // Prices a candidate move's mapping, keeping it if it is the best of this round.
    const auto consider = [&](Mapping candidate) {
      if (out.stopped) return;
      if (should_stop()) {
        out.stopped = true;
        return;
      }
      try {
        validate(candidate, p, a);
        check_capacity(p, a, candidate);
      } catch (const UserError &) {
        return; // an illegal move (always-guarded iteration, fanout or capacity overflow)
      }
      if (!satisfies(candidate, c, a, p)) return;
      ++out.evaluated;
      std::vector<double> values =
          objective_values(price(p, a, candidate, analytical_counts(p, a, candidate)), ordered);
      if (values < best_values) {
        best = std::move(candidate);
        best_values = std::move(values);
      }
    };
    const Mapping &m = out.mapping;
    for (Dim d : kAllDims) {
      const std::int64_t extent = p.extent(d);
      if (extent == 1) continue;
      // A new trip for each loop of d.
      for (const LoopRef &r : loops_of(m, d)) {
        const Loop loop = loops_at(m, r)[r.index];
        const std::int64_t most =
            r.spatial ? std::min(extent, axis_room(m, a, r.level, loop.kind) * loop.trip) : extent;
        for_each_move(m, p, d, r, loop.trip, most, consider);
      }
      // A new spatial loop of d on each fanout axis that has none.
      for (int l = 0; l < m.num_levels(); ++l) {
        if (a.levels[l].fanout.size() == 1) continue;
        for (LoopKind axis : {LoopKind::SpatialX, LoopKind::SpatialY}) {
          const std::vector<Loop> &spatial = m.levels[l].spatial;
          if (std::any_of(spatial.begin(), spatial.end(),
                          [&](const Loop &x) { return x.dim == d && x.kind == axis; }))
            continue;
          // x loops come first, then y loops: a new one goes last among its axis's.
          const std::size_t at =
              axis == LoopKind::SpatialY
                  ? spatial.size()
                  : static_cast<std::size_t>(
                        std::count_if(spatial.begin(), spatial.end(),
                                      [](const Loop &x) { return x.kind == LoopKind::SpatialX; }));
          Mapping with_loop = m; // the new loop with trip 1 until a move sets it
          std::vector<Loop> &s = with_loop.levels[l].spatial;
          s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), Loop{d, 1, axis});
          for_each_move(with_loop, p, d, LoopRef{l, true, at}, 1,
                        std::min(extent, axis_room(m, a, l, axis)), consider);
        }
      }
    }
    if (best) {
      out.mapping = std::move(*best);
      out.values = std::move(best_values);
      ++out.steps;
    }
    if (!best || out.stopped) break;
  }
  return out;
}

void refine_result(const Problem &p, const Architecture &a, const ExploreOptions &opt,
                   ExploreResult &r, const std::function<bool()> &should_stop) {
  r.stats.optimal = false;
  if (!r.found || should_stop()) return;
  const RefineOutcome refined =
      refine_imperfect(p, a, r.mapping, opt.objectives, opt.constraints, should_stop);
  r.stats.evaluated += refined.evaluated;
  r.stats.valid += refined.evaluated;
  r.stats.imperfect_steps = refined.steps;
  if (refined.steps == 0) return;
  r.mapping = refined.mapping;
  r.evaluation = evaluate(p, a, r.mapping);
  r.objective_values = objective_values(r.evaluation, opt.objectives);
}

} // namespace tessel
