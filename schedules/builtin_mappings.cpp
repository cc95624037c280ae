#include "schedules/builtin_mappings.hpp"

namespace tessel {

namespace {

Loop t(Dim d, std::int64_t trip) { return {d, trip, LoopKind::Temporal}; }
Loop x(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialX}; }
Loop y(Dim d, std::int64_t trip) { return {d, trip, LoopKind::SpatialY}; }

struct Entry {
  BuiltinMappingInfo info;
  Mapping (*make)();
};

const std::vector<Entry> &entries() {
  static const std::vector<Entry> list = {
      {{"eyeriss_rs_alexnet_conv3", "eyeriss", "alexnet_conv3",
        "row stationary: filter rows R and input channels C on the mesh's y axis, output rows "
        "P on its x axis; each PE runs 1-D convolutions of a filter row along an output row"},
       eyeriss_row_stationary_alexnet_conv3}};
  return list;
}

} // namespace

// How this mapping was derived (problem C256 K384 P=Q=13 R=S=3; levels RF 256 words per PE,
// GB 65536 words with a 16x16 fanout, DRAM):
//
// 1. The mesh (row stationary, Chen et al. ISCA 2016): a PE computes a 1-D convolution, one
//    filter row (S) slid along one output row (Q). Filter rows R = 3 go on the y axis (their
//    partial sums are reduced along it) and output rows P = 13 on the x axis (the input rows
//    they need run along the diagonals). The y axis has 16 / 3 = 5 rows of R to spare; C or K
//    fills them. 5 divides neither 256 nor 384, so we take C = 4 (also reduced along y):
//    y = R3 * C4 = 12, x = P13, 156 of 256 PEs (61%) busy, every factor perfect.
// 2. The RF tile (loops of the RF level): the whole output row Q13 with the filter row S3,
//    for K6 output and C4 input channels, so that a PE reuses each input row across 6 filters
//    and keeps 6 output rows of partial sums across 4 channels. Footprint:
//      W 6*4*3 = 72, I 4 * (13 + 3 - 1) = 60, O 6*13 = 78;  210 <= 256 words.
//    (K8 C4 would need 260 words and does not fit.)
// 3. The GB tile: K24 (4 x the RF's 6) and C128 (8 x 4 x 4), the whole 13x13 plane:
//      W 24*128*9 = 27648, I 128*15*15 = 28800, O 24*13*13 = 4056;  60504 <= 65536 words.
//    Inside GB, C (c1, 8) runs inside K (k2, 4), so the RF keeps its partial sums across
//    the C steps and never writes them up before they are complete for its 128 channels.
// 4. DRAM: the rest, C2 outside K16. With C outside, GB holds the same input tile across all
//    16 K steps: the input comes from DRAM once (57600 words) at the price of one round
//    trip of partial sums (64896 words written twice, read once) instead of reading the
//    input 16 times (921600 words) with K outside.
// Compute cycles = 2*16 * 4*8 * 6*4*13*3 = 958464 = MACs (149520384) / 156 PEs.
Mapping eyeriss_row_stationary_alexnet_conv3() {
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {t(Dim::C, 2), t(Dim::K, 16)};              // DRAM
  m.levels[1].temporal = {t(Dim::K, 4), t(Dim::C, 8)};               // GB
  m.levels[1].spatial = {x(Dim::P, 13), y(Dim::R, 3), y(Dim::C, 4)}; // GB's 16x16 mesh
  m.levels[0].temporal = {t(Dim::K, 6), t(Dim::C, 4), t(Dim::Q, 13), t(Dim::S, 3)}; // RF
  return m;
}

std::vector<BuiltinMappingInfo> builtin_mappings() {
  std::vector<BuiltinMappingInfo> infos;
  for (const Entry &e : entries())
    infos.push_back(e.info);
  return infos;
}

Mapping builtin_mapping(std::string_view name) {
  std::string known;
  for (const Entry &e : entries()) {
    if (e.info.name == name) return e.make();
    known += (known.empty() ? "" : ", ") + e.info.name;
  }
  user_error("mapping '" + std::string(name) + "'",
             "no such built-in mapping; the built-ins are " + known);
}

bool is_builtin_mapping(std::string_view name) {
  for (const Entry &e : entries())
    if (e.info.name == name) return true;
  return false;
}

std::optional<std::string> default_mapping_name(std::string_view architecture,
                                                std::string_view problem) {
  for (const Entry &e : entries())
    if (e.info.architecture == architecture && e.info.problem == problem) return e.info.name;
  return std::nullopt;
}

} // namespace tessel
