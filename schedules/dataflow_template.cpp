#include "schedules/dataflow_template.hpp"

#include "cost_model/evaluation.hpp"
#include "cost_model/footprint.hpp"
#include "explorer/mapspace.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace tessel {

namespace {

using Box = DimArray<std::int64_t>;

// One loop of a dimension in the plan.
struct Part {
  int level = 0;
  LoopKind kind = LoopKind::Temporal;
  std::int64_t trip = 1;
};

// The canonical orders tried above the array, innermost first: the array level's tile of
// W (the pixels and the batch innermost), of O (the reduction innermost) or of I (the
// output channels innermost) stays while the loops above it run.
const std::vector<std::vector<Dim>> kOuterOrders = {
    {Dim::N, Dim::Q, Dim::P, Dim::S, Dim::R, Dim::C, Dim::K, Dim::G},
    {Dim::S, Dim::R, Dim::C, Dim::N, Dim::Q, Dim::P, Dim::K, Dim::G},
    {Dim::K, Dim::N, Dim::Q, Dim::P, Dim::S, Dim::R, Dim::C, Dim::G}};

// Growths tried for the array level's and the outer levels' tiles: whole filters first,
// then the rest in turn; or the whole reduction C first (partial sums never leave the
// level); or all output channels K first (each input is fetched once).
const std::vector<std::vector<std::vector<Dim>>> kOuterGrowths = {
    {{Dim::R, Dim::S}, {Dim::C, Dim::K, Dim::P, Dim::Q, Dim::N, Dim::G}},
    {{Dim::R, Dim::S}, {Dim::C}, {Dim::K, Dim::P, Dim::Q, Dim::N, Dim::G}},
    {{Dim::R, Dim::S}, {Dim::K}, {Dim::C, Dim::P, Dim::Q, Dim::N, Dim::G}}};

std::string lower_dim(Dim d) {
  return std::string(1,
                     static_cast<char>(std::tolower(static_cast<unsigned char>(dim_name(d)[0]))));
}

std::string identifier(const std::string &s) {
  std::string out;
  for (char ch : s)
    out += std::isalnum(static_cast<unsigned char>(ch))
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
               : '_';
  return out;
}

std::string dim_description(Dim d) {
  switch (d) {
  case Dim::N:
    return "batch N";
  case Dim::K:
    return "output channels K";
  case Dim::C:
    return "input channels C";
  case Dim::P:
    return "output height P";
  case Dim::Q:
    return "output width Q";
  case Dim::R:
    return "filter height R";
  case Dim::S:
    return "filter width S";
  case Dim::G:
    return "groups G";
  }
  return std::string(dim_name(d));
}

// "1 word", "3 words".
std::string count(std::int64_t n, const std::string &unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// The factor of a dimension with `extent` left, on an axis with `room` instances left.
// Returns {factor, perfect}.
std::pair<std::int64_t, bool> spatial_factor(std::int64_t extent, std::int64_t room) {
  if (extent <= room) return {extent, true};
  std::int64_t best = 1;
  for (std::int64_t d : divisors(extent))
    if (d <= room) best = d;
  if (best * 4 >= room * 3) return {best, true};
  // n passes of f cover the extent with a guarded last pass; the axis is then busy
  // extent / (n * room) of the time, against best / room with the divisor.
  const std::int64_t n = ceil_div(extent, room), f = ceil_div(extent, n);
  if (extent > best * n) return {f, extent % f == 0};
  return {best, true};
}

class Planner {
public:
  Planner(const DataflowTemplate &t, const Problem &p, const Architecture &a)
      : t_(t), p_(p), a_(a), levels_(a.num_levels()) {}

  Schedule run() {
    array_ = pe_array_level(a_);
    if (array_ < 0)
      fail("the architecture has no PE array (no level has a fanout larger than 1x1)");
    decide_bypass();
    choose_spatial();
    choose_per_pe();
    std::optional<Schedule> best;
    double best_pj = 0;
    std::vector<Mapping> seen;
    for (const auto &growth : kOuterGrowths) {
      choose_outer(growth);
      for (const std::vector<Dim> &order : kOuterOrders) {
        Schedule s = build(order);
        Mapping m = s.lower().mapping;
        if (std::find(seen.begin(), seen.end(), m) != seen.end()) continue;
        check_capacity(p_, a_, m, "dataflow " + t_.name);
        const double pj = evaluate(p_, a_, m).energy_pj;
        seen.push_back(std::move(m));
        if (!best || pj < best_pj) {
          best = std::move(s);
          best_pj = pj;
        }
      }
    }
    return std::move(*best);
  }

private:
  [[noreturn]] void fail(const std::string &why) const {
    user_error("dataflow " + t_.name,
               "cannot map layer '" + p_.name + "' on architecture '" + a_.name + "': " + why);
  }

  std::int64_t extent(Dim d) const { return p_.extent(d); }

  void decide_bypass() {
    bypass_.assign(levels_, {false, false, false});
    for (int l = 0; l < array_; ++l)
      for (Operand o : kAllOperands)
        if (!t_.pe_keeps[idx(o)] && a_.levels[l].keeps[idx(o)]) bypass_[l][idx(o)] = true;
  }

  bool kept(int l, Operand o) const { return a_.levels[l].keeps[idx(o)] && !bypass_[l][idx(o)]; }

  // Footprint of one instance of level l holding `box` (capped at the extents), in the
  // level's unit, as capacity_usage counts it.
  std::int64_t footprint(int l, Box box) const {
    for (Dim d : kAllDims)
      box[idx(d)] = std::min(box[idx(d)], extent(d));
    const Level &lv = a_.levels[l];
    std::int64_t used = 0;
    for (Operand o : kAllOperands) {
      if (!kept(l, o)) continue;
      const std::int64_t words = tile_words(p_, o, box);
      used += lv.capacity_bytes ? ceil_div(words * p_.bits[idx(o)], 8) : words;
    }
    return lv.double_buffered ? 2 * used : used;
  }

  static std::int64_t capacity(const Level &lv) {
    return lv.capacity_bytes ? *lv.capacity_bytes : *lv.capacity_words;
  }

  // The box one instance of level j >= l holds at least, when level l holds `box` (a
  // per-PE level's box, for l < array, is multiplied by the spatial factors above it).
  Box box_at(int l, int j, Box box) const {
    if (l < array_ && j >= array_)
      for (Dim d : kAllDims)
        box[idx(d)] *= spatial_total_[idx(d)];
    return box;
  }

  // The first bounded level from l outward that cannot hold `box`, or -1.
  int overflow(int l, const Box &box) const {
    for (int j = l; j < levels_; ++j)
      if (a_.levels[j].bounded() && footprint(j, box_at(l, j, box)) > capacity(a_.levels[j]))
        return j;
    return -1;
  }

  std::string overflow_text(int l, int j, const Box &box) const {
    const Level &lv = a_.levels[j];
    const Box b = box_at(l, j, box);
    Box capped = b;
    for (Dim d : kAllDims)
      capped[idx(d)] = std::min(capped[idx(d)], extent(d));
    std::string parts;
    for (Operand o : kAllOperands)
      if (kept(j, o))
        parts += (parts.empty() ? "" : ", ") + std::string(operand_name(o)) + " " +
                 count(tile_words(p_, o, capped), "word");
    const std::string unit = lv.capacity_bytes ? "byte" : "word";
    return "level '" + lv.name + "' holds " + count(capacity(lv), unit) +
           " but the smallest tile this dataflow puts there needs " + count(footprint(j, b), unit) +
           " (" + parts + (lv.double_buffered ? ", double-buffered" : "") + ")";
  }

  // Grows `trips` (the level's own trips; each must divide `left`) along `steps`, keeping
  // the box (inner * trips) within every capacity from level l outward.
  void grow(int l, const std::vector<std::vector<Dim>> &steps, const Box &inner, const Box &left,
            Box &trips) const {
    const auto fits = [&] {
      Box box = inner;
      for (Dim d : kAllDims)
        box[idx(d)] *= trips[idx(d)];
      return overflow(l, box) < 0;
    };
    for (const std::vector<Dim> &step : steps) {
      if (step.size() == 1) {
        const Dim d = step[0];
        const std::vector<std::int64_t> divs = divisors(left[idx(d)]);
        const std::int64_t before = trips[idx(d)];
        for (auto it = divs.rbegin(); it != divs.rend() && *it > before; ++it) {
          trips[idx(d)] = *it;
          if (fits()) break;
          trips[idx(d)] = before;
        }
        continue;
      }
      for (bool progress = true; progress;) {
        progress = false;
        for (Dim d : step) {
          const std::int64_t before = trips[idx(d)];
          for (std::int64_t v : divisors(left[idx(d)]))
            if (v > before) {
              trips[idx(d)] = v;
              if (fits())
                progress = true;
              else
                trips[idx(d)] = before;
              break;
            }
        }
      }
    }
  }

  void choose_spatial() {
    const Fanout &f = a_.levels[array_].fanout;
    spatial_total_.fill(1);
    spatial_perfect_.fill(true);
    left_.fill(0);
    for (Dim d : kAllDims)
      left_[idx(d)] = extent(d);
    std::int64_t room = f.y;
    for (Dim d : t_.whole_on_y)
      if (extent(d) > f.y)
        fail(dim_description(d) + " = " + std::to_string(extent(d)) + " exceeds the y axis (" +
             std::to_string(f.y) + ") of the " + std::to_string(f.x) + "x" + std::to_string(f.y) +
             " PE array under level '" + a_.levels[array_].name + "'; " + t_.whole_on_y_reason);
    const auto fill = [&](const std::vector<Dim> &dims, LoopKind kind) {
      for (Dim d : dims) {
        if (room <= 1) break;
        if (left_[idx(d)] <= 1) continue;
        const auto [factor, perfect] = spatial_factor(left_[idx(d)], room);
        if (factor <= 1) continue;
        spatial_.push_back({d, Part{array_, kind, factor}});
        spatial_total_[idx(d)] *= factor;
        spatial_perfect_[idx(d)] = spatial_perfect_[idx(d)] && perfect;
        left_[idx(d)] = ceil_div(left_[idx(d)], factor);
        room /= factor;
      }
    };
    // Dimensions that must be whole go first on y.
    std::vector<Dim> y = t_.whole_on_y;
    for (Dim d : t_.y)
      if (std::find(y.begin(), y.end(), d) == y.end()) y.push_back(d);
    fill(y, LoopKind::SpatialY);
    room = f.x;
    fill(t_.x, LoopKind::SpatialX);
    // The array level must hold the spatial box (one word per PE and operand at least).
    Box box = spatial_total_;
    if (const int j = overflow(array_, box); j >= 0) fail(overflow_text(array_, j, box));
  }

  void choose_per_pe() {
    // What is left for the per-PE levels: the extent over the spatial factors when those
    // divide it; 1 for a dimension with an imperfect spatial factor (its per-PE loops
    // would sit inside a guarded pass, which a mixed-radix nest cannot express).
    Box left{};
    for (Dim d : kAllDims)
      left[idx(d)] = spatial_perfect_[idx(d)] ? extent(d) / spatial_total_[idx(d)] : 1;
    Box inner;
    inner.fill(1);
    pe_trips_.assign(array_, Box{});
    for (int l = 0; l < array_; ++l) {
      Box &trips = pe_trips_[l];
      trips.fill(1);
      if (const int j = overflow(l, inner); j >= 0) fail(overflow_text(l, j, inner));
      grow(l, t_.pe_growth, inner, left, trips);
      for (Dim d : kAllDims) {
        inner[idx(d)] *= trips[idx(d)];
        left[idx(d)] /= trips[idx(d)];
      }
    }
    pe_total_ = inner;
  }

  void choose_outer(const std::vector<std::vector<Dim>> &growth) {
    // What is left above the array: the spatial passes over what the PEs do.
    Box left{}, inner{};
    for (Dim d : kAllDims) {
      std::int64_t rest = extent(d) / pe_total_[idx(d)];
      for (const auto &[dim, part] : spatial_)
        if (dim == d) rest = ceil_div(rest, part.trip);
      left[idx(d)] = rest;
      inner[idx(d)] = pe_total_[idx(d)] * spatial_total_[idx(d)];
    }
    outer_trips_.assign(levels_, Box{});
    for (int l = array_; l < levels_; ++l) {
      Box &trips = outer_trips_[l];
      trips.fill(1);
      if (l == levels_ - 1) {
        trips = left;
        break;
      }
      grow(l, growth, inner, left, trips);
      for (Dim d : kAllDims) {
        inner[idx(d)] *= trips[idx(d)];
        left[idx(d)] /= trips[idx(d)];
      }
    }
  }

  // Loop order of a level, innermost first: the listed dimensions, then the others.
  static std::vector<Dim> complete(const std::vector<Dim> &order) {
    std::vector<Dim> out = order;
    for (Dim d : kAllDims)
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    return out;
  }

  // Writes the plan as DSL directives, with `outer_order` above the array.
  Schedule build(const std::vector<Dim> &outer_order) const {
    struct Named {
      Part part;
      std::string name;
    };
    // The loops of each dimension, innermost first: per-PE levels, the spatial loops (y
    // before x, as they were chosen), the array level's and the outer levels' loops.
    DimArray<std::vector<Named>> loops;
    std::set<std::string> used;
    const auto name_for = [&](Dim d, const Part &part) {
      std::string tag = part.kind == LoopKind::SpatialX   ? "x"
                        : part.kind == LoopKind::SpatialY ? "y"
                                                          : identifier(a_.levels[part.level].name);
      std::string name = lower_dim(d) + "_" + tag;
      if (used.count(name)) {
        name += '_';
        name += std::to_string(part.level);
      }
      used.insert(name);
      return name;
    };
    for (Dim d : kAllDims) {
      std::vector<Part> parts;
      for (int l = 0; l < array_; ++l)
        parts.push_back({l, LoopKind::Temporal, pe_trips_[l][idx(d)]});
      for (const auto &[dim, part] : spatial_)
        if (dim == d) parts.push_back(part);
      for (int l = array_; l < levels_; ++l)
        parts.push_back({l, LoopKind::Temporal, outer_trips_[l][idx(d)]});
      for (const Part &part : parts)
        if (part.trip > 1) loops[idx(d)].push_back({part, ""});
      if (loops[idx(d)].size() == 1)
        loops[idx(d)][0].name = lower_dim(d);
      else
        for (Named &n : loops[idx(d)])
          n.name = name_for(d, n.part);
    }

    Schedule s(p_, a_);
    // Splits: peel each dimension's loops off from the inside, always splitting the outer
    // remainder (on the dimension's outer spine), so a guarded split is legal.
    for (Dim d : kAllDims) {
      const std::vector<Named> &ls = loops[idx(d)];
      if (ls.size() < 2) continue;
      std::string rest = lower_dim(d);
      std::int64_t rest_extent = extent(d);
      for (std::size_t i = 0; i + 1 < ls.size(); ++i) {
        const std::string outer =
            i + 2 == ls.size() ? ls.back().name : lower_dim(d) + "_o" + std::to_string(i + 1);
        const std::int64_t f = ls[i].part.trip;
        s.split(rest, outer, ls[i].name, f,
                rest_extent % f == 0 ? TailStrategy::Error : TailStrategy::GuardWithIf);
        rest = outer;
        rest_extent = ceil_div(rest_extent, f);
      }
      if (rest_extent != ls.back().part.trip)
        throw std::logic_error("dataflow " + t_.name + ": the trips of " +
                               std::string(dim_name(d)) + " do not cover its extent");
    }

    // The order, innermost first: level by level from the innermost, each level's spatial
    // loops (below its temporal loops) and then its temporal loops in the level's order.
    std::vector<LoopVar> order;
    std::vector<int> order_level;
    std::vector<std::pair<std::string, Axis>> spatial_marks; // innermost first
    for (int l = 0; l < levels_; ++l) {
      if (l == array_)
        for (const auto &[dim, part] : spatial_)
          for (const Named &n : loops[idx(dim)])
            if (n.part.kind == part.kind && n.part.level == l) {
              order.emplace_back(n.name);
              order_level.push_back(l);
              spatial_marks.emplace_back(n.name,
                                         part.kind == LoopKind::SpatialX ? Axis::X : Axis::Y);
            }
      const std::vector<Dim> level_order = complete(l < array_    ? t_.pe_order
                                                    : l == array_ ? t_.array_order
                                                                  : outer_order);
      for (Dim d : level_order)
        for (const Named &n : loops[idx(d)])
          if (n.part.kind == LoopKind::Temporal && n.part.level == l) {
            order.emplace_back(n.name);
            order_level.push_back(l);
          }
    }
    if (order.size() >= 2) s.reorder(order);
    // Boundaries, outer levels first: level l holds everything below the innermost loop of
    // the levels outside it.
    for (int l = levels_ - 2; l >= 0; --l) {
      std::size_t i = 0;
      while (i < order.size() && order_level[i] <= l)
        ++i;
      if (i == order.size())
        s.store_root(a_.levels[l].name);
      else
        s.store_at(a_.levels[l].name, order[i]);
    }
    for (const auto &[name, axis] : spatial_marks)
      s.spatial(name, axis);
    for (int l = 0; l < levels_; ++l)
      for (Operand o : kAllOperands)
        if (bypass_[l][idx(o)]) s.bypass(a_.levels[l].name, o);
    return s;
  }

  const DataflowTemplate &t_;
  const Problem &p_;
  const Architecture &a_;
  int levels_;
  int array_ = -1;
  std::vector<OperandArray<bool>> bypass_;
  std::vector<std::pair<Dim, Part>> spatial_; // in the order chosen (y first)
  Box spatial_total_{}, left_{};
  DimArray<bool> spatial_perfect_{};
  std::vector<Box> pe_trips_; // per per-PE level
  Box pe_total_{};
  std::vector<Box> outer_trips_; // per level (array level and outward)
};

} // namespace

int pe_array_level(const Architecture &arch) {
  int best = -1;
  std::int64_t size = 1;
  for (int l = 0; l < arch.num_levels(); ++l)
    if (arch.levels[l].fanout.size() > size) {
      size = arch.levels[l].fanout.size();
      best = l;
    }
  return best;
}

Schedule build_dataflow_schedule(const DataflowTemplate &t, const Problem &problem,
                                 const Architecture &arch) {
  validate(problem, "problem");
  validate(arch, "arch");
  return Planner(t, problem, arch).run();
}

} // namespace tessel
