// Random points of the mapspace (explorer/mapspace.hpp): valid, perfectly factored mappings
// that fit every capacity. Used by `tessel bench` to time the cost model on a fixed set.
#pragma once

#include "cost_model/mapping.hpp"

#include <random>

namespace tessel {

// A random mapping, or std::nullopt if `tries` attempts found none that fits.
std::optional<Mapping> random_mapping(const Problem &p, const Architecture &a, std::mt19937_64 &rng,
                                      int tries = 1000);

} // namespace tessel
