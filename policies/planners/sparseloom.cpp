// SparseLoom's sparsity-aware optimizer: over every stitched variant (subgraph s from any zoo
// variant) and placement, jointly for all active tasks, the choice that meets the most SLOs,
// then maximises throughput (lowest bottleneck utilisation) given the other tasks' load.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

const sim::Registration<VariantSelector> kRegistration{
    "sparseloom", "SparseLoom: stitched variant + placement per task, chosen jointly under load (meets SLOs, max throughput)",
    planner_params(), [](const sim::Params& p) { return std::make_unique<JointPlanner>(planner_options(p, true)); }};

}  // namespace
}  // namespace policies
