// The planner's waiting-time model (policies/queueing.h): against a case worked by hand with the
// Pollaczek-Khinchine formula, and against the simulator's own latencies on a small scenario.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "policies/queueing.h"

namespace q = policies::queueing;

TEST(Queueing, ErlangCKnownValues) {
  EXPECT_DOUBLE_EQ(q::erlang_c(1, 0.3), 0.3);  // one slot: P(wait) = rho
  // M/M/2 at a = 1 (rho 0.5): B = 0.2, C = 0.2 / (1 - 0.5 * 0.8) = 1/3.
  EXPECT_NEAR(q::erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(q::erlang_c(2, 2.5), 1.0);
}

// Two job classes on one slot. Short: 10 jobs/s of 10 ms; long: 2 jobs/s of 100 ms.
//   rho = 10 * 0.01 + 2 * 0.1 = 0.3
//   sum lambda s^2 = 10 * 1e-4 + 2 * 1e-2 = 0.021 s
//   P-K: W = 0.021 / (2 * (1 - 0.3)) = 0.015 s = 15 ms, for both classes (FCFS).
// The old inflation exec / (1 - rho) gave the short class 10 / 0.7 - 10 = 4.3 ms of waiting: it
// could not see the 100 ms jobs that short ones queue behind.
// Tail: P(W > x) = 0.3 exp(-x * 0.3 / 0.015) = 0.3 exp(-20 x); p99 of W = 0.05 ln(30) = 170.06 ms.
TEST(Queueing, PollaczekKhinchineByHand) {
  q::Station s;
  s.add(10, 0.010);
  s.add(2, 0.100);
  EXPECT_NEAR(s.utilisation(), 0.3, 1e-12);
  q::Wait w = q::wait(s);
  EXPECT_FALSE(w.saturated);
  EXPECT_NEAR(w.mean_s, 0.015, 1e-12);
  EXPECT_NEAR(w.p_wait, 0.3, 1e-12);
  q::PathWait path;
  path.add(w);
  EXPECT_NEAR(path.tail(0.0), 0.3, 1e-12);
  EXPECT_NEAR(path.tail(0.05), 0.3 * std::exp(-1.0), 1e-12);
  EXPECT_NEAR(path.quantile(0.99), 0.05 * std::log(30.0), 1e-12);
  EXPECT_EQ(path.quantile(0.5), 0.0);  // 70 % of jobs do not wait at all
  // Removing the long class leaves M/D/1: W = 10 * 1e-4 / (2 * 0.9) = 0.5556 ms.
  s.add(-2, 0.100);
  EXPECT_NEAR(q::wait(s).mean_s, 1e-3 / 1.8, 1e-12);
  // Saturation: every request waits forever.
  s.add(95, 0.010);
  EXPECT_TRUE(q::wait(s).saturated);
}

TEST(Queueing, PathsAddMeansAndCombineWaitProbabilities) {
  q::PathWait p;
  p.add({0.002, 0.2, false});
  p.add({0.003, 0.5, false});
  EXPECT_NEAR(p.mean_s, 0.005, 1e-15);
  EXPECT_NEAR(p.p_wait, 1 - 0.8 * 0.5, 1e-15);
}

namespace {

// One NPU slot; "short" (1 subgraph, 2 ms) at 50 requests/s and "long" (1 subgraph, 20 ms) at 10
// requests/s, both Poisson, deterministic execution, weights preloaded (no load cost).
sim::Json one_slot_experiment(const std::string& dir) {
  sim::Json profile = {{"format", "stitchsim-profile"}, {"version", 1}, {"processors", {"npu"}}, {"models", sim::Json::object()}};
  for (auto [name, ms] : {std::pair{"short", 2.0}, std::pair{"long", 20.0}}) {
    profile["models"][name] = {
        {"subgraph_count", 1},
        {"variants", {{{"name", "v"}, {"precision", "int8"}, {"accuracy", 0.9}}}},
        {"memory", {{{"variant", "v"}, {"subgraph", 0}, {"weights_bytes", 1000}, {"activation_bytes", 1000}, {"load_ms", 0}}}},
        {"latency", {{{"variant", "v"}, {"subgraph", 0}, {"processor", "npu"}, {"mean_ms", ms}}}}};
  }
  std::ofstream(dir + "/profile.json") << profile.dump();
  sim::Json platform = {{"name", "one"}, {"processors", {{{"name", "npu"}, {"kind", "NPU"}}}}, {"memory", {{"capacity_bytes", 1000000000}}}};
  auto task = [](const char* name, double rate) {
    return sim::Json{{"name", name}, {"model", name}, {"slo", {{"latency_ms", 1000}, {"min_accuracy", 0.5}}},
                     {"arrival", {{"name", "poisson"}, {"rate_rps", rate}}}};
  };
  return {{"name", "mg1"},
          {"duration", "400s"},
          {"seed", 3},
          {"platform", platform},
          {"profile", "profile.json"},
          {"latency_model", {{"name", "profile_table"}, {"deterministic", true}}},
          {"scheduler", {{"name", "fcfs"}}},
          {"tasks", {task("short", 50), task("long", 10)}}};
}

}  // namespace

// The model against the simulator's percentiles. rho = 50 * 0.002 + 10 * 0.020 = 0.3;
// sum lambda s^2 = 50 * 4e-6 + 10 * 4e-4 = 4.2e-3 s; W = 4.2e-3 / 1.4 = 3 ms (exact for M/G/1 FCFS).
// Predicted mean latency: short 5 ms, long 23 ms. Tail approximation: p95 of the wait is
// (3 / 0.3) ln(0.3 / 0.05) = 17.9 ms, p99 (3 / 0.3) ln(30) = 34.0 ms. Measured (seed 3, 400 s,
// 24,000 requests): short mean 4.96 / p95 20.10 / p99 32.32 ms, long mean 22.98 ms, against
// predicted 5.00 / 19.92 / 36.01 and 23.00. Tolerances: means within 5 % (P-K is exact for the
// mean), p95 within 10 %, p99 within 20 % (the exponential tail is an approximation for a
// two-point service mix; it errs high, on the safe side).
TEST(Queueing, MatchesSimulatedPercentilesOnOneSlot) {
  std::string dir = ::testing::TempDir() + "/stitchsim-queueing-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  auto e = experiments::load_experiment_json(one_slot_experiment(dir), dir + "/exp.json", dir);
  experiments::Simulation sim(e);
  sim::Json s = experiments::make_summary(e, sim.run());

  q::Station st;
  st.add(50, 0.002);
  st.add(10, 0.020);
  q::PathWait path;
  path.add(q::wait(st));
  const auto& short_ms = s["tasks"]["short"]["latency_ms"];
  const auto& long_ms = s["tasks"]["long"]["latency_ms"];
  EXPECT_NEAR(short_ms["mean"].get<double>(), 2.0 + path.mean_s * 1e3, 0.05 * (2.0 + path.mean_s * 1e3));
  EXPECT_NEAR(long_ms["mean"].get<double>(), 20.0 + path.mean_s * 1e3, 0.05 * (20.0 + path.mean_s * 1e3));
  const double p95 = 2.0 + path.quantile(0.95) * 1e3, p99 = 2.0 + path.quantile(0.99) * 1e3;
  EXPECT_NEAR(short_ms["p95"].get<double>(), p95, 0.10 * p95);
  EXPECT_NEAR(short_ms["p99"].get<double>(), p99, 0.20 * p99);
  std::filesystem::remove_all(dir);
}
