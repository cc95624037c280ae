// LoopVar: the name of one loop of a schedule's loop nest.
//
// A LoopVar is only a name, as Halide's Var is: it holds no extent and belongs to no
// schedule. Directives look the name up in the schedule they are called on; a name that
// names no current loop is an error there. The default loops of a schedule are named after
// the problem's dimensions in lower case:
//
//   g (groups), n (batch), k (output channels), c (input channels),
//   p (output rows), q (output columns), r (filter rows), s (filter columns)
//
// and `split` introduces new names (e.g. k -> k_o, k_i).
//
//   tessel::LoopVar k("k"), k_o("k_o"), k_i("k_i");
//   sched.split(k, k_o, k_i, 16);
//   sched.split("k", "k_o", "k_i", 16);   // the same: a name converts to a LoopVar
#pragma once

#include <string>
#include <utility>

namespace tessel {

class LoopVar {
public:
  // Implicit, so that a name ("k", or a std::string) can stand for a LoopVar.
  LoopVar(std::string name) : name_(std::move(name)) {} // NOLINT(google-explicit-constructor)
  LoopVar(const char *name) : name_(name) {}            // NOLINT(google-explicit-constructor)

  const std::string &name() const { return name_; }
  bool operator==(const LoopVar &) const = default;

private:
  std::string name_;
};

} // namespace tessel
