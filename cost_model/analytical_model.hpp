// The analytical model: the exact access counts of a mapping (docs/cost_model.md), computed
// in closed form from the loop structure. It never walks the iteration space; its cost
// grows with the number of loops, not with the problem size.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

namespace tessel {

// Precondition: validate(m, p, a) passed. Capacity is not checked here. Perfectly factored
// mappings take the fast path of cost_model/fused_model.hpp, others the general engine.
AccessCounts analytical_counts(const Problem &p, const Architecture &a, const Mapping &m);

// The same, written into `c`: its storage is reused, so that a caller evaluating many
// mappings in a row (tessel bench, batch evaluation) allocates nothing once `c` has held
// one mapping's counts on the architecture.
void analytical_counts(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts &c);

// The general engine (per-axis sums, any mapping). Exposed so that tests can hold the fast
// path to it.
AccessCounts general_counts(const Problem &p, const Architecture &a, const Mapping &m);

} // namespace tessel
