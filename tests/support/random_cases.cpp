#include "support/random_cases.hpp"

#include <algorithm>
#include <random>
#include <sstream>

namespace tessel {

namespace {

using Rng = std::mt19937_64;

std::int64_t uniform(Rng &rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

double uniform_real(Rng &rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

bool chance(Rng &rng, double p) { return std::bernoulli_distribution(p)(rng); }

template <typename T> T pick(Rng &rng, std::initializer_list<T> values) {
  return *(values.begin() + uniform(rng, 0, static_cast<std::int64_t>(values.size()) - 1));
}

// Small extents, 1 and primes included; strides and dilations 1..3 (mostly 1).
Problem random_problem(Rng &rng) {
  Problem p;
  p.name = "random";
  auto size = [&p](Dim d) -> std::int64_t & { return p.size[idx(d)]; };
  const auto small = [&rng] { return pick<std::int64_t>(rng, {1, 1, 2, 3, 4, 5, 6, 7}); };
  const auto filter = [&rng] { return pick<std::int64_t>(rng, {1, 1, 2, 3}); };
  const auto step = [&rng] { return pick<std::int64_t>(rng, {1, 1, 1, 2, 3}); };
  switch (uniform(rng, 0, 3)) {
  case 0:
  case 1: // convolution, sometimes grouped
    p.type = ProblemType::Conv;
    size(Dim::G) = pick<std::int64_t>(rng, {1, 1, 1, 2, 3});
    size(Dim::N) = pick<std::int64_t>(rng, {1, 1, 2});
    for (Dim d : {Dim::K, Dim::C, Dim::P, Dim::Q})
      size(d) = small();
    size(Dim::R) = filter();
    size(Dim::S) = filter();
    break;
  case 2: // GEMM (N rows, C reduction, K columns), sometimes batched through G
    p.type = ProblemType::Gemm;
    size(Dim::G) = pick<std::int64_t>(rng, {1, 1, 1, 2});
    for (Dim d : {Dim::N, Dim::K, Dim::C})
      size(d) = pick<std::int64_t>(rng, {1, 2, 3, 4, 5, 7, 8});
    break;
  default: // depthwise: one channel per group
    p.type = ProblemType::Depthwise;
    size(Dim::G) = pick<std::int64_t>(rng, {2, 3, 4, 5, 7});
    size(Dim::N) = pick<std::int64_t>(rng, {1, 1, 2});
    size(Dim::P) = small();
    size(Dim::Q) = small();
    size(Dim::R) = filter();
    size(Dim::S) = filter();
    break;
  }
  if (p.type != ProblemType::Gemm) {
    p.stride_h = step();
    p.stride_w = step();
    p.dilation_h = step();
    p.dilation_w = step();
  }
  while (p.macs() > kRandomCaseMaxMacs) {
    auto largest = std::max_element(p.size.begin(), p.size.end());
    *largest = (*largest + 1) / 2;
  }
  for (int &b : p.bits)
    b = pick(rng, {4, 8, 16, 32});
  return p;
}

// 2-4 levels, innermost first; the outermost is unbounded and keeps everything.
Architecture random_architecture(Rng &rng) {
  Architecture a;
  a.name = "random";
  a.mac_pj = uniform_real(rng, 0.1, 2.0);
  const int num_levels = static_cast<int>(uniform(rng, 2, 4));
  for (int l = 0; l < num_levels; ++l) {
    const bool outermost = l == num_levels - 1;
    Level level;
    level.name = "L";
    level.name += std::to_string(l);
    if (outermost) level.name = "DRAM";
    for (bool &k : level.keeps)
      k = outermost || chance(rng, 0.65);
    level.read_pj = uniform_real(rng, 0.1, 200.0);
    level.write_pj = uniform_real(rng, 0.1, 200.0);
    if (chance(rng, outermost ? 0.15 : 0.5)) {
      level.fanout.x = uniform(rng, 1, 4);
      level.fanout.y = uniform(rng, 1, 4);
    }
    level.fanout.multicast = chance(rng, 0.5);
    level.fanout.reduction = chance(rng, 0.5);
    level.fanout.hop_pj = uniform_real(rng, 0.0, 3.0);
    a.levels.push_back(level);
  }
  // At most kRandomCaseMaxPes MAC units: halve the larger axis of a random fanout.
  while (a.num_pes() > kRandomCaseMaxPes) {
    Fanout &f = a.levels[uniform(rng, 0, num_levels - 1)].fanout;
    std::int64_t &axis = f.x >= f.y ? f.x : f.y;
    axis = std::max<std::int64_t>(1, axis / 2);
  }
  return a;
}

// A random legal mapping: first the loops (dimensions, kinds, order) of every level, then
// the trips, dimension by dimension from the innermost loop outward so that each loop's
// stride (the product of the trips inside it) is known when its trip is chosen:
//  - every loop satisfies (trip-1)*stride < extent, i.e. trip <= ceil(extent / stride);
//  - the outermost temporal loop of each dimension takes what is left, ceil(extent /
//    stride), so the trips cover the extent; loops outside it get trip 1;
//  - a dimension is perfect (trips divide the extent exactly) or, in some cases, imperfect;
//  - spatial trips multiply to at most the fanout's x (resp. y) per level.
Mapping random_mapping(Rng &rng, const Problem &p, const Architecture &a) {
  const int num_levels = a.num_levels();
  Mapping m;
  m.levels.resize(num_levels);
  for (int l = 0; l < num_levels; ++l) {
    std::vector<Loop> &temporal = m.levels[l].temporal;
    for (Dim d : kAllDims) {
      if (chance(rng, 0.35)) temporal.push_back({d, 1, LoopKind::Temporal});
      if (chance(rng, 0.05)) temporal.push_back({d, 1, LoopKind::Temporal}); // split again
    }
    const Fanout &f = a.levels[l].fanout;
    for (auto [kind, size] : {std::pair{LoopKind::SpatialX, f.x}, {LoopKind::SpatialY, f.y}})
      if (size > 1)
        for (std::int64_t n = uniform(rng, 0, 2); n > 0; --n)
          m.levels[l].spatial.push_back({kAllDims[uniform(rng, 0, kNumDims - 1)], 1, kind});
  }
  // Every dimension needs a temporal loop to take what is left of its extent.
  for (Dim d : kAllDims) {
    bool present = false;
    for (const LevelLoops &ll : m.levels)
      for (const Loop &x : ll.temporal)
        present = present || x.dim == d;
    if (!present) {
      const int l =
          chance(rng, 0.5) ? num_levels - 1 : static_cast<int>(uniform(rng, 0, num_levels - 1));
      m.levels[l].temporal.push_back({d, 1, LoopKind::Temporal});
    }
  }
  for (LevelLoops &ll : m.levels) {
    std::shuffle(ll.temporal.begin(), ll.temporal.end(), rng);
    std::shuffle(ll.spatial.begin(), ll.spatial.end(), rng);
  }

  // The nest, outermost first (as in flatten()), as pointers into m.
  std::vector<std::pair<Loop *, int>> nest;
  for (int l = num_levels - 1; l >= 0; --l) {
    for (Loop &x : m.levels[l].temporal)
      nest.push_back({&x, l});
    for (Loop &x : m.levels[l].spatial)
      nest.push_back({&x, l});
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> used(num_levels, {1, 1}); // x, y
  const bool may_be_imperfect = chance(rng, 0.5);
  std::vector<Dim> dims(kAllDims.begin(), kAllDims.end());
  std::shuffle(dims.begin(), dims.end(), rng);
  for (Dim d : dims) {
    const std::int64_t extent = p.extent(d);
    const bool perfect = !may_be_imperfect || chance(rng, 0.5);
    std::vector<std::pair<Loop *, int>> loops; // of d, innermost first
    for (auto it = nest.rbegin(); it != nest.rend(); ++it)
      if (it->first->dim == d) loops.push_back(*it);
    Loop *catch_all = nullptr; // the outermost temporal loop of d
    for (auto &[x, l] : loops)
      if (x->kind == LoopKind::Temporal) catch_all = x;
    std::int64_t inner = 1;
    bool outside = false;
    for (auto &[x, l] : loops) {
      const std::int64_t max_trip = ceil_div(extent, inner);
      if (outside) {
        x->trip = 1;
      } else if (x == catch_all) {
        x->trip = perfect ? extent / inner : max_trip;
        outside = true;
      } else {
        std::int64_t limit = max_trip;
        if (x->kind == LoopKind::SpatialX)
          limit = std::min(limit, a.levels[l].fanout.x / used[l].first);
        if (x->kind == LoopKind::SpatialY)
          limit = std::min(limit, a.levels[l].fanout.y / used[l].second);
        std::vector<std::int64_t> candidates;
        for (std::int64_t t = 2; t <= limit; ++t)
          if (!perfect || (extent / inner) % t == 0) candidates.push_back(t);
        x->trip =
            candidates.empty() || chance(rng, 0.3)
                ? 1
                : candidates[uniform(rng, 0, static_cast<std::int64_t>(candidates.size()) - 1)];
      }
      if (x->kind == LoopKind::SpatialX) used[l].first *= x->trip;
      if (x->kind == LoopKind::SpatialY) used[l].second *= x->trip;
      inner *= x->trip;
    }
  }
  // Most loops of trip 1 go (removing them changes no stride); a few stay.
  for (LevelLoops &ll : m.levels)
    for (auto *list : {&ll.temporal, &ll.spatial})
      std::erase_if(*list, [&rng](const Loop &x) { return x.trip == 1 && chance(rng, 0.75); });

  if (chance(rng, 0.5)) {
    m.bypass.assign(num_levels, {false, false, false});
    for (int l = 0; l + 1 < num_levels; ++l)
      for (Operand o : kAllOperands)
        m.bypass[l][idx(o)] = a.levels[l].keeps[idx(o)] && chance(rng, 0.25);
  }
  return m;
}

// (MAC steps x PEs): all temporal trips times all spatial trips.
std::int64_t work(const Mapping &m) {
  std::int64_t w = 1;
  for (const PlacedLoop &pl : flatten(m))
    w *= pl.loop.trip;
  return w;
}

std::string keeps_string(const OperandArray<bool> &keeps) {
  std::string s;
  for (Operand o : kAllOperands)
    if (keeps[idx(o)]) s += operand_name(o);
  return s.empty() ? "-" : s;
}

} // namespace

RandomCase random_case(std::uint64_t seed) {
  Rng rng(seed);
  while (true) {
    RandomCase c;
    c.seed = seed;
    c.problem = random_problem(rng);
    c.arch = random_architecture(rng);
    c.mapping = random_mapping(rng, c.problem, c.arch);
    if (work(c.mapping) <= kRandomCaseMaxWork) return c;
  }
}

std::string RandomCase::describe() const {
  std::ostringstream out;
  const Problem &p = problem;
  out << "random_case(" << seed << ")\n";
  out << "problem " << problem_type_name(p.type) << ":";
  for (Dim d : kAllDims)
    out << " " << dim_name(d) << "=" << p.extent(d);
  out << " stride " << p.stride_h << "," << p.stride_w << " dilation " << p.dilation_h << ","
      << p.dilation_w << " bits " << p.bits[0] << "," << p.bits[1] << "," << p.bits[2] << "\n";
  for (int l = arch.num_levels() - 1; l >= 0; --l) {
    const Level &lv = arch.levels[l];
    const Fanout &f = lv.fanout;
    out << "level " << l << " " << lv.name << ": keeps " << keeps_string(lv.keeps);
    if (!mapping.bypass.empty()) {
      OperandArray<bool> bypassed = mapping.bypass[l];
      if (bypassed != OperandArray<bool>{false, false, false})
        out << " bypass " << keeps_string(bypassed);
    }
    out << ", fanout " << f.x << "x" << f.y << (f.multicast ? " multicast" : " no-multicast")
        << (f.reduction ? " reduction" : " no-reduction") << "\n  temporal:";
    for (const Loop &x : mapping.levels[l].temporal)
      out << " " << dim_name(x.dim) << x.trip;
    out << "  spatial:";
    for (const Loop &x : mapping.levels[l].spatial)
      out << " " << dim_name(x.dim) << x.trip << (x.kind == LoopKind::SpatialX ? "x" : "y");
    out << "\n";
  }
  return out.str();
}

RandomCase under_one_more_level(RandomCase rc) {
  Level top = rc.arch.levels.back();
  top.name = "TOP";
  top.fanout = Fanout{};
  rc.arch.levels.push_back(top);
  rc.mapping.levels.emplace_back();
  if (!rc.mapping.bypass.empty()) rc.mapping.bypass.push_back({false, false, false});
  return rc;
}

} // namespace tessel
