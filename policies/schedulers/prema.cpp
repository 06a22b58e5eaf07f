// PREMA (Choi and Rhu, "PREMA: A Predictive Multi-task Scheduling Algorithm for Preemptible
// Neural Processing Units", HPCA 2020), over request_order.h.
//
// Each request holds tokens that grow with its normalised waiting time: a task of priority w
// (1, 3 or 9 in the paper; `priorities` maps task names to w, default 1) has
//   token = w * (1 + waited / isolated)
// where waited is the time since arrival not spent executing (from observed job times) and
// isolated its predicted whole-request time. The threshold is the highest priority level (9, 3
// or 1) that the largest token reaches; requests at or above it are candidates, and among them
// the one with the shortest predicted remaining time goes first (PREMA's "shortest estimated
// job"). Requests below the threshold follow, most tokens first. Preemption at job boundaries.
//
// Where we depart: the paper (and the Sparse-DySta simulator's rendition of it) adds
// w * idle / isolated to the token at every scheduling point, so tokens depend on how often the
// scheduler runs; ours is the same quantity as a function of time, independent of call count.
#include <algorithm>
#include <map>

#include "policies/request_order.h"
#include "policies/request_progress.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Prema final : public RequestOrderScheduler {
 public:
  explicit Prema(std::map<std::string, double> priorities) : RequestOrderScheduler(true), priorities_(std::move(priorities)) {}
  void observe(const SystemView& view, const JobObservation& job) override { progress_.observe(view, job); }
  bool wants_observations() const override { return true; }

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    const auto& ready = view.ready_jobs();
    tokens_.resize(candidates.size());
    double max_token = 0;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const ReadyJob& j = ready[candidates[k]];
      double isolated = std::max(1e-6, view.best_remaining(j.model, j.variant, 0).to_ms());
      double waited = std::max(0.0, (view.now() - j.arrival - progress_.of(j.request).executed).to_ms());
      tokens_[k] = priority(view, j.task) * (1.0 + waited / isolated);
      max_token = std::max(max_token, tokens_[k]);
    }
    double threshold = max_token >= 9 ? 9 : max_token >= 3 ? 3 : 1;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const ReadyJob& j = ready[candidates[k]];
      if (tokens_[k] >= threshold) {
        key[k] = view.best_remaining(j.model, j.variant, j.subgraph).to_ms();  // candidates: SJF
      } else {
        key[k] = 1e15 - tokens_[k];  // after every candidate, most tokens first
      }
    }
  }
  const char* key_name() const override { return "prema_key"; }

 private:
  double priority(const SystemView& view, int task) const {
    auto it = priorities_.find(view.task_name(task));
    return it == priorities_.end() ? 1.0 : it->second;
  }
  std::map<std::string, double> priorities_;
  RequestProgress progress_;
  std::vector<double> tokens_;
};

std::map<std::string, double> read_priorities(const sim::Params& p) {
  std::map<std::string, double> out;
  sim::ConfigNode node = p.node("priorities");
  node.expect_object();
  for (const auto& name : node.keys()) out[name] = node.at(name).as_double(1e-9, 1e9);
  return out;
}

const sim::Registration<Scheduler> kRegistration{
    "prema", "PREMA (HPCA 2020): tokens from normalised waiting, candidates by priority threshold, then shortest",
    with_common_params({sim::param_json("priorities", sim::Json::object(),
                                        "task name -> priority (PREMA uses 1, 3, 9); tasks not named: 1")}),
    [](const sim::Params& p) { return std::make_unique<Prema>(read_priorities(p)); }};

}  // namespace
}  // namespace policies
