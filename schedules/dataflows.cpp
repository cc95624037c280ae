#include "schedules/dataflows.hpp"

#include "cost_model/evaluation.hpp"
#include "dsl/cpp_printer.hpp"
#include "schedules/dataflow_template.hpp"

#include <algorithm>

namespace tessel {

namespace {

constexpr Dim N = Dim::N, K = Dim::K, C = Dim::C, P = Dim::P, Q = Dim::Q, R = Dim::R, S = Dim::S,
              G = Dim::G;

struct Entry {
  DataflowInfo info;
  DataflowTemplate tmpl;
};

// Row stationary (Chen, Emer, Sze, ISCA 2016; facts.md: filter rows and output rows on the
// two array axes, with C or K replicated to fill the array). A PE runs a 1-D convolution:
// one filter row (S taps) slid along one output row (Q outputs), from its RF. The R filter
// rows of a filter sit on one column of PEs (y), so their partial sums are added up along
// it; the P output rows go along x. The room left on y takes C (more partial sums reduced
// along the column), the room left on x takes K, then N. The RF holds the filter row and
// as much of the output row as fits, then grows C, K and N in turn; inside the RF the order
// is S innermost, then Q, C, K. At the array level C runs innermost, so a PE keeps its
// partial sums while its input channels stream in.
DataflowTemplate row_stationary() {
  DataflowTemplate t;
  t.name = "row_stationary";
  t.y = {R, C, G};
  t.x = {P, K, N};
  t.whole_on_y = {R};
  t.whole_on_y_reason =
      "row stationary puts the R rows of a filter on one column of PEs, one row per PE";
  t.pe_growth = {{S}, {Q}, {K, C, N}};
  t.pe_order = {S, Q, C, K, N};
  t.array_order = {C, S, Q, P, R, K, N, G};
  return t;
}

// Weight stationary C|K (NVDLA, TPU; facts.md). Input channels C go down the y axis (their
// partial sums are reduced along it), output channels K (then groups G, which are like
// independent output channels) along x. Each PE's RF holds as many weights as fit: whole
// filter planes R x S first, then C and K in turn; at the array level the pixels and the
// batch (Q, P, N) run innermost, so the weights stay while the inputs stream past.
DataflowTemplate weight_stationary() {
  DataflowTemplate t;
  t.name = "weight_stationary";
  t.y = {C};
  t.x = {K, G};
  t.pe_growth = {{R, S}, {C, K}};
  t.pe_order = {S, R, C, K};
  t.array_order = {Q, P, N, S, R, C, K, G};
  return t;
}

// Output stationary P|Q (ShiDianNao; facts.md). Output rows P go on y, output columns Q on
// x; when the output plane is smaller than the array, N, G and K (every dimension an output
// word has) fill the rest, so each PE still owns its outputs and no partial sum crosses
// the array. The RF takes the reduction first (S, R, then C), then K; at the array level
// the reduction (C, S, R) runs innermost, so an output stays in its PE until it is done.
DataflowTemplate output_stationary() {
  DataflowTemplate t;
  t.name = "output_stationary";
  t.y = {P, N, G, K};
  t.x = {Q, K};
  t.pe_growth = {{S}, {R}, {C}, {K}};
  t.pe_order = {S, R, C, K};
  t.array_order = {C, S, R, Q, P, N, K, G};
  return t;
}

// No local reuse (DianNao; facts.md). Tn output channels K on x, Ti input channels C on y
// (DianNao's NFU of 16 x 16 multipliers with adder trees). Nothing stays inside the PEs: the
// per-PE levels bypass W, I and O, so every MAC takes its weight and input from the
// innermost buffer that keeps them (an input is multicast along its row), and the partial
// sums of a column are added in the array (spatial reduction) and accumulated in the
// buffer. On an architecture without spatial reduction each PE's partial sum is a separate
// read-modify-write of the buffer.
DataflowTemplate no_local_reuse() {
  DataflowTemplate t;
  t.name = "no_local_reuse";
  t.y = {C};
  t.x = {K, G};
  t.pe_keeps = {false, false, false};
  t.array_order = {C, S, R, Q, P, N, K, G};
  return t;
}

// Gemmini's weight-stationary mode (Genc et al., DAC 2021): the weights of a C x K block are
// preloaded, one per PE (C on the rows, y; K on the columns, x); the rows of the input
// matrix (the pixels and the batch: Q, P, N) stream through, and the partial sums flow down
// the columns into the accumulator. The PE keeps only its weight (one word).
DataflowTemplate gemmini_ws() {
  DataflowTemplate t;
  t.name = "gemmini_ws";
  t.y = {C};
  t.x = {K, G};
  t.pe_keeps = {true, false, false};
  t.array_order = {Q, P, N, S, R, C, K, G};
  return t;
}

// Gemmini's output-stationary mode: each PE accumulates one output word; the output pixels
// (Q, then P, then N) go on the rows (y), the output channels K on the columns (x); the
// reduction (C, S, R) runs innermost while weights and inputs flow through. The PE keeps
// only its output (one word).
DataflowTemplate gemmini_os() {
  DataflowTemplate t;
  t.name = "gemmini_os";
  t.y = {Q, P, N};
  t.x = {K, G};
  t.pe_keeps = {false, false, true};
  t.array_order = {C, S, R, Q, P, N, K, G};
  return t;
}

const std::vector<Entry> &entries() {
  static const std::vector<Entry> list = {
      {{"row_stationary",
        "R (whole) and C on y, P and K on x; the RF keeps a filter row, an input row and an "
        "output row of partial sums (1-D convolutions)",
        "eyeriss",
        "Chen, Emer, Sze, \"Eyeriss: A Spatial Architecture for Energy-Efficient Dataflow for "
        "Convolutional Neural Networks\", ISCA 2016"},
       row_stationary()},
      {{"weight_stationary",
        "C on y, K on x; the RF keeps a block of weights while the pixels stream past",
        "nvdla_like",
        "NVDLA hardware architecture documentation (nvdla.org); Jouppi et al., \"In-Datacenter "
        "Performance Analysis of a Tensor Processing Unit\", ISCA 2017"},
       weight_stationary()},
      {{"output_stationary",
        "P on y, Q on x (then N, G, K); the RF keeps its outputs while C, R, S run",
        "shidiannao_like",
        "Du et al., \"ShiDianNao: Shifting Vision Processing Closer to the Sensor\", ISCA "
        "2015"},
       output_stationary()},
      {{"no_local_reuse",
        "C on y, K on x; nothing stays in the PE: W and I come from the buffer at every MAC, "
        "partial sums are reduced across the array",
        "diannao_like",
        "Chen et al., \"DianNao: A Small-Footprint High-Throughput Accelerator for Ubiquitous "
        "Machine-Learning\", ASPLOS 2014"},
       no_local_reuse()},
      {{"gemmini_ws",
        "C on rows (y), K on columns (x); each PE keeps one weight, inputs and partial sums "
        "flow through to the accumulator",
        "gemmini",
        "Genc et al., \"Gemmini: Enabling Systematic Deep-Learning Architecture Evaluation "
        "via Full-Stack Integration\", DAC 2021"},
       gemmini_ws()},
      {{"gemmini_os",
        "output pixels Q, P, N on rows (y), K on columns (x); each PE keeps one output while "
        "C, R, S run",
        "gemmini",
        "Genc et al., \"Gemmini: Enabling Systematic Deep-Learning Architecture Evaluation "
        "via Full-Stack Integration\", DAC 2021"},
       gemmini_os()},
  };
  return list;
}

const Entry &entry(std::string_view name) {
  std::string known;
  for (const Entry &e : entries()) {
    if (e.info.name == name) return e;
    known += (known.empty() ? "" : ", ") + e.info.name;
  }
  user_error("dataflow '" + std::string(name) + "'",
             "no such dataflow; the dataflows are " + known);
}

} // namespace

const std::vector<DataflowInfo> &dataflow_infos() {
  static const std::vector<DataflowInfo> infos = [] {
    std::vector<DataflowInfo> v;
    for (const Entry &e : entries())
      v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::vector<std::string> dataflow_names() {
  std::vector<std::string> names;
  for (const Entry &e : entries())
    names.push_back(e.info.name);
  return names;
}

bool is_dataflow(std::string_view name) {
  for (const Entry &e : entries())
    if (e.info.name == name) return true;
  return false;
}

const DataflowInfo &dataflow_info(std::string_view name) { return entry(name).info; }

Schedule dataflow_schedule(std::string_view name, const Problem &problem,
                           const Architecture &arch) {
  return build_dataflow_schedule(entry(name).tmpl, problem, arch);
}

Mapping dataflow_mapping(std::string_view name, const Problem &problem, const Architecture &arch) {
  return dataflow_schedule(name, problem, arch).lower().mapping;
}

std::string dataflow_schedule_code(std::string_view name, const Problem &problem,
                                   const Architecture &arch) {
  const Entry &e = entry(name);
  return "// Dataflow " + e.info.name + ": " + e.info.summary + ".\n" +
         to_dsl_code(build_dataflow_schedule(e.tmpl, problem, arch));
}

Constraints dataflow_constraints(std::string_view name, const Architecture &arch) {
  const DataflowTemplate &t = entry(name).tmpl;
  const int array = pe_array_level(arch);
  if (array < 0)
    user_error("dataflow " + t.name, "architecture '" + arch.name +
                                         "' has no PE array (no level has a fanout larger "
                                         "than 1x1)");
  Constraints c;
  for (int l = 0; l < arch.num_levels(); ++l) {
    if (arch.levels[l].fanout.size() <= 1) continue;
    const std::string &level = arch.levels[l].name;
    c.spatial_x[level] = {};
    c.spatial_y[level] = {};
    if (l != array) continue;
    c.spatial_x[level] = t.x;
    std::vector<Dim> y = t.whole_on_y;
    for (Dim d : t.y)
      if (std::find(y.begin(), y.end(), d) == y.end()) y.push_back(d);
    c.spatial_y[level] = y;
  }
  return c;
}

} // namespace tessel
