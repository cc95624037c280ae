// A seeded generator of small random cases (problem, architecture, legal mapping) for
// differential tests of the cost model against the trace walker.
//
// Every case is small enough to walk quickly: at most kRandomCaseMaxMacs MACs, at most
// kRandomCaseMaxPes MAC units, and at most kRandomCaseMaxWork (MAC step x PE) pairs,
// guarded-off ones included. Levels are unbounded (capacity is checked separately), so every
// mapping is legal: validate(mapping, problem, arch) passes.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"

#include <cstdint>
#include <string>

namespace tessel {

inline constexpr std::int64_t kRandomCaseMaxMacs = 3000;
inline constexpr std::int64_t kRandomCaseMaxPes = 16;
inline constexpr std::int64_t kRandomCaseMaxWork = 6000;

struct RandomCase {
  std::uint64_t seed = 0;
  Problem problem;
  Architecture arch;
  Mapping mapping;
  // A readable listing of the whole case, for failure messages.
  std::string describe() const;
};

// The same seed always gives the same case.
RandomCase random_case(std::uint64_t seed);

// The case under one more outermost level ("TOP", a copy of the outermost without its
// fanout) with no loops: 3-5 levels, so that code for any number of levels is exercised too.
RandomCase under_one_more_level(RandomCase rc);

} // namespace tessel
