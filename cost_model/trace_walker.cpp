// The brute-force trace walker. Every rule below quotes the sentence of docs/cost_model.md
// ("the doc") that it implements. Clarity over speed: tiles are sorted vectors of word ids,
// recomputed from their boxes at every step of their level.
#include "cost_model/trace_walker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace tessel {

namespace {

using Word = std::int64_t; // a linearized word id of one operand

// The words one instance holds of one operand.
struct HeldTile {
  std::vector<Word> words; // sorted, distinct
  std::vector<bool> valid; // one flag per word; meaningful for O only

  // Position of w in `words`, or -1 when the instance does not hold it.
  std::ptrdiff_t find(Word w) const {
    auto it = std::lower_bound(words.begin(), words.end(), w);
    return it != words.end() && *it == w ? it - words.begin() : -1;
  }
};

// One word moving between a child instance and its parent instance.
struct Move {
  std::int64_t parent_instance;
  std::int64_t group; // see group_key(): which crossed-fanout indices keep moves apart
  Word word;
  std::int64_t child; // child instance (or PE) id
};

// A half-open range [lo, hi) of one dimension; empty when lo >= hi.
struct Range {
  std::int64_t lo = 0, hi = 0;
  bool empty() const { return lo >= hi; }
};
using Box = DimArray<Range>;

bool box_empty(const Box &box) {
  return std::any_of(box.begin(), box.end(), [](const Range &r) { return r.empty(); });
}

[[noreturn]] void internal_error(const std::string &what) {
  throw std::logic_error("trace walker: internal inconsistency: " + what);
}

class Walker {
public:
  Walker(const Problem &p, const Architecture &a, const Mapping &m);
  AccessCounts run();

private:
  using Tiles = OperandArray<std::vector<Word>>; // one instance's tiles at one step

  // --- structure of the nest -------------------------------------------------------------
  // Arrays indexed by `slot(level)` cover the MAC pseudo-level -1 as well.
  static int slot(int level) { return level + 1; }
  std::int64_t instances(int level) const;
  std::vector<std::int64_t> spatial_tuple(int level, std::int64_t id) const;
  std::int64_t instance_id(int level, const std::vector<std::int64_t> &s) const;
  std::int64_t group_key(const std::vector<std::int64_t> &s, int child, int parent,
                         bool Fanout::*spreads) const;
  int parent_of(Operand o, int level) const;
  Box box(int level, const std::vector<std::int64_t> &tau,
          const std::vector<std::int64_t> &s) const;
  std::vector<Word> tile(Operand o, const Box &bx) const;

  // --- the rules -------------------------------------------------------------------------
  void leave(int level, const std::vector<Tiles> &next);
  void enter(int level, const std::vector<Tiles> &next);
  void run_macs(const std::vector<std::int64_t> &tau);
  void read_for_fills(Operand o, int child, int parent, std::vector<Move> moves);
  std::vector<Move> fill_partial_sums(int child, int parent, std::vector<Move> moves);
  void write_partial_sums(int child, int parent, std::vector<Move> moves);
  void count_fanouts(Operand o, int child, int parent, std::int64_t words);
  HeldTile &held(int level, std::int64_t instance, Operand o) {
    return state_[level][instance][idx(o)];
  }
  OperandCounts &at(int level, Operand o) { return counts_.levels[level].operands[idx(o)]; }

  const Problem &p_;
  const Architecture &a_;
  const Mapping &m_;
  int L_;
  std::vector<PlacedLoop> temporal_; // the temporal loops, nest order (outermost first)
  std::vector<PlacedLoop> spatial_;  // the spatial loops, nest order
  std::vector<int> temporal_above_;  // [slot(l)]: temporal loops of levels > l (a prefix)
  std::vector<int> spatial_above_;   // [slot(l)]: spatial loops of levels > l (a prefix)
  std::vector<DimArray<std::int64_t>> tile_extent_;        // [slot(l)]
  OperandArray<std::vector<int>> chain_;                   // levels keeping o, innermost first
  std::vector<std::vector<OperandArray<HeldTile>>> state_; // [level][instance]
  AccessCounts counts_;
};

Walker::Walker(const Problem &p, const Architecture &a, const Mapping &m)
    : p_(p), a_(a), m_(m), L_(a.num_levels()) {
  validate(m, p, a);
  for (const PlacedLoop &pl : flatten(m))
    (pl.loop.kind == LoopKind::Temporal ? temporal_ : spatial_).push_back(pl);

  // "The nest is the mapping read outermost first: for each level from L-1 down to 0, its
  // temporal loops, then its spatial loops." So the loops of levels > l form a prefix of
  // the temporal (and of the spatial) loops; we count that prefix and check it is one.
  for (int level = -1; level < L_; ++level) {
    const auto above = [level](const PlacedLoop &pl) { return pl.level > level; };
    const auto t = std::count_if(temporal_.begin(), temporal_.end(), above);
    const auto s = std::count_if(spatial_.begin(), spatial_.end(), above);
    if (!std::all_of(temporal_.begin(), temporal_.begin() + t, above) ||
        !std::all_of(spatial_.begin(), spatial_.begin() + s, above))
      internal_error("the loops above a level boundary are not a prefix of the nest");
    temporal_above_.push_back(static_cast<int>(t));
    spatial_above_.push_back(static_cast<int>(s));
    // "E the product of the trips of the d loops of levels 0..l (temporal and spatial;
    // E = 1 for the MAC pseudo-level)".
    DimArray<std::int64_t> e{};
    for (Dim d : kAllDims)
      e[idx(d)] = tile_extent(m, level, d);
    tile_extent_.push_back(e);
  }

  // "For each operand, the levels that keep it (architecture keeps minus the mapping's
  // bypass) form a chain".
  for (Operand o : kAllOperands)
    for (int l = 0; l < L_; ++l)
      if (keeps(a, m, l, o)) chain_[idx(o)].push_back(l);

  // Check the size before allocating anything: (MAC steps x PEs).
  std::int64_t work = 1;
  const auto multiply = [&work](std::int64_t trip) {
    if (work > kTraceWalkerMaxWork / trip)
      throw std::invalid_argument("trace walker: more than " + std::to_string(kTraceWalkerMaxWork) +
                                  " (MAC step x PE) pairs; the walker is for small problems");
    work *= trip;
  };
  for (const PlacedLoop &pl : temporal_)
    multiply(pl.loop.trip);
  for (const PlacedLoop &pl : spatial_)
    multiply(pl.loop.trip);

  state_.resize(L_);
  for (int l = 0; l < L_; ++l)
    state_[l].resize(instances(l));
  counts_.levels.resize(L_);
  counts_.fanouts.resize(L_);
}

// "An instance of level l is identified by the indices of the spatial loops of levels
// l+1 .. L-1. A MAC unit (PE) is identified by the indices of all spatial loops." Instance
// ids are mixed-radix numbers over those indices, the outermost loop most significant.
std::int64_t Walker::instances(int level) const {
  std::int64_t n = 1;
  for (int j = 0; j < spatial_above_[slot(level)]; ++j)
    n *= spatial_[j].loop.trip;
  return n;
}

// The spatial indices of instance `id` of `level` (zero for loops at or below the level).
std::vector<std::int64_t> Walker::spatial_tuple(int level, std::int64_t id) const {
  std::vector<std::int64_t> s(spatial_.size(), 0);
  for (int j = spatial_above_[slot(level)] - 1; j >= 0; --j) {
    s[j] = id % spatial_[j].loop.trip;
    id /= spatial_[j].loop.trip;
  }
  return s;
}

// The id of the instance of `level` that contains the position with spatial indices s.
std::int64_t Walker::instance_id(int level, const std::vector<std::int64_t> &s) const {
  std::int64_t id = 0;
  for (int j = 0; j < spatial_above_[slot(level)]; ++j)
    id = id * spatial_[j].loop.trip + s[j];
  return id;
}

// "The fanouts crossed between a parent p and a child c are those of levels c+1 .. p."
// The spatial loops of those levels are the positions [spatial_above(p), spatial_above(c)).
// A group keeps apart the moves that the crossed fanouts cannot merge: it is made of the
// indices of the crossed loops whose level's fanout lacks the `spreads` ability (multicast
// for fills, reduction for updates); the other crossed indices are ignored.
std::int64_t Walker::group_key(const std::vector<std::int64_t> &s, int child, int parent,
                               bool Fanout::*spreads) const {
  std::int64_t key = 0;
  for (int j = spatial_above_[slot(parent)]; j < spatial_above_[slot(child)]; ++j) {
    const bool merges = a_.levels[spatial_[j].level].fanout.*spreads;
    key = key * spatial_[j].loop.trip + (merges ? 0 : s[j]);
  }
  return key;
}

// "The parent of a kept level is the next level outward that keeps the operand, and the
// parent of the MAC units is the innermost keeper."
int Walker::parent_of(Operand o, int level) const {
  for (int l : chain_[idx(o)])
    if (l > level) return l;
  internal_error("no parent for a level of the chain");
}

// "At a step, an instance of level l covers, for each dimension d, the range
// [b, b + E) ∩ [0, D) where D is the extent, E the product of the trips of the d loops of
// levels 0..l, and b the index of d given by the loops above the boundary (the step's
// temporal indices and the instance's spatial indices)." The index of d is "the sum of loop
// index times stride over the d loops".
Box Walker::box(int level, const std::vector<std::int64_t> &tau,
                const std::vector<std::int64_t> &s) const {
  DimArray<std::int64_t> b{};
  for (int j = 0; j < temporal_above_[slot(level)]; ++j)
    b[idx(temporal_[j].loop.dim)] += tau[j] * temporal_[j].stride;
  for (int j = 0; j < spatial_above_[slot(level)]; ++j)
    b[idx(spatial_[j].loop.dim)] += s[j] * spatial_[j].stride;
  Box result;
  for (Dim d : kAllDims) {
    const std::int64_t lo = b[idx(d)];
    result[idx(d)] = {lo, std::min(lo + tile_extent_[slot(level)][idx(d)], p_.extent(d))};
  }
  return result;
}

// "The tile of operand o is the set of words of o that iterations in the box touch:
// W[g][k][c][r][s], I[g][n][c][h][w] with h = p*Hs + r*Hd, w = q*Ws + s*Wd, O[g][n][k][p][q].
// If any range of the box is empty, every tile is empty." Words are linearized row-major.
std::vector<Word> Walker::tile(Operand o, const Box &bx) const {
  std::vector<Word> words;
  if (box_empty(bx)) return words;
  const auto r = [&bx](Dim d) { return bx[idx(d)]; };
  const auto D = [this](Dim d) { return p_.extent(d); };
  switch (o) {
  case Operand::W:
    for (auto g = r(Dim::G).lo; g < r(Dim::G).hi; ++g)
      for (auto k = r(Dim::K).lo; k < r(Dim::K).hi; ++k)
        for (auto c = r(Dim::C).lo; c < r(Dim::C).hi; ++c)
          for (auto fr = r(Dim::R).lo; fr < r(Dim::R).hi; ++fr)
            for (auto fs = r(Dim::S).lo; fs < r(Dim::S).hi; ++fs)
              words.push_back((((g * D(Dim::K) + k) * D(Dim::C) + c) * D(Dim::R) + fr) * D(Dim::S) +
                              fs);
    break;
  case Operand::O:
    for (auto g = r(Dim::G).lo; g < r(Dim::G).hi; ++g)
      for (auto n = r(Dim::N).lo; n < r(Dim::N).hi; ++n)
        for (auto k = r(Dim::K).lo; k < r(Dim::K).hi; ++k)
          for (auto op = r(Dim::P).lo; op < r(Dim::P).hi; ++op)
            for (auto oq = r(Dim::Q).lo; oq < r(Dim::Q).hi; ++oq)
              words.push_back((((g * D(Dim::N) + n) * D(Dim::K) + k) * D(Dim::P) + op) * D(Dim::Q) +
                              oq);
    break;
  case Operand::I: {
    // The distinct input rows and columns the box's (p, r) and (q, s) pairs touch.
    std::vector<std::int64_t> rows, cols;
    for (auto op = r(Dim::P).lo; op < r(Dim::P).hi; ++op)
      for (auto fr = r(Dim::R).lo; fr < r(Dim::R).hi; ++fr)
        rows.push_back(op * p_.stride_h + fr * p_.dilation_h);
    for (auto oq = r(Dim::Q).lo; oq < r(Dim::Q).hi; ++oq)
      for (auto fs = r(Dim::S).lo; fs < r(Dim::S).hi; ++fs)
        cols.push_back(oq * p_.stride_w + fs * p_.dilation_w);
    for (auto *v : {&rows, &cols}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    const std::int64_t H = p_.input_height(), Wd = p_.input_width();
    for (auto g = r(Dim::G).lo; g < r(Dim::G).hi; ++g)
      for (auto n = r(Dim::N).lo; n < r(Dim::N).hi; ++n)
        for (auto c = r(Dim::C).lo; c < r(Dim::C).hi; ++c)
          for (auto h : rows)
            for (auto w : cols)
              words.push_back((((g * D(Dim::N) + n) * D(Dim::C) + c) * H + h) * Wd + w);
    break;
  }
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

// "every word a child receives is counted once on each crossed fanout" (and for O: "every
// O word moved down to a child, and every child's word moved up (before any reduction), is
// counted once on each crossed fanout"). Crossed: the fanouts of levels c+1 .. p.
void Walker::count_fanouts(Operand o, int child, int parent, std::int64_t words) {
  for (int l = child + 1; l <= parent; ++l)
    counts_.fanouts[l].words[idx(o)] += words;
}

// W and I. "parent reads = the number of distinct pairs (word, group) among the new words
// of the siblings of each parent instance, where a group is given by the spatial indices of
// the crossed fanouts that do not multicast." Each move's group was built that way.
void Walker::read_for_fills(Operand o, int child, int parent, std::vector<Move> moves) {
  count_fanouts(o, child, parent, static_cast<std::int64_t>(moves.size()));
  // A child's box lies in its parent's box, so the parent holds every word a child takes.
  for (const Move &x : moves)
    if (held(parent, x.parent_instance, o).find(x.word) < 0)
      internal_error("a child's word is not in its parent's tile");
  const auto key = [](const Move &x) { return std::tie(x.parent_instance, x.group, x.word); };
  std::sort(moves.begin(), moves.end(),
            [&](const Move &x, const Move &y) { return key(x) < key(y); });
  const auto distinct = std::unique(moves.begin(), moves.end(),
                                    [&](const Move &x, const Move &y) { return key(x) == key(y); });
  at(parent, o).reads += distinct - moves.begin();
}

// O, downward. "At a child step, each new O word is looked up in the parent instance. If it
// is valid there, it moves down: one parent read and one child fill, even when several
// siblings take the same word at that step (the old value goes to one of them; the others
// start from zero). If it is not valid, it costs nothing (first touch)."
// Returns the moves that carried a value. Our choice of the sibling that receives it: the
// first child in instance order (the counts do not depend on the choice).
std::vector<Move> Walker::fill_partial_sums(int child, int parent, std::vector<Move> moves) {
  std::sort(moves.begin(), moves.end(), [](const Move &x, const Move &y) {
    return std::tie(x.parent_instance, x.word, x.child) <
           std::tie(y.parent_instance, y.word, y.child);
  });
  std::vector<Move> carried;
  for (std::size_t i = 0; i < moves.size(); ++i) {
    const Move &x = moves[i];
    if (i > 0 && moves[i - 1].parent_instance == x.parent_instance && moves[i - 1].word == x.word)
      continue; // a later sibling taking the same word: it starts from zero
    const HeldTile &source = held(parent, x.parent_instance, Operand::O);
    const auto pos = source.find(x.word);
    if (pos < 0) internal_error("a child's O word is not in its parent's tile");
    if (!source.valid[pos]) continue; // first touch: costs nothing
    at(parent, Operand::O).reads += 1;
    carried.push_back(x);
  }
  count_fanouts(Operand::O, child, parent, static_cast<std::int64_t>(carried.size()));
  return carried;
}

// O, upward. "Each leaving O word of a child instance is written to the parent. Siblings'
// words for the same output word at the same step, whose spatial indices differ only on
// crossed fanouts that reduce, are added in the network and make one parent write (an
// update there). Every further write of the same word to the same parent instance at the
// same step is a read-modify-write: one update and one extra parent read." Each move's
// group holds the indices of the crossed fanouts that do not reduce.
void Walker::write_partial_sums(int child, int parent, std::vector<Move> moves) {
  count_fanouts(Operand::O, child, parent, static_cast<std::int64_t>(moves.size()));
  const auto key = [](const Move &x) { return std::tie(x.parent_instance, x.word, x.group); };
  std::sort(moves.begin(), moves.end(),
            [&](const Move &x, const Move &y) { return key(x) < key(y); });
  for (std::size_t i = 0; i < moves.size(); ++i) {
    const Move &x = moves[i];
    if (i > 0 && key(moves[i - 1]) == key(x)) continue; // summed in the network
    HeldTile &target = held(parent, x.parent_instance, Operand::O);
    const auto pos = target.find(x.word);
    if (pos < 0) internal_error("a child's O word is not in its parent's tile");
    const bool first_write =
        i == 0 || moves[i - 1].parent_instance != x.parent_instance || moves[i - 1].word != x.word;
    at(parent, Operand::O).updates += 1;
    if (!first_write) at(parent, Operand::O).reads += 1; // read-modify-write
    // "the word arrived by ... an update": it is valid in the parent from now on.
    target.valid[pos] = true;
  }
}

// "Updates (up): when an O tile leaves a child (its tile changes, or the run ends), each of
// its words is written to the parent." The leaving words are "tile(t-1) \ tile(t)"; an
// instance "guarded off at a step holds nothing at that step (its O words leave and are
// written up)". W and I words that leave are simply dropped.
void Walker::leave(int level, const std::vector<Tiles> &next) {
  for (Operand o : kAllOperands) {
    if (!keeps(a_, m_, level, o)) continue;
    std::vector<Move> up;
    const int parent = level == L_ - 1 ? -2 : parent_of(o, level);
    for (std::int64_t inst = 0; inst < instances(level); ++inst) {
      HeldTile &h = held(level, inst, o);
      const std::vector<Word> &target = next[inst][idx(o)];
      HeldTile kept;
      for (std::size_t i = 0; i < h.words.size(); ++i) {
        const bool stays = std::binary_search(target.begin(), target.end(), h.words[i]);
        if (stays) {
          kept.words.push_back(h.words[i]);
          kept.valid.push_back(h.valid[i]);
        } else if (o == Operand::O) {
          if (level == L_ - 1) internal_error("a word leaves the outermost level");
          // Every word of an O tile is accumulated into by some MAC during its residency,
          // so a word that leaves is always valid.
          if (!h.valid[i]) internal_error("an O word leaves without being valid");
          const auto s = spatial_tuple(level, inst);
          up.push_back({instance_id(parent, s), group_key(s, level, parent, &Fanout::reduction),
                        h.words[i], inst});
        }
      }
      h = std::move(kept);
    }
    if (!up.empty()) write_partial_sums(level, parent, std::move(up));
  }
}

// "At step t its new words are tile(t) \ tile(t-1)". W and I: "fills of the child (a write
// there) = Σ over child instances of |new words|", and the parent reads them as in
// read_for_fills. O: fill_partial_sums. The outermost level has no parent: its tile (the
// whole problem) is there from the start and costs nothing; none of its O words is valid
// ("At the outermost level a word is valid once anything was written to it").
void Walker::enter(int level, const std::vector<Tiles> &next) {
  for (Operand o : kAllOperands) {
    if (!keeps(a_, m_, level, o)) continue;
    std::vector<Move> carried; // the new O words that received a value from the parent
    if (level < L_ - 1) {
      const int parent = parent_of(o, level);
      std::vector<Move> down;
      for (std::int64_t inst = 0; inst < instances(level); ++inst) {
        const HeldTile &h = held(level, inst, o);
        const auto s = spatial_tuple(level, inst);
        for (Word w : next[inst][idx(o)])
          if (h.find(w) < 0)
            down.push_back(
                {instance_id(parent, s), group_key(s, level, parent, &Fanout::multicast), w, inst});
      }
      if (o == Operand::O) {
        carried = fill_partial_sums(level, parent, std::move(down));
        at(level, o).fills += static_cast<std::int64_t>(carried.size());
      } else {
        at(level, o).fills += static_cast<std::int64_t>(down.size());
        read_for_fills(o, level, parent, std::move(down));
      }
    }
    // Now every instance holds its new tile. An O word keeps its flag when it stays, and a
    // new one is valid only when a value was moved down into it.
    const auto by_child = [](const Move &x, const Move &y) {
      return std::tie(x.child, x.word) < std::tie(y.child, y.word);
    };
    std::sort(carried.begin(), carried.end(), by_child);
    for (std::int64_t inst = 0; inst < instances(level); ++inst) {
      HeldTile &h = held(level, inst, o);
      HeldTile now;
      now.words = next[inst][idx(o)];
      for (Word w : now.words) {
        const auto pos = h.find(w);
        const Move probe{0, 0, w, inst};
        now.valid.push_back(
            pos >= 0 ? static_cast<bool>(h.valid[pos])
                     : std::binary_search(carried.begin(), carried.end(), probe, by_child));
      }
      h = std::move(now);
    }
  }
}

// "The MAC at each step reads one W word and one I word, and updates one O word in the
// innermost level that keeps each operand, by the same rules". The MAC pseudo-level's tile
// "is the single word of one MAC and ... therefore takes its word anew at every MAC step";
// "For the MAC pseudo-level there are no fills to count (a MAC unit is not a storage
// level); only the parent reads and the fanout words." For O: "At each MAC step the MAC
// unit takes its O word from the innermost keeper by the fill rule (a read there only if
// valid; one read per parent instance and word) and gives it back by the update rule (an
// update there)."
void Walker::run_macs(const std::vector<std::int64_t> &tau) {
  OperandArray<std::vector<Move>> down;
  std::vector<Move> up;
  for (std::int64_t pe = 0; pe < instances(-1); ++pe) {
    const auto s = spatial_tuple(-1, pe);
    const Box bx = box(-1, tau, s);
    // "An iteration whose index of any d is at least the extent of d is guarded off: it does
    // not exist (no MAC, no access)."
    if (box_empty(bx)) continue;
    counts_.macs += 1;
    for (Operand o : kAllOperands) {
      const std::vector<Word> word = tile(o, bx);
      if (word.size() != 1) internal_error("a MAC touches other than one word of an operand");
      const int parent = chain_[idx(o)].front();
      const std::int64_t pinst = instance_id(parent, s);
      down[idx(o)].push_back({pinst, group_key(s, -1, parent, &Fanout::multicast), word[0], pe});
      if (o == Operand::O)
        up.push_back({pinst, group_key(s, -1, parent, &Fanout::reduction), word[0], pe});
    }
  }
  for (Operand o : {Operand::W, Operand::I})
    read_for_fills(o, -1, chain_[idx(o)].front(), std::move(down[idx(o)]));
  const int o_parent = chain_[idx(Operand::O)].front();
  fill_partial_sums(-1, o_parent, std::move(down[idx(Operand::O)])); // the MAC keeps no state
  write_partial_sums(-1, o_parent, std::move(up));                   // "a MAC accumulated into it"
}

AccessCounts Walker::run() {
  // "A step of level l is one iteration (index tuple) of the temporal loops of levels
  // l+1 .. L-1, run in nest order (an odometer)." We run the odometer of all temporal
  // loops (the MAC steps); level l's step is the prefix of temporal_above(l) indices.
  std::int64_t total_steps = 1;
  for (const PlacedLoop &pl : temporal_)
    total_steps *= pl.loop.trip;
  std::vector<std::int64_t> tau(temporal_.size(), 0), previous;

  const auto tiles_of = [&](int level) {
    std::vector<Tiles> next(instances(level));
    for (std::int64_t inst = 0; inst < instances(level); ++inst) {
      const Box bx = box(level, tau, spatial_tuple(level, inst));
      for (Operand o : kAllOperands)
        if (keeps(a_, m_, level, o)) next[inst][idx(o)] = tile(o, bx);
    }
    return next;
  };

  for (std::int64_t t = 0; t < total_steps; ++t) {
    std::vector<bool> changed(L_);
    std::vector<std::vector<Tiles>> next(L_);
    for (int l = 0; l < L_; ++l) {
      const int n = temporal_above_[slot(l)];
      changed[l] = t == 0 || !std::equal(tau.begin(), tau.begin() + n, previous.begin());
      if (changed[l]) next[l] = tiles_of(l);
    }
    // "Order within a step change: leaving tiles are written up first, innermost levels
    // first; then new tiles are filled, outermost levels first; then the MACs run."
    for (int l = 0; l < L_; ++l)
      if (changed[l]) leave(l, next[l]);
    for (int l = L_ - 1; l >= 0; --l)
      if (changed[l]) enter(l, next[l]);
    run_macs(tau);

    previous = tau;
    for (int j = static_cast<int>(tau.size()) - 1; j >= 0; --j) {
      if (++tau[j] < temporal_[j].loop.trip) break;
      tau[j] = 0;
    }
  }
  // "(and every word it holds when the run ends) is written to the parent", innermost
  // levels first. The outermost level keeps what it holds.
  for (int l = 0; l < L_ - 1; ++l)
    leave(l, std::vector<Tiles>(instances(l)));

  // "writes = fills + updates".
  for (LevelCounts &lc : counts_.levels)
    for (OperandCounts &oc : lc.operands)
      oc.writes = oc.fills + oc.updates;
  return counts_;
}

} // namespace

AccessCounts walk_trace(const Problem &p, const Architecture &a, const Mapping &m) {
  return Walker(p, a, m).run();
}

} // namespace tessel
