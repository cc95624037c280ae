#include "cost_model/footprint.hpp"
#include "cost_model/interval_set.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tessel;

TEST_CASE("distinct_sums equals the size of the enumerated set", "[correctness]") {
  for (std::int64_t s = 1; s <= 5; ++s)
    for (std::int64_t d = 1; d <= 5; ++d)
      for (std::int64_t A = 0; A <= 9; ++A)
        for (std::int64_t B = 0; B <= 9; ++B) {
          std::set<std::int64_t> values;
          for (std::int64_t a = 0; a < A; ++a)
            for (std::int64_t b = 0; b < B; ++b)
              values.insert(a * s + b * d);
          INFO("A=" << A << " s=" << s << " B=" << B << " d=" << d);
          REQUIRE(distinct_sums(A, s, B, d) == static_cast<std::int64_t>(values.size()));
          const IntervalSet w = IntervalSet::window(0, A, s, 0, B, d);
          REQUIRE(w.size() == static_cast<std::int64_t>(values.size()));
        }
}

TEST_CASE("IntervalSet union and difference", "[correctness]") {
  IntervalSet a = IntervalSet::range(0, 10);
  a.unite(IntervalSet::range(12, 15));
  CHECK(a.size() == 13);
  const IntervalSet b = a.minus(IntervalSet::range(5, 13));
  CHECK(b.size() == 5 + 2);
  CHECK(b.parts().size() == 2);
  a.unite(IntervalSet::range(10, 12));
  CHECK(a.parts().size() == 1);
  CHECK(a.size() == 15);
}
