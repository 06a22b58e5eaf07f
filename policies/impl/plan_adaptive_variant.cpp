// AV (adaptive variant): like SparseLoom's optimizer, but only among the zoo's own variants (no
// stitching): the joint, load-aware choice re-made whenever SLOs change or a task arrives.
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

class AdaptiveVariant final : public CandidatePlanner {
 public:
  using CandidatePlanner::CandidatePlanner;

 protected:
  std::vector<int> decide(const SystemView& view, const std::vector<TaskDemand>& d) override {
    return choose_joint(view, d);
  }
};

const sim::Registration<VariantSelector> kRegistration{
    "av", "AV baseline: adaptive choice among zoo variants (no stitching), joint and load-aware", planner_params(),
    [](const sim::Params& p) { return std::make_unique<AdaptiveVariant>(planner_options(p, false)); }};

}  // namespace
}  // namespace policies
