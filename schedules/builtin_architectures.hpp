// Built-in architectures, selectable by name (`tessel eval --arch eyeriss`).
#pragma once

#include "cost_model/architecture.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tessel {

// The architecture used when none is given.
inline constexpr std::string_view kDefaultArchitecture = "eyeriss";

// The built-in architecture of that name; an unknown name is a UserError listing the known
// ones.
Architecture builtin_architecture(std::string_view name);

// Names of the built-in architectures, the default first.
std::vector<std::string> builtin_architecture_names();

bool is_builtin_architecture(std::string_view name);

} // namespace tessel
