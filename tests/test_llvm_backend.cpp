// The LLVM backend: scheduled nests verify bit-exactly against the reference, a wrong
// kernel is caught, and the instrumented counts match hand-derived ones.
#ifdef TESSEL_HAS_LLVM // the whole file: built only with the backend

#include "backend/counting_runtime.hpp"
#include "backend/llvm_backend.hpp"
#include "cost_model/analytical_model.hpp"
#include "cost_model/json_io.hpp"
#include "dsl/layer.hpp"
#include "dsl/schedule.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"
#include "support/random_cases.hpp"
#include "support/run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>

using namespace tessel;

namespace {

Loop T(Dim d, std::int64_t trip) { return {d, trip, LoopKind::Temporal}; }
Loop X(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialX}; }
Loop Y(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialY}; }

Problem conv(std::int64_t n, std::int64_t k, std::int64_t c, std::int64_t p, std::int64_t q,
             std::int64_t r, std::int64_t s, std::int64_t stride = 1, std::int64_t dilation = 1,
             std::int64_t g = 1) {
  Problem pr;
  pr.size[idx(Dim::N)] = n;
  pr.size[idx(Dim::K)] = k;
  pr.size[idx(Dim::C)] = c;
  pr.size[idx(Dim::P)] = p;
  pr.size[idx(Dim::Q)] = q;
  pr.size[idx(Dim::R)] = r;
  pr.size[idx(Dim::S)] = s;
  pr.size[idx(Dim::G)] = g;
  pr.stride_h = pr.stride_w = stride;
  pr.dilation_h = pr.dilation_w = dilation;
  return pr;
}

// RF (per PE) under a global buffer with a 4x4 fanout, under DRAM.
Architecture three_levels(bool multicast = true, bool reduction = true) {
  Architecture a;
  a.name = "test3";
  Level rf;
  rf.name = "RF";
  Level gb;
  gb.name = "GB";
  gb.fanout.x = 4;
  gb.fanout.y = 4;
  gb.fanout.multicast = multicast;
  gb.fanout.reduction = reduction;
  Level dram;
  dram.name = "DRAM";
  a.levels = {rf, gb, dram};
  return a;
}

Mapping mapping(std::vector<LevelLoops> innermost_first) {
  Mapping m;
  m.levels = std::move(innermost_first);
  return m;
}

// A plain C++ reference (wrapping int32 arithmetic), independent of the JIT.
std::vector<std::uint32_t> cpp_reference(const Problem &p, const std::vector<std::uint32_t> &in,
                                         const std::vector<std::uint32_t> &wt) {
  auto e = [&](Dim d) { return p.extent(d); };
  const std::int64_t H = p.input_height(), W = p.input_width();
  std::vector<std::uint32_t> out(static_cast<std::size_t>(buffer_words(p, Operand::O)), 0);
  for (std::int64_t g = 0; g < e(Dim::G); ++g)
    for (std::int64_t n = 0; n < e(Dim::N); ++n)
      for (std::int64_t k = 0; k < e(Dim::K); ++k)
        for (std::int64_t c = 0; c < e(Dim::C); ++c)
          for (std::int64_t y = 0; y < e(Dim::P); ++y)
            for (std::int64_t x = 0; x < e(Dim::Q); ++x)
              for (std::int64_t r = 0; r < e(Dim::R); ++r)
                for (std::int64_t s = 0; s < e(Dim::S); ++s) {
                  const std::int64_t h = y * p.stride_h + r * p.dilation_h;
                  const std::int64_t w = x * p.stride_w + s * p.dilation_w;
                  out[(((g * e(Dim::N) + n) * e(Dim::K) + k) * e(Dim::P) + y) * e(Dim::Q) + x] +=
                      in[(((g * e(Dim::N) + n) * e(Dim::C) + c) * H + h) * W + w] *
                      wt[(((g * e(Dim::K) + k) * e(Dim::C) + c) * e(Dim::R) + r) * e(Dim::S) + s];
                }
  return out;
}

std::vector<std::uint32_t> seeded_words(std::int64_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint32_t> v(static_cast<std::size_t>(n));
  for (auto &x : v)
    x = static_cast<std::uint32_t>(rng() >> 32);
  return v;
}

VerifyOptions quick() {
  VerifyOptions o;
  o.timing_runs = 0;
  o.opt_level = 1;
  return o;
}

} // namespace

TEST_CASE("the JIT'd reference nest equals a plain C++ loop nest", "[llvm]") {
  for (const Problem &p :
       {conv(2, 3, 2, 5, 4, 3, 2), conv(1, 2, 3, 3, 4, 2, 3, 2, 1),
        conv(1, 2, 1, 3, 3, 3, 2, 1, 2, 3), conv(1, 1, 1, 4, 5, 3, 3, 2, 2, 4)}) {
    const auto in = seeded_words(buffer_words(p, Operand::I), 1);
    const auto wt = seeded_words(buffer_words(p, Operand::W), 2);
    const auto expected = cpp_reference(p, in, wt);
    for (int opt : {0, 2}) {
      LowerOptions lo;
      lo.opt_level = opt;
      const Kernel k = compile_reference(p, lo);
      std::vector<std::uint32_t> out(expected.size(), 0);
      k.run(in.data(), wt.data(), out.data());
      CHECK(out == expected);
    }
  }
}

TEST_CASE("a simple tiled mapping verifies bit-exactly", "[llvm]") {
  const Problem p = conv(1, 4, 3, 5, 5, 3, 3);
  const Mapping m = mapping({{{T(Dim::R, 3), T(Dim::S, 3)}, {}},
                             {{T(Dim::C, 3), T(Dim::P, 5)}, {X(Dim::K, 4)}},
                             {{T(Dim::Q, 5)}, {}}});
  const VerifyResult r = verify_mapping(p, m, quick());
  CHECK(r.passed);
  CHECK(r.mismatches == 0);
  CHECK(r.output_words == 4 * 5 * 5);
}

TEST_CASE("tails of imperfect factors in every dimension verify bit-exactly", "[llvm]") {
  // Every dimension is split so that its trips multiply past the extent.
  const Problem p = conv(3, 5, 3, 7, 6, 3, 2);
  const Mapping m = mapping(
      {{{T(Dim::R, 2), T(Dim::S, 2), T(Dim::Q, 4)}, {}},
       {{T(Dim::C, 2), T(Dim::P, 3)}, {X(Dim::K, 3), Y(Dim::N, 2)}},
       {{T(Dim::K, 2), T(Dim::P, 3), T(Dim::C, 2), T(Dim::Q, 2), T(Dim::R, 2), T(Dim::N, 2)}, {}}});
  REQUIRE_FALSE(is_perfect(m, p));
  for (int opt : {0, 2}) {
    VerifyOptions o = quick();
    o.opt_level = opt;
    const VerifyResult r = verify_mapping(p, three_levels(), m, o);
    CHECK(r.passed);
    CHECK(r.mismatches == 0);
  }
}

TEST_CASE("strides, dilations, groups and depthwise layers verify bit-exactly", "[llvm]") {
  SECTION("stride 2, dilation 2") {
    const Problem p = conv(1, 3, 2, 5, 4, 3, 3, 2, 2);
    const Mapping m = mapping({{{T(Dim::S, 3), T(Dim::R, 3)}, {X(Dim::C, 2)}},
                               {{T(Dim::Q, 2), T(Dim::P, 5)}, {X(Dim::K, 3)}},
                               {{T(Dim::Q, 2)}, {}}});
    CHECK(verify_mapping(p, m, quick()).passed);
  }
  SECTION("stride 3, dilation 1 (rows no MAC reads)") {
    const Problem p = conv(2, 2, 3, 3, 3, 2, 2, 3, 1);
    const Mapping m = mapping({{{T(Dim::C, 3), T(Dim::R, 2), T(Dim::S, 2)}, {}},
                               {{T(Dim::P, 3), T(Dim::Q, 3)}, {X(Dim::N, 2), Y(Dim::K, 2)}},
                               {{}, {}}});
    CHECK(verify_mapping(p, m, quick()).passed);
  }
  SECTION("grouped convolution") {
    const Problem p = conv(1, 2, 3, 4, 4, 3, 3, 1, 1, 3);
    const Mapping m = mapping({{{T(Dim::C, 3), T(Dim::R, 3), T(Dim::S, 3)}, {X(Dim::K, 2)}},
                               {{T(Dim::P, 4), T(Dim::Q, 2)}, {X(Dim::G, 2)}},
                               {{T(Dim::G, 2), T(Dim::Q, 2)}, {}}});
    CHECK(verify_mapping(p, m, quick()).passed);
  }
  SECTION("depthwise convolution") {
    Problem p = conv(1, 1, 1, 5, 5, 3, 3, 1, 1, 6);
    p.type = ProblemType::Depthwise;
    const Mapping m = mapping({{{T(Dim::R, 3), T(Dim::S, 3)}, {}},
                               {{T(Dim::Q, 5), T(Dim::P, 5)}, {X(Dim::G, 4)}},
                               {{T(Dim::G, 2)}, {}}});
    CHECK(verify_mapping(p, three_levels(), m, quick()).passed);
  }
  SECTION("GEMM") {
    Problem p = conv(6, 5, 7, 1, 1, 1, 1);
    p.type = ProblemType::Gemm;
    const Mapping m = mapping({{{T(Dim::C, 4)}, {X(Dim::K, 2)}},
                               {{T(Dim::N, 3), T(Dim::C, 2)}, {Y(Dim::N, 2), X(Dim::K, 2)}},
                               {{T(Dim::K, 2)}, {}}});
    CHECK(verify_mapping(p, m, quick()).passed);
  }
}

TEST_CASE("unrolled loops verify bit-exactly, tails included", "[llvm]") {
  const Problem p = conv(1, 5, 3, 5, 4, 3, 3);
  const Mapping m = mapping({{{T(Dim::K, 2), T(Dim::R, 3), T(Dim::S, 3)}, {}},
                             {{T(Dim::C, 3), T(Dim::P, 5)}, {X(Dim::K, 3)}},
                             {{T(Dim::Q, 4)}, {}}});
  const auto nest = flatten(m);
  REQUIRE(nest.size() == 7);
  // Nest: Q4 | C3 P5 K3x | K2 R3 S3. Unroll the innermost three (K2 has a guarded tail:
  // K = 3*kx + k2 reaches 5), then a spatial loop and an outer one too.
  const std::vector<std::vector<bool>> choices = {
      {false, false, false, false, true, true, true},
      {false, false, false, true, false, false, true},
      {true, false, true, false, true, false, false},
  };
  for (const auto &unroll : choices)
    for (int opt : {0, 2}) {
      VerifyOptions o = quick();
      o.unroll = unroll;
      o.opt_level = opt;
      CHECK(verify_mapping(p, three_levels(), m, o).passed);
    }
  SECTION("the unrolled body is really replicated") {
    LowerOptions lo;
    lo.opt_level = 0;
    const std::string rolled = emit_llvm_ir(p, m, lo);
    lo.unroll = choices[0];
    const std::string unrolled = emit_llvm_ir(p, m, lo);
    auto count = [](const std::string &s, const std::string &what) {
      std::size_t n = 0;
      for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        ++n;
      return n;
    };
    CHECK(count(rolled, "store i32") == 1);
    CHECK(count(unrolled, "store i32") == 2 * 3 * 3);
    CHECK(count(unrolled, "phi i64") == 4); // Q, C, P, K (spatial) remain loops
  }
  SECTION("too much unrolling is refused") {
    LowerOptions lo;
    lo.unroll = std::vector<bool>(nest.size(), true);
    lo.max_unrolled_copies = 100;
    CHECK_THROWS_AS(compile_mapping(p, m, lo), UserError);
    lo.unroll = {true};
    CHECK_THROWS_AS(compile_mapping(p, m, lo), UserError);
  }
}

TEST_CASE("float nests verify exactly (small-integer data)", "[llvm]") {
  const Problem p = conv(1, 4, 5, 5, 5, 3, 3, 1, 2);
  const Mapping m = mapping({{{T(Dim::C, 5), T(Dim::S, 3)}, {}},
                             {{T(Dim::R, 3), T(Dim::P, 5), T(Dim::Q, 5)}, {X(Dim::K, 4)}},
                             {{}, {}}});
  VerifyOptions o = quick();
  o.type = DataType::Float32;
  o.opt_level = 2;
  const VerifyResult r = verify_mapping(p, m, o);
  CHECK(r.exact);
  CHECK(r.passed);
}

TEST_CASE("a wrong kernel is caught", "[llvm]") {
  // P=3, Q=4, R=3, S=2: a 5x5 input, 3x4 outputs, 3x2 filters.
  const Problem p = conv(1, 2, 2, 3, 4, 3, 2);
  const Mapping good = mapping({{{T(Dim::R, 3), T(Dim::S, 2)}, {}},
                                {{T(Dim::C, 2), T(Dim::P, 3), T(Dim::Q, 4)}, {X(Dim::K, 2)}},
                                {{}, {}}});
  LowerOptions lo;
  lo.opt_level = 1;
  const Kernel reference = compile_reference(p, lo);
  CHECK(verify_kernels(p, compile_mapping(p, good, lo), reference, quick()).passed);
  // A kernel with a wrong index map but the same buffer sizes: P=4, Q=3, R=2, S=3 also has
  // a 5x5 input, 12 outputs and 6 filter taps, read in another order.
  const Problem transposed = conv(1, 2, 2, 4, 3, 2, 3);
  const Mapping wrong_map = mapping({{{T(Dim::R, 2), T(Dim::S, 3)}, {}},
                                     {{T(Dim::C, 2), T(Dim::P, 4), T(Dim::Q, 3)}, {X(Dim::K, 2)}},
                                     {{}, {}}});
  const VerifyResult bad =
      verify_kernels(p, compile_mapping(transposed, wrong_map, lo), reference, quick());
  CHECK_FALSE(bad.passed);
  CHECK(bad.mismatches > 0);
  REQUIRE(bad.first_mismatch);
  CHECK(bad.first_mismatch->expected != bad.first_mismatch->actual);
  // The first mismatch is reported at its offset and coordinates.
  const auto &at = bad.first_mismatch->at;
  CHECK(bad.first_mismatch->offset ==
        ((at[idx(Dim::K)] * 3) + at[idx(Dim::P)]) * 4 + at[idx(Dim::Q)]);
  SECTION("wrong reference data") {
    const auto in = seeded_words(buffer_words(p, Operand::I), 5);
    auto wt = seeded_words(buffer_words(p, Operand::W), 6);
    std::vector<std::uint32_t> out(static_cast<std::size_t>(buffer_words(p, Operand::O)), 0);
    compile_mapping(p, good, lo).run(in.data(), wt.data(), out.data());
    CHECK(out == cpp_reference(p, in, wt));
    wt[7] ^= 1u;
    CHECK(out != cpp_reference(p, in, wt));
  }
  SECTION("kernels of other sizes are refused") {
    CHECK_THROWS_AS(
        verify_kernels(p, compile_reference(conv(1, 2, 2, 3, 3, 3, 2), lo), reference, quick()),
        UserError);
  }
}

TEST_CASE("mappings that do not cover the problem are refused", "[llvm]") {
  const Problem p = conv(1, 4, 1, 3, 1, 1, 1);
  const Mapping short_k = mapping({{{T(Dim::K, 3), T(Dim::P, 3)}, {}}, {{}, {}}});
  CHECK_THROWS_AS(compile_mapping(p, short_k), UserError);
  CHECK_THROWS_AS(verify_mapping(p, short_k, quick()), UserError);
}

namespace {

// A register holding one word of each operand under a buffer, one PE (docs/cost_model.md).
Architecture register_and_buffer() {
  Architecture a;
  a.name = "reg-buf";
  Level reg;
  reg.name = "Reg";
  reg.capacity_words = 3;
  Level buf;
  buf.name = "Buf";
  a.levels = {reg, buf};
  return a;
}

const OperandCounts &at(const AccessCounts &c, int level, Operand o) {
  return c.levels[level].operands[idx(o)];
}

LowerOptions counting() {
  LowerOptions lo;
  lo.opt_level = 0;
  return lo;
}

} // namespace

TEST_CASE("instrumented counts: the 1-D examples of docs/cost_model.md", "[llvm]") {
  const std::int64_t E = 7, R = 3;
  const Problem p = conv(1, 1, 1, E, 1, R, 1);
  const Architecture a = register_and_buffer();
  SECTION("output stationary: for e, for r") {
    const Mapping m = mapping({{{}, {}}, {{T(Dim::P, E), T(Dim::R, R)}, {}}});
    const AccessCounts c = instrumented_counts(p, a, m, counting());
    INFO(to_string(c, {"Reg", "Buf"}));
    CHECK(c.macs == E * R);
    CHECK(at(c, 1, Operand::W).reads == E * R);
    CHECK(at(c, 1, Operand::I).reads == E * R);
    CHECK(at(c, 1, Operand::O).reads == 0);
    CHECK(at(c, 1, Operand::O).writes == E);
    CHECK(at(c, 1, Operand::O).updates == E);
    // The register: every MAC reads W and I there; O is read back except at first touch.
    CHECK(at(c, 0, Operand::W).reads == E * R);
    CHECK(at(c, 0, Operand::W).fills == E * R);
    CHECK(at(c, 0, Operand::O).updates == E * R);
    CHECK(at(c, 0, Operand::O).reads == E * R - E);
    CHECK(at(c, 0, Operand::O).fills == 0);
  }
  SECTION("weight stationary: for r, for e") {
    const Mapping m = mapping({{{}, {}}, {{T(Dim::R, R), T(Dim::P, E)}, {}}});
    const AccessCounts c = instrumented_counts(p, a, m, counting());
    INFO(to_string(c, {"Reg", "Buf"}));
    CHECK(at(c, 1, Operand::W).reads == R);
    CHECK(at(c, 1, Operand::I).reads == E * R);
    CHECK(at(c, 1, Operand::O).updates == E * R);
    CHECK(at(c, 1, Operand::O).writes == E * R);
    CHECK(at(c, 1, Operand::O).reads == E * R - E);
    CHECK(at(c, 0, Operand::O).fills == E * R - E);
    CHECK(at(c, 0, Operand::W).fills == R);
  }
}

TEST_CASE("instrumented counts: multicast and spatial reduction", "[llvm]") {
  // A 1-D convolution on 4 PEs (E=5, R=3), every loop at the buffer: for e, for r.
  const std::int64_t E = 5, R = 3;
  auto arch = [](bool multicast, bool reduction) {
    Architecture a = register_and_buffer();
    a.levels[1].fanout.x = 4;
    a.levels[1].fanout.multicast = multicast;
    a.levels[1].fanout.reduction = reduction;
    return a;
  };
  SECTION("K across the PEs: one input word serves all four") {
    const Problem p = conv(1, 4, 1, E, 1, R, 1);
    const Mapping m = mapping({{{}, {}}, {{T(Dim::P, E), T(Dim::R, R)}, {X(Dim::K, 4)}}});
    for (bool multicast : {true, false}) {
      const AccessCounts c = instrumented_counts(p, arch(multicast, true), m, counting());
      INFO(to_string(c, {"Reg", "Buf"}));
      CHECK(at(c, 0, Operand::I).fills == 4 * E * R);
      CHECK(at(c, 1, Operand::I).reads == (multicast ? 1 : 4) * E * R);
      CHECK(at(c, 1, Operand::W).reads == 4 * E * R); // every PE its own filter
      CHECK(at(c, 1, Operand::O).updates == 4 * E);
      CHECK(at(c, 1, Operand::O).reads == 0);
      CHECK(c.fanouts[1].words[idx(Operand::I)] == 4 * E * R);
      CHECK(c.fanouts[1].words[idx(Operand::O)] == 4 * E);
    }
  }
  SECTION("C across the PEs: four partial sums of one output word") {
    const Problem p = conv(1, 1, 4, E, 1, R, 1);
    const Mapping m = mapping({{{}, {}}, {{T(Dim::P, E), T(Dim::R, R)}, {X(Dim::C, 4)}}});
    for (bool reduction : {true, false}) {
      const AccessCounts c = instrumented_counts(p, arch(true, reduction), m, counting());
      INFO(to_string(c, {"Reg", "Buf"}));
      CHECK(at(c, 1, Operand::O).updates == (reduction ? 1 : 4) * E);
      CHECK(at(c, 1, Operand::O).reads == (reduction ? 0 : 3) * E); // read-modify-write
      CHECK(at(c, 0, Operand::O).fills == 0);
      CHECK(c.fanouts[1].words[idx(Operand::O)] == 4 * E); // before any reduction
    }
  }
}

TEST_CASE("instrumented counts: siblings across a bypassed level see one timeline", "[llvm]") {
  // RF under GB under DRAM; GB bypasses O, so the RF's O parent is DRAM and the DRAM fanout
  // (C split over 2 GBs) is crossed. C=4 (2 temporal at DRAM x 2 spatial), P=3 at GB.
  // The two RFs hold the same output word at every step, in lockstep.
  const Problem p = conv(1, 1, 4, 3, 1, 1, 1);
  const Mapping m = mapping({{{}, {}}, {{T(Dim::P, 3)}, {}}, {{T(Dim::C, 2)}, {X(Dim::C, 2)}}});
  for (bool reduction : {true, false}) {
    Architecture a = three_levels();
    a.levels[1].fanout = Fanout{};
    a.levels[1].keeps = {true, true, false};
    a.levels[2].fanout.x = 2;
    a.levels[2].fanout.reduction = reduction;
    const AccessCounts c = instrumented_counts(p, a, m, counting());
    INFO(to_string(c, {"RF", "GB", "DRAM"}));
    // Steps (c_t, p): at c_t = 0 every output starts from zero; at c_t = 1 the first RF
    // takes the partial sum from DRAM, the other starts from zero.
    CHECK(at(c, 2, Operand::O).updates == (reduction ? 6 : 12));
    CHECK(at(c, 2, Operand::O).reads == (reduction ? 3 : 3 + 6));
    CHECK(at(c, 0, Operand::O).fills == 3);
    CHECK(at(c, 0, Operand::O).reads == 3);
    CHECK(at(c, 0, Operand::O).updates == 12);
    CHECK(at(c, 1, Operand::O) == OperandCounts{});
    CHECK(c.fanouts[2].words[idx(Operand::O)] == 3 + 12);
    CHECK(c.fanouts[1].words[idx(Operand::O)] == 3 + 12);
    CHECK(at(c, 1, Operand::W).fills == 4);
    CHECK(at(c, 2, Operand::W).reads == 4);
    CHECK(at(c, 0, Operand::W).fills == 4);
    CHECK(at(c, 1, Operand::I).fills == 12);
    CHECK(at(c, 0, Operand::I).fills == 12);
  }
}

TEST_CASE("the counting runtime's residency checks fire on a wrong access", "[llvm]") {
  // E=4, R=1 on register + buffer: the register holds O[e] at step e.
  const Problem p = conv(1, 1, 1, 4, 1, 1, 1);
  const Mapping m = mapping({{{}, {}}, {{T(Dim::P, 4)}, {}}});
  backend::CountingRuntime rt(p, register_and_buffer(), m);
  rt.begin();
  rt.mac(0, 0, 0);
  rt.mac_step_end();
  CHECK(rt.violations() == 0);
  rt.index_array()[0] = 1;
  rt.step(0);
  rt.mac(0, 1, 3); // O[3] is not in the register at step 1 (O[1] is)
  rt.mac_step_end();
  CHECK(rt.violations() == 1);
  CHECK_THAT(rt.first_violation(), Catch::Contains("Reg"));
}

TEST_CASE("a one-MAC problem with no loops at all", "[llvm]") {
  const Problem p = conv(1, 1, 1, 1, 1, 1, 1);
  const Mapping m = mapping({{{}, {}}, {{}, {}}, {{}, {}}});
  VerifyOptions o = quick();
  o.counts = true;
  const VerifyResult r = verify_mapping(p, three_levels(), m, o);
  CHECK(r.passed);
  REQUIRE(r.counts);
  CHECK(r.counts->macs == 1);
  CHECK(*r.counts == analytical_counts(p, three_levels(), m));
}

TEST_CASE("DSL schedules verify, unrolled as they say, and count like the model", "[llvm]") {
  // An odd-sized layer: guarded splits of k and p, spatial k and c, unrolled r and s.
  const Problem p =
      LayerBuilder::conv("odd").out_channels(10).in_channels(6).output(7, 5).filter(3, 3);
  Architecture a = three_levels();
  Schedule s(p, a);
  s.split("k", "k_o", "k_i", 4, TailStrategy::GuardWithIf);
  s.split("p", "p_o", "p_i", 3, TailStrategy::GuardWithIf);
  s.split("c", "c_o", "c_i", 3);
  s.reorder({"s", "r", "q", "c_i", "k_i", "p_i", "c_o", "p_o", "k_o"});
  s.store_at("GB", "p_o").store_at("RF", "c_i");
  s.spatial("c_i", Axis::Y).spatial("k_i", Axis::X);
  s.unroll("r").unroll("s");
  const LoweredSchedule lowered = s.lower();
  const std::vector<bool> flags = unroll_flags(lowered);
  REQUIRE(flags.size() == flatten(lowered.mapping).size());
  CHECK(std::count(flags.begin(), flags.end(), true) == 2);
  VerifyOptions o = quick();
  o.counts = true;
  const VerifyResult r = verify_schedule(s, o);
  CHECK(r.passed);
  REQUIRE(r.counts);
  CHECK(*r.counts == analytical_counts(p, a, lowered.mapping));
  LowerOptions lo;
  lo.opt_level = 0;
  const std::string ir = emit_llvm_ir(s, lo);
  std::size_t stores = 0;
  for (auto at = ir.find("store i32"); at != std::string::npos; at = ir.find("store i32", at + 1))
    ++stores;
  CHECK(stores == 9); // r and s unrolled: 3 x 3 copies of the MAC
}

TEST_CASE("verify reports: text and JSON, counts beside the model", "[llvm]") {
  const Problem p = conv(1, 4, 1, 5, 1, 3, 1);
  Architecture a = register_and_buffer();
  a.levels[1].fanout.x = 4;
  const Mapping m = mapping({{{}, {}}, {{T(Dim::P, 5), T(Dim::R, 3)}, {X(Dim::K, 4)}}});
  VerifyOptions o = quick();
  o.counts = true;
  const VerifyResult r = verify_mapping(p, a, m, o);
  REQUIRE(r.counts);
  const AccessCounts model = analytical_counts(p, a, m);
  CHECK(verify_succeeded(r, model));
  const std::string text = verify_report(p, a, r, o, model, false);
  CHECK_THAT(text, Catch::Contains("equal to the analytical model"));
  CHECK_THAT(text, Catch::EndsWith("PASS\n"));
  const auto j = nlohmann::json::parse(verify_report(p, a, r, o, model, true));
  CHECK(j["passed"] == true);
  CHECK(j["counts"]["equal"] == true);
  CHECK(j["counts"]["instrumented"]["levels"][1]["operands"]["I"]["reads"] == 15);
  AccessCounts off = model;
  off.levels[1].operands[idx(Operand::I)].reads += 1;
  CHECK_FALSE(verify_succeeded(r, off));
  const std::string bad = verify_report(p, a, r, o, off, false);
  CHECK_THAT(bad, Catch::Contains("15 (model 16)"));
  CHECK_THAT(bad, Catch::Contains("1 field differs"));
  CHECK_THAT(bad, Catch::EndsWith("FAIL\n"));
}

namespace {

// A small layer with tails, on RF / GB (4x4, multicast, no reduction) / DRAM, as JSON files.
struct CliFiles {
  test::TempDir dir;
  std::string arch, problem, mapping;
  CliFiles() {
    arch = dir.write("arch.json", R"({"name": "small", "levels": [
        {"name": "RF", "capacity_words": 512, "read_pj": 1, "write_pj": 1},
        {"name": "GB", "read_pj": 6, "write_pj": 6,
         "fanout": {"x": 4, "y": 4, "multicast": true, "reduction": false}},
        {"name": "DRAM", "read_pj": 200, "write_pj": 200}]})")
               .string();
    problem = dir.write("problem.json", R"({"name": "odd", "K": 6, "C": 5, "P": 7, "Q": 6,
        "R": 3, "S": 3, "stride": [2, 1]})")
                  .string();
    mapping = dir.write("mapping.json", R"({"levels": [
        {"level": "DRAM", "temporal": [["K", 2], ["P", 2]]},
        {"level": "GB", "temporal": [["C", 2]], "spatial": [["K", 3, "x"], ["C", 3, "y"]]},
        {"level": "RF", "temporal": [["P", 4], ["Q", 6], ["R", 3], ["S", 3]]}]})")
                  .string();
  }
  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"--arch", arch, "--problem", problem, "--mapping", mapping};
    a.insert(a.begin(), extra.begin(), extra.end());
    return a;
  }
};

} // namespace

TEST_CASE("tessel verify: pass, counts beside the model, JSON, unrolling", "[llvm]") {
  const CliFiles f;
  const auto r = test::run_cli(f.args({"verify", "--counts", "--runs", "1"}), f.dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("0 of 252 differ"));
  CHECK_THAT(r.out, Catch::Contains("counts: equal to the analytical model"));
  CHECK_THAT(r.out, Catch::EndsWith("PASS\n"));
  const auto j = test::run_cli(
      f.args({"verify", "--float", "--unroll", "6,7,8", "--runs", "0", "--format", "json"}),
      f.dir.path());
  INFO(j.out << j.err);
  CHECK(j.exit_code == 0);
  const auto parsed = nlohmann::json::parse(j.out);
  CHECK(parsed["passed"] == true);
  CHECK(parsed["type"] == "float");
  CHECK(parsed["mismatches"] == 0);
}

TEST_CASE("tessel verify --dataflow", "[llvm]") {
  const CliFiles f;
  for (const char *flow : {"row_stationary", "gemmini_os"}) {
    const auto r = test::run_cli(
        {"verify", "--problem", f.problem, "--dataflow", flow, "--counts", "--runs", "0"},
        f.dir.path());
    INFO(flow << "\n" << r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("counts: equal to the analytical model"));
  }
  const auto both = test::run_cli(f.args({"verify", "--dataflow", "row_stationary"}), f.dir.path());
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("give either --mapping or --dataflow"));
}

TEST_CASE("tessel verify and lower --emit llvm: errors and the IR", "[llvm]") {
  const CliFiles f;
  const auto bad = test::run_cli(f.args({"verify", "--unroll", "3,x"}), f.dir.path());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--unroll: 'x' is not a loop position"));
  const auto ir = test::run_cli(f.args({"lower", "--emit", "llvm", "--unroll", "8"}), f.dir.path());
  INFO(ir.err);
  CHECK(ir.exit_code == 0);
  CHECK_THAT(ir.out, Catch::Contains("define void @tessel_scheduled(i32* noalias %I"));
  const auto counted =
      test::run_cli(f.args({"lower", "--emit", "llvm", "--instrumented"}), f.dir.path());
  CHECK_THAT(counted.out, Catch::Contains("call void @tessel_rt_mac("));
  const auto nest = test::run_cli(f.args({"lower", "--emit", "text"}), f.dir.path());
  CHECK(nest.exit_code == 2);
}

namespace {

// Random small problems, architectures and legal mappings (a local generator).
struct BackendCase {
  Problem problem;
  Architecture arch;
  Mapping mapping;
  std::vector<bool> unroll;
};

class CaseGenerator {
public:
  explicit CaseGenerator(std::uint64_t seed) : rng_(seed) {}

  BackendCase next() {
    for (;;) {
      BackendCase c;
      c.problem = problem();
      c.arch = arch();
      if (!make_mapping(c)) continue;
      try {
        validate(c.mapping, c.problem, c.arch);
      } catch (const UserError &) {
        continue;
      }
      for (const PlacedLoop &pl : flatten(c.mapping))
        c.unroll.push_back(pl.loop.trip <= 3 && pick(4) == 0);
      return c;
    }
  }

private:
  std::int64_t pick(std::int64_t n) { return static_cast<std::int64_t>(rng_() % n); }
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return lo + pick(hi - lo + 1); }

  Problem problem() {
    Problem p = conv(range(1, 2), range(1, 4), range(1, 4), range(1, 5), range(1, 4), range(1, 3),
                     range(1, 3), range(1, 2), range(1, 2), pick(3) == 0 ? range(2, 3) : 1);
    p.stride_w = range(1, 2);
    p.dilation_w = range(1, 2);
    return p;
  }

  Architecture arch() {
    Architecture a;
    a.name = "random";
    const int n = static_cast<int>(range(2, 4));
    for (int l = 0; l < n; ++l) {
      Level v;
      v.name = std::to_string(l);
      v.name.insert(0, 1, 'L');
      if (l + 1 < n)
        for (bool &k : v.keeps)
          k = pick(4) != 0;
      const std::int64_t sizes[][2] = {{1, 1}, {2, 1}, {2, 2}, {3, 2}, {4, 1}};
      const auto &s = sizes[pick(5)];
      v.fanout.x = s[0];
      v.fanout.y = s[1];
      v.fanout.multicast = pick(3) != 0;
      v.fanout.reduction = pick(3) != 0;
      a.levels.push_back(v);
    }
    return a;
  }

  bool make_mapping(BackendCase &c) {
    const int n = c.arch.num_levels();
    c.mapping.levels.assign(n, {});
    std::vector<std::int64_t> used_x(n, 1), used_y(n, 1);
    for (Dim d : kAllDims) {
      const std::int64_t extent = c.problem.extent(d);
      if (extent == 1 && pick(2)) continue;
      const int parts = static_cast<int>(range(1, 3));
      std::vector<std::int64_t> trips;
      std::int64_t covered = 1;
      for (int i = 0; i + 1 < parts; ++i) {
        trips.push_back(range(1, std::min<std::int64_t>(extent, 3)));
        covered *= trips.back();
      }
      trips.push_back((extent + covered - 1) / covered);
      for (std::int64_t t : trips) {
        const int l = static_cast<int>(pick(n));
        const Fanout &f = c.arch.levels[l].fanout;
        const std::int64_t kind = pick(3);
        if (kind == 1 && used_x[l] * t <= f.x) {
          used_x[l] *= t;
          c.mapping.levels[l].spatial.push_back(X(d, t));
        } else if (kind == 2 && used_y[l] * t <= f.y) {
          used_y[l] *= t;
          c.mapping.levels[l].spatial.push_back(Y(d, t));
        } else {
          c.mapping.levels[l].temporal.push_back(T(d, t));
        }
      }
    }
    for (LevelLoops &ll : c.mapping.levels) {
      std::shuffle(ll.temporal.begin(), ll.temporal.end(), rng_);
      std::shuffle(ll.spatial.begin(), ll.spatial.end(), rng_);
    }
    if (pick(3) == 0) {
      c.mapping.bypass.assign(n, {false, false, false});
      for (int l = 0; l + 1 < n; ++l)
        for (bool &b : c.mapping.bypass[l])
          b = pick(4) == 0;
    }
    return true;
  }

  std::mt19937_64 rng_;
};

std::string describe(const BackendCase &c) {
  std::ostringstream s;
  s << "problem";
  for (Dim d : kAllDims)
    s << " " << dim_name(d) << "=" << c.problem.extent(d);
  s << " stride " << c.problem.stride_h << "x" << c.problem.stride_w << " dilation "
    << c.problem.dilation_h << "x" << c.problem.dilation_w << "\n";
  for (int l = c.arch.num_levels() - 1; l >= 0; --l) {
    const Level &v = c.arch.levels[l];
    s << v.name << " keeps";
    for (Operand o : kAllOperands)
      if (keeps(c.arch, c.mapping, l, o)) s << " " << operand_name(o);
    s << " fanout " << v.fanout.x << "x" << v.fanout.y << (v.fanout.multicast ? " mc" : "")
      << (v.fanout.reduction ? " red" : "") << " |";
    for (const Loop &x : c.mapping.levels[l].temporal)
      s << " " << dim_name(x.dim) << x.trip;
    s << " |";
    for (const Loop &x : c.mapping.levels[l].spatial)
      s << " " << dim_name(x.dim) << x.trip << (x.kind == LoopKind::SpatialX ? "x" : "y");
    s << "\n";
  }
  return s.str();
}

} // namespace

TEST_CASE("random legal mappings verify bit-exactly and count like the analytical model",
          "[llvm]") {
  CaseGenerator gen(20240601);
  int count_mismatches = 0;
  for (int i = 0; i < 300; ++i) {
    const BackendCase c = gen.next();
    INFO("case " << i << "\n" << describe(c));
    VerifyOptions o = quick();
    o.opt_level = 0;
    o.unroll = c.unroll;
    o.counts = true;
    o.seed = static_cast<std::uint64_t>(i);
    const VerifyResult r = verify_mapping(c.problem, c.arch, c.mapping, o);
    CHECK(r.passed);
    REQUIRE(r.counts);
    const AccessCounts model = analytical_counts(c.problem, c.arch, c.mapping);
    std::vector<std::string> names;
    for (const Level &v : c.arch.levels)
      names.push_back(v.name);
    INFO("instrumented:\n"
         << to_string(*r.counts, names) << "analytical:\n"
         << to_string(model, names));
    if (*r.counts != model) ++count_mismatches;
    CHECK(*r.counts == model);
  }
  CHECK(count_mismatches == 0);
}

TEST_CASE("the shared random cases verify bit-exactly and count like the analytical model",
          "[llvm]") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const RandomCase c = random_case(seed);
    INFO(c.describe());
    VerifyOptions o = quick();
    o.opt_level = 0;
    o.counts = true;
    o.seed = seed;
    const VerifyResult r = verify_mapping(c.problem, c.arch, c.mapping, o);
    CHECK(r.passed);
    REQUIRE(r.counts);
    const AccessCounts model = analytical_counts(c.problem, c.arch, c.mapping);
    std::vector<std::string> names;
    for (const Level &v : c.arch.levels)
      names.push_back(v.name);
    INFO("instrumented:\n"
         << to_string(*r.counts, names) << "analytical:\n"
         << to_string(model, names));
    CHECK(*r.counts == model);
  }
}

namespace {

// Dataflow-style mappings of a layer onto RF / GB (16x16 fanout) / DRAM, for the slow test.
// Splits that do not divide leave a guarded tail.
struct Split {
  std::int64_t inner, outer;
};
Split split(std::int64_t extent, std::int64_t inner) {
  inner = std::min(inner, extent);
  return {inner, (extent + inner - 1) / inner};
}

Mapping dataflow(const Problem &p, const std::string &name) {
  auto e = [&](Dim d) { return p.extent(d); };
  Mapping m;
  m.levels.resize(3);
  auto &rf = m.levels[0], &gb = m.levels[1], &dram = m.levels[2];
  if (name == "weight stationary") { // K x C on the array, the filter window in the RF
    const Split k = split(e(Dim::K), 16), c = split(e(Dim::C), 16);
    dram.temporal = {T(Dim::G, e(Dim::G)), T(Dim::N, e(Dim::N)), T(Dim::K, k.outer),
                     T(Dim::C, c.outer)};
    gb.temporal = {T(Dim::P, e(Dim::P)), T(Dim::Q, e(Dim::Q))};
    gb.spatial = {X(Dim::K, k.inner), Y(Dim::C, c.inner)};
    rf.temporal = {T(Dim::R, e(Dim::R)), T(Dim::S, e(Dim::S))};
  } else if (name == "output stationary") { // an output tile on the array, C R S in the RF
    const Split q = split(e(Dim::Q), 16), y = split(e(Dim::P), 16);
    dram.temporal = {T(Dim::G, e(Dim::G)), T(Dim::N, e(Dim::N)), T(Dim::P, y.outer)};
    gb.temporal = {T(Dim::K, e(Dim::K)), T(Dim::Q, q.outer)};
    gb.spatial = {X(Dim::Q, q.inner), Y(Dim::P, y.inner)};
    rf.temporal = {T(Dim::C, e(Dim::C)), T(Dim::R, e(Dim::R)), T(Dim::S, e(Dim::S))};
  } else { // row stationary: filter rows x output rows on the array, a row in the RF
    const Split y = split(e(Dim::P), 16 / std::min<std::int64_t>(e(Dim::R), 16));
    const Split k = split(e(Dim::K), 4);
    dram.temporal = {T(Dim::G, e(Dim::G)), T(Dim::N, e(Dim::N)), T(Dim::K, k.outer),
                     T(Dim::P, y.outer)};
    gb.temporal = {T(Dim::C, e(Dim::C))};
    gb.spatial = {Y(Dim::R, std::min<std::int64_t>(e(Dim::R), 16)), X(Dim::P, y.inner)};
    rf.temporal = {T(Dim::K, k.inner), T(Dim::Q, e(Dim::Q)), T(Dim::S, e(Dim::S))};
    if (e(Dim::R) > 16) rf.temporal.push_back(T(Dim::R, (e(Dim::R) + 15) / 16));
  }
  return m;
}

// Scales K and C down (by the same factor, keeping at least 1) to at most `macs` MACs.
Problem scaled(Problem p, std::int64_t macs) {
  while (p.macs() > macs && (p.extent(Dim::K) > 1 || p.extent(Dim::C) > 1)) {
    for (Dim d : {Dim::K, Dim::C})
      p.size[idx(d)] = std::max<std::int64_t>(1, p.size[idx(d)] / 2);
  }
  return p;
}

} // namespace

TEST_CASE("dataflows on AlexNet and ResNet-50 layers: instrumented counts equal the model",
          "[slow][llvm-slow]") {
  Architecture a = three_levels();
  a.levels[1].fanout.x = a.levels[1].fanout.y = 16;
  std::vector<Problem> layers;
  for (const Layer &l : builtin_network("alexnet").layers)
    layers.push_back(scaled(l.problem, 2'000'000));
  const Network resnet = builtin_network("resnet50");
  for (const char *name :
       {"conv1", "res2a-c_branch2b", "res3a_branch2b", "res4b-f_branch2a", "res5a_branch1"})
    for (const Layer &l : resnet.layers)
      if (l.problem.name == name) layers.push_back(scaled(l.problem, 2'000'000));
  REQUIRE(layers.size() == 10);
  for (const Problem &p : layers)
    for (const char *flow : {"weight stationary", "output stationary", "row stationary"}) {
      const Mapping m = dataflow(p, flow);
      INFO(p.name << " (K " << p.extent(Dim::K) << ", C " << p.extent(Dim::C) << ") " << flow);
      VerifyOptions o = quick();
      o.counts = true;
      const VerifyResult r = verify_mapping(p, a, m, o);
      CHECK(r.passed);
      REQUIRE(r.counts);
      CHECK(*r.counts == analytical_counts(p, a, m));
    }
}

// Full-size layers (no scaling): the best mappings `tessel explore --budget 20 -j 1` found
// for AlexNet's conv layers on the built-in Eyeriss-like architecture verify bit-exactly,
// and the counts of the instrumented run (up to 224M MACs) equal the analytical model's.
// About two minutes.
TEST_CASE("explored mappings of full-size AlexNet layers verify and count like the model",
          "[slow][llvm-slow]") {
  const Architecture a = builtin_architecture("eyeriss");
  const std::vector<std::pair<std::string, std::string>> explored = {
      {"conv1",
       R"({"levels": [{"level": "DRAM", "temporal": [["P", 55]]}, {"level": "GB", "temporal": [["Q", 55]], "spatial": [["K", 16, "x"], ["R", 11, "y"]]}, {"level": "RF", "temporal": [["C", 3], ["K", 6], ["S", 11]]}]})"},
      {"conv2",
       R"({"levels": [{"level": "DRAM", "temporal": [["G", 2], ["K", 16]]}, {"level": "GB", "temporal": [["C", 48], ["R", 5], ["S", 5]], "spatial": [["K", 2, "x"], ["P", 3, "x"], ["K", 2, "y"], ["P", 3, "y"]]}, {"level": "RF", "temporal": [["K", 2], ["P", 3], ["Q", 27]]}]})"},
      {"conv3",
       R"({"levels": [{"level": "DRAM", "temporal": [["K", 2], ["C", 16]]}, {"level": "GB", "temporal": [["P", 13], ["Q", 13]], "spatial": [["C", 8, "x"], ["K", 16, "y"]]}, {"level": "RF", "temporal": [["C", 2], ["K", 12], ["R", 3], ["S", 3]]}]})"},
      {"conv4",
       R"({"levels": [{"level": "DRAM", "temporal": [["G", 2], ["C", 12], ["R", 3]]}, {"level": "GB", "temporal": [["C", 16], ["S", 3]], "spatial": [["K", 12, "x"], ["P", 13, "y"]]}, {"level": "RF", "temporal": [["K", 16], ["Q", 13]]}]})"},
      {"conv5",
       R"({"levels": [{"level": "DRAM", "temporal": [["G", 2], ["C", 8]]}, {"level": "GB", "temporal": [["P", 13], ["Q", 13]], "spatial": [["C", 3, "x"], ["R", 3, "x"], ["K", 8, "y"], ["C", 2, "y"]]}, {"level": "RF", "temporal": [["C", 4], ["K", 16], ["S", 3]]}]})"},
  };
  const Network alexnet = builtin_network("alexnet");
  REQUIRE(alexnet.layers.size() == explored.size());
  for (std::size_t l = 0; l < explored.size(); ++l) {
    const Problem &p = alexnet.layers[l].problem;
    REQUIRE(p.name == explored[l].first);
    INFO(p.name);
    const Mapping m = mapping_from_json(parse_json(explored[l].second, p.name), p, a, p.name);
    VerifyOptions o = quick();
    o.counts = true;
    const VerifyResult r = verify_mapping(p, a, m, o);
    CHECK(r.passed);
    REQUIRE(r.counts);
    CHECK(*r.counts == analytical_counts(p, a, m));
  }
}

// Every named dataflow (schedules/dataflows.hpp) on the architecture it was published for,
// over every AlexNet conv layer and five ResNet-50 layers (batch 1): the full-size mapping
// verifies bit-exactly; for the counts, K and C are halved together until the layer has at
// most 2M MACs (the dataflow maps the scaled layer anew) and the instrumented counts equal
// the analytical model's. docs/backend.md also lists the full-size counting runs.
TEST_CASE("named dataflows: full-size layers verify, scaled layers count like the model",
          "[slow][llvm-slow]") {
  std::vector<Problem> layers;
  for (const Layer &l : builtin_network("alexnet").layers)
    layers.push_back(l.problem);
  const Network resnet = builtin_network("resnet50");
  for (const char *name :
       {"conv1", "res2a-c_branch2b", "res3a_branch2b", "res4b-f_branch2a", "res5a_branch1"})
    for (const Layer &l : resnet.layers)
      if (l.problem.name == name) layers.push_back(l.problem);
  REQUIRE(layers.size() == 10);
  int runs = 0;
  for (const DataflowInfo &flow : dataflow_infos()) {
    const Architecture a = builtin_architecture(flow.architecture);
    for (const Problem &full : layers) {
      INFO(flow.name << " on " << a.name << ": " << full.name);
      VerifyOptions o = quick();
      const VerifyResult r = verify_mapping(full, a, dataflow_mapping(flow.name, full, a), o);
      CHECK(r.passed);
      const Problem p = scaled(full, 2'000'000);
      INFO("scaled to K " << p.extent(Dim::K) << ", C " << p.extent(Dim::C));
      const Mapping m = dataflow_mapping(flow.name, p, a);
      o.counts = true;
      const VerifyResult c = verify_mapping(p, a, m, o);
      CHECK(c.passed);
      REQUIRE(c.counts);
      CHECK(*c.counts == analytical_counts(p, a, m));
      ++runs;
    }
  }
  CHECK(runs == 6 * 10);
}

// The timing table of docs/backend.md (hidden: run it by its tag, on an idle machine).
// AlexNet's conv layers, batch 1, int32, LLVM -O2 with vectorization, best of 5 runs.
TEST_CASE("timing: scheduled nests against the unscheduled reference", "[.][llvm-timing]") {
  const Network net = builtin_network("alexnet");
  std::cout << "| layer | MACs | reference GMAC/s | reordered GMAC/s | blocked + unrolled GMAC/s "
               "| speedup |\n|---|---:|---:|---:|---:|---:|\n";
  for (const Layer &layer : net.layers) {
    const Problem &p = layer.problem;
    auto e = [&](Dim d) { return p.extent(d); };
    // Reordered: g, k, c, r, s, p, q (q innermost, contiguous in O and I).
    const Mapping reordered = mapping(
        {{{T(Dim::R, e(Dim::R)), T(Dim::S, e(Dim::S)), T(Dim::P, e(Dim::P)), T(Dim::Q, e(Dim::Q))},
          {}},
         {{T(Dim::G, e(Dim::G)), T(Dim::K, e(Dim::K)), T(Dim::C, e(Dim::C))}, {}}});
    // Blocked: g, k/4, c, p, q, r, s, k4 with r, s and k4 unrolled: four output
    // accumulators stay in registers across the whole filter window.
    const Mapping blocked =
        mapping({{{T(Dim::P, e(Dim::P)), T(Dim::Q, e(Dim::Q)), T(Dim::R, e(Dim::R)),
                   T(Dim::S, e(Dim::S)), T(Dim::K, 4)},
                  {}},
                 {{T(Dim::G, e(Dim::G)), T(Dim::K, e(Dim::K) / 4), T(Dim::C, e(Dim::C))}, {}}});
    VerifyOptions o;
    o.timing_runs = 5;
    const VerifyResult a = verify_mapping(p, reordered, o);
    o.unroll = {false, false, false, false, false, true, true, true};
    const VerifyResult b = verify_mapping(p, blocked, o);
    REQUIRE(a.passed);
    REQUIRE(b.passed);
    const double ref = std::max(a.reference.gmacs, b.reference.gmacs);
    std::cout << std::fixed << std::setprecision(2) << "| " << p.name << " | " << p.macs() << " | "
              << ref << " | " << a.scheduled.gmacs << " | " << b.scheduled.gmacs << " | "
              << std::setprecision(1) << b.scheduled.gmacs / ref << "x |\n";
  }
}

#endif // TESSEL_HAS_LLVM
