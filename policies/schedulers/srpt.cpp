// Shortest remaining processing time at the request level (request_order.h): the request whose
// remaining jobs (from the ready one to the end, each on its fastest processor, from the run's
// latency model) are predicted shortest goes first. With preemption at job boundaries, a short
// request arriving overtakes a long one under way, which minimises mean latency on one processor.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<Scheduler> kRegistration{
    "srpt", "request-level shortest remaining processing time", request_order_params(),
    [](const sim::Params& p) { return std::make_unique<PredictedWorkOrder>(p.get_bool("preemptive"), false); }};

}  // namespace
}  // namespace policies
