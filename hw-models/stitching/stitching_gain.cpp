#include "hw-models/stitching/stitching_gain.h"

#include <algorithm>

namespace stitching {

std::vector<FrontierPoint> zoo_frontier(const StitchSpace& sp, const std::vector<double>& zoo_accuracy) {
  std::vector<FrontierPoint> all;
  for (int v = 0; v < sp.variants; ++v) {
    // The one-variant space of zoo variant v; its accuracy is the zoo's measured value.
    StitchSpace one = sp;
    one.variants = 1;
    one.variant_names = {sp.variant_names[static_cast<std::size_t>(v)]};
    one.precision = {sp.precision[static_cast<std::size_t>(v)]};
    one.unit_latency_ns.clear();
    one.weights_bytes.clear();
    one.activation_bytes.clear();
    for (int s = 0; s < sp.subgraphs; ++s) {
      for (int p = 0; p < sp.processors; ++p) one.unit_latency_ns.push_back(sp.unit_latency(s, v, p));
      one.weights_bytes.push_back(sp.weights(s, v));
      one.activation_bytes.push_back(sp.activation(s, v));
    }
    AccuracyModel acc;
    acc.subgraphs = sp.subgraphs;
    acc.variants = 1;
    acc.base = zoo_accuracy[static_cast<std::size_t>(v)];
    acc.unit.assign(static_cast<std::size_t>(sp.subgraphs), 0.0);
    for (auto& p : exact_frontier(one, acc, MeasuredAccuracy(sp.subgraphs, 1, {}))) {
      std::fill(p.variants.begin(), p.variants.end(), v);
      p.measured = true;
      all.push_back(std::move(p));
    }
  }
  std::vector<Objectives> obj;
  for (const auto& p : all) obj.push_back({p.accuracy, p.latency_ns, p.memory_bytes});
  std::vector<FrontierPoint> out;
  for (std::size_t i : pareto_indices(obj)) out.push_back(all[i]);
  return out;
}

StitchingGain stitching_gain(const std::vector<FrontierPoint>& stitched, const std::vector<FrontierPoint>& zoo) {
  StitchingGain g;
  for (const auto& p : stitched) g.new_points += is_diagonal(p.variants) ? 0 : 1;
  for (std::size_t z = 0; z < zoo.size(); ++z) {
    const auto& zp = zoo[z];
    // What the zoo alone achieves around z in the accuracy-latency plane (the zoo frontier is
    // three-dimensional, so a slow zoo point survives on memory; comparing stitched points with
    // it alone would credit stitching with what another zoo variant already does).
    double zoo_best_accuracy = zp.accuracy;
    std::int64_t zoo_least_latency = zp.latency_ns;
    for (const auto& o : zoo) {
      if (o.latency_ns <= zp.latency_ns) zoo_best_accuracy = std::max(zoo_best_accuracy, o.accuracy);
      if (o.accuracy >= zp.accuracy) zoo_least_latency = std::min(zoo_least_latency, o.latency_ns);
    }
    for (std::size_t i = 0; i < stitched.size(); ++i) {
      const auto& sp = stitched[i];
      if (sp.latency_ns <= zp.latency_ns && sp.accuracy - zoo_best_accuracy > g.accuracy_gain) {
        g.accuracy_gain = sp.accuracy - zoo_best_accuracy;
        g.accuracy_gain_zoo = static_cast<int>(z);
        g.accuracy_gain_stitched = static_cast<int>(i);
      }
      double cut_ms = static_cast<double>(zoo_least_latency - sp.latency_ns) / 1e6;
      if (sp.accuracy >= zp.accuracy && cut_ms > g.latency_cut_ms) {
        g.latency_cut_ms = cut_ms;
        g.latency_cut_share = zoo_least_latency > 0 ? static_cast<double>(zoo_least_latency - sp.latency_ns) / static_cast<double>(zoo_least_latency) : 0;
        g.latency_cut_zoo = static_cast<int>(z);
        g.latency_cut_stitched = static_cast<int>(i);
      }
    }
  }
  return g;
}

}  // namespace stitching
