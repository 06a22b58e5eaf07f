// Poisson arrivals: exponential inter-arrival times with the given mean rate.
#include "sim/registry.h"
#include "workloads/arrival.h"

namespace workloads {
namespace {

class PoissonArrival final : public ArrivalProcess {
 public:
  explicit PoissonArrival(double rate_rps) : rate_rps_(rate_rps) {}
  sim::Time next(sim::Time previous, sim::Rng& rng) override {
    sim::Time gap = sim::from_s(rng.exponential(1.0 / rate_rps_));
    return previous + gap;
  }
  double mean_rate_rps() const override { return rate_rps_; }

 private:
  double rate_rps_;
};

const sim::Registration<ArrivalProcess> kRegistration{
    "poisson", "Poisson process: exponential inter-arrival times",
    {sim::param_double("rate_rps", std::nullopt, "rps", "mean arrival rate", 1e-9)},
    [](const sim::Params& p) { return std::make_unique<PoissonArrival>(p.get_double("rate_rps")); }};

}  // namespace
}  // namespace workloads
