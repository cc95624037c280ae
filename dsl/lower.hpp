// Lowering: build the Mapping (cost_model/mapping.hpp) that a Schedule describes.
//
// The schedule's nest, read outermost first, is cut by the level boundaries: the loops
// between level L's boundary and the next inner boundary are levels[L] of the Mapping,
// its temporal loops in nest order into `temporal`, its spatial loops in nest order into
// `spatial` (the schedule keeps a level's spatial loops below its temporal loops, so the
// Mapping's nest is the schedule's nest). Trip counts are the loops' extents; strides
// follow (the schedule keeps them mixed radix). `bypass` is empty when no bypass() was
// recorded, otherwise it has one entry per level. The result passes
// tessel::validate(mapping, problem, arch) (lowering runs it).
//
// Unrolling does not change the Mapping; `unrolled` lists the unrolled loops by their
// place in it, for the LLVM backend.
#pragma once

#include "cost_model/mapping.hpp"

#include <string>
#include <vector>

namespace tessel {

class Schedule;

struct UnrolledLoop {
  int level = 0; // index into Mapping::levels (innermost first)
  int index = 0; // index into Mapping::levels[level].temporal (outermost first)
  std::string name;
  bool operator==(const UnrolledLoop &) const = default;
};

struct LoweredSchedule {
  Mapping mapping;
  std::vector<UnrolledLoop> unrolled; // in nest order, outermost first
  // The schedule's names of the Mapping's loops, shaped like the Mapping:
  // temporal_names[level][i] names mapping.levels[level].temporal[i]; same for spatial.
  std::vector<std::vector<std::string>> temporal_names, spatial_names;

  bool is_unrolled(int level, int temporal_index) const;
};

// The same as schedule.lower().
LoweredSchedule lower(const Schedule &schedule);

} // namespace tessel
