#include "cli.hpp"

#include "cost_model/json_io.hpp"
#include "explorer/search.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/builtin_mappings.hpp"
#include "schedules/builtin_problems.hpp"
#include "schedules/dataflows.hpp"
#include "schedules/networks.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessel::cli {

namespace fs = std::filesystem;

bool parse_command_line(std::string_view command, std::string_view usage,
                        std::string_view description, const po::options_description &options,
                        const Args &args, po::variables_map &vm) {
  // Positional arguments are collected under a hidden option only to reject them clearly.
  po::options_description all;
  all.add(options).add_options()("positional-argument", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("positional-argument", -1);
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  if (vm.count("positional-argument"))
    user_error("", "unexpected argument '" +
                       vm["positional-argument"].as<std::vector<std::string>>().front() +
                       "' (options are given as --name value; see --help)");
  if (vm.count("help")) {
    std::cout << "Usage: tessel " << command << " " << usage << "\n\n"
              << description << "\n\n"
              << options << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

po::options_description input_options() {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")(
      "arch,a", po::value<std::string>(),
      "architecture: a JSON file or a built-in name (default: eyeriss)")(
      "problem,p", po::value<std::string>(),
      "problem: a JSON file, a built-in name, or a built-in network's layer as NETWORK:LAYER "
      "(default: alexnet_conv3)")(
      "mapping,m", po::value<std::string>(),
      "mapping: a JSON file or a built-in name (default: the built-in mapping for a built-in "
      "architecture and problem)");
  return options;
}

std::optional<std::string> option(const po::variables_map &vm, const std::string &name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

int threads_option(const po::variables_map &vm) {
  const int threads = vm["threads"].as<int>();
  if (threads < 0 || threads > kMaxExploreThreads)
    user_error("--threads", "must be 0 (all cores) to " + std::to_string(kMaxExploreThreads) +
                                ", got " + std::to_string(threads));
  return threads;
}

double seconds_option(const po::variables_map &vm, const std::string &name, bool zero_allowed) {
  const double s = vm[name].as<double>();
  if (!(zero_allowed ? s >= 0 : s > 0)) {
    std::ostringstream got; // as given: "-2", not std::to_string's "-2.000000"
    got << s;
    user_error("--" + name, std::string(zero_allowed ? "must be 0 or more seconds"
                                                     : "must be more than 0 seconds") +
                                ", got " + got.str());
  }
  return s;
}

Format parse_format(const std::string &value) {
  if (value == "table") return Format::Table;
  if (value == "json") return Format::Json;
  user_error("--format", "must be table or json, got '" + value + "'");
}

namespace {

bool looks_like_path(const std::string &s) {
  return s.find('/') != std::string::npos ||
         (s.size() >= 5 && s.compare(s.size() - 5, 5, ".json") == 0);
}

// Whether `arg` names a built-in rather than a file. An argument that is neither a built-in
// nor an existing file is an error naming the option and listing the built-ins.
bool is_builtin_arg(const std::string &option_name, const std::string &arg, bool builtin,
                    const std::vector<std::string> &builtins, std::string_view kind) {
  if (!looks_like_path(arg) && builtin) return true;
  std::error_code ec;
  if (looks_like_path(arg) || fs::exists(arg, ec)) return false;
  std::string known;
  for (const std::string &b : builtins)
    known += (known.empty() ? "" : ", ") + b;
  const auto close = closest_name(arg, builtins);
  user_error(option_name, "'" + arg + "' is neither a file nor a built-in " + std::string(kind) +
                              (close ? " (did you mean '" + *close + "'?)" : "") +
                              "; the built-ins are " + known);
}

} // namespace

Input<Architecture> load_architecture_arg(const std::optional<std::string> &arg) {
  const std::string name = arg.value_or(std::string(kDefaultArchitecture));
  if (is_builtin_arg("--arch", name, is_builtin_architecture(name), builtin_architecture_names(),
                     "architecture"))
    return {builtin_architecture(name), name, true};
  return {load_architecture(name), name, false};
}

namespace {

// "alexnet:conv3": a layer of a built-in network, at the network's default batch.
std::optional<Problem> network_layer(const std::string &arg) {
  const auto colon = arg.find(':');
  if (colon == std::string::npos || looks_like_path(arg)) return std::nullopt;
  const std::string net_name = arg.substr(0, colon), layer = arg.substr(colon + 1);
  const std::vector<std::string> nets = builtin_network_names();
  if (std::find(nets.begin(), nets.end(), net_name) == nets.end()) {
    std::string known;
    for (const std::string &n : nets)
      known += (known.empty() ? "" : ", ") + n;
    user_error("--problem", "'" + net_name + "' in '" + arg +
                                "' is not a built-in network; the built-in networks are " + known);
  }
  const Network net = builtin_network(net_name);
  std::vector<std::string> names;
  for (const Layer &l : net.layers) {
    if (l.problem.name == layer) return l.problem;
    names.push_back(l.problem.name);
  }
  const auto close = closest_name(layer, names);
  std::string known;
  for (const std::string &n : names)
    known += (known.empty() ? "" : ", ") + n;
  user_error("--problem", "network '" + net_name + "' has no layer '" + layer + "'" +
                              (close ? " (did you mean '" + *close + "'?)" : "") +
                              "; its layers are " + known);
}

} // namespace

Input<Problem> load_problem_arg(const std::optional<std::string> &arg) {
  const std::string name = arg.value_or(std::string(kDefaultProblem));
  if (auto layer = network_layer(name)) return {std::move(*layer), name, true};
  if (is_builtin_arg("--problem", name, is_builtin_problem(name), builtin_problem_names(),
                     "problem"))
    return {builtin_problem(name), name, true};
  return {load_problem(name), name, false};
}

Input<Network> load_network_arg(const std::optional<std::string> &arg, std::int64_t batch) {
  const std::string name = arg.value_or("alexnet");
  const std::vector<std::string> names = builtin_network_names();
  const bool builtin = std::find(names.begin(), names.end(), name) != names.end();
  if (is_builtin_arg("--network", name, builtin, names, "network"))
    return {builtin_network(name, batch), name, true};
  if (batch != kDefaultBatch)
    user_error("--batch", "applies to built-in networks; set the batch in the file '" + name + "'");
  return {load_network(name), name, false};
}

Input<Mapping> load_mapping_arg(const std::optional<std::string> &arg,
                                const Input<Problem> &problem, const Input<Architecture> &arch) {
  std::vector<std::string> names;
  for (const BuiltinMappingInfo &info : builtin_mappings())
    names.push_back(info.name);
  std::string name;
  if (arg) {
    name = *arg;
  } else {
    std::optional<std::string> dflt;
    if (arch.builtin && problem.builtin) dflt = default_mapping_name(arch.source, problem.source);
    if (!dflt)
      user_error("--mapping", "is required: there is no built-in mapping for problem '" +
                                  problem.source + "' on architecture '" + arch.source + "'");
    name = *dflt;
  }
  if (is_builtin_arg("--mapping", name, is_builtin_mapping(name), names, "mapping")) {
    Mapping m = builtin_mapping(name);
    // A built-in mapping is written for one architecture and problem; check it like a file.
    with_file("mapping '" + name + "'", [&] { validate(m, problem.value, arch.value, ""); });
    return {std::move(m), name, true};
  }
  return {load_mapping(name, problem.value, arch.value), name, false};
}

Input<Mapping> dataflow_mapping_arg(const std::string &name, const Input<Problem> &problem,
                                    const Input<Architecture> &arch) {
  if (!is_dataflow(name)) {
    const std::vector<std::string> names = dataflow_names();
    const auto close = closest_name(name, names);
    user_error("--dataflow", "'" + name + "' is not a dataflow" +
                                 (close ? " (did you mean '" + *close + "'?)" : "") +
                                 "; the dataflows are " + dataflow_names_text());
  }
  return {dataflow_mapping(name, problem.value, arch.value), "dataflow " + name, true};
}

std::string dataflow_names_text() {
  std::string s;
  for (const std::string &n : dataflow_names())
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string dataflow_list() {
  TextTable t({"dataflow", "published for", "spatial loops and what stays in the PE"}, 3);
  for (const DataflowInfo &info : dataflow_infos())
    t.add({info.name, info.architecture, info.summary});
  return t.str();
}

void write_file_atomically(const std::string &path, const std::string &text) {
  const fs::path target(path);
  if (target.filename().empty()) user_error(path, "is not a file name");
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp =
      (dir / (std::string(".") + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) user_error(path, std::string("cannot write: ") + std::strerror(errno));
  const auto fail = [&](const char *what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    user_error(path, std::string(what) + reason);
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write: ");
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp creates the file 0600; give it the permissions an ordinary new file would get.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0) fail("cannot set permissions: ");
  if (::fsync(fd) != 0) fail("cannot write: ");
  if (::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    user_error(path, "cannot write: " + reason);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    user_error(path, "cannot write: " + reason);
  }
}

void emit(const std::string &text, const std::optional<std::string> &out) {
  if (out) {
    write_file_atomically(*out, text);
    return;
  }
  std::cout << text;
  std::cout.flush();
}

} // namespace tessel::cli
