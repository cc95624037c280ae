#include "dsl/cpp_printer.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace tessel {

namespace {

// ---- the directive sequence for a mapping ---------------------------------------------

std::string leaf_name(Dim d, std::size_t j) { return default_loop_name(d) + std::to_string(j); }

// The name of the loop that still covers leaves 0..last (last >= 1) during the peeling.
std::string spine_name(Dim d, std::size_t last) {
  return last == 0 ? leaf_name(d, 0) : default_loop_name(d) + "0_" + std::to_string(last);
}

// ---- printing --------------------------------------------------------------------------

bool is_identifier(const std::string &s) {
  // clang-format off
  static const std::set<std::string> reserved = {
      "sched", "problem", "arch", "tessel", "std", "LoopVar", "Schedule", "Axis", "Dim",
      "Operand", "TailStrategy", "alignas", "alignof", "and", "and_eq", "asm", "auto",
      "bitand", "bitor", "bool", "break", "case", "catch", "char", "char8_t", "char16_t",
      "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
      "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default",
      "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
      "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable",
      "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
      "private", "protected", "public", "register", "reinterpret_cast", "requires", "return",
      "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef",
      "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
      "wchar_t", "while", "xor", "xor_eq"};
  // clang-format on
  if (s.empty() || s[0] == '_' || s.find("__") != std::string::npos) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return !reserved.count(s);
}

std::string string_literal(const std::string &s) {
  std::string r = "\"";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      r += '\\';
      r += ch;
    } else if (u < 0x20 || u == 0x7f) {
      // A three-digit octal escape cannot swallow the characters that follow it.
      r += '\\';
      r += static_cast<char>('0' + ((u >> 6) & 7));
      r += static_cast<char>('0' + ((u >> 3) & 7));
      r += static_cast<char>('0' + (u & 7));
    } else {
      r += ch;
    }
  }
  return r + "\"";
}

std::string var_arg(const std::string &name) {
  return is_identifier(name) ? name : string_literal(name);
}

std::string statement(const Directive &d) {
  const auto vars = [&](std::size_t from) {
    std::string s;
    for (std::size_t i = from; i < d.vars.size(); ++i)
      s += (i > from ? ", " : "") + var_arg(d.vars[i]);
    return s;
  };
  switch (d.kind) {
  case Directive::Kind::AddLoop: {
    std::string s = "sched.add_loop(Dim::" + std::string(dim_name(d.dim));
    if (d.vars.at(0) != default_loop_name(d.dim)) s += ", " + string_literal(d.vars[0]);
    return s + ");";
  }
  case Directive::Kind::Split: {
    std::string s = "sched.split(" + vars(0) + ", " + std::to_string(d.factor);
    if (d.tail != TailStrategy::Error) s += ", " + std::string(tail_strategy_name(d.tail));
    return s + ");";
  }
  case Directive::Kind::Reorder:
    return "sched.reorder({" + vars(0) + "});";
  case Directive::Kind::Spatial:
    return "sched.spatial(" + vars(0) + ", Axis::" + std::string(axis_name(d.axis)) + ");";
  case Directive::Kind::Unroll:
    return "sched.unroll(" + vars(0) + ");";
  case Directive::Kind::StoreAt:
    return "sched.store_at(" + string_literal(d.level) + ", " + vars(0) + ");";
  case Directive::Kind::StoreRoot:
    return "sched.store_root(" + string_literal(d.level) + ");";
  case Directive::Kind::Bypass:
    return "sched.bypass(" + string_literal(d.level) +
           ", Operand::" + std::string(operand_name(d.operand)) + ");";
  }
  return "";
}

// Breaks a long statement after ", " (outside string literals) so that lines stay within
// 100 columns; continuation lines are indented by four spaces.
std::string wrap(const std::string &s, std::size_t width = 100) {
  if (s.size() <= width) return s + "\n";
  std::vector<std::string> pieces; // each ends just after a breakable ","
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (in_string && s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      in_string = !in_string;
    } else if (!in_string && s[i] == ',' && i + 1 < s.size() && s[i + 1] == ' ') {
      pieces.push_back(s.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  pieces.push_back(s.substr(start));
  std::string out, line;
  for (const std::string &piece : pieces) {
    if (line.empty())
      line = piece;
    else if (line.size() + 1 + piece.size() > width) {
      out += line + "\n";
      line = "    " + piece;
    } else {
      line += " " + piece;
    }
  }
  return out + line + "\n";
}

// Dimension of every loop name the history mentions, in order of first appearance.
std::vector<std::pair<std::string, Dim>> names_by_appearance(const Schedule &sched) {
  std::vector<std::pair<std::string, Dim>> names;
  std::map<std::string, Dim> dim_of;
  for (Dim d : kAllDims)
    dim_of[default_loop_name(d)] = d;
  const auto see = [&](const std::string &n) {
    for (const auto &x : names)
      if (x.first == n) return;
    const auto it = dim_of.find(n);
    names.emplace_back(n, it == dim_of.end() ? Dim::N : it->second);
  };
  for (const Directive &d : sched.history()) {
    if (d.kind == Directive::Kind::AddLoop) dim_of[d.vars.at(0)] = d.dim;
    if (d.kind == Directive::Kind::Split) {
      const auto it = dim_of.find(d.vars.at(0));
      const Dim dim = it == dim_of.end() ? Dim::N : it->second;
      dim_of[d.vars[1]] = dim;
      dim_of[d.vars[2]] = dim;
    }
    if (d.kind == Directive::Kind::AddLoop) continue; // named in a literal, not a LoopVar
    for (const std::string &n : d.vars)
      see(n);
  }
  return names;
}

} // namespace

Schedule schedule_from_mapping(const Problem &problem, const Architecture &arch,
                               const Mapping &mapping) {
  validate(mapping, problem, arch, "mapping");
  Schedule sched(problem, arch);
  const std::vector<PlacedLoop> nest = flatten(mapping); // outermost first

  // Names of the nest's loops, and the splits that create them.
  std::vector<std::string> names(nest.size());
  constexpr std::array<Dim, kNumDims> order = {Dim::G, Dim::N, Dim::K, Dim::C,
                                               Dim::P, Dim::Q, Dim::R, Dim::S};
  for (Dim d : order) {
    std::vector<std::size_t> at; // nest positions of d's loops, outermost first
    for (std::size_t i = 0; i < nest.size(); ++i)
      if (nest[i].loop.dim == d) at.push_back(i);
    if (at.empty()) continue;
    if (problem.extent(d) == 1) sched.add_loop(d);
    if (at.size() == 1) {
      names[at[0]] = default_loop_name(d);
      continue;
    }
    std::string current = default_loop_name(d);
    std::int64_t extent = problem.extent(d);
    for (std::size_t j = at.size() - 1; j >= 1; --j) {
      const std::int64_t f = nest[at[j]].loop.trip;
      const std::string outer = spine_name(d, j - 1);
      names[at[j]] = leaf_name(d, j);
      sched.split(LoopVar(current), LoopVar(outer), LoopVar(names[at[j]]), f,
                  extent % f == 0 ? TailStrategy::Error : TailStrategy::GuardWithIf);
      current = outer;
      extent = ceil_div(extent, f);
    }
    names[at[0]] = current;
  }

  // The mapping's order, innermost first.
  std::vector<LoopVar> target;
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    target.emplace_back(*it);
  if (sched.loop_names() != std::vector<std::string>(names.rbegin(), names.rend()))
    sched.reorder(target);

  // Level boundaries, outer levels first: level L's boundary sits below the loops of the
  // levels outside it.
  if (!nest.empty()) {
    for (int l = arch.num_levels() - 2; l >= 0; --l) {
      std::size_t above = 0;
      for (const PlacedLoop &pl : nest)
        if (pl.level > l) ++above;
      if (above == 0)
        sched.store_root(arch.levels[l].name);
      else
        sched.store_at(arch.levels[l].name, LoopVar(names[above - 1]));
    }
  }

  // Spatial loops, innermost first.
  for (std::size_t i = nest.size(); i-- > 0;) {
    const LoopKind k = nest[i].loop.kind;
    if (k != LoopKind::Temporal)
      sched.spatial(LoopVar(names[i]), k == LoopKind::SpatialX ? Axis::X : Axis::Y);
  }

  for (int l = 0; l < arch.num_levels(); ++l)
    for (Operand o : kAllOperands)
      if (mapping.bypasses(l, o)) sched.bypass(arch.levels[l].name, o);
  return sched;
}

std::string to_dsl_code(const Schedule &sched) {
  const Problem &p = sched.problem();
  const Architecture &a = sched.arch();
  std::string out;
  out += "// " + p.name + " on " + a.name +
         ". Needs `problem` (tessel::Problem) and `arch` (tessel::Architecture) in scope.\n";
  out += "using namespace tessel;\n";
  out += "Schedule sched(problem, arch);\n";
  const auto names = names_by_appearance(sched);
  constexpr std::array<Dim, kNumDims> order = {Dim::G, Dim::N, Dim::K, Dim::C,
                                               Dim::P, Dim::Q, Dim::R, Dim::S};
  // One declaration per split dimension, then one for the dimensions with a single name.
  std::string singles;
  for (Dim d : order) {
    std::vector<std::string> mine;
    for (const auto &[n, dim] : names)
      if (dim == d && is_identifier(n)) mine.push_back(n);
    std::string decl;
    for (const std::string &n : mine)
      decl += (decl.empty() ? "" : ", ") + n + "(" + string_literal(n) + ")";
    if (mine.size() == 1)
      singles += (singles.empty() ? "" : ", ") + decl;
    else if (!mine.empty())
      out += wrap("LoopVar " + decl + ";");
  }
  if (!singles.empty()) out += wrap("LoopVar " + singles + ";");
  for (const Directive &d : sched.history())
    out += wrap(statement(d));
  out += "return sched;\n";
  return out;
}

std::string to_dsl_code(const Problem &problem, const Architecture &arch, const Mapping &mapping) {
  return to_dsl_code(schedule_from_mapping(problem, arch, mapping));
}

} // namespace tessel
