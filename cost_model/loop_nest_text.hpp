// A mapping printed as a readable pseudo-C loop nest (`tessel lower`): the levels as
// comments with their tiles and capacity, `for k1 in 0..4:` temporal loops,
// `parallel_for ...  // spatial x on GB's 16x16 fanout` spatial loops, and the MAC.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"

#include <string>

namespace tessel {

// Precondition: validate(m, p, a) passed.
std::string loop_nest_text(const Problem &p, const Architecture &a, const Mapping &m);

} // namespace tessel
