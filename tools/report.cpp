#include "cli.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tessel::cli {

TextTable::TextTable(std::vector<std::string> header, int left) : left_(left) {
  rows_.push_back(std::move(header));
  rows_.emplace_back(); // a rule under the header
}

void TextTable::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void TextTable::rule() { rows_.emplace_back(); }

std::string TextTable::str(int indent) const {
  std::vector<std::size_t> width;
  for (const auto &row : rows_)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::size_t total = 0;
  for (std::size_t c = 0; c < width.size(); ++c)
    total += width[c] + (c ? 2 : 0);
  std::ostringstream out;
  for (const auto &row : rows_) {
    out << std::string(indent, ' ');
    if (row.empty()) {
      out << std::string(total, '-') << "\n";
      continue;
    }
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      line += c ? "  " : "";
      line += static_cast<int>(c) < left_ ? row[c] + pad : pad + row[c];
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << "\n";
  }
  return out.str();
}

std::string format_int(std::int64_t v) { return std::to_string(v); }

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string format_percent(double fraction) { return format_fixed(100.0 * fraction, 1) + "%"; }

namespace {

// Energies: whole pJ when large, else a few decimals.
std::string format_pj(double v) { return format_fixed(v, std::fabs(v) >= 1000 ? 0 : 2); }

} // namespace

std::string evaluation_table(const Problem &p, const Architecture &a, const Mapping &m,
                             const Evaluation &e, const std::string &mapping_source) {
  const double macs = static_cast<double>(std::max<std::int64_t>(e.counts.macs, 1));
  const double total = e.energy_pj > 0 ? e.energy_pj : 1.0;
  const auto per_mac = [&](double pj) { return format_fixed(pj / macs, 3); };
  const auto share = [&](double pj) { return format_percent(pj / total); };

  std::ostringstream out;
  out << "Problem " << p.name << " on architecture " << a.name << ", mapping " << mapping_source
      << "\n";
  out << "  " << e.counts.macs << " MACs on " << e.used_pes << " of " << e.pes << " PEs\n\n";

  // Accesses and their energy, per level and operand.
  out << "Accesses (words) and energy, per level and operand\n";
  TextTable acc({"level", "operand", "reads", "writes", "fills", "updates", "pJ", "pJ/MAC"}, 2);
  for (int l = 0; l < a.num_levels(); ++l) {
    const LevelCounts counts = at_or_zero(e.counts.levels, l);
    const LevelEnergy energy = at_or_zero(e.level_energy, l);
    bool first = true;
    for (Operand o : kAllOperands) {
      const OperandCounts &c = counts.operands[idx(o)];
      const bool kept = keeps(a, m, l, o); // the mapping's bypass included
      if (!kept && c.reads == 0 && c.writes == 0) continue;
      acc.add({first ? a.levels[l].name : "", std::string(operand_name(o)), format_int(c.reads),
               format_int(c.writes), format_int(c.fills), format_int(c.updates),
               format_pj(energy.operand_pj[idx(o)]), per_mac(energy.operand_pj[idx(o)])});
      first = false;
    }
    acc.rule();
  }
  out << acc.str() << "\n";

  // Fanouts.
  bool any_fanout = false;
  TextTable fan({"fanout", "mesh", "W words", "I words", "O words", "pJ", "pJ/MAC"}, 2);
  for (int l = 0; l < a.num_levels(); ++l) {
    const Fanout &f = a.levels[l].fanout;
    const FanoutCounts w = at_or_zero(e.counts.fanouts, l);
    const double pj = at_or_zero(e.fanout_energy_pj, l);
    // A 1x1 link costs nothing and its words are the level's own reads; leave it out.
    if (f.size() == 1 && pj == 0.0) continue;
    any_fanout = true;
    std::string mesh = std::to_string(f.x) + "x" + std::to_string(f.y);
    if (f.multicast) mesh += " mc";
    if (f.reduction) mesh += " red";
    fan.add({a.levels[l].name, mesh, format_int(w.words[0]), format_int(w.words[1]),
             format_int(w.words[2]), format_pj(pj), per_mac(pj)});
  }
  if (any_fanout)
    out << "Words over each fanout (mc: multicast, red: spatial reduction)\n" << fan.str() << "\n";

  // Capacity.
  out << "Capacity use per instance (largest tile of each kept operand)\n";
  TextTable cap({"level", "used", "capacity", "use", "W", "I", "O"}, 1);
  for (int l = 0; l < a.num_levels(); ++l) {
    if (static_cast<std::size_t>(l) >= e.usage.size()) break;
    const LevelUsage &u = e.usage[l];
    const std::string unit = u.in_bytes ? " bytes" : " words";
    std::vector<std::string> row = {
        a.levels[l].name, format_int(u.used) + unit,
        u.capacity ? format_int(*u.capacity) + unit : "unbounded",
        u.capacity ? format_percent(static_cast<double>(u.used) / static_cast<double>(*u.capacity))
                   : "-"};
    for (Operand o : kAllOperands)
      row.push_back(keeps(a, m, l, o) || u.tile_words[idx(o)] ? format_int(u.tile_words[idx(o)])
                                                              : "-");
    cap.add(std::move(row));
  }
  out << cap.str() << "\n";

  // Energy by level.
  out << "Energy\n";
  TextTable en({"part", "pJ", "pJ/MAC", "share"}, 1);
  for (int l = 0; l < a.num_levels(); ++l) {
    const double pj = at_or_zero(e.level_energy, l).total_pj;
    en.add({a.levels[l].name, format_pj(pj), per_mac(pj), share(pj)});
    const double fpj = at_or_zero(e.fanout_energy_pj, l);
    if (a.levels[l].fanout.size() > 1 || fpj != 0.0)
      en.add({a.levels[l].name + " fanout", format_pj(fpj), per_mac(fpj), share(fpj)});
  }
  en.add({"MAC", format_pj(e.mac_energy_pj), per_mac(e.mac_energy_pj), share(e.mac_energy_pj)});
  en.rule();
  en.add({"total", format_pj(e.energy_pj), per_mac(e.energy_pj), share(e.energy_pj)});
  out << en.str() << "\n";

  // Cycles and utilization.
  out << "Cycles " << e.cycles << " (bound: " << e.bound << "; compute cycles " << e.compute_cycles
      << ")\n";
  out << "Utilization " << format_percent(e.utilization) << " of " << e.pes << " PEs\n";
  TextTable loss({"step", "factor", "utilization"}, 1);
  double u = 1.0;
  loss.add({"peak", "", format_percent(u)});
  for (const UtilizationLoss &l : e.losses) {
    u *= l.factor;
    loss.add({l.cause, std::string("x") + format_fixed(l.factor, 3), format_percent(u)});
  }
  out << loss.str();
  return out.str();
}

} // namespace tessel::cli
