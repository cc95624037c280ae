// tessel bench: the figures of docs/performance.md. The cost model's evaluations per second
// on a fixed set of random valid mappings (one thread), and the explorer's time per layer
// with 1 and N threads.
#include "cli.hpp"

#include "cost_model/analytical_model.hpp"
#include "explorer/random_mapping.hpp"
#include "explorer/search.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

namespace tessel::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The median of a non-empty list (of an even count, the mean of the middle two).
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Evaluations per second over the whole run, and over its passes through the set: their
// median and the fastest pass. (On a shared machine the run's rate follows the moment's
// load; the fastest pass shows what one core does when it runs undisturbed.)
struct Rate {
  double overall = 0, median_pass = 0, fastest_pass = 0;
};

// Evaluates the set round-robin, one timed pass after another, until `seconds` have passed.
// (Not inlined, so that tools/instructions.sh finds each measurement's loop by name.)
template <typename F>
[[gnu::noinline]] Rate rate(const std::vector<Mapping> &set, double seconds, F &&evaluate_one) {
  const auto start = Clock::now();
  std::vector<double> pass_seconds;
  std::int64_t checksum = 0;
  auto pass_start = start;
  do { // at least one pass, however short the time
    for (const Mapping &m : set)
      checksum += evaluate_one(m);
    const auto now = Clock::now();
    pass_seconds.push_back(std::chrono::duration<double>(now - pass_start).count());
    pass_start = now;
  } while (seconds_since(start) < seconds);
  const double s = seconds_since(start);
  if (checksum == -1) std::cerr << ""; // keep the work observable
  const double per_pass = static_cast<double>(set.size());
  Rate r;
  r.overall = per_pass * static_cast<double>(pass_seconds.size()) / s;
  r.fastest_pass = per_pass / *std::min_element(pass_seconds.begin(), pass_seconds.end());
  r.median_pass = per_pass / median(pass_seconds);
  return r;
}

std::string rate_text(const Rate &r) {
  return format_fixed(r.overall, 0) + " evaluations/s (passes through the set: median " +
         format_fixed(r.median_pass, 0) + ", fastest " + format_fixed(r.fastest_pass, 0) + ")";
}

// The machine's own ceiling for `copies` threads: that many one-thread searches of every
// layer, run at once, each on its own thread. Returns each copy's total search seconds.
// Independent copies share nothing but the machine, so their slowdown against one search
// alone is the machine's (shared caches and memory, clock frequency, a hypervisor), and
// bounds what any parallel search can reach on it.
std::vector<double> concurrent_copies(const Network &net, const Architecture &arch,
                                      const ExploreOptions &one_thread, int copies) {
  std::vector<double> totals(static_cast<std::size_t>(copies), 0.0);
  std::vector<std::thread> pool;
  for (int c = 0; c < copies; ++c)
    pool.emplace_back([&, c] {
      for (const Layer &l : net.layers)
        totals[static_cast<std::size_t>(c)] += explore(l.problem, arch, one_thread).stats.seconds;
    });
  for (std::thread &t : pool)
    t.join();
  return totals;
}

} // namespace

int run_bench(const Args &args) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")("arch,a", po::value<std::string>(),
                                                     "architecture (default: eyeriss)")(
      "problem,p", po::value<std::string>(),
      "layer for the cost-model benchmark (default: alexnet_conv3)")(
      "mappings", po::value<int>()->default_value(1000), "random valid mappings in the fixed set")(
      "seconds", po::value<double>()->default_value(3.0), "time per cost-model measurement")(
      "explore", "also time the explorer on each layer of --network")(
      "network,n", po::value<std::string>(), "network for --explore (default: alexnet)")(
      "threads,j", po::value<int>()->default_value(2),
      ("threads for the parallel explorer run (at most " + std::to_string(kMaxExploreThreads) + ")")
          .c_str())("budget", po::value<double>()->default_value(0),
                    "explorer seconds per layer (0: none)")(
      "rounds", po::value<int>()->default_value(3),
      "with --explore, rounds of the searches, each layer on 1 thread and on N in every round "
      "(which first alternates); the table gives medians")(
      "ceiling",
      "with --explore, also measure the machine's ceiling for N threads: N one-thread "
      "searches at once against one alone")("count-mapspace", "also count each layer's mapspace");
  po::variables_map vm;
  if (!parse_command_line("bench",
                          "[--problem P] [--mappings N] [--explore [--network N] [--ceiling]]",
                          "Measures the cost model's evaluations per second on a fixed set of "
                          "random valid\nmappings (one thread), and with --explore the "
                          "explorer's time per layer with 1 and N threads.",
                          options, args, vm))
    return 0;
  const Input<Architecture> arch = load_architecture_arg(option(vm, "arch"));
  const Input<Problem> problem = load_problem_arg(option(vm, "problem"));
  const int count = vm["mappings"].as<int>();
  if (count < 1) user_error("--mappings", "must be positive");
  if (vm.count("ceiling") && !vm.count("explore")) user_error("--ceiling", "needs --explore");
  const int rounds = vm["rounds"].as<int>();
  if (rounds < 1) user_error("--rounds", "must be positive, got " + std::to_string(rounds));
  const int threads = threads_option(vm);
  const double secs = seconds_option(vm, "seconds", /*zero_allowed=*/false);
  const double budget = seconds_option(vm, "budget");
  if (vm.count("ceiling") && threads < 2)
    user_error("--ceiling", "needs --threads of 2 or more (the ceiling is for N threads)");
  std::mt19937_64 rng(1);
  std::vector<Mapping> set;
  for (int i = 0; i < count; ++i) {
    auto m = random_mapping(problem.value, arch.value, rng);
    if (!m)
      user_error("--problem",
                 "no random valid mapping of '" + problem.source + "' fits '" + arch.source + "'");
    set.push_back(std::move(*m));
  }
  AccessCounts counts; // one mapping's counts after another, in the same storage
  const Rate counts_rate = rate(set, secs, [&](const Mapping &m) {
    analytical_counts(problem.value, arch.value, m, counts);
    return counts.levels[0].operands[0].reads;
  });
  Evaluation priced; // likewise
  const Rate priced_rate = rate(set, secs, [&](const Mapping &m) {
    analytical_counts(problem.value, arch.value, m, priced.counts);
    price(problem.value, arch.value, m, priced);
    return static_cast<std::int64_t>(priced.energy_pj);
  });
  std::ostringstream out;
  out << "Cost model, one thread, " << set.size() << " random valid mappings of " << problem.source
      << " on " << arch.source << ":\n"
      << "  access counts:             " << rate_text(counts_rate) << "\n"
      << "  counts, energy and cycles: " << rate_text(priced_rate) << "\n";

  if (vm.count("explore")) {
    const Input<Network> net = load_network_arg(option(vm, "network"), kDefaultBatch);
    TextTable t({"layer", "repeat", "pJ/MAC", "optimal", "evaluated", "pruned", "mapspace",
                 "s (1 thread)", "s (" + std::to_string(threads) + " threads)", "speedup"});
    // Rounds, each running every layer on 1 thread and on N, in turn (1 first in odd rounds,
    // N first in even ones): the two runs of a layer are adjacent in time, so a drift of the
    // machine's speed (which on a shared machine outweighs the effect measured) changes both
    // alike. Per layer, the median of each column's seconds, and the median over rounds of
    // the ratio of the two.
    const std::size_t num_layers = net.value.layers.size();
    std::vector<ExploreResult> first(num_layers); // round 1's one-thread results
    std::vector<std::vector<double>> one_s(num_layers), many_s(num_layers), ratio(num_layers);
    std::vector<bool> optimal(num_layers, true);
    std::vector<double> total_ratio;
    for (int r = 0; r < rounds; ++r) {
      double total1 = 0, totalN = 0;
      for (std::size_t i = 0; i < num_layers; ++i) {
        const Layer &l = net.value.layers[i];
        ExploreOptions opt;
        opt.time_budget_s = budget;
        const auto run = [&](int n) {
          opt.threads = n;
          opt.count_mapspace = r == 0 && n == 1 && vm.count("count-mapspace") > 0;
          return explore(l.problem, arch.value, opt);
        };
        ExploreResult one, many;
        if (r % 2 == 0) {
          one = run(1);
          many = run(threads);
        } else {
          many = run(threads);
          one = run(1);
        }
        one_s[i].push_back(one.stats.seconds);
        many_s[i].push_back(many.stats.seconds);
        ratio[i].push_back(one.stats.seconds / std::max(1e-9, many.stats.seconds));
        optimal[i] = optimal[i] && one.stats.optimal && many.stats.optimal;
        total1 += one.stats.seconds;
        totalN += many.stats.seconds;
        if (r == 0) first[i] = std::move(one);
        std::cerr << "bench: round " << r + 1 << " of " << rounds << ", " << l.problem.name
                  << " done\n";
      }
      total_ratio.push_back(total1 / std::max(1e-9, totalN));
    }
    double total1 = 0, totalN = 0;
    for (std::size_t i = 0; i < num_layers; ++i) {
      const Layer &l = net.value.layers[i];
      const ExploreResult &one = first[i];
      total1 += median(one_s[i]);
      totalN += median(many_s[i]);
      t.add({l.problem.name, format_int(l.repeat),
             one.found ? format_fixed(one.evaluation.pj_per_mac, 3) : "-",
             optimal[i] ? "yes" : "no", format_int(one.stats.evaluated),
             format_int(one.stats.pruned),
             one.stats.mapspace_size >= 0 ? format_fixed(one.stats.mapspace_size, 0) : "-",
             format_fixed(median(one_s[i]), 2), format_fixed(median(many_s[i]), 2),
             format_fixed(median(ratio[i]), 2)});
    }
    t.rule();
    t.add({"total", "", "", "", "", "", "", format_fixed(total1, 2), format_fixed(totalN, 2),
           format_fixed(median(total_ratio), 2)});
    out << "\nExplorer on " << net.source << " (" << arch.source << "), median of " << rounds
        << (rounds == 1 ? " round" : " rounds") << ":\n"
        << t.str();
    if (rounds > 1) {
      out << "  speedup per round over the network:";
      for (double x : total_ratio)
        out << " " << format_fixed(x, 2);
      out << "\n";
    }
    if (vm.count("ceiling")) {
      // Alone and at once in turn, a few rounds: this machine's speed drifts by more than
      // the effect measured.
      ExploreOptions opt;
      opt.time_budget_s = budget;
      opt.threads = 1;
      constexpr int kRounds = 3;
      double alone = 0, together = 0;
      std::ostringstream rounds;
      for (int r = 0; r < kRounds; ++r) {
        const double one = concurrent_copies(net.value, arch.value, opt, 1)[0];
        const std::vector<double> copies = concurrent_copies(net.value, arch.value, opt, threads);
        alone += one;
        rounds << "\n  round " << r + 1 << ": alone " << format_fixed(one, 2) << " s, at once";
        for (double c : copies) {
          together += c / threads;
          rounds << " " << format_fixed(c, 2);
        }
        rounds << " s";
      }
      out << "\nMachine ceiling: " << threads
          << " one-thread searches of the network at once, against one alone (search seconds):"
          << rounds.str() << "\n  " << threads << " threads can reach at most "
          << format_fixed(threads * alone / together, 2) << "x on this machine\n";
    }
  }
  emit(out.str(), std::nullopt);
  return 0;
}

} // namespace tessel::cli
