// SV-AO and SV-LO (single variant): each task always runs one zoo variant, whatever the SLO —
// the most accurate (accuracy-optimal) or the fastest (latency-optimal) — on its fastest
// placement (partitioned) or fastest single processor (not partitioned).
#include "policies/candidate_planner.h"
#include "sim/registry.h"

namespace policies {
namespace {

class SingleVariant final : public CandidatePlanner {
 public:
  SingleVariant(CandidateOptions o, bool accuracy_optimal) : CandidatePlanner(std::move(o)), ao_(accuracy_optimal) {}

 protected:
  std::vector<int> decide(const SystemView&, const std::vector<TaskDemand>& demands) override {
    std::vector<int> out;
    for (const auto& d : demands) {
      int best = best_candidate(*d.candidates, [this](const Candidate& c, const Candidate& b) {
        if (ao_) return c.plan.accuracy > b.plan.accuracy || (c.plan.accuracy == b.plan.accuracy && c.latency_ns < b.latency_ns);
        return c.latency_ns < b.latency_ns || (c.latency_ns == b.latency_ns && c.plan.accuracy > b.plan.accuracy);
      });
      out.push_back(best);
    }
    return out;
  }

 private:
  bool ao_;
};

const sim::Registration<VariantSelector> kAccuracyOptimal{
    "sv_ao", "SV-AO baseline: always the most accurate zoo variant, on its fastest placement", planner_params(),
    [](const sim::Params& p) { return std::make_unique<SingleVariant>(planner_options(p, false), true); }};

const sim::Registration<VariantSelector> kLatencyOptimal{
    "sv_lo", "SV-LO baseline: always the fastest zoo variant, on its fastest placement", planner_params(),
    [](const sim::Params& p) { return std::make_unique<SingleVariant>(planner_options(p, false), false); }};

}  // namespace
}  // namespace policies
