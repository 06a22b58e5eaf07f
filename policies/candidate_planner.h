// Base of the planners that pick among candidate plans (planning.h): SparseLoom and its
// baselines. It owns the per-task candidate sets and re-plans whenever the set of active tasks
// or any SLO changes (SparseLoom: "whenever SLOs change or a task arrives"); between changes
// every request of a task gets the same plan.
#pragma once

#include <vector>

#include "policies/joint_choice.h"
#include "policies/planning.h"
#include "policies/variant_selector.h"

namespace policies {

class CandidatePlanner : public VariantSelector {
 public:
  explicit CandidatePlanner(CandidateOptions options) : options_(std::move(options)) {}
  void bind(const SystemView& view) override;
  Plan choose(const SystemView& view, int task) override;
  // The plans chosen for each task across SLO configurations around the configured ones
  // (latency scaled 0.5x..2x, accuracy -2..+1 points), for the hot-subgraph preloader.
  std::vector<std::vector<Plan>> anticipated_plans(const SystemView& view) override;

  std::uint64_t replans() const { return replans_; }
  std::string explain(const SystemView& view, int task) const override;

 protected:
  // One candidate index per task (-1: inactive). `demands` holds candidate sets, rates, SLOs
  // and activity.
  virtual std::vector<int> decide(const SystemView& view, const std::vector<TaskDemand>& demands) = 0;

 private:
  CandidateOptions options_;
  std::vector<const std::vector<Candidate>*> candidates_;
  std::vector<int> chosen_;
  std::vector<double> key_;  // active flags and SLO values the current plans were made for
  std::uint64_t replans_ = 0;
};

// The joint, load-aware choice (joint_choice.h) over the candidate set: AV over the zoo's own
// variants (choose_joint); SparseLoom over stitched variants, guarded by AV's choice over the
// same placements (choose_joint_guarded with `stitch_margin`; a negative margin turns the guard
// off and runs the plain descent over every candidate).
class JointPlanner final : public CandidatePlanner {
 public:
  explicit JointPlanner(CandidateOptions o, double stitch_margin = -1.0)
      : CandidatePlanner(std::move(o)), stitch_margin_(stitch_margin) {}

 protected:
  std::vector<int> decide(const SystemView& view, const std::vector<TaskDemand>& demands) override {
    return stitch_margin_ < 0 ? choose_joint(view, demands) : choose_joint_guarded(view, demands, stitch_margin_);
  }

 private:
  double stitch_margin_;
};

// SV-AO and SV-LO: each task always runs one zoo variant, whatever the SLO: the most accurate
// (accuracy-optimal) or the fastest (latency-optimal), on its fastest placement.
class SingleVariantPlanner final : public CandidatePlanner {
 public:
  SingleVariantPlanner(CandidateOptions o, bool accuracy_optimal)
      : CandidatePlanner(std::move(o)), accuracy_optimal_(accuracy_optimal) {}

 protected:
  std::vector<int> decide(const SystemView& view, const std::vector<TaskDemand>& demands) override;

 private:
  bool accuracy_optimal_;
};

// Parameters every candidate planner declares; `min_processors` defaults to
// `default_min_processors` (2 for the -P baselines, 1 for SparseLoom).
std::vector<sim::ParamSpec> planner_params(int default_min_processors = 2);
CandidateOptions planner_options(const sim::Params& p, bool stitched);

}  // namespace policies
