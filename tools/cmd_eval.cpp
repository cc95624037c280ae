// tessel eval: the cost of one mapping.
#include "cli.hpp"

#include "cost_model/json_io.hpp"
#include "schedules/dataflows.hpp"

namespace tessel::cli {

int run_eval(const Args &args) {
  po::options_description options = input_options();
  options.add_options()(
      "dataflow,d", po::value<std::string>(),
      "instead of --mapping: the mapping a named dataflow gives this problem on this "
      "architecture (see --list-dataflows)")("list-dataflows", "list the named dataflows and exit")(
      "format,f", po::value<std::string>()->default_value("table"), "output format: table or json")(
      "out,o", po::value<std::string>(), "write the result to this file instead of stdout");
  po::variables_map vm;
  if (!parse_command_line("eval",
                          "[--arch A] [--problem P] [--mapping M | --dataflow D] "
                          "[--format table|json] [--out FILE]",
                          "Evaluates one mapping of a problem on an architecture: access counts "
                          "per level and operand,\nenergy, cycles, utilization and capacity use. "
                          "Dataflows: " +
                              dataflow_names_text() + ".",
                          options, args, vm))
    return 0;
  if (vm.count("list-dataflows")) {
    emit(dataflow_list(), std::nullopt);
    return 0;
  }
  const Format format = parse_format(vm["format"].as<std::string>());
  const Input<Architecture> arch = load_architecture_arg(option(vm, "arch"));
  const Input<Problem> problem = load_problem_arg(option(vm, "problem"));
  const std::optional<std::string> dataflow = option(vm, "dataflow");
  if (dataflow && vm.count("mapping"))
    user_error("--dataflow", "give either --mapping or --dataflow, not both");
  const Input<Mapping> mapping = dataflow ? dataflow_mapping_arg(*dataflow, problem, arch)
                                          : load_mapping_arg(option(vm, "mapping"), problem, arch);

  // Capacity errors name the mapping file: "m.json: levels[RF]: tiles need ...".
  with_file(mapping.source, [&] { check_capacity(problem.value, arch.value, mapping.value, ""); });
  const Evaluation e = evaluate(problem.value, arch.value, mapping.value);

  std::string text;
  if (format == Format::Json) {
    Json j = to_json(e, problem.value, arch.value);
    j["mapping"] = to_json(mapping.value, arch.value);
    if (dataflow) {
      j["dataflow"] = *dataflow;
      j["schedule"] = dataflow_schedule_code(*dataflow, problem.value, arch.value);
    }
    text = dump_json(j);
  } else {
    text = evaluation_table(problem.value, arch.value, mapping.value, e, mapping.source);
  }
  emit(text, option(vm, "out"));
  return 0;
}

} // namespace tessel::cli
