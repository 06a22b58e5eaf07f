// Shortest expected latency (Band): each ready job, oldest first, is queued at once on the
// processor where it is expected to finish first: queue backlog + max(load, hand-off) +
// execution. Backlog added by earlier decisions in the same call is counted.
#include "policies/scheduler.h"
#include "sim/registry.h"

namespace policies {
namespace {

class ShortestExpectedLatency final : public Scheduler {
 protected:
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) override {
    const auto& ready = view.ready_jobs();
    int n = view.processor_count();
    added_.assign(static_cast<std::size_t>(n), sim::Time::zero());
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (skip[i]) continue;
      const ReadyJob& j = ready[i];
      sim::Time load = view.expected_load(j.model, j.variant, j.subgraph);
      int best = -1;
      sim::Time best_t = sim::Time::max();
      sim::Time best_exec;
      for (int p = 0; p < n; ++p) {
        sim::Time exec = view.expected_latency(j.model, j.variant, j.subgraph, p);
        if (exec == sim::Time::max()) continue;
        int slots = view.platform().processors[p].slots;
        sim::Time t = view.backlog(p) + sim::Time{added_[p].ns / slots} +
                      std::max(load, view.platform().handoff_cost(j.prev_processor, p)) + exec;
        if (t < best_t) best_t = t, best = p, best_exec = exec;
      }
      if (best < 0) {
        out.drops.push_back({i, "no_processor"});
        continue;
      }
      added_[static_cast<std::size_t>(best)] += best_exec;
      out.assignments.push_back({i, best});
    }
  }

 private:
  std::vector<sim::Time> added_;
};

const sim::Registration<Scheduler> kRegistration{
    "shortest_expected_latency", "queue each job where it is expected to finish first (Band: SLE)",
    with_common_params({}), [](const sim::Params&) { return std::make_unique<ShortestExpectedLatency>(); }};

}  // namespace
}  // namespace policies
