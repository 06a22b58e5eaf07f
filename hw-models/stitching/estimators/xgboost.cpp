// Gradient-boosted-tree accuracy estimator (XGBoost C API), as in SparseLoom's profiler.
//
// What it learns: the residual of the analytic estimator (passed as base_margin), from features
// of each subgraph position (precision, sparsity, pruning kind, the zoo variant's accuracy drop
// and that drop times the subgraph's share, and the position's sensitivity: the mean residual of
// the training tuples with that variant at that position) and of each boundary between adjacent
// subgraphs (precision differs, sparsity difference, pruning kind differs).
//
// Why interaction constraints: XGBoost gets one constraint group per adjacent pair (s-1, s),
// holding the features of both positions and of their boundary. Every root-to-leaf path of
// every tree then uses features of one group only, so each leaf's indicator depends on one
// adjacent pair, and the whole ensemble is a sum of per-pair functions: exactly the chain form
// AccuracyModel requires. The per-pair tables are recovered exactly by finite differences
// against a reference tuple (K + (S-1) K^2 predictions), which keeps the frontier search exact
// for the learned function (see hw-models/stitching/README.md). The cost of the constraint is that
// interactions between non-adjacent subgraphs are modelled only as sums.
//
// With fewer than min_stitched_samples off-diagonal samples it returns the analytic estimate:
// trees fit to the diagonal alone would learn nothing the analytic estimator does not know.
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/xgb_regressor.h"
#include "sim/registry.h"

namespace stitching {
namespace {

constexpr int kBaseFeatures = 7;  // per position, plus the sensitivity when enabled
constexpr int kBoundaryFeatures = 3;

struct Settings {
  XgbSettings trees;
  int min_stitched_samples = 10;
  bool sensitivity = false;
};

// Per-position sensitivity, learned from the training samples only (so CV stays honest): for
// subgraph s in variant v, the mean residual (measured - analytic) of the training tuples with
// x_s = v; NaN (missing, XGBoost's default direction) without any. It tells the trees how much
// worse than the share-weighted drop this subgraph takes this variant, across contexts.
std::vector<double> position_sensitivity(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples,
                                         const AccuracyModel& analytic) {
  const std::size_t S = static_cast<std::size_t>(m.subgraph_count), K = m.variants.size();
  std::vector<double> sum(S * K, 0.0), n(S * K, 0.0);
  for (const auto& smp : samples) {
    double r = smp.accuracy - analytic.evaluate(smp.variants.data());
    for (std::size_t s = 0; s < S; ++s) {
      std::size_t k = s * K + static_cast<std::size_t>(smp.variants[s]);
      sum[k] += r;
      n[k] += 1;
    }
  }
  for (std::size_t k = 0; k < sum.size(); ++k) sum[k] = n[k] > 0 ? sum[k] / n[k] : std::numeric_limits<double>::quiet_NaN();
  return sum;
}

class Features {
 public:
  Features(const hw::ModelProfile& m, std::vector<double> sensitivity)
      : m_(m), S_(m.subgraph_count), share_(subgraph_shares(m)), sensitivity_(std::move(sensitivity)),
        position_features_(kBaseFeatures + (sensitivity_.empty() ? 0 : 1)) {
    ref_accuracy_ = m.variants[static_cast<std::size_t>(reference_variant(m))].accuracy;
  }
  int columns() const { return S_ * position_features_ + (S_ - 1) * kBoundaryFeatures; }
  void row(const int* x, float* out) const {
    const int K = static_cast<int>(m_.variants.size());
    for (int s = 0; s < S_; ++s) {
      const auto& z = m_.variants[static_cast<std::size_t>(x[s])];
      float* f = out + s * position_features_;
      if (!sensitivity_.empty()) f[7] = static_cast<float>(sensitivity_[static_cast<std::size_t>(s * K + x[s])]);
      double drop = ref_accuracy_ - z.accuracy;
      f[0] = z.precision == "fp16";
      f[1] = z.precision == "int8";
      f[2] = static_cast<float>(z.sparsity);
      f[3] = z.pruning == "structured";
      f[4] = z.pruning == "unstructured";
      f[5] = static_cast<float>(drop);
      f[6] = static_cast<float>(drop * share_[static_cast<std::size_t>(s)]);
    }
    for (int s = 1; s < S_; ++s) {
      const auto& a = m_.variants[static_cast<std::size_t>(x[s - 1])];
      const auto& b = m_.variants[static_cast<std::size_t>(x[s])];
      float* f = out + S_ * position_features_ + (s - 1) * kBoundaryFeatures;
      f[0] = a.precision != b.precision;
      f[1] = static_cast<float>(std::abs(a.sparsity - b.sparsity));
      f[2] = a.pruning != b.pruning;
    }
  }
  // [[features of positions s-1 and s and of boundary s], ...]; one group when S = 1.
  std::string interaction_constraints() const {
    std::string out = "[";
    auto position = [this](int s) {
      std::string g;
      for (int k = 0; k < position_features_; ++k) g += fmt::format("{}{}", g.empty() ? "" : ",", s * position_features_ + k);
      return g;
    };
    if (S_ == 1) return "[[" + position(0) + "]]";
    for (int s = 1; s < S_; ++s) {
      std::string g = position(s - 1) + "," + position(s);
      for (int k = 0; k < kBoundaryFeatures; ++k) g += fmt::format(",{}", S_ * position_features_ + (s - 1) * kBoundaryFeatures + k);
      out += (s > 1 ? ",[" : "[") + g + "]";
    }
    return out + "]";
  }

 private:
  const hw::ModelProfile& m_;
  int S_;
  std::vector<double> share_;
  std::vector<double> sensitivity_;  // [s*K + v]; empty: not a feature
  int position_features_;
  double ref_accuracy_ = 0;
};

// The ensemble trained on the analytic residual, with the adjacent-pair interaction constraints.
class Booster {
 public:
  Booster(const Features& features, const std::vector<AccuracySample>& samples, const AccuracyModel& base,
          const XgbSettings& st)
      : features_(features) {
    std::size_t rows = samples.size();
    std::vector<float> data(rows * static_cast<std::size_t>(features.columns())), label(rows), margin(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      features.row(samples[i].variants.data(), data.data() + i * static_cast<std::size_t>(features.columns()));
      label[i] = static_cast<float>(samples[i].accuracy);
      margin[i] = static_cast<float>(base.evaluate(samples[i].variants.data()));
    }
    XgbSettings with_constraints = st;
    with_constraints.interaction_constraints = features.interaction_constraints();
    trees_ = std::make_unique<XgbRegressor>(data, rows, features.columns(), label, margin, with_constraints);
  }

  // Sum of the trees (no base margin) for each tuple, in double.
  std::vector<double> trees(const std::vector<std::vector<int>>& tuples) const {
    std::vector<float> data(tuples.size() * static_cast<std::size_t>(features_.columns()));
    for (std::size_t i = 0; i < tuples.size(); ++i)
      features_.row(tuples[i].data(), data.data() + i * static_cast<std::size_t>(features_.columns()));
    return trees_->trees(data, tuples.size());
  }

 private:
  const Features& features_;
  std::unique_ptr<XgbRegressor> trees_;
};

class XgboostEstimator final : public AccuracyEstimator {
 public:
  XgboostEstimator(Settings st, std::unique_ptr<AccuracyEstimator> base) : st_(st), base_(std::move(base)) {}

  AccuracyModel fit_function(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples) const override {
    AccuracyModel model = base_->fit_function(m, samples);
    int stitched = 0;
    for (const auto& s : samples) stitched += is_diagonal(s.variants) ? 0 : 1;
    if (stitched < st_.min_stitched_samples) return model;  // documented fallback: the analytic estimate
    Features features(m, st_.sensitivity ? position_sensitivity(m, samples, model) : std::vector<double>{});
    Booster booster(features, samples, model, st_.trees);
    AccuracyModel base = model;
    decompose(booster, model);
    verify(booster, base, model);
    return model;
  }

 private:
  // Adds the tree ensemble T to `model` as chain terms. With reference tuple r = (0, ..., 0):
  //   T(x) = T(x_0, r_1, ...) + sum_{s>=1} [T(x_0..x_s, r_{s+1}..) - T(x_0..x_{s-1}, r_s..)],
  // and because T is a sum of functions of adjacent pairs, the s-th difference depends on
  // (x_{s-1}, x_s) only, so it can be evaluated with every other position at r.
  static void decompose(const Booster& booster, AccuracyModel& model) {
    const int S = model.subgraphs, K = model.variants;
    std::vector<std::vector<int>> tuples;
    for (int v = 0; v < K; ++v) {
      std::vector<int> t(static_cast<std::size_t>(S), 0);
      t[0] = v;
      tuples.push_back(t);
    }
    for (int s = 1; s < S; ++s)
      for (int a = 0; a < K; ++a)
        for (int b = 0; b < K; ++b) {
          std::vector<int> t(static_cast<std::size_t>(S), 0);
          t[static_cast<std::size_t>(s - 1)] = a;
          t[static_cast<std::size_t>(s)] = b;
          tuples.push_back(t);
        }
    std::vector<double> y = booster.trees(tuples);
    for (int v = 0; v < K; ++v) model.unit[static_cast<std::size_t>(v)] += y[static_cast<std::size_t>(v)];
    if (S == 1) return;
    model.pair.assign(static_cast<std::size_t>(S * K * K), 0.0);
    for (int s = 1; s < S; ++s)
      for (int a = 0; a < K; ++a)
        for (int b = 0; b < K; ++b) {
          std::size_t row = static_cast<std::size_t>(K + ((s - 1) * K + a) * K);
          model.pair[static_cast<std::size_t>((s * K + a) * K + b)] = y[row + static_cast<std::size_t>(b)] - y[row];
        }
  }

  // Checks the chain form on the first tuples of a fixed pseudo-random sequence: the
  // decomposition must reproduce the booster's own predictions (up to float32 rounding).
  static void verify(const Booster& booster, const AccuracyModel& base, const AccuracyModel& model) {
    std::vector<std::vector<int>> tuples;
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 64; ++i) {
      std::vector<int> t(static_cast<std::size_t>(model.subgraphs));
      for (auto& v : t) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        v = static_cast<int>((state >> 33) % static_cast<std::uint64_t>(model.variants));
      }
      tuples.push_back(t);
    }
    std::vector<double> direct = booster.trees(tuples);
    for (std::size_t i = 0; i < tuples.size(); ++i) {
      double chain = model.evaluate(tuples[i].data()) - base.evaluate(tuples[i].data());
      if (std::abs(chain - direct[i]) > 1e-4) {
        throw std::logic_error(fmt::format("xgboost ensemble is not a sum of adjacent-pair terms (tuple {}: {} vs {})", i,
                                           chain, direct[i]));
      }
    }
  }

  Settings st_;
  std::unique_ptr<AccuracyEstimator> base_;
};

const sim::Registration<AccuracyEstimator> kRegistration{
    "xgboost",
    "gradient-boosted trees (XGBoost) on the analytic estimate's residual; adjacent-pair interactions",
    with_margin_params({sim::param_int("rounds", 300, "", "boosting rounds", 1, 100000),
                        sim::param_int("max_depth", 3, "", "tree depth", 1, 16),
                        sim::param_double("eta", 0.1, "", "learning rate", 1e-6, 1.0),
                        sim::param_double("lambda", 1.0, "", "L2 regularisation of leaf weights", 0.0, 1e6),
                        sim::param_bool("sensitivity", false,
                                        "per-position sensitivity feature: mean residual of the training tuples with "
                                        "that variant at that position"),
                        sim::param_int("min_stitched_samples", 10, "",
                                       "fewer measured off-diagonal samples than this: use the analytic estimate", 0, 1e9)}),
    [](const sim::Params& p) {
      Settings st;
      st.trees.rounds = static_cast<int>(p.get_int("rounds"));
      st.trees.max_depth = static_cast<int>(p.get_int("max_depth"));
      st.trees.eta = p.get_double("eta");
      st.trees.lambda = p.get_double("lambda");
      st.min_stitched_samples = static_cast<int>(p.get_int("min_stitched_samples"));
      st.sensitivity = p.get_bool("sensitivity");
      auto base = make_accuracy_estimator(sim::ConfigNode(sim::Json("analytic"), "<xgboost>"));
      auto e = std::make_unique<XgboostEstimator>(st, std::move(base));
      e->set_margin(read_margin(p));
      return e;
    }};

}  // namespace
}  // namespace stitching
