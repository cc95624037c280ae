#include "cost_model/architecture.hpp"

namespace tessel {

int Architecture::level_index(std::string_view name) const {
  for (int i = 0; i < num_levels(); ++i)
    if (levels[i].name == name) return i;
  return -1;
}

std::int64_t Architecture::instances(int level) const {
  std::int64_t n = 1;
  for (int i = level + 1; i < num_levels(); ++i)
    n *= levels[i].fanout.size();
  return n;
}

void validate(const Architecture &a, const std::string &where) {
  if (a.levels.empty()) user_error(where + ".levels", "must list at least one level");
  if (a.num_levels() > kMaxLevels)
    user_error(where + ".levels", "at most " + std::to_string(kMaxLevels) + " levels, got " +
                                      std::to_string(a.num_levels()));
  if (a.mac_pj < 0)
    user_error(where + ".mac_pj", "must not be negative, got " + std::to_string(a.mac_pj));
  for (int i = 0; i < a.num_levels(); ++i) {
    const Level &l = a.levels[i];
    const std::string at = where + ".levels[" + std::to_string(i) + "]";
    if (l.name.empty()) user_error(at + ".name", "must be a non-empty string");
    for (int j = 0; j < i; ++j)
      if (a.levels[j].name == l.name)
        user_error(at + ".name", "duplicate level name '" + l.name + "'");
    if (l.capacity_words && *l.capacity_words < 1)
      user_error(at + ".capacity_words",
                 "must be a positive integer, got " + std::to_string(*l.capacity_words));
    if (l.capacity_bytes && *l.capacity_bytes < 1)
      user_error(at + ".capacity_bytes",
                 "must be a positive integer, got " + std::to_string(*l.capacity_bytes));
    if (l.capacity_words && l.capacity_bytes)
      user_error(at, "give capacity_words or capacity_bytes, not both");
    if (l.read_pj < 0 || l.write_pj < 0)
      user_error(at + (l.read_pj < 0 ? ".read_pj" : ".write_pj"), "must not be negative");
    if (l.fanout.x < 1 || l.fanout.y < 1)
      user_error(at + ".fanout", "x and y must be positive integers, got " +
                                     std::to_string(l.fanout.x) + "x" + std::to_string(l.fanout.y));
    if (l.fanout.hop_pj < 0) user_error(at + ".fanout.hop_pj", "must not be negative");
    if ((l.read_bw && *l.read_bw <= 0) || (l.write_bw && *l.write_bw <= 0))
      user_error(at + (l.read_bw && *l.read_bw <= 0 ? ".read_bw" : ".write_bw"),
                 "must be positive");
    if (l.area_um2 && *l.area_um2 < 0) user_error(at + ".area_um2", "must not be negative");
  }
  const Level &outer = a.levels.back();
  const std::string at = where + ".levels[" + std::to_string(a.num_levels() - 1) + "]";
  for (Operand o : kAllOperands)
    if (!outer.keeps[idx(o)])
      user_error(at + ".keeps", "the outermost level must keep every operand (missing " +
                                    std::string(operand_name(o)) + ")");
  if (outer.bounded())
    user_error(at, "the outermost level must be unbounded (it holds the whole problem)");
}

} // namespace tessel
