// The mapspace: every mapping the explorer considers for a problem on an architecture.
//
// A point of the mapspace is chosen level by level, from the outermost level inward:
//   - the spatial loops on the level's fanout: per axis (x, y) at most one loop per
//     dimension, with the trips on an axis multiplying to at most the axis size;
//   - the tile of the level below (a divisor of what is left of each dimension), which must
//     fit that level's capacity; the level's temporal trips are what remains;
//   - the order of the level's temporal loops (one loop per dimension with trip > 1).
// Factors are perfect (they divide the extents). Orders are collapsed into classes that give
// identical counts for every completion (order_classes below), so each class is searched
// once, through one representative order.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace tessel {

// What a user can impose on the search (JSON: docs/explorer.md; CLI: tessel explore).
struct Constraints {
  // Per level name: the dimensions allowed on the fanout's x and y axes. A listed axis
  // may carry only those dimensions (this is how a dataflow is imposed: row stationary is
  // x: [Q] ... see schedules/dataflows). An empty list forbids the axis.
  std::map<std::string, std::vector<Dim>> spatial_x, spatial_y;
  // Per level name: a required order of temporal loops, outermost first. Loops of other
  // dimensions may still appear, anywhere; the listed ones keep this relative order.
  std::map<std::string, std::vector<Dim>> loop_order;
  // Per level name and dimension: a fixed temporal trip.
  std::map<std::string, std::map<Dim, std::int64_t>> temporal_factor;
  // Fraction of the PEs the spatial loops must use (0 to 1).
  double min_utilization = 0.0;
};

void validate(const Constraints &c, const Architecture &a,
              const std::string &where = "constraints");

// Whether a mapping meets the constraints (and, with min_utilization, uses enough PEs).
bool satisfies(const Mapping &m, const Constraints &c, const Architecture &a, const Problem &p);

// The divisors of n, ascending.
std::vector<std::int64_t> divisors(std::int64_t n);

// A loop-order class: a representative order of the given dimensions (outermost first).
// Two orders are in one class when, for every operand, the loops after its innermost
// relevant loop agree (as a set for W and O, whose counts depend only on products of those
// trips; as a sequence for I, whose window overlaps depend on the order), and the level
// has relevant loops for the same operands.
const std::vector<std::vector<Dim>> &order_classes(std::uint32_t dim_mask);

// The classes again, each through a member in which the dimensions of `required` (those
// present) appear in that relative order; classes with no such member are left out.
std::vector<std::vector<Dim>> order_classes(std::uint32_t dim_mask,
                                            const std::vector<Dim> &required);

// One way to place spatial loops on a fanout.
struct SpatialChoice {
  std::vector<Loop> loops;         // x loops first, then y loops
  DimArray<std::int64_t> factor{}; // product of the spatial trips per dimension
  std::int64_t used = 1;           // instances used
};

// Every spatial choice on a fanout of size x*y for dimensions with `left` remaining,
// honouring the allowed dimensions per axis (nullptr: any).
// `stop`, if given, is polled; when it turns true the enumeration ends early.
std::vector<SpatialChoice> spatial_choices(const DimArray<std::int64_t> &left, std::int64_t x,
                                           std::int64_t y, const std::vector<Dim> *allowed_x,
                                           const std::vector<Dim> *allowed_y,
                                           const std::atomic<bool> *stop = nullptr);

// Of spatial_choices(...), the first choice of each factor vector, in the same order (the
// others are not listed). A fanout's x and y axes share its flags, so which axis carries a
// dimension's trips changes no count (a test checks this against the trace walker): the
// search prices one placement per factor vector.
std::vector<SpatialChoice> distinct_spatial_choices(const DimArray<std::int64_t> &left,
                                                    std::int64_t x, std::int64_t y,
                                                    const std::vector<Dim> *allowed_x,
                                                    const std::vector<Dim> *allowed_y,
                                                    const std::atomic<bool> *stop = nullptr);

} // namespace tessel
