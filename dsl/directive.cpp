#include "dsl/directive.hpp"

namespace tessel {

std::string_view tail_strategy_name(TailStrategy t) {
  switch (t) {
  case TailStrategy::Error:
    return "TailStrategy::Error";
  case TailStrategy::GuardWithIf:
    return "TailStrategy::GuardWithIf";
  }
  return "TailStrategy::Error";
}

std::string_view axis_name(Axis a) { return a == Axis::X ? "X" : "Y"; }

std::string default_loop_name(Dim d) {
  std::string s(dim_name(d));
  s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

Directive Directive::add_loop(Dim d, std::string name) {
  Directive r;
  r.kind = Kind::AddLoop;
  r.dim = d;
  r.vars = {std::move(name)};
  return r;
}

Directive Directive::split(std::string var, std::string outer, std::string inner,
                           std::int64_t factor, TailStrategy tail) {
  Directive r;
  r.kind = Kind::Split;
  r.vars = {std::move(var), std::move(outer), std::move(inner)};
  r.factor = factor;
  r.tail = tail;
  return r;
}

Directive Directive::reorder(std::vector<std::string> vars_innermost_first) {
  Directive r;
  r.kind = Kind::Reorder;
  r.vars = std::move(vars_innermost_first);
  return r;
}

Directive Directive::spatial(std::string var, Axis axis) {
  Directive r;
  r.kind = Kind::Spatial;
  r.vars = {std::move(var)};
  r.axis = axis;
  return r;
}

Directive Directive::unroll(std::string var) {
  Directive r;
  r.kind = Kind::Unroll;
  r.vars = {std::move(var)};
  return r;
}

Directive Directive::store_at(std::string level, std::string var) {
  Directive r;
  r.kind = Kind::StoreAt;
  r.level = std::move(level);
  r.vars = {std::move(var)};
  return r;
}

Directive Directive::store_root(std::string level) {
  Directive r;
  r.kind = Kind::StoreRoot;
  r.level = std::move(level);
  return r;
}

Directive Directive::bypass(std::string level, Operand o) {
  Directive r;
  r.kind = Kind::Bypass;
  r.level = std::move(level);
  r.operand = o;
  return r;
}

namespace {

std::string join(const std::vector<std::string> &names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += (i ? ", " : "") + names[i];
  return s;
}

} // namespace

std::string to_string(const Directive &d) {
  switch (d.kind) {
  case Directive::Kind::AddLoop: {
    std::string s = "add_loop(" + std::string(dim_name(d.dim));
    if (d.vars.size() == 1 && d.vars[0] != default_loop_name(d.dim)) s += ", " + d.vars[0];
    return s + ")";
  }
  case Directive::Kind::Split: {
    std::string s = "split(" + join(d.vars) + ", " + std::to_string(d.factor);
    if (d.tail != TailStrategy::Error) s += ", " + std::string(tail_strategy_name(d.tail));
    return s + ")";
  }
  case Directive::Kind::Reorder:
    return "reorder({" + join(d.vars) + "})";
  case Directive::Kind::Spatial:
    return "spatial(" + join(d.vars) + ", " + std::string(axis_name(d.axis)) + ")";
  case Directive::Kind::Unroll:
    return "unroll(" + join(d.vars) + ")";
  case Directive::Kind::StoreAt:
    return "store_at(" + d.level + ", " + join(d.vars) + ")";
  case Directive::Kind::StoreRoot:
    return "store_root(" + d.level + ")";
  case Directive::Kind::Bypass:
    return "bypass(" + d.level + ", " + std::string(operand_name(d.operand)) + ")";
  }
  return "directive";
}

} // namespace tessel
