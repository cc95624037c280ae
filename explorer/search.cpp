#include "explorer/search.hpp"

#include "cost_model/analytical_model.hpp"
#include "cost_model/footprint.hpp"
#include "cost_model/operand_axes.hpp"
#include "cost_model/pair_model.hpp"
#include "explorer/imperfect_refine.hpp"
#include "explorer/random_mapping.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>

namespace tessel {

std::string_view objective_name(Objective o) {
  switch (o) {
  case Objective::Energy:
    return "energy";
  case Objective::Cycles:
    return "cycles";
  case Objective::Edp:
    return "edp";
  }
  return "energy";
}

std::optional<Objective> parse_objective(std::string_view s) {
  for (Objective o : {Objective::Energy, Objective::Cycles, Objective::Edp})
    if (objective_name(o) == s) return o;
  return std::nullopt;
}

std::vector<double> objective_values(const Evaluation &e,
                                     const std::vector<Objective> &objectives) {
  std::vector<double> v;
  for (Objective o : objectives) {
    switch (o) {
    case Objective::Energy:
      v.push_back(e.energy_pj);
      break;
    case Objective::Cycles:
      v.push_back(static_cast<double>(e.cycles));
      break;
    case Objective::Edp:
      v.push_back(e.energy_pj * static_cast<double>(e.cycles));
      break;
    }
  }
  return v;
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds are sums of the same terms as costs, in another order; a cut needs the bound to
// exceed the best by more than rounding could account for.
constexpr double kSlack = 1e-9;

// The bounds of the search are on energy. A bound on the primary objective follows from one
// and a bound on cycles: compute cycles are MACs over the PEs the spatial loops use (and
// bandwidth only adds), so every mapping takes at least ceil(MACs / PEs) cycles, and one
// below spatial choices that can use at most U PEs at least ceil(MACs / U). EDP is then at
// least the energy bound times the cycle bound.
struct PrimaryBound {
  Objective primary = Objective::Energy;
  std::optional<Objective> secondary; // the second objective of a lexicographic list
  double least_cycles = 0;            // of any mapping
  double macs = 0;

  PrimaryBound(const Problem &p, const Architecture &a, const std::vector<Objective> &objectives)
      : primary(objectives.empty() ? Objective::Energy : objectives[0]),
        least_cycles(static_cast<double>(ceil_div(p.macs(), a.num_pes()))),
        macs(static_cast<double>(p.macs())) {
    if (objectives.size() > 1) secondary = objectives[1];
  }

  // Whether beaten() reads a cycle bound: the list starts with cycles or EDP.
  bool needs_cycles() const { return primary != Objective::Energy; }

  // The least cycles of a mapping whose spatial loops use at most `pes` PEs.
  double least_cycles_on(double pes) const { return std::ceil(macs / pes); }

  double of(double energy_bound, double cycles_bound) const {
    return bound_on(primary, energy_bound, cycles_bound);
  }
  double of(double energy_bound) const { return of(energy_bound, least_cycles); }

  double bound_on(Objective o, double energy_bound, double cycles_bound) const {
    switch (o) {
    case Objective::Energy:
      return energy_bound;
    case Objective::Cycles:
      return cycles_bound;
    case Objective::Edp:
      return energy_bound * cycles_bound;
    }
    return energy_bound;
  }
};

struct LevelChoice {
  SpatialChoice spatial;
  DimArray<std::int64_t> temporal{};
  // The dimensions with temporal trip > 1, outermost first: the loop-order class being
  // searched. Empty while a level's nodes are bounded (apply_tile_trips): those bounds hold
  // for every order.
  std::vector<Dim> order;
};

// What the threads share: the incumbent and the counters.
struct Shared {
  std::mutex mu;
  alignas(64) std::atomic<double> best_primary{kInf};
  // The incumbent's second objective value, stored before best_primary (see beaten()).
  std::atomic<double> best_secondary{kInf};
  alignas(64) char after_best = 0;
  bool have_best = false;
  std::vector<double> best_values;
  std::string best_key;
  Mapping best_mapping;
  std::atomic<std::int64_t> evaluated{0}, valid{0};
  // Each on its own cache line: every thread reads the flag and the bound all the time, and
  // a counter written next to them would make each of those reads miss.
  alignas(64) std::atomic<std::int64_t> pruned{0};
  alignas(64) std::atomic<bool> stopped{false};
  alignas(64) char end = 0;
};

// Whether a subtree whose energy is at least `energy_bound` and cycles at least
// `cycles_bound` cannot beat the incumbent (ties are not cut). Under a cycles-first list,
// once the incumbent takes no more cycles than the subtree's least, every mapping of the
// subtree at best ties it on cycles and the second objective decides. Its value is read
// after best_primary, and record() stores it before: a reader sees the second value of the
// incumbent whose cycles it read, or of a later one (which ties or beats it on cycles, so
// the subtree loses to it at least as surely).
bool beaten(const PrimaryBound &pb, const Shared &shared, double energy_bound,
            double cycles_bound) {
  const double best = shared.best_primary.load();
  if (pb.of(energy_bound, cycles_bound) > best * (1 + kSlack)) return true;
  if (pb.primary != Objective::Cycles || !pb.secondary || best > cycles_bound) return false;
  return pb.bound_on(*pb.secondary, energy_bound, cycles_bound) >
         shared.best_secondary.load() * (1 + kSlack);
}

bool beaten(const PrimaryBound &pb, const Shared &shared, double energy_bound) {
  return beaten(pb, shared, energy_bound, pb.least_cycles);
}

std::string mapping_key(const Mapping &m) {
  std::ostringstream s;
  for (int l = m.num_levels() - 1; l >= 0; --l) {
    s << '|';
    for (const Loop &x : m.levels[l].temporal)
      s << dim_name(x.dim) << x.trip << ',';
    s << '/';
    for (const Loop &x : m.levels[l].spatial)
      s << dim_name(x.dim) << x.trip << (x.kind == LoopKind::SpatialX ? 'x' : 'y') << ',';
  }
  return s.str();
}

bool better(const std::vector<double> &a, const std::string &ka, const std::vector<double> &b,
            const std::string &kb) {
  if (a != b) return a < b;
  return ka < kb;
}

// Starts work(t) for t = first .. count-1, each on its own thread, into `pool`. If the system
// refuses a thread, raises `stop`, joins the threads started, and reports it as the user's
// error (too many threads asked for) rather than letting their destructors end the process.
template <typename F>
void start_threads(std::vector<std::thread> &pool, int first, int count, F &work,
                   std::atomic<bool> &stop) {
  try {
    for (int t = first; t < count; ++t)
      pool.emplace_back([&work, t] { work(t); });
  } catch (const std::system_error &e) {
    stop = true;
    for (std::thread &t : pool)
      t.join();
    user_error("threads", "could not start thread " + std::to_string(first + pool.size() + 1) +
                              " of " + std::to_string(count) + " (" + e.what() +
                              "); ask for fewer");
  }
}

// Runs work(t) for t = 0 .. threads-1, each on its own thread (work(0) on the caller's), and
// waits for all of them. `stop` as for start_threads.
template <typename F> void on_threads(int threads, std::atomic<bool> &stop, F &&work) {
  std::vector<std::thread> pool;
  start_threads(pool, 1, threads, work, stop);
  work(0);
  for (std::thread &t : pool)
    t.join();
}

// Whether the problem is its own mirror image: swapping P with Q and R with S (rows with
// columns) maps it to itself, and no constraint names those dimensions. Then a mapping and
// its mirror image (the same swap applied to its loops) have the same counts, and the search
// keeps one of the two (see Searcher::mirrored).
bool mirror_symmetric(const Problem &p, const Constraints &c) {
  if (p.extent(Dim::P) != p.extent(Dim::Q) || p.extent(Dim::R) != p.extent(Dim::S) ||
      p.stride_h != p.stride_w || p.dilation_h != p.dilation_w)
    return false;
  const auto window = [](Dim d) { return (kWindowDims >> idx(d) & 1) != 0; };
  for (const auto *lists : {&c.spatial_x, &c.spatial_y, &c.loop_order})
    for (const auto &[level, dims] : *lists)
      if (std::any_of(dims.begin(), dims.end(), window)) return false;
  for (const auto &[level, factors] : c.temporal_factor)
    for (const auto &[d, f] : factors)
      if (window(d)) return false;
  return true;
}

class Searcher {
  struct Unions; // (private, below with the bounds that read it)

public:
  Searcher(const Problem &p, const Architecture &a, const ExploreOptions &opt, Shared &shared,
           Clock::time_point start)
      : p_(p), a_(a), opt_(opt), shared_(shared), start_(start), L_(a.num_levels()),
        choice_(a.num_levels()), tiles_(a.num_levels() + 1) {
    energy_only_ = opt.objectives.size() == 1 && opt.objectives[0] == Objective::Energy;
    mirror_ = mirror_symmetric(p, opt.constraints);
    for (Operand o : kAllOperands) {
      DimArray<std::int64_t> whole;
      for (Dim d : kAllDims)
        whole[idx(d)] = p.extent(d);
      used_words_[idx(o)] = tile_words(p, o, whole);
    }
    tile(L_ - 1) = p.size;
    for (Dim d : kAllDims)
      problem_points_ *= p.extent(d);
    tile(-1).fill(1);
    fanout_below_.assign(L_ + 1, 1);
    for (int l = 0; l < L_; ++l)
      fanout_below_[l + 1] = fanout_below_[l] * a.levels[l].fanout.size();
    for (int l = 0; l < L_; ++l)
      below_terms_.push_back(below_terms(l));
    for (int child = -1; child < L_; ++child)
      for (int parent = child + 1; parent < L_; ++parent)
        for (Operand o : kAllOperands)
          prices_[child + 1][parent][idx(o)] = pair_prices(o, child, parent);
  }

  DimArray<std::int64_t> &tile(int level) { return tiles_[level + 1]; }
  const DimArray<std::int64_t> &tile(int level) const { return tiles_[level + 1]; }

  // The spatial choices on `level`'s fanout (just "none" without a fanout). The search
  // takes one per factor vector (distinct_spatial_choices); counting the mapspace takes all.
  std::vector<SpatialChoice> spatial_options(int level, bool every_placement = false) const {
    const Level &lv = a_.levels[level];
    if (lv.fanout.size() > 1) {
      const std::vector<Dim> *ax = lookup(opt_.constraints.spatial_x, lv.name),
                             *ay = lookup(opt_.constraints.spatial_y, lv.name);
      return every_placement
                 ? spatial_choices(tile(level), lv.fanout.x, lv.fanout.y, ax, ay, &stop_flag_)
                 : distinct_spatial_choices(tile(level), lv.fanout.x, lv.fanout.y, ax, ay,
                                            &stop_flag_);
    }
    SpatialChoice none;
    none.factor.fill(1);
    return {none};
  }

  // spatial_options(level) as the search takes them, the last list of each level kept: the
  // parts of one expansion, and expansions under the same tile, ask for the same list.
  std::shared_ptr<const std::vector<SpatialChoice>> searched_spatial_options(int level) {
    auto &[key, list] = spatial_memo_[static_cast<std::size_t>(level)];
    if (!list || key != tile(level)) {
      key = tile(level);
      list = std::make_shared<const std::vector<SpatialChoice>>(spatial_options(level));
    }
    return list;
  }

  // Whether `used` instances at `level` (spatial loops at and above it) can still reach the
  // minimum utilization with every fanout below fully used.
  bool may_meet_utilization(int level, std::int64_t used) const {
    return opt_.constraints.min_utilization <= 0 ||
           static_cast<double>(used * fanout_below_[level]) >=
               opt_.constraints.min_utilization * static_cast<double>(a_.num_pes());
  }

  // A node at `level` is one choice of (spatial loops, tile below) there; its loop orders
  // are priced only when the search reaches it. Nodes refer to the level's spatial choices.
  struct Node {
    int spatial = 0; // index into the level's spatial choices
    int tile = 0;    // the tile's place in the enumeration of its spatial choice's tiles
    DimArray<std::int64_t> below{};
    double bound = 0; // cost above + order-free bound of this level's pairs + bound below
    // I's parts of the Unions that bound the node's orders (add_input_words and
    // add_input_need), which no order above it changes: kept from the expansion, so that
    // bounding its orders (once per order of the levels above, for a shared expansion) does
    // not compute them again.
    std::array<std::int64_t, 4> input_first{};
    std::int64_t input_fills = 0, input_reads = 0;
  };

  struct Expansion {
    std::shared_ptr<const std::vector<SpatialChoice>> spatials; // shared by every part
    std::vector<Node> nodes;                                    // sorted by bound, best first
    bool truncated = false; // nodes were left out (ExpandMode::keep_best)
  };

  // Set the choice at `level` from a node (its order is set by the caller).
  void apply(int level, const Expansion &x, const Node &n) {
    LevelChoice &c = choice_[level];
    c.spatial = (*x.spatials)[n.spatial];
    DimArray<std::int64_t> left;
    for (Dim d : kAllDims)
      left[idx(d)] = tile(level)[idx(d)] / c.spatial.factor[idx(d)];
    apply_tile(level, left, n.below);
  }

  // The tile below `level` and the level's temporal trips, its spatial choice already set
  // (`left`: what the spatial loops leave of each dimension).
  void apply_tile(int level, const DimArray<std::int64_t> &left,
                  const DimArray<std::int64_t> &below) {
    DimArray<std::int64_t> trips;
    for (Dim d : kAllDims)
      trips[idx(d)] = left[idx(d)] / below[idx(d)];
    apply_tile_trips(level, below, trips);
  }

  // The same with the trips known (left / below). The order is left to search_orders.
  void apply_tile_trips(int level, const DimArray<std::int64_t> &below,
                        const DimArray<std::int64_t> &trips) {
    LevelChoice &c = choice_[level];
    c.order.clear();
    c.temporal = trips;
    tile(level - 1) = below;
  }

  // How expand() works. With context_free, the bounds hold for every order of the levels
  // above (the shared expansion below a top-level node serves all of its orders); relaxed
  // is relaxed_inner_bounds' mode. With parts > 1, only the spatial choices si with
  // si % parts == part are expanded (a thread's share; merge_parts joins the shares), or,
  // with fewer spatial choices than parts (a top level without a fanout has one), the tiles
  // of each spatial choice whose place in its enumeration is part modulo parts. With
  // drop_with_cost, nodes that cut() already rejects at that cost above are left out (the
  // incumbent only improves, so they would be cut whenever they were reached).
  struct ExpandMode {
    bool context_free = false, relaxed = false;
    int part = 0, parts = 1;
    std::optional<double> drop_with_cost;
    // With keep_best > 0, only the nodes whose bound is among the keep_best least (ties
    // included) are kept, and the expansion says whether any were left out.
    std::size_t keep_best = 0;
    // The level's spatial choices, if the caller has listed them already: the parts of one
    // expansion, taken by different threads, then share one list.
    std::shared_ptr<const std::vector<SpatialChoice>> spatials;
  };

  // Every node at `level`, given tile(level) and the choices above, best bound first.
  Expansion expand(int level, double cost_above) { return expand(level, cost_above, ExpandMode{}); }
  Expansion expand(int level, double cost_above, const ExpandMode &mode) {
    Expansion x;
    const DimArray<std::int64_t> here = tile(level);
    x.spatials = mode.spatials ? mode.spatials : searched_spatial_options(level);
    // What the bounds need from the levels above: the same for every node.
    const Unions above = unions_above(level - 1, mode.context_free, mode.relaxed);
    // Relaxed expansions bound subtrees of nodes that need not be mirror-tied: keep them whole.
    const bool mirror_tied = mirror_ && !mode.relaxed && mirror_tied_above(level);
    const int num_spatials = static_cast<int>(x.spatials->size());
    const bool split_tiles = num_spatials < mode.parts;
    // Whether nodes are first bounded without I (below), where a cost lets bounds drop them.
    const bool without_input_first = mode.drop_with_cost && level > 0;
    // The tile enumeration's cut (least_first_check), which bounds groups of tiles by the
    // first check of their nodes. (Not when tiles are shared out by their place: the cut would
    // shift the places.)
    const bool group_cut = without_input_first && !split_tiles;
    for (int si = split_tiles ? 0 : mode.part; si < num_spatials;
         si += split_tiles ? 1 : mode.parts) {
      const SpatialChoice &sp = (*x.spatials)[si];
      if (!may_meet_utilization(level, used_from_above(level) * sp.used)) continue;
      DimArray<std::int64_t> left;
      for (Dim d : kAllDims)
        left[idx(d)] = here[idx(d)] / sp.factor[idx(d)];
      choice_[level].spatial = sp; // once for all its tiles
      const double cycles = least_cycles_below(level);
      OperandArray<std::array<std::int64_t, 4>> factors{};
      for (Operand o : {Operand::W, Operand::O})
        if (above.present[idx(o)])
          factors[idx(o)] = box_spatial_factors(o, level - 1, above.parent[idx(o)]);
      int tiles_seen = 0;
      for_each_tile_below(
          level, left,
          [&](const DimArray<std::int64_t> &below, const DimArray<std::int64_t> &trips) {
            if (stop_now()) return; // a budget ran out: the caller stops too
            if (mirror_tied && mirrored(sp.factor, below)) return;
            const int tile_index = tiles_seen++;
            if (split_tiles && tile_index % mode.parts != mode.part) return;
            Node n;
            n.spatial = si;
            n.tile = tile_index;
            n.below = below;
            apply_tile_trips(level, below, trips);
            Unions u = above;
            add_boxes(u, level - 1, factors);
            // Most nodes a search drops are beaten already by the bounds without I, which need
            // no input windows: try them first. Fills of I count 0 in them. The first (each
            // operand at its own best order) is skipped where the group cut has applied it.
            if (without_input_first) {
              if (!group_cut &&
                  cut(*mode.drop_with_cost + cost_above + own_orders_bound(level - 1, u) +
                          lower_bound_below(level - 1),
                      cycles)) {
                count_pruned(1);
                return;
              }
              const double without_input =
                  cost_above + least_order_bound(level - 1, u) + lower_bound_below(level - 1);
              if (cut(*mode.drop_with_cost + without_input, cycles)) {
                count_pruned(1);
                return;
              }
            }
            add_input_words(u, level - 1);
            if (without_input_first) {
              // I's need costs more than its first-step words, and most nodes the bound with
              // I drops are beaten already with its need left at 0: try that first.
              const double without_need =
                  cost_above + least_order_bound(level - 1, u, true) + lower_bound_below(level - 1);
              if (cut(*mode.drop_with_cost + without_need, cycles)) {
                count_pruned(1);
                return;
              }
            }
            add_input_need(u, level - 1);
            n.bound = cost_above + least_order_bound(level - 1, u, without_input_first) +
                      (level > 0 ? lower_bound_below(level - 1) : macs_energy());
            if (mode.drop_with_cost && cut(*mode.drop_with_cost + n.bound, cycles)) {
              count_pruned(1);
              return;
            }
            n.input_first = u.first[idx(Operand::I)];
            n.input_fills = u.input_fills;
            n.input_reads = u.input_reads;
            x.nodes.push_back(n);
          },
          [&](const DimArray<std::int64_t> &t, int di) {
            if (!group_cut) return false;
            if (di > 0 && !first_check_grows(left, t, di - 1)) return false;
            if (!cut(*mode.drop_with_cost + cost_above +
                         least_first_check(level, left, t, di, above, factors),
                     cycles))
              return false;
            count_pruned(1);
            return true;
          });
      // Bounded memory when only the best are wanted.
      if (mode.keep_best > 0 && x.nodes.size() > 4 * mode.keep_best) keep_least(x, mode.keep_best);
    }
    if (mode.keep_best > 0 && x.nodes.size() > mode.keep_best) keep_least(x, mode.keep_best);
    sort_by_bound(x.nodes);
    return x;
  }

  // Least bound first, ties in their order. (Sorted as (bound, position) keys, then moved
  // once: sorting the nodes themselves moved each one about log n times.)
  static void sort_by_bound(std::vector<Node> &nodes) {
    if (nodes.size() < 2) return;
    std::vector<std::pair<double, std::size_t>> keys(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i)
      keys[i] = {nodes[i].bound, i};
    std::sort(keys.begin(), keys.end());
    std::vector<Node> sorted;
    sorted.reserve(nodes.size());
    for (const auto &[bound, i] : keys)
      sorted.push_back(nodes[i]);
    nodes = std::move(sorted);
  }

  // Keeps the nodes whose bound is among the `keep` least (ties included), in their order.
  static void keep_least(Expansion &x, std::size_t keep) {
    std::vector<double> bounds(x.nodes.size());
    for (std::size_t i = 0; i < x.nodes.size(); ++i)
      bounds[i] = x.nodes[i].bound;
    std::nth_element(bounds.begin(), bounds.begin() + static_cast<std::ptrdiff_t>(keep - 1),
                     bounds.end());
    const double last = bounds[keep - 1];
    const std::size_t before = x.nodes.size();
    std::erase_if(x.nodes, [&](const Node &n) { return n.bound > last; });
    x.truncated = x.truncated || x.nodes.size() < before;
  }

  // Mirror symmetry (mirror_symmetric): of a mapping and its mirror image, the search keeps
  // the one whose rows (P, R) have the larger factors, compared at the outermost level where
  // the two differ: (spatial P, tile P, spatial R, tile R) against the same of Q and S,
  // lexicographically. Mappings that tie at every level are all kept. The two images have
  // the same cost, so an optimum survives; the choice depends only on the mapping, so the
  // result is still the same for any number of threads.

  // Whether every level above `level` ties (so the comparison falls to this level).
  bool mirror_tied_above(int level) const {
    for (int l = level + 1; l < L_; ++l) {
      const DimArray<std::int64_t> &f = choice_[l].spatial.factor, &t = tile(l - 1);
      if (f[idx(Dim::P)] != f[idx(Dim::Q)] || f[idx(Dim::R)] != f[idx(Dim::S)] ||
          t[idx(Dim::P)] != t[idx(Dim::Q)] || t[idx(Dim::R)] != t[idx(Dim::S)])
        return false;
    }
    return true;
  }

  // Whether a node with these spatial factors and tile below is the mirror image that is
  // left out (its rows compare smaller than its columns).
  static bool mirrored(const DimArray<std::int64_t> &factor, const DimArray<std::int64_t> &below) {
    const std::array<std::int64_t, 4> rows = {factor[idx(Dim::P)], below[idx(Dim::P)],
                                              factor[idx(Dim::R)], below[idx(Dim::R)]};
    const std::array<std::int64_t, 4> columns = {factor[idx(Dim::Q)], below[idx(Dim::Q)],
                                                 factor[idx(Dim::S)], below[idx(Dim::S)]};
    return rows < columns;
  }

  // Subtrees cut, counted here and added to the shared count in batches (and when the
  // searcher ends), so that threads do not contend for it.
  void count_pruned(std::int64_t n) {
    pruned_ += n;
    if (pruned_ >= 4096) flush_pruned();
  }
  void flush_pruned() {
    shared_.pruned.fetch_add(pruned_, std::memory_order_relaxed);
    pruned_ = 0;
  }
  ~Searcher() { flush_pruned(); }
  Searcher(const Searcher &) = delete;
  Searcher &operator=(const Searcher &) = delete;

  // Whether a subtree whose energy is at least `bound` cannot beat the incumbent on the
  // primary objective (ties are not cut).
  bool cut(double bound) const { return beaten(primary_bound_, shared_, bound); }
  // The same for the subtree below a node whose spatial choices at `level` and above are
  // set: its cycles are bounded by the PEs those choices leave usable (least_cycles_below).
  bool cut(double bound, double least_cycles) const {
    return beaten(primary_bound_, shared_, bound, least_cycles);
  }

  // The least cycles of a mapping below a node whose spatial choices at `level` and above
  // are set: its spatial loops use at most the PEs of those choices times every fanout
  // below. (The global least when no objective needs cycles: it is not read then.)
  double least_cycles_below(int level) const {
    if (!primary_bound_.needs_cycles()) return primary_bound_.least_cycles;
    return primary_bound_.least_cycles_on(
        static_cast<double>(used_from_above(level - 1) * fanout_below_[level]));
  }

  // A loop-order class of a node, with the exact cost of the pairs it fixes and its bound.
  struct Priced {
    const std::vector<Dim> *order;
    double cost, bound;
  };

  // Every loop-order class of the node applied at `level`, priced exactly, best first.
  std::vector<Priced> price_orders(int level, double cost_above) {
    LevelChoice &c = choice_[level];
    std::vector<Priced> priced;
    for (const std::vector<Dim> &order : orders(level, order_mask(c.temporal))) {
      c.order = order;
      const double cost = pairs_cost(level - 1);
      priced.push_back({&order, cost, cost_above + cost + bound_below(level)});
    }
    std::stable_sort(priced.begin(), priced.end(),
                     [](const Priced &p, const Priced &q) { return p.bound < q.bound; });
    return priced;
  }

  // A loop-order class of a node with a lower bound on everything below the node's level.
  struct Bounded {
    const std::vector<Dim> *order;
    double bound;
  };

  // The loop-order classes of the node applied at `level` that may still win, least bound
  // first. Each is bounded in steps, each only if the one before does not cut it: the order
  // bound (refresh_bound), exact for W and O updates; then the same with I's fills counted
  // exactly, since I's term misses the new rows that window loops bring; then with I's reads
  // counted exactly too. W and O are priced exactly only for the orders searched
  // (search_orders). The order bound depends on a class only through each operand's refresh
  // prefix (OrderShapes), so each operand's term is computed once per distinct prefix, and
  // the bound once per group of classes with the same prefixes.
  // `above`: unions_above(level - 1, false, false), the same for every node of the level
  // under the choices above it (computed once for them all by the caller).
  std::vector<Bounded> bound_orders(int level, const Node &n, double cost_above,
                                    const Unions &above) {
    LevelChoice &c = choice_[level];
    const int child = level - 1;
    const Unions u = node_unions(above, child, n);
    const double cycles = least_cycles_below(level);
    const OrderShapes &shapes = order_shapes(level, order_mask(c.temporal));
    // A pair's energy with its floor below.
    const auto term = [&](Operand o, const PairCounts &counts) {
      return pair_energy(counts, o, child, u.parent[idx(o)]) +
             (child >= 0 ? fill_floor(child, o, counts.child_fills) : 0);
    };
    // Per operand and distinct prefix: its term of the order bound; for I also its reads.
    OperandArray<std::vector<double>> &terms = shape_terms_;
    std::vector<std::int64_t> &input_reads = shape_input_reads_;
    input_reads.assign(shapes.prefix_dims[idx(Operand::I)].size(), 0);
    for (Operand o : kAllOperands) {
      terms[idx(o)].assign(shapes.prefix_dims[idx(o)].size(), 0.0);
      if (!u.present[idx(o)]) continue;
      for (std::size_t j = 0; j < terms[idx(o)].size(); ++j) {
        const PairCounts counts =
            refresh_counts(o, child, u, prefix_product(shapes.prefix_dims[idx(o)][j], c.temporal));
        terms[idx(o)][j] = term(o, counts);
        if (o == Operand::I) input_reads[j] = counts.parent_reads;
      }
    }
    const double order_free = child >= 0 ? order_free_below(child) : macs_energy();
    // I's spec is the same for every class but for this level's temporal loops, its last ones
    // (spec lists the levels outside in). It is built once, while the level has no order yet
    // (apply_tile_trips), so with the levels above alone; each class appends its loops. Its
    // counter keeps what the tile and the spatial loops fix (the windows' unions) meanwhile.
    // (Built in place: assigned, its 3 KB were copied, 1.4% of CONV2's instructions.)
    const bool input_present = u.present[idx(Operand::I)];
    PairSpec input_spec =
        input_present ? spec(Operand::I, child, u.parent[idx(Operand::I)]) : PairSpec{};
    const int above_level = input_spec.temporal.size; // its loops of the levels above
    if (input_present) input_counter_.start(input_spec);
    std::vector<Bounded> bounded;
    for (const std::vector<std::uint32_t> &group : shapes.groups) {
      const OperandArray<std::uint8_t> &j = shapes.of_class[group.front()];
      OperandArray<double> e;
      for (Operand o : kAllOperands)
        e[idx(o)] = terms[idx(o)][j[idx(o)]];
      const double order_bound = cost_above + (e[0] + e[1] + e[2]) + order_free;
      if (cut(order_bound, cycles)) {
        count_pruned(static_cast<std::int64_t>(group.size()));
        continue;
      }
      for (const std::uint32_t k : group) {
        const std::vector<Dim> &order = (*shapes.orders)[k];
        double bound = order_bound;
        if (u.present[idx(Operand::I)]) {
          input_spec.temporal.size = above_level;
          push_temporal(input_spec, level, order);
          // First the exact fills with the reads of the order bound: most classes are cut
          // there, before the reads are counted (a query of its own, the siblings' windows
          // united). Each is a lower bound on its exact count, and the energy grows with both.
          // Then the reads exact too: the counts PairCounter::counts() would give.
          const std::int64_t fills = input_counter_.fills();
          PairCounts input; // I's counts, exact step by step
          input.child_fills = child >= 0 ? fills : 0;
          input.fanout_words = fills;
          input.parent_reads = input_reads[j[idx(Operand::I)]];
          e[idx(Operand::I)] = term(Operand::I, input);
          if (cut(cost_above + (e[0] + e[1] + e[2]) + order_free, cycles)) {
            count_pruned(1);
            continue;
          }
          input.parent_reads = input_counter_.reads(); // now exact, as the fills
          e[idx(Operand::I)] = term(Operand::I, input);
          bound = cost_above + (e[0] + e[1] + e[2]) + order_free;
          if (cut(bound, cycles)) {
            count_pruned(1);
            continue;
          }
        }
        bounded.push_back({&order, bound});
      }
    }
    // Least bound first, ties in class order (`order` points into the list of classes).
    std::sort(bounded.begin(), bounded.end(), [](const Bounded &p, const Bounded &q) {
      return p.bound != q.bound ? p.bound < q.bound : std::less<>()(p.order, q.order);
    });
    return bounded;
  }

  // The loop-order classes of a level with a given set of dimensions (those with trips > 1),
  // as the order bound (refresh_bound) sees them: for each operand, the dimensions from the
  // outermost loop down to its innermost refreshing loop (every loop for the MAC units), whose
  // trips multiply to its refresh prefix. Per operand the distinct sets are listed once; each
  // class points at its own. Memoized per (level, dimensions).
  struct OrderShapes {
    const std::vector<std::vector<Dim>> *orders = nullptr;
    OperandArray<std::vector<std::uint32_t>> prefix_dims; // dimension masks; 0: no such loop
    std::vector<OperandArray<std::uint8_t>> of_class;     // per class, an index per operand
    // The classes with the same index for every operand (so the same order bound), in class
    // order within each group.
    std::vector<std::vector<std::uint32_t>> groups;
    // Class k's set of dimensions for operand o.
    std::uint32_t dims(std::size_t k, Operand o) const {
      return prefix_dims[idx(o)][of_class[k][idx(o)]];
    }
    // The classes whose sets include no other class's sets for every operand (of classes
    // with equal sets, the first): whatever the trips, every other class's prefixes are at
    // least one of these classes', so the least order bound is at one of them. Listed per
    // operand as the distinct sets among them (indices into prefix_dims), each priced once,
    // and per class, its index into those.
    OperandArray<std::vector<std::uint8_t>> least_sets;
    std::vector<OperandArray<std::uint8_t>> least_of;
  };

  // The index of `value` in `list`, appended first if missing.
  template <typename T> static std::uint8_t listed_at(std::vector<T> &list, T value) {
    const auto at = std::find(list.begin(), list.end(), value) - list.begin();
    if (at == std::ssize(list)) list.push_back(value);
    return static_cast<std::uint8_t>(at);
  }

  const OrderShapes &order_shapes(int level, std::uint32_t mask) {
    std::unique_ptr<OrderShapes> &memo = order_shapes_[level * (1u << kNumDims) + mask];
    if (memo) return *memo;
    memo = std::make_unique<OrderShapes>();
    OrderShapes &shapes = *memo;
    shapes.orders = &orders(level, mask);
    for (const std::vector<Dim> &order : *shapes.orders) {
      OperandArray<std::uint32_t> dims{};
      std::uint32_t outer = 0;
      for (Dim d : order) {
        outer |= 1u << idx(d);
        for (Operand o : kAllOperands)
          if (level == 0 || refreshes_tile(o, d)) dims[idx(o)] = outer;
      }
      OperandArray<std::uint8_t> index{};
      for (Operand o : kAllOperands)
        index[idx(o)] = listed_at(shapes.prefix_dims[idx(o)], dims[idx(o)]);
      shapes.of_class.push_back(index);
    }
    std::map<OperandArray<std::uint8_t>, std::size_t> group_of;
    for (std::size_t k = 0; k < shapes.of_class.size(); ++k) {
      const auto [it, added] = group_of.try_emplace(shapes.of_class[k], shapes.groups.size());
      if (added) shapes.groups.emplace_back();
      shapes.groups[it->second].push_back(static_cast<std::uint32_t>(k));
    }
    const auto beaten_by = [&](std::size_t k, std::size_t other) { // other's sets within k's
      bool equal = true;
      for (Operand o : kAllOperands) {
        if (shapes.dims(other, o) & ~shapes.dims(k, o)) return false;
        equal = equal && shapes.dims(other, o) == shapes.dims(k, o);
      }
      return !equal || other < k;
    };
    for (std::size_t k = 0; k < shapes.of_class.size(); ++k) {
      bool least = true;
      for (std::size_t other = 0; other < shapes.of_class.size() && least; ++other)
        least = other == k || !beaten_by(k, other);
      if (!least) continue;
      OperandArray<std::uint8_t> of{};
      for (Operand o : kAllOperands)
        of[idx(o)] = listed_at(shapes.least_sets[idx(o)], shapes.of_class[k][idx(o)]);
      shapes.least_of.push_back(of);
    }
    return shapes;
  }

  // The refresh prefix of a set of dimensions (OrderShapes): their trips' product, 0 for none.
  static std::int64_t prefix_product(std::uint32_t dims, const DimArray<std::int64_t> &trips) {
    if (dims == 0) return 0;
    std::int64_t product = 1;
    for (int d = 0; d < kNumDims; ++d)
      if (dims >> d & 1) product *= trips[d];
    return product;
  }

  // The dimensions of a level's loop orders: those with temporal trips > 1.
  static std::uint32_t order_mask(const DimArray<std::int64_t> &temporal) {
    std::uint32_t mask = 0;
    for (Dim d : kAllDims)
      if (temporal[idx(d)] > 1) mask |= 1u << idx(d);
    return mask;
  }

  // What every pair below `level` costs at least, the MACs included (for level 0, the MACs).
  double bound_below(int level) const {
    return level > 0 ? lower_bound_below(level - 1) : macs_energy();
  }

  // Apply a node and one of its orders at `level`, with its exact counts.
  void enter(int level, const Expansion &x, const Node &n, const std::vector<Dim> &order) {
    apply(level, x, n);
    choice_[level].order = order;
    pairs_cost(level - 1);
    entered_above_.reset(); // the levels above search_node's changed
  }

  // Search below a node of an expansion at `level` (the levels above are applied, the
  // level above last by enter()).
  void search_node(int level, const Expansion &x, const Node &n, double cost_above) {
    apply(level, x, n);
    if (!entered_above_) entered_above_ = unions_above(level - 1, false, false);
    search_orders(level, n, cost_above, *entered_above_);
  }

  // Search below every loop-order class of a node whose choice is applied at `level` that
  // may still win, least bound first, each priced exactly when its turn comes.
  // (`above` as for bound_orders.)
  void search_orders(int level, const Node &n, double cost_above, const Unions &above) {
    LevelChoice &c = choice_[level];
    const double cycles = least_cycles_below(level);
    for (const Bounded &b : bound_orders(level, n, cost_above, above)) {
      if (stop_now()) return;
      if (cut(b.bound, cycles)) {
        count_pruned(1);
        continue;
      }
      c.order = *b.order;
      const double cost = pairs_cost(level - 1); // also the leaving words the levels below read
      if (cut(cost_above + cost + bound_below(level), cycles)) {
        count_pruned(1);
        continue;
      }
      if (level == 0)
        leaf(cost_above + cost);
      else
        dfs(level - 1, cost_above + cost);
    }
  }

  // Depth-first search below a level whose choices above are set.
  void dfs(int level, double cost_above) {
    if (shared_.stopped.load(std::memory_order_relaxed)) return;
    ExpandMode mode;
    mode.drop_with_cost = 0.0; // the bounds include cost_above
    const Expansion x = expand(level, cost_above, mode);
    // What the nodes' orders need from the levels above: the same for them all, computed at
    // the first node searched (most expansions here are cut whole).
    std::optional<Unions> above;
    for (const Node &n : x.nodes) {
      if (stop_now()) return;
      if (cut(n.bound)) {
        // Nodes are sorted by bound: every later one is cut too.
        count_pruned(static_cast<std::int64_t>(x.nodes.data() + x.nodes.size() - &n));
        return;
      }
      apply(level, x, n);
      if (!above) above = unions_above(level - 1, false, false);
      search_orders(level, n, cost_above, *above);
    }
  }

  // A lower bound on everything below the top level, for each of its nodes, from one
  // expansion. Merging each dimension's loops at the top level and the level below into one
  // loop, placed where the inner one was, leaves every operand's trips up to its innermost
  // refreshing loop no larger (a dimension split around that loop was counted once and is
  // now not counted). So the expansion of the whole problem at the level below the top,
  // with the top level empty and first touches of O not credited (cap unbounded), bounds
  // the subtree of every top node through the best of its nodes that fits inside it.
  // It needs a top level without a fanout (its spatial loops would change the pairs below).
  bool relaxation_applies() const { return L_ >= 2 && a_.levels[L_ - 1].fanout.size() == 1; }

  // A share (see expand) of the relaxed expansion that relaxed_inner_bounds needs.
  Expansion relaxed_expansion(int part, int parts) {
    choice_[L_ - 1] = LevelChoice{};
    choice_[L_ - 1].spatial.factor.fill(1);
    tile(L_ - 2) = p_.size;
    ExpandMode mode;
    mode.context_free = mode.relaxed = true;
    // Nodes the incumbent beats cannot give a top node a bound it could use.
    mode.drop_with_cost = 0.0;
    mode.part = part;
    mode.parts = parts;
    mode.keep_best = kRelaxedScan; // relaxed_inner_bounds reads no further
    return expand(L_ - 2, 0.0, mode);
  }

  // The whole expansion from its shares, in the order expand() gives it in one piece: by
  // bound, then in enumeration order (spatial choice first, then tile), which is each
  // share's own order.
  static Expansion merge_parts(std::vector<Expansion> &shares) {
    Expansion x;
    if (shares.empty()) return x;
    x.spatials = std::move(shares[0].spatials);
    for (const Expansion &e : shares)
      x.truncated = x.truncated || e.truncated;
    // Each share is sorted by bound, its nodes in enumeration order (spatial choice, then
    // tile) among equal bounds (expand makes them so): merging the shares in turn by
    // (bound, spatial, tile) gives the order of one expand().
    const auto before = [](const Node &p, const Node &q) {
      if (p.bound != q.bound) return p.bound < q.bound;
      return p.spatial != q.spatial ? p.spatial < q.spatial : p.tile < q.tile;
    };
    std::size_t total = 0;
    for (const Expansion &e : shares)
      total += e.nodes.size();
    x.nodes.reserve(total);
    for (Expansion &e : shares) {
      const std::size_t middle = x.nodes.size();
      x.nodes.insert(x.nodes.end(), e.nodes.begin(), e.nodes.end());
      std::inplace_merge(x.nodes.begin(), x.nodes.begin() + static_cast<std::ptrdiff_t>(middle),
                         x.nodes.end(), before);
    }
    return x;
  }

  std::vector<double> relaxed_inner_bounds(const Expansion &top, const Expansion &inner,
                                           int threads) {
    std::vector<double> out(top.nodes.size(), 0.0);
    if (!relaxation_applies()) return out;
    // An expansion cut short by a budget is not the complete list the bound needs.
    if (shared_.stopped.load()) return std::vector<double>(top.nodes.size(), 0.0);
    // Every relaxed node was beaten by the incumbent (they are left out): so is every top node.
    if (inner.nodes.empty()) return std::vector<double>(top.nodes.size(), kInf);
    // Nodes are sorted by bound, so the first that fits a top node's tile gives its bound;
    // a scan that stops after kRelaxedScan nodes may use the last node's bound (any node that
    // fits later is no better), and only when none was left out can it conclude that nothing
    // fits.
    const std::size_t scan = std::min(kRelaxedScan, inner.nodes.size());
    // What each scanned node takes of every dimension (its spatial loops and tile) divides
    // the dimension's extent, and so does a top node's tile: "take divides tile" is a table
    // lookup, with each take numbered among the extent's divisors (at most 64 of them, else
    // the remainder decides) and each tile given the set of divisors that divide it.
    std::array<const std::vector<std::int64_t> *, kNumDims> divs;
    bool by_table = true;
    for (Dim d : kAllDims) {
      divs[idx(d)] = &divisors_of(p_.extent(d));
      by_table = by_table && divs[idx(d)]->size() <= 64;
    }
    // Whether a node fits depends only on its takes, which many nodes share: only the first
    // node of each distinct takes is scanned (`firsts`).
    std::vector<std::array<std::uint8_t, kNumDims>> take_index;
    std::vector<DimArray<std::int64_t>> takes;
    std::vector<std::size_t> firsts;
    std::set<DimArray<std::int64_t>> seen;
    for (std::size_t k = 0; k < scan; ++k) {
      DimArray<std::int64_t> take;
      for (Dim d : kAllDims)
        take[idx(d)] =
            (*inner.spatials)[inner.nodes[k].spatial].factor[idx(d)] * inner.nodes[k].below[idx(d)];
      if (!seen.insert(take).second) continue;
      firsts.push_back(k);
      if (!by_table) {
        takes.push_back(take);
        continue;
      }
      std::array<std::uint8_t, kNumDims> index;
      for (Dim d : kAllDims) {
        const std::vector<std::int64_t> &dv = *divs[idx(d)];
        index[idx(d)] = static_cast<std::uint8_t>(
            std::lower_bound(dv.begin(), dv.end(), take[idx(d)]) - dv.begin());
      }
      take_index.push_back(index);
    }
    const auto fits_in = [&](std::size_t f, const DimArray<std::int64_t> &t,
                             const DimArray<std::uint64_t> &dividing) {
      for (Dim d : kAllDims)
        if (by_table ? !(dividing[idx(d)] >> take_index[f][idx(d)] & 1)
                     : t[idx(d)] % takes[f][idx(d)] != 0)
          return false;
      return true;
    };
    // The top nodes shared out among the threads (each scan is independent).
    on_threads(threads, shared_.stopped, [&](int part) {
      for (std::size_t i = static_cast<std::size_t>(part); i < top.nodes.size();
           i += static_cast<std::size_t>(threads)) {
        if (shared_.stopped.load(std::memory_order_relaxed)) return;
        const DimArray<std::int64_t> &t = top.nodes[i].below;
        DimArray<std::uint64_t> dividing{};
        if (by_table)
          for (Dim d : kAllDims)
            for (std::size_t j = 0; j < divs[idx(d)]->size(); ++j)
              if (t[idx(d)] % (*divs[idx(d)])[j] == 0) dividing[idx(d)] |= 1ull << j;
        std::size_t f = 0;
        while (f < firsts.size() && !fits_in(f, t, dividing))
          ++f;
        // Nothing fits among all the nodes: nothing below this top node fits.
        out[i] = f < firsts.size()                                ? inner.nodes[firsts[f]].bound
                 : scan == inner.nodes.size() && !inner.truncated ? kInf
                                                                  : inner.nodes[scan - 1].bound;
      }
    });
    if (shared_.stopped.load()) return std::vector<double>(top.nodes.size(), 0.0);
    return out;
  }

  // Offers a complete mapping (in the mapspace and meeting the constraints) as the incumbent.
  void offer(const Mapping &m) {
    const std::vector<double> values =
        energy_only_
            ? std::vector<double>{pairs_energy(m)}
            : objective_values(price(p_, a_, m, analytical_counts(p_, a_, m)), opt_.objectives);
    if (values[0] > opt_.upper_bound * (1 + 4 * kSlack)) return; // worse than a seeded bound
    record(values, m);
  }

  // Makes (values, m) the incumbent if it beats it (ties broken by the mappings' keys).
  void record(const std::vector<double> &values, const Mapping &m) {
    const std::string key = mapping_key(m);
    std::lock_guard<std::mutex> lock(shared_.mu);
    if (!shared_.have_best || better(values, key, shared_.best_values, shared_.best_key)) {
      shared_.have_best = true;
      shared_.best_values = values;
      shared_.best_key = key;
      shared_.best_mapping = m;
      if (values.size() > 1) shared_.best_secondary.store(values[1]); // before best_primary
      // Never above a seeded upper bound (ExploreOptions::upper_bound).
      shared_.best_primary.store(std::min(shared_.best_primary.load(), values[0]));
    }
  }

  // The energy of a mapping summed pair by pair in the search's own order, so that a
  // mapping offered from outside compares equal to the same mapping found by the search.
  double pairs_energy(const Mapping &m) {
    for (int l = L_ - 1; l >= 0; --l) {
      LevelChoice &c = choice_[l];
      c = LevelChoice{};
      c.spatial.factor.fill(1);
      for (const Loop &x : m.levels[l].spatial) {
        c.spatial.loops.push_back(x);
        c.spatial.factor[idx(x.dim)] *= x.trip;
        c.spatial.used *= x.trip;
      }
      c.temporal.fill(1);
      for (const Loop &x : m.levels[l].temporal) {
        c.temporal[idx(x.dim)] = x.trip;
        if (x.trip > 1) c.order.push_back(x.dim); // as the search's own orders
      }
    }
    tile(L_ - 1) = p_.size;
    double e = 0;
    for (int l = L_ - 1; l >= 0; --l) {
      for (Dim d : kAllDims)
        tile(l - 1)[idx(d)] =
            tile(l)[idx(d)] / choice_[l].spatial.factor[idx(d)] / choice_[l].temporal[idx(d)];
      e += pairs_cost(l - 1);
    }
    return e + macs_energy();
  }

  // A lower bound on every mapping of the mapspace, from nothing chosen.
  double whole_lower_bound() {
    known_fills_ = {};
    return lower_bound_below(L_ - 1);
  }

  // With a single level, an entered top node is a complete mapping.
  void search_orders_leaf(double cost) { leaf(cost); }

  bool stop_now() {
    if (shared_.stopped.load(std::memory_order_relaxed)) return true;
    if ((opt_.stop && opt_.stop->load()) ||
        (opt_.eval_budget > 0 && shared_.evaluated.load() >= opt_.eval_budget) ||
        (opt_.time_budget_s > 0 && ++checks_ % 256 == 0 &&
         std::chrono::duration<double>(Clock::now() - start_).count() > opt_.time_budget_s)) {
      shared_.stopped = true;
      return true;
    }
    return false;
  }

  Mapping build_mapping() const {
    Mapping m;
    m.levels.resize(L_);
    for (int l = 0; l < L_; ++l) {
      const LevelChoice &c = choice_[l];
      for (Dim d : c.order)
        m.levels[l].temporal.push_back({d, c.temporal[idx(d)]});
      m.levels[l].spatial = c.spatial.loops;
    }
    return m;
  }

  double macs_energy() const { return static_cast<double>(p_.macs()) * a_.mac_pj; }

  // Complete mappings below tile(level), counting order classes: the sum over the level's
  // spatial choices of the mappings below what each leaves (count_left). Memoized per
  // (level, tile, PEs used above).
  double count(int level, std::int64_t used_above) {
    const CountKey key = count_key(level, used_above, tile(level));
    const auto it = count_memo_.find(key);
    if (it != count_memo_.end()) return it->second;
    const DimArray<std::int64_t> here = tile(level);
    double total = 0;
    for (const SpatialChoice &sp : spatial_options(level, /*every_placement=*/true)) {
      const std::int64_t used = used_above * sp.used;
      if (!may_meet_utilization(level, used)) continue;
      DimArray<std::int64_t> left;
      for (Dim d : kAllDims)
        left[idx(d)] = here[idx(d)] / sp.factor[idx(d)];
      total += count_left(level, used, left);
    }
    count_memo_.emplace(key, total);
    return total;
  }

  // Complete mappings below a level whose spatial loops leave `left` to its temporal loops
  // and the levels below: each tile below that fits, times the level's order classes, times
  // the mappings below it. Memoized per (level, left, PEs used): the placements of one factor
  // vector, and spatial choices under other tiles, often leave the same.
  double count_left(int level, std::int64_t used, const DimArray<std::int64_t> &left) {
    const CountKey key = count_key(level, used, left);
    const auto it = count_left_memo_.find(key);
    if (it != count_left_memo_.end()) return it->second;
    double total = 0;
    for_each_tile_below(
        level, left, [&](const DimArray<std::int64_t> &below, const DimArray<std::int64_t> &trips) {
          const double n_orders = static_cast<double>(orders(level, order_mask(trips)).size());
          if (level == 0) {
            total += n_orders;
            return;
          }
          const DimArray<std::int64_t> saved = tile(level - 1);
          tile(level - 1) = below;
          total += n_orders * count(level - 1, used);
          tile(level - 1) = saved;
        });
    count_left_memo_.emplace(key, total);
    return total;
  }

  // The memos' key: the level, the PEs used (only a minimum utilization reads them) and a tile.
  using CountKey = std::array<std::int64_t, kNumDims + 2>;
  CountKey count_key(int level, std::int64_t used, const DimArray<std::int64_t> &tile) const {
    CountKey key{};
    key[0] = level;
    key[1] = opt_.constraints.min_utilization > 0 ? used : 0;
    for (Dim d : kAllDims)
      key[2 + idx(d)] = tile[idx(d)];
    return key;
  }

private:
  static const std::vector<Dim> *lookup(const std::map<std::string, std::vector<Dim>> &m,
                                        const std::string &name) {
    const auto it = m.find(name);
    return it == m.end() ? nullptr : &it->second;
  }

  std::int64_t used_from_above(int level) const {
    std::int64_t u = 1;
    for (int l = level + 1; l < L_; ++l)
      u *= choice_[l].spatial.used;
    return u;
  }

  // Per-instance footprint of a tile at `level`, in the level's unit.
  bool fits(int level, const DimArray<std::int64_t> &t) const {
    const Level &lv = a_.levels[level];
    if (!lv.bounded()) return true;
    std::int64_t used = 0;
    for (Operand o : kAllOperands) {
      if (!lv.keeps[idx(o)]) continue;
      const std::int64_t words = nonempty_tile_words(p_, o, t); // divisors: >= 1
      used += lv.capacity_bytes ? ceil_div(words * p_.bits[idx(o)], 8) : words;
    }
    if (lv.double_buffered) used *= 2;
    return used <= (lv.capacity_bytes ? *lv.capacity_bytes : *lv.capacity_words);
  }

  // Calls visit(below, trips) for every tile of the level below `level` that fits it (given
  // `left`, what the level's spatial loops leave), with the level's temporal trips. The
  // dimensions are chosen one by one, in kTileDims order; before the choices of dimensions
  // kTileDims[di] onward, cut_rest(t, di) may skip every tile whose extents of the first di
  // are t's (t has the rest at 1).
  template <typename F, typename C>
  void for_each_tile_below(int level, const DimArray<std::int64_t> &left, F &&visit, C &&cut_rest) {
    DimArray<std::int64_t> t;
    t.fill(1);
    if (level == 0) {
      visit(t, left);
      return;
    }
    // Footprints grow with every extent: if the unit tile does not fit, nothing does.
    if (!fits(level - 1, t)) return;
    const auto fixed = opt_.constraints.temporal_factor.find(a_.levels[level].name);
    std::array<const std::vector<std::int64_t> *, kNumDims> divs; // looked up once, not per tile
    for (Dim d : kAllDims)
      divs[idx(d)] = &divisors_of(left[idx(d)]);
    DimArray<std::int64_t> trips = left;
    tile_rec(level, 0, left, divs, t, trips,
             fixed == opt_.constraints.temporal_factor.end() ? nullptr : &fixed->second, visit,
             cut_rest);
  }
  template <typename F>
  void for_each_tile_below(int level, const DimArray<std::int64_t> &left, F &&visit) {
    for_each_tile_below(level, left, visit,
                        [](const DimArray<std::int64_t> &, int) { return false; });
  }

  // The order in which tiles choose their dimensions: those O does not use first, since they
  // alone raise the O term of least_first_check, whose cuts then come before the rest fans out.
  static constexpr std::array<Dim, kNumDims> kTileDims = {Dim::C, Dim::R, Dim::S, Dim::N,
                                                          Dim::K, Dim::P, Dim::Q, Dim::G};

  template <typename F, typename C>
  void tile_rec(int level, int di, const DimArray<std::int64_t> &left,
                const std::array<const std::vector<std::int64_t> *, kNumDims> &divs,
                DimArray<std::int64_t> &t, DimArray<std::int64_t> &trips,
                const std::map<Dim, std::int64_t> *fixed, F &&visit, C &&cut_rest) {
    if (shared_.stopped.load(std::memory_order_relaxed)) return;
    if (di == kNumDims) {
      visit(t, trips);
      return;
    }
    if (cut_rest(t, di)) return;
    const Dim d = kTileDims[di];
    std::optional<std::int64_t> want;
    if (fixed) {
      const auto it = fixed->find(d);
      if (it != fixed->end()) want = it->second;
    }
    // The divisors ascending: left / divisor i is divisor n-1-i, with no division.
    const std::vector<std::int64_t> &dv = *divs[idx(d)];
    const std::size_t n = dv.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t f = dv[i], trip = dv[n - 1 - i];
      if (want && trip != *want) continue;
      t[idx(d)] = f;
      trips[idx(d)] = trip;
      // Footprints grow with every extent: if this one does not fit, larger ones won't. (A
      // factor of 1 leaves the tile as the caller checked it.)
      if (f > 1 && !fits(level - 1, t)) break;
      tile_rec(level, di + 1, left, divs, t, trips, fixed, visit, cut_rest);
    }
    t[idx(d)] = 1;
    trips[idx(d)] = left[idx(d)];
  }

  // divisors(n), memoized: the tile enumeration asks for the same few extents again and again.
  const std::vector<std::int64_t> &divisors_of(std::int64_t n) {
    auto it = divisors_memo_.find(n);
    if (it == divisors_memo_.end()) it = divisors_memo_.emplace(n, divisors(n)).first;
    return it->second;
  }

  const std::vector<std::vector<Dim>> &orders(int level, std::uint32_t mask) {
    const auto it = opt_.constraints.loop_order.find(a_.levels[level].name);
    if (it == opt_.constraints.loop_order.end()) return order_classes(mask);
    auto &cached = constrained_orders_[{level, mask}];
    if (cached.empty()) cached = order_classes(mask, it->second);
    return cached;
  }

  // The most O words that can leave a level over the run, whatever the orders: every
  // instance refreshes its whole tile at every step.
  std::int64_t most_leaving(int level) const {
    const DimArray<std::int64_t> &t = tiles_[level + 1];
    // O's tile is a box of the dimensions it uses; the placements are the product of
    // extent / tile over every dimension, which one division gives (tiles divide extents).
    std::int64_t tile_all = 1, words = 1;
    for (Dim d : kAllDims) {
      tile_all *= t[idx(d)];
      if (relevant(Operand::O, d)) words *= t[idx(d)];
    }
    return words * (problem_points_ / tile_all);
  }

  // The energy per word of each count of a pair (o, child, parent), the operand's width
  // included. Bounds price millions of pairs: these are set once per search.
  struct PairPrices {
    double read = 0, update = 0, fanout = 0, fill = 0;
  };

  PairPrices pair_prices(Operand o, int child, int parent) const {
    const double width = p_.bits[idx(o)] / 16.0;
    PairPrices pp;
    for (int l = child + 1; l <= parent; ++l)
      pp.fanout += a_.levels[l].fanout.hop_pj * width;
    pp.read = a_.levels[parent].read_pj * width;
    pp.update = a_.levels[parent].write_pj * width;
    pp.fill = child >= 0 ? a_.levels[child].write_pj * width : 0.0;
    return pp;
  }

  // Energy of one pair's counts.
  double pair_energy(const PairCounts &c, Operand o, int child, int parent) const {
    const PairPrices &pp = prices_[child + 1][parent][idx(o)];
    return static_cast<double>(c.parent_reads) * pp.read +
           static_cast<double>(c.parent_updates) * pp.update +
           static_cast<double>(c.fanout_words) * pp.fanout +
           static_cast<double>(c.child_fills) * pp.fill;
  }

  // The exact cost of every pair whose child is `child` (its loops are all fixed now).
  double pairs_cost(int child) {
    double e = 0;
    for (Operand o : kAllOperands) {
      if (!child_keeps(child, o)) continue;
      const int parent = parent_of(o, child);
      const PairCounts c = pair_counts(p_, spec(o, child, parent));
      if (child >= 0) {
        leaving_[child + 1][idx(o)] = c.fanout_words - c.child_fills;
        known_fills_[idx(o)] = c.child_fills;
      }
      e += pair_energy(c, o, child, parent);
    }
    return e;
  }

  // Whether a pair's child keeps the operand (the MAC units, child -1, take every operand).
  bool child_keeps(int child, Operand o) const {
    return child < 0 || a_.levels[child].keeps[idx(o)];
  }

  int parent_of(Operand o, int child) const {
    int parent = child + 1;
    while (!a_.levels[parent].keeps[idx(o)])
      ++parent;
    return parent;
  }

  // What bounding the orders of level child+1 needs about each pair whose child is `child`:
  // its first-step words (pair_first_step_words) and the cap on first touches of O (the
  // parent's residency-words: exact for the orders chosen above, or with context_free the
  // most any orders allow).
  struct Unions {
    OperandArray<bool> present{};
    OperandArray<int> parent{};
    OperandArray<std::array<std::int64_t, 4>> first{};
    OperandArray<std::int64_t> cap{};
    // Over the levels above child+1 (whose order is what varies): the product of all
    // their trips, and of those up to the innermost loop refreshing each operand's tile.
    OperandArray<std::int64_t> outer_all{}, outer_refresh{};
    // Input words the children must receive and the parent must read whatever the orders
    // (input_need); 0 when the child does not keep I or is the MAC units.
    std::int64_t input_fills = 0, input_reads = 0;
  };

  // The values of one dimension a unit (a child instance, or a group of them) sees over the
  // run: a contiguous run of `block` values, repeated `blocks` times at spacings of at least
  // `gap` (values of other units lie between the runs).
  struct ValueRuns {
    std::int64_t block = 1, blocks = 1, gap = 0;
  };

  // The runs of dimension d for a unit of `child` that includes the spatial loops of level
  // child+1 on multicast fanouts when `fold_multicast`: walking the loops of d outward from
  // the unit, temporal loops extend the run until a spatial loop outside the unit
  // interleaves other units' values; from then on they repeat it.
  ValueRuns value_runs(Dim d, int child, bool fold_multicast) const {
    ValueRuns v;
    v.block = tile(child)[idx(d)];
    for (int l = child + 1; l < L_; ++l) {
      const LevelChoice &c = choice_[l];
      const bool folded = fold_multicast && l == child + 1 && a_.levels[l].fanout.multicast;
      const std::int64_t spatial = c.spatial.factor[idx(d)];
      if (spatial > 1) {
        if (folded && v.gap == 0)
          v.block *= spatial;
        else if (v.gap == 0)
          v.gap = v.block * spatial;
      }
      const std::int64_t t = c.temporal[idx(d)];
      (v.gap == 0 ? v.block : v.blocks) *= t;
    }
    return v;
  }

  // Distinct p*s + r*d (input rows, or columns) over a unit's runs of the output dimension
  // and the filter dimension. Lower bounds where exactness would need the whole structure:
  // of the filter values only the first run is used, and when a single window has holes,
  // only the first output run.
  static std::int64_t window_values(const ValueRuns &out, const ValueRuns &filter,
                                    std::int64_t stride, std::int64_t dilation) {
    const std::int64_t one = distinct_sums(out.block, stride, filter.block, dilation);
    if (out.blocks == 1) return one;
    const std::int64_t span = window_extent(out.block, filter.block, stride, dilation);
    if (one != span) return one;
    // Equally or further spaced intervals of length span.
    return span + (out.blocks - 1) * std::min(out.gap * stride, span);
  }

  // Input words a unit of `child` uses over the run, each of which it must receive at least
  // once, whatever the loop orders.
  std::int64_t input_unit_words(int child, bool fold_multicast) const {
    const auto runs = [&](Dim d) { return value_runs(d, child, fold_multicast); };
    std::int64_t words = 1;
    for (Dim d : {Dim::N, Dim::C, Dim::G}) {
      const ValueRuns v = runs(d);
      words *= v.block * v.blocks;
    }
    return words * window_values(runs(Dim::P), runs(Dim::R), p_.stride_h, p_.dilation_h) *
           window_values(runs(Dim::Q), runs(Dim::S), p_.stride_w, p_.dilation_w);
  }

  // Input words every child instance must receive (fills) and the parent must read (reads:
  // one per multicast group of children, the group counted through its members at the
  // fanout right above the child), whatever the loop orders: each distinct word a unit
  // uses reaches it at least once. Order bounds count only whole-tile refreshes for I;
  // this adds the rows that sliding windows bring.
  std::pair<std::int64_t, std::int64_t> input_need(int child, int parent) const {
    std::int64_t instances = 1, groups = 1;
    for (int l = child + 1; l < L_; ++l) {
      const bool united = l <= parent && a_.levels[l].fanout.multicast;
      instances *= choice_[l].spatial.used;
      if (!united) groups *= choice_[l].spatial.used;
    }
    return {instances * input_unit_words(child, false), groups * input_unit_words(child, true)};
  }

  // pair_first_step_words for W and O, whose tiles are boxes, is in closed form: per group of
  // children, the child's extents of the dimensions the operand is relevant to (tile_box),
  // times the trips of the united crossed loops of those dimensions; one group per
  // combination of the other spatial loops above the child (crossed loops not united, and
  // every loop above the parent). This is the spatial loops' factor, the same for every tile.
  std::array<std::int64_t, 4> box_spatial_factors(Operand o, int child, int parent) const {
    std::array<std::int64_t, 4> out{};
    for (int i = 0; i < 4; ++i) {
      if (i == (o == Operand::O ? 1 : 2)) continue; // as pair_first_step_words
      std::int64_t words = 1;
      for (int l = child + 1; l < L_; ++l) {
        const Fanout &f = a_.levels[l].fanout;
        const bool united =
            l <= parent && (i == 3 || (i == 1 && f.multicast) || (i == 2 && f.reduction));
        for (const Loop &x : choice_[l].spatial.loops)
          if (!united || relevant(o, x.dim)) words *= x.trip;
      }
      out[i] = words;
    }
    return out;
  }

  // The child's extents on the dimensions operand o uses (its tile is a box of them).
  std::int64_t tile_box(Operand o, int child) const {
    std::int64_t box = 1;
    for (Dim d : kAllDims)
      if (relevant(o, d)) box *= tile(child)[idx(d)];
    return box;
  }

  // Everything bounding the orders of the node applied at level child+1 needs, under the
  // orders chosen above: I's parts (add_input_words, add_input_need) as its expansion found
  // them.
  // `above` is unions_above(child, false, false).
  Unions node_unions(const Unions &above, int child, const Node &n) const {
    Unions u = above;
    OperandArray<std::array<std::int64_t, 4>> factors;
    for (Operand o : {Operand::W, Operand::O})
      if (u.present[idx(o)]) factors[idx(o)] = box_spatial_factors(o, child, u.parent[idx(o)]);
    add_boxes(u, child, factors);
    u.first[idx(Operand::I)] = n.input_first;
    u.input_fills = n.input_fills;
    u.input_reads = n.input_reads;
    u.present[idx(Operand::I)] = child_keeps(child, Operand::I);
    return u;
  }

  // The parts of node_unions() that the choices at level child+1 leave alone (one computation
  // serves a whole expansion of that level): first-step words and I's need are left unset,
  // and I not present (add_input_words adds it).
  Unions unions_above(int child, bool context_free, bool relaxed) const {
    Unions u;
    for (Operand o : kAllOperands) {
      if (!child_keeps(child, o)) continue;
      const int parent = parent_of(o, child);
      u.present[idx(o)] = o != Operand::I;
      u.parent[idx(o)] = parent;
      std::int64_t all = 1, refresh = 1;
      for (int l = L_ - 1; l > child + 1; --l) {
        if (context_free) {
          // The least over the level's orders: its refreshing loops first.
          if (const std::int64_t least = least_refresh_prefix(choice_[l], o); least > 0)
            refresh = all * least;
          for (Dim d : kAllDims) // (whatever the order)
            all *= choice_[l].temporal[idx(d)];
          continue;
        }
        for (Dim d : choice_[l].order) {
          all *= choice_[l].temporal[idx(d)];
          if (refreshes_tile(o, d)) refresh = all;
        }
      }
      u.outer_all[idx(o)] = all;
      u.outer_refresh[idx(o)] = refresh;
      if (o != Operand::O) continue; // only O's first touches are capped
      u.cap[idx(o)] = relaxed            ? std::numeric_limits<std::int64_t>::max() / 4
                      : parent == L_ - 1 ? used_words_[idx(o)]
                      : context_free     ? most_leaving(parent)
                                         : leaving_[parent + 1][idx(o)];
    }
    return u;
  }

  // W's and O's first-step words, from the spatial factors of box_spatial_factors (the same
  // for every tile under one spatial choice, so computed once for all its tiles).
  void add_boxes(Unions &u, int child,
                 const OperandArray<std::array<std::int64_t, 4>> &factors) const {
    for (Operand o : {Operand::W, Operand::O}) {
      if (!u.present[idx(o)]) continue;
      u.first[idx(o)] = factors[idx(o)];
      const std::int64_t box = tile_box(o, child);
      for (std::int64_t &w : u.first[idx(o)])
        w *= box;
    }
  }

  // I's first-step words, when the child keeps I; its need is left 0 until add_input_need.
  // (Bounds with the need at 0 are lower bounds on those with it.)
  void add_input_words(Unions &u, int child) const {
    if (!child_keeps(child, Operand::I)) return;
    u.present[idx(Operand::I)] = true;
    u.first[idx(Operand::I)] =
        pair_first_step_words(p_, spec(Operand::I, child, u.parent[idx(Operand::I)], false));
  }

  // I's need, when the child keeps I and is not the MAC units.
  void add_input_need(Unions &u, int child) const {
    if (child >= 0 && child_keeps(child, Operand::I))
      std::tie(u.input_fills, u.input_reads) = input_need(child, u.parent[idx(Operand::I)]);
  }

  // The order bound: a lower bound on pairs_cost(child) for the orders of level child+1
  // whose refresh prefixes are `prefix`. It is exact for W and for O updates, a lower bound
  // for I (window loops inside its innermost refreshing loop bring new rows too) and for O
  // fills (at most `cap` takes find their word not yet valid). An operand's refresh prefix is
  // the product of the level's trips from its outermost loop down to the innermost loop that
  // refreshes its whole tile (0: no such loop); for the MAC units each step is a new word, so
  // every loop counts (OrderShapes). Each operand's terms grow with its prefix, which is what
  // least_order_bound relies on. `fills` receives the bound on each operand's child fills.
  double refresh_bound(int child, const Unions &u, const OperandArray<std::int64_t> &prefix,
                       OperandArray<std::int64_t> &fills) const {
    double e = 0;
    for (Operand o : kAllOperands)
      if (u.present[idx(o)]) e += operand_refresh_bound(o, child, u, prefix[idx(o)], fills[idx(o)]);
    return e;
  }

  // One operand's term of refresh_bound (the operand present), its child fills in `fills`.
  double operand_refresh_bound(Operand o, int child, const Unions &u, std::int64_t prefix,
                               std::int64_t &fills) const {
    const PairCounts c = refresh_counts(o, child, u, prefix);
    fills = c.child_fills;
    return pair_energy(c, o, child, u.parent[idx(o)]);
  }

  // The counts of one operand's term of refresh_bound (the operand present).
  PairCounts refresh_counts(Operand o, int child, const Unions &u, std::int64_t prefix) const {
    // Trips of the loops above the child, outermost first, up to the innermost loop that
    // refreshes the whole tile.
    const std::int64_t refreshes =
        prefix > 0 ? u.outer_all[idx(o)] * prefix
                   : (child < 0 ? u.outer_all[idx(o)] : u.outer_refresh[idx(o)]);
    const std::array<std::int64_t, 4> &w = u.first[idx(o)];
    PairCounts c;
    if (o != Operand::O) {
      c.child_fills = w[0] * refreshes;
      c.parent_reads = w[1] * refreshes;
      if (o == Operand::I) {
        c.child_fills = std::max(c.child_fills, u.input_fills);
        c.parent_reads = std::max(c.parent_reads, u.input_reads);
      }
      c.fanout_words = c.child_fills;
    } else {
      const std::int64_t valid = std::max<std::int64_t>(0, w[3] * refreshes - u.cap[idx(o)]);
      c.child_fills = valid;
      c.parent_updates = w[2] * refreshes;
      c.parent_reads = valid + (w[2] - w[3]) * refreshes;
      c.fanout_words = valid + w[0] * refreshes;
    }
    if (child < 0) c.child_fills = 0;
    return c;
  }

  // Whether a loop of dimension d gives the operand a whole new tile at each carry.
  static bool refreshes_tile(Operand o, Dim d) {
    return o == Operand::I ? (d == Dim::N || d == Dim::C || d == Dim::G) : relevant(o, d);
  }

  // The least refresh prefix of operand o over a level's orders: its refreshing loops
  // outermost, so the product of their trips, which every order's prefix includes (0 when
  // the level has no refreshing loop for o).
  static std::int64_t least_refresh_prefix(const LevelChoice &c, Operand o) {
    std::int64_t product = 1;
    bool any = false;
    for (Dim d : kAllDims)
      if (c.temporal[idx(d)] > 1 && refreshes_tile(o, d)) product *= c.temporal[idx(d)], any = true;
    return any ? product : 0;
  }

  // A lower bound on least_order_bound, cheaper (no order classes): each operand priced at
  // its own best order of level child+1 (least_refresh_prefix).
  double own_orders_bound(int child, const Unions &u) {
    OperandArray<std::int64_t> prefix{};
    for (Operand o : kAllOperands)
      prefix[idx(o)] = least_refresh_prefix(choice_[child + 1], o);
    OperandArray<std::int64_t> fills{};
    const double e = refresh_bound(child, u, prefix, fills);
    known_fills_ = fills;
    return e;
  }

  // A lower bound on expand()'s first check (own_orders_bound plus lower_bound_below of the
  // level below) over every tile below `level` whose extents of the dimensions before di are
  // t's (t has the rest at 1), given `left`, what the spatial loops leave:
  // - own_orders_bound's W and O terms never grow with the tile: an operand's words are
  //   its words over the whole of `left` times the trips above, all of them, or, once the
  //   tile covers `left` on every dimension the operand uses, only those up to the
  //   innermost refreshing loop. The same holds for the W fills that lower_bound_below's
  //   floor takes from it. So the rest at `left` gives the least of these;
  // - lower_bound_below's O term never shrinks as the tile grows (most_leaving shrinks), so
  //   the rest at 1 gives its least.
  double least_first_check(int level, const DimArray<std::int64_t> &left,
                           const DimArray<std::int64_t> &t, int di, const Unions &above,
                           const OperandArray<std::array<std::int64_t, 4>> &factors) {
    DimArray<std::int64_t> widest = t, trips;
    for (int i = di; i < kNumDims; ++i)
      widest[idx(kTileDims[i])] = left[idx(kTileDims[i])];
    for (int d = 0; d < kNumDims; ++d)
      trips[d] = left[d] / widest[d];
    apply_tile_trips(level, widest, trips);
    Unions u = above;
    add_boxes(u, level - 1, factors);
    const double own = own_orders_bound(level - 1, u); // sets known_fills_ for the floor
    tile(level - 1) = t;
    return own + lower_bound_below(level - 1);
  }

  // Whether least_first_check(.., t, di + 1 ..) may exceed least_first_check(.., t', di ..),
  // where t' is t with dimension d = kTileDims[di] at 1 (the check its caller passed): when
  // the O term grows (O does not use d, and its extent is > 1), or when d is the first
  // dimension of W or of O whose extent does not cover `left` (the widest completion then
  // stops covering the operand's dimensions, and its words take every trip above).
  static bool first_check_grows(const DimArray<std::int64_t> &left, const DimArray<std::int64_t> &t,
                                int di) {
    const Dim d = kTileDims[di];
    if (!relevant(Operand::O, d) && t[idx(d)] > 1) return true;
    if (t[idx(d)] == left[idx(d)]) return false;
    for (Operand o : {Operand::W, Operand::O}) {
      if (!relevant(o, d)) continue;
      bool first = true;
      for (int i = 0; i < di && first; ++i) {
        const Dim e = kTileDims[i];
        first = !(relevant(o, e) && t[idx(e)] < left[idx(e)]);
      }
      if (first) return true;
    }
    return false;
  }

  // The least order bound (refresh_bound) over the order classes of level child+1. With
  // `input_added`, only I's terms are priced and W's and O's are the last call's: that call
  // must have been on the same node before I was added (as expand() does, to try the bound
  // without I first).
  double least_order_bound(int child, const Unions &u, bool input_added = false) {
    const LevelChoice &c = choice_[child + 1];
    const OrderShapes &shapes = order_shapes(child + 1, order_mask(c.temporal));
    // Each operand's term and fills once per distinct set of its among the classes.
    const auto price = [&](Operand o) { // (o a constant at each call: inlined for it)
      const std::vector<std::uint8_t> &sets = shapes.least_sets[idx(o)];
      std::vector<double> &energy = least_energy_[idx(o)];
      energy.resize(sets.size());
      std::int64_t &fills = least_fills_[idx(o)];
      if (!u.present[idx(o)]) {
        std::fill(energy.begin(), energy.end(), 0.0);
        fills = 0;
        return;
      }
      fills = std::numeric_limits<std::int64_t>::max();
      for (std::size_t j = 0; j < sets.size(); ++j) {
        std::int64_t f = 0;
        energy[j] = operand_refresh_bound(
            o, child, u, prefix_product(shapes.prefix_dims[idx(o)][sets[j]], c.temporal), f);
        fills = std::min(fills, f);
      }
    };
    if (!input_added) {
      price(Operand::W);
      price(Operand::O);
    }
    price(Operand::I);
    double least = kInf;
    const OperandArray<std::vector<double>> &e = least_energy_;
    for (const OperandArray<std::uint8_t> &j : shapes.least_of) // (summed as refresh_bound does)
      least = std::min(least, e[0][j[0]] + e[1][j[1]] + e[2][j[2]]);
    known_fills_ = least_fills_;
    return least;
  }

  // The pair's spec from the current choices. Without temporal loops (with_temporal false)
  // it serves only pair_first_step_words, which pins them all.
  PairSpec spec(Operand o, int child, int parent, bool with_temporal = true) const {
    PairSpec s;
    s.operand = o;
    s.child = child;
    s.parent = parent;
    const DimArray<std::int64_t> &ct = tiles_[child + 1];
    s.tile = ct;
    for (int l = L_ - 1; l > child; --l) {
      const LevelChoice &c = choice_[l];
      const DimArray<std::int64_t> &below = tiles_[l];
      const Fanout &f = a_.levels[l].fanout;
      if (with_temporal) push_temporal(s, l, c.order);
      for (const Loop &x : c.spatial.loops) {
        // x loops sit outside y loops of the same dimension.
        std::int64_t stride = below[idx(x.dim)];
        if (x.kind == LoopKind::SpatialX)
          for (const Loop &y : c.spatial.loops)
            if (y.kind == LoopKind::SpatialY && y.dim == x.dim) stride *= y.trip;
        const PairLoopInfo info{x.dim, x.trip, stride, l, f.multicast, f.reduction};
        if (l > parent)
          s.above.push_back(info);
        else
          s.crossed.push_back(info);
      }
    }
    for (int l = parent; l < L_; ++l)
      if (a_.levels[l].keeps[idx(o)]) s.chain[s.chain_size++] = l;
    return s;
  }

  // Appends the temporal loops of level l, in `order` (outermost first), to a spec.
  void push_temporal(PairSpec &s, int l, const std::vector<Dim> &order) const {
    const LevelChoice &c = choice_[l];
    for (Dim d : order)
      s.temporal.push_back(
          {d, c.temporal[idx(d)], tiles_[l][idx(d)] * c.spatial.factor[idx(d)], l, true, true});
  }

  // A sound lower bound on the cost of every pair whose child is below `level` (those of
  // `level` are exact already), MACs included. See docs/explorer.md.
  double lower_bound_below(int level) const {
    return add_fill_floors(level, order_free_below(level), known_fills_);
  }

  // The terms of lower_bound_below that the order of level+1 leaves alone.
  double order_free_below(int level) const {
    const BelowTerms &t = below_terms_[level];
    double e = t.constant;
    if (t.o_keeper_here) {
      // The MAC units' O reads: of the takes, only one per residency of a word in the
      // keeper finds it not yet valid.
      const double valid = t.o_takes - static_cast<double>(most_leaving(level));
      if (valid > 0) e += valid * t.o_valid_pj;
    }
    return e;
  }

  // e plus the terms of lower_bound_below floored by the fills of level `level` (`fills`,
  // bounds on them from the order of level+1).
  double add_fill_floors(int level, double e, const OperandArray<std::int64_t> &fills) const {
    for (Operand o : {Operand::W, Operand::I})
      e += fill_floor(level, o, fills[idx(o)]);
    return e;
  }

  // One operand's floor term of lower_bound_below, given a bound on its fills of `level`
  // (0 for O, which has none).
  double fill_floor(int level, Operand o, std::int64_t fills) const {
    const BelowTerms &t = below_terms_[level];
    if (t.floor_pj[idx(o)] == 0) return 0;
    const double floor_words =
        std::max(static_cast<double>(used_words_[idx(o)]),
                 t.floor_from_fills[idx(o)] ? static_cast<double>(fills) : 0.0);
    return floor_words * t.floor_pj[idx(o)];
  }

  // lower_bound_below(level) = constant + the O term of the MAC units' first touches (when
  // the innermost keeper of O is `level`) + per W and I, floor words times floor_pj.
  struct BelowTerms {
    double constant = 0;
    bool o_keeper_here = false;
    double o_takes = 0, o_valid_pj = 0;
    OperandArray<double> floor_pj{};
    OperandArray<bool> floor_from_fills{};
  };

  // The terms of lower_bound_below that depend only on the architecture and the problem.
  BelowTerms below_terms(int level) const {
    BelowTerms t;
    t.constant = macs_energy();
    const double macs = static_cast<double>(p_.macs());
    for (Operand o : kAllOperands) {
      const double w = p_.bits[idx(o)] / 16.0;
      // Keepers of o at or below `level`, innermost first.
      FixedList<int, kMaxLevels> k;
      for (int l = 0; l <= level; ++l)
        if (a_.levels[l].keeps[idx(o)]) k.push_back(l);
      if (k.size == 0) continue;
      // MAC pair: one word per MAC over every fanout up to the keeper; reads (W, I) or
      // updates (O) at least MACs over the largest multicast (reduction) group.
      double share = 1, hop = 0, all_fanouts = 1;
      for (int l = 0; l <= k[0]; ++l) {
        const Fanout &f = a_.levels[l].fanout;
        if (o == Operand::O ? f.reduction : f.multicast) share *= static_cast<double>(f.size());
        hop += f.hop_pj;
        all_fanouts *= static_cast<double>(f.size());
      }
      const Level &k0 = a_.levels[k[0]];
      t.constant += w * (macs * hop + macs / share * (o == Operand::O ? k0.write_pj : k0.read_pj));
      if (o == Operand::O && k[0] == level) {
        // Takes are at least MACs over all the fanouts below the keeper.
        t.o_keeper_here = true;
        t.o_takes = macs / all_fanouts;
        t.o_valid_pj = w * (k0.read_pj + hop);
      }
      // Pairs between keepers at or below `level`: every word passes each of them; W and I
      // fills below a level are at least its own fills (each filled word is read at
      // least once, and a child receives what its parent reads).
      double chain_pj = 0;
      for (int i = 0; i + 1 < k.size; ++i) {
        const Level &c = a_.levels[k[i]], &par = a_.levels[k[i + 1]];
        double h = 0;
        for (int l = k[i] + 1; l <= k[i + 1]; ++l)
          h += a_.levels[l].fanout.hop_pj;
        chain_pj += o == Operand::O ? par.write_pj + h : par.read_pj + c.write_pj + h;
      }
      if (o == Operand::O) {
        t.constant += w * static_cast<double>(used_words_[idx(o)]) * chain_pj;
      } else {
        t.floor_pj[idx(o)] = w * chain_pj;
        t.floor_from_fills[idx(o)] = level == k[k.size - 1];
      }
    }
    return t;
  }

  void leaf(double energy_pairs) {
    shared_.evaluated.fetch_add(1, std::memory_order_relaxed);
    if (opt_.constraints.min_utilization > 0 &&
        static_cast<double>(used_from_above(-1)) <
            opt_.constraints.min_utilization * static_cast<double>(a_.num_pes()))
      return;
    shared_.valid.fetch_add(1, std::memory_order_relaxed);
    const double energy = energy_pairs + macs_energy();
    if (energy_only_ && energy > shared_.best_primary.load(std::memory_order_relaxed)) return;
    const Mapping m = build_mapping();
    const std::vector<double> values =
        energy_only_
            ? std::vector<double>{energy}
            : objective_values(price(p_, a_, m, analytical_counts(p_, a_, m)), opt_.objectives);
    if (values[0] > shared_.best_primary.load(std::memory_order_relaxed)) return;
    record(values, m);
  }

  const Problem &p_;
  const Architecture &a_;
  const ExploreOptions &opt_;
  Shared &shared_;
  Clock::time_point start_;
  int L_;
  bool energy_only_ = true;
  PrimaryBound primary_bound_{p_, a_, opt_.objectives};
  static constexpr std::size_t kRelaxedScan = 20000; // relaxed nodes relaxed_inner_bounds reads
  std::array<std::pair<DimArray<std::int64_t>, std::shared_ptr<const std::vector<SpatialChoice>>>,
             kMaxLevels>
      spatial_memo_{};  // searched_spatial_options' last list per level
  bool mirror_ = false; // the problem is mirror-symmetric (mirror_symmetric)
  std::vector<LevelChoice> choice_;
  std::vector<DimArray<std::int64_t>> tiles_; // tiles_[l+1] = tile of level l
  std::vector<std::int64_t> fanout_below_;    // product of fanout sizes of levels < l
  OperandArray<std::int64_t> used_words_{};
  std::vector<BelowTerms> below_terms_; // per level, for lower_bound_below
  OperandArray<std::int64_t> known_fills_{};
  // search_node's unions_above, computed at its first node after each enter().
  std::optional<Unions> entered_above_;
  std::int64_t problem_points_ = 1; // the product of every dimension's extent
  // prices_[child + 1][parent][o]: pair_prices(o, child, parent).
  std::array<std::array<OperandArray<PairPrices>, kMaxLevels>, kMaxLevels + 1> prices_{};
  // leaving_[l+1][o]: words leaving level l (before reduction) under the current choice,
  // i.e. its residency-words, set when the pair whose child is l is priced exactly.
  std::vector<OperandArray<std::int64_t>> leaving_ =
      std::vector<OperandArray<std::int64_t>>(kMaxLevels + 1);
  std::uint64_t checks_ = 0;
  std::int64_t pruned_ = 0; // not yet added to shared_.pruned
  std::map<CountKey, double> count_memo_, count_left_memo_;
  const std::atomic<bool> &stop_flag_ = shared_.stopped;
  std::map<std::pair<int, std::uint32_t>, std::vector<std::vector<Dim>>> constrained_orders_;
  // order_shapes' memo, per level and dimension mask.
  std::vector<std::unique_ptr<OrderShapes>> order_shapes_ =
      std::vector<std::unique_ptr<OrderShapes>>(kMaxLevels << kNumDims);
  OperandArray<std::vector<double>> shape_terms_; // bound_orders' working terms
  std::vector<std::int64_t> shape_input_reads_;   // and I's reads in them
  PairCounter input_counter_{p_};                 // bound_orders' I pairs, one series per node
  // least_order_bound's: per operand, its term per set of OrderShapes::least_sets, and
  // its least fills.
  OperandArray<std::vector<double>> least_energy_;
  OperandArray<std::int64_t> least_fills_{};
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> divisors_memo_;
};

} // namespace

// A list without energy gets it as its last objective, so that ties on the list are broken by
// energy before the canonical order. Among the mappings with the least cycles, `cycles` then
// returns the one with the least energy, and the energy bounds prune among them (beaten())
// instead of every tie being searched.
std::vector<Objective> ranking_objectives(const std::vector<Objective> &objectives) {
  std::vector<Objective> r = objectives;
  if (std::find(r.begin(), r.end(), Objective::Energy) == r.end()) r.push_back(Objective::Energy);
  return r;
}

void validate(const ExploreOptions &o) {
  if (o.objectives.empty()) user_error("objectives", "must list at least one objective");
  for (auto it = o.objectives.begin(); it != o.objectives.end(); ++it)
    if (std::find(o.objectives.begin(), it, *it) != it)
      user_error("objectives",
                 "lists '" + std::string(objective_name(*it)) + "' twice (each ranks once)");
  if (o.threads < 0 || o.threads > kMaxExploreThreads)
    user_error("threads", "must be 0 (all cores) to " + std::to_string(kMaxExploreThreads) +
                              ", not " + std::to_string(o.threads));
  if (!(o.time_budget_s >= 0)) user_error("time_budget_s", "must be 0 (none) or more seconds");
  if (o.eval_budget < 0) user_error("eval_budget", "must be 0 (none) or more evaluations");
  if (o.random_incumbents < 0) user_error("random_incumbents", "must not be negative");
  if (std::isnan(o.upper_bound)) user_error("upper_bound", "is not a number");
}

ExploreResult explore(const Problem &p, const Architecture &a, const ExploreOptions &options) {
  validate(options);
  ExploreOptions opt = options;
  opt.objectives = ranking_objectives(options.objectives);
  validate(p);
  validate(a);
  validate(opt.constraints, a);
  const auto start = Clock::now();
  Shared shared;
  // A watchdog raises the stop flag when the time budget runs out or the caller's stop
  // flag is set, so every phase that polls the flag ends promptly (and joins on return).
  // It wakes at once when the search ends (a plain sleep made every search return up to
  // 10 ms late).
  struct Watchdog {
    std::mutex mu;
    std::condition_variable wake;
    bool done = false;
    std::thread thread;
    ~Watchdog() {
      {
        const std::lock_guard<std::mutex> lock(mu);
        done = true;
      }
      wake.notify_one();
      if (thread.joinable()) thread.join();
    }
  } watchdog;
  watchdog.thread = std::thread([&] {
    std::unique_lock<std::mutex> lock(watchdog.mu);
    while (!watchdog.done) {
      if ((opt.stop && opt.stop->load()) ||
          (opt.time_budget_s > 0 &&
           std::chrono::duration<double>(Clock::now() - start).count() > opt.time_budget_s))
        shared.stopped = true;
      watchdog.wake.wait_for(lock, std::chrono::milliseconds(10));
    }
  });
  // A seeded incumbent, loosened by more than rounding: the mapping that gave it (and any
  // tie) is still found, and ties are broken as without it.
  if (opt.upper_bound < kInf) shared.best_primary.store(opt.upper_bound * (1 + 4 * kSlack));
  Searcher root(p, a, opt, shared, start);
  const int L = a.num_levels();
  const int threads =
      opt.threads > 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  // A first incumbent from random points of the mapspace: a budgeted search always has a
  // mapping to report, and cuts start at once. Point i is drawn from seed i + 1, so runs
  // agree, and the points are the same however many threads share them out.
  on_threads(threads, shared.stopped, [&](int t) {
    Searcher s(p, a, opt, shared, start);
    for (int i = t; i < opt.random_incumbents; i += threads) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(i) + 1);
      if (const auto m = random_mapping(p, a, rng, 20); m && satisfies(*m, opt.constraints, a, p))
        s.offer(*m);
    }
  });
  // One searcher per thread, for every phase below: their memos (order prefixes, spatial
  // choices) stay warm from one phase to the next. They also own the orders that the
  // subproblems point to.
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (int t = 0; t < threads; ++t)
    searchers.push_back(std::make_unique<Searcher>(p, a, opt, shared, start));
  // The top-level expansion, its spatial choices shared out among the threads (or, for a
  // top level without a fanout, such as DRAM, its tiles).
  std::vector<Searcher::Expansion> top_shares(threads);
  on_threads(threads, shared.stopped, [&](int t) {
    Searcher::ExpandMode mode;
    mode.part = t;
    mode.parts = threads;
    top_shares[t] = searchers[t]->expand(L - 1, 0.0, mode);
  });
  const Searcher::Expansion expansion = Searcher::merge_parts(top_shares);
  // A budget that ran out during the top-level expansion left nodes out of it: only a
  // bound on the whole mapspace then holds for them.
  const bool top_cut_short = shared.stopped.load();
  const std::vector<Searcher::Node> &top = expansion.nodes;
  const PrimaryBound primary_bound(p, a, opt.objectives);
  const auto cut = [&](double bound) { return beaten(primary_bound, shared, bound); };

  // Work is split one level below the top: a subproblem is a top-level node with one of
  // its loop orders, and all threads share the nodes of each subproblem's expansion.
  // The expansion below a top-level node is computed in parts (by spatial choice) that any
  // thread reaching one of the node's subproblems takes on; the thread finishing the last
  // part merges them. The bounds in it hold for every order of the top level, so parts
  // computed under different subproblems' orders agree.
  const int expansion_parts = threads > 1 ? 4 * threads : 1;
  struct Below {
    std::atomic<int> next_part{0}, parts_done{0};
    std::vector<Searcher::Expansion> parts;
    std::atomic<bool> ready{false};
    std::unique_ptr<Searcher::Expansion> nodes; // bounds without the cost above
    // The spatial choices below the node, listed once for all parts. Each thread listing
    // them for its own parts made two threads list 1.75x as often as one on CONV2.
    std::once_flag listed;
    std::shared_ptr<const std::vector<SpatialChoice>> spatials;
  };
  std::vector<Below> below(top.size());
  for (Below &b : below)
    b.parts.resize(static_cast<std::size_t>(expansion_parts));
  struct Sub {
    std::size_t node;
    const std::vector<Dim> *order;
    double cost, bound;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> finished{false};
  };
  // The relaxed expansion behind relaxed_inner_bounds, its spatial choices shared out
  // among the threads. Not when energy is the first objective: the subproblems' own bounds
  // leave it little to cut there, and AlexNet's conv layers took 7-12% fewer instructions
  // without it. Under cycles, where energy only breaks ties, it saves more than it costs
  // (docs/performance.md).
  std::vector<double> inner(top.size(), 0.0);
  if (root.relaxation_applies() && opt.objectives[0] != Objective::Energy) {
    std::vector<Searcher::Expansion> shares(threads);
    on_threads(threads, shared.stopped,
               [&](int t) { shares[t] = searchers[t]->relaxed_expansion(t, threads); });
    inner = root.relaxed_inner_bounds(expansion, Searcher::merge_parts(shares), threads);
  }
  // Every top-level node's loop orders are priced exactly, the nodes shared out among the
  // threads; the subproblems are then listed in node order as one thread would list them.
  // A node whose order-free bound the incumbent beats already has no subproblem.
  struct TopOrders {
    std::vector<Searcher::Priced> orders;
    bool done = false; // false: a budget stopped the pricing first
  };
  std::vector<TopOrders> top_orders(top.size());
  {
    on_threads(threads, shared.stopped, [&](int t) {
      Searcher &s = *searchers[t];
      for (std::size_t i = static_cast<std::size_t>(t); i < top.size(); i += threads) {
        if (s.stop_now()) return;
        top_orders[i].done = true;
        if (cut(top[i].bound)) {
          shared.pruned.fetch_add(1);
          continue;
        }
        s.apply(L - 1, expansion, top[i]);
        top_orders[i].orders = s.price_orders(L - 1, 0.0);
      }
    });
  }
  // The subproblems, least bound first. Those the incumbent already beats are pruned here,
  // as the threads would prune them at their first look: on AlexNet's conv layers that is
  // 89-96% of them (69,255 of CONV2's 74,167), which then take no sort, no allocation and
  // no pass of the threads over the list.
  std::vector<std::unique_ptr<Sub>> subs;
  std::vector<double> unpriced_bound; // top nodes a budget left unpriced
  // The least cost above of each top-level node's subproblems (its shared expansion leaves
  // out the nodes that even this cannot save), over all its priced orders. (Over the listed
  // ones only, it would be as sound, and left AlexNet's counts unchanged.)
  std::vector<double> least_cost(top.size(), kInf);
  std::int64_t beaten_subs = 0;
  for (std::size_t i = 0; i < top.size(); ++i) {
    if (!top_orders[i].done) {
      unpriced_bound.push_back(top[i].bound);
      continue;
    }
    for (const Searcher::Priced &pr : top_orders[i].orders) {
      least_cost[i] = std::min(least_cost[i], pr.cost);
      const double bound = std::max(pr.bound, pr.cost + inner[i]);
      if (cut(bound)) {
        ++beaten_subs;
        continue;
      }
      auto sub = std::make_unique<Sub>();
      sub->node = i;
      sub->order = pr.order;
      sub->cost = pr.cost;
      sub->bound = bound;
      subs.push_back(std::move(sub));
    }
  }
  shared.pruned.fetch_add(beaten_subs);
  std::stable_sort(subs.begin(), subs.end(),
                   [](const auto &x, const auto &y) { return x->bound < y->bound; });
  std::atomic<std::size_t> done{0};
  // A thread that reaches a subproblem whose expansion another thread is computing does
  // not wait for it: it goes on with later subproblems and comes back in a later pass.
  auto worker = [&](int t) {
    Searcher &s = *searchers[t];
    for (bool deferred = true; deferred;) {
      deferred = false;
      bool progressed = false;
      for (const auto &sub : subs) {
        if (sub->finished.load()) continue;
        if (shared.stopped.load() || s.stop_now()) return;
        if (cut(sub->bound)) {
          if (!sub->finished.exchange(true)) {
            shared.pruned.fetch_add(1);
            done.fetch_add(1);
          }
          continue;
        }
        if (L == 1) {
          s.enter(L - 1, expansion, top[sub->node], *sub->order);
          if (!sub->finished.exchange(true)) {
            s.search_orders_leaf(sub->cost);
            done.fetch_add(1);
          }
          continue;
        }
        Below &b = below[sub->node];
        if (!b.ready.load()) {
          s.enter(L - 1, expansion, top[sub->node], *sub->order);
          for (int k; (k = b.next_part.fetch_add(1)) < expansion_parts;) {
            std::call_once(b.listed, [&] { b.spatials = s.searched_spatial_options(L - 2); });
            Searcher::ExpandMode mode;
            mode.spatials = b.spatials;
            mode.context_free = true;
            mode.drop_with_cost = least_cost[sub->node];
            mode.part = k;
            mode.parts = expansion_parts;
            b.parts[static_cast<std::size_t>(k)] = s.expand(L - 2, 0.0, mode);
            if (b.parts_done.fetch_add(1) + 1 == expansion_parts) {
              b.nodes = std::make_unique<Searcher::Expansion>(Searcher::merge_parts(b.parts));
              b.parts = {};
              b.ready.store(true);
            }
          }
          if (!b.ready.load()) { // other threads are still computing parts
            deferred = true;
            continue;
          }
        }
        progressed = true;
        s.enter(L - 1, expansion, top[sub->node], *sub->order);
        const std::vector<Searcher::Node> &nodes = b.nodes->nodes;
        for (;;) {
          const std::size_t i = sub->next.fetch_add(1);
          if (i >= nodes.size()) break;
          if (cut(sub->cost + nodes[i].bound)) {
            // Sorted by bound: the rest is cut too.
            const std::size_t rest = nodes.size() - i;
            sub->next.store(nodes.size());
            shared.pruned.fetch_add(static_cast<std::int64_t>(rest));
            break;
          }
          s.search_node(L - 2, *b.nodes, nodes[i], sub->cost);
          if (shared.stopped.load()) return;
        }
        if (!shared.stopped.load() && !sub->finished.exchange(true)) done.fetch_add(1);
      }
      // Only expansions in progress are left: let their threads run.
      if (deferred && !progressed) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  std::vector<std::thread> pool;
  start_threads(pool, 0, threads, worker, shared.stopped);
  if (opt.progress) {
    auto last = Clock::now();
    while (done.load() < subs.size() && !shared.stopped.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (Clock::now() - last < std::chrono::seconds(1)) continue;
      last = Clock::now();
      const double secs = std::chrono::duration<double>(last - start).count();
      // Subproblems are listed best bound first and those the incumbent beats take no time:
      // the estimate is the rate so far over the unfinished ones it does not beat yet.
      const std::size_t finished = done.load();
      std::size_t live = 0;
      for (const auto &sub : subs)
        if (!sub->finished.load(std::memory_order_relaxed) && !cut(sub->bound)) ++live;
      std::ostringstream eta;
      if (finished > 0)
        eta << ", " << live << " still open, ETA ~"
            << static_cast<long long>(secs * static_cast<double>(live) /
                                      static_cast<double>(finished))
            << " s";
      std::cerr << "explore " << p.name << ": " << finished << "/" << subs.size()
                << " subproblems, evaluated " << shared.evaluated.load() << ", pruned "
                << shared.pruned.load() << ", best " << objective_name(opt.objectives[0]) << " "
                << shared.best_primary.load()
                << (opt.objectives[0] == Objective::Energy ? " pJ, " : ", ")
                << static_cast<long long>(secs) << " s" << eta.str() << "\n";
    }
  }
  for (std::thread &t : pool)
    t.join();
  std::vector<double> unfinished_bound = unpriced_bound;
  if (top_cut_short) unfinished_bound.push_back(root.whole_lower_bound());
  for (const auto &sub : subs)
    if (!sub->finished.load()) unfinished_bound.push_back(sub->bound);

  root.flush_pruned();
  for (const std::unique_ptr<Searcher> &searcher : searchers)
    searcher->flush_pruned();
  ExploreResult r;
  r.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.stats.evaluated = shared.evaluated.load();
  r.stats.valid = shared.valid.load();
  r.stats.pruned = shared.pruned.load();
  r.stats.exhaustive = r.stats.optimal = !shared.stopped.load(); // refine_result may clear it
  r.stats.mapspace_size = opt.count_mapspace ? root.count(L - 1, 1) : -1;
  r.found = shared.have_best;
  double lb = r.found ? shared.best_values[0] : kInf;
  for (double b : unfinished_bound) // energy bounds
    lb = std::min(lb, primary_bound.of(b));
  r.stats.lower_bound = lb;
  if (r.found) {
    r.mapping = shared.best_mapping;
    r.evaluation = evaluate(p, a, r.mapping);
    r.objective_values = objective_values(r.evaluation, options.objectives);
  }
  if (opt.imperfect) {
    // The bound above holds over perfect factors only. Over every mapping, the bound before
    // any choice (the MACs and the traffic every mapping has) holds.
    r.stats.lower_bound = std::min(r.stats.lower_bound, primary_bound.of(root.whole_lower_bound()));
    const auto refine_start = Clock::now();
    refine_result(p, a, options, r, [&] { return shared.stopped.load(std::memory_order_relaxed); });
    // The search's time plus the refinement's (the mapspace count stays out of it).
    r.stats.seconds += std::chrono::duration<double>(Clock::now() - refine_start).count();
  }
  return r;
}

} // namespace tessel
