// A set of integers stored as sorted, disjoint, non-adjacent half-open intervals [lo, hi).
// The analytical model describes the part of one tensor axis that a tile (or a union of
// sibling tiles) covers with it: a range of one dimension, or, for the input's rows and
// columns, the halo'd window { p*stride + r*dilation }.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace tessel {

class IntervalSet {
public:
  IntervalSet() = default;
  static IntervalSet range(std::int64_t lo, std::int64_t hi); // [lo, hi), empty if hi <= lo
  // { p*stride + r*dilation : p in [p_lo, p_hi), r in [r_lo, r_hi) }
  static IntervalSet window(std::int64_t p_lo, std::int64_t p_hi, std::int64_t stride,
                            std::int64_t r_lo, std::int64_t r_hi, std::int64_t dilation);

  bool empty() const { return parts_.empty(); }
  std::int64_t size() const;
  void unite(const IntervalSet &other);
  IntervalSet minus(const IntervalSet &other) const;
  const std::vector<std::pair<std::int64_t, std::int64_t>> &parts() const { return parts_; }
  bool operator==(const IntervalSet &) const = default;

private:
  void normalize();
  std::vector<std::pair<std::int64_t, std::int64_t>> parts_;
};

} // namespace tessel
