// The LLVM backend: scheduled nests verify bit-exactly against the reference, a wrong
// kernel is caught, and the instrumented counts match hand-derived ones.
#include "backend/llvm_backend.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

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
