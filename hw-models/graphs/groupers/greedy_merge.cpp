// `greedy_merge`: starts from one group per task and repeatedly merges the pair of groups whose
// union improves the partition most (by the evaluator's objective, feasibility first), until no
// merge improves it. Pairs that share more weight blocks gain more (their shared banks run once),
// so membership follows sharing. O(n^3) evaluations at most.
#include <algorithm>

#include "hw-models/graphs/grouping.h"
#include "sim/registry.h"

namespace graphs {
namespace {

class GreedyMerge final : public Grouper {
 public:
  Partition group(GroupingEvaluator& eval) override {
    Partition p;
    for (int t = 0; t < eval.task_count(); ++t) p.push_back({t});
    PartitionCost cur = eval.cost(p);
    while (p.size() > 1) {
      Partition best;
      PartitionCost best_cost = cur;
      for (std::size_t i = 0; i < p.size(); ++i) {
        for (std::size_t j = i + 1; j < p.size(); ++j) {
          Partition q;
          for (std::size_t k = 0; k < p.size(); ++k)
            if (k != i && k != j) q.push_back(p[k]);
          std::vector<int> u = p[i];
          u.insert(u.end(), p[j].begin(), p[j].end());
          std::sort(u.begin(), u.end());
          q.push_back(u);
          PartitionCost c = eval.cost(q);
          if (c.better_than(best_cost)) best = q, best_cost = c;
        }
      }
      if (best.empty()) break;
      p = best;
      cur = best_cost;
    }
    return p;
  }
};

const sim::Registration<Grouper> kRegistration{
    "greedy_merge", "merge the pair of groups that improves the objective most, until none does", {},
    [](const sim::Params&) { return std::make_unique<GreedyMerge>(); }};

}  // namespace
}  // namespace graphs
