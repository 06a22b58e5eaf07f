// The live executor (oneDNN + sparse kernels) against the plain reference implementation, for
// every kind of variant, on small models; and stitched execution against its parts.
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/live/executor.h"
#include "experiments/live/model.h"
#include "experiments/live/reference.h"
#include "sim/rng.h"

namespace {

using live::Model;
using live::VariantSpec;

Model tiny_resnet() {
  live::ResnetSize s;
  s.input_hw = 16, s.stem_channels = 16, s.classes = 10, s.stage_blocks = {1, 2}, s.stage_channels = {32, 64};
  Model m = live::make_resnet("tiny_resnet", s, 7);
  live::cut_evenly(m, 3);
  return m;
}
Model tiny_transformer() {
  live::TransformerSize s;
  s.tokens = 8, s.input_dim = 16, s.dim = 32, s.heads = 2, s.ffn_dim = 64, s.layers = 2, s.classes = 10;
  Model m = live::make_transformer("tiny_transformer", s, 7);
  live::cut_evenly(m, 3);
  return m;
}

std::vector<float> random_input(const Model& m, int batch, std::uint64_t seed) {
  sim::Rng rng(seed);
  std::vector<float> x(static_cast<std::size_t>(m.input.elements() * batch));
  for (auto& v : x) v = static_cast<float>(rng.normal());
  return x;
}

Model variant(const Model& base, const VariantSpec& spec, int batch) {
  Model m = live::apply_variant(base, spec);
  if (m.int8) live::calibrate(m, random_input(base, batch, 99), batch);
  return m;
}

// Largest |a - b| relative to the largest |b|.
double rel_error(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0, scale = 1e-12;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, double(std::abs(a[i] - b[i])));
    scale = std::max(scale, double(std::abs(b[i])));
  }
  return diff / scale;
}

std::vector<float> executor_forward(const Model& m, const std::vector<float>& in, int batch) {
  std::vector<std::unique_ptr<live::SubgraphPlan>> plans;
  std::vector<std::unique_ptr<live::Workspace>> ws;
  std::vector<const live::SubgraphPlan*> p;
  std::vector<live::Workspace*> w;
  for (int s = 0; s < m.subgraph_count(); ++s) {
    plans.push_back(std::make_unique<live::SubgraphPlan>(m, s, batch));
    ws.push_back(plans.back()->make_workspace());
    p.push_back(plans.back().get());
    w.push_back(ws.back().get());
  }
  return live::run_chain(p, w, in);
}

const std::vector<VariantSpec> kVariants = {
    {"dense_fp32", "fp32", "none", 0},          {"s50_structured", "fp32", "structured", 0.5},
    {"u70_unstructured", "fp32", "unstructured", 0.7}, {"dense_int8", "int8", "none", 0},
    {"s50_structured_int8", "int8", "structured", 0.5}};

// fp32 executors must match the reference to float rounding; int8 ones may differ by one
// quantum at some requantization points (rounding of a product computed in another order),
// which stays within 3 % of the output range on these models.
constexpr double kFp32Tolerance = 1e-4;
constexpr double kInt8Tolerance = 0.03;

class ExecutorVsReference : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(ExecutorVsReference, MatchesForEveryVariant) {
  auto [model_kind, v] = GetParam();
  const int batch = 2;
  Model base = model_kind == 0 ? tiny_resnet() : tiny_transformer();
  const VariantSpec& spec = kVariants[static_cast<std::size_t>(v)];
  Model m = variant(base, spec, batch);
  auto in = random_input(base, batch, 1);
  auto ref = live::reference_forward(m, 0, static_cast<int>(m.blocks.size()), in, batch);
  auto got = executor_forward(m, in, batch);
  double err = rel_error(got, ref);
  double scale = 0;
  for (float r : ref) scale = std::max(scale, double(std::abs(r)));
  ASSERT_GT(scale, 1e-2) << "degenerate output";
  EXPECT_LT(err, m.int8 ? kInt8Tolerance : kFp32Tolerance) << base.name << " / " << spec.name;
  if (m.int8) {
    // And int8 stays close to its fp32 counterpart (quantization error, not a wiring bug).
    Model fp = m;
    fp.int8 = false;
    double q_err = rel_error(got, live::reference_forward(fp, 0, static_cast<int>(fp.blocks.size()), in, batch));
    EXPECT_LT(q_err, 0.15);
    EXPECT_GT(q_err, 1e-4) << "int8 output equals fp32: not quantized?";
  }
}

INSTANTIATE_TEST_SUITE_P(Live, ExecutorVsReference,
                         ::testing::Combine(::testing::Values(0, 1), ::testing::Range(0, static_cast<int>(kVariants.size()))),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == 0 ? "resnet_" : "transformer_") +
                                  kVariants[static_cast<std::size_t>(std::get<1>(info.param))].name;
                         });

TEST(LiveModel, PruningKeepsBoundaryShapes) {
  Model base = tiny_resnet();
  Model s = live::apply_variant(base, {"s75", "fp32", "structured", 0.75});
  for (int b = -1; b < static_cast<int>(base.blocks.size()); ++b) EXPECT_EQ(base.shape_after(b), s.shape_after(b));
  auto& blk = std::get<live::BottleneckBlock>(s.blocks[1]);
  auto& orig = std::get<live::BottleneckBlock>(base.blocks[1]);
  EXPECT_EQ(blk.a.oc, orig.a.oc / 4);
  Model u = live::apply_variant(base, {"u90", "fp32", "unstructured", 0.9});
  auto& ub = std::get<live::BottleneckBlock>(u.blocks[1]);
  std::size_t zeros = 0;
  for (float w : ub.b.w) zeros += w == 0.0f;
  EXPECT_NEAR(double(zeros) / double(ub.b.w.size()), 0.9, 0.01);
  EXPECT_TRUE(ub.a.sparse);
  EXPECT_FALSE(ub.b.sparse);  // 3x3 stays dense
  EXPECT_THROW(live::apply_variant(base, {"bad", "int8", "unstructured", 0.5}), std::invalid_argument);
}

TEST(LiveStitching, StitchedRunEqualsItsPartsInSequence) {
  const int batch = 2;
  Model base = tiny_resnet();
  Model a = variant(base, kVariants[3], batch);  // dense int8
  Model b = variant(base, kVariants[2], batch);  // unstructured fp32
  Model c = variant(base, kVariants[1], batch);  // structured fp32
  const Model* parts[3] = {&a, &b, &c};
  auto in = random_input(base, batch, 5);
  std::vector<std::unique_ptr<live::SubgraphPlan>> plans;
  std::vector<std::unique_ptr<live::Workspace>> ws;
  std::vector<const live::SubgraphPlan*> p;
  std::vector<live::Workspace*> w;
  std::vector<float> expected = in;
  for (int s = 0; s < 3; ++s) {
    plans.push_back(std::make_unique<live::SubgraphPlan>(*parts[s], s, batch));
    ws.push_back(plans.back()->make_workspace());
    p.push_back(plans.back().get());
    w.push_back(ws.back().get());
    // The reference of each part, fed the previous part's reference output.
    expected = live::reference_forward(*parts[s], parts[s]->cuts[s], parts[s]->cuts[s + 1], expected, batch);
  }
  auto got = live::run_chain(p, w, in);
  EXPECT_LT(rel_error(got, expected), kInt8Tolerance);
  // Running the same plans one by one by hand gives bit-identical results to run_chain.
  std::vector<float> x = in;
  for (int s = 0; s < 3; ++s) {
    std::vector<float> y(static_cast<std::size_t>(p[s]->output_elements()));
    p[s]->run(*w[s], x.data(), y.data());
    x = y;
  }
  EXPECT_EQ(x, got);
}

}  // namespace
