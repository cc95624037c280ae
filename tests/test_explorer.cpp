// The explorer against a naive enumeration of its whole mapspace on small problems. The
// enumeration shares no code with the search: it tries every factor split, every spatial
// placement and every permutation of each level's loops (not just one order per class),
// and prices each complete mapping with tessel::evaluate.
#include "cost_model/evaluation.hpp"
#include "explorer/search.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/dataflows.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>

using namespace tessel;

namespace {

Architecture small_arch(bool multicast, bool reduction) {
  Architecture a;
  a.name = "small";
  Level rf;
  rf.name = "RF";
  rf.capacity_words = 12;
  rf.read_pj = rf.write_pj = 1;
  Level gb;
  gb.name = "GB";
  gb.capacity_words = 96;
  gb.read_pj = gb.write_pj = 6;
  gb.fanout = {2, 2, multicast, reduction, 2.0};
  Level dram;
  dram.name = "DRAM";
  dram.read_pj = dram.write_pj = 200;
  a.levels = {rf, gb, dram};
  return a;
}

Problem small_conv(std::int64_t k, std::int64_t c, std::int64_t p, std::int64_t r,
                   std::int64_t stride) {
  Problem x;
  x.size[idx(Dim::K)] = k;
  x.size[idx(Dim::C)] = c;
  x.size[idx(Dim::P)] = p;
  x.size[idx(Dim::Q)] = 2;
  x.size[idx(Dim::R)] = r;
  x.stride_h = stride;
  return x;
}

std::vector<std::int64_t> divs(std::int64_t n) {
  std::vector<std::int64_t> d;
  for (std::int64_t i = 1; i <= n; ++i)
    if (n % i == 0) d.push_back(i);
  return d;
}

// Calls visit(mapping) for every mapping of the mapspace, all permutations included.
void enumerate_all(const Problem &p, const Architecture &a, const std::vector<Dim> *x_dims,
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

struct Naive {
  std::vector<double> best;
  std::int64_t mappings = 0;
};

Naive naive_optimum(const Problem &p, const Architecture &a, const std::vector<Objective> &obj,
                    const std::vector<Dim> *x_dims, double min_util) {
  Naive n;
  enumerate_all(p, a, x_dims, [&](const Mapping &m) {
    try {
      check_capacity(p, a, m);
    } catch (const UserError &) {
      return;
    }
    const Evaluation e = evaluate(p, a, m);
    if (static_cast<double>(e.used_pes) < min_util * static_cast<double>(e.pes)) return;
    ++n.mappings;
    const std::vector<double> v = objective_values(e, obj);
    if (n.best.empty() || v < n.best) n.best = v;
  });
  return n;
}

} // namespace

TEST_CASE("explorer optimum equals a naive enumeration of the mapspace", "[correctness]") {
  struct Case {
    Problem problem;
    bool multicast, reduction;
  };
  const std::vector<Case> cases = {{small_conv(4, 2, 3, 2, 1), true, true},
                                   {small_conv(2, 4, 2, 3, 1), false, true},
                                   {small_conv(4, 2, 2, 2, 2), true, false},
                                   {small_conv(6, 1, 2, 3, 1), false, false}};
  const std::vector<std::vector<Objective>> objectives = {
      {Objective::Energy}, {Objective::Cycles, Objective::Energy}, {Objective::Edp}};
  for (const Case &c : cases) {
    const Architecture a = small_arch(c.multicast, c.reduction);
    for (const auto &obj : objectives) {
      const Naive naive = naive_optimum(c.problem, a, obj, nullptr, 0);
      REQUIRE(naive.mappings > 0);
      ExploreOptions opt;
      opt.objectives = obj;
      opt.threads = 2;
      const ExploreResult r = explore(c.problem, a, opt);
      REQUIRE(r.found);
      CHECK(r.stats.optimal);
      INFO("objective " << objective_name(obj[0]) << ", naive mappings " << naive.mappings);
      REQUIRE(r.objective_values.size() == naive.best.size());
      for (std::size_t i = 0; i < naive.best.size(); ++i)
        CHECK(r.objective_values[i] == Approx(naive.best[i]).epsilon(1e-12));
      // The reported mapping re-evaluates to the reported numbers.
      CHECK(evaluate(c.problem, a, r.mapping).energy_pj == r.evaluation.energy_pj);
    }
  }
}

TEST_CASE("explorer honours spatial constraints and minimum utilization", "[correctness]") {
  const Problem p = small_conv(4, 2, 3, 2, 1);
  const Architecture a = small_arch(true, true);
  const std::vector<Dim> x_dims = {Dim::K};
  const Naive naive = naive_optimum(p, a, {Objective::Energy}, &x_dims, 0.5);
  ExploreOptions opt;
  opt.constraints.spatial_x["GB"] = x_dims;
  opt.constraints.min_utilization = 0.5;
  const ExploreResult r = explore(p, a, opt);
  REQUIRE(r.found);
  CHECK(r.objective_values[0] == Approx(naive.best[0]).epsilon(1e-12));
  for (const Loop &l : r.mapping.levels[1].spatial)
    if (l.kind == LoopKind::SpatialX) CHECK(l.dim == Dim::K);
  CHECK(r.evaluation.used_pes * 2 >= r.evaluation.pes);
}

TEST_CASE("explorer is deterministic across thread counts", "[correctness]") {
  const Problem p = small_conv(4, 4, 3, 2, 1);
  const Architecture a = small_arch(true, true);
  ExploreOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const ExploreResult r1 = explore(p, a, one), r2 = explore(p, a, two), r3 = explore(p, a, two);
  CHECK(r1.mapping == r2.mapping);
  CHECK(r2.mapping == r3.mapping);
}

TEST_CASE("explorer's optimum is never above a named dataflow's mapping", "[correctness]") {
  const Architecture a = builtin_architecture("eyeriss");
  for (const Problem &p : {small_conv(8, 4, 4, 3, 1), small_conv(6, 8, 3, 3, 2)}) {
    ExploreOptions opt;
    const ExploreResult best = explore(p, a, opt);
    REQUIRE(best.found);
    REQUIRE(best.stats.optimal);
    for (const std::string &name : dataflow_names()) {
      INFO("dataflow " << name);
      const Evaluation e = evaluate(p, a, dataflow_mapping(name, p, a));
      CHECK(best.evaluation.energy_pj <= e.energy_pj);
    }
  }
}

// Every cut must be sound: started with the naive optimum as its incumbent bound and no
// random incumbents, the search must still reach a mapping of that cost. Problems and
// energies vary so that loop orders at every level matter.
TEST_CASE("explorer's cuts are sound at the tightest incumbent", "[correctness]") {
  std::mt19937_64 rng(7);
  const auto pick = [&](std::vector<std::int64_t> v) { return v[rng() % v.size()]; };
  for (int i = 0; i < 5; ++i) {
    Problem p = small_conv(pick({2, 4, 6}), pick({1, 2, 4}), pick({2, 3, 4}), pick({1, 2, 3}),
                           pick({1, 2}));
    p.size[idx(Dim::N)] = pick({1, 2});
    Architecture a = small_arch(rng() % 2 == 0, rng() % 2 == 0);
    a.levels[0].read_pj = static_cast<double>(pick({1, 2}));
    a.levels[1].read_pj = static_cast<double>(pick({3, 6, 12}));
    a.levels[1].write_pj = static_cast<double>(pick({3, 6, 12}));
    a.levels[2].read_pj = static_cast<double>(pick({50, 200}));
    a.levels[1].capacity_words = pick({32, 64, 96});
    const Naive naive = naive_optimum(p, a, {Objective::Energy}, nullptr, 0);
    if (naive.mappings == 0) continue;
    INFO("case " << i << ": K" << p.size[idx(Dim::K)] << " C" << p.size[idx(Dim::C)] << " P"
                 << p.size[idx(Dim::P)] << " R" << p.size[idx(Dim::R)] << " N"
                 << p.size[idx(Dim::N)] << " stride " << p.stride_h);
    ExploreOptions opt;
    opt.threads = 1;
    opt.random_incumbents = 0;
    opt.upper_bound = naive.best[0];
    const ExploreResult r = explore(p, a, opt);
    CHECK(r.stats.optimal);
    REQUIRE(r.found);
    CHECK(r.objective_values[0] == Approx(naive.best[0]).epsilon(1e-12));
  }
}
