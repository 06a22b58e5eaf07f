// The design space of one task on one platform: every stitched variant (a zoo variant per
// subgraph) on every allowed placement (a processor per subgraph), as flat integer tables.
//
// Contract: a StitchSpace holds everything latency and memory need, copied out of the profile
// and platform into dense arrays, so the enumerator and the frontier search never touch a map
// or a string. Latency is integer nanoseconds (sums are exact and order-free), memory is bytes.
//   latency(x, p) = sum_s unit_latency(s, x_s, p_s)
//                 + sum_{s>=1} precision_change(s, precision(x_{s-1}), precision(x_s), p_s)
//                 + sum_{s>=1} handoff(p_{s-1}, p_s)
//   memory(x)     = sum_s weights(s, x_s) + max_s activation(s, x_s)
// A (variant, subgraph, processor) without a latency entry in the profile cannot run there
// (that processor lacks the precision or the sparse kernels); a stitched variant whose memory
// exceeds the budget is infeasible on every placement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"

namespace stitching {

// Which processor sequences are allowed.
//   any:               every subgraph on any processor (P^S sequences; several subgraphs may
//                      share a processor, and a processor may be revisited).
//   contiguous:        each processor takes one contiguous run of subgraphs at most, in any
//                      processor order (the paper's NPU->GPU->CPU orders, generalised to S > P).
//   one_per_processor: every subgraph on a different processor (the paper; needs S <= P).
enum class PlacementRule { kAny, kContiguous, kOnePerProcessor };
PlacementRule placement_rule_from_string(const std::string& name);  // throws std::invalid_argument
std::string to_string(PlacementRule rule);
inline const std::vector<std::string>& placement_rule_names() {
  static const std::vector<std::string> names = {"any", "contiguous", "one_per_processor"};
  return names;
}

// A small automaton over placements: a state remembers the processors used so far and the last
// one; step() returns the next state or -1 when the rule forbids that processor next.
class PlacementAutomaton {
 public:
  PlacementAutomaton(PlacementRule rule, int processors);
  static constexpr int kStart = 0;
  int step(int state, int processor) const { return next_[static_cast<std::size_t>(state * processors_ + processor)]; }
  int last_processor(int state) const { return last_[static_cast<std::size_t>(state)]; }  // -1 at the start
  int states() const { return static_cast<int>(last_.size()); }
  // Number of processor sequences of length `length` the rule allows.
  std::uint64_t count_sequences(int length) const;

 private:
  int processors_;
  std::vector<int> next_, last_;
};

struct SpaceSettings {
  PlacementRule placement = PlacementRule::kContiguous;
  // Cost of converting activations at a boundary where adjacent subgraphs differ in precision.
  // Used for every (from, to, processor) the profile's boundary_costs do not cover.
  double precision_change_ms = 0.15;
  // Memory a stitched variant may use; <= 0 means the platform's capacity.
  std::int64_t memory_budget_bytes = 0;
  // Unit latencies are this model's expected() (the run's latency model, so planners, schedulers
  // and the execution model agree); null: the profile's mean.
  const hw::LatencyModel* latency = nullptr;
};

inline constexpr int kMaxVariants = 255;
inline constexpr int kMaxSubgraphs = 64;
inline constexpr int kMaxProcessors = 16;
inline constexpr int kPrecisions = 3;  // fp32, fp16, int8
int precision_code(const std::string& precision);

struct StitchSpace {
  std::string model;
  int subgraphs = 0;   // S
  int variants = 0;    // K
  int processors = 0;  // P: platform processors the profile covers, in platform order
  std::vector<std::string> processor_names;
  std::vector<int> platform_processor;  // [p] -> index in the platform
  std::vector<std::string> variant_names;
  std::vector<int> precision;  // [v] precision code
  // [(s*K + v)*P + p]: mean latency in ns, or -1 when that processor cannot run it.
  std::vector<std::int64_t> unit_latency_ns;
  std::vector<std::int64_t> weights_bytes, activation_bytes;  // [s*K + v]
  // [((s*3 + from)*3 + to)*P + p]: converting activations into subgraph s (s >= 1) on processor
  // p from precision `from` to `to`; 0 when from == to.
  std::vector<std::int64_t> precision_change_ns;
  std::vector<std::int64_t> handoff_ns;                       // [from*P + to]
  std::int64_t memory_budget_bytes = 0;
  PlacementRule placement = PlacementRule::kContiguous;
  // Precision-change costs taken from the profile's boundary_costs (the rest from the settings).
  int precision_changes_from_profile = 0;

  std::int64_t unit_latency(int s, int v, int p) const {
    return unit_latency_ns[static_cast<std::size_t>((s * variants + v) * processors + p)];
  }
  std::int64_t weights(int s, int v) const { return weights_bytes[static_cast<std::size_t>(s * variants + v)]; }
  std::int64_t activation(int s, int v) const { return activation_bytes[static_cast<std::size_t>(s * variants + v)]; }
  // Boundary cost entering subgraph s (s >= 1) from (prev_variant, prev_proc) into (v, p).
  std::int64_t boundary_ns(int s, int prev_variant, int prev_proc, int v, int p) const {
    std::size_t k = static_cast<std::size_t>(
        ((s * kPrecisions + precision[static_cast<std::size_t>(prev_variant)]) * kPrecisions +
         precision[static_cast<std::size_t>(v)]) * processors + p);
    return precision_change_ns[k] + handoff_ns[static_cast<std::size_t>(prev_proc * processors + p)];
  }
  // K^S as a double (it overflows 64 bits for large spaces).
  double tuple_count() const;
};

// Builds the space of `model` (an index into profile.models) on `platform`. Throws
// sim::ConfigError naming the profile file and JSON path when the profile lacks what the
// exploration needs (no processor in common, a subgraph no processor can run in any variant,
// more variants, subgraphs or processors than supported, one_per_processor with S > P).
StitchSpace build_space(const hw::Profile& profile, int model, const hw::Platform& platform,
                        const SpaceSettings& settings);

// Latency (ns), weights and activation of one (tuple, placement), or latency -1 when a unit
// cannot run there. Reference implementation for tests; the enumerator and the frontier search
// accumulate the same terms in the same order.
struct Cost {
  std::int64_t latency_ns = -1;
  std::int64_t weights_bytes = 0, activation_bytes = 0;
  std::int64_t memory_bytes() const { return weights_bytes + activation_bytes; }
};
Cost evaluate_cost(const StitchSpace& space, const int* variants, const int* processors);

// "a|b|c" from variant indices and "npu>gpu>cpu" from processor indices.
std::string tuple_label(const StitchSpace& space, const int* variants);
std::string placement_label(const StitchSpace& space, const int* processors);

}  // namespace stitching
