// Analytic accuracy estimator: a stitched variant's accuracy is the share-weighted mean of its
// zoo variants' accuracies,
//   acc(x) = sum_s w_s * acc(zoo variant x_s),   sum_s w_s = 1,
// equivalently the dense model's accuracy minus the weighted sum of per-subgraph drops. It is
// exact on the zoo diagonal, additive over subgraphs, and ignores stitched samples: it is the
// fallback and the baseline the learned estimator must beat.
#include "hw-models/stitching/accuracy.h"
#include "sim/registry.h"

namespace stitching {
namespace {

class AnalyticEstimator final : public AccuracyEstimator {
 public:
  explicit AnalyticEstimator(ShareBy by) : by_(by) {}
  AccuracyModel fit_function(const hw::ModelProfile& m, const std::vector<AccuracySample>&) const override {
    AccuracyModel a;
    a.subgraphs = m.subgraph_count;
    a.variants = static_cast<int>(m.variants.size());
    std::vector<double> w = subgraph_shares(m, by_);
    for (int s = 0; s < a.subgraphs; ++s)
      for (const auto& z : m.variants) a.unit.push_back(w[static_cast<std::size_t>(s)] * z.accuracy);
    return a;
  }

 private:
  ShareBy by_;
};

const sim::Registration<AccuracyEstimator> kRegistration{
    "analytic",
    "share-weighted mean of the chosen zoo variants' accuracies (additive; exact on the zoo diagonal)",
    with_margin_params({sim::param_string("weights", "macs",
                                          "subgraph weights: share of the model's MACs (needs the profile's layers; "
                                          "else weight bytes), share of the reference variant's weight bytes, or uniform",
                                          {"macs", "weights_bytes", "uniform"})}),
    [](const sim::Params& p) {
      const std::string& w = p.get_string("weights");
      auto e = std::make_unique<AnalyticEstimator>(w == "macs" ? ShareBy::kMacs
                                                   : w == "uniform" ? ShareBy::kUniform
                                                                    : ShareBy::kWeightBytes);
      e->set_margin(read_margin(p));
      return e;
    }};

}  // namespace
}  // namespace stitching
