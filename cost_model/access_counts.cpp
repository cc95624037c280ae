#include "cost_model/access_counts.hpp"

#include <sstream>

namespace tessel {

AccessCounts assemble_counts(
    const Problem &p, const Architecture &a, const Mapping &m,
    const std::function<PairCounts(Operand, int, int, const std::vector<int> &)> &pair) {
  AccessCounts c;
  start_counts(p, a, c);
  for (Operand o : kAllOperands) {
    std::vector<int> keepers; // innermost first
    for (int l = 0; l < a.num_levels(); ++l)
      if (keeps(a, m, l, o)) keepers.push_back(l);
    int child = -1;
    for (std::size_t ki = 0; ki < keepers.size(); ++ki) {
      const int parent = keepers[ki];
      const std::vector<int> chain(keepers.begin() + static_cast<long>(ki), keepers.end());
      add_pair_counts(c, o, child, parent, pair(o, child, parent, chain));
      child = parent;
    }
  }
  finish_counts(c);
  return c;
}

std::string to_string(const AccessCounts &c, const std::vector<std::string> &level_names) {
  std::ostringstream out;
  out << "macs " << c.macs << "\n";
  for (std::size_t l = 0; l < c.levels.size(); ++l) {
    const std::string name = l < level_names.size() ? level_names[l] : std::to_string(l);
    for (Operand o : kAllOperands) {
      const OperandCounts &x = c.levels[l].operands[idx(o)];
      out << name << "." << operand_name(o) << ": reads " << x.reads << " writes " << x.writes
          << " fills " << x.fills << " updates " << x.updates << "\n";
    }
  }
  for (std::size_t l = 0; l < c.fanouts.size(); ++l) {
    const std::string name = l < level_names.size() ? level_names[l] : std::to_string(l);
    out << name << ".fanout:";
    for (Operand o : kAllOperands)
      out << " " << operand_name(o) << " " << c.fanouts[l].words[idx(o)];
    out << "\n";
  }
  return out.str();
}

} // namespace tessel
