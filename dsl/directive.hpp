// Directive: one recorded scheduling step, and the enums that parametrize the directives.
//
// Every call of a Schedule directive (dsl/schedule.hpp) is recorded as a Directive in the
// schedule's history. A Directive can be replayed on another Schedule (Schedule::apply),
// printed in error messages (to_string: "split(k, k_o, k_i, 5)") and printed as C++
// (dsl/cpp_printer.hpp). The meaning and the legality rules of each directive are
// documented on the Schedule member of the same name.
#pragma once

#include "cost_model/common.hpp"

#include <string>
#include <vector>

namespace tessel {

// What `split` does when the factor does not divide the extent of the loop it splits.
enum class TailStrategy : std::uint8_t {
  Error,       // the factor must divide the extent; anything else is a UserError
  GuardWithIf, // the last outer iteration is a partial tile: iterations whose index reaches
               // the dimension's extent are guarded off (skipped), never padded into MACs
};

// The axis of a level's fanout (its X-by-Y mesh of child instances) a spatial loop runs on.
enum class Axis : std::uint8_t { X, Y };

std::string_view tail_strategy_name(TailStrategy t); // "TailStrategy::GuardWithIf"
std::string_view axis_name(Axis a);                  // "X" or "Y"

// The name of a dimension's default loop: its letter in lower case ("k" for Dim::K).
std::string default_loop_name(Dim d);

struct Directive {
  enum class Kind : std::uint8_t {
    AddLoop,   // add_loop(dim)                      vars = {name}
    Split,     // split(var, outer, inner, factor)   vars = {var, outer, inner}
    Reorder,   // reorder({vars...})                 vars innermost first
    Spatial,   // spatial(var, axis)                 vars = {var}
    Unroll,    // unroll(var)                        vars = {var}
    StoreAt,   // store_at(level, var)               vars = {var}
    StoreRoot, // store_root(level)                  vars = {}
    Bypass,    // bypass(level, operand)             vars = {}
  };

  Kind kind = Kind::Reorder;
  std::vector<std::string> vars;
  std::int64_t factor = 1;
  TailStrategy tail = TailStrategy::Error;
  Axis axis = Axis::X;
  std::string level;
  Operand operand = Operand::W;
  Dim dim = Dim::N;

  static Directive add_loop(Dim d, std::string name);
  static Directive split(std::string var, std::string outer, std::string inner, std::int64_t factor,
                         TailStrategy tail);
  static Directive reorder(std::vector<std::string> vars_innermost_first);
  static Directive spatial(std::string var, Axis axis);
  static Directive unroll(std::string var);
  static Directive store_at(std::string level, std::string var);
  static Directive store_root(std::string level);
  static Directive bypass(std::string level, Operand o);

  bool operator==(const Directive &) const = default;
};

// The directive as it is named in error messages, e.g. "split(k, k_o, k_i, 5)",
// "split(p, p_o, p_i, 4, TailStrategy::GuardWithIf)", "reorder({k_i, c, k_o})",
// "store_at(GB, k_o)", "spatial(k_i, X)", "bypass(RF, I)", "add_loop(N)".
std::string to_string(const Directive &d);

} // namespace tessel
