// Variant selection (planning): which stitched variant serves a request, and optionally where
// each of its subgraphs runs, decided when the request arrives. SparseLoom's optimizer and its
// baselines (SV-AO, SV-LO, AV, each partitioned or not) are implementations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/plan.h"
#include "policies/view.h"
#include "sim/params.h"

namespace policies {

class VariantSelector {
 public:
  static constexpr const char* kRegistryKind = "variant_selector";
  virtual ~VariantSelector() = default;
  // Called once before the run (after the scheduler's bind): precomputation over the profile
  // and platform. Throws ConfigError for parameters that do not fit them.
  virtual void bind(const SystemView& view) { (void)view; }
  // The plan for a new request of `task`. Every subgraph's variant must be runnable on its
  // pinned processor, or on some processor when not pinned (see runnable()).
  virtual Plan choose(const SystemView& view, int task) = 0;
  // The plans this selector expects to use for each task over the run (with repetition, one per
  // anticipated SLO configuration), for the preloader. Default: the plan choose() gives now.
  virtual std::vector<std::vector<Plan>> anticipated_plans(const SystemView& view);
  // Why the last plan choose() gave `task` was chosen, in one line (for the decisions table and
  // `stitchsim explain`); empty when the selector has nothing to add.
  virtual std::string explain(const SystemView& view, int task) const {
    (void)view;
    (void)task;
    return "";
  }
};

// True when every subgraph of the variant can run on at least one processor.
bool runnable(const SystemView& view, int model, int variant);
// Accuracy of zoo variant `v` of the task's model.
double zoo_accuracy(const SystemView& view, int task, int variant);

std::unique_ptr<VariantSelector> make_variant_selector(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

}  // namespace policies
