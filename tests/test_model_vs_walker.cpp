// The analytical model against the brute-force trace walker: every count, on random small
// cases (random problems with primes and extents of 1, strides and dilations, 2-4 level
// architectures with and without fanouts, multicast and reduction on and off, bypasses,
// perfect and imperfect factors). Seeded, so a failure names its seed and reproduces.
#include "cost_model/analytical_model.hpp"
#include "cost_model/fused_model.hpp"
#include "cost_model/pair_model.hpp"
#include "cost_model/trace_walker.hpp"
#include "support/random_cases.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

using namespace tessel;

namespace {

std::vector<std::string> level_names(const Architecture &a) {
  std::vector<std::string> names;
  for (const Level &l : a.levels)
    names.push_back(l.name);
  return names;
}

// Calls visit(o, child, parent, spec) for every (operand, child, parent) pair of a case's
// mapping: each keeper of o and the keeper below it (-1: the MAC units).
template <typename F> void for_each_pair(const RandomCase &rc, F &&visit) {
  const auto nest = flatten(rc.mapping);
  for (Operand o : kAllOperands) {
    int child = -1;
    for (int parent = 0; parent < rc.arch.num_levels(); ++parent) {
      if (!keeps(rc.arch, rc.mapping, parent, o)) continue;
      visit(o, child, parent,
            make_pair_spec(rc.problem, rc.arch, rc.mapping, nest, o, child, parent));
      child = parent;
    }
  }
}

} // namespace

TEST_CASE("analytical model equals the trace walker on 10,000 random cases",
          "[cost][correctness]") {
  int perfect = 0, imperfect = 0;
  AccessCounts reused; // each case's counts written over the last case's (2-4 levels)
  for (std::uint64_t seed = 1; seed <= 10000; ++seed) {
    const RandomCase rc = random_case(seed);
    const AccessCounts walked = walk_trace(rc.problem, rc.arch, rc.mapping);
    const AccessCounts model = analytical_counts(rc.problem, rc.arch, rc.mapping);
    if (model != walked) {
      INFO(rc.describe());
      INFO("walker:\n" << to_string(walked, level_names(rc.arch)));
      INFO("model:\n" << to_string(model, level_names(rc.arch)));
      FAIL("seed " << seed << ": counts differ");
    }
    analytical_counts(rc.problem, rc.arch, rc.mapping, reused);
    if (reused != model) {
      INFO(rc.describe());
      INFO("into reused storage:\n" << to_string(reused, level_names(rc.arch)));
      FAIL("seed " << seed << ": counts written into reused storage differ");
    }
    (is_perfect(rc.mapping, rc.problem) ? perfect : imperfect)++;
  }
  // The generator must exercise both paths of the model.
  CHECK(perfect > 1000);
  CHECK(imperfect > 1000);
}

// The case with every level keeping every operand and nothing bypassed: the keeper chains
// the fused model unrolls for 2-4 levels (the random cases rarely draw them).
RandomCase keeping_everything(RandomCase rc) {
  for (Level &l : rc.arch.levels)
    l.keeps = {true, true, true};
  rc.mapping.bypass.clear();
  return rc;
}

// Both closed forms of perfect mappings: the whole-mapping one (fused_model.hpp, what
// analytical_counts runs) and the pair-by-pair one (pair_model.hpp, what the explorer runs),
// on each case as drawn and, for one case in four, keeping everything, and both under one
// more level.
TEST_CASE("fast paths equal the general engine on random perfect mappings", "[cost][correctness]") {
  int checked = 0;
  std::map<std::pair<int, bool>, int> shapes; // (levels, keeping everything): cases checked
  const auto check = [&](const RandomCase &rc, const char *variant) {
    INFO(variant);
    REQUIRE_NOTHROW(validate(rc.mapping, rc.problem, rc.arch)); // fused_counts' precondition
    const AccessCounts general = general_counts(rc.problem, rc.arch, rc.mapping);
    AccessCounts fused;
    REQUIRE(fused_counts(rc.problem, rc.arch, rc.mapping, fused));
    const AccessCounts pairs = perfect_counts(rc.problem, rc.arch, rc.mapping);
    for (const auto &[name, fast] : {std::pair{"fused", fused}, std::pair{"pair-by-pair", pairs}})
      if (general != fast) {
        INFO(rc.describe());
        INFO("general:\n" << to_string(general, level_names(rc.arch)));
        INFO(name << ":\n" << to_string(fast, level_names(rc.arch)));
        FAIL("seed " << rc.seed << " (" << variant << "): the " << name
                     << " closed form differs from the general engine");
      }
    const KeeperChains chains = keeper_chains(rc.arch, rc.mapping);
    const int L = rc.arch.num_levels();
    ++shapes[{L, chains.count == OperandArray<int>{L, L, L}}];
  };
  for (std::uint64_t seed = 1; seed <= 10000 && checked < 3000; ++seed) {
    const RandomCase rc = random_case(seed);
    if (!is_perfect(rc.mapping, rc.problem)) {
      AccessCounts unused;
      CHECK_FALSE(fused_counts(rc.problem, rc.arch, rc.mapping, unused));
      continue;
    }
    ++checked;
    check(rc, "as drawn");
    if (checked % 4 != 0) continue; // (the variants on a quarter: the general engine is slow)
    check(keeping_everything(rc), "keeping everything");
    check(under_one_more_level(rc), "under one more level");
    check(under_one_more_level(keeping_everything(rc)), "keeping everything, under one more level");
  }
  CHECK(checked >= 1000);
  // Every shape of the fused model's code is exercised, kept chains and others.
  for (int levels = 2; levels <= 5; ++levels)
    for (bool every : {false, true}) {
      INFO(levels << " levels, " << (every ? "" : "not ") << "keeping everything");
      CHECK(shapes[{levels, every}] >= 100);
    }
}

// A mapping may list any number of loops of trip 1; past what the whole-mapping closed form
// holds, the model falls back (pair by pair, or the general engine if the factors are
// imperfect). Loops of trip 1 change no count.
TEST_CASE("loops of trip 1 past the fast path's capacity change no count", "[cost][correctness]") {
  int perfect = 0, imperfect = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const RandomCase rc = random_case(seed);
    Mapping padded = rc.mapping;
    padded.levels[0].temporal.insert(padded.levels[0].temporal.begin(), 70, Loop{Dim::N, 1});
    INFO(rc.describe());
    AccessCounts fused;
    CHECK(fused_counts(rc.problem, rc.arch, padded, fused) == is_perfect(rc.mapping, rc.problem));
    CHECK(analytical_counts(rc.problem, rc.arch, padded) ==
          analytical_counts(rc.problem, rc.arch, rc.mapping));
    (is_perfect(rc.mapping, rc.problem) ? perfect : imperfect)++;
  }
  CHECK(perfect > 20);
  CHECK(imperfect > 20);
}

// pair_first_step_words (what the explorer's order bounds start from) against pair_counts
// on the same pair with its carries removed: a run of one step moves exactly the first
// step's words.
TEST_CASE("first-step words equal the counts of a one-step run", "[cost][correctness]") {
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const RandomCase rc = random_case(seed);
    if (!is_perfect(rc.mapping, rc.problem)) continue;
    for_each_pair(rc, [&](Operand o, int child, int parent, PairSpec spec) {
      const std::array<std::int64_t, 4> first = pair_first_step_words(rc.problem, spec);
      spec.temporal.size = 0;
      const PairCounts c = pair_counts(rc.problem, spec);
      INFO(rc.describe() << "\noperand " << operand_name(o) << ", child " << child << ", parent "
                         << parent);
      if (o != Operand::O) {
        CHECK(c.fanout_words == first[0]);
        CHECK(c.parent_reads == first[1]);
        if (child >= 0) CHECK(c.child_fills == first[0]);
      } else {
        CHECK(c.fanout_words - c.child_fills == first[0]);
        CHECK(c.parent_updates == first[2]);
        CHECK(c.parent_reads == c.child_fills + first[2] - first[3]);
      }
      ++checked;
    });
  }
  CHECK(checked > 1000);
}

// PairCounter (the explorer prices a node's loop-order classes with one) against pair_counts:
// one counter for every pair of a case, so that nothing of a series leaks into the next, and
// within a series the temporal loops of each level shuffled (level by level: O's chain
// reads them in level order) between calls. For W and I, its two steps fills() and reads()
// (as the explorer calls them) equal the fanout words and the parent reads too.
TEST_CASE("a pair counter equals pair_counts as the loop orders change", "[cost][correctness]") {
  int checked = 0;
  std::mt19937_64 rng(7);
  for (std::uint64_t seed = 1; seed <= 1500; ++seed) {
    const RandomCase rc = random_case(seed);
    if (!is_perfect(rc.mapping, rc.problem)) continue;
    PairCounter counter(rc.problem);
    for_each_pair(rc, [&](Operand o, int child, int parent, PairSpec spec) {
      counter.start(spec);
      for (int round = 0; round < 4; ++round) {
        auto *loops = spec.temporal.items.data();
        for (int from = 0; from < spec.temporal.size;) {
          int to = from;
          while (to < spec.temporal.size && loops[to].level == loops[from].level)
            ++to;
          std::shuffle(loops + from, loops + to, rng);
          from = to;
        }
        const PairCounts want = pair_counts(rc.problem, spec);
        INFO(rc.describe() << "\noperand " << operand_name(o) << ", child " << child << ", parent "
                           << parent << ", round " << round);
        if (o != Operand::O) {
          CHECK(counter.fills() == want.fanout_words);
          CHECK(counter.reads() == want.parent_reads);
        }
        const PairCounts got = counter.counts();
        CHECK(got.parent_reads == want.parent_reads);
        CHECK(got.parent_updates == want.parent_updates);
        CHECK(got.child_fills == want.child_fills);
        CHECK(got.fanout_words == want.fanout_words);
        ++checked;
      }
    });
  }
  CHECK(checked > 1000);
}

// The explorer searches each level's spatial factors once per factor vector (one loop
// placement on the x and y axes for each product of trips per dimension): the x and y axes
// of a fanout share its flags, so where a dimension's spatial trips sit changes no count.
// Checked here by moving every dimension's spatial trips onto one axis where they fit,
// against the walker and the model of the original placement.
TEST_CASE("counts depend on each level's spatial factors, not on their axes",
          "[cost][correctness]") {
  int moved = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const RandomCase rc = random_case(seed);
    if (!is_perfect(rc.mapping, rc.problem)) continue;
    Mapping m = rc.mapping;
    bool changed = false, placed = true;
    for (int l = 0; l < m.num_levels() && placed; ++l) {
      LevelLoops &ll = m.levels[l];
      DimArray<std::int64_t> factor;
      factor.fill(1);
      for (const Loop &x : ll.spatial)
        factor[idx(x.dim)] *= x.trip;
      const Fanout &f = rc.arch.levels[l].fanout;
      std::int64_t x_left = f.x, y_left = f.y;
      std::vector<Loop> loops;
      for (int di = kNumDims - 1; di >= 0; --di) { // the other way round from the search
        const Dim d = kAllDims[di];
        const std::int64_t t = factor[idx(d)];
        if (t == 1) continue;
        if (t <= y_left) {
          loops.push_back({d, t, LoopKind::SpatialY});
          y_left /= t;
        } else if (t <= x_left) {
          loops.push_back({d, t, LoopKind::SpatialX});
          x_left /= t;
        } else {
          placed = false;
        }
      }
      // x loops before y loops, as the search lists them.
      std::stable_partition(loops.begin(), loops.end(),
                            [](const Loop &x) { return x.kind == LoopKind::SpatialX; });
      changed = changed || loops != ll.spatial;
      ll.spatial = loops;
    }
    if (!placed || !changed) continue;
    ++moved;
    INFO(rc.describe());
    validate(m, rc.problem, rc.arch);
    const AccessCounts original = analytical_counts(rc.problem, rc.arch, rc.mapping);
    CHECK(analytical_counts(rc.problem, rc.arch, m) == original);
    CHECK(walk_trace(rc.problem, rc.arch, m) == original);
  }
  CHECK(moved > 200);
}
