// The scheduling DSL: layers, directives, lowering to a Mapping, and the C++ printer.
#include "cost_model/footprint.hpp"
#include "dsl/cpp_printer.hpp"
#include "dsl/layer.hpp"
#include "dsl/schedule.hpp"

#include "support/error_of.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <sstream>

using namespace tessel;
using tessel::test::error_of;

namespace {

Loop T(Dim d, std::int64_t trip) { return {d, trip, LoopKind::Temporal}; }
Loop SX(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialX}; }
Loop SY(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialY}; }

Level make_level(std::string name, std::optional<std::int64_t> words, std::int64_t fx = 1,
                 std::int64_t fy = 1) {
  Level l;
  l.name = std::move(name);
  l.capacity_words = words;
  l.fanout.x = fx;
  l.fanout.y = fy;
  return l;
}

// Eyeriss-like: a 256-word register file per PE, a global buffer with a 16x16 fanout, DRAM.
Architecture eyeriss() {
  Architecture a;
  a.name = "eyeriss";
  a.levels = {make_level("RF", 256), make_level("GB", 65536, 16, 16),
              make_level("DRAM", std::nullopt)};
  return a;
}

// Four levels: RF and a per-PE buffer PB under a global buffer with a 16x16 fanout.
Architecture four_levels() {
  Architecture a;
  a.name = "four";
  a.levels = {make_level("RF", 16), make_level("PB", 128), make_level("GB", 131072, 16, 16),
              make_level("DRAM", std::nullopt)};
  return a;
}

// A vector unit of 4 MACs under each RF, an 8x8 array under the global buffer.
Architecture vector_pes() {
  Architecture a;
  a.name = "vector";
  a.levels = {make_level("RF", 64, 4, 1), make_level("GB", 65536, 8, 8),
              make_level("DRAM", std::nullopt)};
  return a;
}

Problem conv3() {
  return LayerBuilder::conv("conv3")
      .batch(1)
      .out_channels(384)
      .in_channels(256)
      .output(13, 13)
      .filter(3, 3)
      .stride(1, 1)
      .dilation(1, 1)
      .groups(1);
}

// The message of the UserError that f throws ("" if none).
// Code with `//` comments and all whitespace outside string literals removed, so that
// printed code compares with the `#__VA_ARGS__` text of the same code however either is
// laid out.
std::string normalize_code(const std::string &code) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char ch = code[i];
    if (in_string) {
      out += ch;
      if (ch == '\\' && i + 1 < code.size())
        out += code[++i];
      else if (ch == '"')
        in_string = false;
    } else if (ch == '"') {
      in_string = true;
      out += ch;
    } else if (ch == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      while (i < code.size() && code[i] != '\n')
        ++i;
    } else if (!std::isspace(static_cast<unsigned char>(ch))) {
      out += ch;
    }
  }
  return out;
}

// The weight-stationary conv3 schedule on eyeriss: C|K spatial on the GB fanout.
Schedule conv3_ws(const Problem &p, const Architecture &a) {
  Schedule s(p, a);
  s.split("k", "k_o", "k_t", 4).split("k_o", "k_d", "k_s", 16);
  s.split("c", "c_o", "c_t", 4).split("c_o", "c_d", "c_s", 16);
  s.reorder({"s", "r", "c_t", "k_t", "c_s", "k_s", "q", "p", "c_d", "k_d"});
  s.store_at("GB", "c_d").store_at("RF", "c_s");
  s.spatial("c_s", Axis::Y).spatial("k_s", Axis::X);
  s.unroll("s");
  return s;
}

Mapping conv3_ws_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {T(Dim::K, 6), T(Dim::C, 4)};
  m.levels[1].temporal = {T(Dim::P, 13), T(Dim::Q, 13)};
  m.levels[1].spatial = {SX(Dim::K, 16), SY(Dim::C, 16)};
  m.levels[0].temporal = {T(Dim::K, 4), T(Dim::C, 4), T(Dim::R, 3), T(Dim::S, 3)};
  return m;
}

Problem small_conv() {
  return LayerBuilder::conv("small").out_channels(64).in_channels(32).output(13, 13).filter(3, 3);
}

// Four levels, a guarded split of p, spatial X and Y, bypass of W at PB.
Schedule four_level_schedule() {
  Schedule s(small_conv(), four_levels());
  s.split("p", "p_o", "p_i", 4, TailStrategy::GuardWithIf);
  s.split("k", "k_o", "k_i", 16).split("c", "c_o", "c_i", 16);
  s.reorder({"s", "r", "p_i", "q", "c_i", "k_i", "c_o", "p_o", "k_o"});
  s.store_at("GB", "k_o").store_at("PB", "c_i").store_at("RF", "q");
  s.spatial("c_i", Axis::Y).spatial("k_i", Axis::X);
  s.bypass("PB", Operand::W);
  return s;
}

Mapping four_level_mapping() {
  Mapping m;
  m.levels.resize(4);
  m.levels[3].temporal = {T(Dim::K, 4)};
  m.levels[2].temporal = {T(Dim::P, 4), T(Dim::C, 2)};
  m.levels[2].spatial = {SX(Dim::K, 16), SY(Dim::C, 16)};
  m.levels[1].temporal = {T(Dim::Q, 13)};
  m.levels[0].temporal = {T(Dim::P, 4), T(Dim::R, 3), T(Dim::S, 3)};
  m.bypass = {
      {false, false, false}, {true, false, false}, {false, false, false}, {false, false, false}};
  return m;
}

// GEMM: the global buffer holds everything (store_root), spatial loops on both fanouts,
// a guarded spatial split of the reduction.
Schedule gemm_schedule() {
  Schedule s(gemm(64, 48, 100), vector_pes()); // N=64 rows, K=48 columns, C=100 reduction
  s.split("k", "k_o", "k_i", 4);
  s.split("c", "c_o", "c_i", 8, TailStrategy::GuardWithIf);
  s.split("n", "n_o", "n_i", 8);
  s.reorder({"k_i", "c_i", "n_i", "n_o", "c_o", "k_o"});
  s.store_root("GB").store_at("RF", "c_i");
  s.spatial("k_i", Axis::X).spatial("c_i", Axis::Y).spatial("n_i", Axis::X);
  return s;
}

Mapping gemm_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[1].temporal = {T(Dim::K, 12), T(Dim::C, 13), T(Dim::N, 8)};
  m.levels[1].spatial = {SX(Dim::N, 8), SY(Dim::C, 8)};
  m.levels[0].spatial = {SX(Dim::K, 4)};
  return m;
}

} // namespace

// ==== layers ==========================================================================

TEST_CASE("dsl: the layer builder fills a Problem with per-group channels", "[correctness]") {
  const Problem p = conv3();
  CHECK(p.name == "conv3");
  CHECK(p.type == ProblemType::Conv);
  CHECK(p.size == DimArray<std::int64_t>{1, 384, 256, 13, 13, 3, 3, 1});
  CHECK(p.stride_h == 1);
  CHECK(p.dilation_w == 1);

  const Problem conv2 = LayerBuilder::conv("conv2")
                            .groups(2)
                            .in_channels(48)
                            .out_channels(128)
                            .output(27, 27)
                            .filter(5, 5)
                            .stride(1, 1);
  CHECK(conv2.size == DimArray<std::int64_t>{1, 128, 48, 27, 27, 5, 5, 2});
  CHECK(conv2d(48, 128, 27, 27, 5, 5, 1, 2, 1, "conv2").size == conv2.size);

  const Problem conv1 = conv2d(3, 96, 55, 55, 11, 11, 4);
  CHECK(conv1.stride_h == 4);
  CHECK(conv1.stride_w == 4);
  CHECK(conv1.input_height() == 227);

  const Problem mm = gemm(128, 1000, 784); // O[128 x 1000] += A[128 x 784] * B[784 x 1000]
  CHECK(mm.type == ProblemType::Gemm);
  CHECK(mm.size == DimArray<std::int64_t>{128, 1000, 784, 1, 1, 1, 1, 1});
  CHECK(LayerBuilder::gemm("gemm").rows(128).cols(1000).reduction(784).problem().size == mm.size);

  const Problem fc6 = fully_connected(9216, 4096);
  CHECK(fc6.type == ProblemType::Gemm);
  CHECK(fc6.size == DimArray<std::int64_t>{1, 4096, 9216, 1, 1, 1, 1, 1});
  CHECK(fully_connected(4096, 1000, 16).extent(Dim::N) == 16);

  const Problem dw = depthwise(32, 112, 112, 3, 3, 2);
  CHECK(dw.type == ProblemType::Depthwise);
  CHECK(dw.size == DimArray<std::int64_t>{1, 1, 1, 112, 112, 3, 3, 32});
  CHECK(dw.stride_h == 2);

  const Layer l = LayerBuilder::conv("x").out_channels(8).bits(8, 8, 32).repeat(3);
  CHECK(l.repeat == 3);
  CHECK(l.problem.bits == OperandArray<int>{8, 8, 32});
}

TEST_CASE("dsl: layer builder errors name the layer and the setter", "[error]") {
  const std::string filter = error_of([] { LayerBuilder::gemm("mm").filter(3, 3); });
  CHECK(filter == "gemm(\"mm\").filter: does not apply to a gemm layer");
  const std::string zero = error_of([] { LayerBuilder::conv("c").out_channels(0); });
  CHECK(zero == "conv(\"c\").out_channels: must be a positive integer, got 0");
  CHECK(error_of([] { LayerBuilder::conv("c").bits(0, 16, 16); }).find("bits") !=
        std::string::npos);
}

// ==== the initial nest and the directives ===============================================

TEST_CASE("dsl: the initial nest has one loop per dimension of extent > 1, innermost first",
          "[correctness]") {
  const Schedule s(conv3(), eyeriss());
  CHECK(s.loop_names() == std::vector<std::string>{"s", "r", "q", "p", "c", "k"});
  CHECK(s.loop_list() == "[s, r, q, p, c, k]");
  for (const ScheduledLoop &l : s.loops()) {
    CHECK(l.stride == 1);
    CHECK(l.kind == LoopKind::Temporal);
    CHECK(l.extent == conv3().extent(l.dim));
  }
  CHECK(s.loop_levels() == std::vector<int>(6, 2)); // all at DRAM

  const Schedule g(conv2d(4, 8, 5, 5, 3, 3, 1, 2, 2), eyeriss());
  CHECK(g.loop_names() == std::vector<std::string>{"s", "r", "q", "p", "c", "k", "n", "g"});

  // Lowering the initial nest: everything at the outermost level, in problem order.
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {T(Dim::K, 384), T(Dim::C, 256), T(Dim::P, 13),
                          T(Dim::Q, 13),  T(Dim::R, 3),   T(Dim::S, 3)};
  CHECK(s.lower().mapping == m);
}

TEST_CASE("dsl: split replaces a loop by outer and inner parts at its position", "[correctness]") {
  Schedule s(conv3(), eyeriss());
  s.split("k", "k_o", "k_i", 16);
  CHECK(s.loop_list() == "[s, r, q, p, c, k_i, k_o]");
  CHECK(s.loop("k_i").extent == 16);
  CHECK(s.loop("k_i").stride == 1);
  CHECK(s.loop("k_o").extent == 24);
  CHECK(s.loop("k_o").stride == 16);
  CHECK(s.loop("k_o").outer_spine);
  CHECK_FALSE(s.loop("k_i").outer_spine);

  // Halide's idiom: the outer part may take the split loop's name.
  s.split("c", "c", "c_i", 8);
  CHECK(s.loop_list() == "[s, r, q, p, c_i, c, k_i, k_o]");
  CHECK(s.loop("c").extent == 32);

  // A guarded split: ceil(13 / 4) = 4 outer iterations, the last one partial.
  s.split("p", "p_o", "p_i", 4, TailStrategy::GuardWithIf);
  CHECK(s.loop("p_o").extent == 4);
  CHECK(s.loop("p_o").stride == 4);
  // The outer spine may be split again with a guard; inner parts only exactly.
  s.split("p_o", "p_oo", "p_oi", 3, TailStrategy::GuardWithIf);
  CHECK(s.loop("p_oo").extent == 2);
  CHECK(s.loop("p_oo").stride == 12);
  s.split("p_i", "p_io", "p_ii", 2);
  CHECK(s.loop_list() == "[s, r, q, p_ii, p_io, p_oi, p_oo, c_i, c, k_i, k_o]");

  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {T(Dim::K, 24), T(Dim::K, 16), T(Dim::C, 32), T(Dim::C, 8),
                          T(Dim::P, 2),  T(Dim::P, 3),  T(Dim::P, 2),  T(Dim::P, 2),
                          T(Dim::Q, 13), T(Dim::R, 3),  T(Dim::S, 3)};
  CHECK(s.lower().mapping == m);
}

TEST_CASE("dsl: reorder is innermost first and keeps the positions of the listed set",
          "[correctness]") {
  Schedule s(conv3(), eyeriss());
  s.reorder({"c", "p"}); // p and c swap: c becomes the inner of the two
  CHECK(s.loop_list() == "[s, r, q, c, p, k]");
  s.reorder("k", "s", "r"); // variadic form; positions {0, 1, 5} get k, s, r
  CHECK(s.loop_list() == "[k, s, q, c, p, r]");
  s.reorder({"p"}); // one loop: nothing moves
  CHECK(s.loop_list() == "[k, s, q, c, p, r]");
  CHECK(s.history().size() == 3);
}

TEST_CASE("dsl: lowering the weight-stationary conv3 schedule (store_at, spatial X/Y, unroll)",
          "[correctness]") {
  const Schedule s = conv3_ws(conv3(), eyeriss());
  const LoweredSchedule low = s.lower();
  CHECK(low.mapping == conv3_ws_mapping());
  REQUIRE(low.unrolled.size() == 1);
  CHECK(low.unrolled[0] == UnrolledLoop{0, 3, "s"});
  CHECK(low.is_unrolled(0, 3));
  CHECK_FALSE(low.is_unrolled(0, 2));
  CHECK(low.temporal_names[2] == std::vector<std::string>{"k_d", "c_d"});
  CHECK(low.spatial_names[1] == std::vector<std::string>{"k_s", "c_s"});
  CHECK(s.level_of("k_s") == 1);
  CHECK(s.level_of("k_t") == 0);
  CHECK(s.level_of("k_d") == 2);
  CHECK(lower(s).mapping == low.mapping);
}

TEST_CASE("dsl: lowering across four levels with a guarded split and a bypass", "[correctness]") {
  const Schedule s = four_level_schedule();
  const Mapping m = s.lower().mapping;
  CHECK(m == four_level_mapping());
  CHECK(total_trips(m, Dim::P) == 16); // 13 rows in 4 tiles of 4, the last one guarded
  CHECK_FALSE(is_perfect(m, s.problem()));
  CHECK(m.bypasses(1, Operand::W));
}

TEST_CASE("dsl: store_root, spatial loops on the innermost level's fanout, guarded spatial",
          "[correctness]") {
  const Schedule s = gemm_schedule();
  CHECK(s.lower().mapping == gemm_mapping());
  CHECK(s.lower().mapping.bypass.empty());
}

TEST_CASE("dsl: level boundaries follow their loops through split and reorder", "[correctness]") {
  Schedule s(conv3(), eyeriss());
  s.store_at("GB", "c").store_at("RF", "p");
  // [s, r, q | p | c, k]: the boundaries sit just inside p (RF) and c (GB).
  CHECK(s.loop_levels() == std::vector<int>{0, 0, 0, 1, 2, 2});
  // Splitting p moves RF's boundary to just inside p_i: RF keeps the same tile.
  s.split("p", "p_o", "p_i", 13);
  CHECK(s.boundaries()[0] == Schedule::Boundary{Schedule::Boundary::Kind::Inside, "p_i"});
  CHECK(s.loop_levels() == std::vector<int>{0, 0, 0, 1, 1, 2, 2});
  // reorder moves c with its boundary: c goes outermost, and k now falls inside GB.
  s.reorder({"k", "c"});
  CHECK(s.loop_list() == "[s, r, q, p_i, p_o, k, c]");
  CHECK(s.loop_levels() == std::vector<int>{0, 0, 0, 1, 1, 1, 2});
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {T(Dim::C, 256)};
  m.levels[1].temporal = {T(Dim::K, 384), T(Dim::P, 1), T(Dim::P, 13)};
  m.levels[0].temporal = {T(Dim::Q, 13), T(Dim::R, 3), T(Dim::S, 3)};
  CHECK(s.lower().mapping == m);
  // A level with no loops: RF boundary below everything.
  s.store_at("RF", "s");
  CHECK(s.lower().mapping.levels[0].temporal.empty());
}

TEST_CASE("dsl: add_loop brings in a loop over a dimension of extent 1", "[correctness]") {
  Schedule s(conv3(), eyeriss());
  s.add_loop(Dim::N);
  CHECK(s.loop_list() == "[s, r, q, p, c, k, n]");
  s.split("n", "n_o", "n_i", 1);
  Mapping m = s.lower().mapping;
  CHECK(m.levels[2].temporal[0] == T(Dim::N, 1));
  CHECK(m.levels[2].temporal[1] == T(Dim::N, 1));
}

TEST_CASE("dsl: a recorded history replays to the same schedule", "[correctness]") {
  const Schedule s = four_level_schedule();
  Schedule replay(s.problem(), s.arch());
  for (const Directive &d : s.history())
    replay.apply(d);
  CHECK(replay.loops() == s.loops());
  CHECK(replay.boundaries() == s.boundaries());
  CHECK(replay.lower().mapping == s.lower().mapping);
  CHECK(to_string(s.history()[0]) == "split(p, p_o, p_i, 4, TailStrategy::GuardWithIf)");
  CHECK(to_string(s.history().back()) == "bypass(PB, W)");
}

TEST_CASE("dsl: loop_nest prints the nest as pseudo-C", "[correctness]") {
  Problem p = conv3();
  p.size = {1, 384, 2, 13, 1, 1, 1, 1};
  Schedule s(p, eyeriss());
  s.split("p", "p_o", "p_i", 4, TailStrategy::GuardWithIf);
  s.reorder({"p_i", "c", "p_o"});
  s.store_at("GB", "k").store_at("RF", "c").spatial("c", Axis::X).unroll("p_i");
  const std::string nest = s.loop_nest();
  CHECK(nest == "// DRAM: holds the whole problem\n"
                "for (k = 0; k < 384; k++)                    // K\n"
                "  // GB: holds the tile below\n"
                "  for (p_o = 0; p_o < 4; p_o++)              // P, stride 4\n"
                "    parallel_x (c = 0; c < 2; c++)           // C\n"
                "      // RF: holds the tile below\n"
                "      unrolled for (p_i = 0; p_i < 4; p_i++) // P\n"
                "        p = 4*p_o + p_i;\n"
                "        if (p < 13)\n"
                "          O[n][k][p][q] += I[n][c][p + r][q + s] * W[k][c][r][s];\n");
}

// ==== errors: one per illegal directive ==================================================
// Each message names the directive, the variable, and the current loop list.

namespace {

// Checks that `directive` on `s` throws a UserError whose message starts with `where`,
// contains `detail`, and ends with the loop list; and that `s` is left unchanged.
void check_error(Schedule &s, const std::function<void(Schedule &)> &directive,
                 const std::string &where, const std::string &detail) {
  const std::vector<ScheduledLoop> loops = s.loops();
  const auto boundaries = s.boundaries();
  const std::size_t history = s.history().size();
  const std::string msg = error_of([&] { directive(s); });
  INFO(msg);
  CHECK(msg.rfind(where + ": ", 0) == 0);
  CHECK(msg.find(detail) != std::string::npos);
  const std::string tail = "; loops (innermost first): " + s.loop_list();
  CHECK(msg.size() >= tail.size());
  CHECK(msg.substr(msg.size() - std::min(msg.size(), tail.size())) == tail);
  CHECK(s.loops() == loops);
  CHECK(s.boundaries() == boundaries);
  CHECK(s.history().size() == history);
}

} // namespace

TEST_CASE("dsl error: split with a factor that does not divide (TailStrategy::Error)", "[error]") {
  Schedule s(conv3(), eyeriss());
  const std::string msg = error_of([&] { s.split("k", "k_o", "k_i", 5); });
  CHECK(msg == "split(k, k_o, k_i, 5): factor 5 does not divide extent 384 of k "
               "(TailStrategy::Error); loops (innermost first): [s, r, q, p, c, k]");
  check_error(
      s, [](Schedule &x) { x.split("k", "k_o", "k_i", 5); }, "split(k, k_o, k_i, 5)",
      "does not divide");
}

TEST_CASE("dsl error: split of an unknown variable", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.split("x", "x_o", "x_i", 4); }, "split(x, x_o, x_i, 4)",
      "unknown loop variable x");
}

TEST_CASE("dsl error: split to a name that is already used", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.split("k", "c", "k_i", 4); }, "split(k, c, k_i, 4)",
      "the name c is already used by another loop");
  check_error(
      s, [](Schedule &x) { x.split("k", "k_x", "k_x", 4); }, "split(k, k_x, k_x, 4)",
      "the outer and inner loops have the same name k_x");
}

TEST_CASE("dsl error: split with a factor below 1 or above the extent", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.split("k", "k_o", "k_i", 0); }, "split(k, k_o, k_i, 0)",
      "factor 0 must be at least 1");
  check_error(
      s, [](Schedule &x) { x.split("r", "r_o", "r_i", 4, TailStrategy::GuardWithIf); },
      "split(r, r_o, r_i, 4, TailStrategy::GuardWithIf)", "factor 4 exceeds extent 3 of r");
}

TEST_CASE("dsl error: guarded split of an inner part", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.split("k", "k_o", "k_i", 16);
  check_error(
      s, [](Schedule &x) { x.split("k_i", "a", "b", 3, TailStrategy::GuardWithIf); },
      "split(k_i, a, b, 3, TailStrategy::GuardWithIf)",
      "factor 3 does not divide extent 16 of k_i, an inner part of a split of K");
  // The same factor on the outer spine is fine: 24 = 8 * 3.
  s.split("k_o", "a", "b", 5, TailStrategy::GuardWithIf);
  CHECK(s.loop("a").extent == 5);
}

TEST_CASE("dsl error: split of a spatial or unrolled loop", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.store_at("GB", "q").store_at("RF", "r"); // [s | r | q, p, c, k]
  s.spatial("r", Axis::X).unroll("s");
  check_error(
      s, [](Schedule &x) { x.split("r", "r_o", "r_i", 1); }, "split(r, r_o, r_i, 1)",
      "r is spatial X; split a loop before mapping it onto a fanout");
  check_error(
      s, [](Schedule &x) { x.split("s", "s_o", "s_i", 1); }, "split(s, s_o, s_i, 1)",
      "s is unrolled");
}

TEST_CASE("dsl error: reorder with an unknown or a repeated variable", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s,
      [](Schedule &x) {
        x.reorder({"c", "x"});
      },
      "reorder({c, x})", "unknown loop variable x");
  check_error(
      s,
      [](Schedule &x) {
        x.reorder({"c", "k", "c"});
      },
      "reorder({c, k, c})", "c is listed twice");
}

TEST_CASE("dsl error: reorder that breaks split order", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.split("k", "k_o", "k_i", 16);
  check_error(
      s,
      [](Schedule &x) {
        x.reorder({"k_o", "k_i"});
      },
      "reorder({k_o, k_i})",
      "k_i (stride 1) would be outside k_o (stride 16): the loops of dimension K must stay "
      "in split order");
  // Loops of extent 1 are exempt.
  s.split("c", "c_o", "c_i", 256);
  s.reorder({"c_o", "c_i"});
  CHECK(s.loop_list() == "[s, r, q, p, c_o, c_i, k_i, k_o]");
}

TEST_CASE("dsl error: spatial on a level without fanout", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.spatial("k", Axis::X); }, "spatial(k, X)",
      "level DRAM has no fanout (1x1), but its spatial loops k (384 on X)");
  check_error(
      s, [](Schedule &x) { x.spatial("x", Axis::X); }, "spatial(x, X)", "unknown loop variable x");
}

TEST_CASE("dsl error: spatial loops exceeding the mesh", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.split("k", "k_o", "k_i", 32).split("c", "c_o", "c_i", 16);
  s.reorder({"s", "r", "c_i", "k_i", "q", "p", "c_o", "k_o"});
  s.store_at("GB", "k_o");
  check_error(
      s, [](Schedule &x) { x.spatial("k_i", Axis::X); }, "spatial(k_i, X)",
      "the spatial loops of level GB, k_i (32 on X), need 32x1 instances but its fanout is "
      "16x16");
  s.store_at("RF", "c_i").spatial("c_i", Axis::Y);
  check_error(
      s, [](Schedule &x) { x.spatial("k_i", Axis::Y); }, "spatial(k_i, Y)",
      "the spatial loops of level GB, c_i (16 on Y), k_i (32 on Y), need 1x512 instances but "
      "its fanout is 16x16");
  check_error(
      s, [](Schedule &x) { x.spatial("k_i", Axis::X); }, "spatial(k_i, X)",
      "need 32x16 instances but its fanout is 16x16");
  check_error(
      s, [](Schedule &x) { x.spatial("q", Axis::X); }, "spatial(q, X)",
      "spatial loop q would be above the temporal loop k_i of the same level GB; a level's "
      "spatial loops must be its innermost loops");
  check_error(
      s, [](Schedule &x) { x.spatial("r", Axis::X); }, "spatial(r, X)",
      "level RF has no fanout (1x1), but its spatial loops r (3 on X) need 3x1 instances");
}

TEST_CASE("dsl error: a directive that would leave a spatial loop illegal", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.split("k", "k_o", "k_i", 16).split("c", "c_o", "c_i", 16);
  s.reorder({"s", "r", "c_i", "k_i", "q", "p", "c_o", "k_o"});
  s.store_at("GB", "k_o").store_at("RF", "c_i");
  s.spatial("c_i", Axis::Y).spatial("k_i", Axis::X);
  // A temporal loop of GB moved below the spatial loop k_i.
  check_error(
      s,
      [](Schedule &x) {
        x.reorder({"q", "k_i"});
      },
      "reorder({q, k_i})",
      "spatial loop k_i would be above the temporal loop q of the same level GB");
  // GB's boundary moved below k_i: k_i would fall to DRAM, which has no fanout.
  check_error(
      s, [](Schedule &x) { x.store_at("GB", "k_i"); }, "store_at(GB, k_i)",
      "level DRAM has no fanout (1x1), but its spatial loops k_i (16 on X)");
  check_error(
      s, [](Schedule &x) { x.unroll("k_i"); }, "unroll(k_i)",
      "k_i is spatial X; only temporal loops can be unrolled");
  s.unroll("s");
  check_error(
      s, [](Schedule &x) { x.spatial("s", Axis::X); }, "spatial(s, X)",
      "s is unrolled; an unrolled loop cannot be spatial");
  check_error(
      s, [](Schedule &x) { x.unroll("x"); }, "unroll(x)", "unknown loop variable x");
}

TEST_CASE("dsl error: store_at with an unknown level, the outermost level or an unknown var",
          "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.store_at("L2", "c"); }, "store_at(L2, c)",
      "unknown level L2; levels (innermost first): [RF, GB, DRAM]");
  check_error(
      s, [](Schedule &x) { x.store_at("DRAM", "c"); }, "store_at(DRAM, c)",
      "DRAM is the outermost level");
  check_error(
      s, [](Schedule &x) { x.store_at("GB", "x"); }, "store_at(GB, x)", "unknown loop variable x");
  check_error(
      s, [](Schedule &x) { x.store_root("DRAM"); }, "store_root(DRAM)",
      "DRAM is the outermost level");
  check_error(
      s, [](Schedule &x) { x.store_root("L2"); }, "store_root(L2)", "unknown level L2");
}

TEST_CASE("dsl error: store_at in an inconsistent order", "[error]") {
  Schedule s(conv3(), eyeriss());
  s.store_at("RF", "c"); // GB is not placed yet: it shares RF's boundary
  CHECK(s.loop_levels() == std::vector<int>{0, 0, 0, 0, 2, 2});
  check_error(
      s, [](Schedule &x) { x.store_at("GB", "r"); }, "store_at(GB, r)",
      "the boundary of level RF (just inside c) would be above the boundary of level GB "
      "(just inside r)");
  s.store_at("GB", "k");
  check_error(
      s, [](Schedule &x) { x.store_root("RF"); }, "store_root(RF)",
      "the boundary of level RF (above every loop) would be above the boundary of level GB "
      "(just inside k)");
  s.store_at("GB", "c"); // equal boundaries are fine: GB gets no loops of its own
  CHECK(s.lower().mapping.levels[1].temporal.empty());
}

TEST_CASE("dsl error: bypass of the outermost level, an unknown level or operand", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.bypass("DRAM", Operand::W); }, "bypass(DRAM, W)",
      "DRAM is the outermost level: it keeps every operand and cannot be bypassed");
  check_error(
      s, [](Schedule &x) { x.bypass("L1", Operand::I); }, "bypass(L1, I)", "unknown level L1");
  check_error(
      s, [](Schedule &x) { x.bypass("RF", "X"); }, "bypass(RF, X)",
      "unknown operand 'X' (operands are W, I, O)");
  s.bypass("RF", "I");
  CHECK(s.bypasses(0, Operand::I));
}

TEST_CASE("dsl error: add_loop on a dimension with a loop", "[error]") {
  Schedule s(conv3(), eyeriss());
  check_error(
      s, [](Schedule &x) { x.add_loop(Dim::K); }, "add_loop(K)",
      "dimension K has extent 384; add_loop is only for dimensions of extent 1");
  s.add_loop(Dim::N);
  check_error(
      s, [](Schedule &x) { x.add_loop(Dim::N, "n2"); }, "add_loop(N, n2)",
      "dimension N already has a loop (n)");
  check_error(
      s, [](Schedule &x) { x.add_loop(Dim::G, "k"); }, "add_loop(G, k)",
      "the name k is already used by another loop");
}

TEST_CASE("dsl error: schedule_from_mapping rejects an invalid mapping", "[error]") {
  Mapping m = conv3_ws_mapping();
  m.levels[0].temporal[0].trip = 3; // K no longer covered
  const std::string msg = error_of([&] { schedule_from_mapping(conv3(), eyeriss(), m); });
  CHECK(msg.rfind("mapping: the trips of dimension K multiply to 288", 0) == 0);
}

// ==== the C++ printer ====================================================================
// Each golden body below is compiled here as a function AND kept as text (#__VA_ARGS__):
// the printer must print that text, and running the compiled code must rebuild the mapping.

#define DSL_GOLDEN(fn, ...)                                                                        \
  Schedule fn(const Problem &problem, const Architecture &arch) { __VA_ARGS__ }                    \
  const char *const fn##_code = #__VA_ARGS__;

namespace {

// Trip-1 loops, a loop over N (extent 1), a guarded split, bypass of I at RF.
Mapping odd_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {T(Dim::N, 1), T(Dim::K, 3), T(Dim::P, 2)};
  m.levels[1].temporal = {T(Dim::C, 16), T(Dim::Q, 13)};
  m.levels[1].spatial = {SX(Dim::K, 16), SY(Dim::C, 16)};
  m.levels[0].temporal = {T(Dim::P, 7), T(Dim::K, 8), T(Dim::R, 3), T(Dim::S, 3), T(Dim::C, 1)};
  m.bypass = {{false, true, false}, {false, false, false}, {false, false, false}};
  return m;
}

// clang-format off
DSL_GOLDEN(golden_conv3_ws,
using namespace tessel;
Schedule sched(problem, arch);
LoopVar k("k"), k0_1("k0_1"), k2("k2"), k0("k0"), k1("k1");
LoopVar c("c"), c0_1("c0_1"), c2("c2"), c0("c0"), c1("c1");
LoopVar p("p"), q("q"), r("r"), s("s");
sched.split(k, k0_1, k2, 4);
sched.split(k0_1, k0, k1, 16);
sched.split(c, c0_1, c2, 4);
sched.split(c0_1, c0, c1, 16);
sched.reorder({s, r, c2, k2, c1, k1, q, p, c0, k0});
sched.store_at("GB", c0);
sched.store_at("RF", c1);
sched.spatial(c1, Axis::Y);
sched.spatial(k1, Axis::X);
return sched;
)

DSL_GOLDEN(golden_four_levels,
using namespace tessel;
Schedule sched(problem, arch);
LoopVar k("k"), k0("k0"), k1("k1");
LoopVar c("c"), c0("c0"), c1("c1");
LoopVar p("p"), p0("p0"), p1("p1");
LoopVar q("q"), r("r"), s("s");
sched.split(k, k0, k1, 16);
sched.split(c, c0, c1, 16);
sched.split(p, p0, p1, 4, TailStrategy::GuardWithIf);
sched.reorder({s, r, p1, q, c1, k1, c0, p0, k0});
sched.store_at("GB", k0);
sched.store_at("PB", c1);
sched.store_at("RF", q);
sched.spatial(c1, Axis::Y);
sched.spatial(k1, Axis::X);
sched.bypass("PB", Operand::W);
return sched;
)

DSL_GOLDEN(golden_gemm,
using namespace tessel;
Schedule sched(problem, arch);
LoopVar n("n"), n0("n0"), n1("n1");
LoopVar k("k"), k0("k0"), k1("k1");
LoopVar c("c"), c0("c0"), c1("c1");
sched.split(n, n0, n1, 8);
sched.split(k, k0, k1, 4);
sched.split(c, c0, c1, 8, TailStrategy::GuardWithIf);
sched.reorder({k1, c1, n1, n0, c0, k0});
sched.store_root("GB");
sched.store_at("RF", c1);
sched.spatial(k1, Axis::X);
sched.spatial(c1, Axis::Y);
sched.spatial(n1, Axis::X);
return sched;
)

DSL_GOLDEN(golden_odd,
using namespace tessel;
Schedule sched(problem, arch);
LoopVar k("k"), k0_1("k0_1"), k2("k2"), k0("k0"), k1("k1");
LoopVar c("c"), c0_1("c0_1"), c2("c2"), c0("c0"), c1("c1");
LoopVar p("p"), p0("p0"), p1("p1");
LoopVar n("n"), q("q"), r("r"), s("s");
sched.add_loop(Dim::N);
sched.split(k, k0_1, k2, 8);
sched.split(k0_1, k0, k1, 16);
sched.split(c, c0_1, c2, 1);
sched.split(c0_1, c0, c1, 16);
sched.split(p, p0, p1, 7, TailStrategy::GuardWithIf);
sched.reorder({c2, s, r, k2, p1, c1, k1, q, c0, p0, k0, n});
sched.store_at("GB", p0);
sched.store_at("RF", c1);
sched.spatial(c1, Axis::Y);
sched.spatial(k1, Axis::X);
sched.bypass("RF", Operand::I);
return sched;
)
// clang-format on

struct GoldenCase {
  std::string name;
  Problem problem;
  Architecture arch;
  Mapping mapping;
  Schedule (*compiled)(const Problem &, const Architecture &);
  const char *code;
};

std::vector<GoldenCase> golden_cases() {
  return {{"conv3 weight stationary", conv3(), eyeriss(), conv3_ws_mapping(), golden_conv3_ws,
           golden_conv3_ws_code},
          {"four levels", small_conv(), four_levels(), four_level_mapping(), golden_four_levels,
           golden_four_levels_code},
          {"gemm", gemm(64, 48, 100), vector_pes(), gemm_mapping(), golden_gemm, golden_gemm_code},
          {"odd", conv3(), eyeriss(), odd_mapping(), golden_odd, golden_odd_code}};
}

} // namespace

TEST_CASE("dsl printer: the exact text for conv3 on eyeriss", "[correctness]") {
  CHECK(to_dsl_code(conv3(), eyeriss(), conv3_ws_mapping()) ==
        "// conv3 on eyeriss. Needs `problem` (tessel::Problem) and `arch` "
        "(tessel::Architecture) in scope.\n"
        "using namespace tessel;\n"
        "Schedule sched(problem, arch);\n"
        "LoopVar k(\"k\"), k0_1(\"k0_1\"), k2(\"k2\"), k0(\"k0\"), k1(\"k1\");\n"
        "LoopVar c(\"c\"), c0_1(\"c0_1\"), c2(\"c2\"), c0(\"c0\"), c1(\"c1\");\n"
        "LoopVar p(\"p\"), q(\"q\"), r(\"r\"), s(\"s\");\n"
        "sched.split(k, k0_1, k2, 4);\n"
        "sched.split(k0_1, k0, k1, 16);\n"
        "sched.split(c, c0_1, c2, 4);\n"
        "sched.split(c0_1, c0, c1, 16);\n"
        "sched.reorder({s, r, c2, k2, c1, k1, q, p, c0, k0});\n"
        "sched.store_at(\"GB\", c0);\n"
        "sched.store_at(\"RF\", c1);\n"
        "sched.spatial(c1, Axis::Y);\n"
        "sched.spatial(k1, Axis::X);\n"
        "return sched;\n");
}

TEST_CASE("dsl printer: golden code, compiled, rebuilds each mapping", "[correctness]") {
  for (const GoldenCase &g : golden_cases()) {
    INFO(g.name);
    REQUIRE_NOTHROW(validate(g.mapping, g.problem, g.arch));
    const std::string printed = to_dsl_code(g.problem, g.arch, g.mapping);
    INFO(printed);
    CHECK(normalize_code(printed) == normalize_code(g.code));
    // The compiled golden code lowers to the mapping ...
    const Schedule compiled = g.compiled(g.problem, g.arch);
    CHECK(compiled.lower().mapping == g.mapping);
    // ... and so does the replayed directive sequence, which is the same one.
    const Schedule replayed = schedule_from_mapping(g.problem, g.arch, g.mapping);
    CHECK(replayed.lower().mapping == g.mapping);
    CHECK(replayed.history() == compiled.history());
    CHECK(to_dsl_code(replayed) == printed);
  }
}

TEST_CASE("dsl printer: hand-written schedules print as the golden code", "[correctness]") {
  const std::vector<GoldenCase> cases = golden_cases();
  // The hand-written schedules name their loops differently and take other routes
  // (store_at before split, spatial before unroll, ...); lowering then printing gives the
  // canonical code.
  const Schedule hand[] = {conv3_ws(conv3(), eyeriss()), four_level_schedule(), gemm_schedule()};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(cases[i].name);
    const Mapping m = hand[i].lower().mapping;
    CHECK(m == cases[i].mapping);
    CHECK(normalize_code(to_dsl_code(hand[i].problem(), hand[i].arch(), m)) ==
          normalize_code(cases[i].code));
  }
  // The odd mapping, by hand.
  Schedule s(conv3(), eyeriss());
  s.add_loop(Dim::N);
  s.split("p", "p_o", "p_i", 7, TailStrategy::GuardWithIf);
  s.split("k", "k_o", "k_i", 8).split("k_o", "k_oo", "k_oi", 16);
  s.split("c", "c_o", "c_i", 1).split("c_o", "c_oo", "c_oi", 16);
  s.reorder({"c_i", "s", "r", "k_i", "p_i", "c_oi", "k_oi", "q", "c_oo", "p_o", "k_oo", "n"});
  s.store_at("GB", "p_o").store_at("RF", "c_oi");
  s.spatial("c_oi", Axis::Y).spatial("k_oi", Axis::X).bypass("RF", "I");
  CHECK(s.lower().mapping == odd_mapping());
  CHECK(normalize_code(to_dsl_code(conv3(), eyeriss(), s.lower().mapping)) ==
        normalize_code(golden_odd_code));
}

TEST_CASE("dsl printer: odd names print as string literals, odd level names are escaped",
          "[correctness]") {
  Architecture a = eyeriss();
  a.levels[1].name = "G\"B, 2";
  Schedule s(conv3(), a);
  s.split("k", "k.o", "int", 16).store_at("G\"B, 2", "k.o");
  const std::string code = to_dsl_code(s);
  CHECK(code.find("LoopVar k(\"k\");") != std::string::npos);
  CHECK(code.find("sched.split(k, \"k.o\", \"int\", 16);") != std::string::npos);
  CHECK(code.find("sched.store_at(\"G\\\"B, 2\", \"k.o\");") != std::string::npos);
  // An all-false bypass list lowers back to an empty one (the same meaning).
  Mapping m = conv3_ws_mapping();
  m.bypass.assign(3, OperandArray<bool>{false, false, false});
  Mapping back = schedule_from_mapping(conv3(), eyeriss(), m).lower().mapping;
  CHECK(back.bypass.empty());
  back.bypass = m.bypass;
  CHECK(back == m);
}

// ==== round trips over many mappings and schedules ========================================

namespace {

std::int64_t pick(std::mt19937 &rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

Problem random_problem(std::mt19937 &rng) {
  static const std::int64_t extents[] = {1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13};
  Problem p;
  p.name = "random";
  for (Dim d : kAllDims)
    p.size[idx(d)] = extents[pick(rng, 0, 11)];
  if (pick(rng, 0, 3) != 0) p.size[idx(Dim::G)] = 1;
  p.stride_h = pick(rng, 1, 2);
  return p;
}

Architecture random_arch(std::mt19937 &rng) {
  static const std::int64_t sides[] = {1, 1, 2, 3, 4, 8, 16};
  Architecture a;
  a.name = "random";
  const int nl = static_cast<int>(pick(rng, 1, 4));
  for (int l = 0; l < nl; ++l) {
    std::string name = std::to_string(l);
    name.insert(0, 1, 'L'); // (not "L" + ...: GCC 12 warns falsely about that, -Wrestrict)
    Level level = make_level(name, std::nullopt, sides[pick(rng, 0, 6)], sides[pick(rng, 0, 6)]);
    a.levels.push_back(level);
  }
  a.levels.back().name = "DRAM";
  return a;
}

// A random valid mapping: each dimension's trips chosen from the inside out on its outer
// spine (every trip at most the remaining extent), the loops interleaved at random (each
// dimension's loops in order), cut into levels, and a random suffix of each level made
// spatial where the fanout has room.
Mapping random_mapping(std::mt19937 &rng, const Problem &p, const Architecture &a) {
  std::vector<std::vector<std::int64_t>> trips(kNumDims); // outermost first
  std::vector<Dim> labels;
  for (Dim d : kAllDims) {
    const std::int64_t extent = p.extent(d);
    const std::int64_t count =
        extent == 1 ? std::max<std::int64_t>(0, pick(rng, -3, 2)) : pick(rng, 1, 4);
    std::vector<std::int64_t> t;
    std::int64_t rest = extent;
    for (std::int64_t j = 1; j < count; ++j) {
      const std::int64_t f = pick(rng, 1, rest);
      t.insert(t.begin(), f);
      rest = ceil_div(rest, f);
    }
    if (count > 0) t.insert(t.begin(), rest);
    trips[idx(d)] = t;
    labels.insert(labels.end(), t.size(), d);
  }
  std::shuffle(labels.begin(), labels.end(), rng);
  std::vector<Loop> nest;
  DimArray<std::size_t> next{};
  for (Dim d : labels)
    nest.push_back(T(d, trips[idx(d)][next[idx(d)]++]));

  const int nl = a.num_levels();
  std::vector<std::size_t> cuts; // cut of level l, outermost level first
  for (int l = 0; l < nl - 1; ++l)
    cuts.push_back(static_cast<std::size_t>(pick(rng, 0, static_cast<std::int64_t>(nest.size()))));
  std::sort(cuts.begin(), cuts.end());
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(nest.size());
  Mapping m;
  m.levels.resize(nl);
  for (int l = nl - 1, seg = 0; l >= 0; --l, ++seg) {
    const std::size_t from = cuts[seg], to = cuts[seg + 1];
    const Fanout &f = a.levels[l].fanout;
    std::int64_t used_x = 1, used_y = 1;
    std::size_t spatial_from = to;
    const std::int64_t want = pick(rng, 0, static_cast<std::int64_t>(to - from));
    for (std::size_t i = to; i > from && static_cast<std::int64_t>(to - i) < want; --i) {
      Loop &x = nest[i - 1];
      const bool try_x = pick(rng, 0, 1) == 0;
      if ((try_x ? used_x : used_y) * x.trip <= (try_x ? f.x : f.y)) {
        (try_x ? used_x : used_y) *= x.trip;
        x.kind = try_x ? LoopKind::SpatialX : LoopKind::SpatialY;
      } else if ((try_x ? used_y : used_x) * x.trip <= (try_x ? f.y : f.x)) {
        (try_x ? used_y : used_x) *= x.trip;
        x.kind = try_x ? LoopKind::SpatialY : LoopKind::SpatialX;
      } else {
        break;
      }
      spatial_from = i - 1;
    }
    for (std::size_t i = from; i < to; ++i)
      (i < spatial_from ? m.levels[l].temporal : m.levels[l].spatial).push_back(nest[i]);
  }
  if (nl > 1 && pick(rng, 0, 2) == 0) {
    m.bypass.assign(nl, OperandArray<bool>{false, false, false});
    for (int l = 0; l < nl - 1; ++l)
      for (Operand o : kAllOperands)
        m.bypass[l][idx(o)] = pick(rng, 0, 3) == 0;
    m.bypass[0][idx(Operand::I)] = true; // at least one, so that the list is not empty
  }
  return m;
}

} // namespace

TEST_CASE("dsl printer: lower(schedule_from_mapping(m)) == m for many random mappings",
          "[correctness]") {
  std::mt19937 rng(20261121);
  int guarded = 0, spatial = 0, unit = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const Problem p = random_problem(rng);
    const Architecture a = random_arch(rng);
    const Mapping m = random_mapping(rng, p, a);
    REQUIRE_NOTHROW(validate(m, p, a));
    const Schedule s = schedule_from_mapping(p, a, m);
    const LoweredSchedule low = s.lower();
    if (low.mapping != m) {
      FAIL_CHECK("round trip differs; code:\n" << to_dsl_code(s));
      continue;
    }
    CHECK(to_dsl_code(p, a, m) == to_dsl_code(s));
    // Replaying the history (what the printed code does) gives the same mapping.
    Schedule replay(p, a);
    for (const Directive &d : s.history())
      replay.apply(d);
    CHECK(replay.lower().mapping == m);
    guarded += is_perfect(m, p) ? 0 : 1;
    for (const PlacedLoop &pl : flatten(m)) {
      spatial += pl.loop.kind != LoopKind::Temporal;
      unit += p.extent(pl.loop.dim) == 1;
    }
  }
  // The generator covers the interesting cases.
  CHECK(guarded > 300);
  CHECK(spatial > 300);
  CHECK(unit > 300);
}

TEST_CASE("dsl: every schedule that random directives accept lowers and round-trips",
          "[correctness]") {
  std::mt19937 rng(7);
  int accepted = 0, rejected = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const Problem p = random_problem(rng);
    const Architecture a = random_arch(rng);
    Schedule s(p, a);
    for (int step = 0; step < 40; ++step) {
      const std::vector<ScheduledLoop> &loops = s.loops();
      const auto any_loop = [&]() -> std::string {
        if (loops.empty() || pick(rng, 0, 20) == 0) return "nope";
        return loops[pick(rng, 0, static_cast<std::int64_t>(loops.size()) - 1)].name;
      };
      const std::string level = a.levels[pick(rng, 0, a.num_levels() - 1)].name;
      const Schedule before = s;
      try {
        switch (pick(rng, 0, 7)) {
        case 0:
        case 1: {
          const std::string v = any_loop();
          const std::int64_t e = s.has_loop(v) ? s.loop(v).extent : 4;
          s.split(v, v + "o", v + "i", pick(rng, 0, e + 1),
                  pick(rng, 0, 1) ? TailStrategy::Error : TailStrategy::GuardWithIf);
          break;
        }
        case 2: {
          std::vector<LoopVar> vars;
          for (std::int64_t j = pick(rng, 1, 4); j > 0; --j)
            vars.emplace_back(any_loop());
          s.reorder(vars);
          break;
        }
        case 3:
          s.spatial(any_loop(), pick(rng, 0, 1) ? Axis::X : Axis::Y);
          break;
        case 4:
          s.unroll(any_loop());
          break;
        case 5:
          if (pick(rng, 0, 5) == 0)
            s.store_root(level);
          else
            s.store_at(level, any_loop());
          break;
        case 6:
          s.bypass(level, kAllOperands[pick(rng, 0, 2)]);
          break;
        case 7:
          s.add_loop(kAllDims[pick(rng, 0, kNumDims - 1)]);
          break;
        }
        ++accepted;
      } catch (const UserError &e) {
        ++rejected;
        // A rejected directive changes nothing.
        REQUIRE(s.loops() == before.loops());
        REQUIRE(s.boundaries() == before.boundaries());
        REQUIRE(s.history().size() == before.history().size());
        continue;
      }
      LoweredSchedule low;
      REQUIRE_NOTHROW(low = s.lower());
      const Mapping back = schedule_from_mapping(p, a, low.mapping).lower().mapping;
      if (low.mapping.bypass.empty() == back.bypass.empty()) CHECK(back == low.mapping);
    }
  }
  CHECK(accepted > 2000);
  CHECK(rejected > 2000);
}

// ==== the example of docs/dsl.md ===========================================================

namespace {

Architecture eyeriss_like() {
  Architecture a;
  a.name = "eyeriss";
  a.levels.resize(3);
  a.levels[0].name = "RF";
  a.levels[0].capacity_words = 256;
  a.levels[1].name = "GB";
  a.levels[1].capacity_words = 65536;
  a.levels[1].fanout.x = a.levels[1].fanout.y = 16;
  a.levels[2].name = "DRAM";
  return a;
}

} // namespace

TEST_CASE("dsl: the docs/dsl.md example", "[correctness]") {
  // clang-format off
  Problem conv3 = LayerBuilder::conv("conv3").batch(1).out_channels(384).in_channels(256)
                      .output(13, 13).filter(3, 3).stride(1, 1);
  // clang-format on
  Schedule sched(conv3, eyeriss_like());
  LoopVar k("k"), k_o("k_o"), k_dram("k_dram"), k_pe("k_pe"), k_rf("k_rf");
  LoopVar c("c"), c_o("c_o"), c_dram("c_dram"), c_pe("c_pe"), c_rf("c_rf");
  LoopVar p("p"), q("q"), r("r"), s("s");
  // K = 6 (DRAM) x 16 (PE columns) x 4 (RF); C = 4 x 16 (PE rows) x 4.
  sched.split(k, k_o, k_rf, 4).split(k_o, k_dram, k_pe, 16);
  sched.split(c, c_o, c_rf, 4).split(c_o, c_dram, c_pe, 16);
  // Innermost first: the RF loops, the PE array, the GB loops, the DRAM loops.
  sched.reorder({s, r, c_rf, k_rf, c_pe, k_pe, q, p, c_dram, k_dram});
  sched.store_at("GB", c_dram); // GB holds everything inside c_dram
  sched.store_at("RF", c_pe);   // each RF holds everything inside c_pe
  sched.spatial(c_pe, Axis::Y).spatial(k_pe, Axis::X);
  sched.unroll(s);

  CHECK(sched.loop_nest() ==
        "// DRAM: holds the whole problem\n"
        "for (k_dram = 0; k_dram < 6; k_dram++)             // K, stride 64\n"
        "  for (c_dram = 0; c_dram < 4; c_dram++)           // C, stride 64\n"
        "    // GB: holds the tile below\n"
        "    for (p = 0; p < 13; p++)                       // P\n"
        "      for (q = 0; q < 13; q++)                     // Q\n"
        "        parallel_x (k_pe = 0; k_pe < 16; k_pe++)   // K, stride 4\n"
        "          parallel_y (c_pe = 0; c_pe < 16; c_pe++) // C, stride 4\n"
        "            // RF: holds the tile below\n"
        "            for (k_rf = 0; k_rf < 4; k_rf++)       // K\n"
        "              for (c_rf = 0; c_rf < 4; c_rf++)     // C\n"
        "                for (r = 0; r < 3; r++)            // R\n"
        "                  unrolled for (s = 0; s < 3; s++) // S\n"
        "                    k = 64*k_dram + 4*k_pe + k_rf;\n"
        "                    c = 64*c_dram + 4*c_pe + c_rf;\n"
        "                    O[n][k][p][q] += I[n][c][p + r][q + s] * W[k][c][r][s];\n");
  const LoweredSchedule lowered = sched.lower();
  CHECK(lowered.mapping == conv3_ws_mapping());
  CHECK(lowered.unrolled == std::vector<UnrolledLoop>{{0, 3, "s"}});
  CHECK(to_dsl_code(conv3, sched.arch(), lowered.mapping) ==
        to_dsl_code(conv3, eyeriss(), conv3_ws_mapping()));

  // The tile sizes the page quotes.
  const auto tile = [&](int level) {
    DimArray<std::int64_t> box;
    for (Dim d : kAllDims)
      box[idx(d)] = tile_extent(lowered.mapping, level, d);
    return OperandArray<std::int64_t>{tile_words(conv3, Operand::W, box),
                                      tile_words(conv3, Operand::I, box),
                                      tile_words(conv3, Operand::O, box)};
  };
  CHECK(tile(0) == OperandArray<std::int64_t>{144, 36, 4});
  CHECK(tile(1) == OperandArray<std::int64_t>{36864, 14400, 10816});
}
