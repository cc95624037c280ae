// Small architectures and layers for the explorer's tests: small enough that a naive
// enumeration of the whole mapspace, or the trace walker, finishes in milliseconds.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/problem.hpp"

#include <optional>
#include <string>

namespace tessel::test {

// A level whose reads and writes cost `pj` per word (unbounded without `words`).
inline Level small_level(const std::string &name, std::optional<std::int64_t> words, double pj) {
  Level l;
  l.name = name;
  l.capacity_words = words;
  l.read_pj = l.write_pj = pj;
  return l;
}

// RF (rf_words, 1 pJ) under a GB (gb_words, 6 pJ) whose fanout is `array`, under DRAM
// (200 pJ).
inline Architecture three_level_arch(std::int64_t rf_words, std::int64_t gb_words,
                                     const Fanout &array) {
  Architecture a;
  a.name = "small";
  Level gb = small_level("GB", gb_words, 6);
  gb.fanout = array;
  a.levels = {small_level("RF", rf_words, 1), gb, small_level("DRAM", std::nullopt, 200)};
  return a;
}

// A convolution with the given K, C, P, Q and R (the other extents 1).
inline Problem small_conv(std::int64_t k, std::int64_t c, std::int64_t p, std::int64_t q,
                          std::int64_t r) {
  Problem x;
  x.name = "small";
  x.size[idx(Dim::K)] = k;
  x.size[idx(Dim::C)] = c;
  x.size[idx(Dim::P)] = p;
  x.size[idx(Dim::Q)] = q;
  x.size[idx(Dim::R)] = r;
  return x;
}

} // namespace tessel::test
