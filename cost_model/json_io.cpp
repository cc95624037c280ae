#include "cost_model/json_io.hpp"

#include "cost_model/json_fields.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

namespace tessel {

namespace {

// Largest extent of one dimension: keeps every product the cost model forms in 64 bits.
constexpr std::int64_t kMaxExtent = std::int64_t{1} << 31;

// ---- names and suggestions ------------------------------------------------------------

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string> &names, std::string_view sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += (i ? std::string(sep) : std::string()) + names[i];
  return s;
}

// JSON text of a value; invalid UTF-8 (say, from a file name) is replaced, never thrown on.
std::string text_of(const Json &j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string in_quotes(std::string_view s) { return text_of(Json(std::string(s))); }

// " (did you mean "X"?)" when a candidate is close, else "".
std::string suggestion(std::string_view name, const std::vector<std::string> &candidates) {
  const auto best = closest_name(name, candidates);
  return best ? " (did you mean " + in_quotes(*best) + "?)" : std::string();
}

std::vector<std::string> dim_names() {
  std::vector<std::string> v;
  for (Dim d : kAllDims)
    v.emplace_back(dim_name(d));
  return v;
}

std::vector<std::string> operand_names() {
  std::vector<std::string> v;
  for (Operand o : kAllOperands)
    v.emplace_back(operand_name(o));
  return v;
}

// ---- field paths and values ---------------------------------------------------------------

std::string child_path(const std::string &path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string &path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string where_of(const std::string &file, const std::string &path) {
  return path.empty() ? file : file + ": " + path;
}

using json_fields::show;
// One JSON value and where it sits: the file and the field path inside it.
using Node = json_fields::Field;

// A JSON object with a fixed set of allowed keys: any other key is an error naming it.
class Object {
public:
  Object(const Node &n, const std::vector<std::string> &allowed,
         const std::string &what = "an object")
      : n_(n) {
    n.object(allowed, what);
  }

  const Node &node() const { return n_; }
  bool has(std::string_view key) const { return n_.has(key); }
  std::optional<Node> get(std::string_view key) const { return n_.get(key); }
  Node required(std::string_view key) const { return n_.required(key); }

private:
  Node n_;
};

Dim parse_dim_node(const Node &n, const std::string &hint = "") {
  const std::string s = n.string("a dimension name (one of " + join(dim_names(), " ") + ")");
  if (auto d = parse_dim(s)) return *d;
  n.fail("unknown dimension " + in_quotes(s) + suggestion(s, dim_names()) + "; dimensions are " +
         join(dim_names(), " ") + hint);
}

Operand parse_operand_node(const Node &n) {
  const std::string s = n.string("an operand name (W, I or O)");
  if (auto o = parse_operand(s)) return *o;
  n.fail("unknown operand " + in_quotes(s) + suggestion(s, operand_names()) +
         "; operands are W, I, O");
}

// A list of operands, each at most once.
OperandArray<bool> parse_operand_set(const Node &n) {
  n.array("an array of operands (e.g. [\"W\", \"I\", \"O\"])");
  OperandArray<bool> set{};
  for (std::size_t i = 0; i < n.j.size(); ++i) {
    const Node e = n.at(i);
    const Operand o = parse_operand_node(e);
    if (set[idx(o)]) e.fail("operand " + in_quotes(operand_name(o)) + " is listed twice");
    set[idx(o)] = true;
  }
  return set;
}

Json operand_list(const OperandArray<bool> &set) {
  Json list = Json::array();
  for (Operand o : kAllOperands)
    if (set[idx(o)]) list.push_back(operand_name(o));
  return list;
}

// [h, w] or a single positive integer for both.
std::pair<std::int64_t, std::int64_t> parse_pair(const Node &n) {
  if (n.j.is_array()) {
    if (n.j.size() != 2) n.expected("[height, width] or a single positive integer");
    return {n.at(std::size_t{0}).positive(kMaxExtent), n.at(std::size_t{1}).positive(kMaxExtent)};
  }
  if (!n.j.is_number()) n.expected("[height, width] or a single positive integer");
  const std::int64_t v = n.positive(kMaxExtent);
  return {v, v};
}

// "bits": 16, or {"W": 8, "I": 8, "O": 32} (missing operands keep 16).
OperandArray<int> parse_bits(const Node &n) {
  OperandArray<int> bits = {16, 16, 16};
  if (n.j.is_number()) {
    const auto b = static_cast<int>(n.positive(64));
    bits = {b, b, b};
    return bits;
  }
  const Object obj(n, operand_names(), "an object like {\"W\": 16, \"I\": 16, \"O\": 16}");
  for (Operand o : kAllOperands)
    if (auto b = obj.get(operand_name(o))) bits[idx(o)] = static_cast<int>(b->positive(64));
  return bits;
}

// ---- parsing: problem ----------------------------------------------------------------------

std::vector<std::string> with(std::vector<std::string> v, const std::vector<std::string> &more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

// `batch`: the batch of the network the problem is a layer of, if it gives one.
Problem parse_problem(const Node &n, const std::vector<std::string> &extra_keys,
                      std::optional<std::int64_t> batch = std::nullopt) {
  if (!n.j.is_object()) n.expected("an object (a problem)");
  Problem p;
  if (n.j.contains("type")) {
    const Node t = n.at("type");
    const std::string s = t.string();
    if (s == "conv")
      p.type = ProblemType::Conv;
    else if (s == "gemm")
      p.type = ProblemType::Gemm;
    else if (s == "depthwise")
      p.type = ProblemType::Depthwise;
    else
      t.fail("unknown problem type " + in_quotes(s) + suggestion(s, {"conv", "gemm", "depthwise"}) +
             "; types are conv, gemm, depthwise");
  }
  const std::vector<std::string> common = with({"name", "type", "bits"}, extra_keys);
  const auto size = [&](Dim d) -> std::int64_t & { return p.size[idx(d)]; };
  const auto dim_value = [&](const Object &o, std::string_view key, std::int64_t dflt) {
    auto v = o.get(key);
    return v ? v->positive(kMaxExtent) : dflt;
  };
  const auto read_steps = [&](const Object &o) {
    if (auto v = o.get("stride")) std::tie(p.stride_h, p.stride_w) = parse_pair(*v);
    if (auto v = o.get("dilation")) std::tie(p.dilation_h, p.dilation_w) = parse_pair(*v);
  };

  // The rows (N, or M for a gemm in GEMM names) default to the network's batch and must agree
  // with it.
  const auto rows = [&](const Object &o, std::string_view key) {
    if (auto v = o.get(key)) {
      const std::int64_t value = v->positive(kMaxExtent);
      if (batch && value != *batch)
        v->fail("must equal the network's batch (" + std::to_string(*batch) + "), got " +
                std::to_string(value) + "; leave it out to take the batch");
      return value;
    }
    return batch.value_or(1);
  };
  const auto groups_of = [&](const Object &o) {
    if (o.has("G") && o.has("groups")) n.at("G").fail("give \"groups\" or \"G\", not both");
    return dim_value(o, o.has("G") ? "G" : "groups", 1);
  };
  // "C" and "K" are totals over all groups (as in PyTorch); the problem keeps them per group.
  const auto per_group = [&](std::int64_t groups) {
    for (Dim d : {Dim::C, Dim::K}) {
      if (size(d) % groups != 0)
        n.fail_at(dim_name(d), "must be divisible by groups (" + std::to_string(groups) +
                                   "): C and K are channel totals over all groups; got " +
                                   std::to_string(size(d)));
      size(d) /= groups;
    }
    size(Dim::G) = groups;
  };

  std::optional<Object> obj;
  switch (p.type) {
  case ProblemType::Conv: {
    obj.emplace(
        n, with(common, {"N", "K", "C", "P", "Q", "R", "S", "G", "groups", "stride", "dilation"}));
    const std::int64_t groups = groups_of(*obj);
    size(Dim::N) = rows(*obj, "N");
    for (Dim d : {Dim::K, Dim::C, Dim::P, Dim::Q, Dim::R, Dim::S})
      size(d) = dim_value(*obj, dim_name(d), 1);
    per_group(groups);
    read_steps(*obj);
    break;
  }
  case ProblemType::Depthwise: {
    obj.emplace(
        n, with(common, {"N", "C", "K", "P", "Q", "R", "S", "G", "groups", "stride", "dilation"}));
    // One group per channel: G = C channels, each with one input channel and K/C outputs.
    const Node c = obj->required("C");
    const std::int64_t channels = c.positive(kMaxExtent);
    if (obj->has("G") || obj->has("groups")) {
      const std::int64_t groups = groups_of(*obj);
      if (groups != channels)
        n.at(obj->has("G") ? "G" : "groups")
            .fail("must equal C (" + std::to_string(channels) +
                  ") in a depthwise layer, which has one group per channel; got " +
                  std::to_string(groups));
    }
    const std::int64_t outputs = dim_value(*obj, "K", channels);
    if (outputs % channels != 0)
      n.fail_at("K", "must be a multiple of C (" + std::to_string(channels) +
                         "): a depthwise layer has K/C outputs per channel; got " +
                         std::to_string(outputs));
    size(Dim::G) = channels;
    size(Dim::C) = 1;
    size(Dim::K) = outputs / channels;
    size(Dim::N) = rows(*obj, "N");
    for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S})
      size(d) = dim_value(*obj, dim_name(d), 1);
    read_steps(*obj);
    break;
  }
  case ProblemType::Gemm: {
    if (n.j.contains("M")) {
      // GEMM names, O[m][n] += A[m][k] * B[k][n]: M rows -> N, K reduction -> C,
      // N columns -> K, batch -> G.
      obj.emplace(n, with(common, {"M", "N", "K", "batch"}));
      size(Dim::N) = rows(*obj, "M");
      size(Dim::C) = dim_value(*obj, "K", 1);
      size(Dim::K) = dim_value(*obj, "N", 1);
      size(Dim::G) = dim_value(*obj, "batch", 1);
    } else if (n.j.contains("C")) {
      // The convolution's names: N rows, C reduction, K columns (totals over groups).
      obj.emplace(n, with(common, {"N", "K", "C", "G", "groups"}));
      const std::int64_t groups = groups_of(*obj);
      size(Dim::N) = rows(*obj, "N");
      size(Dim::K) = dim_value(*obj, "K", 1);
      size(Dim::C) = dim_value(*obj, "C", 1);
      per_group(groups);
    } else {
      n.fail("a gemm gives its sizes either in GEMM names, M (rows), K (reduction), N "
             "(columns), or in the convolution's, N (rows), C (reduction), K (columns); give "
             "\"M\" or \"C\" to say which");
    }
    break;
  }
  }
  if (auto v = obj->get("name")) p.name = v->non_empty_string();
  if (auto v = obj->get("bits")) p.bits = parse_bits(*v);

  with_file(n.file, [&] { validate(p, n.path); });
  return p;
}

Json problem_json(const Problem &p) {
  Json j;
  j["name"] = p.name;
  const auto e = [&](Dim d) { return p.extent(d); };
  const bool unit_steps =
      p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1;
  if (p.type == ProblemType::Gemm && e(Dim::P) == 1 && e(Dim::Q) == 1 && e(Dim::R) == 1 &&
      e(Dim::S) == 1 && unit_steps) {
    j["type"] = "gemm";
    j["M"] = e(Dim::N);
    j["N"] = e(Dim::K);
    j["K"] = e(Dim::C);
    if (e(Dim::G) != 1) j["batch"] = e(Dim::G);
  } else if (p.type == ProblemType::Depthwise && e(Dim::C) == 1) {
    j["type"] = "depthwise";
    j["N"] = e(Dim::N);
    j["C"] = e(Dim::G);
    j["K"] = e(Dim::G) * e(Dim::K);
    for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S})
      j[std::string(dim_name(d))] = e(d);
    j["stride"] = {p.stride_h, p.stride_w};
    j["dilation"] = {p.dilation_h, p.dilation_w};
  } else {
    j["type"] = "conv";
    j["N"] = e(Dim::N);
    j["K"] = e(Dim::K) * e(Dim::G);
    j["C"] = e(Dim::C) * e(Dim::G);
    for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S})
      j[std::string(dim_name(d))] = e(d);
    j["stride"] = {p.stride_h, p.stride_w};
    j["dilation"] = {p.dilation_h, p.dilation_w};
    j["groups"] = e(Dim::G);
  }
  Json bits;
  for (Operand o : kAllOperands)
    bits[std::string(operand_name(o))] = p.bits[idx(o)];
  j["bits"] = bits;
  return j;
}

// ---- parsing: architecture -----------------------------------------------------------------

Fanout parse_fanout(const Node &n) {
  const Object obj(n, {"x", "y", "multicast", "reduction", "hop_pj"});
  Fanout f;
  if (auto v = obj.get("x")) f.x = v->positive(kMaxExtent);
  if (auto v = obj.get("y")) f.y = v->positive(kMaxExtent);
  if (auto v = obj.get("multicast")) f.multicast = v->boolean();
  if (auto v = obj.get("reduction")) f.reduction = v->boolean();
  if (auto v = obj.get("hop_pj")) f.hop_pj = v->non_negative();
  if (static_cast<__int128>(f.x) * f.y > kMaxExtent)
    n.fail("the mesh has too many instances (" + std::to_string(f.x) + "x" + std::to_string(f.y) +
           ")");
  return f;
}

Level parse_level(const Node &n) {
  const Object obj(n,
                   {"name", "capacity_words", "capacity_bytes", "keeps", "read_pj", "write_pj",
                    "fanout", "read_bw", "write_bw", "area_um2", "double_buffered"},
                   "an object (a storage level)");
  Level l;
  l.name = obj.required("name").non_empty_string();
  if (obj.has("capacity_words") && obj.has("capacity_bytes"))
    n.at("capacity_bytes").fail("give capacity_words or capacity_bytes, not both");
  if (auto v = obj.get("capacity_words")) l.capacity_words = v->positive();
  if (auto v = obj.get("capacity_bytes")) l.capacity_bytes = v->positive();
  if (auto v = obj.get("keeps")) l.keeps = parse_operand_set(*v);
  l.read_pj = obj.required("read_pj").non_negative();
  l.write_pj = l.read_pj;
  if (auto v = obj.get("write_pj")) l.write_pj = v->non_negative();
  if (auto v = obj.get("fanout")) l.fanout = parse_fanout(*v);
  if (auto v = obj.get("read_bw")) l.read_bw = v->positive_number();
  if (auto v = obj.get("write_bw")) l.write_bw = v->positive_number();
  if (auto v = obj.get("area_um2")) l.area_um2 = v->non_negative();
  if (auto v = obj.get("double_buffered")) l.double_buffered = v->boolean();
  return l;
}

Json level_json(const Level &l) {
  Json j;
  j["name"] = l.name;
  if (l.capacity_words) j["capacity_words"] = *l.capacity_words;
  if (l.capacity_bytes) j["capacity_bytes"] = *l.capacity_bytes;
  j["keeps"] = operand_list(l.keeps);
  j["read_pj"] = l.read_pj;
  j["write_pj"] = l.write_pj;
  const Fanout &f = l.fanout;
  if (f.size() > 1 || f.hop_pj != 0.0 || !f.multicast || !f.reduction)
    j["fanout"] = {{"x", f.x},
                   {"y", f.y},
                   {"multicast", f.multicast},
                   {"reduction", f.reduction},
                   {"hop_pj", f.hop_pj}};
  if (l.read_bw) j["read_bw"] = *l.read_bw;
  if (l.write_bw) j["write_bw"] = *l.write_bw;
  if (l.area_um2) j["area_um2"] = *l.area_um2;
  if (l.double_buffered) j["double_buffered"] = true;
  return j;
}

std::vector<std::string> level_names_outermost_first(const Architecture &a) {
  std::vector<std::string> names;
  for (int l = a.num_levels() - 1; l >= 0; --l)
    names.push_back(a.levels[l].name);
  return names;
}

// ---- parsing: mapping ----------------------------------------------------------------------

Loop parse_loop(const Node &n, bool spatial, const std::string &dim_hint) {
  const std::string form =
      spatial ? "a spatial loop [dim, trip, \"x\" or \"y\"]" : "a temporal loop [dim, trip]";
  if (!n.j.is_array()) n.expected(form);
  if (!spatial && n.j.size() == 3)
    n.fail("a temporal loop is [dim, trip], got " + show(n.j) +
           "; loops with an axis belong in \"spatial\"");
  if (spatial && n.j.size() == 2)
    n.fail("a spatial loop needs an axis, [dim, trip, \"x\" or \"y\"], got " + show(n.j));
  if (n.j.size() != (spatial ? 3u : 2u)) n.expected(form);
  Loop loop{parse_dim_node(n.at(std::size_t{0}), dim_hint),
            n.at(std::size_t{1}).positive(kMaxExtent), LoopKind::Temporal};
  if (spatial) {
    const Node axis = n.at(std::size_t{2});
    const std::string s = axis.string("the axis \"x\" or \"y\"");
    if (s == "x")
      loop.kind = LoopKind::SpatialX;
    else if (s == "y")
      loop.kind = LoopKind::SpatialY;
    else
      axis.expected("the axis \"x\" or \"y\"");
  }
  return loop;
}

std::vector<Loop> parse_loops(const Node &n, bool spatial, const std::string &dim_hint) {
  n.array(spatial ? "an array of spatial loops [[dim, trip, \"x\" or \"y\"], ...]"
                  : "an array of temporal loops [[dim, trip], ...]");
  std::vector<Loop> loops;
  for (std::size_t i = 0; i < n.j.size(); ++i)
    loops.push_back(parse_loop(n.at(i), spatial, dim_hint));
  return loops;
}

Json loop_json(const Loop &x) {
  Json j = Json::array({std::string(dim_name(x.dim)), x.trip});
  if (x.kind == LoopKind::SpatialX) j.push_back("x");
  if (x.kind == LoopKind::SpatialY) j.push_back("y");
  return j;
}

// ---- JSON text ---------------------------------------------------------------------------------

// Rejects duplicate keys in an object (nlohmann would keep the last one silently), naming the
// key's field path.
class DuplicateKeyCheck {
public:
  explicit DuplicateKeyCheck(const std::string &file) : file_(file) {}

  bool operator()(int /*depth*/, nlohmann::detail::parse_event_t event, Json &parsed) {
    using E = nlohmann::detail::parse_event_t;
    switch (event) {
    case E::object_start:
    case E::array_start:
      frames_.push_back({event == E::array_start, element_path(), 0, "", {}});
      break;
    case E::object_end:
    case E::array_end:
      frames_.pop_back();
      break;
    case E::key: {
      Frame &f = frames_.back();
      const std::string key = parsed.get<std::string>();
      if (!f.keys.insert(key).second)
        user_error(where_of(file_, child_path(f.path, key)),
                   "duplicate key " + in_quotes(key) + " in one object");
      f.last_key = key;
      break;
    }
    case E::value:
      element_path();
      break;
    }
    return true;
  }

private:
  struct Frame {
    bool is_array;
    std::string path;
    std::size_t next_index;
    std::string last_key;
    std::set<std::string> keys;
  };
  // The path of the element that starts now, advancing the enclosing array's index.
  std::string element_path() {
    if (frames_.empty()) return "";
    Frame &f = frames_.back();
    if (f.is_array) return index_path(f.path, f.next_index++);
    return child_path(f.path, f.last_key);
  }

  const std::string &file_;
  std::vector<Frame> frames_;
};

// ---- pretty printing ---------------------------------------------------------------------------

bool is_scalar(const Json &j) { return !j.is_array() && !j.is_object(); }

bool is_flat(const Json &j) {
  if (is_scalar(j)) return true;
  return std::all_of(j.begin(), j.end(), [](const Json &e) { return is_scalar(e); });
}

std::string one_line(const Json &j) {
  if (is_scalar(j)) return text_of(j);
  std::string s = j.is_array() ? "[" : "{";
  bool first = true;
  if (j.is_array()) {
    for (const Json &e : j) {
      s += (first ? "" : ", ") + one_line(e);
      first = false;
    }
  } else {
    for (const auto &item : j.items()) {
      s += (first ? "" : ", ") + in_quotes(item.key()) + ": " + one_line(item.value());
      first = false;
    }
  }
  return s + (j.is_array() ? "]" : "}");
}

// Short arrays of scalars, arrays of such arrays, and objects of scalars go on one line.
bool inline_form(const Json &j) {
  if (is_scalar(j) || j.empty()) return true;
  if (j.is_object()) return is_flat(j);
  return std::all_of(j.begin(), j.end(),
                     [](const Json &e) { return e.is_array() && is_flat(e); }) ||
         is_flat(j);
}

void pretty(const Json &j, int indent, std::string &out) {
  constexpr int kWidth = 100;
  if (inline_form(j)) {
    const std::string s = one_line(j);
    if (is_scalar(j) || indent + static_cast<int>(s.size()) <= kWidth) {
      out += s;
      return;
    }
  }
  const std::string pad(indent + 2, ' ');
  out += j.is_array() ? "[\n" : "{\n";
  std::size_t i = 0;
  if (j.is_array()) {
    for (const Json &e : j) {
      out += pad;
      pretty(e, indent + 2, out);
      out += ++i < j.size() ? ",\n" : "\n";
    }
  } else {
    for (const auto &item : j.items()) {
      out += pad + in_quotes(item.key()) + ": ";
      pretty(item.value(), indent + 2, out);
      out += ++i < j.size() ? ",\n" : "\n";
    }
  }
  out += std::string(indent, ' ') + (j.is_array() ? "]" : "}");
}

} // namespace

// ---- public functions
// ----------------------------------------------------------------------------

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string &c : candidates) {
    // A prefix ("evaluate" for "eval") counts as close.
    const std::string_view shorter = name.size() < c.size() ? name : std::string_view(c);
    const std::string_view longer = name.size() < c.size() ? std::string_view(c) : name;
    if (shorter.size() >= 3 && longer.substr(0, shorter.size()) == shorter) return c;
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance && d < std::max(name.size(), c.size())) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

namespace detail {

void rethrow_with_file(const std::string &file, const UserError &e) {
  std::string where = e.where();
  if (where == file || where.rfind(file + ": ", 0) == 0) throw e;
  const std::string what = e.what();
  std::string detail = what;
  if (!where.empty() && what.rfind(where + ": ", 0) == 0) detail = what.substr(where.size() + 2);
  if (!where.empty() && where[0] == '.') where.erase(0, 1);
  throw UserError(where.empty() ? file : file + ": " + where, detail);
}

} // namespace detail

Json parse_json(std::string_view text, const std::string &file) {
  try {
    DuplicateKeyCheck check(file);
    return Json::parse(text.begin(), text.end(), std::ref(check));
  } catch (const nlohmann::json::parse_error &e) {
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos && what[0] == '[')
      what = what.substr(pos + 2);
    user_error(file, "malformed JSON at byte " + std::to_string(e.byte) + ": " + what);
  } catch (const nlohmann::json::exception &e) {
    // E.g. a number too large for a double ("1e400").
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos && what[0] == '[')
      what = what.substr(pos + 2);
    user_error(file, "malformed JSON: " + what);
  }
}

Json read_json_file(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) user_error(path, "is a directory, not a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) user_error(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) user_error(path, "cannot read the file");
  return parse_json(text.str(), path);
}

std::string dump_json(const Json &j) {
  std::string out;
  pretty(j, 0, out);
  return out + "\n";
}

Problem problem_from_json(const Json &j, const std::string &file, const std::string &path) {
  Problem p = parse_problem(Node{j, file, path}, {});
  // A problem file without a name is named after the file.
  if (path.empty() && !j.contains("name")) {
    const std::string stem = std::filesystem::path(file).stem().string();
    if (!stem.empty()) p.name = stem;
  }
  return p;
}

Json to_json(const Problem &p) { return problem_json(p); }

Network network_from_json(const Json &j, const std::string &file) {
  const Node root{j, file, ""};
  const Object obj(root, {"name", "description", "source", "batch", "layers"},
                   "an object (a network)");
  Network net;
  net.name = "network";
  if (auto v = obj.get("name")) net.name = v->non_empty_string();
  if (auto v = obj.get("description")) v->string();
  if (auto v = obj.get("source")) v->string();
  std::optional<std::int64_t> batch;
  if (auto v = obj.get("batch")) batch = v->positive(kMaxExtent);
  const Node layers = obj.required("layers");
  layers.array("an array of layers");
  if (layers.j.empty()) layers.fail("must list at least one layer");
  for (std::size_t i = 0; i < layers.j.size(); ++i) {
    const Node l = layers.at(i);
    Layer layer;
    layer.problem = parse_problem(l, {"repeat"}, batch);
    if (!l.j.contains("name")) layer.problem.name = "layer" + std::to_string(i + 1);
    if (l.j.is_object() && l.j.contains("repeat")) layer.repeat = l.at("repeat").positive();
    net.layers.push_back(std::move(layer));
  }
  return net;
}

Json to_json(const Network &n) {
  Json layers = Json::array();
  for (const Layer &l : n.layers) {
    Json j = problem_json(l.problem);
    if (l.repeat != 1) j["repeat"] = l.repeat;
    layers.push_back(std::move(j));
  }
  return {{"name", n.name}, {"layers", std::move(layers)}};
}

Architecture architecture_from_json(const Json &j, const std::string &file) {
  const Node root{j, file, ""};
  const Object obj(root, {"name", "mac_pj", "levels"}, "an object (an architecture)");
  Architecture a;
  if (auto v = obj.get("name")) a.name = v->non_empty_string();
  if (auto v = obj.get("mac_pj")) a.mac_pj = v->non_negative();
  const Node levels = obj.required("levels");
  levels.array("an array of storage levels, innermost first");
  if (levels.j.empty()) levels.fail("must list at least one level");
  for (std::size_t i = 0; i < levels.j.size(); ++i) {
    const Node ln = levels.at(i);
    Level l = parse_level(ln);
    for (std::size_t k = 0; k < a.levels.size(); ++k)
      if (a.levels[k].name == l.name)
        ln.at("name").fail("duplicate level name " + in_quotes(l.name) + " (also levels[" +
                           std::to_string(k) + "])");
    a.levels.push_back(std::move(l));
  }
  // The outermost level holds the whole problem.
  const Node outer = levels.at(levels.j.size() - 1);
  const Level &o = a.levels.back();
  if (o.capacity_words || o.capacity_bytes) {
    const char *key = o.capacity_words ? "capacity_words" : "capacity_bytes";
    outer.at(key).fail("the outermost level (" + o.name +
                       ") must be unbounded, as it holds the whole problem; got " +
                       show(outer.j.at(key)));
  }
  if (outer.j.contains("keeps") && (!o.keeps[0] || !o.keeps[1] || !o.keeps[2]))
    outer.at("keeps").fail("the outermost level (" + o.name + ") must keep W, I and O, got " +
                           show(outer.j.at("keeps")));
  with_file(file, [&] { validate(a, ""); });
  return a;
}

Json to_json(const Architecture &a) {
  Json levels = Json::array();
  for (const Level &l : a.levels)
    levels.push_back(level_json(l));
  return {{"name", a.name}, {"mac_pj", a.mac_pj}, {"levels", std::move(levels)}};
}

Mapping mapping_from_json(const Json &j, const Problem &p, const Architecture &a,
                          const std::string &file) {
  const Node root{j, file, ""};
  const Object obj(root, {"levels", "bypass"}, "an object (a mapping)");
  const std::string dim_hint =
      p.type == ProblemType::Gemm
          ? " (mappings use these names for GEMMs too: M is N, K is C, N is K)"
          : "";
  Mapping m;
  m.levels.resize(a.num_levels());
  const Node levels = obj.required("levels");
  levels.array("an array of levels, outermost first");
  std::vector<int> entry_of(a.num_levels(), -1); // JSON index of each architecture level
  for (std::size_t i = 0; i < levels.j.size(); ++i) {
    const Node ln = levels.at(i);
    const Object lo(ln, {"level", "temporal", "spatial"},
                    "an object {\"level\": name, \"temporal\": [...], \"spatial\": [...]}");
    const Node name_node = lo.required("level");
    const std::string name = name_node.non_empty_string();
    const int l = a.level_index(name);
    if (l < 0)
      name_node.fail("unknown level " + in_quotes(name) +
                     suggestion(name, level_names_outermost_first(a)) + "; architecture '" +
                     a.name + "' has levels " + join(level_names_outermost_first(a)) +
                     " (outermost first)");
    if (entry_of[l] >= 0)
      name_node.fail("duplicate level " + in_quotes(name) + " (also levels[" +
                     std::to_string(entry_of[l]) + "])");
    entry_of[l] = static_cast<int>(i);
    if (auto v = lo.get("temporal")) m.levels[l].temporal = parse_loops(*v, false, dim_hint);
    if (auto v = lo.get("spatial")) m.levels[l].spatial = parse_loops(*v, true, dim_hint);
  }
  for (int l = a.num_levels() - 1; l >= 0; --l)
    if (entry_of[l] < 0)
      levels.fail("no entry for level " + in_quotes(a.levels[l].name) +
                  "; a mapping lists every level of architecture '" + a.name + "' (" +
                  join(level_names_outermost_first(a)) + ", outermost first)");
  if (auto bn = obj.get("bypass")) {
    if (!bn->j.is_object())
      bn->expected("an object like {\"RF\": [\"I\"]} (level name -> operands)");
    m.bypass.assign(a.num_levels(), OperandArray<bool>{});
    for (const auto &item : bn->j.items()) {
      const Node entry = bn->at(item.key());
      const int l = a.level_index(item.key());
      if (l < 0)
        entry.fail("unknown level " + in_quotes(item.key()) +
                   suggestion(item.key(), level_names_outermost_first(a)) + "; architecture '" +
                   a.name + "' has levels " + join(level_names_outermost_first(a)));
      m.bypass[l] = parse_operand_set(entry);
      if (l == a.num_levels() - 1 && (m.bypass[l][0] || m.bypass[l][1] || m.bypass[l][2]))
        entry.fail("the outermost level (" + item.key() +
                   ") holds the whole problem and cannot be bypassed, got " + show(entry.j));
    }
  }
  with_file(file, [&] { validate(m, p, a, ""); });
  return m;
}

Json to_json(const Mapping &m, const Architecture &a) {
  Json levels = Json::array();
  for (int l = m.num_levels() - 1; l >= 0; --l) {
    Json entry;
    entry["level"] = l < a.num_levels() ? a.levels[l].name : std::to_string(l);
    Json temporal = Json::array();
    for (const Loop &x : m.levels[l].temporal)
      temporal.push_back(loop_json(x));
    entry["temporal"] = std::move(temporal);
    if (!m.levels[l].spatial.empty()) {
      Json spatial = Json::array();
      for (const Loop &x : m.levels[l].spatial)
        spatial.push_back(loop_json(x));
      entry["spatial"] = std::move(spatial);
    }
    levels.push_back(std::move(entry));
  }
  Json j = {{"levels", std::move(levels)}};
  Json bypass = Json::object();
  for (int l = m.num_levels() - 1; l >= 0; --l)
    if (l < static_cast<int>(m.bypass.size()) &&
        (m.bypass[l][0] || m.bypass[l][1] || m.bypass[l][2]))
      bypass[l < a.num_levels() ? a.levels[l].name : std::to_string(l)] = operand_list(m.bypass[l]);
  if (!bypass.empty()) j["bypass"] = std::move(bypass);
  return j;
}

Json to_json(const Evaluation &e, const Problem &p, const Architecture &a) {
  Json j;
  j["problem"] = p.name;
  j["architecture"] = a.name;
  j["macs"] = e.counts.macs;
  j["energy_pj"] = e.energy_pj;
  j["pj_per_mac"] = e.pj_per_mac;
  j["cycles"] = e.cycles;
  j["compute_cycles"] = e.compute_cycles;
  j["bound"] = e.bound;
  j["utilization"] = e.utilization;
  j["pes"] = e.pes;
  j["used_pes"] = e.used_pes;
  Json losses = Json::array();
  for (const UtilizationLoss &loss : e.losses)
    losses.push_back({{"cause", loss.cause}, {"factor", loss.factor}});
  j["losses"] = std::move(losses);

  Json levels = Json::array();
  for (int l = 0; l < a.num_levels(); ++l) {
    const LevelCounts counts = at_or_zero(e.counts.levels, l);
    const LevelEnergy energy = at_or_zero(e.level_energy, l);
    Json level;
    level["name"] = a.levels[l].name;
    level["energy_pj"] = energy.total_pj;
    Json operands;
    for (Operand o : kAllOperands) {
      const OperandCounts &c = counts.operands[idx(o)];
      operands[std::string(operand_name(o))] = {{"reads", c.reads},
                                                {"writes", c.writes},
                                                {"fills", c.fills},
                                                {"updates", c.updates},
                                                {"energy_pj", energy.operand_pj[idx(o)]}};
    }
    level["operands"] = std::move(operands);
    if (static_cast<std::size_t>(l) < e.usage.size()) {
      const LevelUsage &u = e.usage[l];
      Json tiles;
      for (Operand o : kAllOperands)
        tiles[std::string(operand_name(o))] = u.tile_words[idx(o)];
      level["capacity"] = {{"used", u.used},
                           {"capacity", u.capacity ? Json(*u.capacity) : Json(nullptr)},
                           {"unit", u.in_bytes ? "bytes" : "words"},
                           {"tile_words", std::move(tiles)}};
    }
    levels.push_back(std::move(level));
  }
  j["levels"] = std::move(levels);

  Json fanouts = Json::array();
  for (int l = 0; l < a.num_levels(); ++l) {
    const FanoutCounts words = at_or_zero(e.counts.fanouts, l);
    const double energy = at_or_zero(e.fanout_energy_pj, l);
    const Fanout &f = a.levels[l].fanout;
    const bool used = words.words[0] || words.words[1] || words.words[2];
    if (f.size() == 1 && !used && energy == 0.0) continue;
    Json operands;
    for (Operand o : kAllOperands)
      operands[std::string(operand_name(o))] = {{"words", words.words[idx(o)]}};
    fanouts.push_back({{"level", a.levels[l].name},
                       {"x", f.x},
                       {"y", f.y},
                       {"operands", std::move(operands)},
                       {"energy_pj", energy}});
  }
  j["fanouts"] = std::move(fanouts);
  j["mac_energy_pj"] = e.mac_energy_pj;
  return j;
}

Problem load_problem(const std::string &path) {
  return problem_from_json(read_json_file(path), path);
}

Network load_network(const std::string &path) {
  return network_from_json(read_json_file(path), path);
}

Architecture load_architecture(const std::string &path) {
  return architecture_from_json(read_json_file(path), path);
}

Mapping load_mapping(const std::string &path, const Problem &p, const Architecture &a) {
  return mapping_from_json(read_json_file(path), p, a, path);
}

} // namespace tessel
