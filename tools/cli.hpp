// Shared declarations of the `tessel` command-line tool: the subcommand table, loading the
// inputs (a path or a built-in name), output (stdout or an atomically written file) and
// the readable report formats.
//
// Adding a subcommand: write tools/cmd_<name>.cpp with `int run_<name>(const Args &)`,
// declare it below, and add a row to kCommands in tools/tessel_main.cpp.
//
// Errors: a subcommand reports every user mistake by throwing tessel::UserError (or a
// boost::program_options error); tessel_main prints it on stderr and exits with code 2.
// A subcommand writes its output only once everything has succeeded, so a failed run leaves
// no partial output behind.
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/evaluation.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"
#include "schedules/networks.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessel::cli {

namespace po = boost::program_options;

using Args = std::vector<std::string>; // the arguments after the subcommand's name

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Args &args);
};

inline constexpr int kExitUserError = 2;

// ---- subcommands (one file each: tools/cmd_<name>.cpp) -----------------------------------
int run_eval(const Args &args);
int run_lower(const Args &args);
int run_explore(const Args &args);
int run_bench(const Args &args);
int run_sweep(const Args &args);
int run_verify(const Args &args); // tools/cmd_verify.cpp (LLVM backend)

// --unroll LIST (tools/cmd_verify.cpp): loop positions in the mapping's nest, outermost = 0,
// comma-separated, as flags parallel to tessel::flatten(m).
std::vector<bool> parse_unroll(const std::string &list, const Mapping &m);

// ---- options ------------------------------------------------------------------------------

// Parses `args` against `options` (which should include --help). Returns false, after
// printing "Usage: tessel <command> <usage>", the description and the options on stdout,
// when --help was given. Positional arguments are rejected.
bool parse_command_line(std::string_view command, std::string_view usage,
                        std::string_view description, const po::options_description &options,
                        const Args &args, po::variables_map &vm);

// An options list with --help, --arch, --problem and --mapping, which eval, lower and
// verify share; each adds its own options after them.
po::options_description input_options();

// The value of an optional string option.
std::optional<std::string> option(const po::variables_map &vm, const std::string &name);

// --threads (an int option): 0 (all cores) to kMaxExploreThreads, or a user error.
int threads_option(const po::variables_map &vm);

// A seconds option (a double) that must be 0 or more, or with zero_allowed false more than 0
// (never NaN), or a user error naming it.
double seconds_option(const po::variables_map &vm, const std::string &name,
                      bool zero_allowed = true);

enum class Format { Table, Json };
Format parse_format(const std::string &value); // "table" or "json"

// ---- inputs -------------------------------------------------------------------------------

// An input given by path or by built-in name. `source` names it in messages (the path, or
// the built-in's name); `builtin` tells which.
template <typename T> struct Input {
  T value;
  std::string source;
  bool builtin = false;
};

// --arch: a JSON file or a built-in architecture name; none means the default ("eyeriss").
// A value that contains no '/' and does not end in ".json" and names a built-in is the
// built-in; anything else is read as a file.
Input<Architecture> load_architecture_arg(const std::optional<std::string> &arg);
// --problem: a JSON file, a built-in problem name, or a layer of a built-in network as
// "<network>:<layer>" (e.g. "resnet50:res2a_branch2a", at the network's default batch); none
// means the default ("alexnet_conv3").
Input<Problem> load_problem_arg(const std::optional<std::string> &arg);
// --network: a JSON file or a built-in network name, at `batch` (kDefaultBatch: the
// network's own default); none means the default network ("alexnet", its conv layers).
Input<Network> load_network_arg(const std::optional<std::string> &arg, std::int64_t batch);
// --mapping: a JSON file or a built-in mapping name. None means the built-in mapping written
// for this built-in architecture and problem, if there is one; otherwise it is an error.
Input<Mapping> load_mapping_arg(const std::optional<std::string> &arg,
                                const Input<Problem> &problem, const Input<Architecture> &arch);

// --dataflow: the mapping a named dataflow (schedules/dataflows.hpp) gives the problem on the
// architecture; `source` is "dataflow NAME". An unknown name is an error naming --dataflow
// and listing the dataflows.
Input<Mapping> dataflow_mapping_arg(const std::string &name, const Input<Problem> &problem,
                                    const Input<Architecture> &arch);
// The dataflows, one per line: name, published architecture, summary (for --list-dataflows).
std::string dataflow_list();
// The dataflows' names, comma-separated (for --help).
std::string dataflow_names_text();

// ---- output -------------------------------------------------------------------------------

// Writes `text` to stdout, or to the file `out`, atomically (see write_file_atomically).
void emit(const std::string &text, const std::optional<std::string> &out);

// Writes a temporary file in the target's directory and renames it over the target, so the
// target is either untouched or complete. Errors are UserErrors naming the path.
void write_file_atomically(const std::string &path, const std::string &text);

// ---- reports ------------------------------------------------------------------------------

// A plain text table: the first `left` columns are left-aligned, the others right-aligned.
class TextTable {
public:
  explicit TextTable(std::vector<std::string> header, int left = 1);
  void add(std::vector<std::string> row);
  void rule(); // a horizontal line before the next row
  std::string str(int indent = 2) const;

private:
  std::vector<std::vector<std::string>> rows_; // an empty row is a rule
  int left_;
};

std::string format_int(std::int64_t v);
std::string format_fixed(double v, int decimals);
std::string format_percent(double fraction); // 0.609 -> "60.9%"

// The readable report of `tessel eval`: accesses, fanout words, capacity use, energy by
// level and operand (pJ and pJ/MAC), cycles with the governing bound, utilization and its
// losses step by step.
std::string evaluation_table(const Problem &p, const Architecture &a, const Mapping &m,
                             const Evaluation &e, const std::string &mapping_source);

} // namespace tessel::cli
