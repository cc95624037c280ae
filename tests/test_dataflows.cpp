// The named dataflows (schedules/dataflows.hpp): every one maps every layer of AlexNet
// (conv and FC) and ResNet-50 on the default architecture and on the architecture it was
// published for, with the structure that makes it that dataflow; the layers it cannot map
// fail with a UserError naming the dataflow, the layer and the reason; the CLI's
// --dataflow option.
#include "cost_model/evaluation.hpp"
#include "cost_model/json_io.hpp"
#include "explorer/search.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/builtin_problems.hpp"
#include "schedules/dataflow_template.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"
#include "support/run_cli.hpp"

#include "support/error_of.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <sys/wait.h>

using namespace tessel;
using tessel::test::error_of;
using tessel::test::run_cli;
using tessel::test::TempDir;

namespace {

struct SpatialLoops {
  std::vector<Loop> x, y;
};

SpatialLoops spatial_at(const Mapping &m, int level) {
  SpatialLoops s;
  for (const Loop &l : m.levels[level].spatial)
    (l.kind == LoopKind::SpatialX ? s.x : s.y).push_back(l);
  return s;
}

bool only_dims(const std::vector<Loop> &loops, std::set<Dim> allowed) {
  return std::all_of(loops.begin(), loops.end(),
                     [&](const Loop &l) { return allowed.count(l.dim) > 0; });
}

std::int64_t trips_of(const std::vector<Loop> &loops, Dim d) {
  std::int64_t t = 1;
  for (const Loop &l : loops)
    if (l.dim == d) t *= l.trip;
  return t;
}

// The structure every dataflow mapping has, and the structure of each dataflow.
void check_structure(const std::string &dataflow, const Problem &p, const Architecture &a,
                     const Mapping &m) {
  const int array = pe_array_level(a);
  REQUIRE(array >= 0);
  for (int l = 0; l < a.num_levels(); ++l)
    if (l != array) CHECK(m.levels[l].spatial.empty());
  const SpatialLoops s = spatial_at(m, array);
  // A dimension is imperfect (covered with a guarded last pass) only if it is spatial.
  for (Dim d : kAllDims)
    if (total_trips(m, d) != p.extent(d)) CHECK(trips_of(m.levels[array].spatial, d) > 1);
  // The spatial loops stay within the dataflow's constraints.
  const Constraints c = dataflow_constraints(dataflow, a);
  const std::string &level = a.levels[array].name;
  const auto allowed = [](const std::vector<Dim> &v) { return std::set<Dim>(v.begin(), v.end()); };
  CHECK(only_dims(s.x, allowed(c.spatial_x.at(level))));
  CHECK(only_dims(s.y, allowed(c.spatial_y.at(level))));
  const auto per_pe_keeps = [&](Operand o) {
    for (int l = 0; l < array; ++l)
      if (keeps(a, m, l, o)) return true;
    return false;
  };

  if (dataflow == "row_stationary") {
    // All R filter rows on the y axis, one loop of trip R, and no other R loop.
    if (p.extent(Dim::R) > 1) {
      CHECK(trips_of(s.y, Dim::R) == p.extent(Dim::R));
      CHECK(total_trips(m, Dim::R) == p.extent(Dim::R));
    }
    CHECK(only_dims(s.y, {Dim::R, Dim::C, Dim::G}));
    CHECK(only_dims(s.x, {Dim::P, Dim::K, Dim::N}));
    // Output rows go on x first.
    if (p.extent(Dim::P) > 1) CHECK(trips_of(s.x, Dim::P) > 1);
  } else if (dataflow == "weight_stationary" || dataflow == "no_local_reuse" ||
             dataflow == "gemmini_ws") {
    CHECK(only_dims(s.y, {Dim::C}));
    CHECK(only_dims(s.x, {Dim::K, Dim::G}));
  } else if (dataflow == "output_stationary") {
    // Only dimensions an output word has: no partial sum crosses the array.
    CHECK(only_dims(s.y, {Dim::P, Dim::N, Dim::G, Dim::K}));
    CHECK(only_dims(s.x, {Dim::Q, Dim::K}));
    if (p.extent(Dim::P) > 1) CHECK(trips_of(s.y, Dim::P) > 1);
    if (p.extent(Dim::Q) > 1) CHECK(trips_of(s.x, Dim::Q) > 1);
  } else if (dataflow == "gemmini_os") {
    CHECK(only_dims(s.y, {Dim::Q, Dim::P, Dim::N}));
    CHECK(only_dims(s.x, {Dim::K, Dim::G}));
  }
  if (dataflow == "no_local_reuse")
    for (Operand o : kAllOperands)
      CHECK_FALSE(per_pe_keeps(o));
  if (dataflow == "gemmini_ws" || dataflow == "gemmini_os") {
    const Operand stays = dataflow == "gemmini_ws" ? Operand::W : Operand::O;
    for (Operand o : kAllOperands)
      if (o != stays) CHECK_FALSE(per_pe_keeps(o));
    // One word per PE: no loop inside the array.
    for (int l = 0; l < array; ++l)
      for (Dim d : kAllDims)
        CHECK(tile_extent(m, l, d) == 1);
  }
  // The stationary operand of the PE stays while the array level's loops run: when the
  // array level has a loop of a dimension the operand does not depend on, its innermost
  // loop is one of those.
  const auto stays_innermost = [&](Operand o) {
    const auto &t = m.levels[array].temporal;
    if (std::any_of(t.begin(), t.end(), [&](const Loop &l) { return !relevant(o, l.dim); }))
      CHECK_FALSE(relevant(o, t.back().dim));
  };
  if (dataflow == "weight_stationary" || dataflow == "gemmini_ws") stays_innermost(Operand::W);
  if (dataflow == "output_stationary" || dataflow == "gemmini_os" || dataflow == "row_stationary")
    stays_innermost(Operand::O);
}

} // namespace

TEST_CASE("dataflows: names, descriptions and published architectures", "[correctness]") {
  CHECK(dataflow_names() == std::vector<std::string>{"row_stationary", "weight_stationary",
                                                     "output_stationary", "no_local_reuse",
                                                     "gemmini_ws", "gemmini_os"});
  for (const DataflowInfo &info : dataflow_infos()) {
    INFO(info.name);
    CHECK(is_dataflow(info.name));
    CHECK(is_builtin_architecture(info.architecture));
    CHECK_FALSE(info.summary.empty());
    CHECK_FALSE(info.source.empty());
    CHECK(&dataflow_info(info.name) != nullptr);
  }
  CHECK(dataflow_info("row_stationary").architecture == "eyeriss");
  CHECK(dataflow_info("weight_stationary").architecture == "nvdla_like");
  CHECK(dataflow_info("output_stationary").architecture == "shidiannao_like");
  CHECK(dataflow_info("no_local_reuse").architecture == "diannao_like");
  CHECK(dataflow_info("gemmini_ws").architecture == "gemmini");
  CHECK(dataflow_info("gemmini_os").architecture == "gemmini");
  CHECK_FALSE(is_dataflow("rs"));
}

TEST_CASE("dataflows: the published architectures", "[correctness]") {
  for (const std::string name :
       {"tpu_like", "nvdla_like", "shidiannao_like", "diannao_like", "gemmini"}) {
    INFO(name);
    const Architecture a = builtin_architecture(name);
    validate(a);
    CHECK(a.num_pes() == 256);
    CHECK(a.levels.back().name == "DRAM");
    CHECK(a.levels.back().read_pj == 200.0);
    CHECK(a.mac_pj == 1.0);
  }
  // Which levels keep which operands.
  const auto keeps_of = [](const Level &l) {
    std::string s;
    for (Operand o : kAllOperands)
      if (l.keeps[idx(o)]) s += operand_name(o);
    return s;
  };
  const Architecture tpu = builtin_architecture("tpu_like");
  CHECK(keeps_of(tpu.levels[0]) == "W");
  CHECK(keeps_of(tpu.levels[1]) == "O");
  CHECK(keeps_of(tpu.levels[2]) == "WI");
  CHECK(tpu.levels[1].fanout.reduction);
  const Architecture dn = builtin_architecture("diannao_like");
  CHECK(pe_array_level(dn) == 0); // the MAC units sit right under NBout
  CHECK(dn.levels[0].capacity_bytes == 2048);
  CHECK(dn.levels[2].capacity_bytes == 32768);
  CHECK_FALSE(builtin_architecture("shidiannao_like").levels[1].fanout.reduction);
  const Architecture g = builtin_architecture("gemmini");
  CHECK(g.levels[1].capacity_bytes == 64 * 1024);
  CHECK(g.levels[2].capacity_bytes == 256 * 1024);
}

TEST_CASE("dataflows: every dataflow maps every AlexNet and ResNet-50 layer on eyeriss and "
          "on its own architecture",
          "[correctness]") {
  // No layer of these networks is expected to fail: every dimension that must lie whole on
  // an axis (row stationary's R <= 11) fits the 16x16 arrays, and every level can hold the
  // smallest tile each dataflow needs. (The failures are tested below on other arrays.)
  const Network alexnet = builtin_network("alexnet_full");
  const Network resnet = builtin_network("resnet50");
  int mapped = 0;
  for (const std::string &dataflow : dataflow_names()) {
    std::vector<std::string> archs = {"eyeriss", dataflow_info(dataflow).architecture};
    if (dataflow == "weight_stationary") archs.push_back("tpu_like");
    for (const std::string &arch_name : archs) {
      const Architecture a = builtin_architecture(arch_name);
      for (const Network *net : {&alexnet, &resnet})
        for (const Layer &layer : net->layers) {
          const Problem &p = layer.problem;
          INFO(dataflow << " on " << arch_name << ": " << net->name << " " << p.name);
          Mapping m;
          REQUIRE_NOTHROW(m = dataflow_mapping(dataflow, p, a));
          REQUIRE_NOTHROW(validate(m, p, a));
          REQUIRE_NOTHROW(check_capacity(p, a, m));
          const Evaluation e = evaluate(p, a, m);
          CHECK(e.counts.macs == p.macs());
          CHECK(e.utilization > 0.0);
          CHECK(e.utilization <= 1.0);
          check_structure(dataflow, p, a, m);
          ++mapped;
        }
    }
  }
  CHECK(mapped == (6 * 2 + 1) * static_cast<int>(alexnet.layers.size() + resnet.layers.size()));
}

TEST_CASE("dataflows: the schedule is DSL code that lowers to the mapping", "[correctness]") {
  const Problem conv3 = builtin_problem("alexnet_conv3");
  const Architecture eyeriss = builtin_architecture("eyeriss");
  for (const std::string &dataflow : dataflow_names()) {
    INFO(dataflow);
    const Schedule s = dataflow_schedule(dataflow, conv3, eyeriss);
    const Mapping m = dataflow_mapping(dataflow, conv3, eyeriss);
    CHECK(s.lower().mapping == m);
    CHECK(dataflow_mapping(dataflow, conv3, eyeriss) == m); // deterministic
    const std::string code = dataflow_schedule_code(dataflow, conv3, eyeriss);
    CHECK_THAT(code, Catch::StartsWith("// Dataflow " + dataflow + ": "));
    CHECK_THAT(code, Catch::Contains("Schedule sched(problem, arch);"));
    CHECK_THAT(code, Catch::EndsWith("return sched;\n"));
  }
  // Row stationary on CONV3: R whole on y, C fills the rest of y (16 / 3 -> 4), P = 13 on x;
  // the RF holds a filter row and the output row (S3, Q13) for 6 filters and 4 channels,
  // as the hand-written eyeriss_rs_alexnet_conv3 does.
  const Mapping rs = dataflow_mapping("row_stationary", conv3, eyeriss);
  CHECK(rs.levels[1].spatial == std::vector<Loop>{{Dim::P, 13, LoopKind::SpatialX},
                                                  {Dim::C, 4, LoopKind::SpatialY},
                                                  {Dim::R, 3, LoopKind::SpatialY}});
  CHECK(rs.levels[0].temporal ==
        std::vector<Loop>{{Dim::K, 6}, {Dim::C, 4}, {Dim::Q, 13}, {Dim::S, 3}});
  const std::string code = dataflow_schedule_code("row_stationary", conv3, eyeriss);
  CHECK_THAT(code, Catch::Contains("sched.spatial(r, Axis::Y);"));
  CHECK_THAT(code, Catch::Contains("sched.spatial(p, Axis::X);"));
  // Weight stationary on CONV3: K16 x C16; each RF keeps 4 x 4 whole 3x3 filters.
  const Mapping ws = dataflow_mapping("weight_stationary", conv3, eyeriss);
  CHECK(ws.levels[1].spatial ==
        std::vector<Loop>{{Dim::K, 16, LoopKind::SpatialX}, {Dim::C, 16, LoopKind::SpatialY}});
  CHECK(ws.levels[0].temporal ==
        std::vector<Loop>{{Dim::K, 4}, {Dim::C, 4}, {Dim::R, 3}, {Dim::S, 3}});
}

TEST_CASE("dataflows: imperfect spatial factors only where a divisor wastes the axis",
          "[correctness]") {
  const Architecture eyeriss = builtin_architecture("eyeriss");
  const Network alexnet = builtin_network("alexnet");
  // CONV2: P = 27 on 16 columns: the divisor 9 would use 9 of 16, so 14 + 13 rows in two
  // guarded passes.
  const Problem &conv2 = alexnet.layers[1].problem;
  const Mapping m = dataflow_mapping("row_stationary", conv2, eyeriss);
  CHECK(trips_of(m.levels[1].spatial, Dim::P) == 14);
  CHECK(total_trips(m, Dim::P) == 28);
  CHECK(evaluate(conv2, eyeriss, m).counts.macs == conv2.macs());
  // CONV3: P = 13 fits whole.
  CHECK(is_perfect(dataflow_mapping("row_stationary", alexnet.layers[2].problem, eyeriss),
                   alexnet.layers[2].problem));
}

TEST_CASE("dataflows: layers that cannot be mapped say which, where and why", "[error]") {
  const Problem conv3 = builtin_problem("alexnet_conv3");
  const Problem conv1 = builtin_network("alexnet").layers[0].problem;
  Architecture small = builtin_architecture("eyeriss");
  small.name = "eyeriss_8x8";
  small.levels[1].fanout.x = small.levels[1].fanout.y = 8;
  CHECK(error_of([&] { dataflow_mapping("row_stationary", conv1, small); }) ==
        "dataflow row_stationary: cannot map layer 'conv1' on architecture 'eyeriss_8x8': "
        "filter height R = 11 exceeds the y axis (8) of the 8x8 PE array under level 'GB'; "
        "row stationary puts the R rows of a filter on one column of PEs, one row per PE");
  // The other dataflows map it.
  for (const std::string &dataflow : dataflow_names())
    if (dataflow != "row_stationary") CHECK_NOTHROW(dataflow_mapping(dataflow, conv1, small));

  Architecture flat = builtin_architecture("eyeriss");
  flat.name = "flat";
  flat.levels[1].fanout = Fanout{};
  CHECK(error_of([&] { dataflow_mapping("weight_stationary", conv3, flat); }) ==
        "dataflow weight_stationary: cannot map layer 'alexnet_conv3' on architecture 'flat': "
        "the architecture has no PE array (no level has a fanout larger than 1x1)");
  CHECK(error_of([&] { dataflow_constraints("weight_stationary", flat); }) ==
        "dataflow weight_stationary: architecture 'flat' has no PE array (no level has a "
        "fanout larger than 1x1)");

  // A register file too small for one word of each operand the dataflow keeps there.
  Architecture tiny = builtin_architecture("eyeriss");
  tiny.levels[0].capacity_words = 2;
  CHECK(error_of([&] { dataflow_mapping("output_stationary", conv3, tiny); }) ==
        "dataflow output_stationary: cannot map layer 'alexnet_conv3' on architecture "
        "'eyeriss': level 'RF' holds 2 words but the smallest tile this dataflow puts there "
        "needs 3 words (W 1 word, I 1 word, O 1 word)");
  // ... which a dataflow that keeps nothing in the PE does not need.
  CHECK_NOTHROW(dataflow_mapping("no_local_reuse", conv3, tiny));

  // Gemmini's 4-byte PE register holds a 32-bit accumulator or an 8-bit weight, not both:
  // gemmini_os and gemmini_ws fit, row stationary (which keeps W and O in the PE) does not.
  Problem int8 = conv3;
  int8.bits = {8, 8, 32};
  const Architecture gemmini = builtin_architecture("gemmini");
  CHECK_NOTHROW(dataflow_mapping("gemmini_os", int8, gemmini));
  CHECK_NOTHROW(dataflow_mapping("gemmini_ws", int8, gemmini));
  CHECK(error_of([&] { dataflow_mapping("row_stationary", int8, gemmini); }) ==
        "dataflow row_stationary: cannot map layer 'alexnet_conv3' on architecture 'gemmini': "
        "level 'RF' holds 4 bytes but the smallest tile this dataflow puts there needs 5 bytes "
        "(W 1 word, O 1 word)");

  CHECK(error_of([&] { dataflow_mapping("rs", conv3, small); }) ==
        "dataflow 'rs': no such dataflow; the dataflows are row_stationary, weight_stationary, "
        "output_stationary, no_local_reuse, gemmini_ws, gemmini_os");
}

TEST_CASE("dataflows: as explorer constraints", "[correctness]") {
  const Architecture eyeriss = builtin_architecture("eyeriss");
  const Constraints rs = dataflow_constraints("row_stationary", eyeriss);
  CHECK(rs.spatial_x.at("GB") == std::vector<Dim>{Dim::P, Dim::K, Dim::N});
  CHECK(rs.spatial_y.at("GB") == std::vector<Dim>{Dim::R, Dim::C, Dim::G});
  CHECK(rs.spatial_x.size() == 1);
  const Constraints os = dataflow_constraints("output_stationary", eyeriss);
  CHECK(os.spatial_x.at("GB") == std::vector<Dim>{Dim::Q, Dim::K});
  CHECK(os.spatial_y.at("GB") == std::vector<Dim>{Dim::P, Dim::N, Dim::G, Dim::K});
  validate(rs, eyeriss);

  // The explorer under a dataflow's constraints: on a small layer and a 4x4 array, it finds
  // a mapping whose spatial loops obey them, at most as costly as the template's own (which
  // is in its mapspace: perfect factors, no bypass).
  Architecture small = eyeriss;
  small.levels[0].capacity_words = 32;
  small.levels[1].capacity_words = 2048;
  small.levels[1].fanout.x = small.levels[1].fanout.y = 4;
  Problem p;
  p.name = "small";
  p.size[idx(Dim::K)] = 8;
  p.size[idx(Dim::C)] = 4;
  p.size[idx(Dim::P)] = 4;
  p.size[idx(Dim::Q)] = 4;
  p.size[idx(Dim::R)] = 3;
  p.size[idx(Dim::S)] = 3;
  for (const std::string dataflow : {"row_stationary", "weight_stationary"}) {
    INFO(dataflow);
    const Mapping own = dataflow_mapping(dataflow, p, small);
    REQUIRE(is_perfect(own, p));
    ExploreOptions opt;
    opt.constraints = dataflow_constraints(dataflow, small);
    opt.threads = 1;
    const ExploreResult r = explore(p, small, opt);
    REQUIRE(r.found);
    const SpatialLoops s = spatial_at(r.mapping, 1);
    const auto allowed = [](const std::vector<Dim> &v) {
      return std::set<Dim>(v.begin(), v.end());
    };
    CHECK(only_dims(s.x, allowed(opt.constraints.spatial_x.at("GB"))));
    CHECK(only_dims(s.y, allowed(opt.constraints.spatial_y.at("GB"))));
    REQUIRE(r.stats.optimal);
    CHECK(r.evaluation.energy_pj <= evaluate(p, small, own).energy_pj * (1 + 1e-12));
  }
}

// ---- through the binary ----------------------------------------------------------------

TEST_CASE("tessel eval --dataflow and tessel lower --dataflow", "[correctness]") {
  const TempDir dir;
  const auto r = run_cli({"eval", "--problem", "alexnet_full:fc6", "--dataflow",
                          "weight_stationary", "--arch", "nvdla_like", "--format", "json"},
                         dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json j = parse_json(r.out, "stdout");
  CHECK(j.at("dataflow") == "weight_stationary");
  CHECK(j.at("architecture") == "nvdla_like");
  CHECK(j.at("macs") == 9216 * 4096);
  CHECK_THAT(j.at("schedule").get<std::string>(), Catch::Contains("Schedule sched"));
  // The mapping it prints evaluates to the same numbers.
  const Problem fc6 = builtin_network("alexnet_full").layers[5].problem;
  const Architecture nvdla = builtin_architecture("nvdla_like");
  const Mapping m = dataflow_mapping("weight_stationary", fc6, nvdla);
  CHECK(j.at("mapping") == to_json(m, nvdla));
  CHECK(j.at("energy_pj").get<double>() == Approx(evaluate(fc6, nvdla, m).energy_pj));

  const auto table = run_cli({"eval", "--dataflow", "row_stationary"}, dir.path());
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("Problem alexnet_conv3 on architecture eyeriss, mapping "
                                        "dataflow row_stationary"));

  const auto lower = run_cli({"lower", "--dataflow", "output_stationary"}, dir.path());
  REQUIRE(lower.exit_code == 0);
  CHECK_THAT(lower.out, Catch::Contains("parallel_for"));

  const auto list = run_cli({"eval", "--list-dataflows"}, dir.path());
  REQUIRE(list.exit_code == 0);
  for (const std::string &name : dataflow_names())
    CHECK_THAT(list.out, Catch::Contains(name));
  const auto help = run_cli({"eval", "--help"}, dir.path());
  CHECK_THAT(help.out, Catch::Contains("row_stationary, weight_stationary"));
}

TEST_CASE("tessel eval --dataflow: errors", "[error]") {
  const TempDir dir;
  auto r = run_cli({"eval", "--dataflow", "row_stationry"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tessel eval: error: --dataflow: 'row_stationry' is not a dataflow (did you "
                 "mean 'row_stationary'?); the dataflows are row_stationary, weight_stationary, "
                 "output_stationary, no_local_reuse, gemmini_ws, gemmini_os\n");
  r = run_cli({"eval", "--dataflow", "row_stationary", "--mapping", "eyeriss_rs_alexnet_conv3"},
              dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tessel eval: error: --dataflow: give either --mapping or --dataflow, not both\n");
  r = run_cli({"lower", "--dataflow", "gemmini_os", "--mapping", "eyeriss_rs_alexnet_conv3"},
              dir.path());
  CHECK(r.exit_code == 2);
  // A layer the dataflow cannot map: the reason reaches the user.
  const std::string arch =
      R"({"name": "eyeriss_8x8", "levels": [
           {"name": "RF", "capacity_words": 256, "read_pj": 1, "write_pj": 1},
           {"name": "GB", "capacity_words": 65536, "read_pj": 6, "write_pj": 6,
            "fanout": {"x": 8, "y": 8, "hop_pj": 2}},
           {"name": "DRAM", "read_pj": 200, "write_pj": 200}]})";
  dir.write("a.json", arch);
  r = run_cli(
      {"eval", "--arch", "a.json", "--problem", "alexnet:conv1", "--dataflow", "row_stationary"},
      dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("dataflow row_stationary: cannot map layer 'conv1' on "
                                    "architecture 'eyeriss_8x8': filter height R = 11 exceeds"));
  CHECK(r.out.empty());
}

TEST_CASE("docs/dataflows.md holds what tools/dataflow_table.sh generates", "[correctness]") {
  if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
    WARN("python3 not found: docs/dataflows.md not checked");
    return;
  }
  const std::string command = std::string("TESSEL='") + TESSEL_CLI + "' bash '" +
                              TESSEL_SOURCE_DIR + "/tools/dataflow_table.sh' --check >/dev/null";
  INFO("docs/dataflows.md is stale: run tools/dataflow_table.sh");
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("dataflows: every built-in network on every built-in architecture", "[slow]") {
  // Every layer of the zoo (depthwise, grouped, GEMMs at batch 128 included) either maps,
  // with a valid mapping that fits, or fails with the dataflow's own reason.
  int mapped = 0, refused = 0;
  for (const std::string &arch_name : builtin_architecture_names()) {
    const Architecture a = builtin_architecture(arch_name);
    for (const std::string &net_name : builtin_network_names())
      for (const Layer &layer : builtin_network(net_name).layers)
        for (const std::string &dataflow : dataflow_names()) {
          const Problem &p = layer.problem;
          INFO(dataflow << " on " << arch_name << ": " << net_name << " " << p.name);
          try {
            const Mapping m = dataflow_mapping(dataflow, p, a);
            validate(m, p, a);
            check_capacity(p, a, m);
            CHECK(evaluate(p, a, m).counts.macs == p.macs());
            check_structure(dataflow, p, a, m);
            ++mapped;
          } catch (const UserError &e) {
            CHECK_THAT(e.what(), Catch::StartsWith("dataflow " + dataflow + ": cannot map layer '" +
                                                   p.name + "'"));
            ++refused;
          }
        }
  }
  WARN(mapped << " layer mappings, " << refused << " refused");
}
