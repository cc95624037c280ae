// Printing schedules as C++ DSL code.
//
// to_dsl_code(problem, arch, mapping) prints ANY valid Mapping as the body of a C++
// function that builds, with the directives of dsl/schedule.hpp, a Schedule whose
// lowering is that Mapping:
//
//   tessel::Schedule make(const tessel::Problem &problem, const tessel::Architecture &arch) {
//     <the printed body>          // ends with `return sched;`
//   }
//   make(problem, arch).lower().mapping == mapping
//
// The printed directive sequence (schedule_from_mapping replays exactly the same one):
//   1. add_loop(dim) for each dimension of extent 1 that has loops in the Mapping;
//   2. for each dimension with m >= 2 loops, named d0 .. d{m-1} outermost first: peel them
//      from the inside, each split on the outer spine, so every factor is legal:
//        split(d, d0_{m-2}, d{m-1}, trip of d{m-1}); split(d0_{m-2}, d0_{m-3}, d{m-2}, ...);
//        ... split(d0_1, d0, d1, trip of d1)
//      (d0_j names the loops d0..dj before they are split apart). A split whose factor
//      does not divide the extent is printed with TailStrategy::GuardWithIf. A dimension
//      with one loop keeps its default name (k, c, ...);
//   3. reorder({...}) of every loop into the Mapping's order (innermost first), when the
//      nest is not already in that order;
//   4. store_at(level, loop) (or store_root(level)) for every level but the outermost,
//      outer levels first;
//   5. spatial(loop, axis) for every spatial loop, innermost first;
//   6. bypass(level, operand) for every bypass flag.
// The only normalization: a Mapping whose bypass list has no true entry lowers back with
// an empty bypass list (the same meaning).
#pragma once

#include "dsl/schedule.hpp"

#include <string>

namespace tessel {

// The schedule that the code printed by to_dsl_code builds (its history() is the printed
// directive sequence). Validates the mapping first (UserError naming "mapping").
Schedule schedule_from_mapping(const Problem &problem, const Architecture &arch,
                               const Mapping &mapping);

// The C++ function body described above.
std::string to_dsl_code(const Problem &problem, const Architecture &arch, const Mapping &mapping);

// Any schedule's recorded directives as the same kind of function body. Loop names that
// are not C++ identifiers are passed as string literals ("k.o").
std::string to_dsl_code(const Schedule &schedule);

} // namespace tessel
