// Gradient-boosted-tree latency estimator (XGBoost C API), as SparseLoom's profiler has one.
//
// What it learns: the residual of the additive estimate (passed as base_margin, and also given
// as a feature), from features of each position (variant index, precision, sparsity, pruning
// kind, processor, the unit's own latency) and of each boundary (precision changes, processor
// changes, sparsity difference, the boundary's additive cost). No interaction constraints: the
// predictions are used per combination (reports, planners' checks), never by the exact frontier
// search, so trees may combine any positions (e.g. cache effects of a whole chain).
//
// With fewer than min_samples training samples it returns the additive estimate with the
// training samples' mean residual (the `additive` estimator with fit_offset), since trees on a
// handful of samples would only memorise noise.
#include <cmath>

#include "hw-models/stitching/latency.h"
#include "hw-models/stitching/space.h"
#include "hw-models/stitching/xgb_regressor.h"
#include "sim/registry.h"

namespace stitching {
namespace {

constexpr int kPosition = 8;
constexpr int kBoundary = 4;

int columns(int S) { return 1 + S * kPosition + (S - 1) * kBoundary; }

void feature_row(const LatencyContext& c, const LatencySample& x, float* f) {
  const auto& m = c.model();
  const int S = c.subgraphs();
  const int* v = x.variants.data();
  const int* q = x.processors.data();
  f[0] = static_cast<float>(c.additive_ms(v, q));
  for (int s = 0; s < S; ++s) {
    const auto& z = m.variants[static_cast<std::size_t>(v[s])];
    float* p = f + 1 + s * kPosition;
    p[0] = static_cast<float>(v[s]);
    p[1] = static_cast<float>(precision_code(z.precision));
    p[2] = static_cast<float>(z.sparsity);
    p[3] = z.pruning == "structured";
    p[4] = z.pruning == "unstructured";
    p[5] = static_cast<float>(q[s]);
    p[6] = static_cast<float>(c.unit_ms(s, v[s], q[s]));
    p[7] = static_cast<float>(s);
  }
  for (int s = 1; s < S; ++s) {
    const auto& a = m.variants[static_cast<std::size_t>(v[s - 1])];
    const auto& b = m.variants[static_cast<std::size_t>(v[s])];
    float* p = f + 1 + S * kPosition + (s - 1) * kBoundary;
    p[0] = a.precision != b.precision;
    p[1] = q[s - 1] != q[s];
    p[2] = static_cast<float>(std::abs(a.sparsity - b.sparsity));
    p[3] = static_cast<float>(c.boundary_ms(s, v[s - 1], q[s - 1], v[s], q[s]));
  }
}

std::vector<float> features(const LatencyContext& c, const std::vector<LatencySample>& xs) {
  const int cols = columns(c.subgraphs());
  std::vector<float> data(xs.size() * static_cast<std::size_t>(cols));
  for (std::size_t i = 0; i < xs.size(); ++i) feature_row(c, xs[i], data.data() + i * static_cast<std::size_t>(cols));
  return data;
}

class TreePredictor final : public LatencyPredictor {
 public:
  TreePredictor(const LatencyContext& c, std::unique_ptr<XgbRegressor> trees, double offset_ms)
      : c_(c), trees_(std::move(trees)), offset_ms_(offset_ms) {}
  std::vector<double> predict_ms(const std::vector<LatencySample>& xs) const override {
    std::vector<double> out;
    for (const auto& x : xs) out.push_back(c_.additive_ms(x.variants.data(), x.processors.data()) + offset_ms_);
    if (trees_ && !xs.empty()) {
      std::vector<double> t = trees_->trees(features(c_, xs), xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) out[i] += t[i];
    }
    return out;
  }

 private:
  const LatencyContext& c_;
  std::unique_ptr<XgbRegressor> trees_;
  double offset_ms_;
};

class XgboostLatency final : public LatencyEstimator {
 public:
  XgboostLatency(XgbSettings st, int min_samples) : st_(std::move(st)), min_samples_(min_samples) {}
  std::unique_ptr<LatencyPredictor> fit(const LatencyContext& c, const std::vector<LatencySample>& samples) const override {
    c.check(samples);
    if (static_cast<int>(samples.size()) < min_samples_) {
      double offset = 0;
      for (const auto& x : samples) offset += x.latency_ms - c.additive_ms(x.variants.data(), x.processors.data());
      if (!samples.empty()) offset /= static_cast<double>(samples.size());
      return std::make_unique<TreePredictor>(c, nullptr, offset);
    }
    std::vector<float> label, margin;
    for (const auto& x : samples) {
      label.push_back(static_cast<float>(x.latency_ms));
      margin.push_back(static_cast<float>(c.additive_ms(x.variants.data(), x.processors.data())));
    }
    auto trees = std::make_unique<XgbRegressor>(features(c, samples), samples.size(), columns(c.subgraphs()), label,
                                                margin, st_);
    return std::make_unique<TreePredictor>(c, std::move(trees), 0.0);
  }

 private:
  XgbSettings st_;
  int min_samples_;
};

const sim::Registration<LatencyEstimator> kRegistration{
    "xgboost",
    "gradient-boosted trees (XGBoost) on the additive estimate's residual; per-position, boundary and placement features",
    {sim::param_int("rounds", 200, "", "boosting rounds", 1, 100000),
     sim::param_int("max_depth", 3, "", "tree depth", 1, 16),
     sim::param_double("eta", 0.1, "", "learning rate", 1e-6, 1.0),
     sim::param_double("lambda", 1.0, "", "L2 regularisation of leaf weights", 0.0, 1e6),
     sim::param_int("min_samples", 10, "", "fewer training samples: additive + their mean residual", 0, 1e9)},
    [](const sim::Params& p) {
      XgbSettings st;
      st.rounds = static_cast<int>(p.get_int("rounds"));
      st.max_depth = static_cast<int>(p.get_int("max_depth"));
      st.eta = p.get_double("eta");
      st.lambda = p.get_double("lambda");
      return std::make_unique<XgboostLatency>(st, static_cast<int>(p.get_int("min_samples")));
    }};

}  // namespace
}  // namespace stitching
