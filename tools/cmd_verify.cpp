// tessel verify: JIT-run a mapping with LLVM, compare it with the unscheduled nest, time
// both, and (--counts) count its accesses in the run beside the analytical model's.
#include "cli.hpp"

#include "cost_model/analytical_model.hpp"
#include "cost_model/json_io.hpp"

#ifdef TESSEL_HAS_LLVM
#include "backend/llvm_backend.hpp"
#endif

#include <sstream>

namespace tessel::cli {

std::vector<bool> parse_unroll(const std::string &list, const Mapping &m) {
  const std::size_t loops = flatten(m).size();
  std::vector<bool> flags(loops, false);
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    long long pos = -1;
    try {
      pos = std::stoll(item, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used != item.size() || item.empty() || pos < 0 || pos >= static_cast<long long>(loops))
      user_error("--unroll", "'" + item + "' is not a loop position: give positions 0.." +
                                 std::to_string(loops - 1) +
                                 " in the mapping's nest (0 = outermost loop), comma-separated");
    flags[static_cast<std::size_t>(pos)] = true;
  }
  return flags;
}

int run_verify(const Args &args) {
  po::options_description options = input_options();
  options.add_options()("dataflow,d", po::value<std::string>(),
                        "instead of --mapping: the mapping a named dataflow gives this problem "
                        "on this architecture (see tessel eval --list-dataflows)")(
      "counts", "also count accesses in an instrumented run and compare them "
                "with the analytical model")("float", "compute over float data (default: int32)")(
      "unroll", po::value<std::string>(),
      "loops to unroll in software: positions in the mapping's nest, outermost = 0, "
      "comma-separated (e.g. 5,6,7)")("seed", po::value<std::uint64_t>()->default_value(1),
                                      "seed of the random inputs and weights")(
      "runs", po::value<int>()->default_value(3), "timed runs of each nest (the best counts)")(
      "opt", po::value<int>()->default_value(2),
      "LLVM optimization level, 0 to 3")("no-vectorize", "keep LLVM's vectorizers off")(
      "ignore-capacity", "run a mapping whose tiles do not fit the architecture's levels")(
      "format,f", po::value<std::string>()->default_value("table"), "output format: table or json")(
      "out,o", po::value<std::string>(), "write the result to this file instead of stdout");
  po::variables_map vm;
  if (!parse_command_line(
          "verify",
          "[--arch A] [--problem P] [--mapping M | --dataflow D] [--counts] [--float] "
          "[--unroll LIST] "
          "[--seed N] [--runs N] [--opt N] [--format table|json] [--out FILE]",
          "JIT-compiles the mapping's loop nest with LLVM and the problem's unscheduled nest,\n"
          "runs both on the same random data and compares every output bit for bit, and times\n"
          "both (GMAC/s). With --counts the instrumented nest also counts, while it runs, the\n"
          "accesses docs/cost_model.md defines, printed beside the analytical model's.\n"
          "Exit code 0 when the outputs (and the counts) agree, 1 when they do not.",
          options, args, vm))
    return 0;
#ifndef TESSEL_HAS_LLVM
  user_error("verify", "this tessel was built without the LLVM backend (TESSEL_WITH_LLVM=OFF)");
#else
  const Format format = parse_format(vm["format"].as<std::string>());
  const Input<Architecture> arch = load_architecture_arg(option(vm, "arch"));
  const Input<Problem> problem = load_problem_arg(option(vm, "problem"));
  const std::optional<std::string> dataflow = option(vm, "dataflow");
  if (dataflow && vm.count("mapping"))
    user_error("--dataflow", "give either --mapping or --dataflow, not both");
  const Input<Mapping> mapping = dataflow ? dataflow_mapping_arg(*dataflow, problem, arch)
                                          : load_mapping_arg(option(vm, "mapping"), problem, arch);
  if (!vm.count("ignore-capacity"))
    with_file(mapping.source,
              [&] { check_capacity(problem.value, arch.value, mapping.value, ""); });

  VerifyOptions o;
  o.type = vm.count("float") ? DataType::Float32 : DataType::Int32;
  if (auto list = option(vm, "unroll")) o.unroll = parse_unroll(*list, mapping.value);
  o.seed = vm["seed"].as<std::uint64_t>();
  o.timing_runs = vm["runs"].as<int>();
  if (o.timing_runs < 0) user_error("--runs", "must be at least 0");
  o.opt_level = vm["opt"].as<int>();
  if (o.opt_level < 0 || o.opt_level > 3) user_error("--opt", "must be 0, 1, 2 or 3");
  o.vectorize = !vm.count("no-vectorize");
  o.counts = vm.count("counts") > 0;

  const VerifyResult r = verify_mapping(problem.value, arch.value, mapping.value, o);
  std::optional<AccessCounts> model;
  if (o.counts) model = analytical_counts(problem.value, arch.value, mapping.value);
  emit(verify_report(problem.value, arch.value, r, o, model, format == Format::Json),
       option(vm, "out"));
  return verify_succeeded(r, model) ? 0 : 1;
#endif
}

} // namespace tessel::cli
