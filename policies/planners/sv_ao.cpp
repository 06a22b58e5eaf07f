// SV-AO (single variant, accuracy-optimal): each task always runs its most accurate zoo variant,
// whatever the SLO, on its fastest placement (partitioned) or fastest single processor.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<VariantSelector> kRegistration{
    "sv_ao", "SV-AO baseline: always the most accurate zoo variant, on its fastest placement", planner_params(),
    [](const sim::Params& p) { return std::make_unique<SingleVariantPlanner>(planner_options(p, false), true); }};

}  // namespace
}  // namespace policies
