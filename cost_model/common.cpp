#include "cost_model/common.hpp"

namespace tessel {

namespace {
constexpr std::array<std::string_view, kNumDims> kDimNames = {"N", "K", "C", "P",
                                                              "Q", "R", "S", "G"};
constexpr std::array<std::string_view, kNumOperands> kOperandNames = {"W", "I", "O"};
} // namespace

std::string_view dim_name(Dim d) { return kDimNames[idx(d)]; }
std::string_view operand_name(Operand o) { return kOperandNames[idx(o)]; }

std::optional<Dim> parse_dim(std::string_view s) {
  for (Dim d : kAllDims)
    if (kDimNames[idx(d)] == s) return d;
  return std::nullopt;
}

std::optional<Operand> parse_operand(std::string_view s) {
  for (Operand o : kAllOperands)
    if (kOperandNames[idx(o)] == s) return o;
  return std::nullopt;
}

void user_error(const std::string &where, const std::string &detail) {
  throw UserError(where, detail);
}

} // namespace tessel
