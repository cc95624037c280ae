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

// The general engine (per-axis sums, any mapping). Exposed so that tests can hold the fast
// path to it.
AccessCounts general_counts(const Problem &p, const Architecture &a, const Mapping &m);

} // namespace tessel
