#include "hw-models/stitching/latency.h"

#include <algorithm>

#include <fmt/format.h>

#include "hw-models/stitching/space.h"
#include "sim/registry.h"
#include "sim/stats.h"

namespace stitching {

std::vector<LatencySample> measured_latency_samples(const hw::ModelProfile& m) {
  std::vector<LatencySample> out;
  for (const auto& sl : m.stitched_latency) {
    if (sl.provenance.kind != "measured") continue;
    out.push_back({sl.variants, sl.processors, sl.median_ms});
  }
  return out;
}

LatencyContext::LatencyContext(const hw::Profile& profile, int model, const hw::Platform* platform,
                               double precision_change_ms)
    : profile_(&profile), model_(model), precision_change_ms_(precision_change_ms) {
  const auto& m = this->model();
  S_ = m.subgraph_count;
  K_ = static_cast<int>(m.variants.size());
  P_ = static_cast<int>(profile.processors.size());
  unit_ms_.assign(static_cast<std::size_t>(S_ * K_ * P_), -1.0);
  for (int s = 0; s < S_; ++s)
    for (int v = 0; v < K_; ++v)
      for (int q = 0; q < P_; ++q) {
        const hw::LatencyDist* d = profile.latency(model, v, s, q);
        if (!d) continue;
        unit_ms_[static_cast<std::size_t>((s * K_ + v) * P_ + q)] = d->samples_ms.empty() ? d->mean_ms : sim::median(d->samples_ms);
      }
  // Hand-off (and dispatch, as from = P) by processor name; processors the platform lacks cost 0.
  handoff_ms_.assign(static_cast<std::size_t>((P_ + 1) * P_), 0.0);
  if (platform) {
    for (int a = 0; a <= P_; ++a)
      for (int b = 0; b < P_; ++b) {
        int pb = platform->find(profile.processors[static_cast<std::size_t>(b)]);
        int pa = a == P_ ? -1 : platform->find(profile.processors[static_cast<std::size_t>(a)]);
        if (pb < 0 || (a < P_ && pa < 0)) continue;
        handoff_ms_[static_cast<std::size_t>(a * P_ + b)] = platform->handoff_cost(pa, pb).to_ms();
      }
  }
}

double LatencyContext::boundary_ms(int, int a, int qa, int b, int qb) const {
  const auto& m = model();
  double t = handoff_ms_[static_cast<std::size_t>(qa * P_ + qb)];
  if (precision_code(m.variants[static_cast<std::size_t>(a)].precision) !=
      precision_code(m.variants[static_cast<std::size_t>(b)].precision)) {
    t += precision_change_ms_;
  }
  return t;
}

double LatencyContext::additive_ms(const int* x, const int* q) const {
  double t = handoff_ms_[static_cast<std::size_t>(P_ * P_ + q[0])];  // dispatch to the first processor
  for (int s = 0; s < S_; ++s) {
    t += unit_ms(s, x[s], q[s]);
    if (s > 0) t += boundary_ms(s, x[s - 1], q[s - 1], x[s], q[s]);
  }
  return t;
}

void LatencyContext::check(const std::vector<LatencySample>& samples) const {
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& smp = samples[i];
    if (static_cast<int>(smp.variants.size()) != S_ || static_cast<int>(smp.processors.size()) != S_) {
      throw sim::ConfigError(profile_->file, fmt::format("$.models.{}.stitched_latency[{}]", model().name, i),
                             "needs one variant and one processor per subgraph");
    }
    for (int s = 0; s < S_; ++s) {
      if (unit_ms(s, smp.variants[static_cast<std::size_t>(s)], smp.processors[static_cast<std::size_t>(s)]) < 0) {
        throw sim::ConfigError(
            profile_->file, fmt::format("$.models.{}.stitched_latency[{}]", model().name, i),
            fmt::format("subgraph {} of variant '{}' has no latency on '{}' in the profile", s,
                        model().variants[static_cast<std::size_t>(smp.variants[static_cast<std::size_t>(s)])].name,
                        profile_->processors[static_cast<std::size_t>(smp.processors[static_cast<std::size_t>(s)])]));
      }
    }
  }
}

std::unique_ptr<LatencyEstimator> make_latency_estimator(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<LatencyEstimator>::instance().create(node, resolved);
}

ErrorStats cross_validate_latency(const LatencyEstimator& estimator, const LatencyContext& context,
                                  const std::vector<LatencySample>& samples, int folds, std::uint64_t seed) {
  if (folds < 2 || static_cast<int>(samples.size()) < folds) return {};
  std::vector<std::size_t> order = seeded_order(samples.size(), seed, "estimators/latency-cv/" + context.model().name);
  std::vector<double> errors;
  for (int f = 0; f < folds; ++f) {
    std::vector<LatencySample> train, test;
    for (std::size_t i = 0; i < order.size(); ++i)
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? test : train).push_back(samples[order[i]]);
    auto predictor = estimator.fit(context, train);
    std::vector<double> y = predictor->predict_ms(test);
    for (std::size_t i = 0; i < test.size(); ++i) errors.push_back(y[i] - test[i].latency_ms);
  }
  return error_stats(errors);
}

}  // namespace stitching
