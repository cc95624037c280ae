// Built-in single-layer problems, selectable by name (`tessel eval --problem alexnet_conv3`).
// Whole networks live in schedules/networks.*; this is only what `tessel eval` needs for its
// default run.
#pragma once

#include "cost_model/problem.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tessel {

// The problem `tessel eval` uses when none is given.
inline constexpr std::string_view kDefaultProblem = "alexnet_conv3";

// The built-in problem of that name; an unknown name is a UserError listing the known ones.
Problem builtin_problem(std::string_view name);

std::vector<std::string> builtin_problem_names();

bool is_builtin_problem(std::string_view name);

} // namespace tessel
