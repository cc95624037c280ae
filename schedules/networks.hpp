// The network zoo: well-known networks embedded in the binary, loaded by name
// (`--network resnet50`). Every layer is a Problem (cost_model/problem.hpp: K and C per
// group, G groups) with a repeat count; identical layers within a stage share one entry.
//
// Shapes come from the original papers; docs/networks.md lists every layer with its MACs
// and cites the sources. schedules/networks/*.json holds the same networks as JSON files,
// regenerated from these definitions by tools/export_networks.sh.
#pragma once

#include "cost_model/problem.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessel {

// Pass as `batch` to get the network's own default batch (1 for the CNNs, 128 for the MLP
// and LSTM workloads, as in Interstellar).
inline constexpr std::int64_t kDefaultBatch = 0;

struct BuiltinNetworkInfo {
  std::string name;        // the name to load it by, e.g. "resnet50"
  std::string description; // one line: what is in it
  std::string source;      // the paper its shapes come from
  std::int64_t default_batch = 1;
};

// Every built-in network, in a fixed order (the order of builtin_network_names()).
const std::vector<BuiltinNetworkInfo> &builtin_network_infos();
std::vector<std::string> builtin_network_names();

// The network `name` (case-insensitive) with batch size `batch` (the N extent of every
// layer; kDefaultBatch for the network's default). Throws UserError for an unknown name
// (naming the known ones) or a negative batch.
Network builtin_network(std::string_view name, std::int64_t batch = kDefaultBatch);

} // namespace tessel
