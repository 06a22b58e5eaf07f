// A request's plan: which zoo variant runs each subgraph (a stitched variant; the zoo variants
// are the diagonal) and, optionally, on which processor (the placement order).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace policies {

// Simulated models have at most this many subgraphs (explorations may use more).
inline constexpr int kMaxPlanSubgraphs = 16;

struct Plan {
  std::array<std::int8_t, kMaxPlanSubgraphs> variant{};
  // Processor per subgraph; -1 lets the scheduler decide when the job becomes ready.
  std::array<std::int8_t, kMaxPlanSubgraphs> processor{};
  double accuracy = 0;  // of this stitched variant (measured, or the estimator's)

  // Zoo variant `v` on every subgraph, placement left to the scheduler.
  static Plan diagonal(int v, double accuracy) {
    Plan p;
    p.variant.fill(static_cast<std::int8_t>(v));
    p.processor.fill(-1);
    p.accuracy = accuracy;
    return p;
  }
  bool stitched(int subgraphs) const {
    for (int s = 1; s < subgraphs; ++s)
      if (variant[static_cast<std::size_t>(s)] != variant[0]) return true;
    return false;
  }
  bool operator==(const Plan&) const = default;
};

}  // namespace policies
