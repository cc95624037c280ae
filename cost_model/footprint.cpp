#include "cost_model/footprint.hpp"

#include <algorithm>
#include <numeric>

namespace tessel {

std::int64_t distinct_sums(std::int64_t A, std::int64_t s, std::int64_t B, std::int64_t d) {
  if (A <= 0 || B <= 0) return 0;
  // Unit strides, the usual case, without a division (the explorer asks for many tiles): the
  // B (A) intervals of length A (B), d (s) apart, overlap when d <= A (s <= B). The general
  // case below gives the same.
  if (s == 1) return A >= d ? (B - 1) * d + A : A * B;
  if (d == 1) return B >= s ? (A - 1) * s + B : A * B;
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

std::int64_t tile_words(const Problem &p, Operand o, const DimArray<std::int64_t> &box) {
  for (auto len : box)
    if (len <= 0) return 0;
  const auto e = [&](Dim d) { return box[idx(d)]; };
  switch (o) {
  case Operand::W:
    return e(Dim::G) * e(Dim::K) * e(Dim::C) * e(Dim::R) * e(Dim::S);
  case Operand::O:
    return e(Dim::G) * e(Dim::N) * e(Dim::K) * e(Dim::P) * e(Dim::Q);
  case Operand::I:
    return e(Dim::G) * e(Dim::N) * e(Dim::C) *
           distinct_sums(e(Dim::P), p.stride_h, e(Dim::R), p.dilation_h) *
           distinct_sums(e(Dim::Q), p.stride_w, e(Dim::S), p.dilation_w);
  }
  return 0;
}

} // namespace tessel
