#include "explorer/constraints_io.hpp"

namespace tessel {

namespace {

std::vector<Dim> dims_from_json(const Json &j, const std::string &where) {
  if (!j.is_array()) user_error(where, "must be a list of dimension names, got " + j.dump());
  std::vector<Dim> dims;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) user_error(at, "must be a dimension name, got " + j[i].dump());
    const auto d = parse_dim(j[i].get<std::string>());
    if (!d)
      user_error(at, "unknown dimension '" + j[i].get<std::string>() + "' (use N K C P Q R S G)");
    dims.push_back(*d);
  }
  return dims;
}

void check_level(const Architecture &a, const std::string &name, const std::string &where) {
  if (a.level_index(name) < 0)
    user_error(where, "unknown level '" + name + "' of architecture '" + a.name + "'");
}

} // namespace

Constraints constraints_from_json(const Json &j, const Architecture &a, const std::string &file) {
  const std::string root = file + ": ";
  if (!j.is_object()) user_error(file, "constraints must be a JSON object");
  Constraints c;
  for (const auto &[key, value] : j.items()) {
    if (key == "spatial") {
      if (!value.is_object()) user_error(root + "spatial", "must be an object of levels");
      for (const auto &[level, axes] : value.items()) {
        const std::string at = root + "spatial." + level;
        check_level(a, level, at);
        if (!axes.is_object()) user_error(at, "must be an object with \"x\" and/or \"y\"");
        for (const auto &[axis, dims] : axes.items()) {
          if (axis == "x")
            c.spatial_x[level] = dims_from_json(dims, at + ".x");
          else if (axis == "y")
            c.spatial_y[level] = dims_from_json(dims, at + ".y");
          else
            user_error(at + "." + axis, "unknown axis (use \"x\" or \"y\")");
        }
      }
    } else if (key == "loop_order") {
      if (!value.is_object()) user_error(root + "loop_order", "must be an object of levels");
      for (const auto &[level, dims] : value.items()) {
        check_level(a, level, root + "loop_order." + level);
        c.loop_order[level] = dims_from_json(dims, root + "loop_order." + level);
      }
    } else if (key == "temporal_factor") {
      if (!value.is_object()) user_error(root + "temporal_factor", "must be an object of levels");
      for (const auto &[level, factors] : value.items()) {
        const std::string at = root + "temporal_factor." + level;
        check_level(a, level, at);
        if (!factors.is_object()) user_error(at, "must be an object of dimension: trip");
        for (const auto &[dim, trip] : factors.items()) {
          const auto d = parse_dim(dim);
          if (!d) user_error(at + "." + dim, "unknown dimension (use N K C P Q R S G)");
          if (!trip.is_number_integer() || trip.get<std::int64_t>() < 1)
            user_error(at + "." + dim, "must be a positive integer, got " + trip.dump());
          c.temporal_factor[level][*d] = trip.get<std::int64_t>();
        }
      }
    } else if (key == "min_utilization") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1)
        user_error(root + "min_utilization", "must be a number from 0 to 1, got " + value.dump());
      c.min_utilization = value.get<double>();
    } else {
      user_error(root + key, "unknown field (use spatial, loop_order, temporal_factor, "
                             "min_utilization)");
    }
  }
  validate(c, a, file);
  return c;
}

Json to_json(const Constraints &c) {
  Json j = Json::object();
  const auto names = [](const std::vector<Dim> &dims) {
    Json list = Json::array();
    for (Dim d : dims)
      list.push_back(std::string(dim_name(d)));
    return list;
  };
  for (const auto &[level, dims] : c.spatial_x)
    j["spatial"][level]["x"] = names(dims);
  for (const auto &[level, dims] : c.spatial_y)
    j["spatial"][level]["y"] = names(dims);
  for (const auto &[level, dims] : c.loop_order)
    j["loop_order"][level] = names(dims);
  for (const auto &[level, factors] : c.temporal_factor)
    for (const auto &[d, f] : factors)
      j["temporal_factor"][level][std::string(dim_name(d))] = f;
  if (c.min_utilization > 0) j["min_utilization"] = c.min_utilization;
  return j;
}

std::pair<std::string, std::vector<Dim>> parse_level_dims(const std::string &text,
                                                          const std::string &what) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    user_error(what, "expects LEVEL=DIMS (e.g. GB=KC), got '" + text + "'");
  std::vector<Dim> dims;
  for (char ch : text.substr(eq + 1)) {
    const auto d = parse_dim(std::string(1, ch));
    if (!d)
      user_error(what, "unknown dimension '" + std::string(1, ch) + "' in '" + text +
                           "' (use N K C P Q R S G)");
    dims.push_back(*d);
  }
  return {text.substr(0, eq), dims};
}

} // namespace tessel
