// Bad input, one test per class of mistake: each must be a UserError whose message names the
// file, the field path and the offending value. Then the same through the `tessel` binary:
// exit code 2, the message on stderr, and no output file.
#include "cost_model/evaluation.hpp"
#include "cost_model/json_io.hpp"
#include "schedules/builtin_architectures.hpp"
#include "schedules/builtin_mappings.hpp"
#include "schedules/builtin_problems.hpp"
#include "support/run_cli.hpp"

#include "support/error_of.hpp"

#include <catch2/catch.hpp>

using namespace tessel;
using tessel::test::error_of;
using tessel::test::run_cli;
using tessel::test::TempDir;

namespace {

std::string problem_error(const std::string &text) {
  return error_of([&] { problem_from_json(parse_json(text, "p.json"), "p.json"); });
}

std::string arch_error(const std::string &text) {
  return error_of([&] { architecture_from_json(parse_json(text, "arch.json"), "arch.json"); });
}

std::string mapping_error(const std::string &text) {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  return error_of([&] { mapping_from_json(parse_json(text, "m.json"), p, a, "m.json"); });
}

// The built-in row-stationary mapping's levels, for editing one of them.
const std::string kDram = R"({"level": "DRAM", "temporal": [["C", 2], ["K", 16]]})";
const std::string kGb = R"({"level": "GB", "temporal": [["K", 4], ["C", 8]],
    "spatial": [["P", 13, "x"], ["R", 3, "y"], ["C", 4, "y"]]})";
const std::string kRf = R"({"level": "RF", "temporal": [["K", 6], ["C", 4], ["Q", 13], ["S", 3]]})";

std::string mapping_text(const std::string &dram, const std::string &gb, const std::string &rf,
                         const std::string &extra = "") {
  return "{\"levels\": [" + dram + ", " + gb + ", " + rf + "]" + extra + "}";
}

const std::string kArchGood = R"({"name": "x", "levels": [
  {"name": "RF", "capacity_words": 256, "read_pj": 1},
  {"name": "GB", "capacity_words": 65536, "read_pj": 6, "fanout": {"x": 16, "y": 16}},
  {"name": "DRAM", "read_pj": 200}]})";

} // namespace

TEST_CASE("malformed JSON gives the byte position", "[error]") {
  CHECK(error_of([] { parse_json("{\"K\": 3,, }", "p.json"); }) ==
        "p.json: malformed JSON at byte 9: parse error at line 1, column 9: syntax error while "
        "parsing object key - unexpected ','; expected string literal");
  CHECK(error_of([] { parse_json(R"({"K": 1e400})", "big.json"); }) ==
        "big.json: malformed JSON: number overflow parsing '1e400'");
  CHECK_THAT(error_of([] { parse_json("", "empty.json"); }),
             Catch::StartsWith("empty.json: malformed JSON at byte 1"));
}

TEST_CASE("a missing file is named", "[error]") {
  CHECK(error_of([] { read_json_file("/nonexistent/dir/a.json"); }) ==
        "/nonexistent/dir/a.json: cannot open: No such file or directory");
}

TEST_CASE("wrong types name the field and the value", "[error]") {
  CHECK(arch_error(R"({"levels": [{"name": "RF", "read_pj": 1, "fanout": {"x": "16"}},
                                  {"name": "DRAM", "read_pj": 1}]})") ==
        R"(arch.json: levels[0].fanout.x: must be a positive integer, got "16")");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": "cheap"}]})") ==
        R"(arch.json: levels[0].read_pj: must be a non-negative number, got "cheap")");
  CHECK(
      arch_error(R"({"levels": {"name": "DRAM"}})") ==
      R"(arch.json: levels: must be an array of storage levels, innermost first, got {"name":"DRAM"})");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "double_buffered": 1}]})") ==
        "arch.json: levels[0].double_buffered: must be true or false, got 1");
  CHECK(problem_error(R"({"K": 2.5})") == "p.json: K: must be a positive integer, got 2.5");
  CHECK(problem_error(R"([1, 2])") == "p.json: must be an object (a problem), got [1,2]");
  CHECK(
      mapping_error(R"({"levels": [{"level": "DRAM", "temporal": "K"}]})") ==
      R"(m.json: levels[0].temporal: must be an array of temporal loops [[dim, trip], ...], got "K")");
}

TEST_CASE("zero and negative sizes", "[error]") {
  CHECK(arch_error(R"({"name": "x", "levels": [
      {"name": "RF", "capacity_words": 256, "read_pj": 1},
      {"name": "GB", "capacity_words": 65536, "read_pj": 6, "fanout": {"x": -3, "y": 16}},
      {"name": "DRAM", "read_pj": 200}]})") ==
        "arch.json: levels[1].fanout.x: must be a positive integer, got -3");
  CHECK(arch_error(R"({"levels": [{"name": "RF", "capacity_words": 0, "read_pj": 1},
                                  {"name": "DRAM", "read_pj": 1}]})") ==
        "arch.json: levels[0].capacity_words: must be a positive integer, got 0");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": -1}]})") ==
        "arch.json: levels[0].read_pj: must be a non-negative number, got -1");
  CHECK(problem_error(R"({"K": 0})") == "p.json: K: must be a positive integer, got 0");
  CHECK(problem_error(R"({"P": -13})") == "p.json: P: must be a positive integer, got -13");
  CHECK(problem_error(R"({"stride": [1, 0]})") ==
        "p.json: stride[1]: must be a positive integer, got 0");
  CHECK(problem_error(R"({"bits": {"W": 0}})") ==
        "p.json: bits.W: must be a positive integer, got 0");
  CHECK(problem_error(R"({"bits": {"O": 65}})") == "p.json: bits.O: must be at most 64, got 65");
  CHECK(mapping_error(mapping_text(kDram, kGb, R"({"level": "RF", "temporal": [["K", 0]]})")) ==
        "m.json: levels[2].temporal[0][1]: must be a positive integer, got 0");
}

TEST_CASE("a problem too large for 64-bit counts", "[error]") {
  const std::string too_large = "p.json: is too large for 64-bit counts: its MACs (the product "
                                "of its dimensions) or its input's words reach 2^60";
  // 2^62 MACs.
  CHECK(problem_error(R"({"K": 2147483648, "C": 2147483648})") == too_large);
  // 2^186 MACs (C and K are totals over the 2^31 groups), which a 128-bit product of
  // the extents wraps to 0.
  CHECK(problem_error(R"({"N": 2147483648, "K": 2147483648, "C": 2147483648, "P": 2147483648,
                          "Q": 2147483648, "R": 2147483648, "S": 2147483648, "G": 2147483648})") ==
        too_large);
  // Few MACs, but an input 2^31 * 2^31 rows tall.
  CHECK(problem_error(R"({"P": 2147483648, "stride": [2147483648, 1], "C": 4})") == too_large);
  // Just below the limit: 2^59 MACs.
  CHECK_NOTHROW(
      problem_from_json(parse_json(R"({"K": 1073741824, "C": 536870912})", "p.json"), "p.json"));
}

TEST_CASE("unknown keys are rejected, with a suggestion", "[error]") {
  CHECK(
      arch_error(R"({"levels": [{"name": "RF", "capcity_words": 256, "read_pj": 1},
                                  {"name": "DRAM", "read_pj": 1}]})") ==
      R"(arch.json: levels[0].capcity_words: unknown key "capcity_words" (did you mean "capacity_words"?); allowed here: name, capacity_words, capacity_bytes, keeps, read_pj, write_pj, fanout, read_bw, write_bw, area_um2, double_buffered)");
  CHECK(
      problem_error(R"({"k": 3})") ==
      R"(p.json: k: unknown key "k" (did you mean "K"?); allowed here: name, type, bits, N, K, C, P, Q, R, S, G, groups, stride, dilation)");
  // A gemm takes M, N, K: conv keys are not silently ignored.
  CHECK_THAT(problem_error(R"({"type": "gemm", "M": 3, "P": 3})"),
             Catch::StartsWith(R"(p.json: P: unknown key "P")"));
  CHECK_THAT(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "fanout": {"z": 2}}]})"),
             Catch::StartsWith(R"(arch.json: levels[0].fanout.z: unknown key "z")"));
  CHECK_THAT(mapping_error(R"({"levels": [], "bypas": {}})"),
             Catch::StartsWith(R"(m.json: bypas: unknown key "bypas" (did you mean "bypass"?))"));
}

TEST_CASE("duplicate keys are rejected", "[error]") {
  CHECK(error_of([] { parse_json(R"({"levels": [{"name": "RF", "name": "GB"}]})", "a.json"); }) ==
        R"(a.json: levels[0].name: duplicate key "name" in one object)");
}

TEST_CASE("missing required keys", "[error]") {
  CHECK(arch_error(R"({"name": "x"})") == R"(arch.json: missing required key "levels")");
  CHECK(arch_error(R"({"levels": [{"read_pj": 1}]})") ==
        R"(arch.json: levels[0]: missing required key "name")");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM"}]})") ==
        R"(arch.json: levels[0]: missing required key "read_pj")");
  CHECK(mapping_error(R"({"levels": [{"temporal": []}]})") ==
        R"(m.json: levels[0]: missing required key "level")");
}

TEST_CASE("unknown dimension, operand and type names", "[error]") {
  CHECK(
      mapping_error(mapping_text(kDram, kGb, R"({"level": "RF", "temporal": [["M", 6]]})")) ==
      R"(m.json: levels[2].temporal[0][0]: unknown dimension "M"; dimensions are N K C P Q R S G)");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "keeps": ["W", "I", "X"]}]})") ==
        R"(arch.json: levels[0].keeps[2]: unknown operand "X"; operands are W, I, O)");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "keeps": ["W", "W"]}]})") ==
        R"(arch.json: levels[0].keeps[1]: operand "W" is listed twice)");
  CHECK(problem_error(R"({"type": "fft"})") ==
        R"(p.json: type: unknown problem type "fft"; types are conv, gemm, depthwise)");
  CHECK(
      problem_error(R"({"type": "convolution"})") ==
      R"(p.json: type: unknown problem type "convolution" (did you mean "conv"?); types are conv, gemm, depthwise)");
  CHECK(
      problem_error(R"({"type": "gem"})") ==
      R"(p.json: type: unknown problem type "gem" (did you mean "gemm"?); types are conv, gemm, depthwise)");
}

TEST_CASE("channel totals must divide by groups", "[error]") {
  CHECK(problem_error(R"({"C": 96, "K": 256, "groups": 3})") ==
        "p.json: K: must be divisible by groups (3): C and K are channel totals over all "
        "groups; got 256");
  // A missing C is 1, which 2 groups do not divide.
  CHECK(problem_error(R"({"K": 4, "groups": 2})") ==
        "p.json: C: must be divisible by groups (2): C and K are channel totals over all "
        "groups; got 1");
  CHECK(problem_error(R"({"C": 96, "groups": 2, "G": 2})") ==
        R"(p.json: G: give "groups" or "G", not both)");
  CHECK(problem_error(R"({"type": "depthwise", "C": 8, "K": 12})") ==
        "p.json: K: must be a multiple of C (8): a depthwise layer has K/C outputs per channel; "
        "got 12");
}

TEST_CASE("gemm and depthwise forms", "[error]") {
  CHECK(problem_error(R"({"type": "gemm", "K": 784, "N": 1000})") ==
        "p.json: a gemm gives its sizes either in GEMM names, M (rows), K (reduction), N "
        "(columns), or in the convolution's, N (rows), C (reduction), K (columns); give \"M\" "
        "or \"C\" to say which");
  CHECK_THAT(problem_error(R"({"type": "gemm", "M": 4, "C": 784})"),
             Catch::StartsWith(R"(p.json: C: unknown key "C")"));
  CHECK(problem_error(R"({"type": "depthwise", "C": 32, "groups": 16})") ==
        "p.json: groups: must equal C (32) in a depthwise layer, which has one group per "
        "channel; got 16");
}

TEST_CASE("a layer's rows disagree with the network's batch", "[error]") {
  CHECK(error_of([] {
          network_from_json(
              parse_json(R"({"batch": 16, "layers": [{"C": 3}, {"N": 1}]})", "n.json"), "n.json");
        }) == "n.json: layers[1].N: must equal the network's batch (16), got 1; leave it out to "
              "take the batch");
  CHECK(error_of([] { network_from_json(parse_json(R"({"layers": []})", "n.json"), "n.json"); }) ==
        "n.json: layers: must list at least one layer");
}

TEST_CASE("architecture structure", "[error]") {
  CHECK(arch_error(R"({"levels": [{"name": "RF", "read_pj": 1},
                                  {"name": "RF", "read_pj": 1}]})") ==
        R"(arch.json: levels[1].name: duplicate level name "RF" (also levels[0]))");
  CHECK(arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "capacity_words": 1024}]})") ==
        "arch.json: levels[0].capacity_words: the outermost level (DRAM) must be unbounded, as "
        "it holds the whole problem; got 1024");
  CHECK(
      arch_error(R"({"levels": [{"name": "DRAM", "read_pj": 1, "keeps": ["W", "I"]}]})") ==
      R"(arch.json: levels[0].keeps: the outermost level (DRAM) must keep W, I and O, got ["W","I"])");
  CHECK(arch_error(R"({"levels": [{"name": "RF", "read_pj": 1, "capacity_words": 8,
                                   "capacity_bytes": 16}, {"name": "DRAM", "read_pj": 1}]})") ==
        "arch.json: levels[0].capacity_bytes: give capacity_words or capacity_bytes, not both");
  CHECK(arch_error(R"({"levels": []})") == "arch.json: levels: must list at least one level");
}

TEST_CASE("mapping levels: unknown, missing, duplicate", "[error]") {
  CHECK(
      mapping_error(mapping_text(kDram, kGb, R"({"level": "RX", "temporal": []})")) ==
      R"(m.json: levels[2].level: unknown level "RX" (did you mean "RF"?); architecture 'eyeriss' has levels DRAM, GB, RF (outermost first))");
  CHECK(
      mapping_error("{\"levels\": [" + kDram + ", " + kGb + "]}") ==
      R"(m.json: levels: no entry for level "RF"; a mapping lists every level of architecture 'eyeriss' (DRAM, GB, RF, outermost first))");
  CHECK(mapping_error("{\"levels\": [" + kDram + ", " + kGb + ", " + kRf + ", " + kGb + "]}") ==
        R"(m.json: levels[3].level: duplicate level "GB" (also levels[1]))");
  CHECK(
      mapping_error(mapping_text(kDram, kGb, kRf, R"(, "bypass": {"GB": ["I"], "LB": ["W"]})")) ==
      R"(m.json: bypass.LB: unknown level "LB" (did you mean "GB"?); architecture 'eyeriss' has levels DRAM, GB, RF)");
  CHECK(
      mapping_error(mapping_text(kDram, kGb, kRf, R"(, "bypass": {"DRAM": ["O"]})")) ==
      R"(m.json: bypass.DRAM: the outermost level (DRAM) holds the whole problem and cannot be bypassed, got ["O"])");
}

TEST_CASE("loop forms", "[error]") {
  CHECK(
      mapping_error(mapping_text(kDram, kGb, R"({"level": "RF", "temporal": [["K", 6, "x"]]})")) ==
      R"(m.json: levels[2].temporal[0]: a temporal loop is [dim, trip], got ["K",6,"x"]; loops with an axis belong in "spatial")");
  CHECK(
      mapping_error(mapping_text(kDram, R"({"level": "GB", "spatial": [["P", 13]]})", kRf)) ==
      R"(m.json: levels[1].spatial[0]: a spatial loop needs an axis, [dim, trip, "x" or "y"], got ["P",13])");
  CHECK(
      mapping_error(mapping_text(kDram, R"({"level": "GB", "spatial": [["P", 13, "z"]]})", kRf)) ==
      R"(m.json: levels[1].spatial[0][2]: must be the axis "x" or "y", got "z")");
}

TEST_CASE("a mapping for a different problem", "[error]") {
  // The factors of K multiply to 384 * 2.
  CHECK(mapping_error(
            mapping_text(R"({"level": "DRAM", "temporal": [["C", 2], ["K", 32]]})", kGb, kRf)) ==
        "m.json: levels[DRAM]: loop K 32 (stride 24) has iterations entirely past the extent "
        "384 of K; use a trip of at most 16");
  // The factors of K multiply to 384 / 2.
  CHECK(mapping_error(
            mapping_text(R"({"level": "DRAM", "temporal": [["C", 2], ["K", 8]]})", kGb, kRf)) ==
        "m.json: the trips of dimension K multiply to 192, less than its extent 384");
}

TEST_CASE("spatial loops beyond the mesh", "[error]") {
  CHECK(mapping_error(mapping_text(R"({"level": "DRAM", "temporal": [["C", 1], ["K", 16]]})",
                                   R"({"level": "GB", "temporal": [["K", 4], ["C", 8]],
                "spatial": [["P", 13, "x"], ["R", 3, "y"], ["C", 8, "y"]]})",
                                   kRf)) ==
        "m.json: levels[GB].spatial: spatial loops use 13x24 instances but level "
        "'GB' has a 16x16 fanout");
}

TEST_CASE("a mapping that does not fit names the level and the sizes", "[error]") {
  const Problem p = builtin_problem("alexnet_conv3");
  const Architecture a = builtin_architecture("eyeriss");
  const Mapping m = mapping_from_json(
      parse_json(mapping_text(R"({"level": "DRAM", "temporal": [["C", 2], ["K", 8]]})", kGb,
                              R"({"level": "RF", "temporal": [["K", 12], ["C", 4], ["Q", 13],
                                  ["S", 3]]})"),
                 "m.json"),
      p, a, "m.json");
  CHECK(error_of([&] { with_file("m.json", [&] { check_capacity(p, a, m, ""); }); }) ==
        "m.json: levels[RF]: tiles need 360 words (W 144 words, I 60 words, O 156 words) but "
        "level 'RF' holds 256 words: over by 104 words");
}

TEST_CASE("unknown built-in names list the known ones", "[error]") {
  CHECK(error_of([] { builtin_architecture("tpu"); }) ==
        "architecture 'tpu': no such built-in architecture; the built-ins are eyeriss, "
        "interstellar, tpu_like, nvdla_like, shidiannao_like, diannao_like, gemmini");
  CHECK(error_of([] { builtin_problem("conv9"); }) ==
        "problem 'conv9': no such built-in problem; the built-ins are alexnet_conv3");
  CHECK(error_of([] { builtin_mapping("ws"); }) ==
        "mapping 'ws': no such built-in mapping; the built-ins are eyeriss_rs_alexnet_conv3");
}

// ---- through the binary ----------------------------------------------------------------

namespace {

// Runs `tessel eval` with these files (written to a fresh directory) and --out; checks exit
// code 2, that stderr holds `message`, that stdout is empty and that no --out file appeared.
void require_cli_error(const std::vector<std::pair<std::string, std::string>> &files,
                       std::vector<std::string> args, const std::string &message) {
  const TempDir dir;
  for (const auto &[name, text] : files)
    dir.write(name, text);
  args.insert(args.begin(), "eval");
  args.push_back("--out");
  args.push_back("result.json");
  const auto r = run_cli(args, dir.path());
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(message));
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "result.json"));
  // Nothing else was left behind (no temporary file of the atomic write).
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir.path()))
    ++entries;
  CHECK(entries == files.size());
}

const std::string kProblem = R"({"name": "conv3", "C": 256, "K": 384, "P": 13, "Q": 13, "R": 3,
                                 "S": 3})";
const std::string kMapping = mapping_text(kDram, kGb, kRf);

} // namespace

TEST_CASE("tessel eval: a bad architecture file", "[error]") {
  std::string arch = kArchGood;
  arch.replace(arch.find("\"x\": 16"), 7, "\"x\": -3");
  require_cli_error({{"arch.json", arch}, {"p.json", kProblem}, {"m.json", kMapping}},
                    {"--arch", "arch.json", "--problem", "p.json", "--mapping", "m.json"},
                    "tessel eval: error: arch.json: levels[1].fanout.x: must be a positive "
                    "integer, got -3\n");
}

TEST_CASE("tessel eval: malformed JSON", "[error]") {
  require_cli_error({{"p.json", "{\"K\": 384,, }"}, {"m.json", kMapping}},
                    {"--problem", "p.json", "--mapping", "m.json"},
                    "p.json: malformed JSON at byte 11");
}

TEST_CASE("tessel eval: an unknown key in the problem", "[error]") {
  require_cli_error({{"p.json", R"({"K": 384, "strides": 2})"}, {"m.json", kMapping}},
                    {"--problem", "p.json", "--mapping", "m.json"},
                    R"(p.json: strides: unknown key "strides" (did you mean "stride"?))");
}

TEST_CASE("tessel eval: a mapping for another problem", "[error]") {
  require_cli_error({{"p.json", R"({"C": 256, "K": 256, "P": 13, "Q": 13, "R": 3, "S": 3})"},
                     {"m.json", kMapping}},
                    {"--problem", "p.json", "--mapping", "m.json"},
                    "m.json: levels[DRAM]: loop K 16 (stride 24) has iterations entirely past "
                    "the extent 256 of K");
}

TEST_CASE("tessel eval: a mapping that does not fit", "[error]") {
  const std::string m =
      mapping_text(R"({"level": "DRAM", "temporal": [["C", 2], ["K", 8]]})", kGb,
                   R"({"level": "RF", "temporal": [["K", 12], ["C", 4], ["Q", 13], ["S", 3]]})");
  require_cli_error({{"p.json", kProblem}, {"m.json", m}},
                    {"--problem", "p.json", "--mapping", "m.json"},
                    "m.json: levels[RF]: tiles need 360 words");
}

TEST_CASE("tessel eval: a missing file, an unknown built-in, bad options", "[error]") {
  require_cli_error({}, {"--problem", "nothere.json", "--mapping", "m.json"},
                    "nothere.json: cannot open: No such file or directory");
  require_cli_error({}, {"--arch", "eyeris"},
                    "--arch: 'eyeris' is neither a file nor a built-in architecture (did you "
                    "mean 'eyeriss'?); the built-ins are eyeriss, interstellar, tpu_like, "
                    "nvdla_like, shidiannao_like, diannao_like, gemmini");
  require_cli_error({}, {"--format", "xml"}, "--format: must be table or json, got 'xml'");
  require_cli_error({}, {"--problem", "alexnet:conv9"},
                    "--problem: network 'alexnet' has no layer 'conv9' (did you mean 'conv1'?); "
                    "its layers are conv1, conv2, conv3, conv4, conv5");
  require_cli_error({}, {"--frobnicate"}, "unrecognised option '--frobnicate'");
  require_cli_error({}, {"stray"}, "unexpected argument 'stray'");
  require_cli_error({{"p.json", kProblem}}, {"--problem", "p.json"},
                    "--mapping: is required: there is no built-in mapping for problem 'p.json' "
                    "on architecture 'eyeriss'");
}

TEST_CASE("tessel lower: a bad mapping", "[error]") {
  const TempDir dir;
  dir.write("m.json", mapping_text(kDram, kGb, R"({"level": "RF", "temporal": [["K", "6"]]})"));
  const auto r = run_cli({"lower", "--mapping", "m.json"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tessel lower: error: m.json: levels[2].temporal[0][1]: must be a positive "
                 "integer, got \"6\"\n");
  CHECK(r.out.empty());
}

TEST_CASE("tessel: an unknown command", "[error]") {
  const TempDir dir;
  const auto r = run_cli({"evaluate"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("tessel: error: unknown command 'evaluate' (did you mean "
                                      "'eval'?)"));
}

TEST_CASE("an architecture with more than 8 levels is refused", "[error]") {
  std::string levels;
  for (int i = 0; i < 9; ++i)
    levels +=
        std::string(i ? ", " : "") + R"({"name": "L)" + std::to_string(i) + R"(", "read_pj": 1})";
  CHECK(arch_error(R"({"levels": [)" + levels + "]}") ==
        "arch.json: levels: at most 8 levels, got 9");
}
