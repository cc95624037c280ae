// The LLVM backend: lowers a mapping to a real loop nest, JIT-compiles it with LLVM ORC
// (LLJIT), runs it on random data next to the unscheduled reference nest, and counts the
// accesses the cost model defines while the nest runs. See docs/backend.md.
//
// No LLVM type appears here; LLVM is seen only by backend/*.cpp through
// backend/llvm_includes.hpp.
//
// Data layout of the three operands (row-major, int32 or float, one word per element):
//   I[G][N][C][H][W]  with H = Problem::input_height(), W = Problem::input_width()
//   W[G][K][C][R][S]
//   O[G][N][K][P][Q]
// A kernel computes O += conv(I, W) (it accumulates into O; zero O first for a plain run).
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"
#include "dsl/lower.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessel {

class Schedule;

enum class DataType : std::uint8_t { Int32, Float32 };

std::string_view data_type_name(DataType t);

// Number of elements of the array of operand o (the whole array, including input rows and
// columns no MAC touches when the stride skips them).
std::int64_t buffer_words(const Problem &p, Operand o);

struct LowerOptions {
  DataType type = DataType::Int32;
  // Loops to unroll in software (the body is replicated, one copy per iteration), by
  // position in tessel::flatten(mapping). Empty: none. Ignored by the reference nest.
  std::vector<bool> unroll;
  // LLVM's optimization pipeline: 0 (none), 1, 2 or 3. LLVM's own loop unrolling and
  // interleaving stay off at every level, so unrolling happens only where asked above.
  int opt_level = 2;
  // Let LLVM vectorize loops (its loop and SLP vectorizers).
  bool vectorize = true;
  // Emit the instrumented nest (counting mode; see instrumented_counts). emit_llvm_ir only.
  bool instrument = false;
  // Largest number of body copies the unrolled loops may produce (product of their trips).
  std::int64_t max_unrolled_copies = 4096;
};

// A JIT-compiled loop nest. Move-only; owns its LLVM JIT session.
class Kernel {
public:
  Kernel(Kernel &&) noexcept;
  Kernel &operator=(Kernel &&) noexcept;
  ~Kernel();

  // Runs the nest once: O += conv(I, W). The buffers hold buffer_words(problem(), o)
  // elements of type(): int32_t or float.
  void run(const void *inputs, const void *weights, void *outputs) const;

  const Problem &problem() const;
  DataType type() const;
  double compile_seconds() const; // IR generation, optimization and machine code

private:
  struct Impl;
  explicit Kernel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend struct KernelBuilder; // backend/jit.cpp
};

// The scheduled nest of a mapping. Validates the mapping's loops against the problem
// (not against an architecture: spatial loops run as ordinary loops). Throws UserError.
Kernel compile_mapping(const Problem &p, const Mapping &m, const LowerOptions &options = {});

// The unscheduled reference nest: for g, n, k, c, p, q, r, s (outermost first).
Kernel compile_reference(const Problem &p, const LowerOptions &options = {});

// The LLVM IR of the scheduled (or, with options.instrument, the instrumented) nest, after
// the optimization pipeline of options.opt_level (0 shows the IR as generated).
std::string emit_llvm_ir(const Problem &p, const Mapping &m, const LowerOptions &options = {});
std::string emit_reference_llvm_ir(const Problem &p, const LowerOptions &options = {});

struct VerifyOptions {
  DataType type = DataType::Int32;
  std::vector<bool> unroll; // as LowerOptions::unroll
  int opt_level = 2;
  bool vectorize = true;
  std::uint64_t seed = 1; // random inputs and weights
  // Timed runs of each nest after the verification run; the best is reported. 0: no timing
  // (the verification run's time is reported).
  int timing_runs = 3;
  // Also run the instrumented nest (needs the architecture overload of verify_mapping).
  bool counts = false;
};

struct RunTiming {
  double seconds = 0.0; // best run
  double gmacs = 0.0;   // MACs / seconds / 1e9
};

struct OutputMismatch {
  std::int64_t offset = 0;     // element offset into O
  DimArray<std::int64_t> at{}; // the output's coordinates (G, N, K, P, Q set; others 0)
  double expected = 0.0;       // reference value
  double actual = 0.0;         // scheduled value
};

struct VerifyResult {
  bool passed = false;           // every output equal (bit-exact), instrumented run included
  bool exact = true;             // float only: false when values are too large to be exact
  std::int64_t macs = 0;         // MACs of the problem
  std::int64_t output_words = 0; // outputs compared
  std::int64_t mismatches = 0;   // outputs that differ
  std::optional<OutputMismatch> first_mismatch;
  RunTiming scheduled, reference;
  double compile_seconds = 0.0;             // both nests (and the instrumented one)
  std::optional<AccessCounts> counts;       // instrumented counts, when asked
  std::int64_t instrumented_mismatches = 0; // outputs of the instrumented run that differ
};

// Fills inputs and weights with seeded random data (int32: every bit pattern; float: small
// integers, so every sum is exact in any order), runs the scheduled and the reference nest,
// compares every output bit for bit, and times both (best of options.timing_runs).
VerifyResult verify_mapping(const Problem &p, const Mapping &m, const VerifyOptions &options = {});

// As above, and validates the mapping against the architecture; with options.counts also
// runs the instrumented nest and reports its access counts.
VerifyResult verify_mapping(const Problem &p, const Architecture &a, const Mapping &m,
                            const VerifyOptions &options = {});

// Compares two compiled nests of the same problem (e.g. a scheduled nest and a reference).
VerifyResult verify_kernels(const Problem &p, const Kernel &scheduled, const Kernel &reference,
                            const VerifyOptions &options = {});

// Counting mode: runs the instrumented nest of the mapping once (int32 data) and returns
// the access counts of docs/cost_model.md, measured while it runs. The spatial loops run
// in lockstep inside the temporal loops, as on the machine. Throws UserError when the
// mapping is invalid for the architecture, and std::logic_error if the run breaks an
// invariant (e.g. a MAC touching a word the level it reads from does not hold).
AccessCounts instrumented_counts(const Problem &p, const Architecture &a, const Mapping &m,
                                 const LowerOptions &options = {});

// ---- schedules (dsl/schedule.hpp) ------------------------------------------------------

// The unroll flags of a lowered schedule's unroll() directives, parallel to
// tessel::flatten(lowered.mapping): what LowerOptions::unroll and VerifyOptions::unroll take.
std::vector<bool> unroll_flags(const LoweredSchedule &lowered);

// Lowers the schedule and verifies its mapping on its problem and architecture, with the
// loops it unrolls unrolled (unless options.unroll says otherwise).
VerifyResult verify_schedule(const Schedule &s, VerifyOptions options = {});

// The LLVM IR of a schedule's nest, its unroll() directives applied (unless options.unroll
// says otherwise).
std::string emit_llvm_ir(const Schedule &s, LowerOptions options = {});

// ---- reports (for `tessel verify`) ----------------------------------------------------

// Whether a verification succeeded: every output equal and, when the instrumented counts
// were taken and `model` is given, the counts equal to the model's field by field.
bool verify_succeeded(const VerifyResult &r, const std::optional<AccessCounts> &model);

// A readable report (or, with `json`, a JSON object) of a verification: outputs compared,
// first mismatch, timings, and with counts each level's and fanout's instrumented counts
// beside `model` (e.g. tessel::analytical_counts), every difference marked.
std::string verify_report(const Problem &p, const Architecture &a, const VerifyResult &r,
                          const VerifyOptions &options, const std::optional<AccessCounts> &model,
                          bool json);

} // namespace tessel
