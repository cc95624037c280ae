// Defining a layer: a fluent builder and shorthand functions that produce a tessel::Problem
// (cost_model/problem.hpp), with that file's conventions:
//
//   for g<G, n<N, k<K, c<C, p<P, q<Q, r<R, s<S:
//     O[g][n][k][p][q] += I[g][n][c][p*Hs + r*Hd][q*Ws + s*Wd] * W[g][k][c][r][s]
//
// CHANNELS ARE PER GROUP: in_channels() sets C and out_channels() sets K of ONE group, as in
// problem.hpp (not PyTorch's totals). A grouped convolution with 96 input and 256 output
// channels in 2 groups is .groups(2).in_channels(48).out_channels(128).
//
//   tessel::Problem conv3 = tessel::LayerBuilder::conv("conv3").batch(1).out_channels(384)
//       .in_channels(256).output(13, 13).filter(3, 3).stride(1, 1).dilation(1, 1).groups(1);
//   tessel::Problem fc6 = tessel::fully_connected(9216, 4096);          // N=1, C=9216, K=4096
//   tessel::Problem mm = tessel::gemm(128, 1000, 784);  // O[128x1000] = A[128x784] B[784x1000]
//
// Kinds and their setters (a setter that does not apply to the kind is a UserError):
//   conv            batch, out_channels (K), in_channels (C), output (P, Q), filter (R, S),
//                   stride (Hs, Ws), dilation (Hd, Wd), groups (G)
//   depthwise       batch, channels (G; C = K = 1), output, filter, stride, dilation
//   gemm            rows (N = M), cols (K = N), reduction (C = K):
//                   O[m][n] += A[m][k] * B[k][n] with N=m, K=n, C=k and P=Q=R=S=1
//   fully_connected batch (N), in_features (C), out_features (K)
// Every kind also takes bits(w, i, o) (word widths). Unset extents are 1. Each setter
// checks its arguments (positive integers) at the call.
#pragma once

#include "cost_model/problem.hpp"

#include <string>

namespace tessel {

class LayerBuilder {
public:
  enum class Kind : std::uint8_t { Conv, Depthwise, Gemm, FullyConnected };

  static LayerBuilder conv(std::string name);
  static LayerBuilder depthwise(std::string name);
  static LayerBuilder gemm(std::string name);
  static LayerBuilder fully_connected(std::string name);

  LayerBuilder &batch(std::int64_t n);
  LayerBuilder &out_channels(std::int64_t k); // per group
  LayerBuilder &in_channels(std::int64_t c);  // per group
  LayerBuilder &channels(std::int64_t g);     // depthwise
  LayerBuilder &output(std::int64_t p, std::int64_t q);
  LayerBuilder &filter(std::int64_t r, std::int64_t s);
  LayerBuilder &stride(std::int64_t h, std::int64_t w);
  LayerBuilder &dilation(std::int64_t h, std::int64_t w);
  LayerBuilder &groups(std::int64_t g);
  LayerBuilder &rows(std::int64_t m);      // gemm
  LayerBuilder &cols(std::int64_t n);      // gemm
  LayerBuilder &reduction(std::int64_t k); // gemm
  LayerBuilder &in_features(std::int64_t c);
  LayerBuilder &out_features(std::int64_t k);
  LayerBuilder &bits(int w, int i, int o);
  LayerBuilder &repeat(std::int64_t times); // for operator Layer()

  // The problem (validated).
  Problem problem() const;
  operator Problem() const { return problem(); }          // NOLINT: implicit by design
  operator Layer() const { return {problem(), repeat_}; } // NOLINT: a network layer

private:
  LayerBuilder(Kind kind, std::string name);
  void require(std::string_view setter, std::initializer_list<Kind> kinds) const;
  void positive(std::string_view setter, std::int64_t v) const;

  Kind kind_;
  Problem p_;
  std::int64_t repeat_ = 1;
};

// Shorthands (channels per group, as above).
Problem conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t out_h,
               std::int64_t out_w, std::int64_t filter_h, std::int64_t filter_w,
               std::int64_t stride = 1, std::int64_t groups = 1, std::int64_t batch = 1,
               std::string name = "conv");
// O[M x N] += A[M x K] * B[K x N]: Problem N = M, K = N, C = K.
Problem gemm(std::int64_t M, std::int64_t N, std::int64_t K, std::string name = "gemm");
Problem depthwise(std::int64_t channels, std::int64_t out_h, std::int64_t out_w,
                  std::int64_t filter_h, std::int64_t filter_w, std::int64_t stride = 1,
                  std::int64_t batch = 1, std::string name = "depthwise");
Problem fully_connected(std::int64_t in_features, std::int64_t out_features, std::int64_t batch = 1,
                        std::string name = "fc");

} // namespace tessel
