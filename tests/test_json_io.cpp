// JSON formats (docs/json_formats.md): what is read, what is written, and that writing then
// reading gives back the same object.
#include "cost_model/evaluation.hpp"
#include "cost_model/json_io.hpp"
#include "cost_model/loop_nest_text.hpp"
#include "dsl/cpp_printer.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/builtin_mappings.hpp"
#include "schedules/builtin_problems.hpp"
#include "schedules/networks.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace tessel;

namespace {

Problem problem_of(const std::string &text) {
  return problem_from_json(parse_json(text, "p.json"), "p.json");
}

Architecture arch_of(const std::string &text) {
  return architecture_from_json(parse_json(text, "a.json"), "a.json");
}

void require_same(const Problem &a, const Problem &b) {
  CHECK(a.name == b.name);
  CHECK(a.type == b.type);
  CHECK(a.size == b.size);
  CHECK(a.stride_h == b.stride_h);
  CHECK(a.stride_w == b.stride_w);
  CHECK(a.dilation_h == b.dilation_h);
  CHECK(a.dilation_w == b.dilation_w);
  CHECK(a.bits == b.bits);
}

void require_same(const Architecture &a, const Architecture &b) {
  CHECK(a.name == b.name);
  CHECK(a.mac_pj == b.mac_pj);
  REQUIRE(a.levels.size() == b.levels.size());
  for (std::size_t i = 0; i < a.levels.size(); ++i) {
    const Level &x = a.levels[i], &y = b.levels[i];
    CHECK(x.name == y.name);
    CHECK(x.capacity_words == y.capacity_words);
    CHECK(x.capacity_bytes == y.capacity_bytes);
    CHECK(x.keeps == y.keeps);
    CHECK(x.read_pj == y.read_pj);
    CHECK(x.write_pj == y.write_pj);
    CHECK(x.fanout.x == y.fanout.x);
    CHECK(x.fanout.y == y.fanout.y);
    CHECK(x.fanout.multicast == y.fanout.multicast);
    CHECK(x.fanout.reduction == y.fanout.reduction);
    CHECK(x.fanout.hop_pj == y.fanout.hop_pj);
    CHECK(x.read_bw == y.read_bw);
    CHECK(x.write_bw == y.write_bw);
    CHECK(x.area_um2 == y.area_um2);
    CHECK(x.double_buffered == y.double_buffered);
  }
}

// Written, printed, parsed again.
Problem round_trip(const Problem &p) {
  return problem_from_json(parse_json(dump_json(to_json(p)), "rt.json"), "rt.json");
}

} // namespace

TEST_CASE("problem: conv with defaults, strides, dilation and bits", "[correctness]") {
  const Problem p = problem_of(R"({"name": "c", "K": 64, "C": 3, "P": 112, "Q": 112, "R": 7,
      "S": 7, "stride": [2, 2], "bits": {"W": 8, "I": 8, "O": 32}})");
  CHECK(p.type == ProblemType::Conv);
  CHECK(p.extent(Dim::N) == 1); // missing dimensions are 1
  CHECK(p.extent(Dim::G) == 1);
  CHECK(p.extent(Dim::K) == 64);
  CHECK(p.extent(Dim::C) == 3);
  CHECK(p.stride_h == 2);
  CHECK(p.stride_w == 2);
  CHECK(p.dilation_h == 1);
  CHECK(p.bits == OperandArray<int>{8, 8, 32});
  require_same(round_trip(p), p);

  const Problem q = problem_of(R"({"P": 5, "stride": 3, "dilation": [2, 1], "bits": 8})");
  CHECK(q.stride_h == 3);
  CHECK(q.stride_w == 3);
  CHECK(q.dilation_h == 2);
  CHECK(q.dilation_w == 1);
  CHECK(q.bits == OperandArray<int>{8, 8, 8});
  CHECK(q.name == "p"); // named after the file
  require_same(round_trip(q), q);
}

TEST_CASE("problem: C and K are totals that groups divide", "[correctness]") {
  // AlexNet CONV2: 96 input and 256 output channels in 2 groups.
  const Problem p = problem_of(
      R"({"name": "conv2", "C": 96, "K": 256, "groups": 2, "P": 27, "Q": 27, "R": 5, "S": 5})");
  CHECK(p.extent(Dim::C) == 48);
  CHECK(p.extent(Dim::K) == 128);
  CHECK(p.extent(Dim::G) == 2);
  CHECK(p.macs() == 2LL * 48 * 128 * 27 * 27 * 25);
  const Json j = to_json(p);
  CHECK(j["C"] == 96); // written back as totals
  CHECK(j["K"] == 256);
  CHECK(j["groups"] == 2);
  require_same(round_trip(p), p);
  // "G" is accepted for "groups".
  require_same(problem_of(R"({"name": "conv2", "C": 96, "K": 256, "G": 2, "P": 27, "Q": 27,
                               "R": 5, "S": 5})"),
               p);
}

TEST_CASE("problem: gemm aliases M -> N, K -> C, N -> K", "[correctness]") {
  const Problem p = problem_of(R"({"type": "gemm", "M": 128, "K": 784, "N": 1000})");
  CHECK(p.type == ProblemType::Gemm);
  CHECK(p.extent(Dim::N) == 128);  // rows (batch)
  CHECK(p.extent(Dim::C) == 784);  // reduction
  CHECK(p.extent(Dim::K) == 1000); // output columns
  for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S, Dim::G})
    CHECK(p.extent(d) == 1);
  const Json j = to_json(p);
  CHECK(j["type"] == "gemm");
  CHECK(j["M"] == 128);
  CHECK(j["K"] == 784);
  CHECK(j["N"] == 1000);
  require_same(round_trip(p), p);
  const Problem b = problem_of(R"({"type": "gemm", "M": 4, "K": 5, "N": 6, "batch": 3})");
  CHECK(b.extent(Dim::G) == 3);
  require_same(round_trip(b), b);
}

TEST_CASE("problem: gemm in the convolution's names N, C, K", "[correctness]") {
  // The form of schedules/networks/*.json: N rows, C reduction, K columns.
  const Problem p = problem_of(R"({"type": "gemm", "N": 128, "K": 2000, "C": 1000})");
  CHECK(p.extent(Dim::N) == 128);
  CHECK(p.extent(Dim::C) == 1000);
  CHECK(p.extent(Dim::K) == 2000);
  require_same(p, problem_of(R"({"type": "gemm", "M": 128, "K": 1000, "N": 2000})"));
}

TEST_CASE("problem: depthwise takes C channels as groups", "[correctness]") {
  const Problem p = problem_of(
      R"({"type": "depthwise", "C": 144, "P": 56, "Q": 56, "R": 3, "S": 3, "stride": 2})");
  CHECK(p.type == ProblemType::Depthwise);
  CHECK(p.extent(Dim::G) == 144);
  CHECK(p.extent(Dim::C) == 1);
  CHECK(p.extent(Dim::K) == 1);
  CHECK(p.stride_h == 2);
  require_same(round_trip(p), p);
  // "groups" may repeat C (the form of schedules/networks/*.json).
  require_same(problem_of(R"({"type": "depthwise", "C": 144, "K": 144, "groups": 144, "P": 56,
                             "Q": 56, "R": 3, "S": 3, "stride": 2})"),
               p);
  // A channel multiplier: K = 2 * C.
  const Problem m = problem_of(R"({"type": "depthwise", "C": 8, "K": 16, "R": 3, "S": 3})");
  CHECK(m.extent(Dim::G) == 8);
  CHECK(m.extent(Dim::K) == 2);
  require_same(round_trip(m), m);
}

TEST_CASE("network: layers with repeat round trip", "[correctness]") {
  const Json j = parse_json(R"({"name": "net", "layers": [
      {"name": "a", "C": 3, "K": 8, "P": 4, "Q": 4, "R": 3, "S": 3},
      {"name": "b", "type": "gemm", "M": 2, "K": 8, "N": 4, "repeat": 3}]})",
                            "n.json");
  const Network n = network_from_json(j, "n.json");
  CHECK(n.name == "net");
  REQUIRE(n.layers.size() == 2);
  CHECK(n.layers[0].repeat == 1);
  CHECK(n.layers[1].repeat == 3);
  CHECK(n.layers[1].problem.extent(Dim::C) == 8);
  const Network back = network_from_json(parse_json(dump_json(to_json(n)), "rt.json"), "rt.json");
  REQUIRE(back.layers.size() == 2);
  CHECK(back.layers[1].repeat == 3);
  require_same(back.layers[0].problem, n.layers[0].problem);
  require_same(back.layers[1].problem, n.layers[1].problem);
}

TEST_CASE("network: batch fills the rows of layers that leave them out", "[correctness]") {
  const Network n = network_from_json(parse_json(R"({"name": "mlp", "batch": 16,
      "description": "d", "source": "s", "layers": [
      {"type": "gemm", "M": 16, "K": 8, "N": 4}, {"type": "gemm", "K": 4, "N": 2, "M": 16},
      {"C": 3, "K": 8, "P": 4}]})",
                                                 "n.json"),
                                      "n.json");
  CHECK(n.layers[0].problem.extent(Dim::N) == 16);
  CHECK(n.layers[2].problem.extent(Dim::N) == 16);
  CHECK(n.layers[2].problem.name == "layer3");
}

TEST_CASE("the network zoo's JSON files read back as the built-in networks", "[correctness]") {
  for (const std::string &name : builtin_network_names()) {
    INFO(name);
    const std::string file =
        std::string(TESSEL_SOURCE_DIR) + "/schedules/networks/" + name + ".json";
    const Network read = load_network(file);
    const Network builtin = builtin_network(name);
    CHECK(read.name == builtin.name);
    REQUIRE(read.layers.size() == builtin.layers.size());
    for (std::size_t i = 0; i < read.layers.size(); ++i) {
      INFO("layer " << i);
      require_same(read.layers[i].problem, builtin.layers[i].problem);
      CHECK(read.layers[i].repeat == builtin.layers[i].repeat);
    }
    // And our own writer's text reads back the same.
    const Network again = network_from_json(parse_json(dump_json(to_json(read)), "rt"), "rt");
    REQUIRE(again.layers.size() == read.layers.size());
    for (std::size_t i = 0; i < read.layers.size(); ++i)
      require_same(again.layers[i].problem, read.layers[i].problem);
  }
}

TEST_CASE("architecture: every field round trips", "[correctness]") {
  const Architecture a = arch_of(R"({"name": "t", "mac_pj": 0.5, "levels": [
      {"name": "RF", "capacity_bytes": 64, "keeps": ["W", "O"], "read_pj": 0.1,
       "write_pj": 0.2, "read_bw": 2, "write_bw": 1.5, "area_um2": 100, "double_buffered": true,
       "fanout": {"x": 2, "y": 1, "multicast": false, "reduction": false, "hop_pj": 0.01}},
      {"name": "GB", "capacity_words": 4096, "read_pj": 3,
       "fanout": {"x": 4, "y": 8, "hop_pj": 1}},
      {"name": "DRAM", "read_pj": 100}]})");
  CHECK(a.mac_pj == 0.5);
  CHECK(a.levels[0].capacity_bytes == 64);
  CHECK(a.levels[0].keeps == OperandArray<bool>{true, false, true});
  CHECK_FALSE(a.levels[0].fanout.multicast);
  CHECK(a.levels[0].double_buffered);
  CHECK(a.levels[1].write_pj == 3); // write_pj defaults to read_pj
  CHECK(a.levels[1].fanout.multicast);
  CHECK(a.levels[1].fanout.size() == 32);
  CHECK(a.levels[2].keeps == OperandArray<bool>{true, true, true});
  CHECK(a.num_pes() == 64);
  const Architecture back =
      architecture_from_json(parse_json(dump_json(to_json(a)), "rt.json"), "rt.json");
  require_same(back, a);
}

TEST_CASE("built-in architectures round trip and validate", "[correctness]") {
  for (const std::string &name : builtin_architecture_names()) {
    INFO(name);
    const Architecture a = builtin_architecture(name);
    validate(a);
    require_same(architecture_from_json(parse_json(dump_json(to_json(a)), "rt"), "rt"), a);
  }
  const Architecture e = builtin_architecture("eyeriss");
  CHECK(builtin_architecture_names().front() == "eyeriss");
  CHECK(e.num_pes() == 256);
  CHECK(e.levels[0].capacity_words == 256);
  CHECK(e.levels[1].capacity_words == 65536);
  CHECK(e.levels[2].read_pj == 200);
}

TEST_CASE("mapping: levels outermost first in JSON, innermost first in memory", "[correctness]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const Mapping m = eyeriss_row_stationary_alexnet_conv3();
  const Json j = to_json(m, a);
  REQUIRE(j["levels"].size() == 3);
  CHECK(j["levels"][0]["level"] == "DRAM");
  CHECK(j["levels"][2]["level"] == "RF");
  CHECK(j["levels"][1]["spatial"][0] == Json::parse(R"(["P", 13, "x"])"));
  CHECK_FALSE(j.contains("bypass"));
  const Mapping back = mapping_from_json(parse_json(dump_json(j), "m.json"), p, a, "m.json");
  CHECK(back == m);

  // Levels are matched by name, in any order; "spatial" and "temporal" may be left out.
  const Mapping shuffled = mapping_from_json(parse_json(R"({"levels": [
      {"level": "RF", "temporal": [["K", 6], ["C", 4], ["Q", 13], ["S", 3]]},
      {"level": "DRAM", "temporal": [["C", 2], ["K", 16]]},
      {"level": "GB", "temporal": [["K", 4], ["C", 8]],
       "spatial": [["P", 13, "x"], ["R", 3, "y"], ["C", 4, "y"]]}]})",
                                                        "m.json"),
                                             p, a, "m.json");
  CHECK(shuffled == m);
}

TEST_CASE("mapping: bypass round trips", "[correctness]") {
  const Problem p = problem_of(R"({"K": 4, "C": 4, "P": 4})");
  const Architecture a = builtin_architecture("eyeriss");
  const Mapping m = mapping_from_json(parse_json(R"({"levels": [
      {"level": "DRAM", "temporal": [["K", 4]]},
      {"level": "GB", "temporal": [["C", 4]], "spatial": [["P", 4, "y"]]},
      {"level": "RF", "temporal": []}], "bypass": {"RF": ["I"], "GB": ["W", "O"]}})",
                                                 "m.json"),
                                      p, a, "m.json");
  REQUIRE(m.bypass.size() == 3);
  CHECK(m.bypass[0] == OperandArray<bool>{false, true, false});
  CHECK(m.bypass[1] == OperandArray<bool>{true, false, true});
  CHECK(m.bypass[2] == OperandArray<bool>{false, false, false});
  CHECK_FALSE(keeps(a, m, 0, Operand::I));
  const Json j = to_json(m, a);
  CHECK(j["bypass"]["RF"] == Json::parse(R"(["I"])"));
  CHECK(mapping_from_json(parse_json(dump_json(j), "rt"), p, a, "rt") == m);
}

TEST_CASE("the built-in row-stationary mapping is legal and fits", "[correctness]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const Mapping m = builtin_mapping("eyeriss_rs_alexnet_conv3");
  CHECK(default_mapping_name("eyeriss", "alexnet_conv3") == "eyeriss_rs_alexnet_conv3");
  REQUIRE_NOTHROW(validate(m, p, a));
  REQUIRE_NOTHROW(check_capacity(p, a, m));
  CHECK(is_perfect(m, p));
  const std::vector<LevelUsage> u = capacity_usage(p, a, m);
  CHECK(u[0].used == 72 + 60 + 78); // derivation in schedules/builtin_mappings.cpp
  CHECK(u[1].used == 27648 + 28800 + 4056);
  const Evaluation e = evaluate(p, a, m);
  CHECK(e.counts.macs == 149520384);
  CHECK(e.used_pes == 156);
  CHECK(e.compute_cycles == 958464);
  CHECK(e.cycles == 958464);
  CHECK(e.utilization == Approx(156.0 / 256.0));
}

TEST_CASE("examples/ hold the built-ins as JSON files", "[correctness]") {
  const std::string dir = std::string(TESSEL_SOURCE_DIR) + "/examples/";
  const Architecture a = load_architecture(dir + "eyeriss.json");
  require_same(a, builtin_architecture("eyeriss"));
  const Problem p = load_problem(dir + "alexnet_conv3.json");
  require_same(p, builtin_problem("alexnet_conv3"));
  CHECK(load_mapping(dir + "eyeriss_rs_alexnet_conv3.json", p, a) ==
        eyeriss_row_stationary_alexnet_conv3());
}

TEST_CASE("eval result: the interface field names and consistent totals", "[correctness]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const Evaluation e = evaluate(p, a, eyeriss_row_stationary_alexnet_conv3());
  const Json j = parse_json(dump_json(to_json(e, p, a)), "eval.json");
  for (const char *key : {"macs", "energy_pj", "pj_per_mac", "cycles", "utilization", "levels",
                          "fanouts", "mac_energy_pj", "compute_cycles", "bound", "losses"})
    CHECK(j.contains(key));
  CHECK(j["macs"] == p.macs());
  CHECK(j["cycles"] == e.cycles);
  CHECK(j["bound"] == "compute");
  REQUIRE(j["levels"].size() == 3);
  CHECK(j["levels"][0]["name"] == "RF");
  double total = j["mac_energy_pj"].get<double>();
  for (const Json &l : j["levels"]) {
    for (const char *o : {"W", "I", "O"})
      for (const char *f : {"reads", "writes", "fills", "updates"})
        CHECK(l["operands"][o].contains(f));
    CHECK(l["operands"]["O"]["writes"].get<std::int64_t>() ==
          l["operands"]["O"]["fills"].get<std::int64_t>() +
              l["operands"]["O"]["updates"].get<std::int64_t>());
    total += l["energy_pj"].get<double>();
  }
  CHECK(j["levels"][1]["capacity"]["used"] == 60504);
  CHECK(j["levels"][1]["capacity"]["capacity"] == 65536);
  CHECK(j["levels"][2]["capacity"]["capacity"].is_null());
  bool gb_fanout = false;
  for (const Json &f : j["fanouts"]) {
    total += f["energy_pj"].get<double>();
    if (f["level"] == "GB") {
      gb_fanout = true;
      CHECK(f["operands"]["W"]["words"] == e.counts.fanouts[1].words[idx(Operand::W)]);
    }
  }
  CHECK(gb_fanout);
  CHECK(total == Approx(j["energy_pj"].get<double>()));
  CHECK(j["pj_per_mac"].get<double>() ==
        Approx(j["energy_pj"].get<double>() / static_cast<double>(p.macs())));
  REQUIRE(j["losses"].size() == 3);
  CHECK(j["losses"][0]["cause"] == "spatial mapping");
}

TEST_CASE("dump_json keeps loops on one line and reads back the same", "[correctness]") {
  const Json j = parse_json(R"({"a": [["K", 2], ["C", 4]], "b": {"c": [1, 2, 3], "d": "x"},
                               "e": [], "f": {}})",
                            "j");
  const std::string text = dump_json(j);
  CHECK(text.find(R"([["K", 2], ["C", 4]])") != std::string::npos);
  CHECK(parse_json(text, "j") == j);
  CHECK(text.back() == '\n');
}

TEST_CASE("loop_nest_text prints levels, loops, spatial loops and the MAC", "[correctness]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const std::string text = loop_nest_text(p, a, eyeriss_row_stationary_alexnet_conv3());
  CHECK_THAT(text, Catch::Contains("// level GB: keeps W I O; tile W 27648 + I 28800 + O 4056 = "
                                   "60504 of 65536 words"));
  CHECK_THAT(text, Catch::Contains("for c0 in 0..2:"));
  CHECK_THAT(text, Catch::Contains("parallel_for p in 0..13:  // spatial x on GB's 16x16 fanout"));
  CHECK_THAT(text, Catch::Contains("c = 128*c0 + 16*c1 + 4*c2 + c3"));
  CHECK_THAT(text, Catch::Contains("O[k][p][q] += I[c][p + r][q + s] * W[k][c][r][s]"));

  // Imperfect factors are guarded; strides show in the input index.
  const Problem q = problem_of(R"({"K": 10, "P": 7, "R": 3, "stride": 2})");
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {{Dim::K, 4}};
  m.levels[1].temporal = {{Dim::P, 7}};
  m.levels[0].temporal = {{Dim::K, 3}, {Dim::R, 3}};
  validate(m, q, a);
  const std::string t = loop_nest_text(q, a, m);
  CHECK_THAT(t, Catch::Contains("k = 3*k0 + k1"));
  CHECK_THAT(t, Catch::Contains("if k < 10:"));
  CHECK_THAT(t, Catch::Contains("O[k][p] += I[2*p + r] * W[k][r]"));
}

// tessel eval and tessel explore print a mapping both as a loop nest and as DSL code: the
// same loop has the same name in both.
TEST_CASE("loop_nest_text names loops as the printed DSL code does", "[correctness]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const Mapping m = eyeriss_row_stationary_alexnet_conv3();
  std::vector<std::string> nest_names; // outermost first, as the text lists them
  std::istringstream text(loop_nest_text(p, a, m));
  for (std::string line; std::getline(text, line);) {
    std::istringstream words(line);
    std::string keyword, name;
    words >> keyword >> name;
    if (keyword == "for" || keyword == "parallel_for") nest_names.push_back(name);
  }
  std::vector<std::string> dsl_names; // the schedule's loops with trip > 1, outermost first
  const std::vector<PlacedLoop> nest = flatten(m);
  const std::vector<std::string> innermost_first = schedule_from_mapping(p, a, m).loop_names();
  REQUIRE(innermost_first.size() == nest.size());
  for (std::size_t i = 0; i < nest.size(); ++i)
    if (nest[i].loop.trip > 1) dsl_names.push_back(innermost_first[nest.size() - 1 - i]);
  CHECK(nest_names.size() >= 8);
  CHECK(nest_names == dsl_names);
}
