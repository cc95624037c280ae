// Reading and writing Tessel's JSON files: problems, networks, architectures, mappings and
// evaluation results, in the formats of docs/json_formats.md (which follows
// ../shared/spec/interfaces.md).
//
// Reading is strict: every mistake is a UserError whose message names the file, the field
// path inside it and the offending value, e.g.
//   arch.json: levels[1].fanout.x: must be a positive integer, got -3
// Unknown keys are rejected (a misspelt key must not be silently ignored). Each parsed
// object is passed through tessel::validate before it is returned.
//
// Writing produces the same formats, so that what is written can be read back unchanged.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/evaluation.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tessel {

// Objects keep their keys in insertion order, so written files read naturally.
using Json = nlohmann::ordered_json;

// ---- raw JSON -------------------------------------------------------------------------

// Parses JSON text; `file` names the source in error messages. Malformed text is a
// UserError giving the byte position (and line and column) that nlohmann reports.
Json parse_json(std::string_view text, const std::string &file);

// Reads and parses a file; the path itself names it in error messages.
Json read_json_file(const std::string &path);

// Pretty-prints JSON with two-space indentation, but keeps short arrays of scalars (such
// as loops ["K", 16, "x"]) and arrays of such arrays on one line. Ends with a newline.
std::string dump_json(const Json &j);

// ---- problems and networks -----------------------------------------------------------

// `file` names the source in error messages; `path` is the field path of `j` inside that
// file ("" for the whole file, "layers[3]" for a layer of a network).
Problem problem_from_json(const Json &j, const std::string &file, const std::string &path = "");
Json to_json(const Problem &p);

// A network: {"name": ..., "layers": [<problem with optional "repeat">, ...]}.
Network network_from_json(const Json &j, const std::string &file);
Json to_json(const Network &n);

// ---- architectures ----------------------------------------------------------------------

Architecture architecture_from_json(const Json &j, const std::string &file);
Json to_json(const Architecture &a);

// ---- mappings ---------------------------------------------------------------------------

// Levels are named; they are matched to the architecture's levels by name. The mapping is
// validated against the problem and the architecture (tessel::validate); capacity is not
// checked here (see check_capacity in cost_model/evaluation.hpp).
Mapping mapping_from_json(const Json &j, const Problem &p, const Architecture &a,
                          const std::string &file);
// Levels outermost first, each named after the architecture's level.
Json to_json(const Mapping &m, const Architecture &a);

// ---- evaluation results -------------------------------------------------------------------

// The result of `tessel eval` (interfaces.md): macs, energy_pj, pj_per_mac, cycles,
// utilization, levels[...], fanouts[...], mac_energy_pj, plus capacity use per level, the
// governing bound, compute cycles and the utilization losses.
Json to_json(const Evaluation &e, const Problem &p, const Architecture &a);

// ---- names --------------------------------------------------------------------------------

// The candidate closest to `name` (edit distance, ignoring case) when it is close enough to
// be a likely typo; std::nullopt otherwise. Used for "did you mean" hints.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &candidates);

// ---- files --------------------------------------------------------------------------------

Problem load_problem(const std::string &path);
Network load_network(const std::string &path);
Architecture load_architecture(const std::string &path);
Mapping load_mapping(const std::string &path, const Problem &p, const Architecture &a);

// Runs f(); a UserError it throws is re-thrown with `file` in front of its field path, so
// that tessel::validate's messages ("levels[0].name: ...") name the file as ours do.
// A leading '.' of the field path (validate called with where = "") is dropped.
template <typename F> decltype(auto) with_file(const std::string &file, F &&f);

namespace detail {
[[noreturn]] void rethrow_with_file(const std::string &file, const UserError &e);
} // namespace detail

template <typename F> decltype(auto) with_file(const std::string &file, F &&f) {
  try {
    return f();
  } catch (const UserError &e) {
    detail::rethrow_with_file(file, e);
  }
}

} // namespace tessel
