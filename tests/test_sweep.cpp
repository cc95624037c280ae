// Design-space sweeps (explorer/sweep.hpp, tools/cmd_sweep.cpp, docs/sweep.md): technology
// table interpolation, the Pareto front against its brute-force definition, resume after a
// kill (simulated by cutting points.jsonl, and real: SIGKILL of a running `tessel sweep`),
// refusal to resume another config's directory, and bad configs (exit 2, file and field
// named, nothing written). Tiny layers and architectures keep every search exhaustive and
// fast.
#include "cost_model/energy_table.hpp"
#include "cost_model/json_io.hpp"
#include "explorer/constraints_io.hpp"
#include "explorer/sweep.hpp"
#include "schedules/dataflows.hpp"
#include "support/run_cli.hpp"

#include "support/error_of.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tessel;
using tessel::test::error_of;
using namespace tessel::test;
namespace fs = std::filesystem;

namespace {

// A small sweep: 2 register files x 2 global buffers x 2 meshes x 3 dataflows = 24 points,
// two tiny layers each, energies from a user table (file "tech.json").
const char *kTable = R"({"name": "tiny", "outside": "error", "mac_pj": 0.1, "hop_pj": 0.05,
  "classes": {"rf": [{"bytes": 8, "pj": 0.02}, {"bytes": 64, "pj": 0.16}],
              "sram": [{"bytes": 256, "pj": 2.0}, {"bytes": 4096, "pj": 8.0}],
              "dram": [{"pj": 100}]}})";

constexpr std::size_t kPoints = 24;

std::string config_text(const std::string &rf = "[8, 32]") {
  return R"({"name": "tiny",
  "architecture": {"name": "small", "levels": [
    {"name": "RF", "capacity_words": 16, "read_pj": 1},
    {"name": "GB", "capacity_words": 1024, "read_pj": 6,
     "fanout": {"x": 4, "y": 4, "multicast": true, "reduction": true, "hop_pj": 2}},
    {"name": "DRAM", "read_pj": 200}]},
  "energy_table": "tech.json",
  "network": {"name": "two", "layers": [
    {"name": "a", "K": 4, "C": 2, "P": 4, "Q": 2, "R": 3, "S": 1, "repeat": 2},
    {"name": "b", "type": "gemm", "M": 4, "N": 8, "K": 8}]},
  "objectives": ["energy", "cycles", "area"],
  "explore": {"budget_s": 0},
  "space": {"rf_bytes": )" +
         rf + R"(, "gb_bytes": [512, 2048], "mesh": [[2, 2], [4, 2]],
    "dataflows": ["weight_stationary",
                  {"name": "kq", "constraints": {"spatial": {"GB": {"x": ["K"], "y": ["Q"]}}}},
                  "any"]}})";
}

std::vector<Json> read_lines(const fs::path &file) {
  std::vector<Json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    out.push_back(Json::parse(line));
  return out;
}

// pareto.json, comparable across runs (it has no timings).
std::string pareto_text(const fs::path &dir) { return read_text(dir / "pareto.json"); }

SweepSummary run(const fs::path &config, const fs::path &out, int threads = 1) {
  const SweepConfig c = load_sweep_config(config.string());
  SweepRunOptions o;
  o.out_dir = out.string();
  o.threads = threads;
  o.progress = false;
  std::ostringstream log; // warnings about dropped lines
  o.log = &log;
  return run_sweep(c, o);
}

// A directory with tech.json and tiny.json (the config above).
void write_inputs(const TempDir &dir) {
  dir.write("tech.json", kTable);
  dir.write("tiny.json", config_text());
}

// One uninterrupted run of the small sweep (1 thread), shared by the tests: its directory.
const fs::path &reference() {
  static TempDir dir;
  static const fs::path out = [&] {
    write_inputs(dir);
    const SweepSummary s = run(dir.path() / "tiny.json", dir.path() / "ref");
    REQUIRE(s.computed == static_cast<int>(kPoints));
    return dir.path() / "ref";
  }();
  return out;
}

} // namespace

TEST_CASE("energy table: Interstellar figures at the table points and log-log between them",
          "[correctness]") {
  const auto t = builtin_energy_table("interstellar");
  CHECK(t->access("rf", 16).read_pj == 0.03);
  CHECK(t->access("rf", 512).write_pj == 0.96);
  CHECK(t->access("sram", 128 * 1024).read_pj == 13.5);
  CHECK(t->access("dram", std::nullopt).read_pj == 200.0);
  CHECK(t->mac_pj() == 0.075);
  CHECK(t->hop_pj() == 0.035);
  // Register files are linear in size, and log-log interpolation keeps them so.
  CHECK(t->access("rf", 24).read_pj == Approx(0.045).epsilon(1e-12));
  CHECK(t->access("rf", 100).read_pj == Approx(0.03 * 100 / 16).epsilon(1e-12));
  // SRAM grows x1.5 per doubling: 96 KB is 9 pJ x 1.5^log2(1.5).
  CHECK(t->access("sram", 96 * 1024).read_pj ==
        Approx(9.0 * std::pow(1.5, std::log2(1.5))).epsilon(1e-12));
  CHECK(t->access("sram", 48 * 1024).read_pj ==
        Approx(6.0 * std::pow(1.5, std::log2(48.0 / 32.0))).epsilon(1e-12));
  // Outside the table: an error naming the table, the class and its range.
  const std::string small = error_of([&] { t->access("rf", 8); });
  CHECK(small.find("interstellar") != std::string::npos);
  CHECK(small.find("'rf' covers 16 B to 512 B") != std::string::npos);
  CHECK(small.find("8 B is outside") != std::string::npos);
  CHECK_THROWS_AS(t->access("sram", 1024 * 1024), UserError);
  CHECK_THROWS_AS(t->access("sram", std::nullopt), UserError);
  CHECK(error_of([&] { t->access("l2", 64); }).find("no memory class 'l2'") != std::string::npos);
  // No published areas: the placeholder, proportional to capacity bits.
  CHECK(t->area_is_placeholder("rf"));
  CHECK(t->area_um2("rf", 64) == 64 * 8);

  const auto e = builtin_energy_table("eyeriss");
  CHECK(e->access("rf", 512).read_pj == 1.0);
  CHECK(e->access("rf", 16).read_pj == 1.0); // size-independent
  CHECK(e->access("sram", 131072).read_pj == 6.0);
  CHECK(e->access("dram", std::nullopt).read_pj == 200.0);
  CHECK(e->hop_pj() == 2.0);
  CHECK(e->mac_pj() == 1.0);
  CHECK_THROWS_AS(builtin_energy_table("nope"), UserError);
}

TEST_CASE("energy table: user tables, clamp and extrapolate, areas, errors", "[correctness]") {
  const auto table = [](const std::string &outside) {
    return energy_table_from_json(parse_json(R"({"name": "u", "outside": ")" + outside + R"(",
      "classes": {"m": [{"bytes": 100, "read_pj": 1, "write_pj": 2, "area_um2": 10},
                        {"bytes": 400, "read_pj": 4, "write_pj": 2, "area_um2": 40}]}})",
                                             "u.json"),
                                  "u.json");
  };
  const auto clamp = table("clamp");
  CHECK(clamp->access("m", 200).read_pj == Approx(2.0)); // 1 * 4^(1/2)
  CHECK(clamp->access("m", 200).write_pj == Approx(2.0));
  CHECK(clamp->access("m", 50).read_pj == 1.0);
  CHECK(clamp->access("m", 800).read_pj == 4.0);
  CHECK(!clamp->area_is_placeholder("m"));
  CHECK(clamp->area_um2("m", 200) == Approx(20.0));
  const auto extra = table("extrapolate");
  CHECK(extra->access("m", 800).read_pj == Approx(8.0));
  CHECK(extra->access("m", 50).read_pj == Approx(0.5));
  CHECK_THROWS_AS(table("error")->access("m", 800), UserError);
  CHECK(interpolate_log_log(1, 1, 4, 16, 2) == Approx(4.0));

  const auto bad = [](const std::string &text) {
    return error_of([&] { energy_table_from_json(parse_json(text, "t.json"), "t.json"); });
  };
  CHECK(bad(R"({"classes": {"rf": [{"bytes": 64, "pj": 1}, {"bytes": 32, "pj": 2}]}})")
            .find("t.json: classes.rf[1].bytes: sizes must be strictly ascending") !=
        std::string::npos);
  CHECK(bad(R"({"classes": {"rf": [{"bytes": 64, "pj": -1}]}})")
            .find("t.json: classes.rf[0].pj: must be a positive number") != std::string::npos);
  CHECK(bad(R"({"classes": {"rf": [{"bytes": 64, "pj": 1, "size": 3}]}})")
            .find("t.json: classes.rf[0].size: unknown key") != std::string::npos);
  CHECK(bad(R"({"classes": {"rf": [{"pj": 1}, {"bytes": 64, "pj": 2}]}})")
            .find("t.json: classes.rf[0].bytes: is required") != std::string::npos);
  CHECK(bad(R"({"outside": "wrap", "classes": {"rf": [{"pj": 1}]}})").find("t.json: outside:") !=
        std::string::npos);
  CHECK(
      bad(R"({"classes": {"rf": [{"bytes": 8, "pj": 1, "area_um2": 3}, {"bytes": 64, "pj": 2}]}})")
          .find("area_um2 for every point") != std::string::npos);
}

TEST_CASE("pareto_front matches the brute-force definition on random vectors", "[correctness]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = static_cast<int>(rng() % 40), k = 1 + static_cast<int>(rng() % 3);
    std::vector<std::vector<double>> v(n, std::vector<double>(k));
    for (auto &x : v)
      for (double &y : x)
        y = static_cast<double>(rng() % 6); // few values: many ties and duplicates
    std::vector<std::size_t> brute;
    for (int i = 0; i < n; ++i) {
      bool dominated = false;
      for (int j = 0; j < n; ++j) {
        bool le = true, lt = false;
        for (int d = 0; d < k; ++d) {
          le = le && v[j][d] <= v[i][d];
          lt = lt || v[j][d] < v[i][d];
        }
        dominated = dominated || (le && lt);
      }
      if (!dominated) brute.push_back(static_cast<std::size_t>(i));
    }
    REQUIRE(pareto_front(v) == brute);
  }
}

TEST_CASE("sweep: points.jsonl has every point once; pareto.json is non-dominated and complete",
          "[correctness]") {
  const fs::path out = reference();
  const std::vector<Json> points = read_lines(out / "points.jsonl");
  REQUIRE(points.size() == kPoints);
  std::set<std::string> keys;
  for (std::size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i]["index"] == static_cast<int>(i)); // the fixed order
    keys.insert(points[i]["key"].get<std::string>());
    CHECK(points[i]["feasible"].get<bool>());
    CHECK(points[i]["optimal"].get<bool>());
    // Totals add up the layers, each counted `repeat` times.
    double energy = 0;
    for (const Json &l : points[i]["layers"])
      energy += l["energy_pj"].get<double>() * l["repeat"].get<double>();
    CHECK(points[i]["totals"]["energy_pj"].get<double>() == Approx(energy));
  }
  CHECK(keys.size() == kPoints);

  // Brute force: a point is on the front iff no point dominates it.
  const std::vector<SweepObjective> objs = {SweepObjective::Energy, SweepObjective::Cycles,
                                            SweepObjective::Area};
  std::set<std::string> expected;
  for (const Json &p : points) {
    const auto a = point_objectives(p, objs);
    bool dominated = false;
    for (const Json &q : points) {
      const auto b = point_objectives(q, objs);
      bool le = true, lt = false;
      for (std::size_t d = 0; d < 3; ++d) {
        le = le && b[d] <= a[d];
        lt = lt || b[d] < a[d];
      }
      dominated = dominated || (le && lt);
    }
    if (!dominated) expected.insert(p["key"].get<std::string>());
  }
  const Json pareto = parse_json(pareto_text(out), "pareto.json");
  std::set<std::string> front;
  for (const Json &p : pareto["front"]) {
    front.insert(p["key"].get<std::string>());
    CHECK(p.contains("architecture"));
    CHECK(p["layers"][0].contains("mapping"));
  }
  CHECK(front == expected); // non-dominated and complete
  CHECK(front.size() > 1);  // the objectives conflict in this sweep
  CHECK(front.size() < kPoints);
  CHECK(pareto["complete"].get<bool>());

  // A point's mapping re-evaluates on its architecture to the recorded energy.
  const Json &p0 = pareto["front"][0];
  const Architecture a = architecture_from_json(p0["architecture"], "pareto.json");
  const Problem prob = problem_from_json(
      parse_json(R"({"name": "a", "K": 4, "C": 2, "P": 4, "Q": 2, "R": 3, "S": 1})", "a"), "a");
  const Mapping m = mapping_from_json(p0["layers"][0]["mapping"], prob, a, "pareto.json");
  CHECK(evaluate(prob, a, m).energy_pj == Approx(p0["layers"][0]["energy_pj"].get<double>()));
}

TEST_CASE("sweep: seeding and threads do not change the results", "[correctness]") {
  const fs::path ref = reference();
  TempDir dir;
  dir.write("tech.json", kTable);
  Json unseeded = parse_json(config_text(), "x");
  unseeded["explore"]["seed"] = false;
  const fs::path config = dir.write("unseeded.json", unseeded.dump());
  const SweepSummary u = run(config, dir.path() / "b", 2);
  CHECK(u.seeded == 0);
  const std::vector<Json> a = read_lines(ref / "points.jsonl");
  const std::vector<Json> b = read_lines(dir.path() / "b" / "points.jsonl");
  REQUIRE(a.size() == b.size());
  int seeded = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i]["totals"] == b[i]["totals"]);
    for (std::size_t l = 0; l < a[i]["layers"].size(); ++l) {
      CHECK(a[i]["layers"][l]["mapping"] == b[i]["layers"][l]["mapping"]);
      seeded += a[i]["timing"]["layers"][l]["source"] != "search";
    }
  }
  CHECK(seeded > 0); // the reference run did use seeds
}

TEST_CASE("sweep: resume after a simulated kill loses and duplicates nothing", "[correctness]") {
  const fs::path ref = reference();
  TempDir dir;
  write_inputs(dir);
  const fs::path config = dir.path() / "tiny.json";
  const std::string full_pareto = pareto_text(ref);
  const std::string full_points = read_text(ref / "points.jsonl");

  std::vector<std::size_t> ends; // offsets just past each '\n'
  for (std::size_t i = 0; i < full_points.size(); ++i)
    if (full_points[i] == '\n') ends.push_back(i + 1);
  REQUIRE(ends.size() == kPoints);
  // Half of the 11th line kept (a write cut short), or the last lines deleted.
  for (const bool partial : {true, false}) {
    const fs::path out = dir.path() / (partial ? "cut" : "short");
    fs::create_directories(out);
    fs::copy_file(ref / "config.json", out / "config.json");
    const std::size_t keep = partial ? ends[9] + (ends[10] - ends[9]) / 2 : ends[12];
    std::ofstream(out / "points.jsonl", std::ios::binary) << full_points.substr(0, keep);
    const SweepSummary s = run(config, out);
    CHECK(s.resumed == (partial ? 10 : 13));
    CHECK(s.computed == static_cast<int>(kPoints) - s.resumed);
    CHECK(s.dropped_lines == (partial ? 1 : 0));
    const std::vector<Json> lines = read_lines(out / "points.jsonl");
    REQUIRE(lines.size() == kPoints);
    std::set<int> indices;
    for (const Json &l : lines)
      indices.insert(l["index"].get<int>());
    CHECK(indices.size() == kPoints);
    CHECK(pareto_text(out) == full_pareto);
  }

  // A line duplicated by hand, and garbage: dropped, the file rewritten.
  const fs::path out = dir.path() / "dup";
  fs::create_directories(out);
  fs::copy_file(ref / "config.json", out / "config.json");
  std::ofstream(out / "points.jsonl", std::ios::binary)
      << full_points.substr(0, ends[13]) << full_points.substr(ends[0], ends[1] - ends[0])
      << "{\"key\": \"x\"\n";
  const SweepSummary s = run(config, out);
  CHECK(s.resumed == 14);
  CHECK(s.dropped_lines == 2);
  CHECK(read_lines(out / "points.jsonl").size() == kPoints);
  CHECK(pareto_text(out) == full_pareto);

  // Running again over a finished directory computes nothing and writes the same front.
  const SweepSummary again = run(config, out);
  CHECK(again.resumed == static_cast<int>(kPoints));
  CHECK(again.computed == 0);
  CHECK(pareto_text(out) == full_pareto);
}

TEST_CASE("sweep: refuses to resume into a directory of another config", "[error]") {
  const fs::path ref = reference();
  TempDir dir;
  dir.write("tech.json", kTable);
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  fs::copy_file(ref / "config.json", out / "config.json");
  fs::copy_file(ref / "points.jsonl", out / "points.jsonl");
  const std::string before = read_text(out / "points.jsonl");
  const fs::path other = dir.write("other.json", config_text("[8, 16]"));
  const std::string e = error_of([&] { run(other, out); });
  CHECK(e.find("config.json") != std::string::npos);
  CHECK(e.find("another config") != std::string::npos);
  CHECK(read_text(out / "points.jsonl") == before);
  CHECK(!fs::exists(out / "pareto.json"));
  // points.jsonl without config.json is refused too.
  fs::remove(out / "config.json");
  const fs::path same = dir.write("tiny.json", config_text());
  CHECK(error_of([&] { run(same, out); }).find("without config.json") != std::string::npos);
}

TEST_CASE("tessel sweep: bad configs fail with exit 2 naming the file and field", "[error]") {
  TempDir dir;
  dir.write("tech.json", kTable);
  const auto fails = [&](const std::string &text, const std::string &message) {
    dir.write("bad.json", text);
    const CliResult r =
        run_cli({"sweep", "--config", "bad.json", "--out", "out", "-q"}, dir.path());
    CHECK(r.exit_code == 2);
    INFO(r.err);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(!fs::exists(dir.path() / "out")); // nothing written
  };
  Json good = parse_json(config_text(), "x");
  const auto with = [&](const std::string &path, const Json &value) {
    Json j = good;
    j[nlohmann::ordered_json::json_pointer(path)] = value;
    return j.dump();
  };
  fails(with("/space/rf_bytes/1", -3), "bad.json: space.rf_bytes[1]: must be a positive integer");
  fails(with("/space/rf_bytes/1", 128),
        "bad.json: space.rf_bytes[1]: energy table 'tiny': class 'rf' covers 8 B to 64 B");
  fails(with("/space/mesh/0", Json::array({2})), "bad.json: space.mesh[0]: must be [x, y]");
  fails(with("/space/rf_byte", Json::array({8})),
        "bad.json: space.rf_byte: unknown key \"rf_byte\" (did you mean \"rf_bytes\"?)");
  fails(with("/objectives/1", "speed"), "bad.json: objectives[1]: unknown objective 'speed'");
  fails(with("/layers", Json::array({"a", "c"})), "bad.json: layers[1]: no layer 'c'");
  fails(with("/network/layers/0/K", 0), "bad.json: network.layers[0].K");
  fails(with("/space/dataflows/1/constraints/spatial/GX", Json::object()),
        "bad.json: space.dataflows[1].constraints: spatial.GX: unknown level 'GX'");
  fails(with("/energy_table", "missing.json"), "bad.json: energy_table: not a built-in");
  fails(with("/space/dataflows/0", "row_stationry"),
        "bad.json: space.dataflows[0]: unknown dataflow 'row_stationry' (did you mean "
        "'row_stationary'?)");
  fails(with("/explore/budget_s", -1), "bad.json: explore.budget_s: must be a non-negative");
  fails("{\"name\": ", "bad.json: malformed JSON");
  const CliResult r = run_cli({"sweep", "--config", "nope.json", "--out", "out"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nope.json") != std::string::npos);
}

TEST_CASE("tessel sweep: killed with SIGKILL while running, then resumed", "[correctness]") {
  const fs::path ref = reference();
  TempDir dir;
  write_inputs(dir);
  const fs::path out = dir.path() / "out";
  // Start a sweep and SIGKILL it once it has written a point. Should it finish first (the
  // whole sweep takes a fraction of a second), start again in a fresh directory.
  bool killed_mid_run = false;
  for (int attempt = 0; attempt < 5 && !killed_mid_run; ++attempt) {
    fs::remove_all(out);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      if (::chdir(dir.path().c_str()) != 0) ::_exit(127);
      ::execl(TESSEL_CLI, TESSEL_CLI, "sweep", "--config", "tiny.json", "--out", "out", "-j", "1",
              static_cast<char *>(nullptr));
      ::_exit(127);
    }
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const std::string text = read_text(out / "points.jsonl");
      if (std::count(text.begin(), text.end(), '\n') >= 1) break;
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(20)) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    killed_mid_run = WIFSIGNALED(status) && read_lines(out / "points.jsonl").size() < kPoints;
  }
  REQUIRE(killed_mid_run);

  const CliResult r =
      run_cli({"sweep", "--config", "tiny.json", "--out", "out", "-j", "1"}, dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("resuming") != std::string::npos);
  CHECK(r.out.find("Pareto front") != std::string::npos);
  const std::vector<Json> lines = read_lines(out / "points.jsonl");
  CHECK(lines.size() == kPoints);
  std::set<std::string> keys;
  for (const Json &l : lines)
    keys.insert(l["key"].get<std::string>());
  CHECK(keys.size() == kPoints);
  CHECK(pareto_text(out) == pareto_text(ref));
}

TEST_CASE("sweep config: named dataflows, point order, generated architectures", "[correctness]") {
  TempDir dir;
  dir.write("tech.json", kTable);
  Json j = parse_json(config_text(), "x");
  j["space"]["dataflows"] = Json::array({"weight_stationary", "any"});
  j["space"]["pe_buffer_bytes"] = Json::array({0, 32});
  j["space"]["bits"] = Json::array({16, Json{{"W", 8}, {"I", 8}, {"O", 32}}});
  const SweepConfig c = sweep_config_from_json(j, "s.json", dir.path().string());
  REQUIRE(c.points.size() == 2 * 2 * 2 * 2 * 2 * 2);
  // Register files innermost, dataflows outermost.
  CHECK(c.points[0].params["rf_bytes"] == 8);
  CHECK(c.points[1].params["rf_bytes"] == 32);
  CHECK(c.points[2].params["gb_bytes"] == 2048);
  CHECK(c.points[4].params["pe_buffer_bytes"] == 32);
  CHECK(c.points[8].params["mesh"] == Json::array({4, 2}));
  CHECK(c.points[16].params["bits"]["O"] == 32);
  CHECK(c.points[32].dataflow == "any");
  const SweepPoint &ws = c.points[0];
  CHECK(to_json(ws.constraints) == to_json(dataflow_constraints("weight_stationary", ws.arch)));
  CHECK(to_json(c.points[32].constraints) == Json::object());
  // Point 4: RF 8 B, a 32 B per-PE buffer, GB 512 B on 2x2 PEs, priced by the table.
  const Architecture &a = c.points[4].arch;
  REQUIRE(a.num_levels() == 4);
  CHECK(a.levels[1].name == "PEBuf");
  CHECK(a.levels[0].capacity_bytes == 8);
  CHECK(a.levels[1].capacity_bytes == 32);
  CHECK(a.levels[2].capacity_bytes == 512);
  CHECK(a.levels[0].read_pj == Approx(0.02));
  CHECK(a.levels[1].read_pj == Approx(0.08)); // rf class, linear between 8 B and 64 B
  CHECK(a.levels[2].read_pj == Approx(2.0 * std::pow(4.0, 1.0 / 4.0))); // 512 B: 2 x 4^(1/4)
  CHECK(a.levels[3].read_pj == 100);
  CHECK(a.levels[2].fanout.x == 2);
  CHECK(a.levels[2].fanout.hop_pj == 0.05);
  CHECK(a.mac_pj == Approx(0.1));
  CHECK(c.points[16].arch.mac_pj == Approx(0.1 / 4)); // 8-bit W and I
  // Area: 4 PEs x (8 + 32) B + 512 B, at 1 per bit (the placeholder).
  CHECK(c.points[4].area_um2 == Approx((4 * (8 + 32) + 512) * 8));
  // Keys are distinct and stable.
  std::set<std::string> keys;
  for (const SweepPoint &p : c.points)
    keys.insert(p.key);
  CHECK(keys.size() == c.points.size());
  CHECK(sweep_config_from_json(j, "s.json", dir.path().string()).points[5].key == c.points[5].key);
}

TEST_CASE("explore seeded with an upper bound returns the unseeded mapping", "[correctness]") {
  const Architecture a = architecture_from_json(parse_json(R"({"name": "small", "levels": [
    {"name": "RF", "capacity_words": 16, "read_pj": 1},
    {"name": "GB", "capacity_words": 256, "read_pj": 6,
     "fanout": {"x": 4, "y": 2, "hop_pj": 2}},
    {"name": "DRAM", "read_pj": 200}]})",
                                                           "a"),
                                                "a");
  const Problem p = problem_from_json(
      parse_json(R"({"name": "a", "K": 4, "C": 2, "P": 4, "Q": 2, "R": 3, "S": 1})", "p"), "p");
  ExploreOptions opt;
  opt.threads = 1;
  const ExploreResult plain = explore(p, a, opt);
  REQUIRE(plain.found);
  REQUIRE(plain.stats.optimal);
  for (const double factor : {1.0, 1.2, 3.0}) {
    opt.upper_bound = plain.evaluation.energy_pj * factor;
    const ExploreResult seeded = explore(p, a, opt);
    REQUIRE(seeded.found);
    CHECK(seeded.stats.optimal);
    CHECK(to_json(seeded.mapping, a) == to_json(plain.mapping, a));
    CHECK(seeded.stats.evaluated <= plain.stats.evaluated);
  }
  opt.upper_bound = plain.evaluation.energy_pj * 0.99;
  const ExploreResult below = explore(p, a, opt);
  CHECK(!below.found);
  CHECK(below.stats.optimal);
}

TEST_CASE("sweep: a budgeted layer of a named dataflow is never worse than its template",
          "[correctness]") {
  TempDir dir;
  dir.write("tech.json", kTable);
  Json j = parse_json(config_text(), "x");
  j["explore"]["max_evaluations"] = 1; // stops every search at once
  j["explore"]["seed"] = false;
  j["space"]["dataflows"] = Json::array({"weight_stationary"});
  const fs::path config = dir.write("budget.json", j.dump());
  const SweepSummary s = run(config, dir.path() / "out");
  CHECK(s.template_results > 0);
  const SweepConfig c = load_sweep_config(config.string());
  const std::vector<Json> lines = read_lines(dir.path() / "out" / "points.jsonl");
  REQUIRE(lines.size() == c.points.size());
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (std::size_t l = 0; l < c.network.layers.size(); ++l) {
      const Problem &p = c.network.layers[l].problem;
      const Mapping t = dataflow_mapping("weight_stationary", p, c.points[i].arch);
      const double template_pj = evaluate(p, c.points[i].arch, t).energy_pj;
      const Json &layer = lines[i]["layers"][l];
      CHECK(layer["energy_pj"].get<double>() <= template_pj * (1 + 1e-12));
      CHECK(!layer["optimal"].get<bool>());
    }
}
