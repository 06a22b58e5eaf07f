// Synthetic profiles and platforms of known structure for the exploration tests and benchmarks.
// Made programmatically from a seed so every size (S subgraphs, K variants) can be tested.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "hw-models/stitching/accuracy.h"
#include "sim/rng.h"

namespace explore_test {

struct SyntheticOptions {
  int subgraphs = 3;
  int variants = 4;
  std::uint64_t seed = 1;
  double missing_share = 0.1;        // share of (variant, subgraph, processor) entries left out
  bool activation_by_precision = true;  // activation bytes depend on the variant's precision
  std::int64_t capacity_bytes = 8'000'000'000;
};

inline const char* kPrecisions[] = {"fp32", "fp16", "int8"};

// Processors cpu, gpu, npu. The NPU cannot run fp32; other entries go missing at random.
inline hw::Profile synthetic_profile(const SyntheticOptions& o) {
  sim::Rng rng = sim::Rng::stream(o.seed, "synthetic-profile");
  hw::Profile p;
  p.file = "synthetic.json";
  p.processors = {"cpu", "gpu", "npu"};
  hw::ModelProfile m;
  m.name = "net";
  m.subgraph_count = o.subgraphs;
  for (int v = 0; v < o.variants; ++v) {
    hw::ZooVariant z;
    z.name = "v" + std::to_string(v);
    z.precision = v == 0 ? "fp32" : kPrecisions[rng.below(3)];
    z.sparsity = v == 0 ? 0.0 : 0.1 * static_cast<double>(rng.below(9));
    z.pruning = z.sparsity == 0 ? "none" : (rng.below(2) ? "structured" : "unstructured");
    double drop = (z.precision == std::string("int8") ? 0.01 : z.precision == std::string("fp16") ? 0.002 : 0.0) +
                  0.08 * z.sparsity * z.sparsity + rng.uniform(0.0, 0.004);
    z.accuracy = 0.80 - (v == 0 ? 0.0 : drop);
    m.variants.push_back(z);
  }
  const int S = o.subgraphs, K = o.variants, P = 3;
  std::vector<double> base_ms(static_cast<std::size_t>(S)), base_mb(static_cast<std::size_t>(S)), act_mb(static_cast<std::size_t>(S));
  for (int s = 0; s < S; ++s) {
    base_ms[static_cast<std::size_t>(s)] = rng.uniform(2.0, 20.0);
    base_mb[static_cast<std::size_t>(s)] = rng.uniform(5.0, 50.0);
    act_mb[static_cast<std::size_t>(s)] = rng.uniform(1.0, 8.0);
  }
  m.memory.resize(static_cast<std::size_t>(K * S));
  m.latency.resize(static_cast<std::size_t>(K * S * P));
  for (int v = 0; v < K; ++v) {
    const auto& z = m.variants[static_cast<std::size_t>(v)];
    int pc = z.precision == std::string("fp32") ? 0 : z.precision == std::string("fp16") ? 1 : 2;
    double bytes_factor = (pc == 0 ? 1.0 : pc == 1 ? 0.5 : 0.25) * (z.pruning == "none" ? 1.0 : 1.0 - 0.8 * z.sparsity);
    for (int s = 0; s < S; ++s) {
      auto& u = m.memory[static_cast<std::size_t>(v * S + s)];
      u.weights_bytes = static_cast<std::int64_t>(base_mb[static_cast<std::size_t>(s)] * 1e6 * bytes_factor);
      u.activation_bytes = static_cast<std::int64_t>(act_mb[static_cast<std::size_t>(s)] * 1e6 *
                                                     (o.activation_by_precision ? (pc == 0 ? 1.0 : pc == 1 ? 0.5 : 0.25) : 1.0));
      for (int q = 0; q < P; ++q) {
        if (q == 2 && pc == 0) continue;
        if (v > 0 && rng.uniform() < o.missing_share) continue;
        double speed[3][3] = {{1.0, 0.9, 0.6}, {0.3, 0.18, 0.22}, {0.5, 0.15, 0.05}};  // [proc][precision]
        double sparse = z.pruning == "structured" ? 1.0 - 0.7 * z.sparsity : z.pruning == "unstructured" ? (q == 0 ? 1.0 - 0.4 * z.sparsity : 1.0) : 1.0;
        hw::LatencyDist d;
        d.mean_ms = base_ms[static_cast<std::size_t>(s)] * speed[q][pc] * sparse * rng.uniform(0.9, 1.1);
        m.latency[static_cast<std::size_t>((v * S + s) * P + q)] = d;
      }
    }
  }
  p.models.push_back(m);
  return p;
}

inline hw::Platform synthetic_platform(std::int64_t capacity_bytes = 8'000'000'000) {
  hw::Platform pl;
  pl.name = "synthetic-soc";
  pl.processors = {{"cpu", hw::ProcessorKind::kCpu, 2}, {"gpu", hw::ProcessorKind::kGpu, 1}, {"npu", hw::ProcessorKind::kNpu, 1}};
  pl.memory_capacity_bytes = capacity_bytes;
  pl.handoff = {{sim::Time::zero(), sim::from_ms(0.2), sim::from_ms(0.3)},
                {sim::from_ms(0.2), sim::Time::zero(), sim::from_ms(0.25)},
                {sim::from_ms(0.3), sim::from_ms(0.25), sim::Time::zero()}};
  return pl;
}

// Ground truth with interactions the analytic estimator cannot see: a penalty at every boundary
// where adjacent subgraphs differ in precision, and one growing with the product of adjacent
// sparsities, on top of the share-weighted mean of the zoo accuracies. Exact on the diagonal
// except for the sparsity product term, which is what stitching "remembers".
inline double interaction_truth(const hw::ModelProfile& m, const std::vector<int>& x) {
  std::vector<double> w = stitching::subgraph_shares(m);
  double acc = 0;
  for (std::size_t s = 0; s < x.size(); ++s) acc += w[s] * m.variants[static_cast<std::size_t>(x[s])].accuracy;
  for (std::size_t s = 1; s < x.size(); ++s) {
    const auto& a = m.variants[static_cast<std::size_t>(x[s - 1])];
    const auto& b = m.variants[static_cast<std::size_t>(x[s])];
    if (a.precision != b.precision) acc -= 0.015;
    acc -= 0.06 * std::abs(a.sparsity - b.sparsity);
  }
  return acc;
}

// `count` distinct random off-diagonal tuples, measured with `truth`.
template <class Truth>
std::vector<hw::StitchedAccuracy> sample_stitched(const hw::ModelProfile& m, int count, std::uint64_t seed, Truth truth) {
  sim::Rng rng = sim::Rng::stream(seed, "synthetic-samples");
  std::vector<hw::StitchedAccuracy> out;
  std::vector<std::vector<int>> seen;
  int K = static_cast<int>(m.variants.size());
  double off_diagonal = std::pow(static_cast<double>(K), m.subgraph_count) - K;
  if (count > off_diagonal) throw std::invalid_argument("sample_stitched: fewer off-diagonal tuples than requested");
  while (static_cast<int>(out.size()) < count) {
    std::vector<int> x(static_cast<std::size_t>(m.subgraph_count));
    for (auto& v : x) v = static_cast<int>(rng.below(static_cast<std::uint64_t>(K)));
    if (stitching::is_diagonal(x)) continue;
    bool dup = false;
    for (const auto& y : seen) dup = dup || y == x;
    if (dup) continue;
    seen.push_back(x);
    hw::StitchedAccuracy st;
    st.variants = x;
    st.accuracy = truth(m, x);
    st.provenance.kind = "measured";
    out.push_back(st);
  }
  return out;
}

}  // namespace explore_test
