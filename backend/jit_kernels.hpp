// Private to backend/: compiling several nests of one problem into one JIT session.
#pragma once

#include "backend/llvm_backend.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tessel::backend {

class JitSession;
struct Nest;

struct NamedNest {
  const Nest &nest;
  std::string name;
};

struct CompiledNests {
  std::shared_ptr<JitSession> session; // keeps the code alive
  std::vector<void *> functions;       // in the order of the nests
  double seconds = 0.0;                // IR generation, optimization, machine code
};

CompiledNests compile_nests(const Problem &p, const std::vector<NamedNest> &nests, DataType type,
                            int opt_level, bool vectorize);

// The module's IR after the optimization pipeline of the level.
std::string print_ir(const Problem &p, const Nest &nest, DataType type, int opt_level,
                     bool vectorize, const std::string &name);

} // namespace tessel::backend
