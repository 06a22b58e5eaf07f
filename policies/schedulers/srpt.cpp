// Shortest remaining processing time at the request level (request_order.h): the request whose
// remaining jobs (from the ready one to the end, each on its fastest processor, from the run's
// latency model) are predicted shortest goes first. With preemption at job boundaries, a short
// request arriving overtakes a long one under way, which minimises mean latency on one processor.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Srpt final : public RequestOrderScheduler {
 public:
  using RequestOrderScheduler::RequestOrderScheduler;

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const ReadyJob& j = view.ready_jobs()[candidates[k]];
      key[k] = view.best_remaining(j.model, j.variant, j.subgraph).to_ms();
    }
  }
  const char* key_name() const override { return "predicted_remaining_ms"; }
};

const sim::Registration<Scheduler> kRegistration{
    "srpt", "request-level shortest remaining processing time", request_order_params(),
    [](const sim::Params& p) { return std::make_unique<Srpt>(p.get_bool("preemptive")); }};

}  // namespace
}  // namespace policies
