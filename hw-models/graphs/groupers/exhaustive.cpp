// `exhaustive`: every set partition of the tasks (restricted-growth strings; Bell(n) of them),
// the best by the evaluator's objective. The reference for small n.
#include <stdexcept>

#include <fmt/format.h>

#include "hw-models/graphs/grouping.h"
#include "sim/registry.h"

namespace graphs {
namespace {

class Exhaustive final : public Grouper {
 public:
  explicit Exhaustive(int max_tasks) : max_tasks_(max_tasks) {}
  Partition group(GroupingEvaluator& eval) override {
    int n = eval.task_count();
    if (n > max_tasks_) {
      throw std::invalid_argument(fmt::format("exhaustive grouping of {} tasks exceeds max_tasks {}", n, max_tasks_));
    }
    std::vector<int> a(static_cast<std::size_t>(n), 0);  // a[i]: group of task i, a[i] <= max(a[0..i-1]) + 1
    Partition best;
    PartitionCost best_cost;
    while (true) {
      int groups = 0;
      for (int x : a) groups = std::max(groups, x + 1);
      Partition p(static_cast<std::size_t>(groups));
      for (int t = 0; t < n; ++t) p[static_cast<std::size_t>(a[static_cast<std::size_t>(t)])].push_back(t);
      PartitionCost c = eval.cost(p);
      if (best.empty() || c.better_than(best_cost)) best = p, best_cost = c;
      // Next restricted-growth string.
      int i = n - 1;
      for (; i > 0; --i) {
        int prefix_max = 0;
        for (int j = 0; j < i; ++j) prefix_max = std::max(prefix_max, a[static_cast<std::size_t>(j)]);
        if (a[static_cast<std::size_t>(i)] <= prefix_max) {
          ++a[static_cast<std::size_t>(i)];
          for (int j = i + 1; j < n; ++j) a[static_cast<std::size_t>(j)] = 0;
          break;
        }
      }
      if (i <= 0) break;
    }
    return best;
  }

 private:
  int max_tasks_;
};

const sim::Registration<Grouper> kRegistration{
    "exhaustive", "every set partition of the tasks, the best by the objective (small n only)",
    {sim::param_int("max_tasks", 10, "", "refuse more tasks than this (Bell(10) = 115975 partitions)", 1, 14)},
    [](const sim::Params& p) { return std::make_unique<Exhaustive>(static_cast<int>(p.get_int("max_tasks"))); }};

}  // namespace
}  // namespace graphs
