// Schedule: a problem's loop nest, transformed by Halide-style directives, placed on the
// storage levels of an architecture. Lowering (dsl/lower.hpp) turns it into a Mapping.
//
// Directives only RECORD: each one edits the schedule's loop list, level boundaries and
// flags, and appends itself to history(). Each one checks its legality AT THE CALL and
// throws tessel::UserError when it is illegal, leaving the schedule unchanged. The message
// names the directive, the variable and the current loop list, e.g.
//
//   split(k, k_o, k_i, 5): factor 5 does not divide extent 384 of k (TailStrategy::Error);
//   loops (innermost first): [s, r, q, p, c, k]
//
// Lowering BUILDS the Mapping from the recorded state (Schedule::lower).
//
// ====================================================================================
//  CONVENTION: LOOP LISTS ARE INNERMOST FIRST (as in Halide).
//  loops(), loop_names(), the "loops (innermost first): [...]" of error messages and the
//  argument of reorder() all list the innermost loop FIRST and the outermost loop LAST.
//  (A Mapping, by contrast, lists its loops outermost first; lowering reverses.)
// ====================================================================================
//
// The initial nest: one loop per dimension of extent > 1, named after the dimension in
// lower case, in the problem's order (problem.hpp), all at the outermost level:
//
//   for g: for n: for k: for c: for p: for q: for r: for s: MAC
//   loops (innermost first): [s, r, q, p, c, k, n, g]
//
// (conv3 with N = G = 1 starts as [s, r, q, p, c, k]). A dimension of extent 1 has no
// loop unless add_loop() asks for one.
//
// Index of a dimension. Every loop of dimension d has a trip count (its extent) and a
// stride; the value of d at an iteration is the sum over d's loops of (loop index *
// stride). The default loop of d has stride 1 and extent D (d's extent). split() keeps
// the strides "mixed radix" (a loop's stride is the product of the extents of the d loops
// inside it), which is the form a Mapping has. Iterations where the value reaches D are
// guarded off (no MAC, no access); they exist only after a GuardWithIf split.
//
// Level boundaries. Each storage level L of the architecture has a boundary, a cut of the
// nest: the loops below L's boundary form the tile that one instance of L holds. The
// outermost level's boundary is above every loop (it holds the whole problem). store_at()
// and store_root() place the others. A level that is not placed shares the boundary of
// the nearest placed level inside it (or sits below every loop, holding one word of each
// operand, if none is placed): it gets no loops of its own. So initially every loop
// belongs to the outermost level, and levels may be placed in any order. A loop belongs
// to the innermost level whose boundary is above it; those loops are, after lowering,
// that level's loops in the Mapping.
//
//   for k_o:            <- DRAM's loops
//     [GB boundary]     store_at("GB", k_o): the boundary sits just INSIDE k_o
//     for c:            <- GB's loops
//       for k_i:        <- GB's loops
//         [RF boundary] store_at("RF", k_i)
//         for r:        <- RF's loops
//           MAC
//
// Legality invariants, checked after every directive:
//   (1) boundaries nest: an inner level's boundary is at or below every outer level's;
//   (2) the loops of one dimension stay in split order (outer parts outside inner parts),
//       so strides are mixed radix;
//   (3) each spatial loop sits at a level whose fanout has room: per level and axis, the
//       product of the extents of its spatial loops is at most the fanout's x (or y);
//   (4) within a level, spatial loops are below all of that level's temporal loops (a
//       Mapping lists a level's temporal loops, then its spatial loops).
#pragma once

#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"
#include "cost_model/problem.hpp"
#include "dsl/directive.hpp"
#include "dsl/loop_var.hpp"
#include "dsl/lower.hpp"

#include <string>
#include <vector>

namespace tessel {

// One loop of the nest.
struct ScheduledLoop {
  std::string name;
  Dim dim = Dim::N;
  std::int64_t extent = 1; // trip count
  std::int64_t stride = 1; // contribution of one iteration to the dimension's index
  // On the dimension's outer spine: the default loop, or the outer part of a split of a
  // loop on the spine. Only such loops may be split with a factor that does not divide
  // their extent (see split()).
  bool outer_spine = true;
  LoopKind kind = LoopKind::Temporal; // SpatialX / SpatialY after spatial()
  bool unrolled = false;
  bool operator==(const ScheduledLoop &) const = default;
};

class Schedule {
public:
  // Validates both (UserError naming "problem" / "arch" and the field).
  Schedule(Problem problem, Architecture arch);

  // ---- directives -----------------------------------------------------------------

  // split(var, outer, inner, factor, tail): replace loop `var` (extent E, stride t) by
  // two loops at its position, `outer` just outside `inner`:
  //
  //   before:  for var in [0, E):            body(var)
  //   after:   for outer in [0, ceil(E/f)):
  //              for inner in [0, f):
  //                if (index < extent)       body(outer * f + inner)     // GuardWithIf
  //
  // `inner` gets stride t and extent f; `outer` gets stride t*f and extent ceil(E/f).
  // With TailStrategy::Error, f must divide E (no guard is ever needed). With GuardWithIf
  // the last `outer` iteration is a partial tile: iterations whose dimension index reaches
  // the dimension's extent are skipped (never padded). A level boundary that was just
  // inside `var` (store_at(level, var)) moves to just inside `inner`: the level keeps the
  // same tile.
  // Legal when:
  //   - `var` names a current loop; `outer` and `inner` differ from each other and from
  //     every current loop except `var` (so split(k, k, k_i, 16) is fine, as in Halide);
  //   - 1 <= f <= E (a larger factor would give `inner` iterations that are always
  //     guarded off);
  //   - TailStrategy::Error: f divides E;
  //   - `var` is not spatial and not unrolled (split first, then map or unroll the parts);
  //   - MIXED-RADIX RESTRICTION: if `var` is not on its dimension's outer spine (it is the
  //     inner part of some split, or was split from one), f must divide E, whatever the
  //     TailStrategy. Why: a Mapping's loops of one dimension are mixed radix: each
  //     loop's stride is the product of the trips of the loops of that dimension inside
  //     it, and the only guard is "index < the dimension's extent". Splitting an inner
  //     part p (extent E, under an outer loop of stride E*t) with a factor f that does not
  //     divide E would make p's parts cover ceil(E/f)*f > E values, so the outer loop's
  //     stride E*t would no longer be the product of the inner trips, and the partial tile
  //     would need its own guard (p < E) in the middle of the dimension. Neither is
  //     expressible. The outer spine has no such problem: a guarded split there leaves a
  //     partial tile only at the end of the dimension, which the extent guard covers.
  Schedule &split(const LoopVar &var, const LoopVar &outer, const LoopVar &inner,
                  std::int64_t factor, TailStrategy tail = TailStrategy::Error);

  // reorder({v0, v1, ...}): INNERMOST FIRST (v0 becomes the innermost of them). The
  // listed loops keep the set of positions they occupy; only their order within those
  // positions changes. Other loops do not move, and level boundaries move with the loops
  // they are attached to (store_at(level, var) stays just inside var).
  //
  //   before:  for c: for k: for p: body      reorder({c, p, k})   (innermost first)
  //   after:   for k: for p: for c: body      (c innermost, then p, then k)
  //
  // Legal when: every var names a current loop, none is listed twice, and the result
  // keeps the invariants (1)-(4) above; in particular the loops of one dimension may not
  // be put out of split order (k_i outside k_o), since a Mapping cannot express it.
  // Loops of extent 1 are exempt from the split-order rule (their stride is irrelevant).
  Schedule &reorder(const std::vector<LoopVar> &vars_innermost_first);
  template <typename... Vars>
  Schedule &reorder(const LoopVar &innermost, const LoopVar &next, const Vars &...rest) {
    return reorder(std::vector<LoopVar>{innermost, next, LoopVar(rest)...});
  }

  // spatial(var, axis): run loop `var` in parallel on the X or Y axis of the fanout of the
  // level it belongs to (the level whose boundary is the closest one above it): one child
  // instance (or MAC unit, for the innermost level) per iteration.
  //
  //   before:  for k_i in [0, 16): body       (k_i at GB)
  //   after:   parallel_x k_i in [0, 16): body   (16 instances of RF under each GB)
  //
  // Legal when: `var` names a current loop that is not unrolled; the level it belongs to
  // has a fanout with room on that axis (the product of the extents of the level's
  // spatial loops on that axis is at most the fanout's x or y; a level without a fanout
  // has room only for extent 1); and no temporal loop of the same level sits below it.
  // The checks are repeated by every later directive (a store_at that moves the loop to
  // another level must keep them). Mark spatial loops after placing the boundaries, and
  // mark a level's spatial loops innermost first. Calling it again changes the axis.
  Schedule &spatial(const LoopVar &var, Axis axis);

  // unroll(var): record that the backend should unroll loop `var` (software unrolling).
  // It changes no count and nothing in the Mapping; LoweredSchedule::unrolled lists it.
  //   before:  for r in [0, 3): body(r)     after:  body(0); body(1); body(2);
  // Legal when `var` names a current, temporal loop.
  Schedule &unroll(const LoopVar &var);

  // store_at(level, var): level `level` holds the tile below loop `var`: its boundary
  // sits just INSIDE `var`. So `var` and the loops above it belong to outer levels, and
  // the loops between this boundary and the next inner boundary belong to `level`.
  //
  //   for k_o:                  store_at("GB", k_o)    for k_o:          (DRAM)
  //     for c:                  ----------------->       [GB] for c:     (GB)
  //       MAC                                                   MAC
  //
  // To place a boundary below the innermost loop, name the innermost loop.
  // Legal when: `level` names a level of the architecture other than the outermost one
  // (whose boundary is fixed above every loop); `var` names a current loop; boundaries
  // still nest (the boundary of every level inside `level` is at or below the new one,
  // and of every level outside at or above it); spatial loops stay legal.
  Schedule &store_at(std::string_view level, const LoopVar &var);

  // store_root(level): put `level`'s boundary above every loop: one instance of `level`
  // holds the whole problem, and the levels outside it get no loops. Legal like store_at
  // (so every placed level outside `level` must be at the root too).
  Schedule &store_root(std::string_view level);

  // bypass(level, operand): level `level` does not keep `operand` (its tiles go straight
  // between the nearest outer and inner levels that keep it). No loop moves.
  // Legal when `level` names a level other than the outermost (which keeps everything)
  // and the operand is W, I or O. Bypassing an operand the architecture already lets the
  // level skip is recorded but changes nothing.
  Schedule &bypass(std::string_view level, Operand operand);
  Schedule &bypass(std::string_view level, std::string_view operand); // "W", "I" or "O"

  // add_loop(dim, name): add a loop of extent 1 over a dimension of extent 1, as the
  // outermost loop (name defaults to the dimension's letter in lower case). The default
  // nest omits such dimensions; this directive exists so that a Mapping listing a trip-1
  // loop of such a dimension can be reproduced exactly (dsl/cpp_printer.hpp).
  // Legal when the dimension has extent 1, has no loop yet, and the name is free.
  Schedule &add_loop(Dim dim);
  Schedule &add_loop(Dim dim, const LoopVar &name);

  // Replays a recorded directive (the same checks as the call it records).
  Schedule &apply(const Directive &d);

  // ---- lowering (defined in dsl/lower.cpp) ----------------------------------------
  LoweredSchedule lower() const;

  // ---- queries ----------------------------------------------------------------------
  const Problem &problem() const { return problem_; }
  const Architecture &arch() const { return arch_; }
  const std::vector<ScheduledLoop> &loops() const { return loops_; } // INNERMOST FIRST
  std::vector<std::string> loop_names() const;                       // INNERMOST FIRST
  std::string loop_list() const; // "[s, r, q, p, c, k]", innermost first
  bool has_loop(const LoopVar &v) const;
  const ScheduledLoop &loop(const LoopVar &v) const; // UserError if unknown
  // The storage level each loop belongs to (indexed like loops(): innermost first).
  std::vector<int> loop_levels() const;
  int level_of(const LoopVar &v) const;
  bool bypasses(int level, Operand o) const { return bypass_[level][idx(o)]; }
  bool any_bypass() const;
  // Every directive applied so far, in order.
  const std::vector<Directive> &history() const { return history_; }
  // The nest as pseudo-C, outermost first, with level boundaries, spatial and unrolled
  // loops, guards and index expressions (for documentation and debugging).
  std::string loop_nest() const;

  // A level boundary: above every loop (store_root), just inside a named loop (store_at),
  // or not placed yet (Unplaced: at the boundary of the nearest placed level inside it,
  // or below every loop if there is none).
  struct Boundary {
    enum class Kind : std::uint8_t { Root, Inside, Unplaced };
    Kind kind = Kind::Unplaced;
    std::string var; // for Inside
    bool operator==(const Boundary &) const = default;
  };
  const std::vector<Boundary> &boundaries() const { return boundaries_; } // per level

private:
  int find(const std::string &name) const;
  // Position of level l's boundary as a cut of the nest counted from the OUTSIDE:
  // 0 = above every loop, loops_.size() = below every loop.
  std::size_t cut(int level) const;
  // The level whose placement gives level l's boundary: l itself if it is placed, else
  // the nearest placed level inside it, else -1 (below every loop).
  int placed_level(int level) const;
  // Checks invariants (1)-(4); returns the violation or an empty string.
  std::string violation() const;
  // Throws UserError "<directive>: <detail>; loops (innermost first): [...]".
  [[noreturn]] void fail(const Directive &d, const std::string &detail) const;
  int level_by_name(const Directive &d) const;
  void commit(Schedule &&next, Directive d);

  Problem problem_;
  Architecture arch_;
  std::vector<ScheduledLoop> loops_;       // innermost first
  std::vector<Boundary> boundaries_;       // per level (innermost first)
  std::vector<OperandArray<bool>> bypass_; // per level
  std::vector<Directive> history_;
};

} // namespace tessel
