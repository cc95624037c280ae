#include "schedules/builtin_architectures.hpp"

namespace tessel {

namespace {

Level level(std::string name, std::optional<std::int64_t> words, double read_pj, double write_pj) {
  Level l;
  l.name = std::move(name);
  l.capacity_words = words;
  l.read_pj = read_pj;
  l.write_pj = write_pj;
  return l;
}

// Eyeriss-like, as in the Eyeriss paper's comparison setup (facts.md): 256 PEs as 16x16,
// a 512 B register file per PE (256 16-bit words), a 128 KB global buffer (65536 words),
// DRAM. Energies are Eyeriss-normalized to one 16-bit MAC (Chen, Emer, Sze, ISCA 2016):
// MAC 1, RF 1, inter-PE hop 2, global buffer 6, DRAM 200.
Architecture eyeriss() {
  Architecture a;
  a.name = "eyeriss";
  a.mac_pj = 1.0;
  Level rf = level("RF", 256, 1.0, 1.0);
  Level gb = level("GB", 65536, 6.0, 6.0);
  gb.fanout = Fanout{16, 16, true, true, 2.0};
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {rf, gb, dram};
  return a;
}

// Interstellar's optimized four-level hierarchy (Yang et al., ASPLOS 2020; facts.md): a 16 B
// register file and a 128 B buffer per PE, 256 PEs as 16x16, a 256 KB global buffer, DRAM;
// pJ per 16-bit access at 28 nm: RF 16 B 0.03, 128 B buffer 0.24, 256 KB SRAM 20.25,
// DRAM 200, hop 0.035, MAC 0.075.
Architecture interstellar() {
  Architecture a;
  a.name = "interstellar";
  a.mac_pj = 0.075;
  Level rf = level("RF", 8, 0.03, 0.03);
  Level buf = level("PEBuf", 64, 0.24, 0.24);
  Level gb = level("GB", 131072, 20.25, 20.25);
  gb.fanout = Fanout{16, 16, true, true, 0.035};
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {rf, buf, gb, dram};
  return a;
}

// ---- the architectures the named dataflows were published for (schedules/dataflows.hpp) --
// All have 256 MAC units as a 16x16 array, like the Eyeriss comparison setup, and keep the
// Eyeriss-normalized energies (per 16-bit access: a per-PE register or register file 1, a
// buffer 6, an array hop 2, DRAM 200, a MAC 1), so that they compare with `eyeriss` and with
// each other; what differs is which levels keep which operands, their sizes and whether the
// array reduces partial sums. The structures come from facts.md and the cited papers; sizes
// that the papers give for chips of another scale are our choices and say so. See
// docs/dataflows.md.

Level keeping(Level l, bool w, bool i, bool o) {
  l.keeps = {w, i, o};
  return l;
}

Level bytes(std::string name, std::int64_t capacity, double pj) {
  Level l;
  l.name = std::move(name);
  l.capacity_bytes = capacity;
  l.read_pj = l.write_pj = pj;
  return l;
}

// Weight stationary behind a separate accumulator memory (TPU-like and NVDLA-like): each PE
// holds one weight; inputs cross the array (systolic shifting or broadcast: one hop per PE
// either way) and partial sums are reduced along the array's columns into the accumulator.
Architecture weight_stationary_array(std::string name, std::string reg, std::string acc,
                                     std::string buffer) {
  Architecture a;
  a.name = std::move(name);
  a.mac_pj = 1.0;
  Level r = keeping(level(std::move(reg), 1, 1.0, 1.0), true, false, false);
  Level accumulator = keeping(level(std::move(acc), 4096, 6.0, 6.0), false, false, true);
  accumulator.fanout = Fanout{16, 16, true, true, 2.0};
  Level buf = keeping(level(std::move(buffer), 65536, 6.0, 6.0), true, true, false);
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {r, accumulator, buf, dram};
  return a;
}

// TPU-like (facts.md: a 128x128 or 16x16 weight-stationary systolic array, C and K spatial;
// structure from Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing
// Unit", ISCA 2017): a weight register per PE ("Reg", 1 word; the TPU's second, shadow weight
// register is not modelled), accumulators for the partial sums ("Accum", 4096 words: our
// size, the TPU has 4096 accumulator rows per column), an on-chip buffer for inputs and
// weights ("UB", 65536 words as Eyeriss's GB; the TPU's weights come through a weight FIFO,
// here through the same buffer), DRAM.
Architecture tpu_like() { return weight_stationary_array("tpu_like", "Reg", "Accum", "UB"); }

// NVDLA-like (facts.md: C and K spatial, weight stationary, input broadcast, spatial
// reduction; structure from the NVDLA hardware architecture documentation, nvdla.org: the
// convolution buffer CBUF holds weights and input features, the MAC array CMAC holds
// weights in its cells, the accumulator CACC collects partial sums). Same sizes as tpu_like:
// in this model the two differ only in names, since a broadcast and a systolic shift both
// cost one hop per PE that receives the word.
Architecture nvdla_like() { return weight_stationary_array("nvdla_like", "Reg", "CACC", "CBUF"); }

// ShiDianNao-like (facts.md: P and Q spatial, output stationary; structure from Du et al.,
// "ShiDianNao: Shifting Vision Processing Closer to the Sensor", ISCA 2015: an 8x8 mesh of
// PEs, here 16x16, each with a register for its output and FIFOs that pass inputs to
// neighbouring PEs; NBin, NBout and SB buffers on chip). "Reg" per PE keeps I and O
// (16 words: the output partial sums and the input FIFOs; W is broadcast from the buffer
// every MAC); "NB" keeps everything (65536 words, standing for NBin + NBout + SB); the
// array has no adder tree (no spatial reduction).
Architecture shidiannao_like() {
  Architecture a;
  a.name = "shidiannao_like";
  a.mac_pj = 1.0;
  Level reg = keeping(level("Reg", 16, 1.0, 1.0), false, true, true);
  Level nb = level("NB", 65536, 6.0, 6.0);
  nb.fanout = Fanout{16, 16, true, false, 2.0};
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {reg, nb, dram};
  return a;
}

// DianNao-like (facts.md: no local reuse; structure and sizes from Chen et al., "DianNao: A
// Small-Footprint High-Throughput Accelerator for Ubiquitous Machine-Learning", ASPLOS
// 2014: an NFU of Tn = 16 output neurons x Ti = 16 inputs, i.e. 256 multipliers feeding
// adder trees, with NBout 2 KB, NBin 2 KB and SB 32 KB). There is no storage inside the
// array: the MAC units sit directly under NBout (which keeps O, with the adder trees as the
// array's spatial reduction), then NBin (I), then SB (W), then DRAM. A chain of levels
// stands for the three side-by-side buffers: each keeps only its operand.
Architecture diannao_like() {
  Architecture a;
  a.name = "diannao_like";
  a.mac_pj = 1.0;
  Level nbout = keeping(bytes("NBout", 2048, 6.0), false, false, true);
  nbout.fanout = Fanout{16, 16, true, true, 2.0};
  Level nbin = keeping(bytes("NBin", 2048, 6.0), false, true, false);
  Level sb = keeping(bytes("SB", 32768, 6.0), true, false, false);
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {nbout, nbin, sb, dram};
  return a;
}

// Gemmini (facts.md: a configurable systolic array, default 16x16, with weight- or
// output-stationary dataflow, a scratchpad and an accumulator memory; sizes from the
// default configuration of Genc et al., "Gemmini: Enabling Systematic Deep-Learning
// Architecture Evaluation via Full-Stack Integration", DAC 2021: 256 KiB scratchpad,
// 64 KiB accumulator). "RF" per PE holds one word: the stationary weight (WS) or the output
// accumulator (OS), 4 bytes; the accumulator memory ("Acc", O) sits above the array and
// reduces the columns' partial sums; the scratchpad ("Scratchpad", W and I) above it. A chain
// of levels stands for the side-by-side scratchpad and accumulator.
Architecture gemmini() {
  Architecture a;
  a.name = "gemmini";
  a.mac_pj = 1.0;
  Level rf = keeping(bytes("RF", 4, 1.0), true, false, true);
  Level acc = keeping(bytes("Acc", 65536, 6.0), false, false, true);
  acc.fanout = Fanout{16, 16, true, true, 2.0};
  Level sp = keeping(bytes("Scratchpad", 262144, 6.0), true, true, false);
  Level dram = level("DRAM", std::nullopt, 200.0, 200.0);
  a.levels = {rf, acc, sp, dram};
  return a;
}

struct Entry {
  std::string_view name;
  Architecture (*make)();
};

constexpr Entry kBuiltins[] = {{"eyeriss", eyeriss},
                               {"interstellar", interstellar},
                               {"tpu_like", tpu_like},
                               {"nvdla_like", nvdla_like},
                               {"shidiannao_like", shidiannao_like},
                               {"diannao_like", diannao_like},
                               {"gemmini", gemmini}};

std::string known_names() {
  std::string s;
  for (const Entry &e : kBuiltins)
    s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

} // namespace

Architecture builtin_architecture(std::string_view name) {
  for (const Entry &e : kBuiltins)
    if (e.name == name) return e.make();
  user_error("architecture '" + std::string(name) + "'",
             "no such built-in architecture; the built-ins are " + known_names());
}

std::vector<std::string> builtin_architecture_names() {
  std::vector<std::string> names;
  for (const Entry &e : kBuiltins)
    names.emplace_back(e.name);
  return names;
}

bool is_builtin_architecture(std::string_view name) {
  for (const Entry &e : kBuiltins)
    if (e.name == name) return true;
  return false;
}

} // namespace tessel
