// Accuracy of stitched variants: a chain-structured accuracy function, measured values that
// override it, and the estimator extension point that fits the function to measured samples.
//
// Contract (what makes the frontier exact, see hw-models/stitching/README.md): every estimator
// returns an AccuracyModel of the form
//   acc(x) = base + sum_s unit(s, x_s) + sum_{s>=1} pair(s, x_{s-1}, x_s)
// i.e. per-subgraph terms plus terms of adjacent subgraph pairs. Additive estimators leave the
// pair terms empty. The frontier search is exact for any function of this form, and measured
// accuracies (MeasuredAccuracy) replace the function's value on their tuples exactly.
// Accuracies are not clamped to [0, 1]: clamping would break the form.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw-models/profile.h"
#include "hw-models/stitching/validation.h"
#include "sim/config.h"
#include "sim/params.h"

namespace stitching {

struct AccuracySample {
  std::vector<int> variants;  // zoo variant per subgraph
  double accuracy = 0;
};

struct AccuracyModel {
  int subgraphs = 0, variants = 0;
  double base = 0;
  std::vector<double> unit;  // [s*K + v]
  std::vector<double> pair;  // [(s*K + a)*K + b], s >= 1; empty when additive
  // Calibrated error bound of the estimate (absolute accuracy, e.g. 0.05 = 5 points): an
  // estimated accuracy counts as meeting an accuracy SLO only when estimate - margin >= SLO
  // (slo_accuracy below). Measured tuples have no margin. `cv` holds the cross-validation the
  // margin was calibrated on (samples = 0: not calibrated, e.g. no measured stitched samples).
  double margin = 0;
  ErrorStats cv;
  std::string chosen;  // `best`: the candidate it chose; empty otherwise

  bool additive() const { return pair.empty(); }
  // The term added when subgraph s takes variant v after variant `prev` (ignored for s = 0).
  double step(int s, int prev, int v) const {
    double t = unit[static_cast<std::size_t>(s * variants + v)];
    if (s > 0 && !pair.empty()) t += pair[static_cast<std::size_t>((s * variants + prev) * variants + v)];
    return t;
  }
  // Accumulates left to right exactly as the enumerator and the frontier search do, so the
  // three give bit-identical values.
  double evaluate(const int* x) const {
    double a = base;
    for (int s = 0; s < subgraphs; ++s) a += step(s, s ? x[s - 1] : 0, x[s]);
    return a;
  }
};

// Measured accuracies of specific tuples, as a trie over subgraph positions so enumeration can
// follow it one step at a time. Node 0 is the root; kOff means "left the trie".
class MeasuredAccuracy {
 public:
  static constexpr int kOff = -1;
  MeasuredAccuracy() = default;
  MeasuredAccuracy(int subgraphs, int variants, const std::vector<AccuracySample>& samples);
  int child(int node, int v) const {
    return node == kOff ? kOff : children_[static_cast<std::size_t>(node * variants_ + v)];
  }
  // At depth S a node is a measured tuple.
  double value(int node) const { return values_[static_cast<std::size_t>(node)]; }
  int nodes() const { return static_cast<int>(values_.size()); }
  std::size_t size() const { return count_; }  // number of measured tuples

 private:
  int variants_ = 0;
  std::size_t count_ = 0;
  std::vector<int> children_;
  std::vector<double> values_;
};

// The measured accuracies of a model: every zoo variant (the diagonal) plus the profile's
// stitched_accuracy entries whose provenance is "measured". Entries of any other kind (for
// example ones `stitchsim profile estimate` wrote) are not ground truth and are skipped.
std::vector<AccuracySample> measured_samples(const hw::ModelProfile& m);

// Share of each subgraph in the model, summing to 1. kMacs: its layers' MACs over the model's
// (needs the profile's layer list and cuts; otherwise falls back to kWeightBytes). kWeightBytes:
// its weight bytes in the reference (dense fp32, else the most accurate) variant. Uniform when
// the chosen quantity is zero everywhere, or for kUniform.
enum class ShareBy { kMacs, kWeightBytes, kUniform };
std::vector<double> subgraph_shares(const hw::ModelProfile& m, ShareBy by = ShareBy::kMacs);
// Index of the reference variant.
int reference_variant(const hw::ModelProfile& m);

// How an estimator's margin is set: the p95 absolute error of its k-fold CV on the measured
// stitched samples (0 when there are fewer than `folds`), or a fixed value.
struct MarginSetting {
  bool calibrated = true;
  double value = 0;
  int folds = 5;
  std::uint64_t seed = 1;
};
// The parameters every accuracy estimator takes for its margin ("margin": "cv_p95" or a number
// in [0, 1]; "margin_folds"; "margin_seed"), and their reading.
std::vector<sim::ParamSpec> margin_params();
std::vector<sim::ParamSpec> with_margin_params(std::vector<sim::ParamSpec> own);
MarginSetting read_margin(const sim::Params& p);

class AccuracyEstimator {
 public:
  static constexpr const char* kRegistryKind = "accuracy_estimator";
  virtual ~AccuracyEstimator() = default;
  // Fits an accuracy function of the form above to `samples` of model `m`, margin 0 unless the
  // implementation calibrates one itself. Deterministic: the same inputs give the same function
  // on any thread count.
  virtual AccuracyModel fit_function(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples) const = 0;
  // fit_function plus the margin (MarginSetting): what planners and explore use.
  AccuracyModel fit(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples) const;
  void set_margin(const MarginSetting& s) { margin_ = s; }
  const MarginSetting& margin_setting() const { return margin_; }

 private:
  MarginSetting margin_;
};

// The accuracy a stitched tuple is held to against an accuracy SLO: its measured value when the
// tuple is measured (margin 0), else the estimate minus the model's margin. A candidate meets
// the SLO when this is >= the SLO.
double slo_accuracy(const AccuracyModel& model, const MeasuredAccuracy& measured, const int* x);
inline bool meets_accuracy_slo(const AccuracyModel& model, const MeasuredAccuracy& measured, const int* x,
                               double min_accuracy) {
  return slo_accuracy(model, measured, x) >= min_accuracy;
}
// The same function with every estimated value lowered by the margin (base - margin): the
// conservative accuracy surface, still of the chain form, for frontiers at the margin.
AccuracyModel at_margin(const AccuracyModel& model);

std::unique_ptr<AccuracyEstimator> make_accuracy_estimator(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

// k-fold cross-validation of fit_function over the off-diagonal samples (the zoo diagonal is
// always measured, so it stays in every training set). Folds are assigned by a seeded shuffle.
struct CvError {
  int folds = 0;
  int samples = 0;  // off-diagonal samples evaluated; 0 when there were fewer than `folds`
  double mae = 0, rmse = 0;
  double p95_abs = 0, max_abs = 0;  // of |prediction - measured|
};
CvError cross_validate(const AccuracyEstimator& estimator, const hw::ModelProfile& m,
                       const std::vector<AccuracySample>& samples, int folds, std::uint64_t seed);

bool is_diagonal(const std::vector<int>& variants);

}  // namespace stitching
