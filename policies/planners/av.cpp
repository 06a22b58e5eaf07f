// AV (adaptive variant): SparseLoom's joint, load-aware optimizer restricted to the zoo's own
// variants (no stitching), re-run whenever SLOs change or a task arrives.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<VariantSelector> kRegistration{
    "av", "AV baseline: adaptive choice among zoo variants (no stitching), joint and load-aware", planner_params(),
    [](const sim::Params& p) { return std::make_unique<JointPlanner>(planner_options(p, false)); }};

}  // namespace
}  // namespace policies
