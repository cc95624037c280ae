// A user program against the installed Tessel: define a layer, map it on an architecture,
// evaluate it, and print its energy per MAC.
#include <tessel.hpp>

#include <iostream>

int main() {
  using namespace tessel;
  Problem conv;
  conv.name = "user_conv";
  conv.size[idx(Dim::K)] = 8;
  conv.size[idx(Dim::C)] = 4;
  conv.size[idx(Dim::P)] = conv.size[idx(Dim::Q)] = 6;
  conv.size[idx(Dim::R)] = conv.size[idx(Dim::S)] = 3;
  Architecture arch;
  Level rf{.name = "RF", .capacity_words = 64};
  Level dram{.name = "DRAM"};
  rf.read_pj = rf.write_pj = 1;
  dram.read_pj = dram.write_pj = 200;
  arch.levels = {rf, dram};
  Mapping m;
  m.levels.resize(2);
  m.levels[1].temporal = {{Dim::K, 8}, {Dim::C, 4}, {Dim::P, 6}, {Dim::Q, 6}};
  m.levels[0].temporal = {{Dim::R, 3}, {Dim::S, 3}};
  const Evaluation e = evaluate(conv, arch, m);
  std::cout << "macs " << e.counts.macs << " pj_per_mac " << e.pj_per_mac << "\n";
  return e.counts.macs == 8 * 4 * 6 * 6 * 9 ? 0 : 1;
}
