// Dysta-style sparsity-aware dynamic scheduling (Fan et al., "Sparse-DySta: Sparsity-Aware
// Dynamic and Static Scheduling for Sparse Multi-DNN Workloads", MICRO 2023; rule read from the
// authors' simulator, SamsungLabs/Sparse-Multi-DNN-Scheduling), over request_order.h.
//
// Static part: the remaining time of a request is predicted from the profile of the variant it
// runs (sparse and pruned variants have their own measured latencies). Dynamic part: after each
// finished job the prediction is rescaled by gamma = measured / expected of that job (Dysta's
// "last one" predictor, which the authors found the most accurate and cheapest). The request
// with the lowest score goes first:
//   score = gamma * remaining + beta * (urgency + idle / isolated / n)
//   urgency = max(0, deadline - now - gamma * remaining)   (slack left after the remaining work)
//   idle    = time since its last job ended (or since arrival), isolated its whole predicted time,
//   n       = requests competing.
// So short remaining work goes first, less slack goes first, and a request left idle long is
// pulled forward (fairness). Times are in ms; `beta` weighs the second term (authors: 0.01).
//
// Where we depart: Dysta's gamma comes from the measured activation sparsity of executed layers
// (a hardware counter we do not model); ours from the measured time of the last job, which the
// sparsity drives.
#include <algorithm>

#include "policies/request_order.h"
#include "policies/request_progress.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Dysta final : public RequestOrderScheduler {
 public:
  explicit Dysta(double beta) : RequestOrderScheduler(true), beta_(beta) {}
  void observe(const SystemView& view, const JobObservation& job) override { progress_.observe(view, job); }
  bool wants_observations() const override { return true; }

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override {
    const auto& ready = view.ready_jobs();
    const double n = static_cast<double>(candidates.size());
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const ReadyJob& j = ready[candidates[k]];
      const auto& pr = progress_.of(j.request);
      double gamma = pr.any ? pr.last_ratio : 1.0;
      double remaining = gamma * view.best_remaining(j.model, j.variant, j.subgraph).to_ms();
      double isolated = std::max(1e-6, view.best_remaining(j.model, j.variant, 0).to_ms());
      double urgency = std::max(0.0, (j.deadline - view.now()).to_ms() - remaining);
      double idle = (view.now() - (pr.any ? pr.last_end : j.arrival)).to_ms();
      key[k] = remaining + beta_ * (urgency + idle / isolated / n);
    }
  }
  const char* key_name() const override { return "dysta_score_ms"; }

 private:
  double beta_;
  RequestProgress progress_;
};

const sim::Registration<Scheduler> kRegistration{
    "dysta", "Dysta (MICRO 2023): predicted remaining, refined by observed job times, plus slack and fairness",
    with_common_params({sim::param_double("beta", 0.01, "", "weight of urgency + fairness against remaining time", 0.0)}),
    [](const sim::Params& p) { return std::make_unique<Dysta>(p.get_double("beta")); }};

}  // namespace
}  // namespace policies
