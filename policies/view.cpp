#include "policies/view.h"

namespace policies {

sim::Time SystemView::best_remaining(int model, int variant, int from_subgraph) const {
  sim::Time total;
  int count = profile().models[model].subgraph_count;
  for (int s = from_subgraph; s < count; ++s) {
    sim::Time best = sim::Time::max();
    for (int p = 0; p < processor_count(); ++p) best = std::min(best, expected_latency(model, variant, s, p));
    if (best == sim::Time::max()) return best;
    total += best;
  }
  return total;
}

}  // namespace policies
