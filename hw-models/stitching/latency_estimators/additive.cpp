// Additive latency estimator: a stitched variant's end-to-end latency is the sum of its units'
// latencies plus the boundary costs (dispatch, hand-offs, precision changes), the design
// space's own model. With fit_offset, one constant fitted to the training samples (their mean
// residual) is added: it absorbs per-request overheads the unit measurements do not see, so the
// learned estimator is compared with the strongest additive baseline, not only the raw sum.
#include "hw-models/stitching/latency.h"
#include "sim/registry.h"

namespace stitching {
namespace {

class AdditivePredictor final : public LatencyPredictor {
 public:
  AdditivePredictor(const LatencyContext& c, double offset_ms) : c_(c), offset_ms_(offset_ms) {}
  std::vector<double> predict_ms(const std::vector<LatencySample>& xs) const override {
    std::vector<double> out;
    for (const auto& x : xs) out.push_back(c_.additive_ms(x.variants.data(), x.processors.data()) + offset_ms_);
    return out;
  }

 private:
  const LatencyContext& c_;
  double offset_ms_;
};

class AdditiveEstimator final : public LatencyEstimator {
 public:
  explicit AdditiveEstimator(bool fit_offset) : fit_offset_(fit_offset) {}
  std::unique_ptr<LatencyPredictor> fit(const LatencyContext& c, const std::vector<LatencySample>& samples) const override {
    c.check(samples);
    double offset = 0;
    if (fit_offset_ && !samples.empty()) {
      for (const auto& x : samples) offset += x.latency_ms - c.additive_ms(x.variants.data(), x.processors.data());
      offset /= static_cast<double>(samples.size());
    }
    return std::make_unique<AdditivePredictor>(c, offset);
  }

 private:
  bool fit_offset_;
};

const sim::Registration<LatencyEstimator> kRegistration{
    "additive",
    "sum of unit latencies + boundary costs (dispatch, hand-offs, precision changes); optionally + a fitted constant",
    {sim::param_bool("fit_offset", false, "add the training samples' mean residual (a per-request overhead)")},
    [](const sim::Params& p) { return std::make_unique<AdditiveEstimator>(p.get_bool("fit_offset")); }};

}  // namespace
}  // namespace stitching
