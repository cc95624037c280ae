// Built-in mappings, selectable by name (`tessel eval --mapping eyeriss_rs_alexnet_conv3`),
// and the default mapping `tessel eval` uses for a built-in architecture and problem.
#pragma once

#include "cost_model/mapping.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessel {

struct BuiltinMappingInfo {
  std::string name;
  std::string architecture; // the built-in architecture it is written for
  std::string problem;      // the built-in problem it maps
  std::string description;
};

std::vector<BuiltinMappingInfo> builtin_mappings();

// The built-in mapping of that name; an unknown name is a UserError listing the known ones.
Mapping builtin_mapping(std::string_view name);

bool is_builtin_mapping(std::string_view name);

// The name of the built-in mapping written for this architecture and problem, if any.
std::optional<std::string> default_mapping_name(std::string_view architecture,
                                                std::string_view problem);

// Row stationary (Eyeriss) for AlexNet CONV3 on the built-in "eyeriss" architecture.
Mapping eyeriss_row_stationary_alexnet_conv3();

} // namespace tessel
