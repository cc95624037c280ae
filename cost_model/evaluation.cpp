#include "cost_model/evaluation.hpp"

#include "cost_model/analytical_model.hpp"
#include "cost_model/footprint.hpp"

#include <cmath>
#include <stdexcept>

namespace tessel {

namespace {

double width_scale(const Problem &p, Operand o) { return p.bits[idx(o)] / 16.0; }

// What pricing needs of the mapping's trips, read in one pass (each pass over the loops
// ends in a loop exit that random mappings make a coin toss):
// - tiles[l]: the tile of level l, the product of the trips of its loops and all inside;
// - used[l + 1]: the product of the trips of the spatial loops above level l (l = -1 for
//   the MAC units), i.e. the instances of l in use;
// - per dimension, the product of its temporal trips and of its spatial trips.
// Architectures have at most kMaxLevels levels (validated), and so do their mappings.
struct MappingTrips {
  std::array<DimArray<std::int64_t>, kMaxLevels> tiles;
  std::array<std::int64_t, kMaxLevels + 1> used{};
  DimArray<std::int64_t> temporal, spatial;

  MappingTrips(const Mapping &m, int L) { // L: the architecture's levels (validated: m's too)
    if (L > kMaxLevels) throw std::logic_error("price: more levels than kMaxLevels");
    temporal.fill(1);
    spatial.fill(1);
    std::array<std::int64_t, kMaxLevels> level_spatial{};
    for (int l = 0; l < L; ++l) {
      level_spatial[l] = 1;
      for (const Loop &x : m.levels[l].temporal)
        temporal[idx(x.dim)] *= x.trip;
      for (const Loop &x : m.levels[l].spatial) {
        spatial[idx(x.dim)] *= x.trip;
        level_spatial[l] *= x.trip;
      }
      for (Dim d : kAllDims)
        tiles[l][idx(d)] = temporal[idx(d)] * spatial[idx(d)];
    }
    used[L] = 1;
    for (int l = L - 1; l >= 0; --l)
      used[l] = used[l + 1] * level_spatial[l];
  }
};

// Level l's tiles' words and its use of its capacity, from its tile.
LevelUsage level_usage(const Problem &p, const Architecture &a, const Mapping &m, int l,
                       const DimArray<std::int64_t> &tile) {
  const Level &level = a.levels[l];
  LevelUsage u;
  u.in_bytes = level.capacity_bytes.has_value();
  u.capacity = level.capacity_bytes ? level.capacity_bytes : level.capacity_words;
  DimArray<std::int64_t> box = tile;
  for (Dim d : kAllDims)
    box[idx(d)] = std::min(box[idx(d)], p.extent(d));
  for (Operand o : kAllOperands) {
    if (!keeps(a, m, l, o)) continue;
    const std::int64_t words = tile_words(p, o, box);
    u.tile_words[idx(o)] = words;
    u.used += u.in_bytes ? ceil_div(words * p.bits[idx(o)], 8) : words;
  }
  if (level.double_buffered) u.used *= 2;
  return u;
}

// Each level's usage, from the trips.
void capacity_usage(const Problem &p, const Architecture &a, const Mapping &m,
                    const MappingTrips &trips, std::vector<LevelUsage> &usage, int L) {
  usage.resize(static_cast<std::size_t>(L));
  for (int l = 0; l < L; ++l)
    usage[l] = level_usage(p, a, m, l, trips.tiles[l]);
}

// The temporal iterations of dimension d in which some MAC unit is not guarded off: the
// index tuples of d's temporal loops whose index (at spatial coordinate 0) is inside the
// extent.
std::int64_t active_iterations(const Problem &p, const std::vector<PlacedLoop> &nest, Dim d) {
  std::vector<const PlacedLoop *> loops;
  for (const PlacedLoop &pl : nest)
    if (pl.loop.dim == d && pl.loop.kind == LoopKind::Temporal && pl.loop.trip > 1)
      loops.push_back(&pl);
  std::int64_t active = 0;
  std::vector<std::int64_t> counter(loops.size(), 0);
  for (;;) {
    std::int64_t index = 0;
    for (std::size_t i = 0; i < loops.size(); ++i)
      index += counter[i] * loops[i]->stride;
    active += index < p.extent(d);
    std::size_t i = 0;
    for (; i < loops.size(); ++i) {
      if (++counter[i] < loops[i]->loop.trip) break;
      counter[i] = 0;
    }
    if (i == loops.size()) return active;
  }
}

// Temporal iterations in which some MAC unit is not guarded off: per dimension, all of its
// temporal iterations when its trips multiply to its extent (from the trips, no allocation),
// else active_iterations.
std::int64_t compute_cycles(const Problem &p, const Mapping &m, const MappingTrips &trips) {
  std::int64_t cycles = 1;
  std::vector<PlacedLoop> nest; // flattened only for a guarded dimension
  for (Dim d : kAllDims) {
    if (trips.spatial[idx(d)] * trips.temporal[idx(d)] == p.extent(d)) {
      cycles *= trips.temporal[idx(d)];
      continue;
    }
    if (nest.empty()) nest = flatten(m);
    cycles *= active_iterations(p, nest, d);
  }
  return cycles;
}

} // namespace

std::vector<LevelUsage> capacity_usage(const Problem &p, const Architecture &a, const Mapping &m) {
  std::vector<LevelUsage> usage;
  capacity_usage(p, a, m, usage);
  return usage;
}

void capacity_usage(const Problem &p, const Architecture &a, const Mapping &m,
                    std::vector<LevelUsage> &usage) {
  capacity_usage(p, a, m, MappingTrips(m, a.num_levels()), usage, a.num_levels());
}

void check_capacity(const Problem &p, const Architecture &a, const Mapping &m,
                    const std::string &where) {
  const std::vector<LevelUsage> usage = capacity_usage(p, a, m);
  for (int l = 0; l < a.num_levels(); ++l) {
    const LevelUsage &u = usage[l];
    if (u.fits()) continue;
    const std::string unit = u.in_bytes ? " bytes" : " words";
    std::string parts;
    for (Operand o : kAllOperands)
      if (keeps(a, m, l, o))
        parts += std::string(parts.empty() ? "" : ", ") + std::string(operand_name(o)) + " " +
                 std::to_string(u.tile_words[idx(o)]) + " words";
    user_error(where + ".levels[" + a.levels[l].name + "]",
               "tiles need " + std::to_string(u.used) + unit + " (" + parts +
                   (a.levels[l].double_buffered ? ", double-buffered" : "") + ") but level '" +
                   a.levels[l].name + "' holds " + std::to_string(*u.capacity) + unit +
                   ": over by " + std::to_string(u.used - *u.capacity) + unit);
  }
}

Evaluation price(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts counts) {
  Evaluation e;
  e.counts = std::move(counts);
  price(p, a, m, e);
  return e;
}

namespace {

// price on an architecture of kL levels (0: any number, read at run time), as
// fused_counts_levels in fused_model.cpp: the loops over levels unroll, and `flatten`
// inlines what it calls into each instantiation. Counts and price on the default
// architecture took 3,358 instructions per evaluation against 3,549 with one code for any
// number of levels, and 3,692 without `flatten` (tools/instructions.sh).
template <int kL>
[[gnu::flatten]] void price_levels(const Problem &p, const Architecture &a, const Mapping &m,
                                   Evaluation &e) {
  const int L = kL > 0 ? kL : a.num_levels();
  const MappingTrips trips(m, L);
  capacity_usage(p, a, m, trips, e.usage, L);
  e.level_energy.assign(static_cast<std::size_t>(L), LevelEnergy{});
  e.fanout_energy_pj.assign(static_cast<std::size_t>(L), 0.0);
  e.energy_pj = 0.0;
  for (int l = 0; l < L; ++l) {
    const Level &level = a.levels[l];
    LevelEnergy &le = e.level_energy[l];
    for (Operand o : kAllOperands) {
      const OperandCounts &x = e.counts.levels[l].operands[idx(o)];
      le.operand_pj[idx(o)] = (static_cast<double>(x.reads) * level.read_pj +
                               static_cast<double>(x.writes) * level.write_pj) *
                              width_scale(p, o);
      le.total_pj += le.operand_pj[idx(o)];
      e.fanout_energy_pj[l] += static_cast<double>(e.counts.fanouts[l].words[idx(o)]) *
                               level.fanout.hop_pj * width_scale(p, o);
    }
    e.energy_pj += le.total_pj + e.fanout_energy_pj[l];
  }
  e.mac_energy_pj = static_cast<double>(e.counts.macs) * a.mac_pj;
  e.energy_pj += e.mac_energy_pj;
  e.pj_per_mac = e.counts.macs ? e.energy_pj / static_cast<double>(e.counts.macs) : 0.0;

  e.pes = a.num_pes();
  const std::array<std::int64_t, kMaxLevels + 1> &used = trips.used;
  e.used_pes = used[0];
  e.compute_cycles = compute_cycles(p, m, trips);
  e.cycles = e.compute_cycles;
  e.bound = "compute"; // (assignments reuse the strings' storage)
  for (int l = 0; l < L; ++l) {
    const Level &level = a.levels[l];
    const double instances = static_cast<double>(used[l + 1]);
    std::int64_t reads = 0, writes = 0;
    for (Operand o : kAllOperands) {
      reads += e.counts.levels[l].operands[idx(o)].reads;
      writes += e.counts.levels[l].operands[idx(o)].writes;
    }
    const auto consider = [&](const std::optional<double> &bw, std::int64_t accesses,
                              const char *what) {
      if (!bw) return;
      const auto needed =
          static_cast<std::int64_t>(std::ceil(static_cast<double>(accesses) / instances / *bw));
      if (needed > e.cycles) {
        e.cycles = needed;
        e.bound.assign(level.name).append(" ").append(what).append(" bandwidth");
      }
    };
    consider(level.read_bw, reads, "read");
    consider(level.write_bw, writes, "write");
  }
  const double macs = static_cast<double>(e.counts.macs);
  e.utilization =
      e.cycles ? macs / (static_cast<double>(e.cycles) * static_cast<double>(e.pes)) : 0;
  e.losses.resize(3);
  e.losses[0].cause = "spatial mapping";
  e.losses[0].factor = static_cast<double>(e.used_pes) / static_cast<double>(e.pes);
  e.losses[1].cause = "imperfect factors";
  e.losses[1].factor =
      macs / (static_cast<double>(e.compute_cycles) * static_cast<double>(e.used_pes));
  e.losses[2].cause.assign("bandwidth (").append(e.bound).append(")");
  e.losses[2].factor = static_cast<double>(e.compute_cycles) / static_cast<double>(e.cycles);
}

} // namespace

void price(const Problem &p, const Architecture &a, const Mapping &m, Evaluation &e) {
  with_num_levels(a.num_levels(),
                  [&](auto levels) { price_levels<decltype(levels)::value>(p, a, m, e); });
}

Evaluation evaluate(const Problem &p, const Architecture &a, const Mapping &m) {
  validate(m, p, a);
  check_capacity(p, a, m);
  return price(p, a, m, analytical_counts(p, a, m));
}

} // namespace tessel
