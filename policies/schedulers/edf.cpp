// Earliest deadline first at the request level (request_order.h): the ready job of the request
// with the earliest deadline (arrival + latency SLO in force at arrival) goes first. Optimal for
// meeting deadlines on one preemptive processor (Liu and Layland, 1973); here preemption happens
// only at job boundaries.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Edf final : public RequestOrderScheduler {
 public:
  using RequestOrderScheduler::RequestOrderScheduler;

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) key[k] = view.ready_jobs()[candidates[k]].deadline.to_ms();
  }
  const char* key_name() const override { return "deadline_ms"; }
};

const sim::Registration<Scheduler> kRegistration{
    "edf", "request-level earliest deadline first", request_order_params(),
    [](const sim::Params& p) { return std::make_unique<Edf>(p.get_bool("preemptive")); }};

}  // namespace
}  // namespace policies
