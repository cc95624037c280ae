// The problem: one layer, a perfectly nested loop with a multiply-accumulate body.
//
//   for g<G, n<N, k<K, c<C, p<P, q<Q, r<R, s<S:
//     O[g][n][k][p][q] += I[g][n][c][p*Hs + r*Hd][q*Ws + s*Wd] * W[g][k][c][r][s]
//
// K and C are per group. Every other layer shape is this loop with some extents set to 1:
//   - GEMM / fully connected  O[m][n] += A[m][k] * B[k][n]:  N=m (rows), C=k (reduction),
//     K=n (columns), P=Q=R=S=1.
//   - grouped convolution: G groups, each a convolution with C and K channels.
//   - depthwise convolution: G = channels, C = K = 1.
// (The JSON format takes PyTorch-style channel totals; see docs/json_formats.md.)
#pragma once

#include "cost_model/common.hpp"

#include <string>
#include <vector>

namespace tessel {

enum class ProblemType { Conv, Gemm, Depthwise };

std::string_view problem_type_name(ProblemType t);

struct Problem {
  std::string name = "layer";
  ProblemType type = ProblemType::Conv;
  DimArray<std::int64_t> size = {1, 1, 1, 1, 1, 1, 1, 1}; // indexed by Dim; all >= 1
  std::int64_t stride_h = 1, stride_w = 1;                // Hs, Ws
  std::int64_t dilation_h = 1, dilation_w = 1;            // Hd, Wd
  OperandArray<int> bits = {16, 16, 16};                  // word width per operand

  std::int64_t extent(Dim d) const { return size[idx(d)]; }
  std::int64_t macs() const;
  // The input's height and width: (P-1)*Hs + (R-1)*Hd + 1, likewise for Q, S.
  std::int64_t input_height() const;
  std::int64_t input_width() const;
  // Number of distinct words of each operand touched by the whole problem.
  std::int64_t operand_words(Operand o) const;
};

// Checks every field; throws UserError naming `where` and the field.
void validate(const Problem &p, const std::string &where = "problem");

// A layer of a network: a problem that occurs `repeat` times.
struct Layer {
  Problem problem;
  std::int64_t repeat = 1;
};

struct Network {
  std::string name;
  std::vector<Layer> layers;
};

} // namespace tessel
