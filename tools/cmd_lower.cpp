// tessel lower: a mapping printed as a pseudo-C loop nest.
#include "cli.hpp"

#include "cost_model/loop_nest_text.hpp"

#ifdef TESSEL_HAS_LLVM
#include "backend/llvm_backend.hpp"
#endif

namespace tessel::cli {

int run_lower(const Args &args) {
  po::options_description options = input_options();
  options.add_options()(
      "dataflow,d", po::value<std::string>(),
      "instead of --mapping: the mapping a named dataflow gives this problem on this "
      "architecture (see tessel eval --list-dataflows)")(
      "out,o", po::value<std::string>(), "write the loop nest to this file instead of stdout")(
      "emit", po::value<std::string>()->default_value("nest"),
      "what to print: nest (pseudo-C) or llvm (the LLVM IR of the nest)")(
      "opt", po::value<int>()->default_value(0),
      "with --emit llvm: LLVM optimization level of the IR shown, 0 to 3")(
      "float", "with --emit llvm: float data (default: int32)")(
      "unroll", po::value<std::string>(),
      "with --emit llvm: loops to unroll, positions in the nest (outermost = 0), comma-separated")(
      "instrumented", "with --emit llvm: the instrumented (counting) nest");
  po::variables_map vm;
  if (!parse_command_line("lower",
                          "[--arch A] [--problem P] [--mapping M | --dataflow D] "
                          "[--emit nest|llvm] [--out FILE]",
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
  const std::string what = vm["emit"].as<std::string>();
  if (what == "llvm") {
#ifdef TESSEL_HAS_LLVM
    LowerOptions lo;
    lo.opt_level = vm["opt"].as<int>();
    if (lo.opt_level < 0 || lo.opt_level > 3) user_error("--opt", "must be 0, 1, 2 or 3");
    lo.type = vm.count("float") ? DataType::Float32 : DataType::Int32;
    if (auto list = option(vm, "unroll")) lo.unroll = parse_unroll(*list, mapping.value);
    lo.instrument = vm.count("instrumented") > 0;
    emit(emit_llvm_ir(problem.value, mapping.value, lo), option(vm, "out"));
    return 0;
#else
    user_error("--emit", "llvm: this tessel was built without the LLVM backend");
#endif
  }
  if (what != "nest") user_error("--emit", "must be nest or llvm, got '" + what + "'");
  // The LLVM-only options mean nothing for the loop-nest text: say so rather than ignore them.
  for (const char *llvm_only : {"opt", "float", "unroll", "instrumented"})
    if (vm.count(llvm_only) && !vm[llvm_only].defaulted())
      user_error(std::string("--") + llvm_only, "applies only with --emit llvm");
  emit(loop_nest_text(problem.value, arch.value, mapping.value), option(vm, "out"));
  return 0;
}

} // namespace tessel::cli
