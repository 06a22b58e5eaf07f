// Periodic arrivals with jitter: the k-th request arrives at start + k*period + U(-j, +j),
// clamped so arrivals never go backwards. Jitter does not accumulate (a camera at 30 fps).
#include <algorithm>

#include "sim/registry.h"
#include "workloads/arrival.h"

namespace workloads {
namespace {

class PeriodicArrival final : public ArrivalProcess {
 public:
  PeriodicArrival(double rate_rps, double jitter_ms) : period_(sim::from_s(1.0 / rate_rps)), jitter_ms_(jitter_ms) {}
  sim::Time next(sim::Time previous, sim::Rng& rng) override {
    if (k_ == 0) origin_ = previous;
    sim::Time nominal = origin_ + period_ * k_;
    ++k_;
    sim::Time t = nominal;
    if (jitter_ms_ > 0) t = nominal + sim::from_ms(rng.uniform(-jitter_ms_, jitter_ms_));
    return std::max(t, previous);
  }
  double mean_rate_rps() const override { return 1.0 / period_.to_s(); }

 private:
  sim::Time period_;
  double jitter_ms_;
  sim::Time origin_;
  std::int64_t k_ = 0;
};

const sim::Registration<ArrivalProcess> kRegistration{
    "periodic", "one request every 1/rate_rps, each shifted by uniform jitter (no drift)",
    {sim::param_double("rate_rps", std::nullopt, "rps", "requests per second", 1e-9),
     sim::param_double("jitter_ms", 0.0, "ms", "half-width of the uniform jitter", 0.0)},
    [](const sim::Params& p) {
      return std::make_unique<PeriodicArrival>(p.get_double("rate_rps"), p.get_double("jitter_ms"));
    }};

}  // namespace
}  // namespace workloads
