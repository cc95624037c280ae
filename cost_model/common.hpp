// Names shared by every Tessel module: the problem dimensions, the three operands, and the
// error type through which every user mistake is reported.
//
// Dimensions (single letters, as in the JSON formats of docs/json_formats.md):
//   N batch, K output channels (per group), C input channels (per group),
//   P output rows, Q output columns, R filter rows, S filter columns, G groups.
// Operands: W (weights), I (inputs), O (outputs / partial sums).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tessel {

enum class Dim : std::uint8_t { N, K, C, P, Q, R, S, G };
inline constexpr int kNumDims = 8;
inline constexpr std::array<Dim, kNumDims> kAllDims = {Dim::N, Dim::K, Dim::C, Dim::P,
                                                       Dim::Q, Dim::R, Dim::S, Dim::G};

enum class Operand : std::uint8_t { W, I, O };
inline constexpr int kNumOperands = 3;
inline constexpr std::array<Operand, kNumOperands> kAllOperands = {Operand::W, Operand::I,
                                                                   Operand::O};

// Per-dimension and per-operand arrays, indexed by the enums.
template <typename T> using DimArray = std::array<T, kNumDims>;
template <typename T> using OperandArray = std::array<T, kNumOperands>;

constexpr int idx(Dim d) { return static_cast<int>(d); }
constexpr int idx(Operand o) { return static_cast<int>(o); }

std::string_view dim_name(Dim d);
std::string_view operand_name(Operand o);
// Parse "N".."G" / "W","I","O"; std::nullopt for anything else.
std::optional<Dim> parse_dim(std::string_view s);
std::optional<Operand> parse_operand(std::string_view s);

// An operand is relevant to a dimension when its index uses that dimension
// (semantics.md §1). I is relevant to P and R through its row index, to Q and S
// through its column index.
constexpr bool relevant(Operand o, Dim d) {
  switch (o) {
  case Operand::W:
    return d == Dim::K || d == Dim::C || d == Dim::R || d == Dim::S || d == Dim::G;
  case Operand::I:
    return d == Dim::N || d == Dim::C || d == Dim::P || d == Dim::Q || d == Dim::R || d == Dim::S ||
           d == Dim::G;
  case Operand::O:
    return d == Dim::N || d == Dim::K || d == Dim::P || d == Dim::Q || d == Dim::G;
  }
  return false;
}

// Every user mistake (bad JSON, an illegal directive, a mapping that does not fit) is a
// UserError. `where` names the file, field or directive at fault; `what()` is the whole
// message, "where: detail". The CLI prints it and exits with code 2.
class UserError : public std::runtime_error {
public:
  UserError(std::string where, const std::string &detail)
      : std::runtime_error(where.empty() ? detail : where + ": " + detail),
        where_(std::move(where)) {}
  const std::string &where() const { return where_; }

private:
  std::string where_;
};

[[noreturn]] void user_error(const std::string &where, const std::string &detail);

// Ceiling division for positive integers.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

} // namespace tessel
