// End-to-end latency of stitched variants: measured samples (the profile's stitched_latency)
// and the estimator extension point that predicts the latency of unmeasured ones.
//
// Why: the design space (space.h) takes a stitched variant's latency as the sum of its units'
// latencies plus boundary costs. On real hardware the sum is not exact: a unit's latency depends
// on what ran before it (caches, the boundary tensor's layout and precision, a processor change).
// A latency estimator learns that from measured end-to-end latencies; `additive` is the sum
// itself and the baseline a learned estimator must beat.
#pragma once

#include <memory>
#include <vector>

#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "hw-models/stitching/validation.h"
#include "sim/config.h"

namespace stitching {

// One combination: variants[s] of subgraph s runs on processors[s] (indices into
// Profile::processors); latency_ms is the measured median end to end.
struct LatencySample {
  std::vector<int> variants, processors;
  double latency_ms = 0;
};
std::vector<LatencySample> measured_latency_samples(const hw::ModelProfile& m);

// What estimators may use besides the samples: per-unit latencies (median of the profile's
// samples, else its mean) and per-boundary costs (the precision-change cost the design space
// uses plus the platform's hand-off), as dense tables.
class LatencyContext {
 public:
  // `platform` may be null: no hand-off costs. Throws sim::ConfigError naming the profile when a
  // unit the samples need has no latency.
  LatencyContext(const hw::Profile& profile, int model, const hw::Platform* platform, double precision_change_ms);
  const hw::Profile& profile() const { return *profile_; }
  const hw::ModelProfile& model() const { return profile_->models[static_cast<std::size_t>(model_)]; }
  int subgraphs() const { return S_; }
  int variants() const { return K_; }
  int processors() const { return P_; }
  // ms; negative when the profile has no latency for the unit.
  double unit_ms(int s, int v, int q) const { return unit_ms_[static_cast<std::size_t>((s * K_ + v) * P_ + q)]; }
  // Cost entering subgraph s (s >= 1) from (variant a on processor qa) into (b on qb), ms.
  double boundary_ms(int s, int a, int qa, int b, int qb) const;
  // The additive estimate: sum of unit_ms + sum of boundary_ms.
  double additive_ms(const int* variants, const int* processors) const;
  // Throws sim::ConfigError naming the profile when a sample uses a unit without a latency.
  void check(const std::vector<LatencySample>& samples) const;

 private:
  const hw::Profile* profile_;
  int model_, S_, K_, P_;
  std::vector<double> unit_ms_;
  std::vector<double> handoff_ms_;  // [qa * P + qb]
  double precision_change_ms_;
};

class LatencyPredictor {
 public:
  virtual ~LatencyPredictor() = default;
  virtual std::vector<double> predict_ms(const std::vector<LatencySample>& combinations) const = 0;
};

class LatencyEstimator {
 public:
  static constexpr const char* kRegistryKind = "latency_estimator";
  virtual ~LatencyEstimator() = default;
  // Deterministic: the same inputs give the same predictor on any thread count.
  virtual std::unique_ptr<LatencyPredictor> fit(const LatencyContext& context,
                                                const std::vector<LatencySample>& samples) const = 0;
};

std::unique_ptr<LatencyEstimator> make_latency_estimator(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

// k-fold cross-validation over `samples` (seeded shuffle, fold = position mod k); errors are
// prediction - measured in ms. samples = 0 when there are fewer samples than folds.
ErrorStats cross_validate_latency(const LatencyEstimator& estimator, const LatencyContext& context,
                                  const std::vector<LatencySample>& samples, int folds, std::uint64_t seed);

}  // namespace stitching
