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

struct Entry {
  std::string_view name;
  Architecture (*make)();
};

constexpr Entry kBuiltins[] = {{"eyeriss", eyeriss}, {"interstellar", interstellar}};

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
