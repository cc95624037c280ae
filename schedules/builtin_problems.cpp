#include "schedules/builtin_problems.hpp"

namespace tessel {

namespace {

// AlexNet CONV3 (facts.md): C256 K384, 3x3 filters, 13x13 outputs, stride 1, batch 1.
Problem alexnet_conv3() {
  Problem p;
  p.name = "alexnet_conv3";
  p.size[idx(Dim::C)] = 256;
  p.size[idx(Dim::K)] = 384;
  p.size[idx(Dim::P)] = 13;
  p.size[idx(Dim::Q)] = 13;
  p.size[idx(Dim::R)] = 3;
  p.size[idx(Dim::S)] = 3;
  return p;
}

struct Entry {
  std::string_view name;
  Problem (*make)();
};

constexpr Entry kBuiltins[] = {{"alexnet_conv3", alexnet_conv3}};

} // namespace

Problem builtin_problem(std::string_view name) {
  for (const Entry &e : kBuiltins)
    if (e.name == name) return e.make();
  std::string known;
  for (const Entry &e : kBuiltins)
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  user_error("problem '" + std::string(name) + "'",
             "no such built-in problem; the built-ins are " + known);
}

std::vector<std::string> builtin_problem_names() {
  std::vector<std::string> names;
  for (const Entry &e : kBuiltins)
    names.emplace_back(e.name);
  return names;
}

bool is_builtin_problem(std::string_view name) {
  for (const Entry &e : kBuiltins)
    if (e.name == name) return true;
  return false;
}

} // namespace tessel
