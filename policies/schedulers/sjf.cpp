// Shortest job first at the request level (request_order.h): the request whose whole plan is
// predicted shortest (the fastest processor for each of its jobs, from the run's latency model,
// queues ignored) goes first. The key is fixed at arrival; srpt.cpp uses what remains instead.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Sjf final : public RequestOrderScheduler {
 public:
  using RequestOrderScheduler::RequestOrderScheduler;

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const ReadyJob& j = view.ready_jobs()[candidates[k]];
      key[k] = view.best_remaining(j.model, j.variant, 0).to_ms();
    }
  }
  const char* key_name() const override { return "predicted_total_ms"; }
};

const sim::Registration<Scheduler> kRegistration{
    "sjf", "request-level shortest job first (predicted whole-request time)", request_order_params(),
    [](const sim::Params& p) { return std::make_unique<Sjf>(p.get_bool("preemptive")); }};

}  // namespace
}  // namespace policies
