// The brute-force trace walker: the exact access counts of a mapping, obtained by executing
// the mapping step by step on an ideal machine, literally as docs/cost_model.md describes.
//
// It is the independent witness for the analytical model (cost_model/analytical_model): it
// shares no counting code with it, holds every tile as an explicit set of words, and keeps
// an explicit valid flag for every O word every instance holds. It is meant for small
// problems only (tests); its cost grows with (MAC steps x PEs) times the tile sizes.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

namespace tessel {

// The largest (MAC steps x PEs) the walker accepts: temporal iterations of the whole nest
// times spatial iterations, guarded-off ones included.
inline constexpr std::int64_t kTraceWalkerMaxWork = 2'000'000;

// Validates the mapping (throws UserError) and walks it. Throws std::invalid_argument when
// (MAC steps x PEs) exceeds kTraceWalkerMaxWork.
AccessCounts walk_trace(const Problem &p, const Architecture &a, const Mapping &m);

} // namespace tessel
