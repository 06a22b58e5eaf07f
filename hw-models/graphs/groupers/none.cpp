// `none`: no grouping — all tasks in one stitched graph.
#include <numeric>

#include "hw-models/graphs/grouping.h"
#include "sim/registry.h"

namespace graphs {
namespace {

class NoGrouping final : public Grouper {
 public:
  Partition group(GroupingEvaluator& eval) override {
    std::vector<int> all(static_cast<std::size_t>(eval.task_count()));
    std::iota(all.begin(), all.end(), 0);
    return {all};
  }
};

const sim::Registration<Grouper> kRegistration{"none", "one group of all tasks (no grouping)", {},
                                               [](const sim::Params&) { return std::make_unique<NoGrouping>(); }};

}  // namespace
}  // namespace graphs
