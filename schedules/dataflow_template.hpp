// The machinery behind the named dataflows (schedules/dataflows.hpp): a dataflow TEMPLATE
// says which dimensions go on the PE array's axes, what stays inside the PEs and in which
// loop order; build_dataflow_schedule() chooses the factors for one layer on one
// architecture and writes the schedule with the DSL's directives (split, reorder,
// store_at, spatial, bypass).
//
// The architecture is read as three parts:
//   - the PE ARRAY: the level with the largest fanout (pe_array_level); its fanout is the
//     mesh the template's spatial loops go on;
//   - the PER-PE levels: the levels inside it (levels[0 .. array-1]; none when the array's
//     children are the MAC units themselves);
//   - the OUTER levels: the levels above it, up to DRAM.
//
// The factor choice is a deterministic greedy, in this order:
//   1. Spatial: fill the y axis, then the x axis, with the template's dimensions in their
//      order; each takes the largest divisor of what is left of it that fits the room left
//      on the axis. A divisor that would leave more than a quarter of that room idle gives
//      way to an imperfect factor (a guarded last pass, never padded) when that covers the
//      axis better, e.g. P = 27 on 16 columns: 14 + 13 rows in two passes instead of 9 x 3.
//   2. Per-PE levels, innermost first: grow the tile along pe_growth while every bounded
//      level from this one outward can still hold it (checked on the footprints of
//      cost_model/footprint.hpp, in words or bytes). Per-PE factors divide the layer's
//      extents; a dimension with an imperfect spatial factor keeps its per-PE trip at 1.
//   3. The array level and the outer levels, inner to outer: filters whole first ({R, S}),
//      then C, K, P, Q, N, G grown in turn by one divisor step at a time, under the same
//      capacity rule. The outermost level (DRAM) takes what is left.
//   4. Loop orders: inside the PE and at the array level, the template's orders (they are
//      what makes a dataflow weight-, output- or row-stationary); above the array, three
//      canonical orders (keep W, keep O or keep I in the array level's tile) are lowered and
//      evaluated with the exact cost model, and the cheapest in energy is kept.
// Every produced schedule lowers to a mapping that passes validate and check_capacity.
#pragma once

#include "dsl/schedule.hpp"

#include <string>
#include <vector>

namespace tessel {

struct DataflowTemplate {
  std::string name;
  // Dimensions spread over the PE array, per axis, in fill order (each at most once per
  // axis). The y axis is filled first.
  std::vector<Dim> y, x;
  // Dimensions that must lie wholly on the y axis, and why (for the error message when one
  // does not fit), e.g. R for row stationary.
  std::vector<Dim> whole_on_y;
  std::string whole_on_y_reason;
  // Operands the per-PE levels keep; the others bypass every level inside the array.
  OperandArray<bool> pe_keeps = {true, true, true};
  // How the tile of each per-PE level grows: a step of one dimension takes the largest
  // divisor that fits; a step of several grows them in turn, one divisor step at a time.
  std::vector<std::vector<Dim>> pe_growth;
  // Temporal loop orders, INNERMOST FIRST (as the DSL lists loops): inside the PEs and at
  // the array level. Dimensions not listed go outside the listed ones, in N K C P Q R S G
  // order.
  std::vector<Dim> pe_order, array_order;
};

// The level whose fanout is the PE array: the level with the largest fanout (the innermost
// of equal ones), or -1 when no level has a fanout larger than 1x1.
int pe_array_level(const Architecture &arch);

// The dataflow's schedule of `problem` on `arch`, as described above. Throws UserError
// "dataflow <name>: cannot map layer '<layer>' on architecture '<arch>': <reason>" when it
// cannot (no PE array, a dimension that must be whole does not fit its axis, a level that
// cannot hold the smallest tile the dataflow needs).
Schedule build_dataflow_schedule(const DataflowTemplate &t, const Problem &problem,
                                 const Architecture &arch);

} // namespace tessel
