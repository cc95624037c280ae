#include "cost_model/energy_table.hpp"

#include "cost_model/json_fields.hpp"

#include <algorithm>
#include <cmath>

namespace tessel {

namespace {

std::string size_text(std::int64_t bytes) {
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KB";
  return std::to_string(bytes) + " B";
}

std::string outside_name(OutsideRange o) {
  switch (o) {
  case OutsideRange::Error:
    return "error";
  case OutsideRange::Clamp:
    return "clamp";
  case OutsideRange::Extrapolate:
    return "extrapolate";
  }
  return "error";
}

} // namespace

double interpolate_log_log(double x0, double y0, double x1, double y1, double x) {
  const double t = std::log(x / x0) / std::log(x1 / x0);
  return y0 * std::pow(y1 / y0, t);
}

TableEnergyModel::TableEnergyModel(Data d, const std::string &file, const std::string &path)
    : d_(std::move(d)) {
  const auto field = [&](const std::string &name) {
    return path.empty() ? file + ": " + name : file + ": " + path + "." + name;
  };
  if (d_.name.empty()) user_error(field("name"), "must not be empty");
  if (d_.classes.empty()) user_error(field("classes"), "must name at least one memory class");
  for (const auto &[cls, pts] : d_.classes) {
    const std::string at = field("classes." + cls);
    if (pts.empty()) user_error(at, "must list at least one point");
    std::size_t with_area = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const TablePoint &p = pts[i];
      const std::string pt = at + "[" + std::to_string(i) + "]";
      if (!p.bytes && pts.size() > 1)
        user_error(pt + ".bytes", "is required when a class has more than one point");
      if (p.bytes && *p.bytes < 1) user_error(pt + ".bytes", "must be a positive integer");
      if (i > 0 && p.bytes && pts[i - 1].bytes && *p.bytes <= *pts[i - 1].bytes)
        user_error(pt + ".bytes", "sizes must be strictly ascending, got " + size_text(*p.bytes) +
                                      " after " + size_text(*pts[i - 1].bytes));
      if (!(p.energy.read_pj > 0) || !(p.energy.write_pj > 0))
        user_error(pt, "energies must be positive (they are interpolated in log scale)");
      if (p.area_um2) {
        ++with_area;
        if (!(*p.area_um2 > 0)) user_error(pt + ".area_um2", "must be positive");
      }
    }
    if (with_area != 0 && with_area != pts.size())
      user_error(at, "give area_um2 for every point of the class or for none");
  }
  if (d_.mac_pj < 0) user_error(field("mac_pj"), "must not be negative");
  if (d_.hop_pj < 0) user_error(field("hop_pj"), "must not be negative");
  if (d_.mac_area_um2 < 0) user_error(field("mac_area_um2"), "must not be negative");
  if (!(d_.area_per_bit_um2 >= 0)) user_error(field("area_per_bit_um2"), "must not be negative");
}

std::vector<std::string> TableEnergyModel::classes() const {
  std::vector<std::string> out;
  for (const auto &[cls, pts] : d_.classes)
    out.push_back(cls);
  return out;
}

const std::vector<TablePoint> &TableEnergyModel::points(const std::string &cls) const {
  const auto it = d_.classes.find(cls);
  if (it == d_.classes.end()) {
    std::string known;
    for (const auto &[c, pts] : d_.classes)
      known += (known.empty() ? "" : ", ") + c;
    user_error("energy table '" + d_.name + "'",
               "has no memory class '" + cls + "'; its classes are " + known);
  }
  return it->second;
}

template <typename Value>
double TableEnergyModel::lookup(const std::string &cls, const std::vector<TablePoint> &pts,
                                std::optional<std::int64_t> bytes, Value value) const {
  if (pts.size() == 1) return value(pts[0]);
  const std::string where = "energy table '" + d_.name + "'";
  const std::string range = "class '" + cls + "' covers " + size_text(*pts.front().bytes) + " to " +
                            size_text(*pts.back().bytes);
  if (!bytes) user_error(where, range + ", so it cannot price an unbounded level");
  const double x = static_cast<double>(*bytes);
  const auto at = [&](std::size_t i) {
    return std::pair{static_cast<double>(*pts[i].bytes), value(pts[i])};
  };
  const std::size_t n = pts.size();
  std::size_t seg = 0; // the segment [seg, seg + 1] used
  if (*bytes < *pts.front().bytes || *bytes > *pts.back().bytes) {
    switch (d_.outside) {
    case OutsideRange::Error:
      user_error(where, range + "; " + size_text(*bytes) +
                            " is outside it (a user table may set \"outside\": \"clamp\" or "
                            "\"extrapolate\")");
    case OutsideRange::Clamp:
      return *bytes < *pts.front().bytes ? value(pts.front()) : value(pts.back());
    case OutsideRange::Extrapolate:
      seg = *bytes < *pts.front().bytes ? 0 : n - 2;
      break;
    }
  } else {
    while (seg + 2 < n && *pts[seg + 1].bytes < *bytes)
      ++seg;
    // At a table point, return its figure exactly.
    if (*pts[seg].bytes == *bytes) return value(pts[seg]);
    if (*pts[seg + 1].bytes == *bytes) return value(pts[seg + 1]);
  }
  const auto [x0, y0] = at(seg);
  const auto [x1, y1] = at(seg + 1);
  return interpolate_log_log(x0, y0, x1, y1, x);
}

AccessEnergy TableEnergyModel::access(const std::string &cls,
                                      std::optional<std::int64_t> bytes) const {
  const std::vector<TablePoint> &pts = points(cls);
  AccessEnergy e;
  e.read_pj = lookup(cls, pts, bytes, [](const TablePoint &p) { return p.energy.read_pj; });
  e.write_pj = lookup(cls, pts, bytes, [](const TablePoint &p) { return p.energy.write_pj; });
  return e;
}

bool TableEnergyModel::area_is_placeholder(const std::string &cls) const {
  return !points(cls).front().area_um2.has_value();
}

double TableEnergyModel::area_um2(const std::string &cls, std::optional<std::int64_t> bytes) const {
  const std::vector<TablePoint> &pts = points(cls);
  if (pts.front().area_um2)
    return lookup(cls, pts, bytes, [](const TablePoint &p) { return *p.area_um2; });
  if (!bytes) return 0.0; // an unbounded (off-chip) memory has no on-chip area
  return static_cast<double>(*bytes) * 8.0 * d_.area_per_bit_um2;
}

Json TableEnergyModel::to_json() const {
  Json j;
  j["name"] = d_.name;
  if (!d_.source.empty()) j["source"] = d_.source;
  j["outside"] = outside_name(d_.outside);
  j["mac_pj"] = d_.mac_pj;
  j["hop_pj"] = d_.hop_pj;
  j["mac_area_um2"] = d_.mac_area_um2;
  j["area_per_bit_um2"] = d_.area_per_bit_um2;
  Json classes = Json::object();
  for (const auto &[cls, pts] : d_.classes) {
    Json list = Json::array();
    for (const TablePoint &p : pts) {
      Json pj;
      if (p.bytes) pj["bytes"] = *p.bytes;
      if (p.energy.read_pj == p.energy.write_pj) {
        pj["pj"] = p.energy.read_pj;
      } else {
        pj["read_pj"] = p.energy.read_pj;
        pj["write_pj"] = p.energy.write_pj;
      }
      if (p.area_um2) pj["area_um2"] = *p.area_um2;
      list.push_back(pj);
    }
    classes[cls] = list;
  }
  j["classes"] = classes;
  return j;
}

namespace {

TablePoint point(std::optional<std::int64_t> bytes, double pj) {
  return TablePoint{bytes, AccessEnergy{pj, pj}, std::nullopt};
}

// Yang et al., "Interstellar: Using Halide's Scheduling Language to Analyze DNN
// Accelerators", ASPLOS 2020: pJ per 16-bit access at 28 nm (../shared/spec/facts.md).
TableEnergyModel::Data interstellar_data() {
  TableEnergyModel::Data d;
  d.name = "interstellar";
  d.source = "Yang et al., ASPLOS 2020 (Interstellar), pJ per 16-bit access, 28 nm";
  d.outside = OutsideRange::Error;
  d.classes["rf"] = {point(16, 0.03),  point(32, 0.06),  point(64, 0.12),
                     point(128, 0.24), point(256, 0.48), point(512, 0.96)};
  d.classes["sram"] = {point(32 * 1024, 6.0), point(64 * 1024, 9.0), point(128 * 1024, 13.5),
                       point(256 * 1024, 20.25), point(512 * 1024, 30.375)};
  d.classes["dram"] = {point(std::nullopt, 200.0)};
  d.mac_pj = 0.075;
  d.hop_pj = 0.035;
  return d;
}

// Chen, Emer, Sze, "Eyeriss: A Spatial Architecture for Energy-Efficient Dataflow for
// Convolutional Neural Networks", ISCA 2016: energies normalized to one 16-bit MAC
// (65 nm): RF (0.5 kB) 1, inter-PE NoC 2, global buffer (>100 kB) 6, DRAM 200.
TableEnergyModel::Data eyeriss_data() {
  TableEnergyModel::Data d;
  d.name = "eyeriss";
  d.source = "Chen, Emer, Sze, ISCA 2016 (Eyeriss), normalized to one 16-bit MAC, 65 nm";
  d.outside = OutsideRange::Error;
  d.classes["rf"] = {point(std::nullopt, 1.0)};
  d.classes["sram"] = {point(std::nullopt, 6.0)};
  d.classes["dram"] = {point(std::nullopt, 200.0)};
  d.mac_pj = 1.0;
  d.hop_pj = 2.0;
  return d;
}

struct BuiltinTable {
  std::string_view name;
  TableEnergyModel::Data (*make)();
};

constexpr BuiltinTable kBuiltinTables[] = {{"interstellar", interstellar_data},
                                           {"eyeriss", eyeriss_data}};

} // namespace

std::vector<std::string> builtin_energy_table_names() {
  std::vector<std::string> names;
  for (const BuiltinTable &t : kBuiltinTables)
    names.emplace_back(t.name);
  return names;
}

std::shared_ptr<const EnergyTable> builtin_energy_table(std::string_view name) {
  for (const BuiltinTable &t : kBuiltinTables)
    if (t.name == name)
      return std::make_shared<TableEnergyModel>(t.make(), "energy table " + std::string(name));
  std::string known;
  for (const std::string &n : builtin_energy_table_names())
    known += (known.empty() ? "" : ", ") + n;
  user_error("energy table '" + std::string(name) + "'",
             "no such built-in table; the built-ins are " + known);
}

std::shared_ptr<const EnergyTable> energy_table_from_json(const Json &j, const std::string &file,
                                                          const std::string &path) {
  using json_fields::Field;
  const Field root{j, file, path};
  root.object({"name", "source", "outside", "mac_pj", "hop_pj", "mac_area_um2", "area_per_bit_um2",
               "classes"},
              "an object (an energy table)");
  TableEnergyModel::Data d;
  d.name = root.has("name") ? root.at("name").non_empty_string() : std::string("table");
  if (auto v = root.get("source")) d.source = v->string();
  if (auto v = root.get("outside")) {
    const std::string s = v->string();
    if (s == "error")
      d.outside = OutsideRange::Error;
    else if (s == "clamp")
      d.outside = OutsideRange::Clamp;
    else if (s == "extrapolate")
      d.outside = OutsideRange::Extrapolate;
    else
      v->fail("must be \"error\", \"clamp\" or \"extrapolate\", got " + json_fields::show(v->j));
  }
  if (auto v = root.get("mac_pj")) d.mac_pj = v->non_negative();
  if (auto v = root.get("hop_pj")) d.hop_pj = v->non_negative();
  if (auto v = root.get("mac_area_um2")) d.mac_area_um2 = v->non_negative();
  if (auto v = root.get("area_per_bit_um2")) d.area_per_bit_um2 = v->non_negative();
  const Field classes = root.required("classes");
  if (!classes.j.is_object() || classes.j.empty())
    classes.expected("a non-empty object of memory classes (e.g. \"rf\", \"sram\", \"dram\")");
  for (const auto &item : classes.j.items()) {
    const Field list = classes.at(item.key());
    list.non_empty_array("a non-empty array of points {\"bytes\", \"pj\"}");
    std::vector<TablePoint> pts;
    for (std::size_t i = 0; i < list.j.size(); ++i) {
      const Field pf = list.at(i);
      pf.object({"bytes", "pj", "read_pj", "write_pj", "area_um2"}, "an object (a table point)");
      TablePoint p;
      if (auto v = pf.get("bytes")) p.bytes = v->positive();
      if (pf.has("pj")) {
        if (pf.has("read_pj") || pf.has("write_pj"))
          pf.fail("give \"pj\" or \"read_pj\"/\"write_pj\", not both");
        p.energy.read_pj = p.energy.write_pj = pf.at("pj").positive_number();
      } else {
        p.energy.read_pj = pf.required("read_pj").positive_number();
        p.energy.write_pj =
            pf.has("write_pj") ? pf.at("write_pj").positive_number() : p.energy.read_pj;
      }
      if (auto v = pf.get("area_um2")) p.area_um2 = v->positive_number();
      pts.push_back(p);
    }
    d.classes[item.key()] = std::move(pts);
  }
  return std::make_shared<TableEnergyModel>(std::move(d), file, path);
}

} // namespace tessel
