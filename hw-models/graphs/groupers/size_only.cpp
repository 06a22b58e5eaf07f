// `size_only`: groups of one size k (tasks in index order, the last group takes the rest), the
// best k by the evaluator's objective; membership is not chosen, only the size.
#include <algorithm>

#include "hw-models/graphs/grouping.h"
#include "sim/registry.h"

namespace graphs {
namespace {

class SizeOnly final : public Grouper {
 public:
  Partition group(GroupingEvaluator& eval) override {
    int n = eval.task_count();
    Partition best;
    PartitionCost best_cost;
    for (int k = 1; k <= n; ++k) {
      Partition p;
      for (int t = 0; t < n; t += k) {
        std::vector<int> g;
        for (int u = t; u < std::min(n, t + k); ++u) g.push_back(u);
        p.push_back(g);
      }
      PartitionCost c = eval.cost(p);
      if (best.empty() || c.better_than(best_cost)) best = p, best_cost = c;
    }
    return best;
  }
};

const sim::Registration<Grouper> kRegistration{
    "size_only", "equal-size groups in task order, the best size by the objective (membership not chosen)", {},
    [](const sim::Params&) { return std::make_unique<SizeOnly>(); }};

}  // namespace
}  // namespace graphs
