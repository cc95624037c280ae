#include "backend/counting_runtime.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace tessel::backend {

namespace {

// Advances a mixed-radix counter (last digit fastest); false when it wraps around.
bool advance(std::vector<std::int64_t> &digits, const std::vector<std::int64_t> &radix) {
  for (std::size_t k = digits.size(); k-- > 0;) {
    if (++digits[k] < radix[k]) return true;
    digits[k] = 0;
  }
  return false;
}

} // namespace

CountingRuntime::CountingRuntime(const Problem &p, const Architecture &a, const Mapping &m)
    : problem_(p), arch_(a) {
  for (const PlacedLoop &pl : flatten(m))
    loops_.push_back(
        {pl.loop.dim, pl.loop.trip, pl.stride, pl.level, pl.loop.kind == LoopKind::Temporal});
  idx_.assign(loops_.size(), 0);
  const int num_levels = a.num_levels();
  levels_.resize(num_levels);

  auto setup = [&](LevelState &s, int level) {
    for (int pos = 0; pos < static_cast<int>(loops_.size()); ++pos)
      if (loops_[pos].level > level)
        (loops_[pos].temporal ? s.temporal_above : s.spatial_above).push_back(pos);
    for (Dim d : kAllDims)
      s.extent[idx(d)] = level < 0 ? 1 : tile_extent(m, level, d);
    std::vector<std::int64_t> radix, digits(s.spatial_above.size(), 0);
    for (int pos : s.spatial_above)
      radix.push_back(loops_[pos].trip);
    do {
      s.instance_spatial.push_back(digits);
    } while (advance(digits, radix));
    for (Operand o : kAllOperands) {
      s.keeps[idx(o)] = level >= 0 && keeps(a, m, level, o);
      if (s.keeps[idx(o)]) s.held[idx(o)].resize(s.instance_spatial.size());
    }
  };
  for (int l = 0; l < num_levels; ++l)
    setup(levels_[l], l);
  setup(macs_, -1);

  // The chain of each operand: a child's parent is the next level outward that keeps it.
  auto make_link = [&](LevelState &s, int level, Operand o) {
    Link &link = s.link[idx(o)];
    for (int q = level + 1; q < num_levels; ++q)
      if (levels_[q].keeps[idx(o)]) {
        link.parent = q;
        break;
      }
    if (link.parent < 0) return;
    for (int q = level + 1; q <= link.parent; ++q)
      link.fanouts.push_back(q);
    int first = 0;
    for (int pos : s.spatial_above) {
      const LoopInfo &x = loops_[pos];
      if (x.level > link.parent) {
        ++first;
        continue;
      }
      link.crossed *= x.trip;
      link.trips.push_back(x.trip);
      link.no_multicast.push_back(!a.levels[x.level].fanout.multicast);
      link.no_reduction.push_back(!a.levels[x.level].fanout.reduction);
    }
    link.first_crossed = first;
  };
  for (int l = 0; l < num_levels; ++l)
    for (Operand o : kAllOperands)
      if (levels_[l].keeps[idx(o)]) make_link(levels_[l], l, o);
  for (Operand o : kAllOperands)
    make_link(macs_, -1, o);

  below_.assign(num_levels, 1);
  for (int l = 0; l < num_levels; ++l)
    for (int pos : macs_.spatial_above)
      if (loops_[pos].level <= l) below_[l] *= loops_[pos].trip;

  counts_.levels.resize(num_levels);
  counts_.fanouts.resize(num_levels);
  pe_spatial_.resize(macs_.spatial_above.size());
}

void CountingRuntime::violation(const std::string &what) {
  if (violations_++ == 0) first_violation_ = what;
}

std::int64_t CountingRuntime::find(const Held &h, std::int64_t word) {
  auto it = std::lower_bound(h.words.begin(), h.words.end(), word);
  if (it == h.words.end() || *it != word) return -1;
  return it - h.words.begin();
}

// Mixed-radix number of the crossed spatial indices whose fanout is flagged in `separate`
// (the fanouts that do not multicast, or do not reduce): children of one parent instance
// with equal group ids share a parent read (resp. are added into one update).
std::int64_t CountingRuntime::group_id(const Link &link, const std::vector<std::int64_t> &spatial,
                                       const std::vector<char> &separate) const {
  std::int64_t id = 0;
  for (std::size_t k = 0; k < separate.size(); ++k)
    if (separate[k]) id = id * link.trips[k] + spatial[link.first_crossed + k];
  return id;
}

void CountingRuntime::add_fanout_words(const Link &link, Operand o, std::int64_t words) {
  for (int f : link.fanouts)
    counts_.fanouts[f].words[idx(o)] += words;
}

void CountingRuntime::compute_tile(int level, std::size_t instance, Operand o, Held &out) const {
  const LevelState &s = levels_[level];
  DimArray<std::int64_t> lo{}, hi{};
  for (int pos : s.temporal_above)
    lo[idx(loops_[pos].dim)] += idx_[pos] * loops_[pos].stride;
  const std::vector<std::int64_t> &spatial = s.instance_spatial[instance];
  for (std::size_t k = 0; k < s.spatial_above.size(); ++k) {
    const LoopInfo &x = loops_[s.spatial_above[k]];
    lo[idx(x.dim)] += spatial[k] * x.stride;
  }
  out.words.clear();
  out.valid.clear();
  for (Dim d : kAllDims) {
    hi[idx(d)] = std::min(lo[idx(d)] + s.extent[idx(d)], problem_.extent(d));
    if (lo[idx(d)] >= hi[idx(d)]) return; // guarded off: holds nothing
  }
  const Problem &p = problem_;
  auto range = [&](Dim d) { return std::pair{lo[idx(d)], hi[idx(d)]}; };
  const auto [g0, g1] = range(Dim::G);
  const auto [n0, n1] = range(Dim::N);
  const auto [k0, k1] = range(Dim::K);
  const auto [c0, c1] = range(Dim::C);
  const auto [p0, p1] = range(Dim::P);
  const auto [q0, q1] = range(Dim::Q);
  const auto [r0, r1] = range(Dim::R);
  const auto [s0, s1] = range(Dim::S);
  const std::int64_t N = p.extent(Dim::N), K = p.extent(Dim::K), C = p.extent(Dim::C);
  const std::int64_t P = p.extent(Dim::P), Q = p.extent(Dim::Q), R = p.extent(Dim::R);
  const std::int64_t S = p.extent(Dim::S), H = p.input_height(), Wd = p.input_width();
  // Offsets are enumerated in increasing order (row-major layout, contiguous ranges).
  switch (o) {
  case Operand::W:
    for (std::int64_t g = g0; g < g1; ++g)
      for (std::int64_t k = k0; k < k1; ++k)
        for (std::int64_t c = c0; c < c1; ++c)
          for (std::int64_t r = r0; r < r1; ++r)
            for (std::int64_t x = s0; x < s1; ++x)
              out.words.push_back((((g * K + k) * C + c) * R + r) * S + x);
    break;
  case Operand::O:
    for (std::int64_t g = g0; g < g1; ++g)
      for (std::int64_t n = n0; n < n1; ++n)
        for (std::int64_t k = k0; k < k1; ++k)
          for (std::int64_t y = p0; y < p1; ++y)
            for (std::int64_t x = q0; x < q1; ++x)
              out.words.push_back((((g * N + n) * K + k) * P + y) * Q + x);
    break;
  case Operand::I: {
    auto sums = [](std::int64_t a0, std::int64_t a1, std::int64_t as, std::int64_t b0,
                   std::int64_t b1, std::int64_t bs) {
      std::vector<std::int64_t> v;
      for (std::int64_t a = a0; a < a1; ++a)
        for (std::int64_t b = b0; b < b1; ++b)
          v.push_back(a * as + b * bs);
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      return v;
    };
    const auto rows = sums(p0, p1, p.stride_h, r0, r1, p.dilation_h);
    const auto cols = sums(q0, q1, p.stride_w, s0, s1, p.dilation_w);
    for (std::int64_t g = g0; g < g1; ++g)
      for (std::int64_t n = n0; n < n1; ++n)
        for (std::int64_t c = c0; c < c1; ++c)
          for (std::int64_t h : rows)
            for (std::int64_t w : cols)
              out.words.push_back((((g * N + n) * C + c) * H + h) * Wd + w);
    break;
  }
  }
  out.valid.assign(out.words.size(), 0);
}

CountingRuntime::Held *CountingRuntime::parent_held(const Link &link, std::int64_t child_id,
                                                    Operand o) {
  return &levels_[link.parent].held[idx(o)][child_id / link.crossed];
}

// O words leaving the instances of `level` are written to the parent: one update per group
// of children that reduce together, and a read-modify-write read for every update after the
// first of a word at one parent instance.
void CountingRuntime::leave(int level, bool ending) {
  LevelState &s = levels_[level];
  const Link &link = s.link[idx(Operand::O)];
  std::unordered_map<Key, std::unordered_set<std::int64_t>, KeyHash> groups;
  std::int64_t moved = 0;
  auto &held = s.held[idx(Operand::O)];
  auto &next = s.next[idx(Operand::O)];
  for (std::size_t i = 0; i < held.size(); ++i) {
    const Held &cur = held[i];
    const std::vector<std::int64_t> none;
    const std::vector<std::int64_t> &nx = ending ? none : next[i].words;
    std::size_t j2 = 0;
    for (std::size_t j = 0; j < cur.words.size(); ++j) {
      const std::int64_t w = cur.words[j];
      while (j2 < nx.size() && nx[j2] < w)
        ++j2;
      if (j2 < nx.size() && nx[j2] == w) continue; // stays
      if (!cur.valid[j])
        violation("O word " + std::to_string(w) + " leaves level " + arch_.levels[level].name +
                  " instance " + std::to_string(i) + " without ever being written there");
      if (link.parent < 0) continue;
      ++moved;
      const std::int64_t parent = static_cast<std::int64_t>(i) / link.crossed;
      groups[{parent, w, 0}].insert(group_id(link, s.instance_spatial[i], link.no_reduction));
    }
  }
  if (link.parent < 0) return;
  add_fanout_words(link, Operand::O, moved);
  OperandCounts &pc = at(link.parent, Operand::O);
  for (const auto &[key, children] : groups) {
    const auto n = static_cast<std::int64_t>(children.size());
    pc.updates += n;
    pc.reads += n - 1;
    Held &ph = levels_[link.parent].held[idx(Operand::O)][key.a];
    const std::int64_t j = find(ph, key.b);
    if (j < 0)
      violation("O word " + std::to_string(key.b) + " written up to level " +
                arch_.levels[link.parent].name + ", which does not hold it");
    else
      ph.valid[j] = 1;
  }
}

// The new tiles of the instances of `level` take their new words from the parent.
void CountingRuntime::fill(int level) {
  LevelState &s = levels_[level];
  for (Operand o : kAllOperands) {
    if (!s.keeps[idx(o)]) continue;
    const Link &link = s.link[idx(o)];
    auto &held = s.held[idx(o)];
    auto &next = s.next[idx(o)];
    std::unordered_set<Key, KeyHash> reads, taken;
    std::int64_t fills = 0;
    for (std::size_t i = 0; i < held.size(); ++i) {
      const Held &cur = held[i];
      Held &nx = next[i];
      std::size_t j2 = 0;
      for (std::size_t j = 0; j < nx.words.size(); ++j) {
        const std::int64_t w = nx.words[j];
        while (j2 < cur.words.size() && cur.words[j2] < w)
          ++j2;
        if (j2 < cur.words.size() && cur.words[j2] == w) { // already held
          nx.valid[j] = cur.valid[j2];
          continue;
        }
        if (link.parent < 0) continue; // the top of the chain holds everything from the start
        const std::int64_t parent = static_cast<std::int64_t>(i) / link.crossed;
        if (o != Operand::O) {
          if (link.parent + 1 < static_cast<int>(levels_.size()) &&
              find(*parent_held(link, static_cast<std::int64_t>(i), o), w) < 0)
            violation(std::string(operand_name(o)) + " word " + std::to_string(w) +
                      " filled into level " + arch_.levels[level].name +
                      " from a parent that does not hold it");
          ++fills;
          reads.insert({parent, group_id(link, s.instance_spatial[i], link.no_multicast), w});
          continue;
        }
        const Held &ph = *parent_held(link, static_cast<std::int64_t>(i), o);
        const std::int64_t pj = find(ph, w);
        if (pj < 0) {
          violation("O word " + std::to_string(w) + " filled into level " +
                    arch_.levels[level].name + " from a parent that does not hold it");
          continue;
        }
        if (ph.valid[pj] && taken.insert({parent, w, 0}).second) {
          ++fills;
          ++at(link.parent, o).reads;
          nx.valid[j] = 1;
        }
      }
    }
    if (link.parent >= 0) {
      at(level, o).fills += fills;
      if (o != Operand::O) at(link.parent, o).reads += static_cast<std::int64_t>(reads.size());
      add_fanout_words(link, o, fills);
    }
    held.swap(next);
  }
}

// The steps of levels 0 .. changed-1 change: leaving O words go up, innermost level first,
// then new tiles are filled, outermost level first.
void CountingRuntime::change_steps(int changed, bool ending) {
  for (int l = 0; l < changed; ++l)
    for (Operand o : kAllOperands)
      if (levels_[l].keeps[idx(o)]) {
        auto &next = levels_[l].next[idx(o)];
        next.resize(levels_[l].held[idx(o)].size());
        for (std::size_t i = 0; i < next.size(); ++i) {
          if (ending) {
            next[i].words.clear();
            next[i].valid.clear();
          } else {
            compute_tile(l, i, o, next[i]);
          }
        }
      }
  for (int l = 0; l < changed; ++l)
    if (levels_[l].keeps[idx(Operand::O)]) leave(l, ending);
  for (int l = changed - 1; l >= 0; --l)
    fill(l);
}

void CountingRuntime::begin() {
  std::fill(idx_.begin(), idx_.end(), 0);
  change_steps(static_cast<int>(levels_.size()), false);
}

void CountingRuntime::step(int pos) {
  for (std::size_t q = pos + 1; q < loops_.size(); ++q)
    if (loops_[q].temporal) idx_[q] = 0; // inner temporal loops restart
  change_steps(loops_[pos].level, false);
}

void CountingRuntime::mac(std::int64_t w, std::int64_t i, std::int64_t o) {
  ++counts_.macs;
  std::int64_t pe = 0;
  for (std::size_t k = 0; k < pe_spatial_.size(); ++k) {
    const int pos = macs_.spatial_above[k];
    pe_spatial_[k] = idx_[pos];
    pe = pe * loops_[pos].trip + idx_[pos];
  }
  const std::int64_t word[3] = {w, i, o};
  for (Operand op : kAllOperands) {
    // Residency: the level the MAC takes the word from holds it.
    const Link &link = macs_.link[idx(op)];
    const std::int64_t parent = pe / link.crossed;
    if (link.parent + 1 < static_cast<int>(levels_.size()) &&
        find(levels_[link.parent].held[idx(op)][parent], word[idx(op)]) < 0)
      violation("a MAC touches " + std::string(operand_name(op)) + " word " +
                std::to_string(word[idx(op)]) + ", which level " + arch_.levels[link.parent].name +
                " does not hold");
    if (op != Operand::O) {
      step_reads_[idx(op)].push_back(
          {parent, group_id(link, pe_spatial_, link.no_multicast), word[idx(op)]});
    } else {
      step_partial_sums_.push_back({parent, o, group_id(link, pe_spatial_, link.no_reduction)});
    }
    add_fanout_words(link, op, 1); // W and I down; every MAC's partial sum back up
  }
}

// Resolves one MAC step: a W or I word read once per (parent instance, non-multicast group);
// an O word taken from the innermost keeper once per parent instance when it is valid there,
// and given back once per non-reducing group (every update after the first a
// read-modify-write).
void CountingRuntime::mac_step_end() {
  auto less = [](const Key &x, const Key &y) {
    return std::tie(x.a, x.b, x.c) < std::tie(y.a, y.b, y.c);
  };
  for (Operand op : {Operand::W, Operand::I}) {
    auto &keys = step_reads_[idx(op)];
    std::sort(keys.begin(), keys.end(), less);
    at(macs_.link[idx(op)].parent, op).reads +=
        std::unique(keys.begin(), keys.end()) - keys.begin();
    keys.clear();
  }
  const Link &link = macs_.link[idx(Operand::O)];
  OperandCounts &pc = at(link.parent, Operand::O);
  auto &sums = step_partial_sums_;
  std::sort(sums.begin(), sums.end(), less);
  for (std::size_t j = 0; j < sums.size();) {
    std::size_t end = j;
    std::int64_t groups = 0;
    for (; end < sums.size() && sums[end].a == sums[j].a && sums[end].b == sums[j].b; ++end)
      if (end == j || sums[end].c != sums[end - 1].c) ++groups;
    Held &ph = levels_[link.parent].held[idx(Operand::O)][sums[j].a];
    const std::int64_t at_word = find(ph, sums[j].b);
    if (at_word >= 0) {
      if (ph.valid[at_word]) {
        ++pc.reads; // the partial sum moves down to one MAC unit
        add_fanout_words(link, Operand::O, 1);
      }
      ph.valid[at_word] = 1;
    }
    pc.updates += groups;
    pc.reads += groups - 1;
    j = end;
  }
  sums.clear();
}

void CountingRuntime::finish() {
  if (!step_partial_sums_.empty()) mac_step_end();
  change_steps(static_cast<int>(levels_.size()) - 1, true);
  for (LevelCounts &lc : counts_.levels)
    for (OperandCounts &oc : lc.operands)
      oc.writes = oc.fills + oc.updates;
}

} // namespace tessel::backend

extern "C" {
void tessel_rt_begin(void *rt) { static_cast<tessel::backend::CountingRuntime *>(rt)->begin(); }
void tessel_rt_step(void *rt, std::int64_t pos) {
  static_cast<tessel::backend::CountingRuntime *>(rt)->step(static_cast<int>(pos));
}
void tessel_rt_mac(void *rt, std::int64_t w, std::int64_t i, std::int64_t o) {
  static_cast<tessel::backend::CountingRuntime *>(rt)->mac(w, i, o);
}
void tessel_rt_mac_step_end(void *rt) {
  static_cast<tessel::backend::CountingRuntime *>(rt)->mac_step_end();
}
void tessel_rt_finish(void *rt) { static_cast<tessel::backend::CountingRuntime *>(rt)->finish(); }
}
