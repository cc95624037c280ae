// Reading a sweep config and building its design points (explorer/sweep.hpp, docs/sweep.md).
#include "explorer/sweep.hpp"

#include "cost_model/json_fields.hpp"
#include "explorer/constraints_io.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace tessel {

namespace fs = std::filesystem;
using json_fields::Field;

std::string_view sweep_objective_name(SweepObjective o) {
  switch (o) {
  case SweepObjective::Energy:
    return "energy";
  case SweepObjective::Cycles:
    return "cycles";
  case SweepObjective::Area:
    return "area";
  case SweepObjective::Edp:
    return "edp";
  }
  return "energy";
}

std::optional<SweepObjective> parse_sweep_objective(std::string_view s) {
  for (SweepObjective o :
       {SweepObjective::Energy, SweepObjective::Cycles, SweepObjective::Area, SweepObjective::Edp})
    if (sweep_objective_name(o) == s) return o;
  return std::nullopt;
}

std::string stable_hash(const Json &j) {
  // nlohmann::json (unordered) keeps object keys sorted: the dump is canonical.
  const std::string text = nlohmann::json::parse(j.dump()).dump();
  std::uint64_t h = 14695981039346656037ull; // FNV-1a offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull; // FNV prime
  }
  static const char *digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4)
    out[i] = digits[h & 15];
  return out;
}

namespace {

constexpr std::size_t kMaxPoints = 100000;

// A string naming a built-in (no '/', no ".json") or a file relative to the config's
// directory.
bool names_builtin(const std::string &s, const std::vector<std::string> &builtins) {
  if (s.find('/') != std::string::npos) return false;
  if (s.size() >= 5 && s.compare(s.size() - 5, 5, ".json") == 0) return false;
  return std::find(builtins.begin(), builtins.end(), s) != builtins.end();
}

std::string relative_to(const std::string &base_dir, const std::string &path) {
  const fs::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

std::string list_text(const std::vector<std::string> &names) {
  std::string s;
  for (const std::string &n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A value of a varied parameter and the field it came from.
template <typename T> struct Choice {
  T value;
  std::string field; // e.g. "space.rf_bytes[2]"; "architecture" when taken from the base
};

std::vector<Choice<std::int64_t>> sizes(const Field &space, const std::string &key,
                                        std::int64_t dflt, bool allow_zero) {
  std::vector<Choice<std::int64_t>> out;
  const auto f = space.get(key);
  if (!f) return {{dflt, "architecture"}};
  f->non_empty_array("a non-empty array of sizes in bytes");
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < f->j.size(); ++i) {
    const Field v = f->at(i);
    const std::int64_t b = allow_zero ? v.non_negative_integer() : v.positive();
    if (!seen.insert(b).second) v.fail("the size " + std::to_string(b) + " is listed twice");
    out.push_back({b, v.path});
  }
  return out;
}

OperandArray<int> parse_bits(const Field &f) {
  const auto width = [](const Field &v) {
    const std::int64_t b = v.positive();
    if (b > 64) v.fail("must be at most 64 bits, got " + std::to_string(b));
    return static_cast<int>(b);
  };
  if (f.j.is_number()) {
    const int b = width(f);
    return {b, b, b};
  }
  f.object({"W", "I", "O"}, "a word width in bits or {\"W\": .., \"I\": .., \"O\": ..}");
  OperandArray<int> bits = {16, 16, 16};
  for (Operand o : kAllOperands)
    if (auto v = f.get(operand_name(o))) bits[idx(o)] = width(*v);
  return bits;
}

Json bits_json(const OperandArray<int> &b) { return {{"W", b[0]}, {"I", b[1]}, {"O", b[2]}}; }

struct Dataflow {
  std::string name;
  Json constraints;   // the object as written (validated per point)
  std::string field;  // where it is in the config
  bool named = false; // a named dataflow (schedules/dataflows.hpp): constraints per point
};

// The base architecture and what the sweep varies in it.
struct Base {
  Architecture arch;
  int rf = 0;         // the register file
  int array = -1;     // the level whose fanout is the PE array (-1: none)
  int pe_buffer = -1; // an existing level between rf and array, if any
  std::string pe_buffer_name = "PEBuf";
  std::map<std::string, std::string> classes; // level name -> memory class overrides
};

std::optional<std::int64_t> bytes_of(const Level &l) {
  if (l.capacity_bytes) return l.capacity_bytes;
  if (l.capacity_words) return *l.capacity_words * 2; // 16-bit words
  return std::nullopt;
}

std::string size_label(std::optional<std::int64_t> b) {
  if (!b) return "inf";
  if (*b >= 1024 && *b % 1024 == 0) return std::to_string(*b / 1024) + "K";
  return std::to_string(*b);
}

Base load_base(const Field &root, const std::string &base_dir) {
  Base b;
  const Field af = root.required("architecture");
  if (af.j.is_string()) {
    const std::string s = af.non_empty_string();
    if (names_builtin(s, builtin_architecture_names())) {
      b.arch = builtin_architecture(s);
    } else {
      const std::string path = relative_to(base_dir, s);
      try {
        b.arch = load_architecture(path);
      } catch (const UserError &e) {
        af.fail(std::string("not a built-in architecture (") +
                list_text(builtin_architecture_names()) + ") nor a readable file: " + e.what());
      }
    }
  } else {
    b.arch =
        json_fields::under(af.file, af.path, [&] { return architecture_from_json(af.j, af.file); });
  }
  const Architecture &a = b.arch;
  const auto level_field = [&](const char *key) -> std::optional<int> {
    const auto f = root.get(key);
    if (!f) return std::nullopt;
    const std::string name = f->non_empty_string();
    const int i = a.level_index(name);
    if (i < 0) {
      std::vector<std::string> names;
      for (const Level &l : a.levels)
        names.push_back(l.name);
      f->fail("unknown level '" + name + "' of architecture '" + a.name +
              "' (levels: " + list_text(names) + ")");
    }
    return i;
  };
  if (a.num_levels() < 2)
    af.fail("a swept architecture needs at least two levels (a register file and DRAM)");
  b.rf = level_field("register_file").value_or(0);
  if (b.rf == a.num_levels() - 1)
    root.at("register_file").fail("the register file cannot be the outermost level");
  if (const auto i = level_field("array_level")) {
    b.array = *i;
  } else {
    for (int l = 0; l < a.num_levels(); ++l)
      if (a.levels[l].fanout.size() > 1) {
        if (b.array >= 0)
          af.fail("has more than one level with a fanout (" + a.levels[b.array].name + ", " +
                  a.levels[l].name + "): name the PE array's level with \"array_level\"");
        b.array = l;
      }
  }
  if (b.array >= 0 && b.array <= b.rf)
    root.at(root.has("array_level") ? "array_level" : "architecture")
        .fail("the PE array's level (" + a.levels[b.array].name +
              ") must be above the register file (" + a.levels[b.rf].name + ")");
  if (b.array == a.num_levels() - 1)
    af.fail("the PE array's level must be on chip (not the outermost level, " +
            a.levels[b.array].name + ")");
  if (b.array > b.rf + 2)
    af.fail("has more than one level between the register file and the PE array's level; the "
            "sweep's extra per-PE buffer needs at most one");
  if (b.array == b.rf + 2) b.pe_buffer = b.rf + 1;
  if (auto f = root.get("pe_buffer_name")) {
    b.pe_buffer_name = f->non_empty_string();
    if (b.pe_buffer >= 0 && a.levels[b.pe_buffer].name != b.pe_buffer_name)
      f->fail("the architecture already has a per-PE buffer, " + a.levels[b.pe_buffer].name);
    if (b.pe_buffer < 0 && a.level_index(b.pe_buffer_name) >= 0) f->fail("names an existing level");
  }
  if (b.pe_buffer >= 0) b.pe_buffer_name = a.levels[b.pe_buffer].name;
  // Capacities in bytes: a capacity in words counts 16-bit words.
  for (Level &l : b.arch.levels)
    if (l.capacity_words) {
      l.capacity_bytes = *l.capacity_words * 2;
      l.capacity_words.reset();
    }
  if (auto f = root.get("memory_classes")) {
    if (!f->j.is_object()) f->expected("an object of level name: memory class");
    for (const auto &item : f->j.items()) {
      const Field c = f->at(item.key());
      if (a.level_index(item.key()) < 0 && item.key() != b.pe_buffer_name)
        c.fail("unknown level '" + item.key() + "'");
      b.classes[item.key()] = c.non_empty_string();
    }
  }
  return b;
}

std::shared_ptr<const EnergyTable> load_table(const Field &root, const std::string &base_dir) {
  const auto f = root.get("energy_table");
  if (!f) return builtin_energy_table("interstellar");
  if (f->j.is_string()) {
    const std::string s = f->non_empty_string();
    if (names_builtin(s, builtin_energy_table_names())) return builtin_energy_table(s);
    const std::string path = relative_to(base_dir, s);
    Json j;
    try {
      j = read_json_file(path);
    } catch (const UserError &e) {
      f->fail(std::string("not a built-in energy table (") +
              list_text(builtin_energy_table_names()) + ") nor a readable file: " + e.what());
    }
    return energy_table_from_json(j, path);
  }
  return energy_table_from_json(f->j, f->file, f->path);
}

Network load_net(const Field &root, const std::string &base_dir) {
  const auto f = root.get("network");
  std::optional<std::int64_t> batch;
  if (auto b = root.get("batch")) batch = b->positive();
  Network net;
  if (!f || f->j.is_string()) {
    const std::string s = f ? f->non_empty_string() : std::string("alexnet");
    if (names_builtin(s, builtin_network_names())) {
      net = json_fields::under(root.file, f ? f->path : "network",
                               [&] { return builtin_network(s, batch.value_or(kDefaultBatch)); });
    } else {
      if (batch) root.at("batch").fail("applies to built-in networks; set it in the network file");
      const std::string path = relative_to(base_dir, s);
      try {
        net = load_network(path);
      } catch (const UserError &e) {
        f->fail(std::string("not a built-in network (") + list_text(builtin_network_names()) +
                ") nor a readable file: " + e.what());
      }
    }
  } else {
    if (batch) root.at("batch").fail("applies to built-in networks; set it in the network");
    net = json_fields::under(f->file, f->path, [&] { return network_from_json(f->j, f->file); });
  }
  if (auto l = root.get("layers")) {
    l->non_empty_array("a non-empty array of layer names");
    std::vector<std::string> names;
    for (const Layer &layer : net.layers)
      names.push_back(layer.problem.name);
    Network subset;
    subset.name = net.name;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < l->j.size(); ++i) {
      const Field v = l->at(i);
      const std::string name = v.non_empty_string();
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        const auto close = closest_name(name, names);
        v.fail("no layer '" + name + "' in network '" + net.name + "'" +
               (close ? " (did you mean '" + *close + "'?)" : std::string()) + "; its layers are " +
               list_text(names));
      }
      if (!seen.insert(name).second) v.fail("layer '" + name + "' is listed twice");
      subset.layers.push_back(net.layers[static_cast<std::size_t>(it - names.begin())]);
    }
    net = std::move(subset);
  }
  return net;
}

} // namespace

SweepConfig sweep_config_from_json(const Json &j, const std::string &file,
                                   const std::string &base_dir,
                                   std::optional<double> budget_override) {
  const Field root{j, file, ""};
  root.object({"name", "architecture", "register_file", "array_level", "pe_buffer_name",
               "memory_classes", "energy_table", "network", "batch", "layers", "objectives",
               "explore", "space"},
              "an object (a sweep config)");
  SweepConfig c;
  c.file = file;
  c.name = root.has("name") ? root.at("name").non_empty_string() : fs::path(file).stem().string();
  const Base base = load_base(root, base_dir);
  c.table = load_table(root, base_dir);
  c.network = load_net(root, base_dir);

  if (auto f = root.get("objectives")) {
    f->non_empty_array("a non-empty array of objectives (energy, cycles, area, edp)");
    c.objectives.clear();
    for (std::size_t i = 0; i < f->j.size(); ++i) {
      const Field v = f->at(i);
      const std::string s = v.string();
      const auto o = parse_sweep_objective(s);
      if (!o) v.fail("unknown objective '" + s + "' (use energy, cycles, area or edp)");
      if (std::find(c.objectives.begin(), c.objectives.end(), *o) != c.objectives.end())
        v.fail("objective '" + s + "' is listed twice");
      c.objectives.push_back(*o);
    }
  }
  if (auto f = root.get("explore")) {
    f->object({"objective", "budget_s", "max_evaluations", "seed"});
    if (auto v = f->get("objective")) {
      c.explore_objectives.clear();
      const auto one = [&](const Field &x) {
        const std::string s = x.string();
        const auto o = parse_objective(s);
        if (!o) x.fail("unknown objective '" + s + "' (use energy, cycles or edp)");
        c.explore_objectives.push_back(*o);
      };
      if (v->j.is_array()) {
        v->non_empty_array("an objective or a non-empty array of them (lexicographic)");
        for (std::size_t i = 0; i < v->j.size(); ++i)
          one(v->at(i));
      } else {
        one(*v);
      }
    }
    if (auto v = f->get("budget_s")) c.budget_s = v->non_negative();
    if (auto v = f->get("max_evaluations")) c.max_evaluations = v->non_negative_integer();
    if (auto v = f->get("seed")) c.seed = v->boolean();
  }
  if (budget_override) {
    if (!(*budget_override >= 0)) user_error("--budget", "must be 0 or more seconds");
    c.budget_s = *budget_override;
  }

  // ---- the varied parameters -------------------------------------------------------------
  const Architecture &ba = base.arch;
  static const Json kEmpty = Json::object();
  const Field space = root.has("space") ? root.at("space") : Field{kEmpty, file, "space"};
  space.object({"rf_bytes", "pe_buffer_bytes", "gb_bytes", "mesh", "bits", "dataflows"});
  const auto rf_default = bytes_of(ba.levels[base.rf]);
  const auto rf_sizes = sizes(space, "rf_bytes", rf_default.value_or(0), false);
  const auto pb_sizes =
      sizes(space, "pe_buffer_bytes",
            base.pe_buffer >= 0 ? bytes_of(ba.levels[base.pe_buffer]).value_or(0) : 0, true);
  if (space.has("pe_buffer_bytes") && base.array < 0)
    space.at("pe_buffer_bytes")
        .fail("needs a PE array level to go below (the architecture has no fanout; set "
              "\"array_level\")");
  if (base.pe_buffer >= 0 && !bytes_of(ba.levels[base.pe_buffer]) && !space.has("pe_buffer_bytes"))
    space.fail("the per-PE buffer " + base.pe_buffer_name + " is unbounded; give pe_buffer_bytes");
  std::vector<Choice<std::int64_t>> gb_sizes = {{0, "architecture"}};
  if (base.array >= 0)
    gb_sizes = sizes(space, "gb_bytes", bytes_of(ba.levels[base.array]).value_or(0), false);
  else if (space.has("gb_bytes"))
    space.at("gb_bytes")
        .fail("needs a PE array level (the architecture has no fanout; set "
              "\"array_level\")");
  std::vector<Choice<std::pair<std::int64_t, std::int64_t>>> meshes;
  if (auto f = space.get("mesh")) {
    if (base.array < 0)
      f->fail("needs a PE array level (the architecture has no fanout; set \"array_level\")");
    f->non_empty_array("a non-empty array of [x, y] meshes");
    for (std::size_t i = 0; i < f->j.size(); ++i) {
      const Field m = f->at(i);
      if (!m.j.is_array() || m.j.size() != 2) m.expected("[x, y]");
      const std::int64_t x = m.at(std::size_t{0}).positive(), y = m.at(std::size_t{1}).positive();
      if (x * y > (std::int64_t{1} << 20)) m.fail("the mesh has too many PEs");
      for (const auto &prev : meshes)
        if (prev.value == std::pair{x, y}) m.fail("this mesh is listed twice");
      meshes.push_back({{x, y}, m.path});
    }
  } else {
    const Fanout &fo = ba.levels[base.array >= 0 ? base.array : 0].fanout;
    meshes.push_back({{fo.x, fo.y}, "architecture"});
  }
  std::vector<Choice<OperandArray<int>>> widths;
  if (auto f = space.get("bits")) {
    f->non_empty_array("a non-empty array of word widths");
    for (std::size_t i = 0; i < f->j.size(); ++i)
      widths.push_back({parse_bits(f->at(i)), f->at(i).path});
  } else {
    widths.push_back({{16, 16, 16}, "architecture"});
  }
  std::vector<Dataflow> dataflows;
  if (auto f = space.get("dataflows")) {
    f->non_empty_array("a non-empty array of dataflow names or {\"name\": .., \"constraints\": "
                       "{..}}");
    for (std::size_t i = 0; i < f->j.size(); ++i) {
      const Field d = f->at(i);
      Dataflow df;
      if (d.j.is_string()) {
        df.name = d.non_empty_string();
        df.field = d.path;
        if (df.name == "any") {
          df.constraints = Json::object();
        } else if (is_dataflow(df.name)) {
          df.named = true;
        } else {
          const auto close = closest_name(df.name, dataflow_names());
          d.fail("unknown dataflow '" + df.name + "'" +
                 (close ? " (did you mean '" + *close + "'?)" : std::string()) +
                 "; the named dataflows are " + list_text(dataflow_names()) +
                 ", and \"any\" (unconstrained)");
        }
      } else {
        d.object({"name", "constraints"},
                 "a dataflow name or an object {\"name\": .., \"constraints\": {..}}");
        df.name = d.required("name").non_empty_string();
        df.constraints = d.has("constraints") ? d.at("constraints").j : Json::object();
        df.field = d.has("constraints") ? d.at("constraints").path : d.path;
      }
      for (const Dataflow &prev : dataflows)
        if (prev.name == df.name) d.fail("dataflow '" + df.name + "' is listed twice");
      dataflows.push_back(std::move(df));
    }
  } else {
    dataflows.push_back({"any", Json::object(), "space"});
  }
  const std::size_t total = rf_sizes.size() * pb_sizes.size() * gb_sizes.size() * meshes.size() *
                            widths.size() * dataflows.size();
  if (total > kMaxPoints)
    space.fail("describes " + std::to_string(total) + " points; at most " +
               std::to_string(kMaxPoints) + " are allowed");
  for (const auto &[level, cls] : base.classes) {
    const auto known = c.table->classes();
    if (std::find(known.begin(), known.end(), cls) == known.end())
      root.at("memory_classes")
          .at(level)
          .fail("energy table '" + c.table->name() + "' has no class '" + cls +
                "'; its classes are " + list_text(known));
  }

  // ---- what the results depend on: hashed, and written to DIR/config.json ---------------
  Json space_json;
  Json list = Json::array();
  for (const auto &s : rf_sizes)
    list.push_back(s.value);
  space_json["rf_bytes"] = list;
  list = Json::array();
  for (const auto &s : pb_sizes)
    list.push_back(s.value);
  space_json["pe_buffer_bytes"] = list;
  list = Json::array();
  for (const auto &s : gb_sizes)
    list.push_back(s.value);
  space_json["gb_bytes"] = list;
  list = Json::array();
  for (const auto &m : meshes)
    list.push_back({m.value.first, m.value.second});
  space_json["mesh"] = list;
  list = Json::array();
  for (const auto &w : widths)
    list.push_back(bits_json(w.value));
  space_json["bits"] = list;
  list = Json::array();
  for (const Dataflow &d : dataflows)
    list.push_back(d.named ? Json{{"name", d.name}, {"named", true}}
                           : Json{{"name", d.name}, {"constraints", d.constraints}});
  space_json["dataflows"] = list;
  Json objectives = Json::array();
  for (SweepObjective o : c.objectives)
    objectives.push_back(std::string(sweep_objective_name(o)));
  Json explore_objectives = Json::array();
  for (Objective o : c.explore_objectives)
    explore_objectives.push_back(std::string(objective_name(o)));
  Json classes = Json::object();
  for (const auto &[level, cls] : base.classes)
    classes[level] = cls;
  c.resolved = {{"format", 1},
                {"name", c.name},
                {"architecture", to_json(base.arch)},
                {"register_file", ba.levels[base.rf].name},
                {"array_level", base.array >= 0 ? Json(ba.levels[base.array].name) : Json()},
                {"pe_buffer_name", base.pe_buffer_name},
                {"memory_classes", classes},
                {"energy_table", c.table->to_json()},
                {"network", to_json(c.network)},
                {"objectives", objectives},
                {"explore",
                 {{"objective", explore_objectives},
                  {"budget_s", c.budget_s},
                  {"max_evaluations", c.max_evaluations},
                  {"seed", c.seed}}},
                {"space", space_json}};
  c.hash = stable_hash(c.resolved);

  // ---- the points, in a fixed order: capacities innermost (ascending as listed) ----------
  for (const Dataflow &df : dataflows)
    for (const auto &w : widths)
      for (const auto &mesh : meshes)
        for (const auto &pb : pb_sizes)
          for (const auto &gb : gb_sizes)
            for (const auto &rf : rf_sizes) {
              SweepPoint pt;
              pt.index = static_cast<int>(c.points.size());
              pt.dataflow = df.name;
              pt.named_dataflow = df.named;
              pt.bits = w.value;
              Architecture a = ba;
              // Roles, by position in `a` after the PE buffer is added or removed.
              int rf_i = base.rf, array_i = base.array;
              std::map<int, std::string> field_of; // level -> the config field sizing it
              if (rf_default || rf.field != "architecture") {
                a.levels[rf_i].capacity_bytes = rf.value;
                field_of[rf_i] = rf.field;
              }
              if (array_i >= 0) {
                if (gb.value > 0) a.levels[array_i].capacity_bytes = gb.value;
                a.levels[array_i].fanout.x = mesh.value.first;
                a.levels[array_i].fanout.y = mesh.value.second;
                field_of[array_i] = gb.field;
              }
              int pb_i = -1;
              if (base.pe_buffer >= 0) {
                if (pb.value == 0) {
                  a.levels.erase(a.levels.begin() + base.pe_buffer);
                  field_of.erase(array_i);
                  --array_i;
                  field_of[array_i] = gb.field;
                } else {
                  pb_i = base.pe_buffer;
                  a.levels[pb_i].capacity_bytes = pb.value;
                  field_of[pb_i] = pb.field;
                }
              } else if (pb.value > 0) {
                Level buf;
                buf.name = base.pe_buffer_name;
                buf.capacity_bytes = pb.value;
                pb_i = rf_i + 1;
                a.levels.insert(a.levels.begin() + pb_i, buf);
                field_of.erase(array_i);
                ++array_i;
                field_of[array_i] = gb.field;
                field_of[pb_i] = pb.field;
              }
              // Energies and areas from the table.
              const int L = a.num_levels();
              for (int l = 0; l < L; ++l) {
                Level &lv = a.levels[l];
                std::string cls = l == L - 1 ? "dram"
                                  : (array_i >= 0 && l < array_i) || (array_i < 0 && l == rf_i)
                                      ? "rf"
                                      : "sram";
                if (const auto it = base.classes.find(lv.name); it != base.classes.end())
                  cls = it->second;
                const std::optional<std::int64_t> bytes = lv.capacity_bytes;
                const auto it = field_of.find(l);
                const std::string field = it != field_of.end() && it->second != "architecture"
                                              ? it->second
                                              : "architecture.levels[" +
                                                    std::to_string(base.arch.level_index(lv.name)) +
                                                    "]";
                json_fields::under(file, field, [&] {
                  const AccessEnergy e = c.table->access(cls, bytes);
                  lv.read_pj = e.read_pj;
                  lv.write_pj = e.write_pj;
                  if (l < L - 1)
                    lv.area_um2 = c.table->area_um2(cls, bytes);
                  else
                    lv.area_um2.reset();
                  return 0;
                });
              }
              if (array_i >= 0) a.levels[array_i].fanout.hop_pj = c.table->hop_pj();
              a.mac_pj =
                  c.table->mac_pj() * (w.value[idx(Operand::W)] * w.value[idx(Operand::I)]) / 256.0;
              double area = c.table->mac_area_um2() * static_cast<double>(a.num_pes());
              for (int l = 0; l < L - 1; ++l)
                area += a.levels[l].area_um2.value_or(0) * static_cast<double>(a.instances(l));
              pt.area_um2 = area;
              const auto pes = mesh.value.first * mesh.value.second;
              a.name = ba.name + "-rf" + size_label(a.levels[rf_i].capacity_bytes) +
                       (pb_i >= 0 ? "-pb" + size_label(a.levels[pb_i].capacity_bytes) : "") +
                       (array_i >= 0 ? "-gb" + size_label(a.levels[array_i].capacity_bytes) + "-" +
                                           std::to_string(mesh.value.first) + "x" +
                                           std::to_string(mesh.value.second)
                                     : "");
              validate(a, file + ": point " + std::to_string(pt.index) + " architecture");
              if (df.named)
                pt.constraints = json_fields::under(
                    file, df.field, [&] { return dataflow_constraints(df.name, a); });
              else
                pt.constraints = constraints_from_json(df.constraints, a, file + ": " + df.field);
              pt.arch = std::move(a);
              pt.params = {{"rf_bytes", pt.arch.levels[rf_i].capacity_bytes
                                            ? Json(*pt.arch.levels[rf_i].capacity_bytes)
                                            : Json()},
                           {"pe_buffer_bytes", pb.value},
                           {"gb_bytes", array_i >= 0 && gb.value > 0 ? Json(gb.value) : Json()},
                           {"mesh", {mesh.value.first, mesh.value.second}},
                           {"pes", pes},
                           {"bits", bits_json(w.value)},
                           {"dataflow", df.name}};
              const Json arch_json = to_json(pt.arch);
              const Json constraints_json = to_json(pt.constraints);
              pt.key = stable_hash({{"config", c.hash},
                                    {"params", pt.params},
                                    {"architecture", arch_json},
                                    {"constraints", constraints_json}});
              // The family: the level names, which a mapping names (explorer/sweep.cpp
              // checks the rest before using a mapping of one point as a seed for another).
              Json names = Json::array();
              for (const Level &l : pt.arch.levels)
                names.push_back(l.name);
              pt.family = stable_hash(names);
              c.points.push_back(std::move(pt));
            }
  return c;
}

SweepConfig load_sweep_config(const std::string &path, std::optional<double> budget_override) {
  const Json j = read_json_file(path);
  const std::string dir = fs::path(path).parent_path().string();
  return sweep_config_from_json(j, path, dir, budget_override);
}

} // namespace tessel
