#include "dsl/schedule.hpp"

#include <algorithm>
#include <sstream>

namespace tessel {

namespace {

// The default nest, innermost first: s, r, q, p, c, k, n, g (problem.hpp's order reversed).
constexpr std::array<Dim, kNumDims> kDefaultInnermostFirst = {Dim::S, Dim::R, Dim::Q, Dim::P,
                                                              Dim::C, Dim::K, Dim::N, Dim::G};

std::string kind_label(LoopKind k) {
  switch (k) {
  case LoopKind::Temporal:
    return "temporal";
  case LoopKind::SpatialX:
    return "spatial X";
  case LoopKind::SpatialY:
    return "spatial Y";
  }
  return "temporal";
}

std::string level_list(const Architecture &a) {
  std::string s = "[";
  for (int l = 0; l < a.num_levels(); ++l)
    s += (l ? ", " : "") + a.levels[l].name;
  return s + "]";
}

} // namespace

Schedule::Schedule(Problem problem, Architecture arch)
    : problem_(std::move(problem)), arch_(std::move(arch)) {
  validate(problem_, "problem");
  validate(arch_, "arch");
  for (Dim d : kDefaultInnermostFirst)
    if (problem_.extent(d) > 1)
      loops_.push_back({default_loop_name(d), d, problem_.extent(d), 1, true});
  boundaries_.assign(arch_.num_levels(), Boundary{});
  boundaries_.back().kind = Boundary::Kind::Root;
  bypass_.assign(arch_.num_levels(), OperandArray<bool>{false, false, false});
}

// ---- queries ------------------------------------------------------------------------

std::vector<std::string> Schedule::loop_names() const {
  std::vector<std::string> names;
  for (const ScheduledLoop &l : loops_)
    names.push_back(l.name);
  return names;
}

std::string Schedule::loop_list() const {
  std::string s = "[";
  for (std::size_t i = 0; i < loops_.size(); ++i)
    s += (i ? ", " : "") + loops_[i].name;
  return s + "]";
}

int Schedule::find(const std::string &name) const {
  for (std::size_t i = 0; i < loops_.size(); ++i)
    if (loops_[i].name == name) return static_cast<int>(i);
  return -1;
}

bool Schedule::has_loop(const LoopVar &v) const { return find(v.name()) >= 0; }

const ScheduledLoop &Schedule::loop(const LoopVar &v) const {
  const int i = find(v.name());
  if (i < 0)
    user_error("loop(" + v.name() + ")",
               "unknown loop variable " + v.name() + "; loops (innermost first): " + loop_list());
  return loops_[i];
}

bool Schedule::any_bypass() const {
  for (const auto &b : bypass_)
    for (bool x : b)
      if (x) return true;
  return false;
}

int Schedule::placed_level(int level) const {
  for (int l = level; l >= 0; --l)
    if (boundaries_[l].kind != Boundary::Kind::Unplaced) return l;
  return -1;
}

std::size_t Schedule::cut(int level) const {
  const int l = placed_level(level);
  if (l < 0) return loops_.size();
  const Boundary &b = boundaries_[l];
  if (b.kind == Boundary::Kind::Root) return 0;
  const int i = find(b.var);
  return i < 0 ? loops_.size() : loops_.size() - static_cast<std::size_t>(i);
}

std::vector<int> Schedule::loop_levels() const {
  // A loop at position o counted from the outside belongs to the innermost level whose
  // cut is at or above it (cut <= o).
  const std::size_t n = loops_.size();
  std::vector<int> levels(n, arch_.num_levels() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t o = n - 1 - i;
    for (int l = 0; l < arch_.num_levels(); ++l)
      if (cut(l) <= o) {
        levels[i] = l;
        break;
      }
  }
  return levels;
}

int Schedule::level_of(const LoopVar &v) const {
  const ScheduledLoop &l = loop(v);
  return loop_levels()[&l - loops_.data()];
}

// ---- legality -----------------------------------------------------------------------

namespace {

std::string describe_boundary(const Schedule::Boundary &b) {
  switch (b.kind) {
  case Schedule::Boundary::Kind::Root:
    return "above every loop";
  case Schedule::Boundary::Kind::Unplaced:
    return "below every loop";
  case Schedule::Boundary::Kind::Inside:
    return "just inside " + b.var;
  }
  return "";
}

} // namespace

std::string Schedule::violation() const {
  const int nl = arch_.num_levels();
  // (1) boundaries nest.
  // (An unplaced level shares the boundary of a placed level inside it, so only placed
  // levels can be out of order; name those.)
  for (int l = 0; l + 1 < nl; ++l)
    if (cut(l) < cut(l + 1)) {
      const int inner = placed_level(l);
      return "the boundary of level " + arch_.levels[inner].name + " (" +
             describe_boundary(boundaries_[inner]) + ") would be above the boundary of level " +
             arch_.levels[l + 1].name + " (" + describe_boundary(boundaries_[l + 1]) +
             "); an inner level's boundary must be at or below every outer level's";
    }

  // (2) mixed radix: a loop's stride is the product of the extents of the loops of its
  // dimension inside it (loops of extent 1 are exempt: their stride never matters).
  // Name an inverted pair if there is one.
  for (std::size_t i = 0; i < loops_.size(); ++i)
    for (std::size_t j = i + 1; j < loops_.size(); ++j) {
      const ScheduledLoop &in = loops_[i], &out = loops_[j];
      if (in.dim == out.dim && in.extent > 1 && out.extent > 1 && out.stride < in.stride)
        return out.name + " (stride " + std::to_string(out.stride) + ") would be outside " +
               in.name + " (stride " + std::to_string(in.stride) + "): the loops of dimension " +
               std::string(dim_name(in.dim)) +
               " must stay in split order, outer parts outside inner parts (a Mapping's "
               "strides are mixed radix)";
    }
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    const ScheduledLoop &a = loops_[i];
    if (a.extent == 1) continue;
    std::int64_t inside = 1;
    for (std::size_t j = 0; j < i; ++j)
      if (loops_[j].dim == a.dim) inside *= loops_[j].extent;
    if (inside != a.stride)
      return "the loops of dimension " + std::string(dim_name(a.dim)) +
             " would leave split order at " + a.name +
             " (a Mapping's strides are mixed radix: outer parts must stay outside inner parts)";
  }

  // (3) spatial loops fit their level's fanout; (4) they are the level's innermost loops.
  const std::vector<int> level = loop_levels();
  for (int l = 0; l < nl; ++l) {
    const Fanout &f = arch_.levels[l].fanout;
    std::int64_t used_x = 1, used_y = 1;
    std::string names;
    for (std::size_t i = 0; i < loops_.size(); ++i) {
      const ScheduledLoop &x = loops_[i];
      if (level[i] != l || x.kind == LoopKind::Temporal) continue;
      (x.kind == LoopKind::SpatialX ? used_x : used_y) *= x.extent;
      names += (names.empty() ? "" : ", ") + x.name + " (" + std::to_string(x.extent) + " on " +
               (x.kind == LoopKind::SpatialX ? "X" : "Y") + ")";
    }
    if (used_x > f.x || used_y > f.y) {
      const std::string fan = std::to_string(f.x) + "x" + std::to_string(f.y);
      if (f.x == 1 && f.y == 1)
        return "level " + arch_.levels[l].name + " has no fanout (1x1), but its spatial loops " +
               names + " need " + std::to_string(used_x) + "x" + std::to_string(used_y) +
               " instances; place a level boundary with a fanout above them (store_at) first";
      return "the spatial loops of level " + arch_.levels[l].name + ", " + names + ", need " +
             std::to_string(used_x) + "x" + std::to_string(used_y) +
             " instances but its fanout is " + fan;
    }
    // Innermost first: once a spatial loop of this level is seen, a temporal loop of the
    // same level further out is fine; a temporal loop further in is not.
    for (std::size_t i = 0; i < loops_.size(); ++i) {
      if (level[i] != l || loops_[i].kind == LoopKind::Temporal) continue;
      for (std::size_t j = 0; j < i; ++j)
        if (level[j] == l && loops_[j].kind == LoopKind::Temporal)
          return "spatial loop " + loops_[i].name + " would be above the temporal loop " +
                 loops_[j].name + " of the same level " + arch_.levels[l].name +
                 "; a level's spatial loops must be its innermost loops (reorder them "
                 "inside its temporal loops, or move a level boundary)";
    }
  }
  return "";
}

void Schedule::fail(const Directive &d, const std::string &detail) const {
  user_error(to_string(d), detail + "; loops (innermost first): " + loop_list());
}

int Schedule::level_by_name(const Directive &d) const {
  const int l = arch_.level_index(d.level);
  if (l < 0)
    fail(d, "unknown level " + d.level + "; levels (innermost first): " + level_list(arch_));
  return l;
}

void Schedule::commit(Schedule &&next, Directive d) {
  const std::string v = next.violation();
  if (!v.empty()) fail(d, v);
  next.history_.push_back(std::move(d));
  *this = std::move(next);
}

// ---- directives ---------------------------------------------------------------------

Schedule &Schedule::split(const LoopVar &var, const LoopVar &outer, const LoopVar &inner,
                          std::int64_t factor, TailStrategy tail) {
  const Directive d = Directive::split(var.name(), outer.name(), inner.name(), factor, tail);
  const int i = find(var.name());
  if (i < 0) fail(d, "unknown loop variable " + var.name());
  if (outer.name().empty() || inner.name().empty()) fail(d, "a loop name must not be empty");
  if (outer.name() == inner.name())
    fail(d, "the outer and inner loops have the same name " + outer.name());
  for (const LoopVar *v : {&outer, &inner}) {
    const int j = find(v->name());
    if (j >= 0 && j != i) fail(d, "the name " + v->name() + " is already used by another loop");
  }
  const ScheduledLoop l = loops_[i];
  if (factor < 1) fail(d, "factor " + std::to_string(factor) + " must be at least 1");
  if (factor > l.extent)
    fail(d, "factor " + std::to_string(factor) + " exceeds extent " + std::to_string(l.extent) +
                " of " + l.name +
                " (the inner loop would have iterations that are always "
                "guarded off)");
  if (l.kind != LoopKind::Temporal)
    fail(d,
         l.name + " is " + kind_label(l.kind) + "; split a loop before mapping it onto a fanout");
  if (l.unrolled) fail(d, l.name + " is unrolled; split a loop before unrolling its parts");
  if (l.extent % factor != 0) {
    if (tail == TailStrategy::Error)
      fail(d, "factor " + std::to_string(factor) + " does not divide extent " +
                  std::to_string(l.extent) + " of " + l.name + " (TailStrategy::Error)");
    if (!l.outer_spine)
      fail(d, "factor " + std::to_string(factor) + " does not divide extent " +
                  std::to_string(l.extent) + " of " + l.name + ", an inner part of a split of " +
                  std::string(dim_name(l.dim)) +
                  ": only the outer spine of a dimension (its default loop and the outer parts "
                  "split from it) may have a guarded partial tile, since a Mapping's strides "
                  "are mixed radix; use a factor that divides " +
                  std::to_string(l.extent));
  }
  Schedule next = *this;
  ScheduledLoop in = l, out = l;
  in.name = inner.name();
  in.extent = factor;
  in.outer_spine = false;
  out.name = outer.name();
  out.extent = ceil_div(l.extent, factor);
  out.stride = l.stride * factor;
  next.loops_[i] = in;
  next.loops_.insert(next.loops_.begin() + i + 1, out);
  for (Boundary &b : next.boundaries_)
    if (b.kind == Boundary::Kind::Inside && b.var == l.name) b.var = in.name;
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::reorder(const std::vector<LoopVar> &vars_innermost_first) {
  std::vector<std::string> names;
  for (const LoopVar &v : vars_innermost_first)
    names.push_back(v.name());
  const Directive d = Directive::reorder(names);
  std::vector<int> from;
  for (const std::string &n : names) {
    const int i = find(n);
    if (i < 0) fail(d, "unknown loop variable " + n);
    if (std::find(from.begin(), from.end(), i) != from.end()) fail(d, n + " is listed twice");
    from.push_back(i);
  }
  std::vector<int> positions = from;
  std::sort(positions.begin(), positions.end()); // innermost first
  Schedule next = *this;
  for (std::size_t j = 0; j < from.size(); ++j)
    next.loops_[positions[j]] = loops_[from[j]];
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::spatial(const LoopVar &var, Axis axis) {
  const Directive d = Directive::spatial(var.name(), axis);
  const int i = find(var.name());
  if (i < 0) fail(d, "unknown loop variable " + var.name());
  if (loops_[i].unrolled) fail(d, var.name() + " is unrolled; an unrolled loop cannot be spatial");
  Schedule next = *this;
  next.loops_[i].kind = axis == Axis::X ? LoopKind::SpatialX : LoopKind::SpatialY;
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::unroll(const LoopVar &var) {
  const Directive d = Directive::unroll(var.name());
  const int i = find(var.name());
  if (i < 0) fail(d, "unknown loop variable " + var.name());
  if (loops_[i].kind != LoopKind::Temporal)
    fail(d, var.name() + " is " + kind_label(loops_[i].kind) +
                "; only temporal loops can be unrolled");
  Schedule next = *this;
  next.loops_[i].unrolled = true;
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::store_at(std::string_view level, const LoopVar &var) {
  const Directive d = Directive::store_at(std::string(level), var.name());
  const int l = level_by_name(d);
  if (l == arch_.num_levels() - 1)
    fail(d, d.level + " is the outermost level: it holds the whole problem and its boundary "
                      "is fixed above every loop");
  if (find(var.name()) < 0) fail(d, "unknown loop variable " + var.name());
  Schedule next = *this;
  next.boundaries_[l] = {Boundary::Kind::Inside, var.name()};
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::store_root(std::string_view level) {
  const Directive d = Directive::store_root(std::string(level));
  const int l = level_by_name(d);
  if (l == arch_.num_levels() - 1)
    fail(d, d.level + " is the outermost level: its boundary is always above every loop");
  Schedule next = *this;
  next.boundaries_[l] = {Boundary::Kind::Root, ""};
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::bypass(std::string_view level, Operand operand) {
  const Directive d = Directive::bypass(std::string(level), operand);
  const int l = level_by_name(d);
  if (l == arch_.num_levels() - 1)
    fail(d, d.level + " is the outermost level: it keeps every operand and cannot be bypassed");
  Schedule next = *this;
  next.bypass_[l][idx(operand)] = true;
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::bypass(std::string_view level, std::string_view operand) {
  const std::optional<Operand> o = parse_operand(operand);
  if (!o)
    user_error("bypass(" + std::string(level) + ", " + std::string(operand) + ")",
               "unknown operand '" + std::string(operand) +
                   "' (operands are W, I, O); loops (innermost first): " + loop_list());
  return bypass(level, *o);
}

Schedule &Schedule::add_loop(Dim dim) { return add_loop(dim, LoopVar(default_loop_name(dim))); }

Schedule &Schedule::add_loop(Dim dim, const LoopVar &name) {
  const Directive d = Directive::add_loop(dim, name.name());
  const std::string dn(dim_name(dim));
  if (problem_.extent(dim) != 1)
    fail(d, "dimension " + dn + " has extent " + std::to_string(problem_.extent(dim)) +
                "; add_loop is only for dimensions of extent 1 (the others have loops from "
                "the start)");
  for (const ScheduledLoop &l : loops_)
    if (l.dim == dim) fail(d, "dimension " + dn + " already has a loop (" + l.name + ")");
  if (name.name().empty()) fail(d, "a loop name must not be empty");
  if (find(name.name()) >= 0)
    fail(d, "the name " + name.name() + " is already used by another loop");
  Schedule next = *this;
  next.loops_.push_back({name.name(), dim, 1, 1, true});
  commit(std::move(next), d);
  return *this;
}

Schedule &Schedule::apply(const Directive &d) {
  switch (d.kind) {
  case Directive::Kind::AddLoop:
    return add_loop(d.dim, LoopVar(d.vars.at(0)));
  case Directive::Kind::Split:
    return split(LoopVar(d.vars.at(0)), LoopVar(d.vars.at(1)), LoopVar(d.vars.at(2)), d.factor,
                 d.tail);
  case Directive::Kind::Reorder: {
    std::vector<LoopVar> vars;
    for (const std::string &n : d.vars)
      vars.emplace_back(n);
    return reorder(vars);
  }
  case Directive::Kind::Spatial:
    return spatial(LoopVar(d.vars.at(0)), d.axis);
  case Directive::Kind::Unroll:
    return unroll(LoopVar(d.vars.at(0)));
  case Directive::Kind::StoreAt:
    return store_at(d.level, LoopVar(d.vars.at(0)));
  case Directive::Kind::StoreRoot:
    return store_root(d.level);
  case Directive::Kind::Bypass:
    return bypass(d.level, d.operand);
  }
  return *this;
}

// ---- pseudo-C -----------------------------------------------------------------------

namespace {

std::string index_expr(const std::vector<ScheduledLoop> &loops, Dim d) {
  std::string e;
  for (auto it = loops.rbegin(); it != loops.rend(); ++it) {
    if (it->dim != d) continue;
    if (!e.empty()) e += " + ";
    if (it->stride != 1) e += std::to_string(it->stride) + "*";
    e += it->name;
  }
  return e.empty() ? "0" : e;
}

} // namespace

std::string Schedule::loop_nest() const {
  std::ostringstream out;
  const std::size_t n = loops_.size();
  const int nl = arch_.num_levels();
  std::string indent;
  auto print_boundaries_at = [&](std::size_t c) {
    for (int l = nl - 1; l >= 0; --l)
      if (cut(l) == c)
        out << indent << "// " << arch_.levels[l].name
            << (l == nl - 1 ? ": holds the whole problem"
                : c == n    ? ": holds one word of each operand"
                            : ": holds the tile below")
            << "\n";
  };
  // Loop headers, outermost first, with their notes aligned in one column.
  std::vector<std::string> heads;
  std::size_t width = 0;
  for (std::size_t o = 0; o < n; ++o) {
    const ScheduledLoop &x = loops_[n - 1 - o];
    const std::string kind = x.kind == LoopKind::SpatialX   ? "parallel_x"
                             : x.kind == LoopKind::SpatialY ? "parallel_y"
                             : x.unrolled                   ? "unrolled for"
                                                            : "for";
    heads.push_back(std::string(2 * o, ' ') + kind + " (" + x.name + " = 0; " + x.name + " < " +
                    std::to_string(x.extent) + "; " + x.name + "++)");
    width = std::max(width, heads.back().size());
  }
  for (std::size_t o = 0; o < n; ++o) {
    print_boundaries_at(o);
    const ScheduledLoop &x = loops_[n - 1 - o];
    std::string note = "// " + std::string(dim_name(x.dim));
    if (x.stride != 1) note += ", stride " + std::to_string(x.stride);
    out << heads[o] << std::string(width - heads[o].size() + 1, ' ') << note << "\n";
    indent += "  ";
  }
  print_boundaries_at(n);
  // Index expressions and guards.
  std::string guard;
  for (Dim d : kAllDims) {
    bool has = false;
    std::int64_t total = 1;
    for (const ScheduledLoop &l : loops_)
      if (l.dim == d) has = true, total *= l.extent;
    if (!has) continue;
    const std::string v = default_loop_name(d);
    bool plain = false;
    for (const ScheduledLoop &l : loops_)
      if (l.dim == d && l.name == v && l.stride == 1 && l.extent == total) plain = true;
    if (!plain) out << indent << v << " = " << index_expr(loops_, d) << ";\n";
    if (total > problem_.extent(d))
      guard += (guard.empty() ? "" : " && ") + v + " < " + std::to_string(problem_.extent(d));
  }
  const Problem &p = problem_;
  const auto scaled = [](std::int64_t f, const std::string &v) {
    return f == 1 ? v : std::to_string(f) + "*" + v;
  };
  const std::string g = p.extent(Dim::G) > 1 ? "[g]" : "";
  const std::string body = "O" + g + "[n][k][p][q] += I" + g + "[n][c][" + scaled(p.stride_h, "p") +
                           " + " + scaled(p.dilation_h, "r") + "][" + scaled(p.stride_w, "q") +
                           " + " + scaled(p.dilation_w, "s") + "] * W" + g + "[k][c][r][s];";
  if (!guard.empty())
    out << indent << "if (" << guard << ")\n" << indent << "  " << body << "\n";
  else
    out << indent << body << "\n";
  std::string bypassed;
  for (int l = 0; l < nl; ++l)
    for (Operand o : kAllOperands)
      if (bypass_[l][idx(o)])
        bypassed += (bypassed.empty() ? "" : ", ") + arch_.levels[l].name + " bypasses " +
                    std::string(operand_name(o));
  if (!bypassed.empty()) out << "// " << bypassed << "\n";
  return out.str();
}

} // namespace tessel
