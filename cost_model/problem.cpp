#include "cost_model/problem.hpp"

#include "cost_model/operand_axes.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace tessel {

std::string_view problem_type_name(ProblemType t) {
  switch (t) {
  case ProblemType::Conv:
    return "conv";
  case ProblemType::Gemm:
    return "gemm";
  case ProblemType::Depthwise:
    return "depthwise";
  }
  return "conv";
}

std::int64_t Problem::macs() const {
  std::int64_t m = 1;
  for (auto s : size)
    m *= s;
  return m;
}

std::int64_t Problem::input_height() const {
  return window_extent(extent(Dim::P), extent(Dim::R), stride_h, dilation_h);
}

std::int64_t Problem::input_width() const {
  return window_extent(extent(Dim::Q), extent(Dim::S), stride_w, dilation_w);
}

std::int64_t Problem::operand_words(Operand o) const {
  const auto e = [&](Dim d) { return extent(d); };
  switch (o) {
  case Operand::W:
    return e(Dim::G) * e(Dim::K) * e(Dim::C) * e(Dim::R) * e(Dim::S);
  case Operand::I:
    return e(Dim::G) * e(Dim::N) * e(Dim::C) * input_height() * input_width();
  case Operand::O:
    return e(Dim::G) * e(Dim::N) * e(Dim::K) * e(Dim::P) * e(Dim::Q);
  }
  return 0;
}

void validate(const Problem &p, const std::string &where) {
  for (Dim d : kAllDims)
    if (p.extent(d) < 1)
      user_error(where + "." + std::string(dim_name(d)),
                 "must be a positive integer, got " + std::to_string(p.extent(d)));
  const std::pair<const char *, std::int64_t> steps[] = {{"stride[0]", p.stride_h},
                                                         {"stride[1]", p.stride_w},
                                                         {"dilation[0]", p.dilation_h},
                                                         {"dilation[1]", p.dilation_w}};
  for (const auto &[field, value] : steps)
    if (value < 1)
      user_error(where + "." + field, "must be a positive integer, got " + std::to_string(value));
  for (Operand o : kAllOperands) {
    const int b = p.bits[idx(o)];
    if (b < 1 || b > 64)
      user_error(where + ".bits." + std::string(operand_name(o)),
                 "must be between 1 and 64, got " + std::to_string(b));
  }
  // Every count is at most a few times the MACs or an operand's words (the input's through
  // its height and width): with those below 2^60, no count overflows 64 bits. (Computed
  // wide, each product clamped to the limit before the next factor, so nothing overflows.)
  using Wide = __int128;
  constexpr Wide kLimit = Wide{1} << 60;
  const auto product = [&](const auto &factors) {
    Wide r = 1;
    for (const Wide f : factors)
      r = std::min(r * f, kLimit);
    return r;
  };
  const auto span = [&](Dim out, Dim filter, std::int64_t step, std::int64_t dilation) {
    return std::min(window_extent<Wide>(p.extent(out), p.extent(filter), step, dilation), kLimit);
  };
  const Wide macs = product(p.size);
  const Wide input_words =
      product(std::array<Wide, 5>{p.extent(Dim::N), p.extent(Dim::C), p.extent(Dim::G),
                                  span(Dim::P, Dim::R, p.stride_h, p.dilation_h),
                                  span(Dim::Q, Dim::S, p.stride_w, p.dilation_w)});
  if (macs >= kLimit || input_words >= kLimit)
    user_error(where, "is too large for 64-bit counts: its MACs (the product of its "
                      "dimensions) or its input's words reach 2^60");
}

} // namespace tessel
