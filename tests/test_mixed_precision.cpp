// Mixed precision: per-operand word widths (Problem::bits) change capacity use on levels
// sized in bytes and the energy of every access and every fanout word (the 16-bit per-word
// figures times bits/16; docs/cost_model.md). Every number below is derived by hand in the
// comments; the MAC energy is per MAC whatever the widths (the architecture gives one
// mac_pj).
#include "cost_model/evaluation.hpp"

#include "support/error_of.hpp"

#include <catch2/catch.hpp>

using namespace tessel;
using tessel::test::error_of;

namespace {

Loop t(Dim d, std::int64_t trip) { return {d, trip, LoopKind::Temporal}; }

// A 1-D convolution with two filters and two channels:
//   for k < 2, c < 2, p < 4, r < 3:  O[k][p] += I[c][p + r] * W[k][c][r]
// 2 * 2 * 4 * 3 = 48 MACs; the input is 2 channels x (4 - 1 + 3 = 6) rows.
Problem conv1d(int w_bits, int i_bits, int o_bits) {
  Problem p;
  p.name = "conv1d";
  p.size[idx(Dim::K)] = 2;
  p.size[idx(Dim::C)] = 2;
  p.size[idx(Dim::P)] = 4;
  p.size[idx(Dim::R)] = 3;
  p.bits = {w_bits, i_bits, o_bits};
  return p;
}

Level level(std::string name, double pj) {
  Level l;
  l.name = std::move(name);
  l.read_pj = l.write_pj = pj;
  return l;
}

// RF (1 pJ per 16-bit word) under DRAM (200 pJ); MAC 1 pJ.
Architecture rf_dram(std::optional<std::int64_t> bytes, std::optional<std::int64_t> words) {
  Architecture a;
  a.name = "mp";
  a.mac_pj = 1.0;
  Level rf = level("RF", 1.0);
  rf.capacity_bytes = bytes;
  rf.capacity_words = words;
  a.levels = {rf, level("DRAM", 200.0)};
  return a;
}

// DRAM runs the two filters one after the other; the RF holds one filter's slice:
//   DRAM: for k < 2      RF: for c < 2, p < 4, r < 3
Mapping k_outside() {
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {t(Dim::K, 2)};
  m.levels[0].temporal = {t(Dim::C, 2), t(Dim::P, 4), t(Dim::R, 3)};
  return m;
}

const OperandCounts &at(const Evaluation &e, int level, Operand o) {
  return e.counts.levels[level].operands[idx(o)];
}

} // namespace

// The counts do not depend on the widths. With k_outside():
// RF tile: W 1*2*3 = 6 words, I 2*6 = 12 words, O 1*4 = 4 words (22 words).
//  - W: a new tile at each of the 2 k steps: 12 fills (RF writes), 12 DRAM reads; the MACs
//    read W from the RF 48 times.
//  - I: the tile does not depend on k, so it is filled once: 12 fills, 12 DRAM reads; 48
//    MAC reads.
//  - O: a k step brings 4 new words that are not valid in DRAM (nothing was written yet):
//    no fills, no DRAM reads. The 48 MACs update the RF (48 writes) and read a word only
//    when it is valid: each of the 8 outputs takes 2*3 = 6 MACs and the first reads
//    nothing: 8 * 5 = 40 RF reads. Each tile leaves once (at the k step, at the end):
//    8 DRAM writes (updates).
TEST_CASE("mixed precision: 8-bit weights and inputs, 32-bit partial sums", "[cost]") {
  const Problem p = conv1d(8, 8, 32);
  // Capacity in bytes: W 6 words * 1 byte + I 12 * 1 + O 4 * 4 = 6 + 12 + 16 = 34 bytes.
  const Architecture fits = rf_dram(34, std::nullopt);
  const std::vector<LevelUsage> use = capacity_usage(p, fits, k_outside());
  CHECK(use[0].in_bytes);
  CHECK(use[0].tile_words == OperandArray<std::int64_t>{6, 12, 4});
  CHECK(use[0].used == 34);
  CHECK(use[0].fits());
  CHECK(error_of([&] { check_capacity(p, rf_dram(33, std::nullopt), k_outside()); }) ==
        "mapping.levels[RF]: tiles need 34 bytes (W 6 words, I 12 words, O 4 words) but level "
        "'RF' holds 33 bytes: over by 1 bytes");
  // At 16 bits everywhere the same tiles need 22 * 2 = 44 bytes and do not fit in 34.
  CHECK(error_of([&] { check_capacity(conv1d(16, 16, 16), fits, k_outside()); }) ==
        "mapping.levels[RF]: tiles need 44 bytes (W 6 words, I 12 words, O 4 words) but level "
        "'RF' holds 34 bytes: over by 10 bytes");
  // A level sized in words counts words, whatever their width: 22 words.
  const std::vector<LevelUsage> in_words =
      capacity_usage(p, rf_dram(std::nullopt, 22), k_outside());
  CHECK_FALSE(in_words[0].in_bytes);
  CHECK(in_words[0].used == 22);
  CHECK(in_words[0].fits());

  const Evaluation e = evaluate(p, fits, k_outside());
  CHECK(e.counts.macs == 48);
  CHECK(at(e, 0, Operand::W).reads == 48);
  CHECK(at(e, 0, Operand::W).writes == 12);
  CHECK(at(e, 0, Operand::I).reads == 48);
  CHECK(at(e, 0, Operand::I).writes == 12);
  CHECK(at(e, 0, Operand::O).reads == 40);
  CHECK(at(e, 0, Operand::O).writes == 48);
  CHECK(at(e, 1, Operand::W).reads == 12);
  CHECK(at(e, 1, Operand::I).reads == 12);
  CHECK(at(e, 1, Operand::O).reads == 0);
  CHECK(at(e, 1, Operand::O).writes == 8);
  // Energy, per 16-bit word times bits/16 (W, I: x0.5; O: x2):
  //   RF   W (48 + 12) * 1 * 0.5   =   30     DRAM W 12 * 200 * 0.5 = 1200
  //        I (48 + 12) * 1 * 0.5   =   30          I 12 * 200 * 0.5 = 1200
  //        O (40 + 48) * 1 * 2     =  176          O  8 * 200 * 2   = 3200
  //   MAC  48 * 1 = 48.  Total 30 + 30 + 176 + 1200 + 1200 + 3200 + 48 = 5884 pJ.
  CHECK(e.level_energy[0].operand_pj == OperandArray<double>{30, 30, 176});
  CHECK(e.level_energy[0].total_pj == 236);
  CHECK(e.level_energy[1].operand_pj == OperandArray<double>{1200, 1200, 3200});
  CHECK(e.mac_energy_pj == 48);
  CHECK(e.energy_pj == 5884);
  CHECK(e.pj_per_mac == Approx(5884.0 / 48));
  // The same mapping at 16 bits (on a level sized in words, where it fits) costs
  //   RF (60 + 60 + 88) * 1 = 208, DRAM (12 + 12 + 8) * 200 = 6400, MAC 48: 6656 pJ.
  CHECK(evaluate(conv1d(16, 16, 16), rf_dram(std::nullopt, 22), k_outside()).energy_pj == 6656);
}

TEST_CASE("mixed precision: fp16 operands with fp32 accumulation", "[cost]") {
  // Mixed-precision training: W and I in fp16, partial sums in fp32.
  const Problem p = conv1d(16, 16, 32);
  // Capacity: W 6 * 2 + I 12 * 2 + O 4 * 4 = 12 + 24 + 16 = 52 bytes.
  CHECK(capacity_usage(p, rf_dram(52, std::nullopt), k_outside())[0].used == 52);
  CHECK(error_of([&] { check_capacity(p, rf_dram(51, std::nullopt), k_outside()); }) ==
        "mapping.levels[RF]: tiles need 52 bytes (W 6 words, I 12 words, O 4 words) but level "
        "'RF' holds 51 bytes: over by 1 bytes");
  // Energy (W, I: x1; O: x2), counts as above:
  //   RF   W 60 * 1 = 60, I 60 * 1 = 60, O 88 * 2 = 176         -> 296
  //   DRAM W 12 * 200 = 2400, I 12 * 200 = 2400, O 8 * 400 = 3200 -> 8000
  //   MAC  48.  Total 8344 pJ.
  const Evaluation e = evaluate(p, rf_dram(52, std::nullopt), k_outside());
  CHECK(e.level_energy[0].operand_pj == OperandArray<double>{60, 60, 176});
  CHECK(e.level_energy[1].operand_pj == OperandArray<double>{2400, 2400, 3200});
  CHECK(e.energy_pj == 8344);
}

TEST_CASE("mixed precision: fanout words are priced at their operand's width", "[cost]") {
  // RF (1 pJ, 34 bytes) under a GB (6 pJ, 1 KiB) whose 2x1 fanout (hop 2 pJ, multicast,
  // reduction) puts the two filters on two PEs; DRAM above. 8-bit W and I, 32-bit O.
  //   GB: spatial k < 2 (x)      RF: for c < 2, p < 4, r < 3
  const Problem p = conv1d(8, 8, 32);
  Architecture a;
  a.name = "mp2";
  a.mac_pj = 1.0;
  Level rf = level("RF", 1.0);
  rf.capacity_bytes = 34;
  Level gb = level("GB", 6.0);
  gb.capacity_bytes = 1024;
  gb.fanout = Fanout{2, 1, true, true, 2.0};
  a.levels = {rf, gb, level("DRAM", 200.0)};
  Mapping m;
  m.levels.resize(3);
  m.levels[1].spatial = {{Dim::K, 2, LoopKind::SpatialX}};
  m.levels[0].temporal = {t(Dim::C, 2), t(Dim::P, 4), t(Dim::R, 3)};
  // Capacity: each RF holds one filter's slice (34 bytes, as above); the GB holds the whole
  // layer: W 12 words * 1 + I 12 * 1 + O 8 * 4 = 56 bytes.
  const std::vector<LevelUsage> use = capacity_usage(p, a, m);
  CHECK(use[0].used == 34);
  CHECK(use[1].used == 56);

  // Counts. Each PE's RF takes its 6 W words and all 12 I words once: RF W writes 12,
  // I writes 24; the MACs read W 48 and I 48 times and O as before (40 reads, 48 writes).
  // The GB is filled once from DRAM (W 12, I 12; O is not valid there) and serves the RFs:
  // W 12 reads, I 12 reads (the same words multicast to both PEs); the 2 PEs' 4 O words
  // each are different outputs: 8 GB updates, written to DRAM at the end (8).
  // Fanout words on the GB's fanout: W 12, I 24 (12 to each PE), O 8.
  const Evaluation e = evaluate(p, a, m);
  CHECK(at(e, 0, Operand::W).writes == 12);
  CHECK(at(e, 0, Operand::I).writes == 24);
  CHECK(at(e, 0, Operand::O).reads == 40);
  CHECK(at(e, 1, Operand::W).reads == 12);
  CHECK(at(e, 1, Operand::W).writes == 12);
  CHECK(at(e, 1, Operand::I).reads == 12);
  CHECK(at(e, 1, Operand::I).writes == 12);
  CHECK(at(e, 1, Operand::O).reads == 0);
  CHECK(at(e, 1, Operand::O).writes == 8);
  CHECK(at(e, 2, Operand::O).writes == 8);
  CHECK(e.counts.fanouts[1].words == OperandArray<std::int64_t>{12, 24, 8});
  // Energy (W, I: x0.5; O: x2):
  //   RF        W (48 + 12) * 0.5 = 30, I (48 + 24) * 0.5 = 36, O (40 + 48) * 2 = 176 -> 242
  //   GB        W 24 * 6 * 0.5 = 72,    I 24 * 6 * 0.5 = 72,    O 8 * 6 * 2 = 96     -> 240
  //   GB fanout W 12 * 2 * 0.5 = 12,    I 24 * 2 * 0.5 = 24,    O 8 * 2 * 2 = 32     ->  68
  //   DRAM      W 12 * 200 * 0.5 = 1200, I 1200,               O 8 * 200 * 2 = 3200 -> 5600
  //   MAC 48.  Total 242 + 240 + 68 + 5600 + 48 = 6198 pJ.
  CHECK(e.level_energy[0].operand_pj == OperandArray<double>{30, 36, 176});
  CHECK(e.level_energy[1].operand_pj == OperandArray<double>{72, 72, 96});
  CHECK(e.fanout_energy_pj[1] == 68);
  CHECK(e.level_energy[2].total_pj == 5600);
  CHECK(e.energy_pj == 6198);
}
