// The network zoo: every built-in network against the MAC totals published with it (or
// computed by hand from the papers' shapes, with the arithmetic in the comments), and the
// committed JSON files and docs tables against the embedded definitions.
#include "schedules/networks.hpp"
#include "support/network_export.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace tessel;

namespace {

std::int64_t total_macs(const Network &net) {
  std::int64_t t = 0;
  for (const Layer &l : net.layers)
    t += l.problem.macs() * l.repeat;
  return t;
}

std::int64_t layer_count(const Network &net) {
  std::int64_t t = 0;
  for (const Layer &l : net.layers)
    t += l.repeat;
  return t;
}

const Layer &find_layer(const Network &net, const std::string &name) {
  for (const Layer &l : net.layers)
    if (l.problem.name == name) return l;
  FAIL("no layer " << name << " in " << net.name);
  throw std::logic_error("unreachable");
}

// MACs of a group of layers whose names start with `prefix` (times their repeats).
std::int64_t macs_with_prefix(const Network &net, const std::string &prefix) {
  std::int64_t t = 0;
  for (const Layer &l : net.layers)
    if (l.problem.name.rfind(prefix, 0) == 0) t += l.problem.macs() * l.repeat;
  return t;
}

std::string read_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

bool write_text(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

const std::string kSourceDir = TESSEL_SOURCE_DIR;
const std::string kDocPath = kSourceDir + "/docs/networks.md";

std::string json_path(const std::string &name) {
  return kSourceDir + "/schedules/networks/" + name + ".json";
}

// docs/networks.md with its generated part replaced by the current tables; empty if the
// marks are missing.
std::string doc_with_fresh_tables(const std::string &doc) {
  const auto begin = doc.find(test::kDocBegin), end = doc.find(test::kDocEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return {};
  const auto after_begin = begin + std::string(test::kDocBegin).size();
  return doc.substr(0, after_begin) + "\n" + test::networks_markdown_tables() + "\n" +
         doc.substr(end);
}

} // namespace

TEST_CASE("AlexNet conv layers match the published MACs", "[correctness]") {
  const Network net = builtin_network("alexnet");
  REQUIRE(net.name == "alexnet");
  REQUIRE(net.layers.size() == 5);
  // Krizhevsky et al. 2012; per layer, K x C-per-group x R x S x P x Q (x groups):
  //   CONV1  96 x 3   x 11x11 x 55x55         = 105,415,200
  //   CONV2 256 x 48  x 5x5   x 27x27 (2 grp) = 223,948,800
  //   CONV3 384 x 256 x 3x3   x 13x13         = 149,520,384
  //   CONV4 384 x 192 x 3x3   x 13x13 (2 grp) = 112,140,288
  //   CONV5 256 x 192 x 3x3   x 13x13 (2 grp) =  74,760,192
  //   total                                    = 665,784,864  (the published 665.8 M)
  CHECK(find_layer(net, "conv1").problem.macs() == 105'415'200);
  CHECK(find_layer(net, "conv2").problem.macs() == 223'948'800);
  CHECK(find_layer(net, "conv3").problem.macs() == 149'520'384);
  CHECK(find_layer(net, "conv4").problem.macs() == 112'140'288);
  CHECK(find_layer(net, "conv5").problem.macs() == 74'760'192);
  CHECK(total_macs(net) == 665'784'864);

  // Shapes of facts.md: per-group channels, groups, stride.
  const Problem &c2 = find_layer(net, "conv2").problem;
  CHECK(c2.extent(Dim::G) == 2);
  CHECK(c2.extent(Dim::C) == 48);
  CHECK(c2.extent(Dim::K) == 128);
  const Problem &c1 = find_layer(net, "conv1").problem;
  CHECK(c1.stride_h == 4);
  CHECK(c1.stride_w == 4);
  // 55 outputs at stride 4 with an 11-wide filter read (55-1)*4+11 = 227 input columns.
  CHECK(c1.input_width() == 227);
  CHECK(find_layer(net, "conv4").problem.extent(Dim::C) == 192);
  CHECK(find_layer(net, "conv5").problem.extent(Dim::C) == 192);
}

TEST_CASE("AlexNet with its fully connected layers", "[correctness]") {
  // FC6 9216x4096 = 37,748,736; FC7 4096x4096 = 16,777,216; FC8 4096x1000 = 4,096,000;
  // FC total 58,621,952; with the conv layers 665,784,864 + 58,621,952 = 724,406,816.
  const Network fc = builtin_network("alexnet_fc");
  REQUIRE(fc.layers.size() == 3);
  CHECK(find_layer(fc, "fc6").problem.macs() == 37'748'736);
  CHECK(total_macs(fc) == 58'621'952);
  const Problem &fc6 = find_layer(fc, "fc6").problem;
  CHECK(fc6.type == ProblemType::Gemm);
  CHECK(fc6.extent(Dim::N) == 1);
  CHECK(fc6.extent(Dim::C) == 9216);
  CHECK(fc6.extent(Dim::K) == 4096);
  const Network full = builtin_network("alexnet_full");
  CHECK(full.layers.size() == 8);
  CHECK(total_macs(full) == 724'406'816);
}

TEST_CASE("VGG-16 has 15.47 G MACs", "[correctness]") {
  const Network net = builtin_network("vgg16");
  REQUIRE(net.layers.size() == 16);
  // Simonyan and Zisserman 2015, column D; every conv 3x3, so MACs = K x C x 9 x P x Q:
  //   conv1_1  64 x 3   x 9 x 224^2 =    86,704,128
  //   conv1_2  64 x 64  x 9 x 224^2 = 1,849,688,064
  //   conv2_1 128 x 64  x 9 x 112^2 =   924,844,032
  //   conv2_2 128 x 128 x 9 x 112^2 = 1,849,688,064
  //   conv3_1 256 x 128 x 9 x 56^2  =   924,844,032
  //   conv3_2, conv3_3 (256 x 256)  = 2 x 1,849,688,064
  //   conv4_1 512 x 256 x 9 x 28^2  =   924,844,032
  //   conv4_2, conv4_3 (512 x 512)  = 2 x 1,849,688,064
  //   conv5_1..3 512 x 512 x 9 x 14^2 = 3 x 462,422,016
  //   conv total = 15,346,630,656 (the commonly quoted 15.35 G)
  //   FC 25088x4096 + 4096x4096 + 4096x1000 = 102,760,448 + 16,777,216 + 4,096,000
  //            = 123,633,664 (0.124 G)
  //   total = 15,470,264,320 (15.47 G)
  CHECK(macs_with_prefix(net, "conv") == 15'346'630'656);
  CHECK(macs_with_prefix(net, "fc") == 123'633'664);
  CHECK(total_macs(net) == 15'470'264'320);
  CHECK(find_layer(net, "conv5_3").problem.macs() == 462'422'016);
}

TEST_CASE("ResNet-50 has about 4.1 G MACs", "[correctness]") {
  const Network net = builtin_network("resnet50");
  // 1 + 3x3+1 + 4x3+1 + 6x3+1 + 3x3+1 = 53 convolutions, and the FC.
  CHECK(layer_count(net) == 54);
  // He et al. 2016, 50-layer column; stride on the 3x3 (torchvision v1.5).
  //   conv1 64 x 3 x 7x7 x 112^2 = 118,013,952
  //   res2 (56^2 = 3,136): 2a_branch2a 64x64 = 12,845,056; 2b-c_branch2a 256x64 x2 =
  //     102,760,448; 3x3 64x64x9 x3 = 346,816,512; branch2c 64x256 x3 = 154,140,672;
  //     branch1 64x256 = 51,380,224; stage = 667,942,912
  //   res3 (28^2 = 784): 3a_branch2a 256x128 at 56^2 = 102,760,448; 3a_branch2b (stride 2)
  //     128x128x9x784 = 115,605,504; 3b-d_branch2a 512x128 x3 = 154,140,672; 3b-d_branch2b
  //     x3 = 346,816,512; branch2c 128x512 x4 = 205,520,896; branch1 256x512 = 102,760,448;
  //     stage = 1,027,604,480
  //   res4 (14^2 = 196): 102,760,448 + 115,605,504 + 5 x 51,380,224 + 5 x 115,605,504
  //     + 6 x 51,380,224 + 102,760,448 = 1,464,336,384
  //   res5 (7^2 = 49): 102,760,448 + 115,605,504 + 2 x 51,380,224 + 2 x 115,605,504
  //     + 3 x 51,380,224 + 102,760,448 = 809,238,528
  //   fc1000 2048 x 1000 = 2,048,000
  //   total = 4,089,184,256 (torchvision quotes 4.09 GFLOPS, counting MACs; "about 4.1 G")
  CHECK(find_layer(net, "conv1").problem.macs() == 118'013'952);
  CHECK(macs_with_prefix(net, "res2") == 667'942'912);
  CHECK(macs_with_prefix(net, "res3") == 1'027'604'480);
  CHECK(macs_with_prefix(net, "res4") == 1'464'336'384);
  CHECK(macs_with_prefix(net, "res5") == 809'238'528);
  CHECK(total_macs(net) == 4'089'184'256);

  // Stride placement and repeats.
  const Layer &b2b = find_layer(net, "res3a_branch2b");
  CHECK(b2b.problem.stride_h == 2);
  CHECK(b2b.problem.extent(Dim::P) == 28);
  const Layer &b2a = find_layer(net, "res3a_branch2a");
  CHECK(b2a.problem.stride_h == 1);
  CHECK(b2a.problem.extent(Dim::P) == 56);
  CHECK(find_layer(net, "res3a_branch1").problem.stride_h == 2);
  CHECK(find_layer(net, "res4b-f_branch2b").repeat == 5);
  CHECK(find_layer(net, "res4a-f_branch2c").repeat == 6);
  CHECK(find_layer(net, "res2a-c_branch2b").repeat == 3);
  CHECK(find_layer(net, "res5a_branch1").problem.extent(Dim::K) == 2048);
}

TEST_CASE("MobileNetV2 has about 300 M MACs", "[correctness]") {
  const Network net = builtin_network("mobilenet_v2");
  // conv1, 17 bottlenecks (16 with an expansion) = 1 + 16x3 + 2 = 51, conv_last, fc.
  CHECK(layer_count(net) == 53);
  // Sandler et al. 2018, Table 2, 224x224, 1.0; Table 3 quotes 300 M multiply-adds.
  //   conv1 32 x 3 x 9 x 112^2                                     =  10,838,016
  //   bneck1 (t=1, no expand): dw 32x9x112^2 + project 32x16x112^2   =  10,035,200
  //   bneck2: 1st 19,267,584 + 2,709,504 + 7,225,344; 2nd 10,838,016 + 4,064,256
  //           + 10,838,016                                          =  54,942,720
  //   bneck3: 1st 15,466,752; 2nd-3rd 2 x 10,988,544                =  37,443,840
  //   bneck4: 1st 7,564,032; 2nd-4th 3 x 10,311,168                 =  38,497,536
  //   bneck5: 1st 12,719,616; 2nd-3rd 2 x 22,692,096                =  58,103,808
  //   bneck6: 1st 15,607,872; 2nd-3rd 2 x 15,476,160                =  46,560,192
  //   bneck7: 7,526,400 + 423,360 + 15,052,800                      =  23,002,560
  //   conv_last 320 x 1280 x 49                                     =  20,070,400
  //   fc 1280 x 1000                                                =   1,280,000
  //   total                                                         = 300,774,272
  CHECK(macs_with_prefix(net, "bneck2") == 54'942'720);
  CHECK(macs_with_prefix(net, "bneck5") == 58'103'808);
  CHECK(total_macs(net) == 300'774'272);
  CHECK(total_macs(net) == Approx(300e6).epsilon(0.005)); // the published, rounded figure

  const Problem &dw = find_layer(net, "bneck4_1_dw").problem;
  CHECK(dw.type == ProblemType::Depthwise);
  CHECK(dw.extent(Dim::G) == 192);
  CHECK(dw.extent(Dim::C) == 1);
  CHECK(dw.extent(Dim::K) == 1);
  CHECK(dw.stride_h == 2);
  CHECK(dw.extent(Dim::P) == 14);
  CHECK(find_layer(net, "bneck4_2-4_expand").repeat == 3);
  CHECK(find_layer(net, "bneck4_2-4_dw").problem.stride_h == 1);
  CHECK(find_layer(net, "bneck7_project").problem.extent(Dim::K) == 320);
}

TEST_CASE("GoogLeNet matches Table 1 of Szegedy et al.", "[correctness]") {
  const Network net = builtin_network("googlenet");
  // 3 stem convolutions, 6 per inception module x 9, the classifier.
  CHECK(layer_count(net) == 58);
  // Per module, MACs = (sum of per-pixel products) x output pixels; Table 1 "ops" in
  // parentheses (to 1 M, not always rounded to nearest: 4a's 73.6 M is listed as 73M):
  //   conv1/7x7_s2 64x3x49 x 112^2                              = 118,013,952 (118M)
  //   conv2 64x64 x 56^2 + 192x64x9 x 56^2                      = 359,661,568 (360M)
  //   3a (28^2, in 192): 12288+18432+110592+3072+12800+6144 = 163,328 x 784
  //                                                             = 128,049,152 (128M)
  //   3b (28^2, in 256): 388,096 x 784                          = 304,267,264 (304M)
  //   4a (14^2, in 480): 375,552 x 196                          =  73,608,192 (73M)
  //   4b (in 512): 448,512 x 196                                =  87,908,352 (88M)
  //   4c (in 512): 509,440 x 196                                =  99,850,240 (100M)
  //   4d (in 512): 604,672 x 196                                = 118,515,712 (119M)
  //   4e (in 528): 867,328 x 196                                = 169,996,288 (170M)
  //   5a (7^2, in 832): 1,042,432 x 49                          =  51,079,168 (54M)
  //   5b (in 832): 1,442,816 x 49                               =  70,697,984 (71M)
  //   classifier 1024 x 1000                                    =   1,024,000 (1M)
  //   total                                                     = 1,582,671,872
  // Table 1's 5a row (54M ops, 1072K params) does not follow from its own branch widths,
  // which give 51.1M and 1042K; we follow the widths. The paper's text says "1.5 billion
  // multiply-adds"; the column of Table 1 sums to 1,586M.
  CHECK(macs_with_prefix(net, "conv1") == 118'013'952);
  CHECK(macs_with_prefix(net, "conv2") == 359'661'568);
  const std::map<std::string, std::int64_t> table1 = {
      {"3a", 128}, {"3b", 304}, {"4a", 73},  {"4b", 88},
      {"4c", 100}, {"4d", 119}, {"4e", 170}, {"5a", 51 /* see above */},
      {"5b", 71}};
  for (const auto &[module, mmacs] : table1) {
    INFO("inception " << module);
    const auto m = macs_with_prefix(net, "inception_" + module + "/");
    CHECK(static_cast<double>(m) == Approx(mmacs * 1e6).margin(1e6));
  }
  CHECK(macs_with_prefix(net, "inception_3a/") == 128'049'152);
  CHECK(total_macs(net) == 1'582'671'872);
  CHECK(total_macs(net) == Approx(1586e6).epsilon(0.01)); // Table 1's column sum

  const Problem &p = find_layer(net, "inception_4e/5x5").problem;
  CHECK(p.extent(Dim::C) == 32);
  CHECK(p.extent(Dim::K) == 128);
  CHECK(p.extent(Dim::R) == 5);
  CHECK(p.extent(Dim::P) == 14);
}

TEST_CASE("MLP and LSTM workloads of Interstellar at batch 128", "[correctness]") {
  // MLP-M 784-1000-500-250: (784x1000 + 1000x500 + 500x250) x 128
  //   = (784,000 + 500,000 + 125,000) x 128 = 1,409,000 x 128 = 180,352,000
  const Network mlp_m = builtin_network("mlp_m");
  REQUIRE(mlp_m.layers.size() == 3);
  CHECK(total_macs(mlp_m) == 180'352'000);
  const Problem &fc1 = mlp_m.layers[0].problem;
  CHECK(fc1.type == ProblemType::Gemm);
  CHECK(fc1.extent(Dim::N) == 128);
  CHECK(fc1.extent(Dim::C) == 784);
  CHECK(fc1.extent(Dim::K) == 1000);
  for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S, Dim::G})
    CHECK(fc1.extent(d) == 1);
  // MLP-L 784-1500-1000-500: (1,176,000 + 1,500,000 + 500,000) x 128 = 406,528,000
  CHECK(total_macs(builtin_network("mlp_l")) == 406'528'000);

  // LSTM gates per time step: rows 128, reduction 2 x hidden, columns 4 x hidden.
  //   LSTM-M: 128 x 1000 x 2000 = 256,000,000; LSTM-L: 128 x 2000 x 4000 = 1,024,000,000
  const Network lstm_m = builtin_network("lstm_m");
  REQUIRE(lstm_m.layers.size() == 1);
  CHECK(lstm_m.layers[0].problem.extent(Dim::C) == 1000);
  CHECK(lstm_m.layers[0].problem.extent(Dim::K) == 2000);
  CHECK(total_macs(lstm_m) == 256'000'000);
  CHECK(total_macs(builtin_network("lstm_l")) == 1'024'000'000);
}

TEST_CASE("Batch scales every layer's N", "[correctness]") {
  for (const std::string &name : builtin_network_names()) {
    INFO(name);
    const Network one = builtin_network(name, 1), four = builtin_network(name, 4);
    CHECK(total_macs(four) == 4 * total_macs(one));
    for (const Layer &l : four.layers)
      CHECK(l.problem.extent(Dim::N) == 4);
  }
  CHECK(builtin_network("alexnet").layers[0].problem.extent(Dim::N) == 1);
  CHECK(builtin_network("lstm_l").layers[0].problem.extent(Dim::N) == 128);
  CHECK(builtin_network("mlp_m", 16).layers[0].problem.extent(Dim::N) == 16);
}

TEST_CASE("Every built-in layer is a valid problem with a unique name", "[correctness]") {
  const auto names = builtin_network_names();
  REQUIRE(names.size() == builtin_network_infos().size());
  for (const std::string &name : names) {
    INFO(name);
    const Network net = builtin_network(name);
    CHECK(net.name == name);
    CHECK_FALSE(net.layers.empty());
    std::map<std::string, int> seen;
    for (const Layer &l : net.layers) {
      INFO(l.problem.name);
      CHECK_NOTHROW(validate(l.problem, name + "." + l.problem.name));
      CHECK(l.repeat >= 1);
      CHECK(++seen[l.problem.name] == 1);
      if (l.problem.type == ProblemType::Depthwise) {
        CHECK(l.problem.extent(Dim::C) == 1);
        CHECK(l.problem.extent(Dim::K) == 1);
      }
    }
  }
}

TEST_CASE("Network names are case-insensitive", "[correctness]") {
  CHECK(builtin_network("ResNet50").name == "resnet50");
  CHECK(builtin_network("VGG16").layers.size() == 16);
}

TEST_CASE("An unknown network or a negative batch is a user error", "[error]") {
  try {
    builtin_network("resnet51");
    FAIL("no error");
  } catch (const UserError &e) {
    const std::string what = e.what();
    CHECK(e.where() == "network");
    CHECK(what.find("resnet51") != std::string::npos);
    for (const std::string &name : builtin_network_names())
      CHECK(what.find(name) != std::string::npos);
  }
  CHECK_THROWS_AS(builtin_network("alexnet", -2), UserError);
}

TEST_CASE("The committed network JSON files and docs tables match the embedded networks",
          "[correctness]") {
  for (const BuiltinNetworkInfo &info : builtin_network_infos()) {
    INFO(json_path(info.name) << " is stale: run tools/export_networks.sh");
    CHECK(read_text(json_path(info.name)) == test::network_json_text(info));
  }
  const std::string doc = read_text(kDocPath);
  INFO(kDocPath << " is stale or lacks its generated marks: run tools/export_networks.sh");
  CHECK(!doc.empty());
  CHECK(doc == doc_with_fresh_tables(doc));
}

// Hidden: rewrites schedules/networks/*.json and the tables in docs/networks.md.
TEST_CASE("Export the network zoo", "[.export]") {
  for (const BuiltinNetworkInfo &info : builtin_network_infos())
    REQUIRE(write_text(json_path(info.name), test::network_json_text(info)));
  const std::string fresh = doc_with_fresh_tables(read_text(kDocPath));
  REQUIRE_FALSE(fresh.empty());
  REQUIRE(write_text(kDocPath, fresh));
}
