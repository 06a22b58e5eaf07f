// Profile-table latency: replays measured samples when the profile has them, otherwise draws
// from a normal distribution with the profiled mean and standard deviation, truncated to the
// profiled [min, max] (or to [mean/4, 4*mean] when no bounds were recorded, so a large stddev
// never produces a negative or absurd time).
#include <algorithm>

#include "hw-models/latency_model.h"
#include "sim/registry.h"

namespace hw {
namespace {

class ProfileTableLatency final : public LatencyModel {
 public:
  ProfileTableLatency(bool deterministic, double stddev_scale)
      : deterministic_(deterministic), stddev_scale_(stddev_scale) {}

  sim::Time sample(const LatencyDist& d, sim::Rng& rng) const override {
    if (deterministic_) return sim::from_ms(d.mean_ms);
    if (!d.samples_ms.empty()) return sim::from_ms(d.samples_ms[rng.below(d.samples_ms.size())]);
    double sd = d.stddev_ms * stddev_scale_;
    if (sd <= 0) return sim::from_ms(d.mean_ms);
    double lo = d.min_ms > 0 ? d.min_ms : d.mean_ms * 0.25;
    double hi = d.max_ms > 0 ? d.max_ms : d.mean_ms * 4.0;
    return sim::from_ms(std::clamp(rng.normal(d.mean_ms, sd), lo, hi));
  }
  sim::Time expected(const LatencyDist& d) const override { return sim::from_ms(d.mean_ms); }

 private:
  bool deterministic_;
  double stddev_scale_;
};

const sim::Registration<LatencyModel> kRegistration{
    "profile_table", "replay profiled latency: measured samples, else truncated normal(mean, stddev)",
    {sim::param_bool("deterministic", false, "always use the mean (no variability)"),
     sim::param_double("stddev_scale", 1.0, "", "multiplies every profiled standard deviation", 0.0)},
    [](const sim::Params& p) {
      return std::make_unique<ProfileTableLatency>(p.get_bool("deterministic"), p.get_double("stddev_scale"));
    }};

}  // namespace
}  // namespace hw
