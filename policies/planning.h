// Planning support shared by SparseLoom's optimizer and its baselines: candidate plans of a task
// (zoo or stitched variants on placements) with their costs, and the joint, load-aware choice of
// one candidate per task.
//
// The joint choice under load and its waiting-time model are in joint_choice.h and queueing.h.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "policies/plan.h"
#include "policies/view.h"

namespace policies {

struct Candidate {
  Plan plan;
  std::int64_t latency_ns = 0;   // isolated: execution plus boundary costs
  std::int64_t boundary_ns = 0;  // part of latency_ns spent at boundaries
  std::int64_t memory_bytes = 0;
  std::array<std::int64_t, kMaxPlanSubgraphs> exec_ns{};
  bool zoo = true;  // every subgraph from the same zoo variant
};

struct CandidateOptions {
  bool stitched = false;     // all stitched variants (else the zoo's diagonal only)
  bool partitioned = true;   // subgraphs spread over processors (else all on one processor)
  std::string order;         // fixed placement order "npu>gpu>cpu" (partitioned only); empty: any
  // Which partitioned placements are allowed: "one_per_processor" (the paper: every subgraph on
  // a different processor), "contiguous" (each processor takes one run of subgraphs at most, so
  // a processor may be skipped) or "any".
  std::string placement = "contiguous";
  // Partitioned placements must use at least this many distinct processors (capped by the
  // subgraph and processor counts): 2 for the -P baselines, so that "partitioned" never
  // degenerates into one processor; 1 for SparseLoom, whose placements include both kinds.
  int min_processors = 1;
  std::string estimator = "analytic";  // accuracy of unmeasured stitched variants
  double precision_change_ms = 0.15;   // when the profile has no boundary cost for a pair
  std::string key() const;
};

// Candidates of `task`, Pareto-filtered per placement over (accuracy up, latency down, memory
// down). Cached per process by (profile instance, platform, model, options), since sweeps rebuild
// the same sets thousands of times; thread-safe. The profile is identified by its
// sim::InstanceId (never by address): it must not change after its candidates were asked for. Throws ConfigError for an order naming unknown processors
// or of the wrong length, and when no candidate exists.
const std::vector<Candidate>& task_candidates(const SystemView& view, int task, const CandidateOptions& options);

struct TaskDemand {
  const std::vector<Candidate>* candidates = nullptr;
  double rate_rps = 0;
  workloads::Slo slo;
  bool active = true;
};

// Index of the best candidate by `better(a, b)` ("a is better than b"); the first of equals
// wins, so choices are deterministic. -1 when there is none.
template <class Better>
int best_candidate(const std::vector<Candidate>& candidates, Better better) {
  int best = -1;
  for (int i = 0; i < static_cast<int>(candidates.size()); ++i) {
    if (best < 0 || better(candidates[static_cast<std::size_t>(i)], candidates[static_cast<std::size_t>(best)])) best = i;
  }
  return best;
}

}  // namespace policies
