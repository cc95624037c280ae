// The `tessel` binary on good input: eval (table and JSON, stdout and --out), lower, help.
#include "cost_model/json_io.hpp"
#include "support/run_cli.hpp"

#include <catch2/catch.hpp>

using namespace tessel;
using tessel::test::read_text;
using tessel::test::run_cli;
using tessel::test::TempDir;

namespace {
const std::string kExamples = std::string(TESSEL_SOURCE_DIR) + "/examples/";
}

TEST_CASE("tessel eval with no arguments evaluates the built-in default", "[correctness]") {
  const TempDir dir;
  const auto r = run_cli({"eval"}, dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("Problem alexnet_conv3 on architecture eyeriss, mapping "
                                    "eyeriss_rs_alexnet_conv3"));
  CHECK_THAT(r.out, Catch::Contains("149520384 MACs on 156 of 256 PEs"));
  CHECK_THAT(r.out, Catch::Contains("Cycles 958464 (bound: compute; compute cycles 958464)"));
  CHECK_THAT(r.out, Catch::Contains("Utilization 60.9% of 256 PEs"));
  CHECK_THAT(r.out, Catch::Contains("spatial mapping"));
  CHECK_THAT(r.out, Catch::Contains("60504 words"));
}

TEST_CASE("tessel eval --format json, to stdout and to --out", "[correctness]") {
  const TempDir dir;
  const std::vector<std::string> inputs = {"--arch",    kExamples + "eyeriss.json",
                                           "--problem", kExamples + "alexnet_conv3.json",
                                           "--mapping", kExamples + "eyeriss_rs_alexnet_conv3.json",
                                           "--format",  "json"};
  std::vector<std::string> args = {"eval"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  const auto r = run_cli(args, dir.path());
  REQUIRE(r.exit_code == 0);
  const Json j = parse_json(r.out, "stdout");
  CHECK(j["macs"] == 149520384);
  CHECK(j["levels"][0]["name"] == "RF");
  CHECK(j["mapping"]["levels"][0]["level"] == "DRAM");

  // The same through --out: nothing on stdout, the same text in the file; an existing file
  // is replaced.
  dir.write("result.json", "old");
  args.push_back("--out");
  args.push_back("result.json");
  const auto f = run_cli(args, dir.path());
  REQUIRE(f.exit_code == 0);
  CHECK(f.out.empty());
  CHECK(read_text(dir.path() / "result.json") == r.out);

  // Built-in names give the same result as the example files.
  const auto b = run_cli({"eval", "--arch", "eyeriss", "--problem", "alexnet_conv3", "--mapping",
                          "eyeriss_rs_alexnet_conv3", "--format", "json"},
                         dir.path());
  REQUIRE(b.exit_code == 0);
  CHECK(b.out == r.out);
}

TEST_CASE("tessel lower prints the loop nest", "[correctness]") {
  const TempDir dir;
  const auto r = run_cli({"lower"}, dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("parallel_for r in 0..3:  // spatial y on GB's 16x16 fanout"));
  CHECK_THAT(r.out, Catch::Contains("O[k][p][q] += I[c][p + r][q + s] * W[k][c][r][s]"));
}

TEST_CASE("tessel lower refuses LLVM-only options without --emit llvm", "[error]") {
  const TempDir dir;
  for (const std::string opt : {"--opt", "--float", "--unroll"}) {
    std::vector<std::string> args = {"lower", opt};
    if (opt == "--opt") args.push_back("2");
    if (opt == "--unroll") args.push_back("0");
    const auto r = run_cli(args, dir.path());
    INFO(opt);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(opt + ": applies only with --emit llvm"));
  }
}

TEST_CASE("tessel --help and tessel eval --help", "[correctness]") {
  const TempDir dir;
  const auto top = run_cli({"--help"}, dir.path());
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("eval"));
  CHECK_THAT(top.out, Catch::Contains("lower"));
  const auto eval = run_cli({"eval", "--help"}, dir.path());
  CHECK(eval.exit_code == 0);
  CHECK_THAT(eval.out, Catch::Contains("--mapping"));
  CHECK_THAT(eval.out, Catch::Contains("--format"));
}

TEST_CASE("tessel eval --problem NETWORK:LAYER takes a layer of the zoo", "[correctness]") {
  const TempDir dir;
  const auto r = run_cli({"eval", "--problem", "alexnet:conv3", "--mapping",
                          "eyeriss_rs_alexnet_conv3", "--format", "json"},
                         dir.path());
  REQUIRE(r.exit_code == 0);
  const Json j = parse_json(r.out, "stdout");
  CHECK(j["problem"] == "conv3");
  CHECK(j["macs"] == 149520384);
}
