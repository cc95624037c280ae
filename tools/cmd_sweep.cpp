// tessel sweep: map a network on every design point of a config, write points.jsonl as it
// goes and pareto.json at the end; resumes after a kill (explorer/sweep.hpp, docs/sweep.md).
#include "cli.hpp"

#include "explorer/search.hpp"
#include "explorer/sweep.hpp"

#include <atomic>
#include <csignal>
#include <iostream>
#include <sstream>

namespace tessel::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

std::string front_table(const SweepConfig &c, const std::string &pareto_path) {
  const Json j = read_json_file(pareto_path);
  TextTable t({"#", "rf B", "pe buf B", "gb B", "mesh", "bits W/I/O", "dataflow", "pJ/MAC",
               "energy pJ", "cycles", "area", "optimal"});
  for (const Json &p : j["front"]) {
    const Json &q = p["params"];
    const auto num = [](const Json &v) {
      return v.is_null() ? std::string("-") : format_int(v.get<std::int64_t>());
    };
    const Json &b = q["bits"];
    t.add({std::to_string(p["index"].get<int>()), num(q["rf_bytes"]), num(q["pe_buffer_bytes"]),
           num(q["gb_bytes"]),
           std::to_string(q["mesh"][0].get<int>()) + "x" + std::to_string(q["mesh"][1].get<int>()),
           std::to_string(b["W"].get<int>()) + "/" + std::to_string(b["I"].get<int>()) + "/" +
               std::to_string(b["O"].get<int>()),
           q["dataflow"].get<std::string>(),
           format_fixed(p["totals"]["pj_per_mac"].get<double>(), 3),
           format_fixed(p["totals"]["energy_pj"].get<double>(), 0),
           format_int(static_cast<std::int64_t>(p["totals"]["cycles"].get<double>())),
           format_fixed(p["totals"]["area_um2"].get<double>(), 0),
           p["optimal"].get<bool>() ? "yes" : "no (budget)"});
  }
  std::ostringstream s;
  s << "Pareto front of " << c.name << " (" << j["front"].size() << " of " << j["feasible"]
    << " feasible points; objectives";
  for (const Json &o : j["objectives"])
    s << " " << o.get<std::string>();
  s << "):\n\n" << t.str();
  return s.str();
}

} // namespace

int run_sweep(const Args &args) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")("config,c", po::value<std::string>(),
                                                     "the sweep config (JSON; docs/sweep.md)")(
      "out,o", po::value<std::string>(),
      "the output directory: config.json, points.jsonl, pareto.json")(
      "threads,j", po::value<int>()->default_value(0),
      ("threads of each search (0: all cores; at most " + std::to_string(kMaxExploreThreads) +
       "); points run one after another")
          .c_str())("budget", po::value<double>(),
                    "seconds per layer search (0: none), replacing the config's explore.budget_s")(
      "quiet,q", "no progress on stderr");
  po::variables_map vm;
  if (!parse_command_line(
          "sweep", "--config S.json --out DIR [--threads T] [--budget S]",
          "Maps a network on every design point of a sweep config (register file, per-PE\n"
          "buffer, global buffer, mesh, word widths, dataflows; energies and areas from a\n"
          "technology table). Appends one line per finished point to DIR/points.jsonl and\n"
          "writes the Pareto front to DIR/pareto.json. Run again with the same config to\n"
          "resume after an interruption (even kill -9). Ctrl-C stops at once: the unfinished\n"
          "point is not written, and is computed again on resume.",
          options, args, vm))
    return 0;
  const auto config_path = option(vm, "config");
  if (!config_path) user_error("--config", "is required");
  const auto out = option(vm, "out");
  if (!out) user_error("--out", "is required: the directory to write the sweep to");
  std::optional<double> budget;
  if (vm.count("budget")) budget = seconds_option(vm, "budget");
  const int threads = threads_option(vm);

  // Everything is read and checked before the output directory is touched.
  const SweepConfig config = load_sweep_config(*config_path, budget);

  SweepRunOptions opt;
  opt.out_dir = *out;
  opt.threads = threads;
  opt.progress = !vm.count("quiet");
  opt.stop = &g_stop;
  g_stop.store(false);
  const auto previous_int = std::signal(SIGINT, on_stop_signal);
  const auto previous_term = std::signal(SIGTERM, on_stop_signal);
  SweepSummary s;
  try {
    s = run_sweep(config, opt);
  } catch (...) {
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
    throw;
  }
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);

  std::ostringstream text;
  text << "Sweep " << config.name << ": " << s.points << " points (" << s.resumed << " resumed, "
       << s.computed << " computed now";
  if (s.infeasible) text << ", " << s.infeasible << " infeasible";
  text << ") in " << format_fixed(s.seconds, 1) << " s; " << s.searches << " searches (" << s.seeded
       << " seeded; the dataflow's template fitted in " << s.templates << "), " << s.cache_hits
       << " layers reused from identical searches";
  if (s.template_results)
    text << "; " << s.template_results << " budgeted layers kept the dataflow's template";
  text << "\n";
  if (s.dropped_lines)
    text << "Dropped " << s.dropped_lines << " incomplete or invalid line(s) of points.jsonl\n";
  if (s.interrupted)
    text << "Interrupted: " << s.points - s.resumed - s.computed
         << " points left; run the same command again to resume.\n";
  text << "\n" << front_table(config, *out + "/pareto.json");
  std::cout << text.str();
  std::cout.flush();
  return s.interrupted ? 130 : 0;
}

} // namespace tessel::cli
