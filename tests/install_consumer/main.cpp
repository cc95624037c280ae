// A user program against the installed Tessel: define a layer, schedule it Halide-style,
// lower the schedule, evaluate it, and print its cost.
#include <tessel.hpp>

#include <iostream>

int main() {
  using namespace tessel;
  Architecture arch;
  arch.name = "two_level";
  arch.levels.resize(3);
  arch.levels[0].name = "RF";
  arch.levels[0].capacity_words = 64;
  arch.levels[0].read_pj = arch.levels[0].write_pj = 1;
  arch.levels[1].name = "GB";
  arch.levels[1].capacity_words = 4096;
  arch.levels[1].read_pj = arch.levels[1].write_pj = 6;
  arch.levels[1].fanout = {4, 4, true, true, 2.0};
  arch.levels[2].name = "DRAM";
  arch.levels[2].read_pj = arch.levels[2].write_pj = 200;

  Problem conv = LayerBuilder::conv("user_conv").batch(1).out_channels(16).in_channels(8)
                     .output(6, 6).filter(3, 3).stride(1, 1);
  Schedule sched(conv, arch);
  LoopVar k("k"), k_o("k_o"), k_pe("k_pe"), c("c"), c_o("c_o"), c_pe("c_pe");
  LoopVar p("p"), q("q"), r("r"), s("s");
  sched.split(k, k_o, k_pe, 4).split(c, c_o, c_pe, 4);
  sched.reorder({s, r, q, k_pe, c_pe, p, c_o, k_o}); // innermost first
  sched.store_at("GB", c_o).store_at("RF", k_pe);
  sched.spatial(k_pe, Axis::X).spatial(c_pe, Axis::Y);
  const Mapping m = sched.lower().mapping;
  const Evaluation e = evaluate(conv, arch, m);
  std::cout << sched.loop_nest() << "macs " << e.counts.macs << ", " << e.pj_per_mac
            << " pJ/MAC, utilization " << e.utilization << "\n";
  return e.counts.macs == 16 * 8 * 6 * 6 * 9 ? 0 : 1;
}
