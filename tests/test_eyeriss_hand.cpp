// An Eyeriss-style case whose counts are derived by hand, in the comments, from
// docs/cost_model.md. AlexNet CONV3 (C256 K384 P=Q=13 R=S=3, stride 1) on
//   RF   (per PE, keeps W I O)
//   GB   (fanout 16x16, multicast and reduction)
//   DRAM
// with the mapping
//   DRAM: for k2 < 2, for c4 < 4
//   GB:   for p < 13; spatial k16 on x, c16 on y
//   RF:   for k12 < 12, for c4' < 4, for r < 3, for s < 3, for q < 13
#include "cost_model/analytical_model.hpp"
#include "cost_model/evaluation.hpp"

#include <catch2/catch.hpp>

using namespace tessel;

namespace {

Architecture eyeriss_like() {
  Architecture a;
  a.name = "eyeriss_like";
  Level rf;
  rf.name = "RF";
  rf.capacity_words = 1024;
  rf.read_pj = rf.write_pj = 1;
  Level gb;
  gb.name = "GB";
  gb.capacity_words = 65536;
  gb.read_pj = gb.write_pj = 6;
  gb.fanout = {16, 16, true, true, 2.0};
  Level dram;
  dram.name = "DRAM";
  dram.read_pj = dram.write_pj = 200;
  a.levels = {rf, gb, dram};
  return a;
}

Problem conv3() {
  Problem p;
  p.name = "conv3";
  p.size[idx(Dim::K)] = 384;
  p.size[idx(Dim::C)] = 256;
  p.size[idx(Dim::P)] = p.size[idx(Dim::Q)] = 13;
  p.size[idx(Dim::R)] = p.size[idx(Dim::S)] = 3;
  return p;
}

Mapping conv3_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {{Dim::K, 2}, {Dim::C, 4}};
  m.levels[1].temporal = {{Dim::P, 13}};
  m.levels[1].spatial = {{Dim::K, 16, LoopKind::SpatialX}, {Dim::C, 16, LoopKind::SpatialY}};
  m.levels[0].temporal = {{Dim::K, 12}, {Dim::C, 4}, {Dim::R, 3}, {Dim::S, 3}, {Dim::Q, 13}};
  return m;
}

} // namespace

TEST_CASE("Eyeriss-style CONV3 counts derived by hand", "[cost][correctness]") {
  const Problem p = conv3();
  const Architecture a = eyeriss_like();
  const Mapping m = conv3_mapping();
  validate(m, p, a);
  const AccessCounts c = analytical_counts(p, a, m);
  const auto at = [&](int level, Operand o) { return c.levels[level].operands[idx(o)]; };
  const std::int64_t macs = 384LL * 256 * 13 * 13 * 9;
  REQUIRE(c.macs == macs); // 149,520,384

  // RF steps are the (k2, c4, p) iterations: 2*4*13 = 104 per PE, 256 PEs.
  // W: the RF tile is k12*c4*r3*s3 = 432 words; it changes only when k2 or c4 moves
  // (p does not index W): 8 tiles per PE. Fills 8*256*432 = 884,736 = every W word once.
  CHECK(at(0, Operand::W).fills == 884736);
  // No two PEs share a W word (K and C are both spatial), so the GB reads as much.
  CHECK(at(1, Operand::W).reads == 884736);
  CHECK(at(2, Operand::W).reads == 884736); // and DRAM the same (GB keeps one tile)

  // I: the RF tile is c4 x (1+3-1 = 3 rows) x (13+3-1 = 15 columns) = 180 words.
  // Per PE: first step 180; 96 p-carries (2*4*12) slide the window one row: 4*1*15 = 60
  // new words each; 6 c4-carries and 1 k2-carry refresh it all (180 each).
  // 180 + 96*60 + 7*180 = 7,200 per PE; *256 = 1,843,200.
  CHECK(at(0, Operand::I).fills == 1843200);
  // The 16 PEs along x (k16) need the same inputs at the same step: multicast reads once.
  CHECK(at(1, Operand::I).reads == 1843200 / 16);
  // GB's I tile (c64 x 15 x 15 = 14,400 words) changes with c4 and k2: 8 tiles.
  CHECK(at(2, Operand::I).reads == 8 * 14400);

  // O: the RF tile is k12 x 1 row x 13 columns = 156 words, a new one at each of the 104
  // steps. It is valid in the GB only once a c4 iteration before it has written it up
  // (c4 > 0: 3 of 4 c4 values), and then only one of the 16 PEs along y (c16) receives the
  // old value: 2 * 3 * 13 steps * 16 x-groups * 156 = 194,688 fills and GB reads.
  CHECK(at(0, Operand::O).fills == 194688);
  // Every RF residency writes its 156 words up; the 16 PEs along y are reduced in the
  // network: 104 * 16 * 156 = 259,584 GB updates, and no read-modify-write.
  CHECK(at(1, Operand::O).updates == 259584);
  CHECK(at(1, Operand::O).reads == 194688);
  // GB's O tile (k192 x 13 x 13 = 32,448 words) changes only with k2: two residencies,
  // each written to DRAM once; c4 sits inside k2, so nothing is ever read back.
  CHECK(at(2, Operand::O).updates == 2 * 32448);
  CHECK(at(2, Operand::O).reads == 0);

  // MACs: each reads W and I from its RF and updates O there.
  CHECK(at(0, Operand::W).reads == macs);
  CHECK(at(0, Operand::I).reads == macs);
  CHECK(at(0, Operand::O).updates == macs);
  // Over the GB fanout: W and I words delivered to PEs (fills), O down and up.
  CHECK(c.fanouts[1].words[idx(Operand::W)] == 884736);
  CHECK(c.fanouts[1].words[idx(Operand::I)] == 1843200);
  // O: 194,688 down, and every PE's 156 words up at each of its 104 steps (before the
  // reduction): 104 * 256 * 156 = 4,153,344.
  CHECK(c.fanouts[1].words[idx(Operand::O)] == 194688 + 4153344);
}
