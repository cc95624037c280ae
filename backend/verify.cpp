// Verification (scheduled nest against the reference on random data), timing, and the
// instrumented counting run.
#include "backend/counting_runtime.hpp"
#include "backend/jit_kernels.hpp"
#include "backend/lowering.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>

namespace tessel {

std::string_view data_type_name(DataType t) { return t == DataType::Int32 ? "int32" : "float"; }

std::int64_t buffer_words(const Problem &p, Operand o) { return p.operand_words(o); }

namespace {

using Words = std::vector<std::uint32_t>; // int32 or float bit patterns

using PlainFn = void (*)(const void *, const void *, void *);
using RunFn = std::function<void(const void *, const void *, void *)>;
using CountedFn = void (*)(const void *, const void *, void *, std::int64_t *, void *);

// int32: every bit pattern. float: integers in [-4, 4], so products and sums stay exact
// integers (whatever the order of the additions) while |sum| <= 2^24.
Words random_words(std::int64_t n, std::mt19937_64 &rng, DataType type) {
  Words v(static_cast<std::size_t>(n));
  for (auto &x : v) {
    const auto bits = static_cast<std::uint32_t>(rng() >> 32);
    if (type == DataType::Int32) {
      x = bits;
    } else {
      const float f = static_cast<float>(static_cast<int>(bits % 9) - 4);
      std::memcpy(&x, &f, sizeof f);
    }
  }
  return v;
}

double value_of(std::uint32_t bits, DataType type) {
  if (type == DataType::Int32) return static_cast<double>(static_cast<std::int32_t>(bits));
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

struct Data {
  Words in, wt;
  Data(const Problem &p, DataType type, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    in = random_words(buffer_words(p, Operand::I), rng, type);
    wt = random_words(buffer_words(p, Operand::W), rng, type);
  }
};

// Whether float sums of the random data are exact: |partial sum| <= 16 * C * R * S.
bool float_exact(const Problem &p) {
  const double bound =
      16.0 * static_cast<double>(p.extent(Dim::C) * p.extent(Dim::R) * p.extent(Dim::S));
  return bound <= 16777216.0;
}

// Counts differing outputs; records the first.
std::int64_t compare(const Problem &p, const Words &expected, const Words &actual, DataType type,
                     bool exact, std::optional<OutputMismatch> *first) {
  const double tolerance =
      exact ? 0.0
            : 1e-5 * 16.0 *
                  static_cast<double>(p.extent(Dim::C) * p.extent(Dim::R) * p.extent(Dim::S));
  std::int64_t count = 0;
  for (std::size_t j = 0; j < expected.size(); ++j) {
    bool same = expected[j] == actual[j];
    if (!same && !exact)
      same = std::fabs(value_of(expected[j], type) - value_of(actual[j], type)) <= tolerance;
    if (same) continue;
    if (count++ == 0 && first) {
      OutputMismatch m;
      m.offset = static_cast<std::int64_t>(j);
      std::int64_t rest = m.offset;
      for (Dim d : {Dim::Q, Dim::P, Dim::K, Dim::N, Dim::G}) {
        m.at[idx(d)] = rest % p.extent(d);
        rest /= p.extent(d);
      }
      m.expected = value_of(expected[j], type);
      m.actual = value_of(actual[j], type);
      *first = m;
    }
  }
  return count;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double timed_run(const RunFn &fn, const Data &data, Words &out) {
  std::fill(out.begin(), out.end(), 0u);
  const auto start = std::chrono::steady_clock::now();
  fn(data.in.data(), data.wt.data(), out.data());
  return seconds_since(start);
}

RunTiming timing(double seconds, std::int64_t macs) {
  RunTiming t;
  t.seconds = seconds;
  t.gmacs = seconds > 0 ? static_cast<double>(macs) / seconds / 1e9 : 0.0;
  return t;
}

VerifyResult run_verification(const Problem &p, const RunFn &scheduled, const RunFn &reference,
                              DataType type, const VerifyOptions &options) {
  VerifyResult result;
  result.macs = p.macs();
  result.output_words = buffer_words(p, Operand::O);
  result.exact = type == DataType::Int32 || float_exact(p);
  const Data data(p, type, options.seed);
  Words expected(static_cast<std::size_t>(result.output_words));
  Words actual(expected.size());
  double best_s = timed_run(scheduled, data, actual);
  double best_r = timed_run(reference, data, expected);
  result.mismatches = compare(p, expected, actual, type, result.exact, &result.first_mismatch);
  if (options.timing_runs > 0) {
    best_s = best_r = std::numeric_limits<double>::infinity();
    Words scratch(expected.size());
    for (int r = 0; r < options.timing_runs; ++r) {
      best_s = std::min(best_s, timed_run(scheduled, data, scratch));
      best_r = std::min(best_r, timed_run(reference, data, scratch));
    }
  }
  result.scheduled = timing(best_s, result.macs);
  result.reference = timing(best_r, result.macs);
  result.passed = result.mismatches == 0;
  return result;
}

// Runs an instrumented kernel once; throws std::logic_error if an invariant broke.
AccessCounts counted_run(const Problem &p, const Architecture &a, const Mapping &m, void *fn,
                         const Data &data, Words &out) {
  backend::CountingRuntime rt(p, a, m);
  std::fill(out.begin(), out.end(), 0u);
  reinterpret_cast<CountedFn>(fn)(data.in.data(), data.wt.data(), out.data(), rt.index_array(),
                                  &rt);
  if (rt.violations() > 0)
    throw std::logic_error("tessel: instrumented run broke an invariant " +
                           std::to_string(rt.violations()) +
                           " times; first: " + rt.first_violation());
  return rt.counts();
}

} // namespace

VerifyResult verify_kernels(const Problem &p, const Kernel &scheduled, const Kernel &reference,
                            const VerifyOptions &options) {
  if (scheduled.type() != reference.type())
    user_error("verify", "the two kernels compute over different data types");
  if (scheduled.problem().operand_words(Operand::I) != p.operand_words(Operand::I) ||
      scheduled.problem().operand_words(Operand::W) != p.operand_words(Operand::W) ||
      scheduled.problem().operand_words(Operand::O) != p.operand_words(Operand::O) ||
      reference.problem().operand_words(Operand::I) != p.operand_words(Operand::I) ||
      reference.problem().operand_words(Operand::W) != p.operand_words(Operand::W) ||
      reference.problem().operand_words(Operand::O) != p.operand_words(Operand::O))
    user_error("verify", "the kernels were compiled for problems of other sizes");
  VerifyResult result = run_verification(
      p, [&](const void *i, const void *w, void *o) { scheduled.run(i, w, o); },
      [&](const void *i, const void *w, void *o) { reference.run(i, w, o); }, scheduled.type(),
      options);
  result.compile_seconds = scheduled.compile_seconds() + reference.compile_seconds();
  return result;
}

namespace {

VerifyResult verify_impl(const Problem &p, const Architecture *a, const Mapping &m,
                         const VerifyOptions &options) {
  LowerOptions lower;
  lower.type = options.type;
  lower.unroll = options.unroll;
  lower.opt_level = options.opt_level;
  lower.vectorize = options.vectorize;
  const backend::Nest scheduled = backend::mapping_nest(p, m, lower, false);
  const backend::Nest reference = backend::reference_nest(p);
  std::vector<backend::NamedNest> nests = {{scheduled, "tessel_scheduled"},
                                           {reference, "tessel_reference"}};
  const bool counting = options.counts && a;
  backend::Nest instrumented;
  if (counting) {
    instrumented = backend::mapping_nest(p, m, lower, true);
    nests.push_back({instrumented, "tessel_instrumented"});
  }
  const backend::CompiledNests c =
      backend::compile_nests(p, nests, options.type, options.opt_level, options.vectorize);
  VerifyResult result =
      run_verification(p, reinterpret_cast<PlainFn>(c.functions[0]),
                       reinterpret_cast<PlainFn>(c.functions[1]), options.type, options);
  result.compile_seconds = c.seconds;
  if (counting) {
    const Data data(p, options.type, options.seed);
    Words expected(static_cast<std::size_t>(result.output_words));
    Words actual(expected.size());
    timed_run(reinterpret_cast<PlainFn>(c.functions[1]), data, expected);
    result.counts = counted_run(p, *a, m, c.functions[2], data, actual);
    result.instrumented_mismatches =
        compare(p, expected, actual, options.type, result.exact, nullptr);
    result.passed = result.passed && result.instrumented_mismatches == 0;
  }
  return result;
}

} // namespace

VerifyResult verify_mapping(const Problem &p, const Mapping &m, const VerifyOptions &options) {
  return verify_impl(p, nullptr, m, options);
}

VerifyResult verify_mapping(const Problem &p, const Architecture &a, const Mapping &m,
                            const VerifyOptions &options) {
  validate(p);
  validate(a);
  validate(m, p, a);
  return verify_impl(p, &a, m, options);
}

AccessCounts instrumented_counts(const Problem &p, const Architecture &a, const Mapping &m,
                                 const LowerOptions &options) {
  validate(p);
  validate(a);
  validate(m, p, a);
  const backend::Nest nest = backend::mapping_nest(p, m, options, true);
  const backend::CompiledNests c = backend::compile_nests(
      p, {{nest, "tessel_instrumented"}}, options.type, options.opt_level, options.vectorize);
  const Data data(p, options.type, 1);
  Words out(static_cast<std::size_t>(buffer_words(p, Operand::O)));
  return counted_run(p, a, m, c.functions[0], data, out);
}

} // namespace tessel
