// How the dimensions feed each operand's axes, as the closed forms of the cost model use
// them (cost_model/pair_model.cpp, cost_model/fused_model.cpp; docs/cost_model.md):
// - a *plain* axis is a dimension that indexes the operand (W: G K C R S; O: G N K P Q;
//   I: G N C), so a new index on it brings a whole new tile;
// - the input's two *window* axes are fed by (P, R), its rows, and (Q, S), its columns: a
//   new index there shifts a window, which overlaps the old one;
// - every other dimension is a *presence* axis: it changes nothing of the operand's tile.
#pragma once

#include "cost_model/common.hpp"

namespace tessel {

// The dimensions (bit idx(d)) that feed the input's window axes.
inline constexpr unsigned kWindowDims =
    1u << idx(Dim::P) | 1u << idx(Dim::Q) | 1u << idx(Dim::R) | 1u << idx(Dim::S);

// The dimensions (bit idx(d)) on operand o's plain axes.
constexpr unsigned plain_dims(Operand o) {
  unsigned m = 0;
  for (Dim d : kAllDims)
    if (relevant(o, d) && !(o == Operand::I && (kWindowDims >> idx(d) & 1))) m |= 1u << idx(d);
  return m;
}

// The same for every operand, built at compile time (the evaluators read it per pair).
inline constexpr OperandArray<unsigned> kPlainDims = {
    plain_dims(Operand::W), plain_dims(Operand::I), plain_dims(Operand::O)};

// The input's window axis of a window dimension (0: rows, fed by P and R; 1: columns, fed
// by Q and S), and its side (0: the output's, P or Q; 1: the filter's, R or S); both 0 for
// other dimensions. (Bit tests, not comparisons: no branch where the dimension is data.)
constexpr int window_axis(Dim d) { return (1u << idx(Dim::Q) | 1u << idx(Dim::S)) >> idx(d) & 1; }
constexpr int window_side(Dim d) { return (1u << idx(Dim::R) | 1u << idx(Dim::S)) >> idx(d) & 1; }
constexpr Dim window_dim(int axis, int side) {
  return axis == 0 ? (side == 0 ? Dim::P : Dim::R) : (side == 0 ? Dim::Q : Dim::S);
}

// The input words one window spans along an axis: `out` output indices `stride` apart, each
// with `filter` taps `dilation` apart, from the first word to the last. T is std::int64_t,
// or a 128-bit integer where validate(Problem) checks that the input's extent fits 64 bits.
template <typename T> constexpr T window_extent(T out, T filter, T stride, T dilation) {
  return (out - 1) * stride + (filter - 1) * dilation + 1;
}

} // namespace tessel
