// tessel explore from the command line: its mappings re-evaluate to the reported numbers,
// network totals add up, and bad constraints fail with named errors; and tessel bench's
// explorer figures.
#include "cost_model/json_io.hpp"
#include "support/run_cli.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

using namespace tessel;
using namespace tessel::test;

namespace {

// A small architecture and layer so that the search is exhaustive in well under a second.
const char *kArch = R"({"name": "small", "mac_pj": 1.0, "levels": [
  {"name": "RF", "capacity_words": 32, "read_pj": 1.0, "write_pj": 1.0},
  {"name": "GB", "capacity_words": 2048, "read_pj": 6.0, "write_pj": 6.0,
   "fanout": {"x": 4, "y": 4, "multicast": true, "reduction": true, "hop_pj": 2.0}},
  {"name": "DRAM", "read_pj": 200.0, "write_pj": 200.0}]})";

const char *kProblem = R"({"name": "tiny", "K": 8, "C": 4, "P": 5, "Q": 5, "R": 3, "S": 3})";

// tessel eval of an explored layer's mapping (arch.json and `problem` in dir) gives the
// layer's reported numbers.
void check_reevaluates(const TempDir &dir, const std::string &problem, const Json &layer) {
  dir.write("mapping.json", layer["mapping"].dump());
  const CliResult e = run_cli({"eval", "--arch", "arch.json", "--problem", problem, "--mapping",
                               "mapping.json", "--format", "json"},
                              dir.path());
  REQUIRE(e.exit_code == 0);
  const Json eval = parse_json(e.out, "stdout");
  CHECK(eval["energy_pj"] == layer["result"]["energy_pj"]);
  CHECK(eval["cycles"] == layer["result"]["cycles"]);
  CHECK(eval["levels"] == layer["result"]["levels"]);
}

} // namespace

TEST_CASE("explore's mapping re-evaluates with tessel eval to the same numbers", "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  const CliResult r = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json",
                               "--format", "json", "--out", "best.json", "-q"},
                              dir.path());
  REQUIRE(r.exit_code == 0);
  const Json best = parse_json(read_text(dir.path() / "best.json"), "best.json");
  REQUIRE(best["layers"].size() == 1);
  const Json &layer = best["layers"][0];
  CHECK(layer["stats"]["optimal"].get<bool>());
  CHECK(layer["stats"]["evaluated"].get<std::int64_t>() > 0);
  CHECK(layer["schedule"].get<std::string>().find("Schedule") != std::string::npos);
  check_reevaluates(dir, "tiny.json", layer);
}

TEST_CASE("explore --count-mapspace reports the same mapspace size in text and JSON",
          "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  const std::vector<std::string> args = {"explore",   "--arch",           "arch.json", "--problem",
                                         "tiny.json", "--count-mapspace", "-q"};
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const CliResult j = run_cli(json_args, dir.path());
  REQUIRE(j.exit_code == 0);
  const double size = parse_json(j.out, "stdout")["layers"][0]["stats"]["mapspace_size"];
  CHECK(size > 1000);
  const CliResult text = run_cli(args, dir.path());
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains(", mapspace " + std::to_string(std::llround(size)) +
                                       " mappings (loop-order classes counted once)"));
  // Without the option the size is not counted, and not reported.
  const CliResult plain = run_cli(
      {"explore", "--arch", "arch.json", "--problem", "tiny.json", "-q", "--format", "json"},
      dir.path());
  REQUIRE(plain.exit_code == 0);
  CHECK_FALSE(parse_json(plain.out, "stdout")["layers"][0]["stats"].contains("mapspace_size"));
}

TEST_CASE("explore of a network reports per-layer results and repeat-weighted totals",
          "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("net.json", R"({"name": "two", "layers": [
    {"name": "a", "K": 8, "C": 4, "P": 4, "Q": 4, "R": 3, "S": 3, "repeat": 3},
    {"name": "b", "type": "gemm", "M": 4, "N": 8, "K": 16}]})");
  const CliResult r = run_cli({"explore", "--arch", "arch.json", "--network", "net.json",
                               "--format", "json", "-q", "--threads", "2"},
                              dir.path());
  REQUIRE(r.exit_code == 0);
  const Json j = parse_json(r.out, "stdout");
  REQUIRE(j["layers"].size() == 2);
  double energy = 0;
  std::int64_t macs = 0;
  for (const Json &l : j["layers"]) {
    const std::int64_t repeat = l["repeat"].get<std::int64_t>();
    energy += l["result"]["energy_pj"].get<double>() * static_cast<double>(repeat);
    macs += l["result"]["macs"].get<std::int64_t>() * repeat;
  }
  CHECK(j["layers"][0]["repeat"] == 3);
  CHECK(j["totals"]["macs"].get<std::int64_t>() == macs);
  CHECK(j["totals"]["energy_pj"].get<double>() == Approx(energy));
  CHECK(j["totals"]["optimal"].get<bool>());
}

TEST_CASE("explore honours spatial constraints given on the command line", "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  const CliResult r =
      run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json", "--spatial-x", "GB=K",
               "--spatial-y", "GB=C", "--format", "json", "-q"},
              dir.path());
  REQUIRE(r.exit_code == 0);
  const Json j = parse_json(r.out, "stdout");
  for (const Json &level : j["layers"][0]["mapping"]["levels"])
    if (level.contains("spatial"))
      for (const Json &loop : level["spatial"]) {
        const std::string dim = loop[0].get<std::string>(), axis = loop[2].get<std::string>();
        CHECK(dim == (axis == "x" ? "K" : "C"));
      }
}

TEST_CASE("explore rejects bad constraints and objectives with named errors", "[error]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  const auto fails = [&](std::vector<std::string> extra, const std::string &message) {
    std::vector<std::string> args = {"explore",   "--arch", "arch.json", "--problem",
                                     "tiny.json", "-q",     "--out",     "never.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args, dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "never.json"));
  };
  fails({"--spatial-x", "XB=K"}, "--spatial-x: unknown level 'XB'");
  fails({"--spatial-y", "GB=Z"}, "unknown dimension 'Z'");
  fails({"--objective", "speed"}, "--objective: unknown objective 'speed'");
  fails({"--min-utilization", "1.5"}, "min_utilization: must be between 0 and 1");
  dir.write("c.json", R"({"spatial": {"GB": {"z": ["K"]}}})");
  fails({"--constraints", "c.json"}, "c.json: spatial.GB.z: unknown axis");
  dir.write("c2.json", R"({"temporal_factor": {"GB": {"K": 0}}})");
  fails({"--constraints", "c2.json"}, "c2.json: temporal_factor.GB.K: must be a positive integer");
  dir.write("c3.json", R"({"spatial": )");
  fails({"--constraints", "c3.json"}, "c3.json");
  fails({"--objective", "energy,cycles,energy"}, "--objective: lists 'energy' twice");
  fails({"--threads", "100000"}, "--threads: must be 0 (all cores) to 1024, got 100000");
  fails({"--threads", "-1"}, "--threads: must be 0 (all cores) to 1024, got -1");
  fails({"--budget", "nan"}, "--budget: must be 0 or more seconds, got nan");
  fails({"--budget", "-1"}, "--budget: must be 0 or more seconds, got -1");
  fails({"--min-utilization", "nan"}, "min_utilization: must be between 0 and 1, got nan");
  const CliResult batch =
      run_cli({"explore", "--network", "alexnet", "--batch", "0", "-q"}, dir.path());
  CHECK(batch.exit_code == 2);
  CHECK(batch.err.find("--batch: must be a positive integer, got 0") != std::string::npos);
}

TEST_CASE("bench rejects a NaN or zero time and too many threads with named errors", "[error]") {
  TempDir dir;
  const auto fails = [&](std::vector<std::string> args, const std::string &message) {
    args.insert(args.begin(), "bench");
    const CliResult r = run_cli(args, dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
  };
  fails({"--seconds", "nan"}, "--seconds: must be more than 0 seconds, got nan");
  fails({"--seconds", "0"}, "--seconds: must be more than 0 seconds, got 0");
  fails({"--explore", "--threads", "2000"}, "--threads: must be 0 (all cores) to 1024");
  fails({"--explore", "--budget", "-3"}, "--budget: must be 0 or more seconds");
  fails({"--explore", "--rounds", "0"}, "--rounds: must be positive, got 0");
}

TEST_CASE("explore with a budget reports a non-optimal best and a lower bound", "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  const CliResult r = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json",
                               "--max-evaluations", "1", "--format", "json", "-q"},
                              dir.path());
  REQUIRE(r.exit_code == 0);
  const Json l = parse_json(r.out, "stdout")["layers"][0];
  REQUIRE(l["found"].get<bool>());
  CHECK_FALSE(l["stats"]["optimal"].get<bool>());
  CHECK(l["stats"]["lower_bound"].get<double>() <= l["result"]["energy_pj"].get<double>());
}

// The lower bound is on the primary objective, in its unit: cycles for --objective cycles
// (at least MACs over PEs, at most the best found), energy times cycles for edp.
TEST_CASE("a budgeted explore bounds the primary objective in its own unit", "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  for (const std::string objective : {"cycles", "edp"}) {
    const CliResult r =
        run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json", "--objective",
                 objective, "--max-evaluations", "1", "--format", "json", "-q"},
                dir.path());
    REQUIRE(r.exit_code == 0);
    const Json l = parse_json(r.out, "stdout")["layers"][0];
    REQUIRE(l["found"].get<bool>());
    INFO("objective " << objective);
    CHECK_FALSE(l["stats"]["optimal"].get<bool>());
    const double cycles = l["result"]["cycles"].get<double>();
    const double best =
        objective == "cycles" ? cycles : cycles * l["result"]["energy_pj"].get<double>();
    const double bound = l["stats"]["lower_bound"].get<double>();
    CHECK(bound <= best * (1 + 1e-12));
    CHECK(bound > 0);
    if (objective == "cycles") CHECK(bound < cycles + 1); // not an energy
    const CliResult text = run_cli({"explore", "--arch", "arch.json", "--problem", "tiny.json",
                                    "--objective", objective, "--max-evaluations", "1", "-q"},
                                   dir.path());
    CHECK_THAT(text.out, Catch::Contains(objective == "cycles" ? " cycles\n" : " pJ*cycles\n"));
  }
}

// --imperfect: a guarded mapping that tessel eval re-evaluates to the same numbers, reported
// as not proven optimal (the refinement is local) after an exhaustive search over perfect
// factors.
TEST_CASE("explore --imperfect emits a guarded mapping that re-evaluates exactly",
          "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  // P = 7 on a 4x4 array: no divisor of 7 but 1 fits an axis (7 cycles); guarded, 4 x 2 PEs
  // take all 7 outputs in one cycle.
  dir.write("p7.json", R"({"name": "p7", "K": 1, "C": 1, "P": 7})");
  const CliResult r = run_cli({"explore", "--arch", "arch.json", "--problem", "p7.json",
                               "--objective", "cycles", "--imperfect", "--format", "json", "-q"},
                              dir.path());
  REQUIRE(r.exit_code == 0);
  const Json l = parse_json(r.out, "stdout")["layers"][0];
  REQUIRE(l["found"].get<bool>());
  CHECK_FALSE(l["stats"]["optimal"].get<bool>());
  CHECK(l["stats"]["exhaustive"].get<bool>());
  CHECK(l["stats"]["imperfect_steps"].get<int>() >= 1);
  CHECK(l["result"]["cycles"].get<std::int64_t>() == 1);
  check_reevaluates(dir, "p7.json", l);
}

TEST_CASE("bench prints its rates, and with --explore --ceiling times one-thread searches alone "
          "and at once",
          "[correctness]") {
  TempDir dir;
  dir.write("arch.json", kArch);
  dir.write("tiny.json", kProblem);
  dir.write("net.json", R"({"name": "one", "layers": [
    {"name": "a", "K": 8, "C": 4, "P": 4, "Q": 4, "R": 3, "S": 3}]})");
  const std::vector<std::string> args = {
      "bench",     "--arch", "arch.json", "--problem", "tiny.json", "--mappings", "5",
      "--seconds", "0.01",   "--explore", "--network", "net.json",  "-j",         "2"};
  std::vector<std::string> with_ceiling = args;
  with_ceiling.push_back("--ceiling");
  const CliResult r = run_cli(with_ceiling, dir.path());
  REQUIRE(r.exit_code == 0);
  // Three rounds, each with one search alone and two at once, then the ceiling.
  std::istringstream lines(r.out);
  int rounds = 0, rates = 0;
  double ceiling = -1;
  for (std::string line; std::getline(lines, line);) {
    // The cost model's two rates: overall, and the median and fastest passes.
    double overall = 0, median = 0, fastest = 0;
    if (line.find("evaluations/s (passes through the set: median") != std::string::npos &&
        std::sscanf(line.c_str() + line.find(':') + 1,
                    " %lf evaluations/s (passes through the set: median %lf, fastest %lf)",
                    &overall, &median, &fastest) == 3) {
      ++rates;
      CHECK(overall > 0);
      CHECK(median > 0);
      CHECK(fastest >= median);
    }
    double alone = 0, a = 0, b = 0;
    int n = 0;
    if (std::sscanf(line.c_str(), "  round %d: alone %lf s, at once %lf %lf s", &n, &alone, &a,
                    &b) == 4) {
      CHECK(n == ++rounds);
      CHECK(alone >= 0);
      CHECK(a >= 0);
      CHECK(b >= 0);
    }
    std::sscanf(line.c_str(), "  2 threads can reach at most %lfx", &ceiling);
  }
  CHECK(rates == 2);
  CHECK(rounds == 3);
  CHECK(ceiling > 0);
  CHECK(std::isfinite(ceiling));
  // The explorer's table is the median of 3 rounds by default, each round's speedup listed.
  CHECK(r.out.find("Explorer on net.json (arch.json), median of 3 rounds:") != std::string::npos);
  const std::size_t per_round = r.out.find("speedup per round over the network:");
  REQUIRE(per_round != std::string::npos);
  double s1 = 0, s2 = 0, s3 = 0;
  CHECK(std::sscanf(r.out.c_str() + per_round, "speedup per round over the network: %lf %lf %lf",
                    &s1, &s2, &s3) == 3);
  CHECK((s1 > 0 && s2 > 0 && s3 > 0));
  // Without --ceiling there is no ceiling; with one round, no list of rounds; with one thread
  // no ceiling either.
  const CliResult plain = run_cli(args, dir.path());
  CHECK(plain.out.find("Machine ceiling") == std::string::npos);
  std::vector<std::string> one_round = args;
  one_round.insert(one_round.end(), {"--rounds", "1"});
  const CliResult single = run_cli(one_round, dir.path());
  REQUIRE(single.exit_code == 0);
  CHECK(single.out.find("median of 1 round:") != std::string::npos);
  CHECK(single.out.find("speedup per round") == std::string::npos);
  std::vector<std::string> one_thread = with_ceiling;
  one_thread[13] = "1"; // the value of -j
  const CliResult bad = run_cli(one_thread, dir.path());
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("--ceiling") != std::string::npos);
}
