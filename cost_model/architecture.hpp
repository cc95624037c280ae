// The architecture: storage levels, innermost first, with optional spatial fanouts.
//
//   levels[0]   e.g. a per-PE register file      (innermost)
//   levels[1]   e.g. a global buffer, fanout 16x16: 256 instances of levels[0] below it
//   levels[2]   e.g. DRAM                         (outermost: keeps everything, never full)
//
// A level's `fanout` is the X-by-Y mesh of instances of the level below it (for levels[0],
// of MAC units). Spatial loops of a mapping are placed on these meshes. The number of
// instances of level L is the product of the fanouts of all levels above L.
#pragma once

#include "cost_model/common.hpp"

#include <string>
#include <type_traits>
#include <vector>

namespace tessel {

struct Fanout {
  std::int64_t x = 1, y = 1;
  bool multicast = true; // one parent read serves every child that needs the word
  bool reduction = true; // partial sums from several children are added in the network
  double hop_pj = 0.0;   // energy per word delivered over the fanout
  std::int64_t size() const { return x * y; }
};

struct Level {
  std::string name;
  // Capacity of one instance; both empty means unbounded. capacity_bytes counts each
  // operand's words at that operand's width (Problem::bits).
  std::optional<std::int64_t> capacity_words;
  std::optional<std::int64_t> capacity_bytes;
  OperandArray<bool> keeps = {true, true, true};
  double read_pj = 0.0;                    // per 16-bit word; scaled by width/16 for other widths
  double write_pj = 0.0;                   // per 16-bit word
  Fanout fanout;                           // 1x1 when the level has none
  std::optional<double> read_bw, write_bw; // words per cycle per instance
  std::optional<double> area_um2;          // per instance
  bool double_buffered = false;            // tiles take twice their footprint

  bool bounded() const { return capacity_words || capacity_bytes; }
};

// The most storage levels an architecture may have (the pair model keeps per-level data in
// fixed arrays; real hierarchies have 2-5).
inline constexpr int kMaxLevels = 8;

struct Architecture {
  std::string name = "arch";
  double mac_pj = 1.0;
  std::vector<Level> levels; // innermost first

  int num_levels() const { return static_cast<int>(levels.size()); }
  // Index of the level with this name, or -1.
  int level_index(std::string_view name) const;
  // Instances of level L: product of the fanouts of levels above L.
  std::int64_t instances(int level) const;
  // Number of MAC units (PEs): product of all fanouts.
  std::int64_t num_pes() const { return instances(-1); }
};

// Checks every field; throws UserError naming `where` and the field.
void validate(const Architecture &a, const std::string &where = "arch");

// f(std::integral_constant<int, num_levels>{}) for the common numbers of levels, 2-4 (the
// built-in architectures have 3 or 4), and f(std::integral_constant<int, 0>{}) for any
// other: for code instantiated per number of levels, whose loops over levels then unroll
// (the cost model's fast paths, cost_model/fused_model.cpp and evaluation.cpp).
template <typename F> decltype(auto) with_num_levels(int num_levels, F &&f) {
  switch (num_levels) {
  case 2:
    return f(std::integral_constant<int, 2>{});
  case 3:
    return f(std::integral_constant<int, 3>{});
  case 4:
    return f(std::integral_constant<int, 4>{});
  default:
    return f(std::integral_constant<int, 0>{});
  }
}

} // namespace tessel
