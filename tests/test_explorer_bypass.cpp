// The search with bypass choices (explorer/bypass_search.hpp) against a naive enumeration of
// every bypass combination times the whole mapspace (tests/support/naive_mapspace.hpp), each
// mapping priced with tessel::evaluate on the original architecture; and tessel explore
// --bypass from the command line.
#include "cost_model/evaluation.hpp"
#include "cost_model/json_io.hpp"
#include "explorer/bypass_search.hpp"
#include "support/naive_mapspace.hpp"
#include "support/run_cli.hpp"
#include "support/small_cases.hpp"

#include <catch2/catch.hpp>

using namespace tessel;
using namespace tessel::test;

namespace {

// Three levels with a 2x2 array, small enough for the naive enumeration.
Architecture small_arch(std::int64_t rf_words, bool multicast, bool reduction) {
  return three_level_arch(rf_words, 96, {2, 2, multicast, reduction, 2.0});
}

Problem small_conv(std::int64_t k, std::int64_t c, std::int64_t p, std::int64_t r) {
  return tessel::test::small_conv(k, c, p, 2, r);
}

// Every subset of the space's (level, operand) pairs, written independently of
// bypass_combinations.
std::vector<BypassChoice> all_subsets(const BypassSpace &s, const Architecture &a) {
  std::vector<BypassChoice> out = {BypassChoice(a.num_levels(), OperandArray<bool>{})};
  for (int l = 0; l < a.num_levels(); ++l) {
    const auto it = s.operands.find(a.levels[l].name);
    if (it == s.operands.end()) continue;
    for (Operand o : kAllOperands) {
      if (!it->second[idx(o)]) continue;
      const std::size_t n = out.size();
      for (std::size_t i = 0; i < n; ++i) {
        BypassChoice c = out[i];
        c[l][idx(o)] = true;
        out.push_back(c);
      }
    }
  }
  return out;
}

// The least energy over every bypass combination of the space times the whole mapspace,
// and the least without any bypass.
struct Naive {
  double best = -1, best_without = -1;
  std::int64_t mappings = 0;
};

Naive naive_optimum(const Problem &p, const Architecture &a, const BypassSpace &s) {
  const std::vector<BypassChoice> combos = all_subsets(s, a);
  Naive n;
  enumerate_mapspace(p, a, nullptr, [&](const Mapping &plain) {
    for (const BypassChoice &c : combos) {
      Mapping m = plain;
      m.bypass = c;
      try {
        check_capacity(p, a, m);
      } catch (const UserError &) {
        continue;
      }
      const double e = evaluate(p, a, m).energy_pj;
      ++n.mappings;
      if (n.best < 0 || e < n.best) n.best = e;
      bool none = true;
      for (const auto &level : c)
        none = none && !level[0] && !level[1] && !level[2];
      if (none && (n.best_without < 0 || e < n.best_without)) n.best_without = e;
    }
  });
  return n;
}

bool bypasses_anything(const Mapping &m) {
  for (const auto &level : m.bypass)
    if (level[0] || level[1] || level[2]) return true;
  return false;
}

} // namespace

TEST_CASE("bypass search equals a naive enumeration of bypass combinations x mapspace",
          "[correctness]") {
  struct Case {
    Problem problem;
    std::int64_t rf_words;
    bool multicast, reduction;
  };
  const std::vector<Case> cases = {{small_conv(4, 2, 3, 2), 12, true, true},
                                   {small_conv(2, 2, 2, 3), 4, false, true},
                                   {small_conv(4, 1, 2, 2), 3, true, false}};
  for (const Case &c : cases) {
    const Architecture a = small_arch(c.rf_words, c.multicast, c.reduction);
    const BypassSpace space = full_bypass_space(a);
    const Naive naive = naive_optimum(c.problem, a, space);
    REQUIRE(naive.mappings > 0);
    ExploreOptions opt;
    opt.threads = 2;
    BypassStats bs;
    const ExploreResult r = explore_with_bypass(c.problem, a, opt, space, &bs);
    INFO("RF " << c.rf_words << " words, naive " << naive.mappings << " mappings, best "
               << naive.best << ", best without bypass " << naive.best_without);
    REQUIRE(r.found);
    CHECK(r.stats.optimal);
    CHECK(bs.combinations == 64);
    CHECK(bs.searched == 64);
    CHECK(bs.finished == 64);
    CHECK(r.evaluation.energy_pj == Approx(naive.best).epsilon(1e-12));
    CHECK(r.stats.lower_bound == r.objective_values[0]);
    // The reported mapping, bypass included, re-evaluates on the original architecture to
    // the reported numbers, and fits.
    const Evaluation e = evaluate(c.problem, a, r.mapping);
    CHECK(e.energy_pj == r.evaluation.energy_pj);
    CHECK(e.cycles == r.evaluation.cycles);
    CHECK_NOTHROW(check_capacity(c.problem, a, r.mapping));
    // Without any bypass the same search is the plain one.
    const ExploreResult plain = explore(c.problem, a, opt);
    CHECK(plain.evaluation.energy_pj == Approx(naive.best_without).epsilon(1e-12));
    CHECK(r.evaluation.energy_pj <= plain.evaluation.energy_pj);
    // Ties go to fewer bypasses: a bypass is reported only when it strictly wins.
    if (bypasses_anything(r.mapping)) CHECK(r.evaluation.energy_pj < plain.evaluation.energy_pj);
  }
}

TEST_CASE("bypassing the input in a tiny register file lets a larger tile fit and wins",
          "[correctness]") {
  // A 3-word RF holding W, I and O holds one word of each. Without I (the MACs read it from
  // the GB directly) it can hold both weights of a filter row (R = 2) next to the partial
  // sum they accumulate into, and the weights stay there across output positions.
  const Architecture a = small_arch(3, true, true);
  const Problem p = small_conv(4, 1, 2, 2);
  BypassSpace space;
  space.operands["RF"] = {false, true, false};
  const Naive naive = naive_optimum(p, a, space);
  ExploreOptions opt;
  opt.threads = 1;
  const ExploreResult plain = explore(p, a, opt);
  const ExploreResult r = explore_with_bypass(p, a, opt, space);
  REQUIRE(plain.found);
  REQUIRE(r.found);
  CHECK(r.stats.optimal);
  CHECK(r.evaluation.energy_pj == Approx(naive.best).epsilon(1e-12));
  CHECK(r.evaluation.energy_pj < plain.evaluation.energy_pj);
  REQUIRE(r.mapping.bypass.size() == 3);
  CHECK(r.mapping.bypasses(0, Operand::I));
  CHECK_FALSE(r.mapping.bypasses(0, Operand::W));
  CHECK(evaluate(p, a, r.mapping).energy_pj == r.evaluation.energy_pj);
}

TEST_CASE("bypass search with an empty space is the plain search", "[correctness]") {
  const Architecture a = small_arch(12, true, true);
  const Problem p = small_conv(4, 2, 3, 2);
  ExploreOptions opt;
  opt.threads = 2;
  BypassStats bs;
  const ExploreResult r = explore_with_bypass(p, a, opt, BypassSpace{}, &bs);
  const ExploreResult plain = explore(p, a, opt);
  CHECK(bs.combinations == 1);
  CHECK(r.mapping == plain.mapping);
  CHECK(r.objective_values == plain.objective_values);
  CHECK(r.mapping.bypass.empty());
}

TEST_CASE("bypass search enumerates combinations fewest bypasses first", "[correctness]") {
  const Architecture a = small_arch(12, true, true);
  BypassSpace space;
  space.operands["RF"] = {true, true, false};
  space.operands["GB"] = {false, false, true};
  const std::vector<BypassChoice> c = bypass_combinations(space, a);
  REQUIRE(c.size() == 8);
  const auto count = [](const BypassChoice &x) {
    int n = 0;
    for (const auto &level : x)
      n += level[0] + level[1] + level[2];
    return n;
  };
  CHECK(count(c[0]) == 0);
  for (std::size_t i = 1; i < c.size(); ++i)
    CHECK(count(c[i - 1]) <= count(c[i]));
  // Among single bypasses: RF's W, then RF's I, then GB's O.
  CHECK(c[1][0][idx(Operand::W)]);
  CHECK(c[2][0][idx(Operand::I)]);
  CHECK(c[3][1][idx(Operand::O)]);
  CHECK(count(c[7]) == 3);
}

TEST_CASE("bypass search shares its budget and reports a sound lower bound", "[correctness]") {
  const Architecture a = small_arch(12, true, true);
  const Problem p = small_conv(4, 2, 3, 2);
  const BypassSpace space = full_bypass_space(a);
  ExploreOptions opt;
  opt.threads = 1;
  const ExploreResult full = explore_with_bypass(p, a, opt, space);
  REQUIRE(full.stats.optimal);
  opt.eval_budget = 5;
  BypassStats bs;
  const ExploreResult r = explore_with_bypass(p, a, opt, space, &bs);
  CHECK_FALSE(r.stats.optimal);
  CHECK(bs.searched < bs.combinations);
  CHECK(r.stats.lower_bound <= full.objective_values[0] * (1 + 1e-12));
  if (r.found) {
    CHECK(r.objective_values[0] >= full.objective_values[0] * (1 - 1e-12));
    CHECK(evaluate(p, a, r.mapping).energy_pj == r.evaluation.energy_pj);
  }
}

TEST_CASE("bypass spaces are checked against the architecture", "[error]") {
  Architecture a = small_arch(12, true, true);
  a.levels[1].keeps = {false, true, true};
  const auto fails = [&](const std::string &level, OperandArray<bool> ops,
                         const std::string &message) {
    BypassSpace s;
    s.operands[level] = ops;
    CHECK_THROWS_WITH(validate(s, a, "bypass"), Catch::Contains(message));
    CHECK_THROWS_AS(explore_with_bypass(small_conv(2, 1, 2, 2), a, ExploreOptions{}, s), UserError);
  };
  fails("XB", {false, true, false}, "unknown level 'XB'");
  fails("DRAM", {false, true, false}, "outermost level (DRAM)");
  fails("GB", {true, false, false}, "does not keep W");
  // The default space leaves out the outermost level and what a level does not keep.
  const BypassSpace full = full_bypass_space(a);
  CHECK(full.operands.size() == 2);
  CHECK(full.operands.at("GB") == OperandArray<bool>{false, true, true});
  CHECK_NOTHROW(validate(full, a));
}

namespace {

// The tiny-RF case of the test above, as files.
const char *kTinyRfArch = R"({"name": "tinyrf", "mac_pj": 1.0, "levels": [
  {"name": "RF", "capacity_words": 3, "read_pj": 1.0, "write_pj": 1.0},
  {"name": "GB", "capacity_words": 96, "read_pj": 6.0, "write_pj": 6.0,
   "fanout": {"x": 2, "y": 2, "multicast": true, "reduction": true, "hop_pj": 2.0}},
  {"name": "DRAM", "read_pj": 200.0, "write_pj": 200.0}]})";

const char *kTinyProblem = R"({"name": "tiny", "K": 4, "C": 1, "P": 2, "Q": 2, "R": 2})";

} // namespace

TEST_CASE("explore --bypass emits a mapping that tessel eval reproduces", "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kTinyRfArch);
  dir.write("tiny.json", kTinyProblem);
  const CliResult r = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json",
                               "--bypass", "--format", "json", "--out", "best.json", "-q"},
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json best = parse_json(read_text(dir.path() / "best.json"), "best.json");
  CHECK(best["bypass"]["RF"] == Json::array({"W", "I", "O"}));
  CHECK(best["bypass"]["GB"] == Json::array({"W", "I", "O"}));
  const Json &layer = best["layers"][0];
  CHECK(layer["stats"]["optimal"].get<bool>());
  CHECK(layer["stats"]["bypass_combinations"] == 64);
  CHECK(layer["stats"]["bypass_searched"] == 64);
  REQUIRE(layer["mapping"].contains("bypass"));
  dir.write("mapping.json", layer["mapping"].dump());
  const CliResult e = run_cli({"eval", "--arch", "arch.json", "--problem", "tiny.json", "--mapping",
                               "mapping.json", "--format", "json"},
                              dir.path());
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const Json eval = parse_json(e.out, "stdout");
  CHECK(eval["energy_pj"] == layer["result"]["energy_pj"]);
  CHECK(eval["cycles"] == layer["result"]["cycles"]);
  CHECK(eval["levels"] == layer["result"]["levels"]);

  // Restricted to RF's I: two combinations, no better than the whole space.
  const CliResult rf = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json",
                                "--bypass-levels", "RF=I", "--format", "json", "-q"},
                               dir.path());
  REQUIRE(rf.exit_code == 0);
  const Json j = parse_json(rf.out, "stdout");
  CHECK(j["bypass"] == Json{{"RF", {"I"}}});
  CHECK(j["layers"][0]["stats"]["bypass_combinations"] == 2);
  CHECK(j["layers"][0]["mapping"]["bypass"] == Json{{"RF", {"I"}}});
  CHECK(j["layers"][0]["result"]["energy_pj"].get<double>() >=
        layer["result"]["energy_pj"].get<double>());
}

TEST_CASE("explore rejects bad --bypass-levels with named errors", "[error]") {
  TempDir dir;
  dir.write("arch.json", kTinyRfArch);
  dir.write("tiny.json", kTinyProblem);
  dir.write("partial.json", R"({"name": "partial", "mac_pj": 1.0, "levels": [
    {"name": "RF", "capacity_words": 3, "read_pj": 1.0, "write_pj": 1.0},
    {"name": "GB", "capacity_words": 96, "keeps": ["I", "O"], "read_pj": 6.0, "write_pj": 6.0},
    {"name": "DRAM", "read_pj": 200.0, "write_pj": 200.0}]})");
  const auto fails = [&](const std::string &arch, const std::string &value,
                         const std::string &message) {
    const CliResult r = run_cli({"explore", "--arch", arch, "--problem", "tiny.json", "-q", "--out",
                                 "never.json", "--bypass-levels", value},
                                dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "never.json"));
  };
  fails("arch.json", "XB=I", "--bypass-levels: unknown level 'XB'");
  fails("arch.json", "RF=X", "--bypass-levels: unknown operand 'X' in 'RF=X'");
  fails("arch.json", "DRAM=I", "--bypass-levels: the outermost level (DRAM)");
  fails("arch.json", "RF", "--bypass-levels: expects LEVEL=OPERANDS");
  fails("arch.json", "RF=", "--bypass-levels: expects LEVEL=OPERANDS");
  const CliResult twice = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json", "-q",
                                   "--bypass-levels", "RF=I", "--bypass-levels", "RF=W"},
                                  dir.path());
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("--bypass-levels: level 'RF' is given twice") != std::string::npos);
  fails("partial.json", "GB=W",
        "--bypass-levels: level 'GB' of architecture 'partial' does not "
        "keep W");
}
