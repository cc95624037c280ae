#include "cost_model/access_counts.hpp"

#include <sstream>

namespace tessel {

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
