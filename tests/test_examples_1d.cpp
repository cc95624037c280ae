// The 1-D examples of semantics.md §4 (docs/cost_model.md, "Examples"), with exact values.
// A 1-D convolution is the problem with only P (= E outputs) and R (filter taps) > 1.
// Two levels: a register holding one word of each operand, under a buffer; every loop sits
// at the buffer, so every register tile is a single word. Counts are the buffer's.
#include "cost_model/analytical_model.hpp"
#include "cost_model/evaluation.hpp"

#include <catch2/catch.hpp>

using namespace tessel;

namespace {

Problem conv1d(std::int64_t e, std::int64_t r) {
  Problem p;
  p.name = "conv1d";
  p.size[idx(Dim::P)] = e;
  p.size[idx(Dim::R)] = r;
  return p;
}

Architecture register_under_buffer() {
  Architecture a;
  a.name = "reg_buf";
  Level reg;
  reg.name = "Reg";
  reg.capacity_words = 3;
  reg.read_pj = reg.write_pj = 1;
  Level buf;
  buf.name = "Buf";
  buf.read_pj = buf.write_pj = 6;
  a.levels = {reg, buf};
  return a;
}

Mapping at_buffer(std::vector<Loop> loops) {
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = std::move(loops);
  return m;
}

const OperandCounts &buffer(const AccessCounts &c, Operand o) {
  return c.levels[1].operands[idx(o)];
}

} // namespace

TEST_CASE("1-D output stationary: for e, for r", "[cost][correctness]") {
  const auto [e, r] = GENERATE(std::pair{5, 3}, std::pair{7, 4}, std::pair{13, 3}, std::pair{3, 5});
  const Problem p = conv1d(e, r);
  const Architecture a = register_under_buffer();
  const Mapping m = at_buffer({{Dim::P, e}, {Dim::R, r}});
  validate(m, p, a);
  const AccessCounts c = analytical_counts(p, a, m);
  CHECK(buffer(c, Operand::W).reads == e * r);
  CHECK(buffer(c, Operand::I).reads == e * r);
  CHECK(buffer(c, Operand::O).reads == 0);
  CHECK(buffer(c, Operand::O).writes == e);
  CHECK(buffer(c, Operand::O).updates == e);
  // The register sees each MAC: one W and one I read per MAC, and the O word read back
  // for every MAC but the first of each output.
  CHECK(c.levels[0].operands[idx(Operand::W)].reads == e * r);
  CHECK(c.levels[0].operands[idx(Operand::O)].reads == e * r - e);
  CHECK(c.levels[0].operands[idx(Operand::O)].updates == e * r);
}

TEST_CASE("1-D weight stationary: for r, for e", "[cost][correctness]") {
  const auto [e, r] = GENERATE(std::pair{5, 3}, std::pair{7, 4}, std::pair{13, 3}, std::pair{3, 5});
  const Problem p = conv1d(e, r);
  const Architecture a = register_under_buffer();
  const Mapping m = at_buffer({{Dim::R, r}, {Dim::P, e}});
  const AccessCounts c = analytical_counts(p, a, m);
  CHECK(buffer(c, Operand::W).reads == r);
  CHECK(buffer(c, Operand::I).reads == e * r);
  CHECK(buffer(c, Operand::O).writes == e * r);
  CHECK(buffer(c, Operand::O).reads == e * r - e); // the E first touches read nothing
}

TEST_CASE("1-D corner: with E = 2, consecutive input windows coincide", "[cost][correctness]") {
  // for r, for e with E = 2: the I word e + r is the same at (r, e=1) and (r+1, e=0), so the
  // register keeps it across the step: E*R - (R-1) reads instead of E*R.
  const std::int64_t r = 4;
  const Problem p = conv1d(2, r);
  const Mapping m = at_buffer({{Dim::R, r}, {Dim::P, 2}});
  const AccessCounts c = analytical_counts(p, register_under_buffer(), m);
  CHECK(buffer(c, Operand::I).reads == 2 * r - (r - 1));
}
