#include "dsl/layer.hpp"

#include <algorithm>

namespace tessel {

namespace {

std::string_view kind_name(LayerBuilder::Kind k) {
  switch (k) {
  case LayerBuilder::Kind::Conv:
    return "conv";
  case LayerBuilder::Kind::Depthwise:
    return "depthwise";
  case LayerBuilder::Kind::Gemm:
    return "gemm";
  case LayerBuilder::Kind::FullyConnected:
    return "fully_connected";
  }
  return "conv";
}

ProblemType problem_type(LayerBuilder::Kind k) {
  switch (k) {
  case LayerBuilder::Kind::Conv:
    return ProblemType::Conv;
  case LayerBuilder::Kind::Depthwise:
    return ProblemType::Depthwise;
  case LayerBuilder::Kind::Gemm:
  case LayerBuilder::Kind::FullyConnected:
    return ProblemType::Gemm;
  }
  return ProblemType::Conv;
}

} // namespace

LayerBuilder::LayerBuilder(Kind kind, std::string name) : kind_(kind) {
  p_.name = std::move(name);
  p_.type = problem_type(kind);
}

LayerBuilder LayerBuilder::conv(std::string name) { return {Kind::Conv, std::move(name)}; }
LayerBuilder LayerBuilder::depthwise(std::string name) {
  return {Kind::Depthwise, std::move(name)};
}
LayerBuilder LayerBuilder::gemm(std::string name) { return {Kind::Gemm, std::move(name)}; }
LayerBuilder LayerBuilder::fully_connected(std::string name) {
  return {Kind::FullyConnected, std::move(name)};
}

void LayerBuilder::require(std::string_view setter, std::initializer_list<Kind> kinds) const {
  if (std::find(kinds.begin(), kinds.end(), kind_) == kinds.end())
    user_error(std::string(kind_name(kind_)) + "(\"" + p_.name + "\")." + std::string(setter),
               "does not apply to a " + std::string(kind_name(kind_)) + " layer");
}

void LayerBuilder::positive(std::string_view setter, std::int64_t v) const {
  if (v < 1)
    user_error(std::string(kind_name(kind_)) + "(\"" + p_.name + "\")." + std::string(setter),
               "must be a positive integer, got " + std::to_string(v));
}

LayerBuilder &LayerBuilder::batch(std::int64_t n) {
  require("batch", {Kind::Conv, Kind::Depthwise, Kind::FullyConnected});
  positive("batch", n);
  p_.size[idx(Dim::N)] = n;
  return *this;
}

LayerBuilder &LayerBuilder::out_channels(std::int64_t k) {
  require("out_channels", {Kind::Conv});
  positive("out_channels", k);
  p_.size[idx(Dim::K)] = k;
  return *this;
}

LayerBuilder &LayerBuilder::in_channels(std::int64_t c) {
  require("in_channels", {Kind::Conv});
  positive("in_channels", c);
  p_.size[idx(Dim::C)] = c;
  return *this;
}

LayerBuilder &LayerBuilder::channels(std::int64_t g) {
  require("channels", {Kind::Depthwise});
  positive("channels", g);
  p_.size[idx(Dim::G)] = g;
  return *this;
}

LayerBuilder &LayerBuilder::output(std::int64_t p, std::int64_t q) {
  require("output", {Kind::Conv, Kind::Depthwise});
  positive("output", p);
  positive("output", q);
  p_.size[idx(Dim::P)] = p;
  p_.size[idx(Dim::Q)] = q;
  return *this;
}

LayerBuilder &LayerBuilder::filter(std::int64_t r, std::int64_t s) {
  require("filter", {Kind::Conv, Kind::Depthwise});
  positive("filter", r);
  positive("filter", s);
  p_.size[idx(Dim::R)] = r;
  p_.size[idx(Dim::S)] = s;
  return *this;
}

LayerBuilder &LayerBuilder::stride(std::int64_t h, std::int64_t w) {
  require("stride", {Kind::Conv, Kind::Depthwise});
  positive("stride", h);
  positive("stride", w);
  p_.stride_h = h;
  p_.stride_w = w;
  return *this;
}

LayerBuilder &LayerBuilder::dilation(std::int64_t h, std::int64_t w) {
  require("dilation", {Kind::Conv, Kind::Depthwise});
  positive("dilation", h);
  positive("dilation", w);
  p_.dilation_h = h;
  p_.dilation_w = w;
  return *this;
}

LayerBuilder &LayerBuilder::groups(std::int64_t g) {
  require("groups", {Kind::Conv});
  positive("groups", g);
  p_.size[idx(Dim::G)] = g;
  return *this;
}

LayerBuilder &LayerBuilder::rows(std::int64_t m) {
  require("rows", {Kind::Gemm});
  positive("rows", m);
  p_.size[idx(Dim::N)] = m;
  return *this;
}

LayerBuilder &LayerBuilder::cols(std::int64_t n) {
  require("cols", {Kind::Gemm});
  positive("cols", n);
  p_.size[idx(Dim::K)] = n;
  return *this;
}

LayerBuilder &LayerBuilder::reduction(std::int64_t k) {
  require("reduction", {Kind::Gemm});
  positive("reduction", k);
  p_.size[idx(Dim::C)] = k;
  return *this;
}

LayerBuilder &LayerBuilder::in_features(std::int64_t c) {
  require("in_features", {Kind::FullyConnected});
  positive("in_features", c);
  p_.size[idx(Dim::C)] = c;
  return *this;
}

LayerBuilder &LayerBuilder::out_features(std::int64_t k) {
  require("out_features", {Kind::FullyConnected});
  positive("out_features", k);
  p_.size[idx(Dim::K)] = k;
  return *this;
}

LayerBuilder &LayerBuilder::bits(int w, int i, int o) {
  p_.bits = {w, i, o};
  validate(p_, std::string(kind_name(kind_)) + "(\"" + p_.name + "\").bits");
  return *this;
}

LayerBuilder &LayerBuilder::repeat(std::int64_t times) {
  positive("repeat", times);
  repeat_ = times;
  return *this;
}

Problem LayerBuilder::problem() const {
  validate(p_, std::string(kind_name(kind_)) + "(\"" + p_.name + "\")");
  return p_;
}

Problem conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t out_h,
               std::int64_t out_w, std::int64_t filter_h, std::int64_t filter_w,
               std::int64_t stride, std::int64_t groups, std::int64_t batch, std::string name) {
  return LayerBuilder::conv(std::move(name))
      .batch(batch)
      .in_channels(in_channels)
      .out_channels(out_channels)
      .output(out_h, out_w)
      .filter(filter_h, filter_w)
      .stride(stride, stride)
      .groups(groups);
}

Problem gemm(std::int64_t M, std::int64_t N, std::int64_t K, std::string name) {
  return LayerBuilder::gemm(std::move(name)).rows(M).cols(N).reduction(K);
}

Problem depthwise(std::int64_t channels, std::int64_t out_h, std::int64_t out_w,
                  std::int64_t filter_h, std::int64_t filter_w, std::int64_t stride,
                  std::int64_t batch, std::string name) {
  return LayerBuilder::depthwise(std::move(name))
      .batch(batch)
      .channels(channels)
      .output(out_h, out_w)
      .filter(filter_h, filter_w)
      .stride(stride, stride);
}

Problem fully_connected(std::int64_t in_features, std::int64_t out_features, std::int64_t batch,
                        std::string name) {
  return LayerBuilder::fully_connected(std::move(name))
      .batch(batch)
      .in_features(in_features)
      .out_features(out_features);
}

} // namespace tessel
