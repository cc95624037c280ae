#include "cost_model/interval_set.hpp"

#include <algorithm>

namespace tessel {

IntervalSet IntervalSet::range(std::int64_t lo, std::int64_t hi) {
  IntervalSet s;
  if (hi > lo) s.parts_.push_back({lo, hi});
  return s;
}

IntervalSet IntervalSet::window(std::int64_t p_lo, std::int64_t p_hi, std::int64_t stride,
                                std::int64_t r_lo, std::int64_t r_hi, std::int64_t dilation) {
  IntervalSet s;
  if (p_hi <= p_lo || r_hi <= r_lo) return s;
  if (stride == 1) {
    for (std::int64_t r = r_lo; r < r_hi; ++r)
      s.parts_.push_back({p_lo + r * dilation, p_hi + r * dilation});
  } else if (dilation == 1) {
    for (std::int64_t p = p_lo; p < p_hi; ++p)
      s.parts_.push_back({p * stride + r_lo, p * stride + r_hi});
  } else {
    for (std::int64_t p = p_lo; p < p_hi; ++p)
      for (std::int64_t r = r_lo; r < r_hi; ++r)
        s.parts_.push_back({p * stride + r * dilation, p * stride + r * dilation + 1});
  }
  s.normalize();
  return s;
}

std::int64_t IntervalSet::size() const {
  std::int64_t n = 0;
  for (const auto &[lo, hi] : parts_)
    n += hi - lo;
  return n;
}

void IntervalSet::normalize() {
  std::sort(parts_.begin(), parts_.end());
  std::size_t out = 0;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (out > 0 && parts_[i].first <= parts_[out - 1].second)
      parts_[out - 1].second = std::max(parts_[out - 1].second, parts_[i].second);
    else
      parts_[out++] = parts_[i];
  }
  parts_.resize(out);
}

void IntervalSet::unite(const IntervalSet &other) {
  if (other.parts_.empty()) return;
  parts_.insert(parts_.end(), other.parts_.begin(), other.parts_.end());
  normalize();
}

IntervalSet IntervalSet::minus(const IntervalSet &other) const {
  IntervalSet out;
  std::size_t j = 0;
  for (auto [lo, hi] : parts_) {
    while (j < other.parts_.size() && other.parts_[j].second <= lo)
      ++j;
    std::size_t k = j;
    while (lo < hi && k < other.parts_.size() && other.parts_[k].first < hi) {
      if (other.parts_[k].first > lo) out.parts_.push_back({lo, other.parts_[k].first});
      lo = std::max(lo, other.parts_[k].second);
      ++k;
    }
    if (lo < hi) out.parts_.push_back({lo, hi});
  }
  return out;
}

} // namespace tessel
