// Latency estimators, accuracy margins, the best-validated estimator and the estimator report,
// on small synthetic data of known structure (no big models: the suite must stay fast).
#include <gtest/gtest.h>

#include <set>

#include "experiments/estimator_report.h"
#include "hw-models/profile.h"
#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/latency.h"
#include "sim/rng.h"
#include "tests/cli_harness.h"
#include "tests/explore/synthetic.h"

namespace ex = stitching;

namespace {

struct LatencyCase {
  hw::Profile profile;
  hw::Platform platform = explore_test::synthetic_platform();
};

// `count` distinct (tuple, placement) combinations every unit of which has a latency, measured
// by truth(context, x, q) plus uniform noise of +-noise_ms.
template <class Truth>
LatencyCase latency_case(int count, std::uint64_t seed, double noise_ms, Truth truth) {
  LatencyCase c;
  explore_test::SyntheticOptions o;
  o.subgraphs = 3;
  o.variants = 6;
  o.seed = seed;
  o.missing_share = 0;
  c.profile = explore_test::synthetic_profile(o);
  ex::LatencyContext ctx(c.profile, 0, &c.platform, 0.15);
  sim::Rng rng = sim::Rng::stream(seed, "latency-case");
  auto& m = c.profile.models[0];
  std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
  while (static_cast<int>(m.stitched_latency.size()) < count) {
    hw::StitchedLatency sl;
    for (int s = 0; s < 3; ++s) sl.variants.push_back(static_cast<int>(rng.below(6)));
    for (int s = 0; s < 3; ++s) sl.processors.push_back(static_cast<int>(rng.below(3)));
    bool runs = true;
    for (int s = 0; s < 3; ++s) runs = runs && ctx.unit_ms(s, sl.variants[s], sl.processors[s]) >= 0;
    if (!runs || !seen.insert({sl.variants, sl.processors}).second) continue;
    sl.median_ms = truth(ctx, sl.variants.data(), sl.processors.data()) + rng.uniform(-noise_ms, noise_ms);
    sl.provenance.kind = "measured";
    m.stitched_latency.push_back(sl);
  }
  return c;
}

double additive_truth(const ex::LatencyContext& c, const int* x, const int* q) { return c.additive_ms(x, q); }

// Not additive: a boundary where the precision changes *and* the request moves to another
// processor costs 3 ms more (a reorder that cannot overlap the copy), and a structured-sparse
// unit right after an int8 one runs 30 % slower (its input layout must be rebuilt).
double boundary_truth(const ex::LatencyContext& c, const int* x, const int* q) {
  const auto& m = c.model();
  double t = c.additive_ms(x, q);
  for (int s = 1; s < c.subgraphs(); ++s) {
    const auto& a = m.variants[static_cast<std::size_t>(x[s - 1])];
    const auto& b = m.variants[static_cast<std::size_t>(x[s])];
    if (a.precision != b.precision && q[s - 1] != q[s]) t += 3.0;
    if (a.precision == "int8" && b.pruning == "structured") t += 0.3 * c.unit_ms(s, x[s], q[s]);
  }
  return t;
}

ex::ErrorStats cv(const sim::Json& estimator, const LatencyCase& lc, std::uint64_t seed = 3) {
  ex::LatencyContext ctx(lc.profile, 0, &lc.platform, 0.15);
  auto est = ex::make_latency_estimator(sim::ConfigNode(estimator, "<test>"));
  return ex::cross_validate_latency(*est, ctx, ex::measured_latency_samples(lc.profile.models[0]), 5, seed);
}

const sim::Json kXgb = {{"name", "xgboost"}, {"rounds", 150}};
const sim::Json kAdditiveFit = {{"name", "additive"}, {"fit_offset", true}};

}  // namespace

TEST(Estimators, XgboostLatencyBeatsAdditiveOnANonAdditiveBoundaryEffect) {
  LatencyCase lc = latency_case(200, 1, 0.05, boundary_truth);
  ex::ErrorStats x = cv(kXgb, lc), a = cv(sim::Json("additive"), lc), af = cv(kAdditiveFit, lc);
  std::cout << "non-additive truth: CV MAE xgboost " << x.mae << " ms, additive " << a.mae << ", additive+offset " << af.mae << "\n";
  ASSERT_EQ(x.samples, 200);
  EXPECT_LT(x.mae, 0.5 * af.mae);
  EXPECT_LT(x.mae, 0.5 * a.mae);
}

TEST(Estimators, XgboostLatencyDoesNotBeatAdditiveOnAdditiveData) {
  // The truth is the additive sum plus noise: the sum is the best predictor; the trees can only
  // fit noise, so their error is at least about the sum's (what it does: ties, slightly worse).
  LatencyCase lc = latency_case(200, 2, 0.05, additive_truth);
  ex::ErrorStats x = cv(kXgb, lc), a = cv(sim::Json("additive"), lc);
  std::cout << "additive truth: CV MAE xgboost " << x.mae << " ms, additive " << a.mae << "\n";
  EXPECT_LT(a.mae, 0.03);  // uniform noise of +-0.05 ms: MAE 0.025
  EXPECT_GE(x.mae, 0.95 * a.mae);
}

TEST(Estimators, CrossValidationIsReproducibleWithASeed) {
  LatencyCase lc = latency_case(60, 3, 0.05, boundary_truth);
  ex::ErrorStats a = cv(kXgb, lc, 11), b = cv(kXgb, lc, 11), c = cv(kXgb, lc, 12);
  EXPECT_EQ(a.mae, b.mae);
  EXPECT_EQ(a.p95_abs, b.p95_abs);
  EXPECT_NE(a.mae, c.mae);  // other folds, other error

  explore_test::SyntheticOptions o;
  o.seed = 5;
  o.variants = 6;
  hw::ModelProfile m = explore_test::synthetic_profile(o).models[0];
  m.stitched_accuracy = explore_test::sample_stitched(m, 60, 5, explore_test::interaction_truth);
  auto est = ex::make_accuracy_estimator(sim::ConfigNode(sim::Json{{"name", "xgboost"}, {"rounds", 60}}, "<test>"));
  ex::CvError e1 = ex::cross_validate(*est, m, ex::measured_samples(m), 5, 9);
  ex::CvError e2 = ex::cross_validate(*est, m, ex::measured_samples(m), 5, 9);
  EXPECT_EQ(e1.mae, e2.mae);
  EXPECT_EQ(e1.p95_abs, e2.p95_abs);
  EXPECT_GE(e1.p95_abs, e1.mae * 0.5);
  EXPECT_LE(e1.p95_abs, e1.max_abs);
}

TEST(Estimators, MarginMakesABorderlineCandidateInfeasible) {
  ex::AccuracyModel a;
  a.subgraphs = 2;
  a.variants = 2;
  a.unit = {0.40, 0.39, 0.40, 0.38};  // acc(x) = unit[x0] + unit[2 + x1]
  const int x[2] = {1, 1};            // estimate 0.77
  const double slo = 0.76;
  ex::MeasuredAccuracy none(2, 2, {});
  EXPECT_TRUE(ex::meets_accuracy_slo(a, none, x, slo));
  a.margin = 0.02;  // 0.77 - 0.02 < 0.76
  EXPECT_FALSE(ex::meets_accuracy_slo(a, none, x, slo));
  EXPECT_NEAR(ex::slo_accuracy(a, none, x), 0.75, 1e-12);
  // A measured tuple is held to its measured value: no margin.
  ex::MeasuredAccuracy measured(2, 2, {{{1, 1}, 0.77}});
  EXPECT_TRUE(ex::meets_accuracy_slo(a, measured, x, slo));
  // at_margin lowers every estimate by the margin and keeps the chain form.
  EXPECT_NEAR(ex::at_margin(a).evaluate(x), 0.75, 1e-12);
}

TEST(Estimators, MarginIsConfigurableOrCalibratedAndBestPicksTheValidatedEstimator) {
  explore_test::SyntheticOptions o;
  o.seed = 6;
  o.variants = 6;
  hw::ModelProfile m = explore_test::synthetic_profile(o).models[0];
  m.stitched_accuracy = explore_test::sample_stitched(m, 80, 6, explore_test::interaction_truth);
  auto samples = ex::measured_samples(m);
  auto make = [](const sim::Json& j) { return ex::make_accuracy_estimator(sim::ConfigNode(j, "<test>")); };
  EXPECT_DOUBLE_EQ(make(sim::Json{{"name", "analytic"}, {"margin", 0.03}})->fit(m, samples).margin, 0.03);
  ex::AccuracyModel calibrated = make(sim::Json("analytic"))->fit(m, samples);
  ex::CvError cv = ex::cross_validate(*make(sim::Json("analytic")), m, samples, 5, 1);
  EXPECT_GT(calibrated.margin, 0);
  EXPECT_DOUBLE_EQ(calibrated.margin, cv.p95_abs);
  // Without measured stitched samples there is nothing to calibrate on: margin 0.
  hw::ModelProfile bare = m;
  bare.stitched_accuracy.clear();
  EXPECT_EQ(make(sim::Json("analytic"))->fit(bare, ex::measured_samples(bare)).margin, 0);

  ex::AccuracyModel best = make(sim::Json{{"name", "best"}, {"candidates", sim::Json::array({"analytic", {{"name", "xgboost"}, {"rounds", 60}}})}})
                               ->fit(m, samples);
  EXPECT_EQ(best.chosen, "xgboost");
  EXPECT_FALSE(best.additive());
  EXPECT_GT(best.margin, 0);
  EXPECT_LT(best.margin, calibrated.margin);
}

TEST(Estimators, BadEstimatorConfigIsOneClearError) {
  auto bad = [](const sim::Json& j) {
    try {
      ex::make_accuracy_estimator(sim::ConfigNode(j, "cfg.json", "$.estimator"));
    } catch (const sim::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(bad(sim::Json{{"name", "analytic"}, {"margin", 2}}).find("$.estimator.margin"), std::string::npos);
  EXPECT_NE(bad(sim::Json{{"name", "analytic"}, {"margin", "p99"}}).find("cv_p95"), std::string::npos);
  EXPECT_NE(bad(sim::Json{{"name", "best"}, {"candidates", sim::Json::array({"best"})}}).find("itself"), std::string::npos);
  EXPECT_THROW(ex::make_latency_estimator(sim::ConfigNode(sim::Json{{"name", "xgboost"}, {"depth", 3}}, "cfg.json")),
               sim::ConfigError);
}

TEST(Estimators, StitchedLatencyRoundTripsThroughBothProfileForms) {
  LatencyCase lc = latency_case(5, 4, 0.0, additive_truth);
  lc.profile.models[0].stitched_latency[0].samples_ms = {1.5, 1.25};
  lc.profile.models[0].stitched_latency[0].measure_s = 0.5;
  for (const char* ext : {".json", ".h5"}) {
    std::string f = cli_harness::scratch(std::string("p") + ext);
    if (std::string(ext) == ".h5") hw::write_profile_h5(lc.profile, f);
    else hw::write_profile_json(lc.profile, f);
    hw::Profile back = hw::read_profile(f);
    EXPECT_EQ(back.models[0].stitched_latency, lc.profile.models[0].stitched_latency) << ext;
  }
}

TEST(Estimators, ReportCoversBothTargetsAndRefusesProfilesWithoutMeasurements) {
  LatencyCase lc = latency_case(30, 7, 0.05, boundary_truth);
  auto& m = lc.profile.models[0];
  m.stitched_accuracy = explore_test::sample_stitched(m, 30, 7, explore_test::interaction_truth);
  experiments::EstimatorReportOptions o;
  o.accuracy_estimators = {sim::ConfigNode(sim::Json("analytic"), "<test>")};
  o.latency_estimators = {sim::ConfigNode(sim::Json("additive"), "<test>"),
                          sim::ConfigNode(sim::Json{{"name", "xgboost"}, {"rounds", 30}}, "<test>")};
  o.train_sizes = {10, 20, 50};
  o.repeats = 2;
  sim::Json r = experiments::estimator_report(lc.profile, &lc.platform, o);
  const auto& mj = r["models"][0];
  EXPECT_EQ(mj["accuracy"]["measured_stitched"].get<int>(), 30);
  EXPECT_EQ(mj["latency"]["estimators"].size(), 2u);
  EXPECT_EQ(mj["latency"]["estimators"][1]["tradeoff"].size(), 2u);  // 50 >= 30 measured: skipped
  EXPECT_EQ(mj["latency"]["estimators"][1]["tradeoff"][0]["samples"].get<int>(), 20);  // tested on the rest
  EXPECT_NE(experiments::format_estimator_report(r).find("additive"), std::string::npos);

  m.stitched_accuracy.clear();
  m.stitched_latency.clear();
  EXPECT_THROW(experiments::estimator_report(lc.profile, &lc.platform, o), sim::ConfigError);
}

TEST(Estimators, ProfileEstimateReportExitsTwoOnMissingMeasurementsOrBadConfig) {
  using cli_harness::run_cli;
  const std::string soc = cli_harness::source("hw-models/profiles/sm8550.h5");
  auto r = run_cli("profile estimate " + soc + " --report " + cli_harness::scratch("rep"));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("no model has measured stitched"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(cli_harness::scratch("rep")));
  r = run_cli("profile estimate " + soc + " --report " + cli_harness::scratch("rep2") +
              " --latency-estimators '[{\"name\": \"nope\"}]'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown latency_estimator 'nope'"), std::string::npos) << r.err;
  r = run_cli("profile estimate " + soc + " --report " + cli_harness::scratch("rep3") +
              " --accuracy-estimators '[{\"name\": \"xgboost\", \"margin\": -1}]'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("margin"), std::string::npos) << r.err;
}
