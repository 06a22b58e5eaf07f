#include "hw-models/stitching/accuracy.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "sim/registry.h"
#include "sim/rng.h"

namespace stitching {

MeasuredAccuracy::MeasuredAccuracy(int subgraphs, int variants, const std::vector<AccuracySample>& samples)
    : variants_(variants) {
  children_.assign(static_cast<std::size_t>(variants), kOff);
  values_.assign(1, 0.0);
  for (const auto& smp : samples) {
    if (static_cast<int>(smp.variants.size()) != subgraphs)
      throw std::invalid_argument("measured accuracy: a tuple has the wrong number of subgraphs");
    for (int v : smp.variants)
      if (v < 0 || v >= variants) throw std::invalid_argument("measured accuracy: variant index out of range");
    int node = 0;
    for (int s = 0; s < subgraphs; ++s) {
      std::size_t slot = static_cast<std::size_t>(node * variants_ + smp.variants[static_cast<std::size_t>(s)]);
      if (children_[slot] == kOff) {
        children_[slot] = static_cast<int>(values_.size());
        values_.push_back(0.0);
        children_.resize(children_.size() + static_cast<std::size_t>(variants), kOff);
      }
      node = children_[slot];
    }
    values_[static_cast<std::size_t>(node)] = smp.accuracy;  // a later duplicate wins
  }
  count_ = 0;
  std::vector<bool> seen(values_.size(), false);
  for (const auto& smp : samples) {
    int node = 0;
    for (int s = 0; s < subgraphs; ++s) node = child(node, smp.variants[static_cast<std::size_t>(s)]);
    if (!seen[static_cast<std::size_t>(node)]) ++count_;
    seen[static_cast<std::size_t>(node)] = true;
  }
}

bool is_diagonal(const std::vector<int>& v) {
  return std::all_of(v.begin(), v.end(), [&](int x) { return x == v.front(); });
}

std::vector<AccuracySample> measured_samples(const hw::ModelProfile& m) {
  std::vector<AccuracySample> out;
  for (std::size_t v = 0; v < m.variants.size(); ++v) {
    out.push_back({std::vector<int>(static_cast<std::size_t>(m.subgraph_count), static_cast<int>(v)), m.variants[v].accuracy});
  }
  for (const auto& st : m.stitched_accuracy) {
    if (st.provenance.kind != "measured" || is_diagonal(st.variants)) continue;
    out.push_back({st.variants, st.accuracy});
  }
  return out;
}

int reference_variant(const hw::ModelProfile& m) {
  int best = 0;
  for (std::size_t v = 0; v < m.variants.size(); ++v) {
    const auto& z = m.variants[v];
    if (z.precision == "fp32" && z.pruning == "none" && z.sparsity == 0) return static_cast<int>(v);
    if (z.accuracy > m.variants[static_cast<std::size_t>(best)].accuracy) best = static_cast<int>(v);
  }
  return best;
}

std::vector<double> subgraph_shares(const hw::ModelProfile& m, ShareBy by) {
  const std::size_t S = static_cast<std::size_t>(m.subgraph_count);
  std::vector<double> share(S, 0.0);
  const bool have_layers = !m.layers.empty() && m.subgraph_cuts.size() == S + 1;
  if (by == ShareBy::kMacs && have_layers) {
    for (std::size_t s = 0; s < S; ++s)
      for (int l = m.subgraph_cuts[s]; l < m.subgraph_cuts[s + 1]; ++l)
        share[s] += static_cast<double>(m.layers[static_cast<std::size_t>(l)].macs);
  } else if (by != ShareBy::kUniform) {
    int ref = reference_variant(m);
    for (std::size_t s = 0; s < S; ++s) share[s] = static_cast<double>(m.unit_memory(ref, static_cast<int>(s)).weights_bytes);
  }
  double total = 0;
  for (double x : share) total += x;
  for (auto& x : share) x = total > 0 ? x / total : 1.0 / static_cast<double>(S);
  return share;
}

std::unique_ptr<AccuracyEstimator> make_accuracy_estimator(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<AccuracyEstimator>::instance().create(node, resolved);
}

CvError cross_validate(const AccuracyEstimator& estimator, const hw::ModelProfile& m,
                       const std::vector<AccuracySample>& samples, int folds, std::uint64_t seed) {
  CvError r;
  r.folds = folds;
  std::vector<AccuracySample> diagonal, off;
  for (const auto& s : samples) (is_diagonal(s.variants) ? diagonal : off).push_back(s);
  if (folds < 2 || static_cast<int>(off.size()) < folds) return r;
  // Seeded Fisher-Yates shuffle, then fold = position mod k.
  std::vector<std::size_t> order = seeded_order(off.size(), seed, "explore/cv/" + m.name);
  std::vector<double> errors;
  for (int f = 0; f < folds; ++f) {
    std::vector<AccuracySample> train = diagonal, test;
    for (std::size_t i = 0; i < order.size(); ++i)
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? test : train).push_back(off[order[i]]);
    AccuracyModel model = estimator.fit_function(m, train);
    for (const auto& t : test) errors.push_back(model.evaluate(t.variants.data()) - t.accuracy);
  }
  ErrorStats e = error_stats(errors);
  r.samples = e.samples;
  r.mae = e.mae;
  r.rmse = e.rmse;
  r.p95_abs = e.p95_abs;
  r.max_abs = e.max_abs;
  return r;
}

std::vector<sim::ParamSpec> margin_params() {
  return {sim::param_json("margin", sim::Json("cv_p95"),
                          "error bound an estimated accuracy must clear the SLO by: \"cv_p95\" (the p95 absolute error "
                          "of a k-fold CV on the measured stitched samples; 0 without them) or a number in [0, 1]"),
          sim::param_int("margin_folds", 5, "", "folds of the margin's cross-validation", 2, 1000),
          sim::param_int("margin_seed", 1, "", "seed of the margin's cross-validation folds", 0, 1e15)};
}

std::vector<sim::ParamSpec> with_margin_params(std::vector<sim::ParamSpec> own) {
  for (auto& p : margin_params()) own.push_back(std::move(p));
  return own;
}

MarginSetting read_margin(const sim::Params& p) {
  MarginSetting s;
  sim::ConfigNode n = p.node("margin");
  if (n.is_string()) {
    if (n.as_string() != "cv_p95") n.fail("must be \"cv_p95\" or a number in [0, 1]");
  } else {
    s.calibrated = false;
    s.value = n.as_double(0.0, 1.0);
  }
  s.folds = static_cast<int>(p.get_int("margin_folds"));
  s.seed = static_cast<std::uint64_t>(p.get_int("margin_seed"));
  return s;
}

AccuracyModel AccuracyEstimator::fit(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples) const {
  AccuracyModel model = fit_function(m, samples);
  if (!margin_.calibrated) {
    model.margin = margin_.value;
    return model;
  }
  if (model.cv.samples == 0) {
    CvError cv = cross_validate(*this, m, samples, margin_.folds, margin_.seed);
    model.cv = {cv.samples, cv.mae, cv.rmse, cv.p95_abs, cv.max_abs};
  }
  model.margin = model.cv.samples > 0 ? model.cv.p95_abs : 0.0;
  return model;
}

double slo_accuracy(const AccuracyModel& model, const MeasuredAccuracy& measured, const int* x) {
  int node = measured.nodes() > 0 ? 0 : MeasuredAccuracy::kOff;
  for (int s = 0; s < model.subgraphs && node != MeasuredAccuracy::kOff; ++s) node = measured.child(node, x[s]);
  if (node != MeasuredAccuracy::kOff) return measured.value(node);
  return model.evaluate(x) - model.margin;
}

AccuracyModel at_margin(const AccuracyModel& model) {
  AccuracyModel out = model;
  out.base -= model.margin;
  out.margin = 0;
  return out;
}

}  // namespace stitching
