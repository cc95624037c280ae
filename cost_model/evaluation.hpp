// Evaluation of one mapping: the access counts, then energy, cycles and utilization as in
// docs/cost_model.md ("Energy, cycles, utilization") and capacity use per level.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

#include <string>
#include <vector>

namespace tessel {

struct LevelUsage {
  OperandArray<std::int64_t> tile_words{}; // largest tile per kept operand (words)
  std::int64_t used = 0;                // footprint in the level's unit, double-buffering included
  std::optional<std::int64_t> capacity; // in the same unit; empty = unbounded
  bool in_bytes = false;                // unit: bytes (capacity_bytes) or words
  bool fits() const { return !capacity || used <= *capacity; }
  bool operator==(const LevelUsage &) const = default;
};

struct LevelEnergy {
  OperandArray<double> operand_pj{}; // reads*read_pj + writes*write_pj per operand
  double total_pj = 0.0;
  bool operator==(const LevelEnergy &) const = default;
};

struct UtilizationLoss {
  std::string cause; // "spatial mapping", "imperfect factors", "bandwidth (GB read)", ...
  double factor;     // multiplicative: utilization after = before * factor
  bool operator==(const UtilizationLoss &) const = default;
};

struct Evaluation {
  AccessCounts counts;
  std::vector<LevelUsage> usage;         // per level
  std::vector<LevelEnergy> level_energy; // per level
  std::vector<double> fanout_energy_pj;  // per level (its fanout)
  double mac_energy_pj = 0.0;
  double energy_pj = 0.0;
  double pj_per_mac = 0.0;
  std::int64_t compute_cycles = 0;
  std::int64_t cycles = 0;
  std::string bound;         // "compute" or "<level> read bandwidth" / "<level> write bandwidth"
  std::int64_t pes = 0;      // MAC units of the architecture
  std::int64_t used_pes = 0; // MAC units the spatial loops use
  double utilization = 0.0;
  std::vector<UtilizationLoss> losses;
  bool operator==(const Evaluation &) const = default;
};

// v[i], or all zero past v's end: the reports read an evaluation's per-level vectors by the
// architecture's levels.
template <typename T> T at_or_zero(const std::vector<T> &v, std::size_t i) {
  return i < v.size() ? v[i] : T{};
}

// Capacity use per level. Precondition: validate(m, p, a) passed.
std::vector<LevelUsage> capacity_usage(const Problem &p, const Architecture &a, const Mapping &m);

// The same, written into `usage` (its storage reused).
void capacity_usage(const Problem &p, const Architecture &a, const Mapping &m,
                    std::vector<LevelUsage> &usage);

// Throws UserError naming the first level that overflows, the operand sizes and the excess.
void check_capacity(const Problem &p, const Architecture &a, const Mapping &m,
                    const std::string &where = "mapping");

// Validates, checks capacity, counts (analytical model) and prices the mapping.
Evaluation evaluate(const Problem &p, const Architecture &a, const Mapping &m);

// Prices given counts (shared by evaluate and by tests that price walker counts).
Evaluation price(const Problem &p, const Architecture &a, const Mapping &m, AccessCounts counts);

// The same in place: e.counts holds m's counts (for instance from analytical_counts(p, a, m,
// e.counts)), and every other field of `e` is overwritten, its storage reused, so that a
// caller pricing many mappings in a row (tessel bench, batch evaluation) allocates nothing
// once `e` has held one evaluation on the architecture.
void price(const Problem &p, const Architecture &a, const Mapping &m, Evaluation &e);

} // namespace tessel
