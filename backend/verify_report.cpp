// Reports of `tessel verify`: a readable table or a JSON object.
#include "backend/llvm_backend.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <sstream>

namespace tessel {

bool verify_succeeded(const VerifyResult &r, const std::optional<AccessCounts> &model) {
  return r.passed && (!r.counts || !model || *r.counts == *model);
}

namespace {

nlohmann::json counts_json(const Architecture &a, const AccessCounts &c) {
  nlohmann::json levels = nlohmann::json::array(), fanouts = nlohmann::json::array();
  for (std::size_t l = 0; l < c.levels.size(); ++l) {
    nlohmann::json ops = nlohmann::json::object();
    for (Operand o : kAllOperands) {
      const OperandCounts &x = c.levels[l].operands[idx(o)];
      ops[std::string(operand_name(o))] = {
          {"reads", x.reads}, {"writes", x.writes}, {"fills", x.fills}, {"updates", x.updates}};
    }
    levels.push_back({{"name", a.levels[l].name}, {"operands", ops}});
  }
  for (std::size_t l = 0; l < c.fanouts.size(); ++l) {
    nlohmann::json ops = nlohmann::json::object();
    for (Operand o : kAllOperands)
      ops[std::string(operand_name(o))] = {{"words", c.fanouts[l].words[idx(o)]}};
    fanouts.push_back({{"level", a.levels[l].name}, {"operands", ops}});
  }
  return {{"macs", c.macs}, {"levels", levels}, {"fanouts", fanouts}};
}

nlohmann::json timing_json(const RunTiming &t) {
  return {{"seconds", t.seconds}, {"gmacs", t.gmacs}};
}

// "value" when it equals the model's, else "value (model M)".
std::string cell(std::int64_t value, std::optional<std::int64_t> model) {
  std::string s = std::to_string(value);
  if (model && *model != value) s += " (model " + std::to_string(*model) + ")";
  return s;
}

std::int64_t count_differences(const AccessCounts &a, const AccessCounts &b) {
  std::int64_t n = a.macs != b.macs;
  for (std::size_t l = 0; l < a.levels.size() && l < b.levels.size(); ++l)
    for (Operand o : kAllOperands) {
      const OperandCounts &x = a.levels[l].operands[idx(o)], &y = b.levels[l].operands[idx(o)];
      n += (x.reads != y.reads) + (x.writes != y.writes) + (x.fills != y.fills) +
           (x.updates != y.updates);
    }
  for (std::size_t l = 0; l < a.fanouts.size() && l < b.fanouts.size(); ++l)
    for (Operand o : kAllOperands)
      n += a.fanouts[l].words[idx(o)] != b.fanouts[l].words[idx(o)];
  return n;
}

} // namespace

std::string verify_report(const Problem &p, const Architecture &a, const VerifyResult &r,
                          const VerifyOptions &options, const std::optional<AccessCounts> &model,
                          bool json) {
  const bool ok = verify_succeeded(r, model);
  if (json) {
    nlohmann::json j = {{"problem", p.name},
                        {"arch", a.name},
                        {"type", std::string(data_type_name(options.type))},
                        {"opt_level", options.opt_level},
                        {"passed", ok},
                        {"outputs_equal", r.passed},
                        {"exact", r.exact},
                        {"macs", r.macs},
                        {"output_words", r.output_words},
                        {"mismatches", r.mismatches},
                        {"scheduled", timing_json(r.scheduled)},
                        {"reference", timing_json(r.reference)},
                        {"compile_seconds", r.compile_seconds}};
    if (r.first_mismatch) {
      const OutputMismatch &m = *r.first_mismatch;
      j["first_mismatch"] = {{"offset", m.offset},     {"G", m.at[idx(Dim::G)]},
                             {"N", m.at[idx(Dim::N)]}, {"K", m.at[idx(Dim::K)]},
                             {"P", m.at[idx(Dim::P)]}, {"Q", m.at[idx(Dim::Q)]},
                             {"expected", m.expected}, {"actual", m.actual}};
    }
    if (r.counts) {
      nlohmann::json c = {{"instrumented", counts_json(a, *r.counts)},
                          {"instrumented_mismatches", r.instrumented_mismatches}};
      if (model) {
        c["analytical"] = counts_json(a, *model);
        c["equal"] = *r.counts == *model;
        c["differences"] = count_differences(*r.counts, *model);
      }
      j["counts"] = c;
    }
    return j.dump(2) + "\n";
  }

  std::ostringstream out;
  out << "verify " << p.name << " (" << data_type_name(options.type) << ", LLVM -O"
      << options.opt_level << "): " << r.macs << " MACs, " << r.output_words << " outputs\n";
  out << "  outputs: " << r.mismatches << " of " << r.output_words << " differ"
      << (r.exact ? " (bit-exact comparison)" : " (float tolerance)") << "\n";
  if (r.first_mismatch) {
    const OutputMismatch &m = *r.first_mismatch;
    out << "  first mismatch: O[g=" << m.at[idx(Dim::G)] << "][n=" << m.at[idx(Dim::N)]
        << "][k=" << m.at[idx(Dim::K)] << "][p=" << m.at[idx(Dim::P)] << "][q=" << m.at[idx(Dim::Q)]
        << "] expected " << m.expected << ", got " << m.actual << "\n";
  }
  out << std::fixed;
  out << "  scheduled: " << std::setprecision(4) << r.scheduled.seconds << " s, "
      << std::setprecision(2) << r.scheduled.gmacs << " GMAC/s\n";
  out << "  reference: " << std::setprecision(4) << r.reference.seconds << " s, "
      << std::setprecision(2) << r.reference.gmacs << " GMAC/s (unscheduled g,n,k,c,p,q,r,s)\n";
  if (r.scheduled.seconds > 0)
    out << "  speedup:   " << std::setprecision(2) << r.reference.seconds / r.scheduled.seconds
        << "x (best of " << std::max(options.timing_runs, 1)
        << (options.timing_runs > 1 ? " runs each)\n" : " run each)\n");
  out << "  compile:   " << std::setprecision(3) << r.compile_seconds << " s\n";
  if (r.counts) {
    const AccessCounts &c = *r.counts;
    out << "counts (instrumented run";
    if (model) out << "; a value differing from the analytical model shows it in parentheses";
    out << "):\n";
    out << "  macs " << cell(c.macs, model ? std::optional(model->macs) : std::nullopt) << "\n";
    out << "  " << std::left << std::setw(12) << "level" << std::setw(4) << "op" << std::right
        << std::setw(16) << "reads" << std::setw(16) << "writes" << std::setw(16) << "fills"
        << std::setw(16) << "updates"
        << "\n";
    for (std::size_t l = 0; l < c.levels.size(); ++l)
      for (Operand o : kAllOperands) {
        const OperandCounts &x = c.levels[l].operands[idx(o)];
        const OperandCounts *y = model ? &model->levels[l].operands[idx(o)] : nullptr;
        auto m = [&](std::int64_t OperandCounts::*f) {
          return y ? std::optional(y->*f) : std::nullopt;
        };
        out << "  " << std::left << std::setw(12) << a.levels[l].name << std::setw(4)
            << operand_name(o) << std::right << std::setw(16)
            << cell(x.reads, m(&OperandCounts::reads)) << std::setw(16)
            << cell(x.writes, m(&OperandCounts::writes)) << std::setw(16)
            << cell(x.fills, m(&OperandCounts::fills)) << std::setw(16)
            << cell(x.updates, m(&OperandCounts::updates)) << "\n";
      }
    for (std::size_t l = 0; l < c.fanouts.size(); ++l) {
      out << "  " << std::left << std::setw(12) << a.levels[l].name
          << "fanout words:" << std::right;
      for (Operand o : kAllOperands)
        out << " " << operand_name(o) << " "
            << cell(c.fanouts[l].words[idx(o)],
                    model ? std::optional(model->fanouts[l].words[idx(o)]) : std::nullopt);
      out << "\n";
    }
    if (r.instrumented_mismatches)
      out << "  the instrumented run's outputs differ in " << r.instrumented_mismatches
          << " places\n";
    if (model) {
      const std::int64_t d = count_differences(c, *model);
      out << "  counts: "
          << (d == 0   ? std::string("equal to the analytical model")
              : d == 1 ? std::string("1 field differs from the analytical model")
                       : std::to_string(d) + " fields differ from the analytical model")
          << "\n";
    }
  }
  out << (ok ? "PASS" : "FAIL") << "\n";
  return out.str();
}

} // namespace tessel
