// Design-space sweeps (docs/sweep.md): a base architecture, the parameters to vary (register
// file, an optional extra per-PE buffer, global buffer, mesh, word widths, dataflow
// constraints), a network and a technology table (cost_model/energy_table.hpp) give a list
// of design points. Each point is one architecture plus constraints; every layer of the
// network is mapped on it with tessel::explore, and the point's totals (energy, cycles,
// area) go to DIR/points.jsonl, one line per point, as it finishes. A killed sweep resumes
// from that file. At the end DIR/pareto.json holds the non-dominated points.
#pragma once

#include "cost_model/energy_table.hpp"
#include "cost_model/json_io.hpp"
#include "explorer/search.hpp"

#include <atomic>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessel {

// What a sweep minimizes over the design points (the Pareto front's axes).
enum class SweepObjective { Energy, Cycles, Area, Edp };
std::string_view sweep_objective_name(SweepObjective o);
std::optional<SweepObjective> parse_sweep_objective(std::string_view s);

struct SweepPoint {
  int index = 0;        // position in the sweep's fixed order
  std::string key;      // stable hash of the config, the parameters, architecture, constraints
  Json params;          // the varied parameters, e.g. {"rf_bytes": 32, "mesh": [16, 16], ...}
  std::string dataflow; // the dataflow's name ("any": unconstrained)
  bool named_dataflow = false; // a dataflow of schedules/dataflows.hpp: its template seeds
  Architecture arch;           // energies and areas from the table
  Constraints constraints;
  OperandArray<int> bits = {16, 16, 16};
  double area_um2 = 0; // on-chip area: levels but the outermost, times instances, plus MACs
  // Points of one family have the same level names, so a mapping of one is a mapping of
  // another whenever its tiles fit the capacities, its spatial loops fit the mesh and the
  // constraints, and it uses enough PEs (used to seed searches, explorer/sweep.cpp).
  std::string family;
};

struct SweepConfig {
  std::string file; // the config file, named in errors
  std::string name;
  Network network; // the layers swept (the subset, if one was given), at 16-bit words
  std::shared_ptr<const EnergyTable> table;
  std::vector<SweepObjective> objectives = {SweepObjective::Energy, SweepObjective::Cycles,
                                            SweepObjective::Area};
  std::vector<Objective> explore_objectives = {Objective::Energy}; // per layer
  double budget_s = 0;                                             // per layer; 0: none
  std::int64_t max_evaluations = 0;                                // per layer; 0: none
  bool seed = true; // seed each search with earlier mappings and dataflow templates
  Json resolved;    // everything the results depend on, written to DIR/config.json
  std::string hash; // stable_hash(resolved)
  std::vector<SweepPoint> points;
};

// Reads and checks a sweep config and builds every design point. Every mistake is a
// UserError naming the file and the field. Relative paths inside the config (architecture,
// network, energy table files) are relative to the config file's directory. A budget given
// here (the command line's --budget) replaces the config's explore.budget_s.
SweepConfig load_sweep_config(const std::string &path,
                              std::optional<double> budget_override = std::nullopt);
SweepConfig sweep_config_from_json(const Json &j, const std::string &file,
                                   const std::string &base_dir,
                                   std::optional<double> budget_override = std::nullopt);

// 16 hex digits: FNV-1a (64 bits) of the JSON's compact dump with keys sorted, so the same
// content hashes the same whatever the key order.
std::string stable_hash(const Json &j);

// a dominates b: no worse in every objective and better in at least one (all minimized).
bool dominates(const std::vector<double> &a, const std::vector<double> &b);
// The indices of the non-dominated vectors, ascending. Equal vectors do not dominate each
// other, so all copies of a non-dominated vector are kept.
std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>> &values);

// The objective values of a finished point (a points.jsonl line).
std::vector<double> point_objectives(const Json &point, const std::vector<SweepObjective> &objs);

struct SweepRunOptions {
  std::string out_dir;
  int threads = 0; // for each search (points run one after another)
  bool progress = true;
  const std::atomic<bool> *stop = nullptr; // set (e.g. by SIGINT) to stop after the search
  std::ostream *log = nullptr;             // progress; nullptr: std::cerr
};

struct SweepSummary {
  int points = 0;              // in the sweep
  int resumed = 0;             // found finished in points.jsonl
  int computed = 0;            // finished by this run
  int infeasible = 0;          // points where some layer has no mapping
  int pareto = 0;              // points on the front
  int dropped_lines = 0;       // partial or invalid lines removed from points.jsonl
  std::int64_t searches = 0;   // tessel::explore calls
  std::int64_t cache_hits = 0; // layers answered from an identical earlier search
  std::int64_t seeded = 0;     // searches started with an incumbent (earlier points, template)
  std::int64_t templates = 0;  // of those, searches where the named dataflow's template fit
  bool interrupted = false;
  double seconds = 0;
};

// Runs (or resumes) the sweep into out_dir: DIR/config.json, DIR/points.jsonl,
// DIR/pareto.json (docs/sweep.md). Refuses (UserError) a DIR written by another config, or
// one in which another sweep is running.
SweepSummary run_sweep(const SweepConfig &config, const SweepRunOptions &options);

} // namespace tessel
