// SV-LO (single variant, latency-optimal): each task always runs its fastest zoo variant, whatever
// the SLO, on its fastest placement (partitioned) or fastest single processor.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<VariantSelector> kRegistration{
    "sv_lo", "SV-LO baseline: always the fastest zoo variant, on its fastest placement", planner_params(),
    [](const sim::Params& p) { return std::make_unique<SingleVariantPlanner>(planner_options(p, false), false); }};

}  // namespace
}  // namespace policies
