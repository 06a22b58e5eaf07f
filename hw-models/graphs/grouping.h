// Grouping: partition N weight-shared tasks into groups, each run as one stitched graph, groups
// one after another on the GPU. The `grouper` extension point (groupers/, one file per
// registered strategy) decides the group count and membership; GroupingEvaluator prices a
// partition with the GPU cost model.
//
// Price of a partition:
// - time of group g: graph_time(stitch(tasks of g)) (gpu_cost.h);
// - makespan: sum of group times; mean latency: groups ordered by time / size ascending (Smith's
//   rule, optimal for the mean completion time of jobs on one machine), a task completes when
//   its group does, mean over tasks;
// - memory: the weights of every group's merged graph, each distinct block once (groups of one
//   family still share the shared banks in memory), plus the largest group's peak activations
//   (groups run one at a time);
// - feasible: memory <= memory_budget_bytes (0: no budget).
// The objective is the one chosen; an infeasible partition is never better than a feasible one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "hw-models/graphs/gpu_cost.h"
#include "hw-models/graphs/op_graph.h"
#include "sim/params.h"

namespace graphs {

using Partition = std::vector<std::vector<int>>;

enum class Objective { kMeanLatency, kMakespan };

struct PartitionCost {
  double objective_ns = 0;  // mean latency or makespan
  sim::Time makespan;
  double mean_latency_ns = 0;
  std::int64_t memory_bytes = 0;
  bool feasible = true;
  // Strictly better: feasible beats infeasible, then lower objective, then less memory.
  bool better_than(const PartitionCost& o) const;
};

class GroupingEvaluator {
 public:
  // `tasks` outlive the evaluator; at most 63 tasks.
  GroupingEvaluator(std::vector<const Graph*> tasks, GpuCost gpu, Objective objective, std::int64_t memory_budget_bytes);
  int task_count() const { return static_cast<int>(tasks_.size()); }
  PartitionCost cost(const Partition& p);
  std::int64_t memory_budget_bytes() const { return budget_; }

  struct Group {
    sim::Time time;
    std::int64_t activation_bytes = 0;
    std::vector<std::pair<BlockId, std::int64_t>> blocks;  // distinct blocks and their bytes
  };
  const Group& group(const std::vector<int>& members);

 private:
  std::vector<const Graph*> tasks_;
  GpuCost gpu_;
  Objective objective_;
  std::int64_t budget_;
  std::map<std::uint64_t, Group> cache_;
};

class Grouper {
 public:
  static constexpr const char* kRegistryKind = "grouper";
  virtual ~Grouper() = default;
  virtual Partition group(GroupingEvaluator& eval) = 0;
};

std::unique_ptr<Grouper> make_grouper(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

}  // namespace graphs
