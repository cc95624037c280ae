// A naive enumeration of the explorer's whole mapspace (explorer/mapspace.hpp) for small
// problems, sharing no code with the search: every factor split, every spatial placement
// and every permutation of each level's loops (not just one order per class). The explorer
// tests compare the search's optimum with the best of these, priced by tessel::evaluate.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"

#include <functional>
#include <vector>

namespace tessel::test {

// Calls visit(mapping) for every mapping of the mapspace of `p` on `a`, all permutations
// included, capacity not checked. With x_dims, only those dimensions go on x axes. The
// mappings have no bypass.
void enumerate_mapspace(const Problem &p, const Architecture &a, const std::vector<Dim> *x_dims,
                        const std::function<void(const Mapping &)> &visit);

} // namespace tessel::test
