// Accuracy estimators on synthetic data of known structure.
#include <gtest/gtest.h>

#include "hw-models/stitching/accuracy.h"
#include "tests/explore/synthetic.h"

namespace ex = stitching;

namespace {

std::unique_ptr<ex::AccuracyEstimator> make(const sim::Json& j) {
  return ex::make_accuracy_estimator(sim::ConfigNode(j, "<test>"));
}

hw::ModelProfile model_with_samples(int S, int K, int samples, std::uint64_t seed) {
  explore_test::SyntheticOptions o;
  o.subgraphs = S;
  o.variants = K;
  o.seed = seed;
  hw::ModelProfile m = explore_test::synthetic_profile(o).models[0];
  m.stitched_accuracy = explore_test::sample_stitched(m, samples, seed, explore_test::interaction_truth);
  return m;
}

}  // namespace

TEST(ExploreAccuracy, AnalyticIsExactOnTheZooAndAdditive) {
  hw::ModelProfile m = model_with_samples(4, 6, 20, 1);
  ex::AccuracyModel a = make("analytic")->fit(m, ex::measured_samples(m));
  EXPECT_TRUE(a.additive());
  for (int v = 0; v < 6; ++v) {
    std::vector<int> x(4, v);
    EXPECT_NEAR(a.evaluate(x.data()), m.variants[static_cast<std::size_t>(v)].accuracy, 1e-12);
  }
}

TEST(ExploreAccuracy, XgboostBeatsAnalyticWhenTheTruthHasInteractions) {
  for (std::uint64_t seed : {1, 2}) {
    hw::ModelProfile m = model_with_samples(3, 8, 150, seed);
    auto samples = ex::measured_samples(m);
    auto xgb = make(sim::Json{{"name", "xgboost"}});
    auto analytic = make("analytic");
    ex::CvError e = ex::cross_validate(*xgb, m, samples, 5, 7);
    ex::CvError b = ex::cross_validate(*analytic, m, samples, 5, 7);
    ASSERT_EQ(e.samples, 150);
    RecordProperty("xgboost_mae_seed" + std::to_string(seed), std::to_string(e.mae));
    RecordProperty("analytic_mae_seed" + std::to_string(seed), std::to_string(b.mae));
    std::cout << "seed " << seed << ": CV MAE xgboost " << e.mae << " analytic " << b.mae << "; RMSE xgboost " << e.rmse
              << " analytic " << b.rmse << "\n";
    EXPECT_LT(e.mae, 0.5 * b.mae);
    EXPECT_LT(e.rmse, 0.5 * b.rmse);
  }
}

TEST(ExploreAccuracy, XgboostMatchesAnalyticWhenTheTruthIsAdditive) {
  // Truth = the analytic estimate exactly: trees have nothing to learn, the error stays ~0.
  hw::ModelProfile m = model_with_samples(3, 6, 60, 3);
  auto analytic = make("analytic");
  ex::AccuracyModel a = analytic->fit(m, {});
  for (auto& st : m.stitched_accuracy) st.accuracy = a.evaluate(st.variants.data());
  ex::CvError e = ex::cross_validate(*make(sim::Json{{"name", "xgboost"}}), m, ex::measured_samples(m), 5, 7);
  EXPECT_LT(e.mae, 1e-3);
}

TEST(ExploreAccuracy, XgboostHasThePairFormAndIsDeterministic) {
  hw::ModelProfile m = model_with_samples(5, 6, 120, 4);
  auto xgb = make(sim::Json{{"name", "xgboost"}, {"rounds", 100}});
  // fit() itself checks the pair decomposition against the booster's direct predictions and
  // throws if they differ; here we also check it is deterministic and non-additive.
  ex::AccuracyModel a = xgb->fit(m, ex::measured_samples(m));
  ex::AccuracyModel b = xgb->fit(m, ex::measured_samples(m));
  EXPECT_FALSE(a.additive());
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.pair, b.pair);
}

TEST(ExploreAccuracy, XgboostFallsBackToAnalyticWithFewSamples) {
  hw::ModelProfile m = model_with_samples(3, 5, 4, 5);
  ex::AccuracyModel a = make(sim::Json{{"name", "xgboost"}, {"min_stitched_samples", 10}})->fit(m, ex::measured_samples(m));
  ex::AccuracyModel b = make("analytic")->fit(m, {});
  EXPECT_TRUE(a.additive());
  EXPECT_EQ(a.unit, b.unit);
}

TEST(ExploreAccuracy, UnknownEstimatorListsTheValidNames) {
  try {
    make("forest");
    FAIL() << "expected an error";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("analytic, best, xgboost"), std::string::npos) << e.what();
  }
}

TEST(ExploreAccuracy, MeasuredSamplesSkipEstimatedEntries) {
  hw::ModelProfile m = model_with_samples(3, 4, 5, 6);
  m.stitched_accuracy[0].provenance.kind = "estimated";
  EXPECT_EQ(ex::measured_samples(m).size(), 4u + 4u);  // the diagonal plus four measured
}
