// The strict reader of every JSON input (problems, architectures, mappings, networks,
// energy tables, sweep configs): each value is read through a Field that knows its file and field
// path, so every error names both, in the style of cost_model/json_io.hpp:
//   S.json: space.rf_bytes[2]: must be a positive integer, got -3
// Unknown keys are rejected with the closest allowed key as a hint.
#pragma once

#include "cost_model/json_io.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessel::json_fields {

struct Field {
  const Json &j;
  std::string file;
  std::string path; // "" for the whole file

  std::string where() const { return path.empty() ? file : file + ": " + path; }
  [[noreturn]] void fail(const std::string &detail) const;
  [[noreturn]] void expected(const std::string &what) const; // "must be <what>, got <value>"
  // Fails at the field `key` of this object, whether or not it is present.
  [[noreturn]] void fail_at(std::string_view key, const std::string &detail) const;

  Field at(std::string_view key) const;
  Field at(std::size_t i) const;

  // Checks that this is an object whose keys are all in `allowed`.
  void object(const std::vector<std::string> &allowed, const std::string &what = "an object") const;
  bool has(std::string_view key) const { return j.is_object() && j.contains(std::string(key)); }
  std::optional<Field> get(std::string_view key) const;
  Field required(std::string_view key) const;

  const Json &array(const std::string &what = "an array") const;
  const Json &non_empty_array(const std::string &what = "a non-empty array") const;
  std::int64_t integer(const std::string &what = "an integer") const;
  std::int64_t positive(std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  std::int64_t non_negative_integer() const;
  double number(const std::string &what = "a number") const;
  double non_negative() const;
  double positive_number() const;
  bool boolean() const;
  std::string string(const std::string &what = "a string") const;
  std::string non_empty_string() const;
};

// A value as the user wrote it, shortened when long.
std::string show(const Json &v);

// Runs f(); a UserError it throws whose location is `file: <path>` is re-thrown as
// `file: <prefix>.<path>` (a sub-object read by a reader that names paths from its own
// root, e.g. a network written inline in a sweep config).
template <typename F>
decltype(auto) under(const std::string &file, const std::string &prefix, F &&f);

namespace detail {
[[noreturn]] void rethrow_under(const std::string &file, const std::string &prefix,
                                const UserError &e);
} // namespace detail

template <typename F>
decltype(auto) under(const std::string &file, const std::string &prefix, F &&f) {
  try {
    return f();
  } catch (const UserError &e) {
    detail::rethrow_under(file, prefix, e);
  }
}

} // namespace tessel::json_fields
