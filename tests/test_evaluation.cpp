// Pricing against its definitions, on the random cases of the walker tests (perfect and
// imperfect factors): compute cycles are the temporal iterations in which some MAC unit is
// not guarded off, counted here by walking every temporal iteration of the whole nest.
#include "cost_model/analytical_model.hpp"
#include "cost_model/evaluation.hpp"
#include "support/random_cases.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace tessel;

namespace {

// Walks the odometer of all temporal loops; an iteration is active when every dimension's
// temporal index (spatial coordinates at 0) is inside its extent. Empty when the nest has
// more than `limit` temporal iterations.
std::optional<std::int64_t> walked_compute_cycles(const Problem &p, const Mapping &m,
                                                  std::int64_t limit) {
  std::vector<PlacedLoop> loops;
  std::int64_t iterations = 1;
  for (const PlacedLoop &pl : flatten(m))
    if (pl.loop.kind == LoopKind::Temporal) {
      loops.push_back(pl);
      iterations *= pl.loop.trip;
    }
  if (iterations > limit) return std::nullopt;
  std::vector<std::int64_t> counter(loops.size(), 0);
  std::int64_t active = 0;
  for (;;) {
    DimArray<std::int64_t> index{};
    for (std::size_t i = 0; i < loops.size(); ++i)
      index[idx(loops[i].loop.dim)] += counter[i] * loops[i].stride;
    bool inside = true;
    for (Dim d : kAllDims)
      inside = inside && index[idx(d)] < p.extent(d);
    active += inside;
    std::size_t i = 0;
    for (; i < loops.size(); ++i) {
      if (++counter[i] < loops[i].loop.trip) break;
      counter[i] = 0;
    }
    if (i == loops.size()) return active;
  }
}

} // namespace

TEST_CASE("compute cycles and used PEs match their definitions on random cases",
          "[cost][correctness]") {
  int perfect = 0, imperfect = 0;
  Evaluation reused; // each case priced over the last case's evaluation (2-4 levels)
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const RandomCase rc = random_case(seed);
    const std::optional<std::int64_t> walked =
        walked_compute_cycles(rc.problem, rc.mapping, 1 << 16);
    if (!walked) continue;
    const Evaluation e =
        price(rc.problem, rc.arch, rc.mapping, analytical_counts(rc.problem, rc.arch, rc.mapping));
    INFO(rc.describe());
    analytical_counts(rc.problem, rc.arch, rc.mapping, reused.counts);
    price(rc.problem, rc.arch, rc.mapping, reused);
    REQUIRE(reused == e);
    REQUIRE(e.compute_cycles == *walked);
    std::int64_t used = 1;
    for (const LevelLoops &l : rc.mapping.levels)
      for (const Loop &x : l.spatial)
        used *= x.trip;
    REQUIRE(e.used_pes == used);
    (is_perfect(rc.mapping, rc.problem) ? perfect : imperfect)++;
  }
  CHECK(perfect > 300);
  CHECK(imperfect > 300);
}

// Energy is the sum of its definition's terms (semantics.md): per level and operand, reads
// and writes at the level's energies; per fanout, its words at the hop energy; the MACs;
// all but the MACs scaled by the operand's width over 16 bits. On the random cases and on
// each under one more level, 2-5 levels, so that every instantiation of price is checked.
TEST_CASE("energy is the sum of its definition's terms on random cases of 2-5 levels",
          "[cost][correctness]") {
  std::map<int, int> cases; // per number of levels
  for (std::uint64_t seed = 1; seed <= 1500; ++seed)
    for (const RandomCase &rc : {random_case(seed), under_one_more_level(random_case(seed))}) {
      INFO(rc.describe());
      const Problem &p = rc.problem;
      const Architecture &a = rc.arch;
      REQUIRE_NOTHROW(validate(rc.mapping, p, a));
      const AccessCounts counts = analytical_counts(p, a, rc.mapping);
      const Evaluation e = price(p, a, rc.mapping, counts);
      double total = static_cast<double>(counts.macs) * a.mac_pj;
      REQUIRE(e.level_energy.size() == a.levels.size());
      REQUIRE(e.fanout_energy_pj.size() == a.levels.size());
      for (std::size_t l = 0; l < a.levels.size(); ++l) {
        double fanout = 0;
        for (Operand o : kAllOperands) {
          const double scale = p.bits[idx(o)] / 16.0;
          const OperandCounts &x = counts.levels[l].operands[idx(o)];
          const double pj = (static_cast<double>(x.reads) * a.levels[l].read_pj +
                             static_cast<double>(x.writes) * a.levels[l].write_pj) *
                            scale;
          CHECK(e.level_energy[l].operand_pj[idx(o)] == Approx(pj));
          fanout += static_cast<double>(counts.fanouts[l].words[idx(o)]) *
                    a.levels[l].fanout.hop_pj * scale;
          total += pj;
        }
        CHECK(e.fanout_energy_pj[l] == Approx(fanout));
        total += fanout;
      }
      CHECK(e.energy_pj == Approx(total));
      ++cases[a.num_levels()];
    }
  for (int levels = 2; levels <= 5; ++levels) {
    INFO(levels << " levels");
    CHECK(cases[levels] >= 300);
  }
}
