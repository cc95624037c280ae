// Search constraints as JSON (docs/explorer.md):
//   {"spatial": {"GB": {"x": ["K"], "y": ["C"]}},      dimensions allowed per fanout axis
//    "loop_order": {"DRAM": ["K", "C"]},               required relative order, outermost first
//    "temporal_factor": {"GB": {"P": 13}},             fixed temporal trips
//    "min_utilization": 0.5}                            fraction of PEs the mapping must use
// and the command-line forms "GB=KC" (level = dimension letters) of the same settings.
#pragma once

#include "cost_model/json_io.hpp"
#include "explorer/mapspace.hpp"

namespace tessel {

// Reads constraints; errors name the file, the field path and the value.
Constraints constraints_from_json(const Json &j, const Architecture &a, const std::string &file);
Json to_json(const Constraints &c);

// "GB=KC": a level name and dimension letters. `what` names the option in errors.
std::pair<std::string, std::vector<Dim>> parse_level_dims(const std::string &text,
                                                          const std::string &what);

} // namespace tessel
