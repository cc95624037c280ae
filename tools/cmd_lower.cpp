// tessel lower: a mapping printed as a pseudo-C loop nest.
#include "cli.hpp"

#include "cost_model/loop_nest_text.hpp"

namespace tessel::cli {

int run_lower(const Args &args) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")(
      "arch,a", po::value<std::string>(),
      "architecture: a JSON file or a built-in name (default: eyeriss)")(
      "problem,p", po::value<std::string>(),
      "problem: a JSON file, a built-in name, or a built-in network's layer as NETWORK:LAYER "
      "(default: alexnet_conv3)")(
      "mapping,m", po::value<std::string>(),
      "mapping: a JSON file or a built-in name (default: the built-in mapping for a built-in "
      "architecture and problem)")(
      "dataflow,d", po::value<std::string>(),
      "instead of --mapping: the mapping a named dataflow gives this problem on this "
      "architecture (see tessel eval --list-dataflows)")(
      "out,o", po::value<std::string>(), "write the loop nest to this file instead of stdout");
  po::variables_map vm;
  if (!parse_command_line("lower",
                          "[--arch A] [--problem P] [--mapping M | --dataflow D] [--out FILE]",
                          "Prints the mapping as a loop nest: each level's loops under a comment "
                          "giving its tile,\nspatial loops as parallel_for on a fanout, and the "
                          "MAC statement. Dataflows: " +
                              dataflow_names_text() + ".",
                          options, args, vm))
    return 0;
  const Input<Architecture> arch = load_architecture_arg(option(vm, "arch"));
  const Input<Problem> problem = load_problem_arg(option(vm, "problem"));
  const std::optional<std::string> dataflow = option(vm, "dataflow");
  if (dataflow && vm.count("mapping"))
    user_error("--dataflow", "give either --mapping or --dataflow, not both");
  const Input<Mapping> mapping = dataflow ? dataflow_mapping_arg(*dataflow, problem, arch)
                                          : load_mapping_arg(option(vm, "mapping"), problem, arch);
  emit(loop_nest_text(problem.value, arch.value, mapping.value), option(vm, "out"));
  return 0;
}

} // namespace tessel::cli
