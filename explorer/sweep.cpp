// Running a sweep: points one after another, each layer mapped by tessel::explore, results
// appended to DIR/points.jsonl (one fsync'ed write per point), resume, Pareto front
// (explorer/sweep.hpp, docs/sweep.md).
#include "explorer/sweep.hpp"

#include "cost_model/evaluation.hpp"
#include "explorer/constraints_io.hpp"
#include "schedules/dataflows.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessel {

namespace fs = std::filesystem;

bool dominates(const std::vector<double> &a, const std::vector<double> &b) {
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>> &values) {
  // In lexicographic order, a vector can be dominated only by one before it; and if it is
  // dominated at all, it is dominated by a non-dominated one (domination is transitive and
  // there are finitely many vectors). So comparing each with the front so far suffices.
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    bool dominated = false;
    for (std::size_t f : front)
      if (dominates(values[f], values[i])) {
        dominated = true;
        break;
      }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end());
  return front;
}

std::vector<double> point_objectives(const Json &point, const std::vector<SweepObjective> &objs) {
  const Json &t = point.at("totals");
  std::vector<double> v;
  for (SweepObjective o : objs) {
    switch (o) {
    case SweepObjective::Energy:
      v.push_back(t.at("energy_pj").get<double>());
      break;
    case SweepObjective::Cycles:
      v.push_back(t.at("cycles").get<double>());
      break;
    case SweepObjective::Area:
      v.push_back(t.at("area_um2").get<double>());
      break;
    case SweepObjective::Edp:
      v.push_back(t.at("energy_pj").get<double>() * t.at("cycles").get<double>());
      break;
    }
  }
  return v;
}

namespace {

using Clock = std::chrono::steady_clock;

// ---- files ------------------------------------------------------------------------------

[[noreturn]] void io_error(const std::string &path, const std::string &what) {
  user_error(path, what + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string &text, const std::string &path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error(path, "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
}

void fsync_dir(const std::string &dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A temporary file in the same directory, fsync'ed, then renamed over the target.
void write_atomically(const std::string &path, const std::string &text) {
  const fs::path target(path);
  const std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::string tmp = (fs::path(dir) / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) io_error(path, "cannot write");
  try {
    write_all(fd, text, path);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    if (::fsync(fd) != 0) io_error(path, "cannot sync");
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    io_error(path, "cannot write");
  }
  fsync_dir(dir);
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) io_error(path, "cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An exclusive lock on DIR/.lock for the life of the object; released by the kernel when
// the process dies, however it dies.
class DirLock {
public:
  explicit DirLock(const std::string &dir) {
    const std::string path = (fs::path(dir) / ".lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) io_error(path, "cannot create the lock file");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      user_error(dir, "another tessel sweep is running in this directory");
    }
  }
  ~DirLock() { ::close(fd_); }
  DirLock(const DirLock &) = delete;
  DirLock &operator=(const DirLock &) = delete;

private:
  int fd_ = -1;
};

// ---- formatting -------------------------------------------------------------------------

std::string duration_text(double s) {
  std::ostringstream o;
  if (s < 60) {
    o << std::fixed << std::setprecision(s < 10 ? 1 : 0) << s << " s";
  } else if (s < 3600) {
    o << static_cast<int>(s / 60) << " min " << static_cast<int>(std::fmod(s, 60)) << " s";
  } else {
    o << static_cast<int>(s / 3600) << " h " << static_cast<int>(std::fmod(s, 3600) / 60) << " min";
  }
  return o.str();
}

std::string sci(double v) {
  std::ostringstream o;
  o << std::setprecision(4) << v;
  return o.str();
}

std::string point_label(const SweepPoint &p) {
  std::ostringstream s;
  const Json &q = p.params;
  const auto bytes = [](const Json &b) -> std::string {
    if (b.is_null()) return "-";
    const auto v = b.get<std::int64_t>();
    return v >= 1024 && v % 1024 == 0 ? std::to_string(v / 1024) + "KB" : std::to_string(v) + "B";
  };
  s << "rf " << bytes(q["rf_bytes"]);
  if (q["pe_buffer_bytes"].get<std::int64_t>() > 0)
    s << ", pe buffer " << bytes(q["pe_buffer_bytes"]);
  if (!q["gb_bytes"].is_null()) s << ", gb " << bytes(q["gb_bytes"]);
  s << ", " << q["mesh"][0].get<std::int64_t>() << "x" << q["mesh"][1].get<std::int64_t>();
  const Json &b = q["bits"];
  if (b["W"] == b["I"] && b["I"] == b["O"])
    s << ", " << b["W"].get<int>() << "-bit";
  else
    s << ", bits W" << b["W"].get<int>() << " I" << b["I"].get<int>() << " O" << b["O"].get<int>();
  s << ", " << p.dataflow;
  return s.str();
}

// ---- one layer --------------------------------------------------------------------------

Json breakdown(const Evaluation &e, const Architecture &a) {
  Json b = Json::object();
  double noc = 0;
  for (int l = 0; l < a.num_levels(); ++l) {
    b[a.levels[l].name] = e.level_energy[l].total_pj;
    noc += e.fanout_energy_pj[l];
  }
  b["noc"] = noc;
  b["mac"] = e.mac_energy_pj;
  return b;
}

Problem with_bits(Problem p, const OperandArray<int> &bits) {
  p.bits = bits;
  return p;
}

// The result of one layer's search, without what is particular to the layer's place in the
// network (name, repeat): what the cache keeps.
struct LayerResult {
  Json json;          // found, optimal, lower_bound, energy_pj, ..., mapping
  Mapping mapping;    // when found
  std::string source; // "search", "seeded search", "seed", "template", "cache"
  double seconds = 0;
};

class Runner {
public:
  Runner(const SweepConfig &c, const SweepRunOptions &o) : c_(c), o_(o) {}

  // Registers a finished point (from this run or from points.jsonl) for reuse.
  void remember(const SweepPoint &pt, const Json &line) {
    const Json &layers = line.at("layers");
    for (std::size_t i = 0; i < layers.size() && i < c_.network.layers.size(); ++i) {
      const Json &l = layers[i];
      if (!l.value("found", false) || !l.contains("exploration")) continue;
      const std::string key = l["exploration"].get<std::string>();
      const Problem p = with_bits(c_.network.layers[i].problem, pt.bits);
      if (!cache_.count(key)) {
        LayerResult r;
        r.json = l;
        r.json.erase("name");
        r.json.erase("repeat");
        try {
          r.mapping = mapping_from_json(l.at("mapping"), p, pt.arch, "points.jsonl");
        } catch (const UserError &) {
          continue; // not reusable; the point itself stays finished
        }
        cache_.emplace(key, r);
      }
      add_seed(pt, shape_key(p), cache_.at(key).mapping);
    }
  }

  // Maps every layer on the point. Returns std::nullopt when stopped.
  std::optional<Json> run_point(const SweepPoint &pt, SweepSummary &summary) {
    const auto start = Clock::now();
    Json layers = Json::array();
    Json timing_layers = Json::array();
    double energy = 0, cycles = 0;
    std::int64_t macs = 0;
    bool feasible = true, optimal = true;
    Json total_breakdown = Json::object();
    std::string reason;
    for (const Layer &layer : c_.network.layers) {
      const Problem p = with_bits(layer.problem, pt.bits);
      const std::string key = exploration_key(p, pt);
      LayerResult r;
      if (const auto it = cache_.find(key); it != cache_.end()) {
        r = it->second;
        r.source = "cache";
        r.seconds = 0;
        ++summary.cache_hits;
      } else {
        r = search(p, pt, summary);
        if (o_.stop && o_.stop->load()) return std::nullopt;
        r.json["exploration"] = key;
        cache_.emplace(key, r);
      }
      if (r.json["found"].get<bool>()) add_seed(pt, shape_key(p), r.mapping);
      Json lj;
      lj["name"] = layer.problem.name;
      lj["repeat"] = layer.repeat;
      for (const auto &item : r.json.items())
        lj[item.key()] = item.value();
      layers.push_back(lj);
      timing_layers.push_back(
          {{"name", layer.problem.name}, {"seconds", r.seconds}, {"source", r.source}});
      if (!r.json["found"].get<bool>()) {
        feasible = false;
        optimal = false;
        if (reason.empty())
          reason = "layer " + layer.problem.name + ": " + r.json["reason"].get<std::string>();
        continue;
      }
      optimal = optimal && r.json["optimal"].get<bool>();
      const double rep = static_cast<double>(layer.repeat);
      energy += r.json["energy_pj"].get<double>() * rep;
      cycles += r.json["cycles"].get<double>() * rep;
      macs += r.json["macs"].get<std::int64_t>() * layer.repeat;
      for (const auto &item : r.json["breakdown"].items())
        total_breakdown[item.key()] =
            total_breakdown.value(item.key(), 0.0) + item.value().get<double>() * rep;
    }
    Json line;
    line["key"] = pt.key;
    line["index"] = pt.index;
    line["config_hash"] = c_.hash;
    line["params"] = pt.params;
    line["architecture"] = to_json(pt.arch);
    line["constraints"] = to_json(pt.constraints);
    line["feasible"] = feasible;
    line["optimal"] = optimal;
    if (!feasible) line["reason"] = reason;
    Json totals;
    totals["area_um2"] = pt.area_um2;
    if (feasible) {
      totals["macs"] = macs;
      totals["energy_pj"] = energy;
      totals["pj_per_mac"] = macs ? energy / static_cast<double>(macs) : 0.0;
      totals["cycles"] = cycles;
      totals["edp"] = energy * cycles;
      totals["breakdown"] = total_breakdown;
    }
    line["totals"] = totals;
    line["layers"] = layers;
    line["timing"] = {{"seconds", std::chrono::duration<double>(Clock::now() - start).count()},
                      {"layers", timing_layers}};
    return line;
  }

private:
  static std::string problem_key(const Problem &p) {
    Json j = to_json(p);
    j.erase("name");
    return stable_hash(j);
  }

  // The loop nest without word widths (which matter to a mapping only through capacity).
  static std::string shape_key(const Problem &p) {
    Json j = to_json(p);
    j.erase("name");
    j.erase("bits");
    return stable_hash(j);
  }

  std::string exploration_key(const Problem &p, const SweepPoint &pt) const {
    Json a = to_json(pt.arch);
    a.erase("name");
    Json objectives = Json::array();
    for (Objective o : c_.explore_objectives)
      objectives.push_back(std::string(objective_name(o)));
    return stable_hash({{"problem", problem_key(p)},
                        {"architecture", a},
                        {"constraints", to_json(pt.constraints)},
                        {"objectives", objectives},
                        {"budget_s", c_.budget_s},
                        {"max_evaluations", c_.max_evaluations}});
  }

  void add_seed(const SweepPoint &pt, const std::string &problem, const Mapping &m) {
    if (!c_.seed) return;
    std::vector<Mapping> &list = seeds_[pt.family + "/" + problem];
    if (std::find(list.begin(), list.end(), m) != list.end()) return;
    list.push_back(m);
    if (list.size() > kMaxSeeds) list.erase(list.begin());
  }

  // Whether a mapping of the point's levels lies in the explorer's mapspace for the point
  // (capacity, mesh and PE use are checked by best_seed): perfect factors, no bypass beyond
  // the architecture's keeps, at most one temporal loop per dimension and level and one
  // spatial loop per dimension and axis, no loop of trip 1, and the constraints met.
  static bool in_mapspace(const Mapping &m, const Problem &p, const SweepPoint &pt) {
    if (m.num_levels() != pt.arch.num_levels() || !is_perfect(m, p)) return false;
    for (int l = 0; l < m.num_levels(); ++l) {
      for (Operand o : kAllOperands)
        if (m.bypasses(l, o) && pt.arch.levels[l].keeps[idx(o)]) return false;
      DimArray<int> temporal{}, x{}, y{};
      for (const Loop &t : m.levels[l].temporal)
        if (t.trip < 2 || ++temporal[idx(t.dim)] > 1) return false;
      for (const Loop &s : m.levels[l].spatial)
        if (s.trip < 2 || ++(s.kind == LoopKind::SpatialX ? x : y)[idx(s.dim)] > 1) return false;
    }
    return satisfies(m, pt.constraints, pt.arch, p);
  }

  // A named dataflow's own schedule (schedules/dataflows.hpp) for the layer, when it lies in
  // the explorer's mapspace for the point.
  static std::optional<Mapping> template_seed(const Problem &p, const SweepPoint &pt) {
    if (!pt.named_dataflow) return std::nullopt;
    Mapping m;
    try {
      m = dataflow_mapping(pt.dataflow, p, pt.arch);
    } catch (const UserError &) {
      return std::nullopt;
    }
    // Loops of trip 1 change nothing; the explorer leaves them out.
    for (LevelLoops &l : m.levels) {
      std::erase_if(l.temporal, [](const Loop &x) { return x.trip == 1; });
      std::erase_if(l.spatial, [](const Loop &x) { return x.trip == 1; });
    }
    if (!in_mapspace(m, p, pt)) return std::nullopt;
    m.bypass.clear(); // it bypasses only what the architecture does not keep
    return m;
  }

  // The cheapest mapping of this layer that lies in the point's mapspace and fits it: from
  // the earlier points with the same levels (any constraints the point's allow), and the
  // named dataflow's template.
  std::optional<std::pair<Mapping, Evaluation>> best_seed(const Problem &p, const SweepPoint &pt,
                                                          SweepSummary &summary) {
    std::vector<Mapping> candidates;
    if (const auto it = seeds_.find(pt.family + "/" + shape_key(p)); it != seeds_.end())
      for (const Mapping &m : it->second)
        if (in_mapspace(m, p, pt)) candidates.push_back(m);
    if (auto t = template_seed(p, pt)) {
      candidates.push_back(std::move(*t));
      ++summary.templates;
    }
    std::optional<std::pair<Mapping, Evaluation>> best;
    double best_value = 0;
    for (const Mapping &m : candidates) {
      try {
        // Throws when the mapping does not fit this point (capacity, mesh).
        Evaluation e = evaluate(p, pt.arch, m);
        if (static_cast<double>(e.used_pes) <
            pt.constraints.min_utilization * static_cast<double>(e.pes))
          continue;
        const double v = objective_values(e, c_.explore_objectives)[0];
        if (!best || v < best_value) {
          best_value = v;
          best = std::pair{m, std::move(e)};
        }
      } catch (const UserError &) {
        continue;
      }
    }
    return best;
  }

  LayerResult search(const Problem &p, const SweepPoint &pt, SweepSummary &summary) {
    ExploreOptions opt;
    opt.objectives = c_.explore_objectives;
    opt.constraints = pt.constraints;
    opt.threads = o_.threads;
    opt.time_budget_s = c_.budget_s;
    opt.eval_budget = c_.max_evaluations;
    opt.stop = o_.stop;
    std::optional<std::pair<Mapping, Evaluation>> seed;
    if (c_.seed) seed = best_seed(p, pt, summary);
    if (seed) {
      opt.upper_bound = objective_values(seed->second, c_.explore_objectives)[0];
      ++summary.seeded;
    }
    ++summary.searches;
    ExploreResult r = explore(p, pt.arch, opt);
    LayerResult out;
    out.seconds = r.stats.seconds;
    out.source = seed ? "seeded search" : "search";
    double lower_bound = r.stats.lower_bound;
    if (!r.found && seed) {
      // Nothing cheaper than the seed: the seed is the result (optimal if the search ended).
      r.found = true;
      r.mapping = seed->first;
      r.evaluation = seed->second;
      lower_bound = std::min(lower_bound, objective_values(r.evaluation, opt.objectives)[0]);
      out.source = "seed";
    }
    bool optimal = r.stats.optimal;
    if (pt.named_dataflow && !(r.found && r.stats.optimal)) {
      // The named dataflow's own schedule, even outside the explorer's mapspace (imperfect
      // factors, its own bypasses), when it is cheaper than what the budget left us: a
      // budgeted layer is never worse than the dataflow as published. It is not an optimum.
      try {
        Mapping t = dataflow_mapping(pt.dataflow, p, pt.arch);
        Evaluation e = evaluate(p, pt.arch, t);
        const double v = objective_values(e, opt.objectives)[0];
        if (!r.found || v < objective_values(r.evaluation, opt.objectives)[0]) {
          r.found = true;
          r.mapping = std::move(t);
          r.evaluation = std::move(e);
          lower_bound = std::min(lower_bound, v);
          optimal = false;
          out.source = "template";
          ++summary.template_results;
        }
      } catch (const UserError &) {
        // The dataflow cannot map this layer here: keep the search's result.
      }
    }
    Json j;
    j["found"] = r.found;
    if (!r.found) {
      j["optimal"] = false;
      j["reason"] = r.stats.exhaustive ? "no mapping fits the architecture"
                                       : "no mapping found within the search budget";
      j["search"] = {{"evaluated", r.stats.evaluated}, {"pruned", r.stats.pruned}};
      out.json = j;
      return out;
    }
    const Evaluation &e = r.evaluation;
    j["optimal"] = optimal;
    j["lower_bound"] = lower_bound;
    j["energy_pj"] = e.energy_pj;
    j["pj_per_mac"] = e.pj_per_mac;
    j["cycles"] = e.cycles;
    j["utilization"] = e.utilization;
    j["macs"] = e.counts.macs;
    j["breakdown"] = breakdown(e, pt.arch);
    j["mapping"] = to_json(r.mapping, pt.arch);
    j["search"] = {{"evaluated", r.stats.evaluated}, {"pruned", r.stats.pruned}};
    out.json = j;
    out.mapping = r.mapping;
    return out;
  }

  static constexpr std::size_t kMaxSeeds = 64;
  const SweepConfig &c_;
  const SweepRunOptions &o_;
  std::map<std::string, LayerResult> cache_;
  std::map<std::string, std::vector<Mapping>> seeds_;
};

// ---- points.jsonl -----------------------------------------------------------------------

struct Loaded {
  std::map<std::string, Json> points; // by key
  int dropped = 0;
};

// Reads DIR/points.jsonl: complete lines of this config's points, each once. A partial last
// line (a write cut short by a kill), an unreadable line, a line of an unknown point or a
// second line of a point are dropped, and the file is rewritten without them.
Loaded load_points(const std::string &path, const SweepConfig &c, std::ostream &log) {
  Loaded out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  const std::string text = read_file(path);
  std::set<std::string> known;
  for (const SweepPoint &p : c.points)
    known.insert(p.key);
  std::string kept;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    ++line_no;
    if (nl == std::string::npos) {
      log << "sweep: " << path << ": dropping an incomplete last line (" << text.size() - pos
          << " bytes, from an interrupted write)\n";
      ++out.dropped;
      break;
    }
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::string problem;
    try {
      const Json j = Json::parse(line);
      const std::string key = j.at("key").get<std::string>();
      if (!known.count(key))
        problem = "not a point of this config";
      else if (out.points.count(key))
        problem = "a second copy of point " + std::to_string(j.at("index").get<int>());
      else if (j.at("config_hash").get<std::string>() != c.hash)
        problem = "written by another config";
      else
        out.points.emplace(key, j);
    } catch (const std::exception &) {
      problem = "not a complete JSON point";
    }
    if (!problem.empty()) {
      log << "sweep: " << path << ": dropping line " << line_no << " (" << problem << ")\n";
      ++out.dropped;
      continue;
    }
    kept += line;
    kept += '\n';
  }
  if (out.dropped > 0) write_atomically(path, kept);
  return out;
}

Json pareto_json(const SweepConfig &c, const std::vector<Json> &finished, bool complete) {
  std::vector<const Json *> feasible;
  std::vector<std::vector<double>> values;
  for (const Json &p : finished)
    if (p.at("feasible").get<bool>()) {
      feasible.push_back(&p);
      values.push_back(point_objectives(p, c.objectives));
    }
  Json objectives = Json::array();
  for (SweepObjective o : c.objectives)
    objectives.push_back(std::string(sweep_objective_name(o)));
  Json front = Json::array();
  for (std::size_t i : pareto_front(values)) {
    Json p = *feasible[i];
    p.erase("timing");
    front.push_back(p);
  }
  Json j;
  j["sweep"] = c.name;
  j["config_hash"] = c.hash;
  j["objectives"] = objectives;
  j["complete"] = complete;
  j["points"] = c.points.size();
  j["finished"] = finished.size();
  j["feasible"] = feasible.size();
  j["front"] = front;
  return j;
}

} // namespace

SweepSummary run_sweep(const SweepConfig &c, const SweepRunOptions &o) {
  std::ostream &log = o.log ? *o.log : std::cerr;
  const auto start = Clock::now();
  SweepSummary summary;
  summary.points = static_cast<int>(c.points.size());
  if (o.out_dir.empty()) user_error("--out", "is required: the directory to write the sweep to");
  const fs::path dir(o.out_dir);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    user_error(o.out_dir, "exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) user_error(o.out_dir, "cannot create the directory: " + ec.message());
  const DirLock lock(o.out_dir);
  const std::string config_path = (dir / "config.json").string();
  const std::string points_path = (dir / "points.jsonl").string();
  const std::string pareto_path = (dir / "pareto.json").string();

  // The directory belongs to one config.
  if (fs::exists(config_path, ec)) {
    std::string hash;
    try {
      hash = parse_json(read_file(config_path), config_path).at("config_hash").get<std::string>();
    } catch (const nlohmann::json::exception &) {
      user_error(config_path, "has no config_hash: not written by tessel sweep");
    }
    if (hash != c.hash)
      user_error(config_path,
                 "this directory holds a sweep of another config (hash " + hash +
                     ", this config's is " + c.hash +
                     "); the results would not be comparable: use another --out directory, or "
                     "remove this one to start over");
  } else {
    if (fs::exists(points_path, ec) && fs::file_size(points_path, ec) > 0)
      user_error(points_path, "exists without config.json: not a tessel sweep directory, or "
                              "config.json was removed; refusing to resume into it");
    Json cj;
    cj["config_hash"] = c.hash;
    cj["config_file"] = c.file;
    cj["points"] = c.points.size();
    cj["config"] = c.resolved;
    write_atomically(config_path, dump_json(cj));
  }

  Loaded loaded = load_points(points_path, c, log);
  summary.dropped_lines = loaded.dropped;
  summary.resumed = static_cast<int>(loaded.points.size());
  Runner runner(c, o);
  std::vector<Json> finished;
  for (const SweepPoint &p : c.points)
    if (const auto it = loaded.points.find(p.key); it != loaded.points.end()) {
      runner.remember(p, it->second);
      finished.push_back(it->second);
    }
  if (o.progress) {
    log << "sweep " << c.name << ": " << c.points.size() << " points x " << c.network.layers.size()
        << " layers of " << c.network.name;
    if (summary.resumed) log << "; resuming: " << summary.resumed << " finished";
    log << "\n";
  }

  const int fd = ::open(points_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) io_error(points_path, "cannot open");
  if (summary.resumed == 0) fsync_dir(o.out_dir);
  const int todo = summary.points - summary.resumed;
  try {
    for (const SweepPoint &p : c.points) {
      if (loaded.points.count(p.key)) continue;
      if (o.stop && o.stop->load()) {
        summary.interrupted = true;
        break;
      }
      const std::optional<Json> line = runner.run_point(p, summary);
      if (!line) {
        summary.interrupted = true;
        break;
      }
      // One write of a complete line, then fsync: after a crash the file ends with whole
      // points, or with a partial last line that the next run drops.
      write_all(fd, line->dump() + "\n", points_path);
      if (::fsync(fd) != 0) io_error(points_path, "cannot sync");
      runner.remember(p, *line);
      finished.push_back(*line);
      ++summary.computed;
      if (!(*line)["feasible"].get<bool>()) ++summary.infeasible;
      if (o.progress) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        const double eta = elapsed / summary.computed * (todo - summary.computed);
        log << "sweep: [" << summary.resumed + summary.computed << "/" << summary.points << "] "
            << point_label(p) << ": ";
        if ((*line)["feasible"].get<bool>()) {
          const Json &t = (*line)["totals"];
          log << sci(t["energy_pj"].get<double>()) << " pJ (" << std::fixed << std::setprecision(3)
              << t["pj_per_mac"].get<double>() << std::defaultfloat << " pJ/MAC), "
              << sci(t["cycles"].get<double>()) << " cycles, area "
              << sci(t["area_um2"].get<double>())
              << ((*line)["optimal"].get<bool>() ? "" : " (budgeted)");
        } else {
          log << "infeasible (" << (*line)["reason"].get<std::string>() << ")";
        }
        log << "; " << duration_text((*line)["timing"]["seconds"].get<double>()) << ", ETA "
            << duration_text(eta) << "\n";
      }
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  summary.infeasible = 0;
  for (const Json &p : finished)
    if (!p["feasible"].get<bool>()) ++summary.infeasible;
  std::sort(finished.begin(), finished.end(), [](const Json &a, const Json &b) {
    return a["index"].get<int>() < b["index"].get<int>();
  });
  const bool complete = static_cast<int>(finished.size()) == summary.points;
  const Json pareto = pareto_json(c, finished, complete);
  summary.pareto = static_cast<int>(pareto["front"].size());
  write_atomically(pareto_path, dump_json(pareto));
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

} // namespace tessel
