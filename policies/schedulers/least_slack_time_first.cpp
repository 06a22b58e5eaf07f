// Least slack time first (Band: LST): when processors are idle, the ready job with the least
// slack (deadline - now - fastest remaining time) goes first, to the idle processor that runs
// it fastest. Jobs wait in the ready pool otherwise, so urgency is decided as late as possible.
#include <algorithm>
#include <numeric>

#include "policies/scheduler.h"
#include "sim/registry.h"

namespace policies {
namespace {

class LeastSlackTimeFirst final : public Scheduler {
 protected:
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) override {
    const auto& ready = view.ready_jobs();
    int n = view.processor_count();
    free_.assign(static_cast<std::size_t>(n), 0);
    int total_free = 0;
    for (int p = 0; p < n; ++p) {
      int f = view.platform().processors[p].slots - view.busy_slots(p) - static_cast<int>(view.queue_length(p));
      free_[static_cast<std::size_t>(p)] = std::max(0, f);
      total_free += free_[static_cast<std::size_t>(p)];
    }
    if (total_free == 0) return;
    order_.clear();
    slack_.resize(ready.size());
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (skip[i]) continue;
      const ReadyJob& j = ready[i];
      sim::Time rest = view.best_remaining(j.model, j.variant, j.subgraph);
      slack_[i] = rest == sim::Time::max() ? INT64_MAX : (j.deadline - view.now() - rest).ns;
      order_.push_back(i);
    }
    // Stable: equal slack keeps arrival order, so decisions are deterministic.
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return slack_[a] < slack_[b]; });
    for (std::size_t i : order_) {
      if (total_free == 0) break;
      const ReadyJob& j = ready[i];
      int best = -1;
      sim::Time best_t = sim::Time::max();
      for (int p = 0; p < n; ++p) {
        if (free_[static_cast<std::size_t>(p)] == 0) continue;
        sim::Time t = view.expected_latency(j.model, j.variant, j.subgraph, p);
        if (t < best_t) best_t = t, best = p;
      }
      if (best < 0) continue;  // every idle processor is unable to run it; wait
      out.assignments.push_back({i, best});
      --free_[static_cast<std::size_t>(best)];
      --total_free;
    }
  }

 private:
  std::vector<int> free_;
  std::vector<std::size_t> order_;
  std::vector<std::int64_t> slack_;
};

const sim::Registration<Scheduler> kRegistration{
    "least_slack_time_first", "idle processors take the ready job with the least slack (Band: LST)",
    with_common_params({}), [](const sim::Params&) { return std::make_unique<LeastSlackTimeFirst>(); }};

}  // namespace
}  // namespace policies
