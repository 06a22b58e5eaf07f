// Shortest job first at the request level (request_order.h): the request whose whole plan is
// predicted shortest (the fastest processor for each of its jobs, from the run's latency model,
// queues ignored) goes first. The key is fixed at arrival; srpt.cpp uses what remains instead.
#include "policies/request_order.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<Scheduler> kRegistration{
    "sjf", "request-level shortest job first (predicted whole-request time)", request_order_params(),
    [](const sim::Params& p) { return std::make_unique<PredictedWorkOrder>(p.get_bool("preemptive"), true); }};

}  // namespace
}  // namespace policies
