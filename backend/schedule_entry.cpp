// Entry points that take a DSL schedule: lower it, carry its unroll() directives over.
#include "backend/llvm_backend.hpp"
#include "dsl/schedule.hpp"

namespace tessel {

std::vector<bool> unroll_flags(const LoweredSchedule &lowered) {
  std::vector<bool> flags;
  const Mapping &m = lowered.mapping;
  for (int l = m.num_levels() - 1; l >= 0; --l) {
    for (std::size_t i = 0; i < m.levels[l].temporal.size(); ++i)
      flags.push_back(lowered.is_unrolled(l, static_cast<int>(i)));
    for (std::size_t i = 0; i < m.levels[l].spatial.size(); ++i)
      flags.push_back(false); // the DSL unrolls temporal loops only
  }
  return flags;
}

VerifyResult verify_schedule(const Schedule &s, VerifyOptions options) {
  const LoweredSchedule lowered = s.lower();
  if (options.unroll.empty()) options.unroll = unroll_flags(lowered);
  return verify_mapping(s.problem(), s.arch(), lowered.mapping, options);
}

std::string emit_llvm_ir(const Schedule &s, LowerOptions options) {
  const LoweredSchedule lowered = s.lower();
  if (options.unroll.empty()) options.unroll = unroll_flags(lowered);
  return emit_llvm_ir(s.problem(), lowered.mapping, options);
}

} // namespace tessel
