#include "explorer/bypass_search.hpp"

#include "explorer/imperfect_refine.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <iostream>
#include <limits>

namespace tessel {

namespace {

using Clock = std::chrono::steady_clock;

struct Choice {
  int level;
  Operand operand;
};

// The (level, operand) choices of a space, innermost level first, W I O within a level: bit
// i of a combination's number is choices[i].
std::vector<Choice> choices_of(const BypassSpace &s, const Architecture &a) {
  std::vector<Choice> out;
  for (int l = 0; l < a.num_levels(); ++l) {
    const auto it = s.operands.find(a.levels[l].name);
    if (it == s.operands.end()) continue;
    for (Operand o : kAllOperands)
      if (it->second[idx(o)]) out.push_back({l, o});
  }
  return out;
}

bool any(const BypassChoice &c) {
  for (const OperandArray<bool> &level : c)
    for (bool b : level)
      if (b) return true;
  return false;
}

std::string describe(const BypassChoice &c, const Architecture &a) {
  std::string s;
  for (int l = 0; l < a.num_levels(); ++l) {
    std::string ops;
    for (Operand o : kAllOperands)
      if (c[l][idx(o)]) ops += operand_name(o);
    if (!ops.empty()) s += (s.empty() ? "" : " ") + a.levels[l].name + "=" + ops;
  }
  return s.empty() ? "none" : s;
}

} // namespace

bool BypassSpace::empty() const {
  for (const auto &[level, ops] : operands)
    if (ops[0] || ops[1] || ops[2]) return false;
  return true;
}

BypassSpace full_bypass_space(const Architecture &a) {
  BypassSpace s;
  for (int l = 0; l + 1 < a.num_levels(); ++l) {
    const OperandArray<bool> &k = a.levels[l].keeps;
    if (k[0] || k[1] || k[2]) s.operands[a.levels[l].name] = k;
  }
  return s;
}

void validate(const BypassSpace &s, const Architecture &a, const std::string &where) {
  for (const auto &[name, ops] : s.operands) {
    const int l = a.level_index(name);
    if (l < 0) user_error(where, "unknown level '" + name + "' of architecture '" + a.name + "'");
    if (l == a.num_levels() - 1)
      user_error(where, "the outermost level (" + name +
                            ") holds the whole problem and cannot be bypassed");
    for (Operand o : kAllOperands)
      if (ops[idx(o)] && !a.levels[l].keeps[idx(o)])
        user_error(where, "level '" + name + "' of architecture '" + a.name + "' does not keep " +
                              std::string(operand_name(o)) +
                              " (it bypasses it already): nothing to choose");
  }
}

std::vector<BypassChoice> bypass_combinations(const BypassSpace &s, const Architecture &a) {
  const std::vector<Choice> choices = choices_of(s, a);
  // Each combination is searched in full, so a space this large could never finish; the
  // limit only guards the shift below.
  if (choices.size() > 24)
    user_error("bypass", "too many choices (" + std::to_string(choices.size()) +
                             "): at most 24 (level, operand) pairs");
  std::vector<std::uint32_t> numbers(std::size_t{1} << choices.size());
  for (std::uint32_t i = 0; i < numbers.size(); ++i)
    numbers[i] = i;
  std::stable_sort(numbers.begin(), numbers.end(), [](std::uint32_t x, std::uint32_t y) {
    return std::popcount(x) < std::popcount(y);
  });
  std::vector<BypassChoice> out;
  out.reserve(numbers.size());
  for (std::uint32_t n : numbers) {
    BypassChoice c(a.num_levels(), OperandArray<bool>{});
    for (std::size_t i = 0; i < choices.size(); ++i)
      if (n >> i & 1u) c[choices[i].level][idx(choices[i].operand)] = true;
    out.push_back(std::move(c));
  }
  return out;
}

ExploreResult explore_with_bypass(const Problem &p, const Architecture &a,
                                  const ExploreOptions &opt, const BypassSpace &space,
                                  BypassStats *bypass_stats) {
  validate(p);
  validate(a);
  validate(opt.constraints, a);
  validate(space, a);
  if (opt.objectives.empty()) user_error("objectives", "must list at least one objective");
  const auto start = Clock::now();
  const std::vector<BypassChoice> combos = bypass_combinations(space, a);
  const bool energy = opt.objectives.front() == Objective::Energy;
  // A bound on every mapping that needs no search: all other energy terms are
  // non-negative (validate(Architecture)).
  const double floor = energy ? static_cast<double>(p.macs()) * a.mac_pj : 0.0;

  ExploreResult best;
  BypassStats bs;
  bs.combinations = static_cast<std::int64_t>(combos.size());
  bool all_finished = true, counted = false;
  double mapspace = 0;
  double lower = std::numeric_limits<double>::infinity(); // over unfinished combinations
  for (const BypassChoice &combo : combos) {
    // What the budgets left for this combination.
    ExploreOptions o = opt;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    bool out_of_budget = opt.stop && opt.stop->load();
    if (opt.time_budget_s > 0) {
      o.time_budget_s = opt.time_budget_s - elapsed;
      out_of_budget = out_of_budget || o.time_budget_s <= 0;
    }
    if (opt.eval_budget > 0) {
      o.eval_budget = opt.eval_budget - best.stats.evaluated;
      out_of_budget = out_of_budget || o.eval_budget <= 0;
    }
    if (out_of_budget) {
      all_finished = false;
      lower = std::min(lower, floor);
      continue;
    }
    // Seeded by the best so far: a combination that cannot beat it is cut early. A tie is
    // still found (explore's bound is loosened by more than rounding) and then loses to the
    // earlier combination below.
    if (best.found) o.upper_bound = std::min(opt.upper_bound, best.objective_values.front());
    // Imperfect factors refine the best of all combinations once, at the end.
    o.imperfect = false;
    Architecture reduced = a;
    for (int l = 0; l < a.num_levels(); ++l)
      for (Operand x : kAllOperands)
        if (combo[l][idx(x)]) reduced.levels[l].keeps[idx(x)] = false;
    if (opt.progress)
      std::cerr << "explore " << p.name << ": bypass " << describe(combo, a) << " ("
                << bs.searched + 1 << "/" << combos.size() << ")\n";
    ExploreResult r = explore(p, reduced, o);
    ++bs.searched;
    best.stats.evaluated += r.stats.evaluated;
    best.stats.valid += r.stats.valid;
    best.stats.pruned += r.stats.pruned;
    if (r.stats.mapspace_size >= 0) {
      mapspace += r.stats.mapspace_size;
      counted = true;
    }
    if (r.stats.exhaustive)
      ++bs.finished;
    else {
      all_finished = false;
      lower = std::min(lower, r.stats.lower_bound);
    }
    if (!r.found) continue;
    // Priced on the original architecture with the bypass in the mapping: what tessel eval
    // reports for the emitted mapping.
    if (any(combo)) r.mapping.bypass = combo;
    r.evaluation = evaluate(p, a, r.mapping);
    r.objective_values = objective_values(r.evaluation, opt.objectives);
    if (!best.found || r.objective_values < best.objective_values) {
      best.found = true;
      best.mapping = std::move(r.mapping);
      best.evaluation = std::move(r.evaluation);
      best.objective_values = std::move(r.objective_values);
    }
  }
  best.stats.exhaustive = best.stats.optimal = all_finished;
  // A partial sum would understate the mapspace: report it only when every combination ran.
  best.stats.mapspace_size = counted && bs.searched == bs.combinations ? mapspace : -1;
  // As explore(): the best found when finished, else the least bound still open.
  best.stats.lower_bound = std::min(
      best.found ? best.objective_values.front() : std::numeric_limits<double>::infinity(), lower);
  if (opt.imperfect) {
    // The combinations' bounds hold over perfect factors only; the MACs bound every mapping.
    best.stats.lower_bound = std::min(best.stats.lower_bound, floor);
    refine_result(p, a, opt, best, [&] {
      return (opt.stop && opt.stop->load()) ||
             (opt.time_budget_s > 0 &&
              std::chrono::duration<double>(Clock::now() - start).count() > opt.time_budget_s);
    });
  }
  best.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (bypass_stats) *bypass_stats = bs;
  return best;
}

} // namespace tessel
