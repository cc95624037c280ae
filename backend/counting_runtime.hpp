// The run-time half of the backend's instrumented mode (private to backend/).
//
// The instrumented kernel runs the scheduled nest with its spatial loops in lockstep (all
// temporal loops outside, all spatial loops inside, so every instance of every level
// advances through its steps together, as on the machine). It writes the index of every
// loop into index_array() (slot = position in tessel::flatten(mapping)) and calls:
//
//   begin()            before the first iteration
//   step(pos)          when the temporal loop at flattened position pos starts an
//                      iteration other than its first (the steps of every level below that
//                      loop's level change)
//   mac(w, i, o)       for every MAC that runs (not guarded off), with the element offsets
//                      of the three words it touches
//   mac_step_end()     after the spatial loops of one temporal iteration (one MAC step)
//   finish()           after the last iteration
//
// At each step change the runtime derives every instance's new tile from the loop indices,
// and counts, per level and operand, the fills, updates, parent reads, read-modify-write
// reads and fanout words that docs/cost_model.md defines. At each MAC it counts the MAC
// unit's operand reads and partial-sum updates from the offsets the generated code computed.
// It checks residency as it goes: the level a MAC takes a word from holds that word, every
// word filled into a level is held by its parent, and every O word leaving a level was
// written there.
#pragma once

#include "cost_model/access_counts.hpp"
#include "cost_model/architecture.hpp"
#include "cost_model/mapping.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tessel::backend {

class CountingRuntime {
public:
  CountingRuntime(const Problem &p, const Architecture &a, const Mapping &m);

  std::int64_t *index_array() { return idx_.data(); }

  void begin();
  void step(int pos);
  void mac(std::int64_t w, std::int64_t i, std::int64_t o);
  void mac_step_end();
  void finish();

  const AccessCounts &counts() const { return counts_; }
  // Broken residency invariants (see above). Must stay 0.
  std::int64_t violations() const { return violations_; }
  const std::string &first_violation() const { return first_violation_; }

private:
  struct LoopInfo {
    Dim dim;
    std::int64_t trip;
    std::int64_t stride;
    int level;
    bool temporal;
  };
  // The words of one operand an instance holds (sorted offsets) and, for O, which of them
  // are valid (hold a partial sum).
  struct Held {
    std::vector<std::int64_t> words;
    std::vector<char> valid;
  };
  // How a child level (or the MAC units, level -1) reaches its parent for one operand.
  struct Link {
    int parent = -1;          // parent level, -1 when the child is the top of the chain
    std::int64_t crossed = 1; // product of the trips of the crossed spatial loops
    int first_crossed = 0;    // index, in the child's spatial tuple, of the first crossed loop
    std::vector<int> fanouts; // the levels whose fanouts are crossed (child+1 .. parent)
    std::vector<std::int64_t> trips; // per crossed spatial loop: its trip count
    std::vector<char> no_multicast;  // per crossed spatial loop: its fanout does not multicast
    std::vector<char> no_reduction;  // per crossed spatial loop: its fanout does not reduce
  };
  struct LevelState {
    std::vector<int> temporal_above; // flattened positions of temporal loops above the level
    std::vector<int> spatial_above;  // flattened positions of spatial loops above the level
    DimArray<std::int64_t> extent{}; // tile extents
    std::vector<std::vector<std::int64_t>> instance_spatial; // per instance: spatial indices
    OperandArray<Link> link;
    OperandArray<bool> keeps{};
    OperandArray<std::vector<Held>> held; // per instance (levels 0..L-1 only)
    OperandArray<std::vector<Held>> next; // new tiles during a step change
  };
  struct Key {
    std::int64_t a, b, c;
    bool operator==(const Key &) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key &k) const {
      std::uint64_t h = static_cast<std::uint64_t>(k.a) * 0x9E3779B97F4A7C15ull;
      h ^= static_cast<std::uint64_t>(k.b) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
      h ^= static_cast<std::uint64_t>(k.c) + 0x94D049BB133111EBull + (h << 6) + (h >> 2);
      return static_cast<std::size_t>(h);
    }
  };

  void change_steps(int changed_levels, bool ending);
  void compute_tile(int level, std::size_t instance, Operand o, Held &out) const;
  void leave(int level, bool ending);
  void fill(int level);
  std::int64_t group_id(const Link &link, const std::vector<std::int64_t> &spatial,
                        const std::vector<char> &mask) const;
  Held *parent_held(const Link &link, std::int64_t child_id, Operand o);
  static std::int64_t find(const Held &h, std::int64_t word);
  void violation(const std::string &what);
  OperandCounts &at(int level, Operand o) { return counts_.levels[level].operands[idx(o)]; }
  void add_fanout_words(const Link &link, Operand o, std::int64_t words);

  Problem problem_;
  Architecture arch_;
  std::vector<LoopInfo> loops_;
  std::vector<std::int64_t> idx_;
  std::vector<LevelState> levels_; // 0..L-1
  LevelState macs_;                // the MAC units (pseudo-level -1)
  // Per level l: product of the trips of the spatial loops of levels 0..l (a MAC unit's
  // number divided by it is the number of its level-l instance).
  std::vector<std::int64_t> below_;
  AccessCounts counts_;
  std::int64_t violations_ = 0;
  std::string first_violation_;

  // Per MAC step.
  std::vector<std::int64_t> pe_spatial_;
  std::vector<Key> step_reads_[2];     // W, I: (parent, group, word) per MAC
  std::vector<Key> step_partial_sums_; // O: (parent, word, reduction group) per MAC
};

} // namespace tessel::backend

// The entry points the generated code calls (registered in the JIT as absolute symbols).
extern "C" {
void tessel_rt_begin(void *rt);
void tessel_rt_step(void *rt, std::int64_t pos);
void tessel_rt_mac(void *rt, std::int64_t w, std::int64_t i, std::int64_t o);
void tessel_rt_mac_step_end(void *rt);
void tessel_rt_finish(void *rt);
}
