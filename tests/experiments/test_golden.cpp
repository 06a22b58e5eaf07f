// Golden test: the default experiment's summary.json must equal the committed reference
// (tests/golden/default_summary.json). Any change in event order, RNG streams, policies or
// the profile shows up here. When a change is intended, regenerate the reference with
// scripts/update_golden.sh and review the diff in the commit.
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"

namespace {

// Exact on integers and strings; doubles to 1e-9 relative (the summary is written with full
// precision, and only formatting could differ).
void compare(const sim::Json& want, const sim::Json& got, const std::string& path) {
  if (want.is_number_float() || got.is_number_float()) {
    ASSERT_TRUE(got.is_number()) << path;
    double a = want.get<double>(), b = got.get<double>();
    EXPECT_LE(std::abs(a - b), 1e-9 * std::max(1.0, std::abs(a))) << path << ": want " << a << ", got " << b;
    return;
  }
  if (want.is_number() && got.is_number()) {  // signed/unsigned may differ after a file round trip
    EXPECT_EQ(want.get<std::int64_t>(), got.get<std::int64_t>()) << path;
    return;
  }
  ASSERT_EQ(want.type(), got.type()) << path;
  if (want.is_object()) {
    ASSERT_EQ(want.size(), got.size()) << path << " keys differ: " << got.dump();
    for (auto it = want.begin(); it != want.end(); ++it) {
      ASSERT_TRUE(got.contains(it.key())) << path << "." << it.key();
      compare(it.value(), got[it.key()], path + "." + it.key());
    }
  } else if (want.is_array()) {
    ASSERT_EQ(want.size(), got.size()) << path;
    for (std::size_t i = 0; i < want.size(); ++i) compare(want[i], got[i], path + "[" + std::to_string(i) + "]");
  } else {
    EXPECT_EQ(want, got) << path;
  }
}

}  // namespace

TEST(Golden, DefaultExperimentSummary) {
  std::string src = STITCHSIM_SOURCE_DIR;
  auto e = experiments::load_experiment(src + "/experiments/configs/default.json");
  experiments::Simulation sim(e);
  sim::Json got = experiments::make_summary(e, sim.run());
  sim::Json want = sim::read_json_file(src + "/tests/golden/default_summary.json");
  compare(want, got, "$");
}

// Why the golden numbers are right, not only unchanged: the default experiment runs the SparseLoom
// planner, whose every plan must meet the accuracy SLO in force (the default's SLOs are feasible
// for it), which stitches at least part of the time, and which must violate no more often than
// AV, its own baseline without stitching, in either mode (-P split over >= 2 processors, -NP on
// one): its candidates include AV's and its guarded choice starts from AV's.
TEST(Golden, DefaultPlannerMeetsAccuracyAndDoesNotLoseToAv) {
  std::string src = STITCHSIM_SOURCE_DIR;
  sim::Json config = sim::read_json_file(src + "/experiments/configs/default.json");
  ASSERT_EQ(config["variant_selector"]["name"], "sparseloom");
  auto run = [&](const sim::Json& selector) {
    sim::Json c = config;
    c["variant_selector"] = selector;
    c["outputs"] = {{"trace", false}, {"intervals", false}};
    auto e = experiments::load_experiment_json(c, src + "/experiments/configs/default.json", src + "/experiments/configs");
    experiments::Simulation sim(e);
    return experiments::make_summary(e, sim.run());
  };
  sim::Json sl = run(config["variant_selector"]);
  EXPECT_EQ(sl["overall"]["met_accuracy_rate"].get<double>(), 1.0);
  EXPECT_GT(sl["plans"]["stitched_requests"].get<double>(), 0.0);
  const double v = sl["overall"]["slo_violation_rate"].get<double>();
  // Every accuracy SLO is met, so each violation is a latency miss: the golden file's violation
  // count is exactly the requests past their deadline.
  EXPECT_NEAR(sl["overall"]["slo_violations"].get<double>(),
              sl["overall"]["requests"].get<double>() * (1.0 - sl["overall"]["met_latency_rate"].get<double>()), 1e-6);
  for (bool partitioned : {true, false}) {
    sim::Json av = run({{"name", "av"}, {"partitioned", partitioned}});
    EXPECT_LE(v, av["overall"]["slo_violation_rate"].get<double>()) << "AV partitioned=" << partitioned;
    // Arrivals do not depend on the policy: the same requests are offered to every planner.
    EXPECT_EQ(sl["overall"]["requests"], av["overall"]["requests"]) << "AV partitioned=" << partitioned;
  }
}
