// The closed form of cost_model/pair_model.hpp for a whole mapping at once: what the
// analytical model runs for perfectly factored mappings, and what `tessel bench` measures.
//
// pair_model.hpp evaluates one (operand, child, parent) pair from that pair's own list of
// loops, which suits the explorer (it fixes levels one by one). A whole mapping's pairs
// share almost everything: this file reads the mapping once into per-loop arrays and
// per-level products, and then each pair's words are a few products of those,
//
//   - the product of the temporal trips outside any loop (one suffix product),
//   - per level, the product of its spatial trips (all, and on each operand's plain axes)
//     and of its temporal trips relevant to O,
//   - per level, the tile,
//
// so a pair costs O(levels) multiplications, plus, for the input, one closed-form window
// term per carry between the innermost plain loop and the innermost window loop. The
// derivation is the one at the top of pair_model.cpp; tests require the counts to equal
// both the pair-by-pair path and the general engine.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

namespace tessel {

// The counts of a perfectly factored mapping, written into `c` (its storage reused); false,
// with `c` left unspecified, if the mapping is not perfectly factored (is_perfect).
// Precondition: validate(m, p, a) passed.
bool fused_counts(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts &c);

} // namespace tessel
