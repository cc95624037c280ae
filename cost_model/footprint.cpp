#include "cost_model/footprint.hpp"

#include <algorithm>
#include <numeric>

namespace tessel {

std::int64_t detail::distinct_sums_general(std::int64_t A, std::int64_t s, std::int64_t B,
                                           std::int64_t d) {
  // Divide out the common factor: values are g * (a*s' + b*d') with gcd(s', d') = 1.
  const std::int64_t g = std::gcd(s, d);
  s /= g;
  d /= g;
  // Split b by its residue rho modulo s'. Values of different residues differ modulo s'
  // (d' is invertible mod s'), so the classes are disjoint. Within a class the b's are
  // rho + k*s' (k < n), giving rho*d' + s'*(a + k*d'): the union over k of the intervals
  // [k*d', k*d' + A), which is contiguous when A >= d' and disjoint otherwise.
  std::int64_t total = 0;
  const std::int64_t classes = std::min(B, s);
  for (std::int64_t rho = 0; rho < classes; ++rho) {
    const std::int64_t n = (B - rho + s - 1) / s;
    total += A >= d ? (n - 1) * d + A : n * A;
  }
  return total;
}

} // namespace tessel
