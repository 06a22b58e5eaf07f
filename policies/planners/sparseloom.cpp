// SparseLoom's sparsity-aware optimizer: over every stitched variant (subgraph s from any zoo
// variant) and placement (on one processor or split over several), jointly for all active tasks,
// the choice with the fewest predicted SLO violations under the queueing model (joint_choice.h),
// then the lowest bottleneck utilisation and memory. Guarded: it starts from the choice AV would
// make over the zoo variants on the same placements and keeps it unless stitching is predicted
// to lower violations by more than `stitch_margin`, so prediction error alone does not make it
// lose to its own baseline.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

std::vector<sim::ParamSpec> params() {
  auto p = planner_params(1);
  p.push_back(sim::param_double("stitch_margin", 0.002, "",
                                "share of requests by which stitching must be predicted to lower violations to "
                                "replace the zoo choice; negative: no guard",
                                -1.0, 1.0));
  return p;
}

const sim::Registration<VariantSelector> kRegistration{
    "sparseloom", "SparseLoom: stitched variant + placement per task, chosen jointly under load (meets SLOs, max throughput)",
    params(), [](const sim::Params& p) {
      return std::make_unique<JointPlanner>(planner_options(p, true), p.get_double("stitch_margin"));
    }};

}  // namespace
}  // namespace policies
