// `tessel`: one executable with subcommands. Each subcommand lives in tools/cmd_<name>.cpp;
// this file only dispatches. Exit codes: 0 success, 2 a user mistake (bad option, bad input
// file, a mapping that does not fit: the message on stderr names the file and field), 1 an
// internal error.
#include "cli.hpp"

#include "cost_model/common.hpp"
#include "cost_model/json_io.hpp"

#include <iostream>

namespace {

using tessel::cli::Command;

// The subcommands, in the order `tessel --help` lists them.
constexpr Command kCommands[] = {
    {"eval", "cost of one mapping (energy, cycles, utilization, accesses)", tessel::cli::run_eval},
    {"explore", "best mapping of each layer (branch and bound over the mapspace)",
     tessel::cli::run_explore},
    {"sweep", "design-space sweep over architectures; Pareto front", tessel::cli::run_sweep},
    {"lower", "print a mapping as a pseudo-C loop nest", tessel::cli::run_lower},
    {"verify", "JIT-run a mapping with LLVM, compare with the reference, count accesses",
     tessel::cli::run_verify},
    {"bench", "measure the cost model's and the explorer's speed", tessel::cli::run_bench},
};

void usage(std::ostream &out) {
  out << "Usage: tessel <command> [options]    (tessel <command> --help for its options)\n\n"
         "Commands:\n";
  for (const Command &c : kCommands)
    out << "  " << c.name << std::string(10 - std::min<std::size_t>(9, c.name.size()), ' ')
        << c.summary << "\n";
}

} // namespace

int main(int argc, char **argv) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty()) {
    usage(std::cerr);
    return tessel::cli::kExitUserError;
  }
  const std::string &name = all[0];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "tessel 0.1.0\n";
    return 0;
  }
  const Command *command = nullptr;
  std::vector<std::string> names;
  for (const Command &c : kCommands) {
    names.emplace_back(c.name);
    if (c.name == name) command = &c;
  }
  if (!command) {
    const auto close = tessel::closest_name(name, names);
    std::cerr << "tessel: error: unknown command '" << name << "'"
              << (close ? " (did you mean '" + *close + "'?)" : "") << "\n";
    usage(std::cerr);
    return tessel::cli::kExitUserError;
  }
  const std::string prefix = "tessel " + name + ": ";
  try {
    return command->run(std::vector<std::string>(all.begin() + 1, all.end()));
  } catch (const tessel::UserError &e) {
    std::cerr << prefix << "error: " << e.what() << "\n";
  } catch (const boost::program_options::error &e) {
    std::cerr << prefix << "error: " << e.what() << " (see tessel " << name << " --help)\n";
  } catch (const std::exception &e) {
    std::cerr << prefix << "internal error: " << e.what() << "\n";
    return 1;
  }
  return tessel::cli::kExitUserError;
}
