#include "dsl/lower.hpp"

#include "dsl/schedule.hpp"

namespace tessel {

bool LoweredSchedule::is_unrolled(int level, int temporal_index) const {
  for (const UnrolledLoop &u : unrolled)
    if (u.level == level && u.index == temporal_index) return true;
  return false;
}

LoweredSchedule lower(const Schedule &schedule) {
  const Architecture &arch = schedule.arch();
  const int nl = arch.num_levels();
  const std::vector<ScheduledLoop> &loops = schedule.loops();
  const std::vector<int> level = schedule.loop_levels();

  LoweredSchedule r;
  r.mapping.levels.resize(nl);
  r.temporal_names.resize(nl);
  r.spatial_names.resize(nl);
  for (std::size_t k = loops.size(); k-- > 0;) { // outermost first
    const ScheduledLoop &x = loops[k];
    const int l = level[k];
    LevelLoops &ll = r.mapping.levels[l];
    if (x.kind == LoopKind::Temporal) {
      if (x.unrolled) r.unrolled.push_back({l, static_cast<int>(ll.temporal.size()), x.name});
      ll.temporal.push_back({x.dim, x.extent, LoopKind::Temporal});
      r.temporal_names[l].push_back(x.name);
    } else {
      ll.spatial.push_back({x.dim, x.extent, x.kind});
      r.spatial_names[l].push_back(x.name);
    }
  }
  if (schedule.any_bypass()) {
    r.mapping.bypass.resize(nl);
    for (int l = 0; l < nl; ++l)
      for (Operand o : kAllOperands)
        r.mapping.bypass[l][idx(o)] = schedule.bypasses(l, o);
  }
  validate(r.mapping, schedule.problem(), arch, "lower()");
  return r;
}

LoweredSchedule Schedule::lower() const { return tessel::lower(*this); }

} // namespace tessel
