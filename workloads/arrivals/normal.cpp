// Normal inter-arrival times (EdgeCaffe's stochastic arrivals): each gap is drawn from
// Normal(mean_ms, stddev_ms) and scaled by `multiplier` (EdgeCaffe's "ait multiplier", 0.8 / 1.0 /
// 1.2 in the Masa study). A draw at or below min_gap_ms is drawn again (our choice: the source's
// generator script is not in the shipped data), so gaps are always positive.
#include <algorithm>

#include "sim/registry.h"
#include "workloads/arrival.h"

namespace workloads {
namespace {

class NormalArrival final : public ArrivalProcess {
 public:
  NormalArrival(double mean_ms, double stddev_ms, double multiplier, double min_gap_ms)
      : mean_ms_(mean_ms), stddev_ms_(stddev_ms), multiplier_(multiplier), min_gap_ms_(min_gap_ms) {}
  sim::Time next(sim::Time previous, sim::Rng& rng) override {
    double gap = rng.normal(mean_ms_, stddev_ms_);
    // Bounded redraws: mean_ms > min_gap_ms is enforced, so each draw passes with probability > 1/2.
    for (int i = 0; i < 64 && gap <= min_gap_ms_; ++i) gap = rng.normal(mean_ms_, stddev_ms_);
    gap = std::max(gap, min_gap_ms_);
    return previous + sim::from_ms(gap * multiplier_);
  }
  double mean_rate_rps() const override { return 1000.0 / (mean_ms_ * multiplier_); }

 private:
  double mean_ms_, stddev_ms_, multiplier_, min_gap_ms_;
};

const sim::Registration<ArrivalProcess> kRegistration{
    "normal", "normally distributed inter-arrival times, scaled by a multiplier (EdgeCaffe's stochastic arrivals)",
    {sim::param_double("mean_ms", std::nullopt, "ms", "mean gap between arrivals", 1e-6),
     sim::param_double("stddev_ms", 500.0, "ms", "standard deviation of the gap", 0.0),
     sim::param_double("multiplier", 1.0, "", "scales every gap (EdgeCaffe's ait multiplier)", 1e-6),
     sim::param_double("min_gap_ms", 0.0, "ms", "gaps at or below this are drawn again (must be below mean_ms)", 0.0)},
    [](const sim::Params& p) {
      if (p.get_double("min_gap_ms") >= p.get_double("mean_ms")) p.node("min_gap_ms").fail("must be below mean_ms");
      return std::make_unique<NormalArrival>(p.get_double("mean_ms"), p.get_double("stddev_ms"), p.get_double("multiplier"),
                                             p.get_double("min_gap_ms"));
    }};

}  // namespace
}  // namespace workloads
