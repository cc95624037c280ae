#include "cost_model/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessel::json_fields {

namespace {

std::string child(const std::string &path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string join(const std::vector<std::string> &names) {
  std::string s;
  for (const std::string &n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A name in JSON quotes (escaped as JSON would write it).
std::string quoted(const std::string &s) {
  return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace

std::string show(const Json &v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

void Field::fail(const std::string &detail) const { user_error(where(), detail); }

void Field::expected(const std::string &what) const {
  fail("must be " + what + ", got " + show(j));
}

void Field::fail_at(std::string_view key, const std::string &detail) const {
  user_error(file + ": " + child(path, key), detail);
}

Field Field::at(std::string_view key) const {
  return {j.at(std::string(key)), file, child(path, key)};
}

Field Field::at(std::size_t i) const {
  return {j.at(i), file, path + "[" + std::to_string(i) + "]"};
}

void Field::object(const std::vector<std::string> &allowed, const std::string &what) const {
  if (!j.is_object()) expected(what);
  for (const auto &item : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    const auto close = closest_name(item.key(), allowed);
    user_error(file + ": " + child(path, item.key()),
               "unknown key " + quoted(item.key()) +
                   (close ? " (did you mean " + quoted(*close) + "?)" : std::string()) +
                   "; allowed here: " + join(allowed));
  }
}

std::optional<Field> Field::get(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return at(key);
}

Field Field::required(std::string_view key) const {
  if (!has(key)) fail("missing required key \"" + std::string(key) + "\"");
  return at(key);
}

const Json &Field::array(const std::string &what) const {
  if (!j.is_array()) expected(what);
  return j;
}

const Json &Field::non_empty_array(const std::string &what) const {
  if (!j.is_array() || j.empty()) expected(what);
  return j;
}

std::int64_t Field::integer(const std::string &what) const {
  if (j.is_number_unsigned()) {
    if (j.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      expected(what + " (it is too large)");
    return static_cast<std::int64_t>(j.get<std::uint64_t>());
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) {
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15)
      return static_cast<std::int64_t>(v);
  }
  expected(what);
}

std::int64_t Field::positive(std::int64_t max) const {
  const std::int64_t v = integer("a positive integer");
  if (v < 1) expected("a positive integer");
  if (v > max) fail("must be at most " + std::to_string(max) + ", got " + show(j));
  return v;
}

std::int64_t Field::non_negative_integer() const {
  const std::int64_t v = integer("a non-negative integer");
  if (v < 0) expected("a non-negative integer");
  return v;
}

double Field::number(const std::string &what) const {
  if (!j.is_number()) expected(what);
  const double v = j.get<double>();
  if (!std::isfinite(v)) expected(what);
  return v;
}

double Field::non_negative() const {
  const double v = number("a non-negative number");
  if (v < 0) expected("a non-negative number");
  return v;
}

double Field::positive_number() const {
  const double v = number("a positive number");
  if (v <= 0) expected("a positive number");
  return v;
}

bool Field::boolean() const {
  if (!j.is_boolean()) expected("true or false");
  return j.get<bool>();
}

std::string Field::string(const std::string &what) const {
  if (!j.is_string()) expected(what);
  return j.get<std::string>();
}

std::string Field::non_empty_string() const {
  std::string s = string("a non-empty string");
  if (s.empty()) expected("a non-empty string");
  return s;
}

namespace detail {

void rethrow_under(const std::string &file, const std::string &prefix, const UserError &e) {
  const std::string lead = file + ": ";
  std::string where = e.where();
  std::string what = e.what();
  std::string detail = what;
  if (!where.empty() && what.rfind(where + ": ", 0) == 0) detail = what.substr(where.size() + 2);
  if (where == file) throw UserError(file + ": " + prefix, detail);
  if (where.rfind(lead, 0) == 0) {
    std::string rest = where.substr(lead.size());
    const bool index = !rest.empty() && rest[0] == '[';
    throw UserError(lead + prefix + (index ? "" : ".") + rest, detail);
  }
  // A message that names no place in the file (e.g. an energy table's): put it at prefix.
  throw UserError(lead + prefix, what);
}

} // namespace detail

} // namespace tessel::json_fields
