// The exact Pareto frontier of a design space over (accuracy up, latency down, memory down).
//
// A pair is on the frontier when no feasible pair is at least as good in all three objectives
// and better in one. Pairs with equal objective vectors appear once (one representative).
//
// exact_frontier() never enumerates the K^S tuples. It is a dynamic programme over subgraphs
// whose states are partial chains (subgraphs 0..s). Latency and weights add along the chain,
// activation memory is a running maximum, and accuracy is per-subgraph plus adjacent-pair terms
// (AccuracyModel). Two partial chains can be compared when every continuation costs and scores
// them the same way: the same placement-automaton state (processors used, last processor), the
// same boundary class of the last variant (its precision and, when the accuracy model has pair
// terms, its row of pair terms) and the same position in the trie of measured tuples (or
// outside it). Within such a group a partial chain that is no better than another in
// accuracy, latency, weights and activation can be dropped: each of its completions is weakly
// dominated by the same completion of the other. The final frontier is therefore exact.
#pragma once

#include <cstdint>
#include <vector>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/space.h"

namespace stitching {

struct FrontierPoint {
  std::vector<int> variants, processors;
  double accuracy = 0;
  bool measured = false;
  std::int64_t latency_ns = 0;
  std::int64_t memory_bytes = 0;
};

struct FrontierStats {
  std::uint64_t candidates = 0;  // partial chains generated over all subgraphs
  std::uint64_t kept = 0;        // partial chains that survived dominance pruning
  std::uint64_t largest_layer = 0;
};

// Frontier points sorted by latency, then memory, then accuracy (descending). Uses OpenMP
// threads; the result does not depend on their number.
std::vector<FrontierPoint> exact_frontier(const StitchSpace& space, const AccuracyModel& accuracy,
                                          const MeasuredAccuracy& measured, FrontierStats* stats = nullptr);

// Reference: enumerates every pair and filters. For tests and small spaces.
std::vector<FrontierPoint> brute_force_frontier(const StitchSpace& space, const AccuracyModel& accuracy,
                                                const MeasuredAccuracy& measured);

// Objective vectors of candidate points; returns the indices of the non-dominated ones, one per
// distinct vector (the first in the given order), sorted by latency, memory, accuracy desc.
struct Objectives {
  double accuracy;
  std::int64_t latency_ns, memory_bytes;
};
std::vector<std::size_t> pareto_indices(const std::vector<Objectives>& points);

}  // namespace stitching
