// The trace walker against counts derived by hand from docs/cost_model.md, and the random
// case generator used by the differential tests.
#include "cost_model/footprint.hpp"
#include "cost_model/trace_walker.hpp"
#include "support/random_cases.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tessel;

namespace {

std::vector<std::string> names(const Architecture &a) {
  std::vector<std::string> n;
  for (const Level &l : a.levels)
    n.push_back(l.name);
  return n;
}

// Expected counts, built field by field; writes are always fills + updates.
struct Expected {
  AccessCounts c;
  explicit Expected(int num_levels, std::int64_t macs) {
    c.macs = macs;
    c.levels.resize(num_levels);
    c.fanouts.resize(num_levels);
  }
  Expected &level(int l, Operand o, std::int64_t reads, std::int64_t fills, std::int64_t updates) {
    c.levels[l].operands[idx(o)] = {reads, fills + updates, fills, updates};
    return *this;
  }
  Expected &fanout(int l, std::int64_t w, std::int64_t i, std::int64_t o) {
    c.fanouts[l].words = {w, i, o};
    return *this;
  }
};

void check_counts(const Problem &p, const Architecture &a, const Mapping &m,
                  const Expected &expected) {
  const AccessCounts actual = walk_trace(p, a, m);
  INFO("walker:\n"
       << to_string(actual, names(a)) << "expected:\n"
       << to_string(expected.c, names(a)));
  CHECK(actual == expected.c);
}

Loop temporal(Dim d, std::int64_t trip) { return {d, trip, LoopKind::Temporal}; }
Loop spatial_x(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialX}; }
Loop spatial_y(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialY}; }

Level level(const std::string &name, OperandArray<bool> keeps = {true, true, true}) {
  Level l;
  l.name = name;
  l.keeps = keeps;
  return l;
}

// --- 1-D convolution: O[e] += I[e + r] * W[r] (P = E, R = R), one PE. -------------------
// A register (level 0, one word of each operand) under a buffer (level 1); all loops sit at
// the buffer, so every register tile is a single word and the register's step is the MAC
// step.
Problem conv_1d(std::int64_t e, std::int64_t r) {
  Problem p;
  p.size[idx(Dim::P)] = e;
  p.size[idx(Dim::R)] = r;
  return p;
}

Architecture register_under_buffer() {
  Architecture a;
  a.levels = {level("reg"), level("buffer")};
  return a;
}

Mapping all_at_buffer(std::vector<Loop> loops) {
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = std::move(loops);
  return m;
}

// These formulas (the doc's) need E, R >= 2: with R = 1 (resp. E = 1) the register would
// keep its W (resp. O) word between consecutive steps.
//
// Output stationary `for e, for r`. Consecutive MAC steps touch I[e+r], I[e+r+1] within an
// e, and I[e+R-1], I[e+1] across e: distinct unless R = 2.
//  - buffer: W reads E*R; I reads E*R; O: the register takes O[e] at (e, 0) when it is not
//    yet valid in the buffer (free) and writes it up once when e changes (or at the end):
//    O updates E, reads 0.
//  - reg: W and I fills E*R; the MAC reads W and I E*R times; the MAC reads O only when it
//    is valid in the register, i.e. for r >= 1: E*(R-1) reads; E*R MAC updates.
//  - fanout of reg (MAC <-> reg): W, I E*R; O E*(R-1) down + E*R up.
//  - fanout of buffer (reg <-> buffer): W, I E*R; O E up.
Expected output_stationary(std::int64_t E, std::int64_t R) {
  Expected x(2, E * R);
  x.level(1, Operand::W, E * R, 0, 0).level(1, Operand::I, E * R, 0, 0);
  x.level(1, Operand::O, 0, 0, E);
  x.level(0, Operand::W, E * R, E * R, 0).level(0, Operand::I, E * R, E * R, 0);
  x.level(0, Operand::O, E * R - E, 0, E * R);
  x.fanout(0, E * R, E * R, (E * R - E) + E * R).fanout(1, E * R, E * R, E);
  return x;
}

// Weight stationary `for r, for e`. Across r, I[r+E-1] and I[r+1] coincide when E = 2.
//  - buffer: W reads R; I reads E*R; O: the register takes O[e] at every (r, e); it is valid
//    in the buffer for r >= 1: E*R - E reads; every (r, e) writes O[e] up: E*R updates.
//  - reg: W fills R, I fills E*R, O fills E*R - E; MAC reads W, I E*R times, O when valid
//    in the register (filled, r >= 1): E*R - E; MAC updates E*R.
//  - fanout of reg: W, I E*R; O (E*R - E) + E*R. Fanout of buffer: W R, I E*R,
//    O (E*R - E) + E*R.
Expected weight_stationary(std::int64_t E, std::int64_t R) {
  Expected x(2, E * R);
  x.level(1, Operand::W, R, 0, 0).level(1, Operand::I, E * R, 0, 0);
  x.level(1, Operand::O, E * R - E, 0, E * R);
  x.level(0, Operand::W, E * R, R, 0).level(0, Operand::I, E * R, E * R, 0);
  x.level(0, Operand::O, E * R - E, E * R - E, E * R);
  x.fanout(0, E * R, E * R, 2 * E * R - E).fanout(1, R, E * R, 2 * E * R - E);
  return x;
}

} // namespace

TEST_CASE("1-D output stationary matches docs/cost_model.md", "[correctness][cost]") {
  for (auto [E, R] : {std::pair{3, 3}, {4, 3}, {5, 4}, {3, 5}, {7, 5}}) {
    INFO("E=" << E << " R=" << R);
    check_counts(conv_1d(E, R), register_under_buffer(),
                 all_at_buffer({temporal(Dim::P, E), temporal(Dim::R, R)}),
                 output_stationary(E, R));
  }
}

TEST_CASE("1-D weight stationary matches docs/cost_model.md", "[correctness][cost]") {
  for (auto [E, R] : {std::pair{3, 3}, {4, 3}, {5, 4}, {3, 2}, {7, 5}}) {
    INFO("E=" << E << " R=" << R);
    check_counts(conv_1d(E, R), register_under_buffer(),
                 all_at_buffer({temporal(Dim::R, R), temporal(Dim::P, E)}),
                 weight_stationary(E, R));
  }
}

// The doc's "I reads E*R" assumes consecutive I windows differ. When they coincide the
// register already holds the word and nothing moves: the exact counts are lower.
TEST_CASE("1-D corners where consecutive I windows coincide", "[correctness][cost]") {
  SECTION("weight stationary, E = 2: (r, e=1) and (r+1, e=0) both touch I[r+1]") {
    const std::int64_t E = 2, R = 4;
    Expected x = weight_stationary(E, R);
    // R-1 of the E*R register steps keep their I word: R+1 = E*R - (R-1) fills and reads.
    x.level(1, Operand::I, R + 1, 0, 0).level(0, Operand::I, E * R, R + 1, 0);
    x.fanout(1, R, R + 1, 2 * E * R - E);
    check_counts(conv_1d(E, R), register_under_buffer(),
                 all_at_buffer({temporal(Dim::R, R), temporal(Dim::P, E)}), x);
  }
  SECTION("output stationary, R = 2: (e, r=1) and (e+1, r=0) both touch I[e+1]") {
    const std::int64_t E = 4, R = 2;
    Expected x = output_stationary(E, R);
    // E-1 of the E*R register steps keep their I word: E+1 fills and buffer reads; the MAC
    // still reads its I word from the register at every MAC step (E*R).
    x.level(1, Operand::I, E + 1, 0, 0).level(0, Operand::I, E * R, E + 1, 0);
    x.fanout(1, E * R, E + 1, E);
    check_counts(conv_1d(E, R), register_under_buffer(),
                 all_at_buffer({temporal(Dim::P, E), temporal(Dim::R, R)}), x);
  }
}

// --- 2x2 fanouts ----------------------------------------------------------------------------
// GEMM O[n][k] += I[n][c] * W[k][c]. Level 0 "rf" (one per PE), level 1 "buffer" with a 2x2
// fanout of rf instances; the rf has no fanout (one MAC unit each).
namespace {

Problem gemm(std::int64_t n, std::int64_t k, std::int64_t c) {
  Problem p;
  p.type = ProblemType::Gemm;
  p.size[idx(Dim::N)] = n;
  p.size[idx(Dim::K)] = k;
  p.size[idx(Dim::C)] = c;
  return p;
}

Architecture rf_under_2x2_buffer(bool multicast, bool reduction) {
  Architecture a;
  a.levels = {level("rf"), level("buffer")};
  a.levels[1].fanout = {2, 2, multicast, reduction, 1.0};
  return a;
}

} // namespace

// N=3, K=2, C=2. buffer: temporal [N 3], spatial [K 2 on x, C 2 on y]. The rf instance
// (k, c) holds W[k][c] (all run), I[n][c] and O[n][k] (one n per step). 12 MACs.
//  - W: each rf fills its word once: 4 fills, 4 buffer reads (4 distinct words, so multicast
//    makes no difference). The MAC reads W from the rf every step: 12.
//  - I: every step each rf takes I[n][c]: 12 fills. The two rfs with the same c (k = 0, 1)
//    need the same word: with multicast 2 buffer reads per step (6), without 4 (12).
//  - O: O[n][k] is never valid in the buffer when taken (free). Each MAC finds its rf word
//    invalid at its only step: 0 rf reads, 12 rf updates. When n changes (and at the end)
//    the rfs (k, 0) and (k, 1) write O[n][k] up: with reduction 1 update per word (6), none
//    read; without, 2 updates per word (12) of which 1 is a read-modify-write (6 reads).
//  - fanout of rf: W, I, O 12 each (one per MAC). Fanout of buffer: W 4, I 12, O 12 (up,
//    before reduction).
TEST_CASE("2x2 fanout: multicast and reduction on and off", "[correctness][cost]") {
  const Problem p = gemm(3, 2, 2);
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {temporal(Dim::N, 3)};
  m.levels[1].spatial = {spatial_x(Dim::K, 2), spatial_y(Dim::C, 2)};
  for (bool multicast : {true, false})
    for (bool reduction : {true, false}) {
      INFO("multicast " << multicast << " reduction " << reduction);
      Expected x(2, 12);
      x.level(0, Operand::W, 12, 4, 0).level(0, Operand::I, 12, 12, 0);
      x.level(0, Operand::O, 0, 0, 12);
      x.level(1, Operand::W, 4, 0, 0).level(1, Operand::I, multicast ? 6 : 12, 0, 0);
      x.level(1, Operand::O, reduction ? 0 : 6, 0, reduction ? 6 : 12);
      x.fanout(0, 12, 12, 12).fanout(1, 4, 12, 12);
      check_counts(p, rf_under_2x2_buffer(multicast, reduction), m, x);
    }
}

// N=2, K=2, C=4. buffer: temporal [C 2, N 2] (c outer), spatial [K 2 on x, C 2 on y];
// c = 2*ct + cs. MAC steps (ct, n); PE (k, cs). 16 MACs.
//  - W: the rf (k, cs) holds W[k][2ct+cs], new when ct changes: 8 fills, 8 buffer reads
//    (all distinct); the MAC reads it 16 times.
//  - I: the rf takes I[n][2ct+cs] at every step: 16 fills; the rfs k = 0, 1 share it:
//    8 buffer reads with multicast, 16 without. The MAC reads it 16 times.
TEST_CASE("2x2 fanout: O bypasses the rf", "[correctness][cost]") {
  const Problem p = gemm(2, 2, 4);
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {temporal(Dim::C, 2), temporal(Dim::N, 2)};
  m.levels[1].spatial = {spatial_x(Dim::K, 2), spatial_y(Dim::C, 2)};
  m.bypass = {{false, false, true}, {false, false, false}};
  // O goes from the MACs straight to the buffer, over both fanouts. At step (ct, n) the
  // PEs (k, 0), (k, 1) take O[n][k]: at ct = 0 it is not valid (free); at ct = 1 it is:
  // one buffer read per word (the old value goes to one PE only): 2 per step, 4 in all.
  // They give it back: with reduction 1 update per word per step (8); without, 2 (16) and
  // one read-modify-write each (8 more reads). Fanouts: 4 words down, 16 up.
  for (bool multicast : {true, false})
    for (bool reduction : {true, false}) {
      INFO("multicast " << multicast << " reduction " << reduction);
      Expected x(2, 16);
      x.level(0, Operand::W, 16, 8, 0).level(0, Operand::I, 16, 16, 0);
      x.level(1, Operand::W, 8, 0, 0).level(1, Operand::I, multicast ? 8 : 16, 0, 0);
      x.level(1, Operand::O, reduction ? 4 : 12, 0, reduction ? 8 : 16);
      x.fanout(0, 16, 16, 20).fanout(1, 8, 16, 20);
      check_counts(p, rf_under_2x2_buffer(multicast, reduction), m, x);
    }
}

// The same mapping with O kept in the rf. The rf (k, cs) takes O[n][k] at every step.
//  - step (0,0), (0,1): not valid in the buffer: free. The MAC finds it invalid in its rf
//    (no read) and updates it (valid).
//  - step (0,1), (1,0), (1,1) and the end: the leaving O[n][k] of the rfs (k,0), (k,1) is
//    written up: with reduction 2 buffer updates per step change (8), without 4 (16) with
//    2 read-modify-writes (8 reads).
//  - step (1,0), (1,1): O[n][k] is valid in the buffer: 1 read per word, 2 per step, 4 in
//    all; the old value goes to the rf (k, 0) only (4 rf fills). The MAC under (k, 0)
//    reads its valid rf word, the one under (k, 1) starts from zero: 4 rf reads.
//  - rf O: fills 4, updates 16 (one per MAC), reads 4.
//  - fanout of rf: O 4 down + 16 up. Fanout of buffer: O 4 down + 16 up.
TEST_CASE("2x2 fanout: partial sums kept in the rf go down to one sibling", "[correctness][cost]") {
  const Problem p = gemm(2, 2, 4);
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {temporal(Dim::C, 2), temporal(Dim::N, 2)};
  m.levels[1].spatial = {spatial_x(Dim::K, 2), spatial_y(Dim::C, 2)};
  for (bool multicast : {true, false})
    for (bool reduction : {true, false}) {
      INFO("multicast " << multicast << " reduction " << reduction);
      Expected x(2, 16);
      x.level(0, Operand::W, 16, 8, 0).level(0, Operand::I, 16, 16, 0);
      x.level(0, Operand::O, 4, 4, 16);
      x.level(1, Operand::W, 8, 0, 0).level(1, Operand::I, multicast ? 8 : 16, 0, 0);
      x.level(1, Operand::O, reduction ? 4 : 12, 0, reduction ? 8 : 16);
      x.fanout(0, 16, 16, 20).fanout(1, 8, 16, 20);
      check_counts(p, rf_under_2x2_buffer(multicast, reduction), m, x);
    }
}

// Two fanouts crossed by one move. GEMM N=1, K=2, C=2, one step. Levels: 0 "rf" keeps W,
// fanout 2x1 of MAC units (spatial C 2 on x); 1 "buffer" keeps I and O, fanout 1x2 of rfs
// (spatial K 2 on y); 2 "DRAM". PE (k, c); rf instance k.
//  - W: rf k fills W[k][0..1] from DRAM over the fanouts of buffer and DRAM: 4 fills, 4
//    DRAM reads; MAC reads 4 at the rf (distinct words) over the rf fanout.
//  - I: the buffer fills I[0][0..1] from DRAM: 2. The MAC (k, c) reads I[0][c] from the
//    buffer over the fanouts of rf and buffer. If the buffer's fanout does not multicast,
//    the pairs (word, k) are distinct: 4 reads; if every fanout multicasts, 2.
//  - O: the buffer takes O[0][0..1] (free). The MACs (k, 0), (k, 1) find O[0][k] invalid
//    (free) and write it up over both fanouts: if the rf fanout does not reduce, 2 writes
//    per word: 4 updates, 2 read-modify-write reads; if it reduces, 2 updates. At the end
//    the buffer writes its 2 words to DRAM.
TEST_CASE("two crossed fanouts: flags of each fanout apply to its own indices",
          "[correctness][cost]") {
  const Problem p = gemm(1, 2, 2);
  Architecture a;
  a.levels = {level("rf", {true, false, false}), level("buffer", {false, true, true}),
              level("DRAM")};
  Mapping m;
  m.levels.resize(3);
  m.levels[1].spatial = {spatial_y(Dim::K, 2)};
  m.levels[0].spatial = {spatial_x(Dim::C, 2)};
  SECTION("buffer fanout without multicast, rf fanout without reduction") {
    a.levels[0].fanout = {2, 1, true, false, 1.0};
    a.levels[1].fanout = {1, 2, false, true, 1.0};
    Expected x(3, 4);
    x.level(0, Operand::W, 4, 4, 0);
    x.level(1, Operand::I, 4, 2, 0).level(1, Operand::O, 2, 0, 4);
    x.level(2, Operand::W, 4, 0, 0).level(2, Operand::I, 2, 0, 0).level(2, Operand::O, 0, 0, 2);
    x.fanout(0, 4, 4, 4).fanout(1, 4, 4, 4).fanout(2, 4, 2, 2);
    check_counts(p, a, m, x);
  }
  SECTION("every fanout multicasts and reduces") {
    a.levels[0].fanout = {2, 1, true, true, 1.0};
    a.levels[1].fanout = {1, 2, true, true, 1.0};
    Expected x(3, 4);
    x.level(0, Operand::W, 4, 4, 0);
    x.level(1, Operand::I, 2, 2, 0).level(1, Operand::O, 0, 0, 2);
    x.level(2, Operand::W, 4, 0, 0).level(2, Operand::I, 2, 0, 0).level(2, Operand::O, 0, 0, 2);
    x.fanout(0, 4, 4, 4).fanout(1, 4, 4, 4).fanout(2, 4, 2, 2);
    check_counts(p, a, m, x);
  }
}

// Imperfect factors: 1-D output stationary with E = 5 split as [P 3] over a rf holding
// [P 2]: the second buffer iteration covers p = 2, 3 and the third only p = 4 (the rf's
// box is clipped to [4, 5)). Nothing is padded: 5 MACs, 5 W/I words, 5 O updates.
TEST_CASE("imperfect factors are guarded, not padded", "[correctness][cost]") {
  const Problem p = conv_1d(5, 1);
  Architecture a = register_under_buffer();
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {temporal(Dim::P, 3)};
  m.levels[0].temporal = {temporal(Dim::P, 2)};
  // The rf holds W[0] for the whole run (1 fill); I[p] and O[p] tiles of 2, 2 and 1 words:
  // 5 fills of I; O never valid in the buffer when taken, 5 updates. The MAC reads W and I
  // 5 times; each O word gets a single MAC, which finds it invalid in the rf: 0 O reads.
  Expected x(2, 5);
  x.level(0, Operand::W, 5, 1, 0).level(0, Operand::I, 5, 5, 0).level(0, Operand::O, 0, 0, 5);
  x.level(1, Operand::W, 1, 0, 0).level(1, Operand::I, 5, 0, 0).level(1, Operand::O, 0, 0, 5);
  x.fanout(0, 5, 5, 5).fanout(1, 1, 5, 5);
  check_counts(p, a, m, x);
}

// Input halos at a middle level. 1-D convolution E=6, R=3 with stride s and dilation d.
// Levels: 0 "reg" keeps all, 1 "buf" keeps I only, 2 "DRAM". DRAM temporal [P 3]; buf
// temporal [P 2, R 3]; the reg holds one word per MAC step (18 steps). h = p*s + r*d.
//  - buf holds the rows of p in [2j, 2j+2), r < 3 at DRAM step j; its new words are the
//    rows not in the previous window: s=1,d=1: {0..3}, {2..5}, {4..7}: 4+2+2 = 8;
//    s=2,d=1: {0..4}, {4..8}, {8..12}: 5+4+4 = 13; s=1,d=2: {0..5}, {2..7}, {4..9}: 6+2+2
//    = 10. DRAM I reads = buf I fills.
//  - reg I: a new word at every MAC step except when (p, r=2) and (p+1, r=0) touch the
//    same row, i.e. when 2d = s: for s=2,d=1 the 5 steps that start a new p keep their
//    word (13 fills); otherwise 18. buf I reads = reg I fills; the MAC reads I from the reg 18
//    times.
//  - W: the reg takes W[r] anew at every step from DRAM (buf bypasses it): 18 fills, 18
//    DRAM reads, over the fanouts of buf and DRAM.
//  - O: the reg holds O[p] for the 3 steps of r; O[p] is never valid in DRAM when taken
//    (free); DRAM receives 6 updates; the MAC reads O from the reg for r >= 1 (12) and
//    updates it 18 times.
TEST_CASE("input halos of a middle level with stride and dilation", "[correctness][cost]") {
  struct Variant {
    std::int64_t stride, dilation, buf_fills, reg_fills;
  };
  for (const Variant v : {Variant{1, 1, 8, 18}, Variant{2, 1, 13, 13}, Variant{1, 2, 10, 18}}) {
    INFO("stride " << v.stride << " dilation " << v.dilation);
    Problem p = conv_1d(6, 3);
    p.stride_h = v.stride;
    p.dilation_h = v.dilation;
    Architecture a;
    a.levels = {level("reg"), level("buf", {false, true, false}), level("DRAM")};
    Mapping m;
    m.levels.resize(3);
    m.levels[2].temporal = {temporal(Dim::P, 3)};
    m.levels[1].temporal = {temporal(Dim::P, 2), temporal(Dim::R, 3)};
    Expected x(3, 18);
    x.level(0, Operand::W, 18, 18, 0).level(0, Operand::I, 18, v.reg_fills, 0);
    x.level(0, Operand::O, 12, 0, 18);
    x.level(1, Operand::I, v.reg_fills, v.buf_fills, 0);
    x.level(2, Operand::W, 18, 0, 0).level(2, Operand::I, v.buf_fills, 0, 0);
    x.level(2, Operand::O, 0, 0, 6);
    x.fanout(0, 18, 18, 30).fanout(1, 18, v.reg_fills, 6).fanout(2, 18, v.buf_fills, 6);
    check_counts(p, a, m, x);
  }
}

TEST_CASE("trace walker rejects invalid and oversized mappings", "[correctness][error]") {
  const Problem small = conv_1d(3, 3);
  CHECK_THROWS_AS(walk_trace(small, register_under_buffer(), all_at_buffer({temporal(Dim::P, 2)})),
                  UserError);
  const Problem big = gemm(200, 200, 200);
  CHECK_THROWS_AS(walk_trace(big, register_under_buffer(),
                             all_at_buffer({temporal(Dim::N, 200), temporal(Dim::K, 200),
                                            temporal(Dim::C, 200)})),
                  std::invalid_argument);
}

// --- random cases ---------------------------------------------------------------------------

TEST_CASE("random_case() gives small, legal, reproducible cases", "[correctness]") {
  int imperfect = 0, bypassing = 0, spatial = 0, multi_level_spatial = 0, trip_one = 0;
  std::set<int> level_counts;
  std::set<ProblemType> types;
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    const RandomCase c = random_case(seed);
    INFO(c.describe());
    REQUIRE_NOTHROW(validate(c.problem));
    REQUIRE_NOTHROW(validate(c.arch));
    REQUIRE_NOTHROW(validate(c.mapping, c.problem, c.arch));
    REQUIRE(c.problem.macs() <= kRandomCaseMaxMacs);
    REQUIRE(c.arch.num_pes() <= kRandomCaseMaxPes);
    std::int64_t work = 1;
    int spatial_levels = 0;
    for (const LevelLoops &ll : c.mapping.levels) {
      for (const auto *list : {&ll.temporal, &ll.spatial})
        for (const Loop &x : *list) {
          work *= x.trip;
          trip_one += x.trip == 1;
        }
      spatial_levels += !ll.spatial.empty();
    }
    REQUIRE(work <= kRandomCaseMaxWork);
    imperfect += !is_perfect(c.mapping, c.problem);
    for (const auto &b : c.mapping.bypass)
      bypassing += b != OperandArray<bool>{false, false, false};
    spatial += spatial_levels > 0;
    multi_level_spatial += spatial_levels > 1;
    level_counts.insert(c.arch.num_levels());
    types.insert(c.problem.type);
    if (seed < 20) REQUIRE(random_case(seed).describe() == c.describe());
  }
  // The generator reaches every feature the walker and the analytical model must handle.
  CHECK(imperfect > 250);
  CHECK(bypassing > 300);
  CHECK(spatial > 1000);
  CHECK(multi_level_spatial > 100);
  CHECK(trip_one > 100);
  CHECK(level_counts == std::set<int>{2, 3, 4});
  CHECK(types.size() == 3);
}

// Properties that follow from the definition whatever the mapping:
//  - every unguarded iteration is one MAC: macs = the problem's MACs;
//  - every MAC crosses the fanout of level 0 once per operand in each direction it moves:
//    W and I fanout-0 words = MACs, and O fanout-0 words >= MACs (each MAC writes back);
//  - the outermost level reads every W and I word at least once and receives every O word
//    at least once; it is never filled;
//  - a level that does not keep an operand has all-zero counts for it;
//  - without multicast and reduction anywhere, the innermost keeper of W and I serves one
//    read per MAC, and the innermost keeper of O receives one update per MAC.
TEST_CASE("trace walker: invariants on random cases", "[correctness][cost]") {
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    RandomCase c = random_case(seed);
    INFO(c.describe());
    const AccessCounts counts = walk_trace(c.problem, c.arch, c.mapping);
    INFO(to_string(counts, names(c.arch)));
    const int outer = c.arch.num_levels() - 1;
    REQUIRE(counts.macs == c.problem.macs());
    CHECK(counts.fanouts[0].words[idx(Operand::W)] == counts.macs);
    CHECK(counts.fanouts[0].words[idx(Operand::I)] == counts.macs);
    CHECK(counts.fanouts[0].words[idx(Operand::O)] >= counts.macs);
    for (Operand o : kAllOperands) {
      const OperandCounts &top = counts.levels[outer].operands[idx(o)];
      CHECK(top.fills == 0);
      // Words the problem touches (strides larger than the dilations skip input rows).
      DimArray<std::int64_t> whole{};
      for (Dim d : kAllDims)
        whole[idx(d)] = c.problem.extent(d);
      const std::int64_t touched = tile_words(c.problem, o, whole);
      CHECK(touched <= c.problem.operand_words(o));
      if (o == Operand::O)
        CHECK(top.updates >= touched);
      else
        CHECK(top.reads >= touched);
      for (int l = 0; l < outer; ++l)
        if (!keeps(c.arch, c.mapping, l, o))
          CHECK(counts.levels[l].operands[idx(o)] == OperandCounts{});
    }
    for (Level &l : c.arch.levels)
      l.fanout.multicast = l.fanout.reduction = false;
    const AccessCounts plain = walk_trace(c.problem, c.arch, c.mapping);
    const auto innermost = [&](Operand o) {
      for (int l = 0;; ++l)
        if (keeps(c.arch, c.mapping, l, o)) return l;
    };
    // The MAC units are the only children of the innermost keeper of W and I.
    for (Operand o : {Operand::W, Operand::I}) {
      CHECK(plain.levels[innermost(o)].operands[idx(o)].reads == plain.macs);
      CHECK(counts.levels[innermost(o)].operands[idx(o)].reads <= counts.macs);
    }
    CHECK(plain.levels[innermost(Operand::O)].operands[idx(Operand::O)].updates == plain.macs);
  }
}

// The size the differential tests rely on: 10,000 random cases walk in a few seconds.
TEST_CASE("trace walker: 10,000 random cases", "[cost][slow]") {
  std::int64_t macs = 0, expected = 0;
  for (std::uint64_t seed = 0; seed < 10000; ++seed) {
    const RandomCase c = random_case(seed);
    macs += walk_trace(c.problem, c.arch, c.mapping).macs;
    expected += c.problem.macs();
  }
  CHECK(macs == expected);
}
