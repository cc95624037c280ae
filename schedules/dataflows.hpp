// Named dataflows: schedule templates written in the DSL that adapt to any layer (conv,
// grouped, depthwise, GEMM / fully connected) and any architecture with a PE array, each
// with the built-in architecture it was published for.
//
//   row_stationary     Eyeriss: filter rows R on the y axis (whole), output rows P on x,
//                      C (y) and K (x) replicated to fill the array; each PE runs 1-D
//                      convolutions (a filter row S along an output row Q) from its RF.
//   weight_stationary  NVDLA / TPU-like: C on y, K on x; each PE keeps a block of weights
//                      while the pixels stream past.
//   output_stationary  ShiDianNao: P on y, Q on x (then N, G, K to fill); each PE keeps its
//                      outputs while the whole reduction (C, R, S) runs.
//   no_local_reuse     DianNao: C on y, K on x; nothing stays in the PE: every MAC reads its
//                      weight and input from the buffer, partial sums are reduced across
//                      the array and accumulated in the buffer.
//   gemmini_ws         Gemmini's weight-stationary mode: C on rows (y), K on columns (x),
//                      one weight per PE; inputs and partial sums never stop in the PE.
//   gemmini_os         Gemmini's output-stationary mode: output pixels (Q, P, N) on rows,
//                      K on columns, one output accumulator per PE.
//
// How the factors are chosen: schedules/dataflow_template.hpp. Every mapping produced
// passes validate and check_capacity; a layer that cannot be mapped is a UserError
// "dataflow <name>: cannot map layer '<layer>' on architecture '<arch>': <reason>".
// docs/dataflows.md explains each dataflow and shows their costs on AlexNet.
#pragma once

#include "dsl/schedule.hpp"
#include "explorer/mapspace.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tessel {

struct DataflowInfo {
  std::string name;
  std::string summary;      // which loops are spatial, what stays in the PE
  std::string architecture; // the built-in architecture it was published for
  std::string source;       // where it was published
};

// Every named dataflow, in a fixed order.
const std::vector<DataflowInfo> &dataflow_infos();
std::vector<std::string> dataflow_names();
bool is_dataflow(std::string_view name);
// The named dataflow's description; an unknown name is a UserError listing the known ones.
const DataflowInfo &dataflow_info(std::string_view name);

// The dataflow's schedule of a layer on an architecture, written with the DSL's directives
// (its history() is the directive sequence).
Schedule dataflow_schedule(std::string_view name, const Problem &problem, const Architecture &arch);

// The same, lowered: a valid mapping whose tiles fit every level.
Mapping dataflow_mapping(std::string_view name, const Problem &problem, const Architecture &arch);

// The schedule as C++ DSL code (the body of a function of `problem` and `arch` that
// returns the schedule; dsl/cpp_printer.hpp), under a comment naming the dataflow.
std::string dataflow_schedule_code(std::string_view name, const Problem &problem,
                                   const Architecture &arch);

// The dataflow as explorer constraints: the dimensions allowed on each axis of the PE
// array's fanout (the level pe_array_level() finds); every other fanout is left unused
// (empty lists). The explorer then searches the factors, orders and tiles.
// What the constraints cannot express (row stationary's whole R on y, the dataflow's
// bypasses and loop orders) is left to the search.
Constraints dataflow_constraints(std::string_view name, const Architecture &arch);

} // namespace tessel
