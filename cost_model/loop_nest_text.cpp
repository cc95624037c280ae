#include "cost_model/loop_nest_text.hpp"

#include "cost_model/footprint.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace tessel {

namespace {

std::string lower(Dim d) {
  std::string s(dim_name(d));
  s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string describe_problem(const Problem &p) {
  std::string s = std::string(problem_type_name(p.type));
  if (p.type == ProblemType::Gemm)
    s += " M" + std::to_string(p.extent(Dim::N)) + " K" + std::to_string(p.extent(Dim::C)) + " N" +
         std::to_string(p.extent(Dim::K)) + "; in mapping names";
  for (Dim d : kAllDims)
    if (d != Dim::G || p.extent(d) != 1)
      s += std::string(" ") + std::string(dim_name(d)) + std::to_string(p.extent(d));
  if (p.stride_h != 1 || p.stride_w != 1)
    s += " stride " + std::to_string(p.stride_h) + "x" + std::to_string(p.stride_w);
  if (p.dilation_h != 1 || p.dilation_w != 1)
    s += " dilation " + std::to_string(p.dilation_h) + "x" + std::to_string(p.dilation_w);
  return s;
}

// "level GB: keeps W I O; tile W 27648 + I 28800 + O 4056 = 60504 of 65536 words"
std::string describe_level(const Problem &p, const Architecture &a, const Mapping &m, int l) {
  const Level &lv = a.levels[l];
  std::string kept, bypassed;
  DimArray<std::int64_t> box{};
  for (Dim d : kAllDims)
    box[idx(d)] = std::min(tile_extent(m, l, d), p.extent(d));
  std::string tile;
  std::int64_t used = 0;
  for (Operand o : kAllOperands) {
    const std::string name(operand_name(o));
    if (!keeps(a, m, l, o)) {
      if (lv.keeps[idx(o)]) bypassed += " " + name;
      continue;
    }
    kept += " " + name;
    const std::int64_t words = tile_words(p, o, box);
    tile += (tile.empty() ? "" : " + ") + name + " " + std::to_string(words);
    used += lv.capacity_bytes ? ceil_div(words * p.bits[idx(o)], 8) : words;
  }
  if (lv.double_buffered) used *= 2;
  std::string s = "level " + lv.name + ": keeps" + (kept.empty() ? " nothing" : kept);
  if (!bypassed.empty()) s += " (bypasses" + bypassed + ")";
  if (l == a.num_levels() - 1) return s + "; holds the whole problem";
  s += "; tile " + (tile.empty() ? std::string("empty") : tile);
  if (lv.bounded()) {
    const bool bytes = lv.capacity_bytes.has_value();
    const std::int64_t capacity = bytes ? *lv.capacity_bytes : *lv.capacity_words;
    s += " = " + std::to_string(used) + (lv.double_buffered ? " (double-buffered)" : "") + " of " +
         std::to_string(capacity) + (bytes ? " bytes" : " words");
    if (used > capacity) s += ": DOES NOT FIT";
  } else {
    s += " (unbounded)";
  }
  return s;
}

} // namespace

std::string loop_nest_text(const Problem &p, const Architecture &a, const Mapping &m) {
  const std::vector<PlacedLoop> nest = flatten(m);

  // Loop variables: a dimension with one loop uses its letter; with several, the letter and
  // the loop's position counted from the outermost (k0 outermost). These are the names the
  // printed DSL code gives the same loops (dsl/cpp_printer.hpp), so the two texts agree.
  DimArray<int> count{};
  for (const PlacedLoop &pl : nest)
    ++count[idx(pl.loop.dim)];
  std::vector<std::string> var(nest.size());
  DimArray<int> seen{};
  for (std::size_t i = 0; i < nest.size(); ++i) {
    const Dim d = nest[i].loop.dim;
    var[i] = count[idx(d)] == 1 ? lower(d) : lower(d) + std::to_string(seen[idx(d)]++);
  }

  std::ostringstream out;
  out << "// " << p.name << " (" << describe_problem(p) << ") on " << a.name << "\n";
  out << "// indices of extent 1 are left out; `parallel_for` loops run on a fanout's mesh\n";
  int depth = 0;
  const auto line = [&](const std::string &s) { out << std::string(2 * depth, ' ') << s << "\n"; };
  int current_level = a.num_levels();
  for (std::size_t i = 0; i < nest.size(); ++i) {
    const PlacedLoop &pl = nest[i];
    while (current_level > pl.level) {
      --current_level;
      line("// " + describe_level(p, a, m, current_level));
    }
    const std::string range = var[i] + " in 0.." + std::to_string(pl.loop.trip) + ":";
    if (pl.loop.kind == LoopKind::Temporal) {
      line("for " + range);
    } else {
      const Fanout &f = a.levels[pl.level].fanout;
      line("parallel_for " + range + "  // spatial " +
           (pl.loop.kind == LoopKind::SpatialX ? "x" : "y") + " on " + a.levels[pl.level].name +
           "'s " + std::to_string(f.x) + "x" + std::to_string(f.y) + " fanout" +
           (pl.level == 0 ? " (MAC units)" : ""));
    }
    ++depth;
  }
  while (current_level > 0) {
    --current_level;
    line("// " + describe_level(p, a, m, current_level));
  }

  // Composite indices (mixed radix), then the guards of imperfect factors.
  std::vector<std::string> guards;
  for (Dim d : kAllDims) {
    if (count[idx(d)] > 1) {
      std::string expr;
      for (std::size_t i = 0; i < nest.size(); ++i) {
        if (nest[i].loop.dim != d) continue;
        expr += (expr.empty() ? "" : " + ") +
                (nest[i].stride == 1 ? "" : std::to_string(nest[i].stride) + "*") + var[i];
      }
      line(lower(d) + " = " + expr);
    }
    if (total_trips(m, d) > p.extent(d))
      guards.push_back(lower(d) + " < " + std::to_string(p.extent(d)));
  }
  if (!guards.empty()) {
    std::string cond;
    for (const std::string &g : guards)
      cond += (cond.empty() ? "" : " && ") + g;
    line("if " + cond + ":");
    ++depth;
  }

  // The MAC, with the indices of extent > 1.
  const auto index = [&](std::initializer_list<Dim> dims) {
    std::string s;
    for (Dim d : dims)
      if (p.extent(d) > 1) s += std::string("[") + lower(d) + "]";
    return s;
  };
  const auto window = [&](Dim out_dim, std::int64_t stride, Dim filter_dim, std::int64_t dilation) {
    std::string s;
    if (p.extent(out_dim) > 1)
      s += (stride == 1 ? "" : std::to_string(stride) + "*") + lower(out_dim);
    if (p.extent(filter_dim) > 1)
      s += (s.empty() ? "" : " + ") + (dilation == 1 ? "" : std::to_string(dilation) + "*") +
           lower(filter_dim);
    return s.empty() ? std::string() : "[" + s + "]";
  };
  const auto or_zero = [](std::string s) { return s.empty() ? std::string("[0]") : s; };
  const std::string o = or_zero(index({Dim::G, Dim::N, Dim::K, Dim::P, Dim::Q}));
  const std::string i =
      or_zero(index({Dim::G, Dim::N, Dim::C}) + window(Dim::P, p.stride_h, Dim::R, p.dilation_h) +
              window(Dim::Q, p.stride_w, Dim::S, p.dilation_w));
  const std::string w = or_zero(index({Dim::G, Dim::K, Dim::C, Dim::R, Dim::S}));
  line("O" + o + " += I" + i + " * W" + w);
  return out.str();
}

} // namespace tessel
