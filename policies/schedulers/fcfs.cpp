// First come, first served at the request level: whenever a processor frees up, the ready job of
// the earliest-arrived request goes (request_order.h). With preemption (default), a request that
// arrived earlier overtakes a later one at its next job boundary; without, requests under way go
// first. This is what users of multi-DNN schedulers call FCFS for chains of layer jobs; Band's
// round robin and SLE serve jobs in the order they became ready instead.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Fcfs final : public RequestOrderScheduler {
 public:
  using RequestOrderScheduler::RequestOrderScheduler;

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) key[k] = view.ready_jobs()[candidates[k]].arrival.to_ms();
  }
  const char* key_name() const override { return "arrival_ms"; }
};

const sim::Registration<Scheduler> kRegistration{
    "fcfs", "request-level first come first served: the earliest-arrived request's ready job goes first",
    request_order_params(), [](const sim::Params& p) { return std::make_unique<Fcfs>(p.get_bool("preemptive")); }};

}  // namespace
}  // namespace policies
