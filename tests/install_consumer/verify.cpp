// A user program against the installed Tessel LLVM backend (Tessel::tessel_llvm): lower a
// schedule, JIT-run it against the unscheduled definition, and count its accesses while it
// runs; the counts must equal the analytical model's.
#include <backend/llvm_backend.hpp>
#include <tessel.hpp>

#include <iostream>

int main() {
  using namespace tessel;
  Architecture arch;
  arch.name = "two_level";
  arch.levels.resize(2);
  arch.levels[0].name = "RF";
  arch.levels[0].capacity_words = 64;
  arch.levels[0].read_pj = arch.levels[0].write_pj = 1;
  arch.levels[1].name = "DRAM";
  arch.levels[1].read_pj = arch.levels[1].write_pj = 200;
  arch.levels[1].fanout = {2, 2, true, true, 1.0};

  Problem conv = LayerBuilder::conv("user_conv")
                     .batch(1)
                     .out_channels(4)
                     .in_channels(3)
                     .output(5, 5)
                     .filter(3, 3)
                     .stride(1, 1);
  Schedule sched(conv, arch);
  LoopVar k("k"), k_o("k_o"), k_pe("k_pe"), c("c"), p("p"), q("q"), r("r"), s("s");
  sched.split(k, k_o, k_pe, 2);
  sched.reorder({s, r, c, k_pe, q, p, k_o}); // innermost first
  sched.store_at("RF", k_pe);
  sched.spatial(k_pe, Axis::X);
  VerifyOptions options;
  options.counts = true;
  const VerifyResult v = verify_schedule(sched, options);
  const Evaluation e = evaluate(conv, arch, sched.lower().mapping);
  const bool counts_agree = v.counts && *v.counts == e.counts;
  std::cout << "verify: " << (v.passed ? "passed" : "FAILED") << ", " << v.output_words
            << " outputs, counts " << (counts_agree ? "equal the model" : "DIFFER") << "\n";
  return v.passed && counts_agree ? 0 : 1;
}
