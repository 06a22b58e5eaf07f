// The GPU cost model (hand-worked roofline, monotonicity, the fit recovering known parameters),
// grouping strategies against brute force, and ncnn import of a shipped layer list.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hw-models/graphs/family.h"
#include "hw-models/graphs/gpu_cost.h"
#include "hw-models/graphs/grouping.h"
#include "hw-models/graphs/ncnn_import.h"
#include "hw-models/graphs/stitch.h"
#include "sim/config.h"

using namespace graphs;

namespace {

GpuCost toy_gpu() {
  GpuCost g;
  g.peak_flops_per_s = 1e12;         // 1 flop per ps
  g.bandwidth_bytes_per_s = 1e11;    // 100 bytes per ns
  g.fixed_per_kernel_ns = 1000;
  g.launch_ns = 500;
  g.bytes_per_value = 4;
  return g;
}

std::vector<const Graph*> ptrs(const Family& f, int n) {
  std::vector<const Graph*> out;
  for (int t = 0; t < n; ++t) out.push_back(&f.tasks[static_cast<std::size_t>(t)]);
  return out;
}

std::vector<int> iota(int n) {
  std::vector<int> v;
  for (int t = 0; t < n; ++t) v.push_back(t);
  return v;
}

}  // namespace

TEST(GpuCost, RooflineByHand) {
  Graph g;
  Node x = add_op(g, Op{.name = "in", .kind = OpKind::kInput, .out = Shape{1, 1, 1, 1000}});
  // 1000 -> 1000 linear, batch 1: 2e6 flops = 2000 ns of compute; traffic (1001000 weights +
  // 1000 in + 1000 out) * 4 bytes = 4012000 bytes = 40120 ns of memory: memory-bound.
  Node l = add_op(g, Op{.name = "fc", .kind = OpKind::kLinear, .out = Shape{1, 1, 1, 1000}, .block = 0}, {x});
  EXPECT_EQ(op_time(g[l], toy_gpu()).ns, 1000 + 40120);
  // Batch 64: 128e6 flops = 128000 ns; traffic (1001000 + 128000) * 4 = 4516000 bytes = 45160 ns: compute-bound.
  Graph h;
  Node y = add_op(h, Op{.name = "in", .kind = OpKind::kInput, .out = Shape{64, 1, 1, 1000}});
  Node m = add_op(h, Op{.name = "fc", .kind = OpKind::kLinear, .out = Shape{64, 1, 1, 1000}, .block = 0}, {y});
  EXPECT_EQ(op_time(h[m], toy_gpu()).ns, 1000 + 128000);
  EXPECT_EQ(graph_time(h, toy_gpu()).ns, 1000 + 128000);  // input and output launch nothing
}

TEST(GpuCost, MergingSavesTimeAndTimeGrowsWithWork) {
  FamilySpec spec{.arch = cnn_architecture(4, 1), .tasks = 8, .rho = {0.7}};
  Family f = make_family(spec);
  GpuCost gpu = toy_gpu();
  sim::Time prev_merged = sim::Time::zero();
  for (int n = 1; n <= 8; ++n) {
    auto gs = ptrs(f, n);
    sim::Time merged = graph_time(stitch(gs, iota(n)).graph, gpu);
    sim::Time fused = graph_time(netfuse(gs, iota(n)).graph, gpu);
    sim::Time seq = sequential_time(gs, gpu);
    EXPECT_GT(merged, prev_merged) << n;  // more tasks, more work
    EXPECT_LE(merged, fused) << n;        // shared banks read once
    if (n > 1) {
      EXPECT_LT(merged, seq) << n;
      EXPECT_LT(streams_time(gs, gpu), seq) << n;
    }
    prev_merged = merged;
  }
  // Monotone in the rate parameters.
  auto gs = ptrs(f, 4);
  Graph m = stitch(gs, iota(4)).graph;
  GpuCost faster = gpu;
  faster.peak_flops_per_s *= 2;
  EXPECT_LE(graph_time(m, faster), graph_time(m, gpu));
  faster = gpu;
  faster.bandwidth_bytes_per_s *= 2;
  EXPECT_LE(graph_time(m, faster), graph_time(m, gpu));
  faster = gpu;
  faster.fixed_per_kernel_ns /= 2;
  EXPECT_LT(graph_time(m, faster), graph_time(m, gpu));
}

TEST(GpuCost, FitRecoversKnownParameters) {
  GpuCost truth = toy_gpu();
  truth.peak_flops_per_s = 3e12;
  truth.fixed_per_kernel_ns = 7000;
  std::vector<Graph> gs;
  for (int b : {1, 8, 32}) gs.push_back(make_family({.arch = cnn_architecture(6, b), .tasks = 1, .rho = {0}}).tasks[0]);
  std::vector<CalibrationPoint> pts;
  for (const auto& g : gs) pts.push_back({&g, graph_time(g, truth).to_ms()});
  GpuCost got = fit(toy_gpu(), pts);
  EXPECT_NEAR(got.peak_flops_per_s / 3e12, 1.0, 0.01);
  EXPECT_NEAR(got.fixed_per_kernel_ns / 7000, 1.0, 0.01);
  EXPECT_LT(got.fit_rms_relative_error, 1e-3);
}

TEST(Grouping, ExhaustiveIsTheBruteForceOptimumAndGreedyMatchesIt) {
  // Five tasks in two sharing groups {0, 1, 2} and {3, 4}; memory budget that a single group of
  // all five cannot meet (its batched activations are too large).
  FamilySpec spec{.arch = cnn_architecture(4, 2), .tasks = 5, .rho = {0.8}, .sharing_groups = {{0, 3, 1}, {2, 4}}};
  Family f = make_family(spec);
  auto gs = ptrs(f, 5);
  GroupingEvaluator probe(gs, toy_gpu(), Objective::kMakespan, 0);
  std::int64_t all = probe.cost({{0, 1, 2, 3, 4}}).memory_bytes;
  std::int64_t budget = all - 1;
  for (Objective obj : {Objective::kMakespan, Objective::kMeanLatency}) {
    GroupingEvaluator eval(gs, toy_gpu(), obj, budget);
    auto cost = [&](const char* name) {
      auto g = make_grouper(sim::ConfigNode(sim::Json(name), "t.json", "$.grouper"));
      return eval.cost(g->group(eval));
    };
    PartitionCost best = cost("exhaustive");
    EXPECT_TRUE(best.feasible);
    for (const char* other : {"greedy_merge", "size_only", "none"}) EXPECT_FALSE(cost(other).better_than(best)) << other;
    EXPECT_FALSE(cost("none").feasible);  // over budget by one byte
    EXPECT_DOUBLE_EQ(cost("greedy_merge").objective_ns, best.objective_ns);
  }
  // Without a budget and minimising makespan, one merged graph of all tasks is optimal here.
  GroupingEvaluator free_eval(gs, toy_gpu(), Objective::kMakespan, 0);
  auto g = make_grouper(sim::ConfigNode(sim::Json("exhaustive"), "t.json", "$.grouper"));
  EXPECT_EQ(g->group(free_eval).size(), 1u);
}

TEST(Grouping, UnknownStrategyNamesTheValidOnes) {
  try {
    make_grouper(sim::ConfigNode(sim::Json("best"), "t.json", "$.grouper"));
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("greedy_merge"), std::string::npos) << e.what();
  }
}

TEST(NcnnImport, Resnet18LayerList) {
  std::string path = std::string(STITCHSIM_SOURCE_DIR) + "/../shared/data/public/ncnn/params/resnet18.param";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not present";
  Graph g = import_ncnn(path, 1);
  GraphTotals t = totals(g);
  // ResNet-18: 11.69 M parameters (BN folded into convs in ncnn) and 1.82 G multiply-accumulates.
  std::int64_t params = 0;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) params += g[*v].weight_params;
  EXPECT_NEAR(static_cast<double>(params) / 11.69e6, 1.0, 0.01);
  EXPECT_NEAR(static_cast<double>(t.flops) / 3.64e9, 1.0, 0.03);
  Graph g8 = import_ncnn(path, 8);
  EXPECT_NEAR(static_cast<double>(totals(g8).flops) / static_cast<double>(t.flops), 8.0, 0.01);
}

TEST(NcnnImport, MalformedFileNamesFileAndLine) {
  auto dir = std::filesystem::temp_directory_path() / "stitchsim_ncnn_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "bad.param").string();
  {
    std::ofstream out(path);
    out << "7767517\n2 2\nInput data 0 1 data 0=4 1=4 2=3\nConvolution c 1 1 nope y 0=8 1=3\n";
  }
  try {
    import_ncnn(path);
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.path(), "line 4");
    EXPECT_NE(e.message().find("'nope'"), std::string::npos);
  }
}
