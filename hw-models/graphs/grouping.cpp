#include "hw-models/graphs/grouping.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "hw-models/graphs/stitch.h"
#include "sim/registry.h"

namespace graphs {

bool PartitionCost::better_than(const PartitionCost& o) const {
  if (feasible != o.feasible) return feasible;
  if (objective_ns != o.objective_ns) return objective_ns < o.objective_ns;
  return memory_bytes < o.memory_bytes;
}

GroupingEvaluator::GroupingEvaluator(std::vector<const Graph*> tasks, GpuCost gpu, Objective objective,
                                     std::int64_t memory_budget_bytes)
    : tasks_(std::move(tasks)), gpu_(std::move(gpu)), objective_(objective), budget_(memory_budget_bytes) {
  if (tasks_.empty() || tasks_.size() > 63) throw std::invalid_argument("grouping needs 1..63 tasks");
}

const GroupingEvaluator::Group& GroupingEvaluator::group(const std::vector<int>& members) {
  std::uint64_t mask = 0;
  for (int t : members) {
    if (t < 0 || t >= task_count()) throw std::invalid_argument(fmt::format("grouping: no task {}", t));
    mask |= 1ULL << t;
  }
  auto it = cache_.find(mask);
  if (it != cache_.end()) return it->second;
  std::vector<const Graph*> gs;
  std::vector<int> ids;
  for (int t = 0; t < task_count(); ++t)
    if (mask >> t & 1) gs.push_back(tasks_[static_cast<std::size_t>(t)]), ids.push_back(t);
  Merged m = stitch(gs, ids);
  Group g;
  g.time = graph_time(m.graph, gpu_);
  g.activation_bytes = peak_activation_bytes(m.graph);
  std::map<BlockId, std::int64_t> blocks;
  for (auto [v, end] = boost::vertices(m.graph); v != end; ++v)
    for (BlockId b : m.graph[*v].blocks()) blocks[b] = m.graph[*v].weight_bytes();
  g.blocks.assign(blocks.begin(), blocks.end());
  return cache_.emplace(mask, std::move(g)).first->second;
}

PartitionCost GroupingEvaluator::cost(const Partition& p) {
  std::vector<int> seen(tasks_.size(), 0);
  for (const auto& grp : p) {
    if (grp.empty()) throw std::invalid_argument("grouping: an empty group");
    for (int t : grp) {
      if (t < 0 || t >= task_count()) throw std::invalid_argument(fmt::format("grouping: no task {}", t));
      ++seen[static_cast<std::size_t>(t)];
    }
  }
  for (std::size_t t = 0; t < seen.size(); ++t)
    if (seen[t] != 1) throw std::invalid_argument(fmt::format("grouping: task {} is in {} groups", t, seen[t]));
  PartitionCost c;
  std::map<BlockId, std::int64_t> blocks;
  std::int64_t act = 0;
  std::vector<std::pair<double, double>> jobs;  // time, size
  for (const auto& grp : p) {
    const Group& g = group(grp);
    c.makespan += g.time;
    act = std::max(act, g.activation_bytes);
    for (const auto& [b, bytes] : g.blocks) blocks[b] = bytes;
    jobs.emplace_back(static_cast<double>(g.time.ns), static_cast<double>(grp.size()));
  }
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.first * b.second < b.first * a.second; });
  double clock = 0, sum = 0;
  for (const auto& [time, size] : jobs) {
    clock += time;
    sum += clock * size;
  }
  c.mean_latency_ns = sum / static_cast<double>(tasks_.size());
  for (const auto& [b, bytes] : blocks) c.memory_bytes += bytes;
  c.memory_bytes += act;
  c.feasible = budget_ <= 0 || c.memory_bytes <= budget_;
  c.objective_ns = objective_ == Objective::kMakespan ? static_cast<double>(c.makespan.ns) : c.mean_latency_ns;
  return c;
}

std::unique_ptr<Grouper> make_grouper(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<Grouper>::instance().create(node, resolved);
}

}  // namespace graphs
