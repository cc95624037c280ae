// The explorer against a naive enumeration of its whole mapspace on small problems
// (tests/support/naive_mapspace.hpp), each complete mapping priced with tessel::evaluate.
#include "cost_model/evaluation.hpp"
#include "explorer/search.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/dataflows.hpp"
#include "support/naive_mapspace.hpp"
#include "support/small_cases.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <set>
#include <sstream>

using namespace tessel;

namespace {

Architecture small_arch(bool multicast, bool reduction) {
  return test::three_level_arch(12, 96, {2, 2, multicast, reduction, 2.0});
}

Problem small_conv(std::int64_t k, std::int64_t c, std::int64_t p, std::int64_t r,
                   std::int64_t stride) {
  Problem x = test::small_conv(k, c, p, 2, r);
  x.stride_h = stride;
  return x;
}

struct Naive {
  std::vector<double> best;
  std::int64_t mappings = 0;
};

Naive naive_optimum(const Problem &p, const Architecture &a, const std::vector<Objective> &obj,
                    const std::vector<Dim> *x_dims, double min_util) {
  Naive n;
  test::enumerate_mapspace(p, a, x_dims, [&](const Mapping &m) {
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

// The search's optimum for these objectives equals the naive enumeration's; returns it.
ExploreResult check_equals_naive(const Problem &p, const Architecture &a,
                                 const std::vector<Objective> &obj) {
  const Naive naive = naive_optimum(p, a, obj, nullptr, 0);
  REQUIRE(naive.mappings > 0);
  ExploreOptions opt;
  opt.objectives = obj;
  opt.threads = 2;
  const ExploreResult r = explore(p, a, opt);
  REQUIRE(r.found);
  CHECK(r.stats.optimal);
  INFO("objective " << objective_name(obj[0]) << ", naive mappings " << naive.mappings);
  REQUIRE(r.objective_values.size() == naive.best.size());
  for (std::size_t i = 0; i < naive.best.size(); ++i)
    CHECK(r.objective_values[i] == Approx(naive.best[i]).epsilon(1e-12));
  return r;
}

// Started with the naive optimum as its incumbent bound and no random incumbents, the search
// must still reach a mapping of that cost: every cut is sound at the tightest incumbent.
void check_sound_at_tightest_incumbent(const Problem &p, const Architecture &a,
                                       const std::vector<Objective> &obj = {Objective::Energy}) {
  const Naive naive = naive_optimum(p, a, obj, nullptr, 0);
  if (naive.mappings == 0) return;
  ExploreOptions opt;
  opt.objectives = obj;
  opt.threads = 1;
  opt.random_incumbents = 0;
  opt.upper_bound = naive.best[0];
  const ExploreResult r = explore(p, a, opt);
  INFO("objective " << objective_name(obj[0]));
  CHECK(r.stats.optimal);
  REQUIRE(r.found);
  for (std::size_t i = 0; i < naive.best.size(); ++i)
    CHECK(r.objective_values[i] == Approx(naive.best[i]).epsilon(1e-12));
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
      const ExploreResult r = check_equals_naive(c.problem, a, obj);
      // The reported mapping re-evaluates to the reported numbers.
      CHECK(evaluate(c.problem, a, r.mapping).energy_pj == r.evaluation.energy_pj);
      // Cycles first: once the least cycle count is reached, energy cuts (search.cpp, beaten).
      if (obj[0] == Objective::Cycles) CHECK(r.stats.pruned > 0);
    }
    // Cycles alone: ties on cycles go to the least energy, so the result is that of
    // `cycles,energy`, reported as its cycles only, and energy prunes among the ties.
    ExploreOptions opt;
    opt.objectives = {Objective::Cycles};
    const ExploreResult r = explore(c.problem, a, opt);
    const Naive naive =
        naive_optimum(c.problem, a, {Objective::Cycles, Objective::Energy}, nullptr, 0);
    REQUIRE(r.found);
    CHECK(r.stats.optimal);
    REQUIRE(r.objective_values.size() == 1);
    CHECK(r.objective_values[0] == naive.best[0]);
    CHECK(r.evaluation.energy_pj == Approx(naive.best[1]).epsilon(1e-12));
    CHECK(r.stats.pruned > 0);
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

TEST_CASE("explore refuses options out of range, naming the field", "[error]") {
  const Problem p = small_conv(4, 4, 3, 2, 1);
  const Architecture a = small_arch(true, true);
  const auto fails = [&](const std::function<void(ExploreOptions &)> &set,
                         const std::string &message) {
    ExploreOptions o;
    set(o);
    CHECK_THROWS_WITH(explore(p, a, o), Catch::Contains(message));
  };
  fails([](ExploreOptions &o) { o.threads = kMaxExploreThreads + 1; },
        "threads: must be 0 (all cores) to 1024, not 1025");
  fails([](ExploreOptions &o) { o.threads = -2; }, "threads: must be 0 (all cores)");
  fails([](ExploreOptions &o) { o.time_budget_s = std::nan(""); },
        "time_budget_s: must be 0 (none) or more seconds");
  fails([](ExploreOptions &o) { o.eval_budget = -1; }, "eval_budget: must be 0 (none)");
  fails([](ExploreOptions &o) { o.objectives.clear(); }, "objectives: must list at least one");
  fails(
      [](ExploreOptions &o) {
        o.objectives = {Objective::Cycles, Objective::Cycles};
      },
      "objectives: lists 'cycles' twice");
  fails([](ExploreOptions &o) { o.random_incumbents = -1; }, "random_incumbents: must not be");
  fails([](ExploreOptions &o) { o.upper_bound = std::nan(""); }, "upper_bound: is not a number");
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
    INFO("case " << i << ": K" << p.size[idx(Dim::K)] << " C" << p.size[idx(Dim::C)] << " P"
                 << p.size[idx(Dim::P)] << " R" << p.size[idx(Dim::R)] << " N"
                 << p.size[idx(Dim::N)] << " stride " << p.stride_h);
    check_sound_at_tightest_incumbent(p, a);
    // The cycle bounds of spatial choices (search.cpp, least_cycles_below) cut too under
    // these; with a fanout below the register files, a node's bound must leave it usable.
    for (const bool rf_fanout : {false, true}) {
      INFO("fanout under RF: " << rf_fanout);
      if (rf_fanout && i >= 2) break; // (its naive enumeration is the slow part)
      if (rf_fanout) a.levels[0].fanout = {2, 1, rng() % 2 == 0, rng() % 2 == 0, 1.0};
      check_sound_at_tightest_incumbent(p, a, {Objective::Edp});
      check_sound_at_tightest_incumbent(p, a, {Objective::Cycles, Objective::Energy});
    }
  }
  // A small global buffer dear to read or to write, under which the loop orders decide: a
  // node's bound must be the least over every order class of its level (search.cpp,
  // OrderShapes::least). Each case fails if that least is taken over too few classes.
  Problem p = small_conv(4, 4, 4, 1, 1);
  p.size[idx(Dim::N)] = 2;
  Architecture a = small_arch(true, false);
  a.levels[0].capacity_words = 24;
  a.levels[1].read_pj = 50;
  a.levels[1].write_pj = 3;
  a.levels[1].capacity_words = 16;
  a.levels[2].read_pj = 50;
  check_sound_at_tightest_incumbent(p, a);
  p = small_conv(2, 2, 3, 3, 1);
  p.size[idx(Dim::N)] = 2;
  a = small_arch(false, false);
  a.levels[1].read_pj = 12;
  a.levels[1].write_pj = 50;
  a.levels[1].capacity_words = 16;
  a.levels[2].read_pj = 50;
  check_sound_at_tightest_incumbent(p, a);
}

// The tile enumeration skips every tile below a partial one when a bound over all of them
// loses (search.cpp, least_first_check): W's and O's words at the tile's widest completion,
// the MAC units' O reads at its narrowest. Register files that are dear to read make the O
// reads decide. A register file that can hold all the weights of a small buffer's tile, with
// the buffer dear and DRAM cheap, makes the W words decide. Both must still reach the naive
// optimum from the tightest incumbent (each case fails if its side of the bound is swapped).
TEST_CASE("the tile enumeration's cut is sound", "[correctness]") {
  for (const Problem &p :
       {small_conv(4, 4, 4, 1, 1), small_conv(2, 4, 3, 2, 1), small_conv(4, 2, 2, 3, 2)}) {
    INFO("K" << p.size[idx(Dim::K)] << " C" << p.size[idx(Dim::C)] << " P" << p.size[idx(Dim::P)]
             << " R" << p.size[idx(Dim::R)]);
    Architecture dear_rf = small_arch(true, false);
    dear_rf.levels[0].read_pj = 40;
    check_sound_at_tightest_incumbent(p, dear_rf);
  }
  const Problem p = test::small_conv(4, 2, 4, 2, 1);
  Architecture roomy_rf = small_arch(false, true);
  roomy_rf.levels[0].capacity_words = 48;
  roomy_rf.levels[1].capacity_words = 16;
  roomy_rf.levels[1].read_pj = 12;
  roomy_rf.levels[2].read_pj = 5;
  check_sound_at_tightest_incumbent(p, roomy_rf);
}

// Mirror-symmetric layers (P = Q, R = S, equal strides and dilations): the search keeps one of
// each mapping and its mirror image (explorer/search.cpp, mirror_symmetric). Its optimum must
// still be the whole mapspace's.
TEST_CASE("explorer optimum equals a naive enumeration on mirror-symmetric layers",
          "[correctness]") {
  struct Case {
    std::int64_t k, c, pq, rs, stride, dilation;
    bool multicast, reduction;
  };
  for (const Case &c : {Case{2, 2, 2, 2, 1, 1, true, true}, Case{2, 1, 3, 2, 1, 1, true, false},
                        Case{1, 2, 2, 2, 2, 1, false, true}, Case{2, 1, 2, 2, 1, 2, true, true}}) {
    Problem p = small_conv(c.k, c.c, c.pq, c.rs, c.stride);
    p.size[idx(Dim::Q)] = c.pq;
    p.size[idx(Dim::S)] = c.rs;
    p.stride_w = c.stride;
    p.dilation_h = p.dilation_w = c.dilation;
    const Architecture a = small_arch(c.multicast, c.reduction);
    INFO("K" << c.k << " C" << c.c << " P=Q " << c.pq << " R=S " << c.rs);
    for (const auto &obj : {std::vector<Objective>{Objective::Energy},
                            std::vector<Objective>{Objective::Cycles, Objective::Energy}})
      check_equals_naive(p, a, obj);
  }
  // And at the tightest incumbent (as in "explorer's cuts are sound at the tightest
  // incumbent"), with energies that make row and column choices matter.
  std::mt19937_64 rng(5);
  const auto pick = [&](std::vector<std::int64_t> v) { return v[rng() % v.size()]; };
  for (int i = 0; i < 6; ++i) {
    Problem p = small_conv(pick({1, 2, 4}), pick({1, 2}), pick({2, 3}), pick({1, 2}), pick({1, 2}));
    p.size[idx(Dim::Q)] = p.size[idx(Dim::P)];
    p.size[idx(Dim::S)] = p.size[idx(Dim::R)];
    p.stride_w = p.stride_h;
    Architecture a = small_arch(rng() % 2 == 0, rng() % 2 == 0);
    a.levels[1].read_pj = static_cast<double>(pick({3, 6, 12}));
    a.levels[1].capacity_words = pick({32, 64, 96});
    INFO("random case " << i << ": K" << p.size[idx(Dim::K)] << " C" << p.size[idx(Dim::C)]
                        << " P=Q " << p.size[idx(Dim::P)] << " R=S " << p.size[idx(Dim::R)]
                        << " stride " << p.stride_h);
    check_sound_at_tightest_incumbent(p, a);
  }
}

namespace {

// A level's order class as docs/explorer.md defines it, computed here on its own: for W and
// O, whether the level has a loop the operand uses and the set of loops after the innermost
// such loop; for I, the same with its refreshing loops (N, C, G) and the sequence after.
std::string order_class(const std::vector<Loop> &temporal) {
  std::vector<Dim> order;
  for (const Loop &x : temporal)
    if (x.trip > 1) order.push_back(x.dim);
  std::ostringstream s;
  for (Operand o : {Operand::W, Operand::O, Operand::I}) {
    const auto refreshes = [&](Dim d) {
      return o == Operand::I ? d == Dim::N || d == Dim::C || d == Dim::G : relevant(o, d);
    };
    int last = -1;
    for (int i = 0; i < static_cast<int>(order.size()); ++i)
      if (refreshes(order[i])) last = i;
    std::vector<Dim> after(order.begin() + (last + 1), order.end());
    if (o != Operand::I) std::sort(after.begin(), after.end());
    s << (last >= 0) << ':';
    for (Dim d : after)
      s << dim_name(d);
    s << ';';
  }
  return s.str();
}

// A mapping up to its order classes: per level, its spatial loops as a set, its temporal
// trips per dimension, and its order class.
std::string up_to_order_class(const Mapping &m) {
  std::ostringstream s;
  for (const LevelLoops &ll : m.levels) {
    std::vector<std::string> spatial;
    for (const Loop &x : ll.spatial)
      if (x.trip > 1)
        spatial.push_back(std::string(dim_name(x.dim)) + std::to_string(x.trip) +
                          (x.kind == LoopKind::SpatialX ? "x" : "y"));
    std::sort(spatial.begin(), spatial.end());
    for (const std::string &x : spatial)
      s << x << ',';
    DimArray<std::int64_t> trips;
    trips.fill(1);
    for (const Loop &x : ll.temporal)
      trips[idx(x.dim)] *= x.trip;
    for (std::int64_t t : trips)
      s << t << '.';
    s << order_class(ll.temporal) << '|';
  }
  return s.str();
}

} // namespace

// `mapspace_size` (tessel explore --count-mapspace) counts the mappings that fit, each order
// class once, every spatial placement apart: here against the naive enumeration, also under
// a minimum utilization, which makes the count below a level depend on the PEs used above
// it when a second fanout lies below (here DRAM's, over two GBs).
TEST_CASE("the mapspace size counts each fitting mapping once per order class", "[correctness]") {
  Architecture two_fanouts = small_arch(true, true);
  two_fanouts.levels[2].fanout = {2, 1, true, true, 2.0};
  for (const Problem &p : {small_conv(4, 2, 3, 2, 1), small_conv(2, 2, 2, 3, 2)}) {
    for (const Architecture &a : {small_arch(true, true), small_arch(false, true), two_fanouts}) {
      for (const double min_utilization : {0.0, 0.5}) {
        ExploreOptions opt;
        opt.threads = 1;
        opt.count_mapspace = true;
        opt.constraints.min_utilization = min_utilization;
        std::set<std::string> classes;
        test::enumerate_mapspace(p, a, nullptr, [&](const Mapping &m) {
          try {
            check_capacity(p, a, m);
          } catch (const UserError &) {
            return;
          }
          if (satisfies(m, opt.constraints, a, p)) classes.insert(up_to_order_class(m));
        });
        const ExploreResult r = explore(p, a, opt);
        INFO("K" << p.size[idx(Dim::K)] << " C" << p.size[idx(Dim::C)] << " P"
                 << p.size[idx(Dim::P)] << " R" << p.size[idx(Dim::R)] << ", DRAM fanout "
                 << a.levels[2].fanout.size() << ", min utilization " << min_utilization);
        CHECK(classes.size() > 100);
        CHECK(r.stats.mapspace_size == static_cast<double>(classes.size()));
      }
    }
  }
}

// The search's spatial choices: one per factor vector, the first that spatial_choices lists,
// in its order (the explorer's results and their tie-breaks depend on which placement
// stands for a vector). distinct_spatial_choices finds them without spatial_choices' walk,
// so this compares two enumerations.
TEST_CASE("distinct spatial choices are the first placement of each factor vector",
          "[correctness]") {
  std::mt19937_64 rng(11);
  const auto pick = [&](std::vector<std::int64_t> v) { return v[rng() % v.size()]; };
  const std::vector<Dim> only_k = {Dim::K}, p_and_q = {Dim::P, Dim::Q},
                         k_c_p = {Dim::K, Dim::C, Dim::P}, c_and_q = {Dim::C, Dim::Q};
  for (int i = 0; i < 400; ++i) {
    DimArray<std::int64_t> left;
    for (Dim d : kAllDims)
      left[idx(d)] = pick({1, 2, 3, 4, 6, 8, 12, 16, 27});
    const std::int64_t x = pick({1, 2, 4, 12, 16}), y = pick({1, 3, 8, 14, 16});
    // Axes that allow one dimension, several, or overlapping sets.
    const std::vector<Dim> *ax = i % 3 == 0 ? &only_k : i % 5 == 1 ? &k_c_p : nullptr;
    const std::vector<Dim> *ay = i % 4 == 0 ? &p_and_q : i % 5 == 1 ? &c_and_q : nullptr;
    std::vector<SpatialChoice> expected;
    std::set<DimArray<std::int64_t>> seen;
    for (SpatialChoice &c : spatial_choices(left, x, y, ax, ay))
      if (seen.insert(c.factor).second) expected.push_back(std::move(c));
    const std::vector<SpatialChoice> got = distinct_spatial_choices(left, x, y, ax, ay);
    INFO("case " << i);
    REQUIRE(got.size() == expected.size());
    for (std::size_t j = 0; j < got.size(); ++j) {
      CHECK(got[j].loops == expected[j].loops);
      CHECK(got[j].factor == expected[j].factor);
      CHECK(got[j].used == expected[j].used);
    }
  }
}
