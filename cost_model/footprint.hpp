// Sizes of operand tiles. A tile box is a range of each dimension; an operand's tile is the
// set of words the box's iterations touch. For W and O that is a product of ranges; for I
// the row index h = p*Hs + r*Hd takes fewer distinct values than |p range| * |r range|
// when windows overlap (the halo), and more than one gap when the stride skips rows.
#pragma once

#include "cost_model/problem.hpp"

namespace tessel {

namespace detail {
// distinct_sums for A, B > 0 and s, d > 1.
std::int64_t distinct_sums_general(std::int64_t A, std::int64_t s, std::int64_t B, std::int64_t d);
} // namespace detail

// |{ a*s + b*d : 0 <= a < A, 0 <= b < B }| for A, B >= 0 and s, d >= 1, in O(min(s, d))
// time and without enumerating the set.
// (Inline with its unit-stride cases, the usual ones: the explorer and the pricing of every
// mapping ask for the input's tile through tile_words.)
inline std::int64_t distinct_sums(std::int64_t A, std::int64_t s, std::int64_t B, std::int64_t d) {
  if (A <= 0 || B <= 0) return 0;
  // The B (A) intervals of length A (B), d (s) apart, overlap when d <= A (s <= B).
  if (s == 1) return A >= d ? (B - 1) * d + A : A * B;
  if (d == 1) return B >= s ? (A - 1) * s + B : A * B;
  return detail::distinct_sums_general(A, s, B, d);
}

// Number of words of operand o touched by a box whose range lengths are all >= 1 (the tiles
// of a valid mapping, or of the explorer's enumeration, which checks every tile's capacity
// through it). (Inline: callers looping over the operands get each operand's product alone.)
inline std::int64_t nonempty_tile_words(const Problem &p, Operand o,
                                        const DimArray<std::int64_t> &box) {
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

// The same for any box: 0 if some range is empty (length <= 0).
inline std::int64_t tile_words(const Problem &p, Operand o, const DimArray<std::int64_t> &box) {
  for (auto len : box)
    if (len <= 0) return 0;
  return nonempty_tile_words(p, o, box);
}

} // namespace tessel
