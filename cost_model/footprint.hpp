// Sizes of operand tiles. A tile box is a range of each dimension; an operand's tile is the
// set of words the box's iterations touch. For W and O that is a product of ranges; for I
// the row index h = p*Hs + r*Hd takes fewer distinct values than |p range| * |r range|
// when windows overlap (the halo), and more than one gap when the stride skips rows.
#pragma once

#include "cost_model/problem.hpp"

namespace tessel {

// |{ a*s + b*d : 0 <= a < A, 0 <= b < B }| for A, B >= 0 and s, d >= 1, in O(min(s, d))
// time and without enumerating the set.
std::int64_t distinct_sums(std::int64_t A, std::int64_t s, std::int64_t B, std::int64_t d);

// Number of words of operand o touched by a box with these range lengths (0 = empty box).
std::int64_t tile_words(const Problem &p, Operand o, const DimArray<std::int64_t> &box);

} // namespace tessel
