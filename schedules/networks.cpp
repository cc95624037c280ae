#include "schedules/networks.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>
#include <utility>

namespace tessel {

namespace {

// A convolution as the papers describe it: channel totals (PyTorch style), a square
// `size` x `size` output and a square `k` x `k` filter. Output sizes are the papers' (they
// include the effect of padding); padding itself does not enter the loop nest we model.
struct ConvSpec {
  std::string name;
  std::int64_t in = 1, out = 1; // input / output channels, in total over all groups
  std::int64_t size = 1;        // output height = width
  std::int64_t k = 1;           // filter height = width
  std::int64_t stride = 1;
  std::int64_t groups = 1;
  std::int64_t repeat = 1;
};

class Builder {
public:
  Builder(std::string name, std::int64_t batch) : batch_(batch) { net_.name = std::move(name); }

  void conv(const ConvSpec &c) {
    if (c.in % c.groups != 0 || c.out % c.groups != 0)
      throw std::logic_error("network zoo: " + c.name + ": channels not divisible by groups");
    Problem p = base(c.name, ProblemType::Conv);
    set(p, Dim::C, c.in / c.groups);
    set(p, Dim::K, c.out / c.groups);
    set(p, Dim::G, c.groups);
    set_spatial(p, c);
    add(std::move(p), c.repeat);
  }

  // Depthwise: one filter per channel (G = channels, C = K = 1); `in` must equal `out`.
  void depthwise(const ConvSpec &c) {
    if (c.in != c.out)
      throw std::logic_error("network zoo: " + c.name + ": depthwise with in != out");
    Problem p = base(c.name, ProblemType::Depthwise);
    set(p, Dim::G, c.in);
    set_spatial(p, c);
    add(std::move(p), c.repeat);
  }

  // A fully connected layer as a GEMM: N = batch rows, C = `in` (reduction), K = `out`.
  void fc(std::string name, std::int64_t in, std::int64_t out, std::int64_t repeat = 1) {
    Problem p = base(std::move(name), ProblemType::Gemm);
    set(p, Dim::C, in);
    set(p, Dim::K, out);
    add(std::move(p), repeat);
  }

  Network take() { return std::move(net_); }

private:
  Problem base(std::string name, ProblemType type) const {
    Problem p;
    p.name = std::move(name);
    p.type = type;
    set(p, Dim::N, batch_);
    return p;
  }
  static void set(Problem &p, Dim d, std::int64_t v) { p.size[idx(d)] = v; }
  static void set_spatial(Problem &p, const ConvSpec &c) {
    set(p, Dim::P, c.size);
    set(p, Dim::Q, c.size);
    set(p, Dim::R, c.k);
    set(p, Dim::S, c.k);
    p.stride_h = p.stride_w = c.stride;
  }
  void add(Problem p, std::int64_t repeat) { net_.layers.push_back({std::move(p), repeat}); }

  Network net_;
  std::int64_t batch_;
};

// --- AlexNet -------------------------------------------------------------------------------
// Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep Convolutional Neural
// Networks", NIPS 2012, Section 3.5 and Figure 2. CONV2, CONV4 and CONV5 connect only to the
// kernel maps on the same GPU: two groups. Output sizes 55 / 27 / 13 / 13 / 13.
void alexnet_conv(Builder &b) {
  b.conv({.name = "conv1", .in = 3, .out = 96, .size = 55, .k = 11, .stride = 4});
  b.conv({.name = "conv2", .in = 96, .out = 256, .size = 27, .k = 5, .groups = 2});
  b.conv({.name = "conv3", .in = 256, .out = 384, .size = 13, .k = 3});
  b.conv({.name = "conv4", .in = 384, .out = 384, .size = 13, .k = 3, .groups = 2});
  b.conv({.name = "conv5", .in = 384, .out = 256, .size = 13, .k = 3, .groups = 2});
}

void alexnet_fc(Builder &b) {
  b.fc("fc6", 6 * 6 * 256, 4096); // 9216 -> 4096
  b.fc("fc7", 4096, 4096);
  b.fc("fc8", 4096, 1000);
}

// --- VGG-16 --------------------------------------------------------------------------------
// Simonyan, Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition",
// ICLR 2015, Table 1 column D. All convolutions 3x3, stride 1, padding 1 (same size).
void vgg16(Builder &b) {
  struct Stage {
    std::int64_t size, width, convs;
  };
  const Stage stages[] = {{224, 64, 2}, {112, 128, 2}, {56, 256, 3}, {28, 512, 3}, {14, 512, 3}};
  std::int64_t in = 3;
  for (int s = 0; s < 5; ++s)
    for (std::int64_t i = 1; i <= stages[s].convs; ++i) {
      b.conv({.name = "conv" + std::to_string(s + 1) + "_" + std::to_string(i),
              .in = in,
              .out = stages[s].width,
              .size = stages[s].size,
              .k = 3});
      in = stages[s].width;
    }
  b.fc("fc6", 7 * 7 * 512, 4096); // 25088 -> 4096
  b.fc("fc7", 4096, 4096);
  b.fc("fc8", 4096, 1000);
}

// --- ResNet-50 -----------------------------------------------------------------------------
// He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016, Table 1
// (50-layer column) and Section 3.3 (projection shortcuts, option B: a 1x1 projection in each
// stage's first block). Stride placement: torchvision's "v1.5" puts the stride-2 of stages
// 3-5 on the 3x3 convolution (branch2b); the first 1x1 (branch2a) runs at the input
// resolution. The projection (branch1) has stride 2. Layer names follow the authors' Caffe
// model (res3a_branch2a, ...); "res3b-d_branch2a" stands for blocks b, c and d (repeat 3).
void resnet50(Builder &b) {
  b.conv({.name = "conv1", .in = 3, .out = 64, .size = 112, .k = 7, .stride = 2});
  struct Stage {
    std::int64_t size, width, blocks, stride;
  };
  const Stage stages[] = {{56, 64, 3, 1}, {28, 128, 4, 2}, {14, 256, 6, 2}, {7, 512, 3, 2}};
  std::int64_t in = 64; // channels entering the stage (after conv1 and the max pool: 56x56)
  for (int s = 0; s < 4; ++s) {
    const Stage &st = stages[s];
    const std::int64_t out = 4 * st.width, in_size = st.size * st.stride;
    const std::string res = "res" + std::to_string(s + 2);
    const char last = static_cast<char>('a' + st.blocks - 1);
    const std::string all = std::string("a-") + last, rest = std::string("b-") + last;
    // Projection shortcut of the first block.
    b.conv({.name = res + "a_branch1", .in = in, .out = out, .size = st.size, .stride = st.stride});
    // First block: 1x1 reduce at the input resolution; 3x3 carrying the stride.
    b.conv({.name = res + "a_branch2a", .in = in, .out = st.width, .size = in_size});
    if (st.stride != 1)
      b.conv({.name = res + "a_branch2b",
              .in = st.width,
              .out = st.width,
              .size = st.size,
              .k = 3,
              .stride = st.stride});
    // The other blocks: 1x1 reduce from the stage's output width.
    b.conv({.name = res + rest + "_branch2a",
            .in = out,
            .out = st.width,
            .size = st.size,
            .repeat = st.blocks - 1});
    // 3x3 at stride 1: every block, or every block but the first when it is strided.
    b.conv({.name = res + (st.stride == 1 ? all : rest) + "_branch2b",
            .in = st.width,
            .out = st.width,
            .size = st.size,
            .k = 3,
            .repeat = st.stride == 1 ? st.blocks : st.blocks - 1});
    // 1x1 expand: identical in every block.
    b.conv({.name = res + all + "_branch2c",
            .in = st.width,
            .out = out,
            .size = st.size,
            .repeat = st.blocks});
    in = out;
  }
  b.fc("fc1000", 2048, 1000);
}

// --- MobileNetV2 ---------------------------------------------------------------------------
// Sandler, Howard, Zhu, Zhmoginov, Chen, "MobileNetV2: Inverted Residuals and Linear
// Bottlenecks", CVPR 2018, Table 2 (input 224x224, width multiplier 1.0). Each bottleneck is
// 1x1 expand (factor t), 3x3 depthwise (stride s in the first block of a row), 1x1 project.
// With t = 1 (the first row) there is no expansion layer, as in the authors' TensorFlow
// implementation: it would be a 32->32 1x1 convolution that does not expand anything.
// "bneck3_2-3" stands for blocks 2 and 3 of Table 2's third bottleneck row (repeat 2).
void mobilenet_v2(Builder &b) {
  b.conv({.name = "conv1", .in = 3, .out = 32, .size = 112, .k = 3, .stride = 2});
  struct Row {
    std::int64_t t, c, n, s;
  };
  const Row rows[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                      {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::int64_t in = 32, size = 112;
  for (int r = 0; r < 7; ++r) {
    const Row &row = rows[r];
    const std::string prefix = "bneck" + std::to_string(r + 1);
    const auto block = [&](const std::string &name, std::int64_t cin, std::int64_t in_size,
                           std::int64_t stride, std::int64_t repeat) {
      const std::int64_t hidden = cin * row.t, out_size = in_size / stride;
      if (row.t != 1)
        b.conv({.name = name + "_expand",
                .in = cin,
                .out = hidden,
                .size = in_size,
                .repeat = repeat});
      b.depthwise({.name = name + "_dw",
                   .in = hidden,
                   .out = hidden,
                   .size = out_size,
                   .k = 3,
                   .stride = stride,
                   .repeat = repeat});
      b.conv({.name = name + "_project",
              .in = hidden,
              .out = row.c,
              .size = out_size,
              .repeat = repeat});
    };
    block(row.n == 1 ? prefix : prefix + "_1", in, size, row.s, 1);
    size /= row.s;
    if (row.n > 1) {
      std::string rest = prefix + "_2";
      if (row.n > 2) rest.append("-").append(std::to_string(row.n));
      block(rest, row.c, size, 1, row.n - 1);
    }
    in = row.c;
  }
  b.conv({.name = "conv_last", .in = 320, .out = 1280, .size = 7});
  b.fc("fc", 1280, 1000);
}

// --- GoogLeNet -----------------------------------------------------------------------------
// Szegedy et al., "Going Deeper with Convolutions", CVPR 2015, Table 1. Every branch's
// convolution of every inception module: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5 and the
// pool projection (a 1x1 after a 3x3 stride-1 max pool, which keeps the size). The auxiliary
// classifiers (training only) are left out. Names follow the authors' Caffe model.
void googlenet(Builder &b) {
  b.conv({.name = "conv1/7x7_s2", .in = 3, .out = 64, .size = 112, .k = 7, .stride = 2});
  b.conv({.name = "conv2/3x3_reduce", .in = 64, .out = 64, .size = 56});
  b.conv({.name = "conv2/3x3", .in = 64, .out = 192, .size = 56, .k = 3});
  struct Module {
    const char *name;
    std::int64_t size, in, n1x1, r3x3, n3x3, r5x5, n5x5, pool_proj;
  };
  const Module modules[] = {
      {"3a", 28, 192, 64, 96, 128, 16, 32, 32},     {"3b", 28, 256, 128, 128, 192, 32, 96, 64},
      {"4a", 14, 480, 192, 96, 208, 16, 48, 64},    {"4b", 14, 512, 160, 112, 224, 24, 64, 64},
      {"4c", 14, 512, 128, 128, 256, 24, 64, 64},   {"4d", 14, 512, 112, 144, 288, 32, 64, 64},
      {"4e", 14, 528, 256, 160, 320, 32, 128, 128}, {"5a", 7, 832, 256, 160, 320, 32, 128, 128},
      {"5b", 7, 832, 384, 192, 384, 48, 128, 128}};
  for (const Module &m : modules) {
    const std::string p = std::string("inception_") + m.name + "/";
    b.conv({.name = p + "1x1", .in = m.in, .out = m.n1x1, .size = m.size});
    b.conv({.name = p + "3x3_reduce", .in = m.in, .out = m.r3x3, .size = m.size});
    b.conv({.name = p + "3x3", .in = m.r3x3, .out = m.n3x3, .size = m.size, .k = 3});
    b.conv({.name = p + "5x5_reduce", .in = m.in, .out = m.r5x5, .size = m.size});
    b.conv({.name = p + "5x5", .in = m.r5x5, .out = m.n5x5, .size = m.size, .k = 5});
    b.conv({.name = p + "pool_proj", .in = m.in, .out = m.pool_proj, .size = m.size});
  }
  b.fc("loss3/classifier", 1024, 1000);
}

// --- MLP and LSTM (Interstellar) -----------------------------------------------------------
// Yang et al., "Interstellar: Using Halide's Scheduling Language to Analyze DNN
// Accelerators", ASPLOS 2020, Table 3: MLP-M 784-1000-500-250, MLP-L 784-1500-1000-500,
// LSTM-M hidden 500, LSTM-L hidden 1000, batch 128.
void mlp(Builder &b, const std::vector<std::int64_t> &widths) {
  for (std::size_t i = 1; i < widths.size(); ++i)
    b.fc("fc" + std::to_string(i), widths[i - 1], widths[i]);
}

// One LSTM time step: the four gates (input, forget, cell, output) computed together from
// the concatenation [x_t; h_{t-1}] as one GEMM, rows = batch, reduction = input + hidden,
// columns = 4 * hidden. Assumption (the paper gives only the hidden size): input size =
// hidden size, so the reduction is 2 * hidden. The elementwise gate nonlinearities and the
// cell update are not MACs of this GEMM and are left out.
void lstm(Builder &b, std::int64_t hidden) { b.fc("gates", 2 * hidden, 4 * hidden); }

struct Entry {
  BuiltinNetworkInfo info;
  std::function<void(Builder &)> build;
};

const std::vector<Entry> &entries() {
  static const std::vector<Entry> kEntries = {
      {{"alexnet", "AlexNet, the 5 convolutional layers (the default network)",
        "Krizhevsky et al., NIPS 2012", 1},
       alexnet_conv},
      {{"alexnet_full", "AlexNet, 5 convolutional and 3 fully connected layers",
        "Krizhevsky et al., NIPS 2012", 1},
       [](Builder &b) {
         alexnet_conv(b);
         alexnet_fc(b);
       }},
      {{"alexnet_fc", "AlexNet, the 3 fully connected layers FC6-FC8",
        "Krizhevsky et al., NIPS 2012", 1},
       alexnet_fc},
      {{"vgg16", "VGG-16, 13 convolutional and 3 fully connected layers",
        "Simonyan and Zisserman, ICLR 2015 (Table 1, D)", 1},
       vgg16},
      {{"resnet50", "ResNet-50 (v1.5: stride on the 3x3), all convolutions and the FC",
        "He et al., CVPR 2016 (Table 1)", 1},
       resnet50},
      {{"mobilenet_v2", "MobileNetV2 1.0/224: pointwise, depthwise, first/last conv, FC",
        "Sandler et al., CVPR 2018 (Table 2)", 1},
       mobilenet_v2},
      {{"googlenet", "GoogLeNet: stem convolutions, every inception branch, the classifier",
        "Szegedy et al., CVPR 2015 (Table 1)", 1},
       googlenet},
      {{"mlp_m", "MLP-M 784-1000-500-250 as GEMMs", "Yang et al. (Interstellar), ASPLOS 2020", 128},
       [](Builder &b) {
         mlp(b, {784, 1000, 500, 250});
       }},
      {{"mlp_l", "MLP-L 784-1500-1000-500 as GEMMs", "Yang et al. (Interstellar), ASPLOS 2020",
        128},
       [](Builder &b) {
         mlp(b, {784, 1500, 1000, 500});
       }},
      {{"lstm_m", "LSTM-M gate GEMM of one time step, hidden 500",
        "Yang et al. (Interstellar), ASPLOS 2020", 128},
       [](Builder &b) { lstm(b, 500); }},
      {{"lstm_l", "LSTM-L gate GEMM of one time step, hidden 1000",
        "Yang et al. (Interstellar), ASPLOS 2020", 128},
       [](Builder &b) { lstm(b, 1000); }},
  };
  return kEntries;
}

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

} // namespace

const std::vector<BuiltinNetworkInfo> &builtin_network_infos() {
  static const std::vector<BuiltinNetworkInfo> kInfos = [] {
    std::vector<BuiltinNetworkInfo> v;
    for (const Entry &e : entries())
      v.push_back(e.info);
    return v;
  }();
  return kInfos;
}

std::vector<std::string> builtin_network_names() {
  std::vector<std::string> names;
  for (const Entry &e : entries())
    names.push_back(e.info.name);
  return names;
}

Network builtin_network(std::string_view name, std::int64_t batch) {
  const std::string key = lower(name);
  for (const Entry &e : entries()) {
    if (e.info.name != key) continue;
    if (batch < 0) user_error("batch", "must be a positive integer, got " + std::to_string(batch));
    Builder b(e.info.name, batch == kDefaultBatch ? e.info.default_batch : batch);
    e.build(b);
    return b.take();
  }
  std::string known;
  for (const Entry &e : entries())
    known += (known.empty() ? "" : ", ") + e.info.name;
  user_error("network", "unknown built-in network '" + std::string(name) + "'; known: " + known);
}

} // namespace tessel
