// Text generated from the embedded network zoo (schedules/networks.hpp): the JSON files in
// schedules/networks/ and the layer tables of docs/networks.md. A test checks that the
// committed files equal this text; tools/export_networks.sh rewrites them.
//
// The JSON emitter here is private to the export: it writes the network format of
// docs/interfaces (PyTorch-style channel totals "C", "K" with "groups"; "type" conv, gemm or
// depthwise; "repeat" on every layer).
#pragma once

#include "schedules/networks.hpp"

#include <string>

namespace tessel::test {

// The JSON file of a built-in network at its default batch.
std::string network_json_text(const BuiltinNetworkInfo &info);

// The generated part of docs/networks.md: one layer table per built-in network.
std::string networks_markdown_tables();

// Marks around the generated part of docs/networks.md.
inline constexpr const char *kDocBegin = "<!-- BEGIN GENERATED: tools/export_networks.sh -->";
inline constexpr const char *kDocEnd = "<!-- END GENERATED -->";

} // namespace tessel::test
