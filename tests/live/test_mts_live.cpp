// Live numerical equivalence of stitched (MTS) and NETFUSE graphs against running each task's
// graph on its own, through oneDNN on this CPU.
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/live/mts_live.h"
#include "hw-models/graphs/family.h"
#include "hw-models/graphs/stitch.h"
#include "sim/rng.h"

using namespace graphs;

namespace {

// Largest |a - b| / (1 + |b|) over all values of all tasks.
double max_rel_diff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double worst = 0;
  for (std::size_t t = 0; t < b.size(); ++t) {
    EXPECT_EQ(a[t].size(), b[t].size());
    for (std::size_t i = 0; i < b[t].size(); ++i) {
      EXPECT_TRUE(std::isfinite(a[t][i]) && std::isfinite(b[t][i]));
      worst = std::max(worst, std::abs(double(a[t][i]) - double(b[t][i])) / (1 + std::abs(double(b[t][i]))));
    }
  }
  return worst;
}

void check_family(const FamilySpec& spec) {
  Family f = make_family(spec);
  std::vector<const Graph*> gs;
  std::vector<int> ids;
  for (int t = 0; t < spec.tasks; ++t) gs.push_back(&f.tasks[static_cast<std::size_t>(t)]), ids.push_back(t);
  live::GraphWeights weights(7);
  sim::Rng rng = sim::Rng::stream(3, "test_mts_live", 0);
  std::vector<std::vector<float>> inputs, separate;
  for (const Graph* g : gs) {
    std::vector<float> x(static_cast<std::size_t>((*g)[0].out.elements()));
    for (auto& v : x) v = static_cast<float>(rng.uniform(0.0, 1.0));
    inputs.push_back(x);
    live::GraphRunner one(*g, weights);
    separate.push_back(one.run({x}).front());
  }
  Merged m = stitch(gs, ids);
  ASSERT_TRUE(check_equivalence(gs, m).empty());
  live::GraphRunner merged(m.graph, weights);
  auto out = merged.run(inputs);
  ASSERT_EQ(out.size(), gs.size());
  EXPECT_LT(max_rel_diff(out, separate), 1e-4);
  // The outputs are not trivially equal: tasks differ (their own banks and heads).
  EXPECT_GT(max_rel_diff({separate[1]}, {separate[0]}), 1e-3);

  Merged n = netfuse(gs, ids);
  for (std::size_t t = 0; t < gs.size(); ++t)
    for (const auto& [orig, copy] : n.block_map[t]) weights.alias(copy, orig);
  live::GraphRunner fused(n.graph, weights);
  EXPECT_LT(max_rel_diff(fused.run(inputs), separate), 1e-4);
  // MTS holds each shared bank once, NETFUSE once per task.
  EXPECT_LT(merged.weights_bytes(), fused.weights_bytes());
}

}  // namespace

TEST(MtsLive, StitchedMlpFamilyMatchesSeparateRuns) {
  check_family({.arch = mlp_architecture(3, 32, 64, 2), .tasks = 4, .rho = {0.7}});
}

TEST(MtsLive, StitchedCnnFamilyMatchesSeparateRuns) {
  check_family({.arch = cnn_architecture(3, 1), .tasks = 3, .rho = {0.5}, .head_classes = {10, 10, 6}});
}
