// Round robin (Band): idle processors, taken in turn, each receive the oldest ready job they
// can run. Jobs wait in the ready pool until some processor is idle.
#include "policies/scheduler.h"
#include "sim/registry.h"

namespace policies {
namespace {

class RoundRobin final : public Scheduler {
 protected:
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) override {
    const auto& ready = view.ready_jobs();
    int n = view.processor_count();
    taken_.assign(ready.size(), false);
    const int first = next_;  // next_ moves as processors take jobs; the turn order must not
    for (int k = 0; k < n; ++k) {
      int p = (first + k) % n;
      int free_slots = view.platform().processors[p].slots - view.busy_slots(p) - static_cast<int>(view.queue_length(p));
      for (std::size_t i = 0; i < ready.size() && free_slots > 0; ++i) {
        if (skip[i] || taken_[i]) continue;
        const ReadyJob& j = ready[i];
        if (!view.can_run(j.model, j.variant, j.subgraph, p)) continue;
        out.assignments.push_back({i, p});
        taken_[i] = true;
        --free_slots;
        next_ = (p + 1) % n;
      }
    }
  }

 private:
  int next_ = 0;
  std::vector<bool> taken_;
};

const sim::Registration<Scheduler> kRegistration{
    "round_robin", "idle processors in turn take the oldest ready job they can run (Band)", with_common_params({}),
    [](const sim::Params&) { return std::make_unique<RoundRobin>(); }};

}  // namespace
}  // namespace policies
