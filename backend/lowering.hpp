// Private to backend/: the loop nests the backend emits, their lowering to LLVM IR, and the
// JIT session that compiles them. See docs/backend.md.
#pragma once

#include "backend/llvm_backend.hpp"
#include "backend/llvm_includes.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tessel::backend {

// One loop of an emitted nest.
struct NestLoop {
  Dim dim;
  std::int64_t trip;
  std::int64_t stride;  // mixed radix: the dimension's index is the sum of index * stride
  bool unroll = false;  // replicate the body, one copy per iteration
  bool temporal = true; // false: a spatial loop (run as an ordinary loop)
  int pos = 0;          // position in tessel::flatten(mapping), or in the reference nest
};

struct Nest {
  std::vector<NestLoop> loops; // outermost first
  // The instrumented form: the temporal loops come first (in nest order), then the spatial
  // loops, and the code calls the counting runtime (backend/counting_runtime.hpp).
  bool instrumented = false;
};

// The mapping's nest, outermost first, with the loops to unroll marked. With `lockstep`,
// the instrumented form. Checks the loops against the problem; throws UserError.
Nest mapping_nest(const Problem &p, const Mapping &m, const LowerOptions &options, bool lockstep);

// The unscheduled nest: g, n, k, c, p, q, r, s, each over its whole extent.
Nest reference_nest(const Problem &p);

// Emits `name` into the module. Plain nests take (I, W, O); instrumented ones take
// (I, W, O, int64_t *loop_indices, void *runtime).
llvm::Function *lower_nest(llvm::Module &module, const Problem &p, const Nest &nest, DataType type,
                           const std::string &name);

// A JIT session (one LLJIT) with the host's target machine.
class JitSession {
public:
  explicit JitSession(int opt_level);
  ~JitSession();
  JitSession(const JitSession &) = delete;
  JitSession &operator=(const JitSession &) = delete;

  // An empty module with the JIT's data layout and target triple.
  std::unique_ptr<llvm::Module> new_module(llvm::LLVMContext &context, const std::string &name);
  // Verifies and optimizes the module, then hands it to the JIT.
  void add(std::unique_ptr<llvm::Module> module, std::unique_ptr<llvm::LLVMContext> context,
           int opt_level, bool vectorize);
  void *lookup(const std::string &name);
  // Makes the counting runtime's entry points callable from JIT'd code.
  void define_runtime_symbols();
  llvm::TargetMachine &target_machine() { return *target_machine_; }

private:
  std::unique_ptr<llvm::TargetMachine> target_machine_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

// Runs LLVM's default pipeline for the level (0: nothing), with LLVM's loop unrolling and
// interleaving off.
void optimize_module(llvm::Module &module, llvm::TargetMachine &tm, int opt_level, bool vectorize);

// Throws std::runtime_error if the module is malformed.
void verify_module(const llvm::Module &module);

} // namespace tessel::backend
