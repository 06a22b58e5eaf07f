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
  std::vector<std::size_t> order(off.size());
  std::iota(order.begin(), order.end(), 0);
  sim::Rng rng = sim::Rng::stream(seed, "explore/cv/" + m.name);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  double abs_sum = 0, sq_sum = 0;
  for (int f = 0; f < folds; ++f) {
    std::vector<AccuracySample> train = diagonal, test;
    for (std::size_t i = 0; i < order.size(); ++i)
      (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? test : train).push_back(off[order[i]]);
    AccuracyModel model = estimator.fit(m, train);
    for (const auto& t : test) {
      double e = model.evaluate(t.variants.data()) - t.accuracy;
      abs_sum += std::abs(e);
      sq_sum += e * e;
    }
  }
  r.samples = static_cast<int>(off.size());
  r.mae = abs_sum / r.samples;
  r.rmse = std::sqrt(sq_sum / r.samples);
  return r;
}

}  // namespace stitching
