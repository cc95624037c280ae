#include "support/network_export.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace tessel::test {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::int64_t ext(const Problem &p, Dim d) { return p.extent(d); }

// One layer in the JSON problem format, channel counts as totals over the groups.
OrderedJson layer_json(const Layer &l) {
  const Problem &p = l.problem;
  const std::int64_t g = ext(p, Dim::G);
  OrderedJson j;
  j["name"] = p.name;
  j["type"] = std::string(problem_type_name(p.type));
  j["N"] = ext(p, Dim::N);
  j["K"] = ext(p, Dim::K) * g;
  j["C"] = ext(p, Dim::C) * g;
  if (p.type != ProblemType::Gemm) {
    for (Dim d : {Dim::P, Dim::Q, Dim::R, Dim::S})
      j[std::string(dim_name(d))] = ext(p, d);
    j["stride"] = {p.stride_h, p.stride_w};
    j["dilation"] = {p.dilation_h, p.dilation_w};
    j["groups"] = g;
  }
  j["bits"] = {{"W", p.bits[idx(Operand::W)]},
               {"I", p.bits[idx(Operand::I)]},
               {"O", p.bits[idx(Operand::O)]}};
  j["repeat"] = l.repeat;
  return j;
}

// 1234567 -> "1,234,567".
std::string grouped(std::int64_t v) {
  std::string digits = std::to_string(v), out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 665784864 -> "665.8 M"; 15470264320 -> "15.47 G".
std::string short_count(std::int64_t v) {
  char buf[32];
  if (v >= 1'000'000'000)
    std::snprintf(buf, sizeof buf, "%.2f G", static_cast<double>(v) / 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.1f M", static_cast<double>(v) / 1e6);
  return buf;
}

} // namespace

std::string network_json_text(const BuiltinNetworkInfo &info) {
  const Network net = builtin_network(info.name);
  // Written by hand around the layers so that each layer is one line.
  std::ostringstream os;
  os << "{\n";
  os << "  \"name\": " << OrderedJson(net.name).dump() << ",\n";
  os << "  \"description\": " << OrderedJson(info.description).dump() << ",\n";
  os << "  \"source\": " << OrderedJson(info.source).dump() << ",\n";
  os << "  \"batch\": " << info.default_batch << ",\n";
  os << "  \"layers\": [\n";
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    os << "    " << layer_json(net.layers[i]).dump() << (i + 1 < net.layers.size() ? "," : "")
       << "\n";
  os << "  ]\n}\n";
  return os.str();
}

std::string networks_markdown_tables() {
  std::ostringstream os;
  for (const BuiltinNetworkInfo &info : builtin_network_infos()) {
    const Network net = builtin_network(info.name);
    os << "\n### `" << info.name << "`\n\n";
    os << info.description << ". Source: " << info.source << ". Default batch "
       << info.default_batch << " (the N column).\n\n";
    os << "| # | layer | type | N | C | K | groups | P x Q | R x S | stride | repeat | MACs "
          "| MACs x repeat |\n";
    os << "|---|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n";
    std::int64_t total = 0, instances = 0;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      const Layer &l = net.layers[i];
      const Problem &p = l.problem;
      const std::int64_t g = ext(p, Dim::G), macs = p.macs();
      total += macs * l.repeat;
      instances += l.repeat;
      os << "| " << i + 1 << " | " << p.name << " | " << problem_type_name(p.type) << " | "
         << ext(p, Dim::N) << " | " << ext(p, Dim::C) * g << " | " << ext(p, Dim::K) * g << " | "
         << g << " | " << ext(p, Dim::P) << " x " << ext(p, Dim::Q) << " | " << ext(p, Dim::R)
         << " x " << ext(p, Dim::S) << " | " << p.stride_h << " | " << l.repeat << " | "
         << grouped(macs) << " | " << grouped(macs * l.repeat) << " |\n";
    }
    const auto count = [](std::int64_t n, const char *one, const char *many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    os << "\n**Total: " << grouped(total) << " MACs (" << short_count(total) << ") in "
       << count(static_cast<std::int64_t>(net.layers.size()), "entry", "entries") << ", "
       << count(instances, "layer", "layers") << ".**\n";
  }
  return os.str();
}

} // namespace tessel::test
