// The closed forms of cost_model/window_union against the enumeration that defines them
// (window_sizes_slow), on random window shapes, united loops and shifts: strides and
// dilations of 1-4, overlapping, coinciding and gapped siblings, shifts of either sign
// shorter and longer than the window.
#include "cost_model/window_union.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <sstream>

using namespace tessel;

namespace {

std::string describe(const WindowKey &k) {
  std::ostringstream out;
  out << "ep " << k.ep << " er " << k.er << " stride " << k.stride << " dilation " << k.dilation
      << " dp " << k.dp << " dr " << k.dr << " p:";
  for (int i = 0; i < k.np; ++i)
    out << " " << k.p_union[i].trip << "x" << k.p_union[i].stride;
  out << " r:";
  for (int i = 0; i < k.nr; ++i)
    out << " " << k.r_union[i].trip << "x" << k.r_union[i].stride;
  return out.str();
}

} // namespace

TEST_CASE("window unions equal the enumeration on random shapes and shifts",
          "[cost][correctness]") {
  std::mt19937_64 rng(7);
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  int closed_checked = 0;
  for (int c = 0; c < 20000; ++c) {
    const std::int64_t ep = uniform(1, 6), er = uniform(1, 5);
    const std::int64_t stride = uniform(1, 4), dilation = uniform(1, 3);
    WindowKey k = WindowKey::shape(ep, er, stride, dilation);
    const int np = static_cast<int>(uniform(0, 2)), nr = static_cast<int>(uniform(0, 2));
    for (int i = 0; i < np; ++i) // strides from coinciding (small) to gapped (large)
      k.add_p(uniform(1, 4), uniform(1, 2 * k.ep + 2));
    for (int i = 0; i < nr; ++i)
      k.add_r(uniform(1, 4), uniform(1, 2 * k.er + 2));
    WindowUnion u;
    u.init(k);
    INFO(describe(k));
    REQUIRE(u.all() == window_sizes_slow(k).all);
    for (int s = 0; s < 4; ++s) {
      k.dp = uniform(-8, 8);
      k.dr = uniform(-6, 6);
      INFO("shift " << k.dp << ", " << k.dr);
      const WindowSizes slow = window_sizes_slow(k);
      REQUIRE(u.kept(k.dp, k.dr) == slow.kept);
      REQUIRE(window_sizes_memo(k) == slow);
    }
    closed_checked += u.closed_form();
  }
  CHECK(closed_checked > 5000); // the closed form is exercised, not only the memo
}
