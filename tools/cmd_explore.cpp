// tessel explore: the best mapping of each layer (explorer/search.hpp).
#include "cli.hpp"

#include "cost_model/json_io.hpp"
#include "cost_model/loop_nest_text.hpp"
#include "dsl/cpp_printer.hpp"
#include "explorer/bypass_search.hpp"
#include "explorer/constraints_io.hpp"
#include "explorer/search.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tessel::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

// A lower bound on the primary objective as the report shows it (energy per MAC).
std::string lower_bound_text(double bound, Objective primary, std::int64_t macs) {
  switch (primary) {
  case Objective::Energy:
    return format_fixed(bound / static_cast<double>(macs), 3) + " pJ/MAC";
  case Objective::Cycles:
    return format_fixed(bound, 0) + " cycles";
  case Objective::Edp:
    return format_fixed(bound, 0) + " pJ*cycles";
  }
  return "";
}

std::vector<Objective> parse_objectives(const std::string &text) {
  std::vector<Objective> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto o = parse_objective(item);
    if (!o)
      user_error("--objective", "unknown objective '" + item +
                                    "' (use energy, cycles or edp, or a comma list of them "
                                    "for a lexicographic order)");
    if (std::find(out.begin(), out.end(), *o) != out.end())
      user_error("--objective", "lists '" + item + "' twice (each ranks once)");
    out.push_back(*o);
  }
  if (out.empty()) user_error("--objective", "is empty");
  return out;
}

Constraints constraints_from_options(const po::variables_map &vm, const Architecture &arch) {
  Constraints c;
  if (const auto dataflow = option(vm, "dataflow")) c = dataflow_constraints(*dataflow, arch);
  if (const auto file = option(vm, "constraints")) {
    if (vm.count("dataflow"))
      user_error("--constraints", "give --dataflow or --constraints, not both");
    std::ifstream in(*file);
    if (!in) user_error(*file, "cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    c = constraints_from_json(parse_json(text.str(), *file), arch, *file);
  }
  const auto each = [&](const char *name, auto &&apply) {
    if (!vm.count(name)) return;
    for (const std::string &v : vm[name].as<std::vector<std::string>>()) {
      auto [level, dims] = parse_level_dims(v, std::string("--") + name);
      if (arch.level_index(level) < 0)
        user_error(std::string("--") + name,
                   "unknown level '" + level + "' of architecture '" + arch.name + "'");
      apply(level, dims);
    }
  };
  each("spatial-x", [&](const std::string &l, const std::vector<Dim> &d) { c.spatial_x[l] = d; });
  each("spatial-y", [&](const std::string &l, const std::vector<Dim> &d) { c.spatial_y[l] = d; });
  each("loop-order", [&](const std::string &l, const std::vector<Dim> &d) { c.loop_order[l] = d; });
  if (vm.count("min-utilization")) c.min_utilization = vm["min-utilization"].as<double>();
  validate(c, arch, "constraints");
  return c;
}

// The bypass choices to search (--bypass, --bypass-levels LEVEL=OPERANDS), or nullopt
// for none: then the search keeps what the architecture says, as without these options.
std::optional<BypassSpace> bypass_from_options(const po::variables_map &vm,
                                               const Architecture &arch) {
  if (!vm.count("bypass-levels"))
    return vm.count("bypass") ? std::optional(full_bypass_space(arch)) : std::nullopt;
  const std::string what = "--bypass-levels";
  BypassSpace space;
  for (const std::string &v : vm["bypass-levels"].as<std::vector<std::string>>()) {
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
      user_error(what, "expects LEVEL=OPERANDS (e.g. RF=I or GB=IO), got '" + v + "'");
    const std::string level = v.substr(0, eq);
    if (space.operands.count(level)) user_error(what, "level '" + level + "' is given twice");
    OperandArray<bool> ops{};
    for (char ch : v.substr(eq + 1)) {
      if (ch == ',') continue; // RF=I,W reads as RF=IW
      const auto o = parse_operand(std::string_view(&ch, 1));
      if (!o)
        user_error(what, "unknown operand '" + std::string(1, ch) + "' in '" + v + "' (use W I O)");
      ops[idx(*o)] = true;
    }
    space.operands[level] = ops;
  }
  validate(space, arch, what);
  return space;
}

Json to_json(const BypassSpace &s) {
  Json j = Json::object();
  for (const auto &[level, ops] : s.operands) {
    Json list = Json::array();
    for (Operand o : kAllOperands)
      if (ops[idx(o)]) list.push_back(std::string(operand_name(o)));
    j[level] = list;
  }
  return j;
}

struct LayerOutcome {
  Layer layer;
  ExploreResult result;
  bool explored = false;
  std::optional<BypassStats> bypass; // with --bypass
};

Json layer_json(const LayerOutcome &l, const Architecture &arch) {
  Json j;
  j["name"] = l.layer.problem.name;
  j["repeat"] = l.layer.repeat;
  j["problem"] = to_json(l.layer.problem);
  j["found"] = l.result.found;
  j["explored"] = l.explored;
  const ExploreStats &s = l.result.stats;
  Json stats;
  if (s.mapspace_size >= 0) stats["mapspace_size"] = s.mapspace_size;
  stats["evaluated"] = s.evaluated;
  stats["valid"] = s.valid;
  stats["pruned"] = s.pruned;
  stats["seconds"] = s.seconds;
  stats["optimal"] = s.optimal && l.result.found;
  stats["exhaustive"] = s.exhaustive;
  if (s.imperfect_steps >= 0) stats["imperfect_steps"] = s.imperfect_steps;
  if (l.result.found) stats["lower_bound"] = s.lower_bound;
  if (l.bypass) {
    stats["bypass_combinations"] = l.bypass->combinations;
    stats["bypass_searched"] = l.bypass->searched;
  }
  j["stats"] = stats;
  if (l.result.found) {
    j["mapping"] = to_json(l.result.mapping, arch);
    j["schedule"] = to_dsl_code(l.layer.problem, arch, l.result.mapping);
    j["result"] = to_json(l.result.evaluation, l.layer.problem, arch);
  }
  return j;
}

// The table's "optimal" column: why a result is not proven optimal, if it is not.
std::string optimal_text(const ExploreStats &s) {
  if (s.optimal) return "yes";
  return s.exhaustive ? "no (imperfect)" : "no (budget)";
}

std::string summary_table(const std::vector<LayerOutcome> &layers, std::int64_t macs, double energy,
                          std::int64_t cycles) {
  TextTable t({"layer", "repeat", "pJ/MAC", "energy pJ", "cycles", "util", "optimal", "evaluated",
               "seconds"});
  for (const LayerOutcome &l : layers) {
    if (!l.result.found) {
      t.add({l.layer.problem.name, format_int(l.layer.repeat), "-", "-", "-", "-",
             !l.explored                 ? "not explored"
             : l.result.stats.exhaustive ? "no mapping fits"
                                         : "none found in budget",
             "-", "-"});
      continue;
    }
    const Evaluation &e = l.result.evaluation;
    t.add({l.layer.problem.name, format_int(l.layer.repeat), format_fixed(e.pj_per_mac, 3),
           format_fixed(e.energy_pj, 0), format_int(e.cycles), format_percent(e.utilization),
           optimal_text(l.result.stats), format_int(l.result.stats.evaluated),
           format_fixed(l.result.stats.seconds, 2)});
  }
  t.rule();
  t.add({"total", "", macs ? format_fixed(energy / static_cast<double>(macs), 3) : "-",
         format_fixed(energy, 0), format_int(cycles), "", "", "", ""});
  return t.str();
}

} // namespace

int run_explore(const Args &args) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")(
      "arch,a", po::value<std::string>(),
      "architecture: a JSON file or a built-in name (default: eyeriss)")(
      "problem,p", po::value<std::string>(),
      "one layer: a JSON file, a built-in name, or NETWORK:LAYER")(
      "network,n", po::value<std::string>(),
      "a network: a JSON file or a built-in name (default, without --problem: alexnet)")(
      "batch", po::value<std::int64_t>(), "batch size for a built-in network")(
      "objective", po::value<std::string>()->default_value("energy"),
      "energy, cycles or edp; a comma list is a lexicographic order (e.g. energy,cycles); "
      "ties go to the least energy")(
      "threads,j", po::value<int>()->default_value(0),
      ("threads (0: all cores; at most " + std::to_string(kMaxExploreThreads) + ")").c_str())(
      "budget", po::value<double>()->default_value(0),
      "seconds per layer (0: none); a layer stopped by it reports its best mapping and the "
      "gap to the lower bound")("max-evaluations", po::value<std::int64_t>()->default_value(0),
                                "complete mappings to evaluate per layer (0: no limit)")(
      "constraints", po::value<std::string>(), "constraints JSON file (docs/explorer.md)")(
      "dataflow,d", po::value<std::string>(),
      "impose a named dataflow's spatial dimensions and search the rest (see tessel eval "
      "--list-dataflows)")(
      "spatial-x", po::value<std::vector<std::string>>(),
      "LEVEL=DIMS: the dimensions allowed on LEVEL's fanout x axis (e.g. GB=K); repeatable")(
      "spatial-y", po::value<std::vector<std::string>>(),
      "LEVEL=DIMS: the dimensions allowed on the y axis (e.g. GB=C); repeatable")(
      "loop-order", po::value<std::vector<std::string>>(),
      "LEVEL=DIMS: required relative order of LEVEL's loops, outermost first; repeatable")(
      "min-utilization", po::value<double>(), "fraction of PEs the mapping must use (0-1)")(
      "bypass",
      "also search bypass choices: every operand each level keeps, at every level but the "
      "outermost (one search per combination; docs/explorer.md)")(
      "imperfect",
      "also try imperfect factors (guarded partial tiles): a local search from the optimum over "
      "perfect factors; never worse, not proven optimal (docs/explorer.md)")(
      "bypass-levels", po::value<std::vector<std::string>>(),
      "LEVEL=OPERANDS: search bypass only of these operands at LEVEL (e.g. RF=I); implies "
      "--bypass; repeatable")("count-mapspace",
                              "also count the mapspace (as costly as an unpruned search)")(
      "quiet,q", "no progress on stderr")(
      "format,f", po::value<std::string>()->default_value("table"), "output format: table or json")(
      "out,o", po::value<std::string>(), "write the result to this file instead of stdout");
  po::variables_map vm;
  if (!parse_command_line(
          "explore",
          "[--arch A] [--problem P | --network N] [--objective O] [--threads T] [--budget S] "
          "[constraints] [--bypass | --bypass-levels L=OPS] [--imperfect] [--format table|json] "
          "[--out FILE]",
          "Finds the mapping of least cost for each layer: exhaustive-equivalent branch and "
          "bound\nover loop blocking, loop order and spatial mapping (docs/explorer.md). "
          "Ctrl-C stops\npromptly and still reports the best mappings found.",
          options, args, vm))
    return 0;
  const Format format = parse_format(vm["format"].as<std::string>());
  const Input<Architecture> arch = load_architecture_arg(option(vm, "arch"));
  if (vm.count("problem") && vm.count("network"))
    user_error("--problem", "give --problem or --network, not both");

  Network network;
  std::string source;
  if (vm.count("problem")) {
    const Input<Problem> problem = load_problem_arg(option(vm, "problem"));
    network.name = problem.value.name;
    network.layers.push_back({problem.value, 1});
    source = problem.source;
  } else {
    const std::int64_t batch = vm.count("batch") ? vm["batch"].as<std::int64_t>() : kDefaultBatch;
    if (vm.count("batch") && batch < 1)
      user_error("--batch", "must be a positive integer, got " + std::to_string(batch));
    const Input<Network> net = load_network_arg(option(vm, "network"), batch);
    network = net.value;
    source = net.source;
  }
  ExploreOptions opt;
  opt.objectives = parse_objectives(vm["objective"].as<std::string>());
  opt.threads = threads_option(vm);
  opt.time_budget_s = seconds_option(vm, "budget");
  opt.eval_budget = vm["max-evaluations"].as<std::int64_t>();
  if (opt.eval_budget < 0) user_error("--max-evaluations", "must not be negative");
  opt.constraints = constraints_from_options(vm, arch.value);
  const std::optional<BypassSpace> bypass = bypass_from_options(vm, arch.value);
  opt.count_mapspace = vm.count("count-mapspace") > 0;
  opt.imperfect = vm.count("imperfect") > 0;
  opt.progress = !vm.count("quiet");
  opt.stop = &g_interrupted;
  for (const Layer &l : network.layers)
    validate(l.problem, "layer " + l.problem.name);

  g_interrupted.store(false);
  const auto previous = std::signal(SIGINT, on_sigint);
  std::vector<LayerOutcome> outcomes;
  for (const Layer &l : network.layers) {
    LayerOutcome out{l, {}, false, std::nullopt};
    if (!g_interrupted.load()) {
      if (opt.progress) std::cerr << "explore: layer " << l.problem.name << "\n";
      if (bypass) {
        BypassStats bs;
        out.result = explore_with_bypass(l.problem, arch.value, opt, *bypass, &bs);
        out.bypass = bs;
      } else {
        out.result = explore(l.problem, arch.value, opt);
      }
      out.explored = true;
    }
    outcomes.push_back(std::move(out));
  }
  std::signal(SIGINT, previous);
  const bool interrupted = g_interrupted.load();

  std::int64_t macs = 0, cycles = 0;
  double energy = 0;
  bool all_optimal = true;
  for (const LayerOutcome &o : outcomes) {
    all_optimal = all_optimal && o.result.found && o.result.stats.optimal;
    if (!o.result.found) continue;
    macs += o.layer.problem.macs() * o.layer.repeat;
    energy += o.result.evaluation.energy_pj * static_cast<double>(o.layer.repeat);
    cycles += o.result.evaluation.cycles * o.layer.repeat;
  }

  std::string text;
  if (format == Format::Json) {
    Json j;
    j["network"] = network.name;
    j["source"] = source;
    j["arch"] = arch.value.name;
    Json objectives = Json::array();
    for (Objective o : opt.objectives)
      objectives.push_back(std::string(objective_name(o)));
    j["objective"] = objectives;
    j["constraints"] = to_json(opt.constraints);
    if (bypass) j["bypass"] = to_json(*bypass);
    j["interrupted"] = interrupted;
    Json layers = Json::array();
    for (const LayerOutcome &o : outcomes)
      layers.push_back(layer_json(o, arch.value));
    j["layers"] = layers;
    j["totals"] = {{"macs", macs},
                   {"energy_pj", energy},
                   {"pj_per_mac", macs ? energy / static_cast<double>(macs) : 0.0},
                   {"cycles", cycles},
                   {"optimal", all_optimal}};
    text = dump_json(j);
  } else {
    std::ostringstream s;
    s << "Exploring " << network.name << " (" << source << ") on " << arch.value.name
      << ", objective " << vm["objective"].as<std::string>() << "\n\n"
      << summary_table(outcomes, macs, energy, cycles);
    if (interrupted) s << "\nInterrupted: layers marked 'not explored' were skipped.\n";
    for (const LayerOutcome &o : outcomes) {
      if (!o.result.found) continue;
      s << "\n== " << o.layer.problem.name << ": "
        << (o.result.stats.optimal ? "optimal" : "best found") << ", "
        << format_int(o.result.stats.evaluated) << " mappings evaluated, "
        << format_int(o.result.stats.pruned) << " pruned, "
        << format_fixed(o.result.stats.seconds, 2) << " s";
      if (o.result.stats.mapspace_size >= 0)
        s << ", mapspace " << format_fixed(o.result.stats.mapspace_size, 0)
          << " mappings (loop-order classes counted once)";
      if (o.bypass)
        s << ", " << o.bypass->searched << " of " << o.bypass->combinations
          << " bypass combinations searched";
      if (o.result.stats.imperfect_steps >= 0)
        s << ", " << o.result.stats.imperfect_steps << " imperfect-factor moves from the "
          << (o.result.stats.exhaustive ? "optimum" : "best") << " over perfect factors";
      if (!o.result.stats.optimal && o.layer.problem.macs() > 0)
        s << "; lower bound "
          << lower_bound_text(o.result.stats.lower_bound, opt.objectives[0],
                              o.layer.problem.macs());
      s << "\n\n"
        << loop_nest_text(o.layer.problem, arch.value, o.result.mapping) << "\n"
        << "As a schedule:\n"
        << to_dsl_code(o.layer.problem, arch.value, o.result.mapping);
      if (network.layers.size() == 1)
        s << "\n"
          << evaluation_table(o.layer.problem, arch.value, o.result.mapping, o.result.evaluation,
                              "explored");
    }
    text = s.str();
  }
  emit(text, option(vm, "out"));
  return interrupted ? 130 : 0;
}

} // namespace tessel::cli
