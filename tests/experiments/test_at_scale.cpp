// The shipped "at scale" experiment (experiments/configs/at_scale/day.json): a day of
// trace-driven arrivals over at least 50 tasks with SLO changes, runnable by SparseLoom and
// the baselines. The full day is a README measurement; here its first ten minutes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "experiments/experiment.h"
#include "experiments/simulation.h"
#include "workloads/trace_source.h"

namespace {

const std::string kDay = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/at_scale/day.json";

TEST(AtScale, DayConfigIsADayOfTracesOverFiftyTasks) {
  const auto e = experiments::load_experiment(kDay, {});
  EXPECT_EQ(e.duration, sim::from_s(86'400));
  EXPECT_GE(e.tasks.size(), 50u);
  EXPECT_GE(e.slo_changes.size(), e.tasks.size());
  std::set<std::size_t> changed;
  for (const auto& c : e.slo_changes) changed.insert(c.task);
  EXPECT_EQ(changed.size(), e.tasks.size());  // every task's SLO moves during the day
  // The parts of the split traces add up to the traces' own mean rates: 0.075 x 241/s from the
  // Azure Functions day, 2.57/s + 5.53/s from the two Azure LLM hours (looped).
  double total_rps = 0;
  for (const auto& t : e.tasks) total_rps += t.rate_rps;
  EXPECT_NEAR(total_rps, 0.075 * 20'820'188 / 86'400.0 + 8819.0 / 3437.0 + 19366.0 / 3502.0, 0.1);
}

// The split parts together replay exactly the traces: in the first ten minutes,
// floor(0.075 x invocations of minutes 1-10) from the Azure Functions day plus every request of
// the two Azure LLM traces in their first 600 s.
TEST(AtScale, FirstMinutesReplayTheTracesExactlyUnderEveryPlanner) {
  const std::string traces = std::string(STITCHSIM_SOURCE_DIR) + "/workloads/traces/";
  const auto counts = workloads::read_minute_count_trace(traces + "azure_functions_2019_day.csv", 0);
  std::uint64_t invocations = 0;
  for (int m = 0; m < 10; ++m) invocations += (*counts)[static_cast<std::size_t>(m)];
  auto expected = static_cast<std::size_t>(std::floor(0.075 * static_cast<double>(invocations)));
  for (const char* llm : {"azure_llm_2023_code.csv", "azure_llm_2023_conv.csv"}) {
    const auto times = workloads::read_arrival_ms_trace(traces + llm, "");
    expected += static_cast<std::size_t>(
        std::lower_bound(times->begin(), times->end(), sim::from_s(600)) - times->begin());
  }
  for (const char* planner : {"sparseloom", "av", "sv_ao", "sv_lo"}) {
    const auto e = experiments::load_experiment(
        kDay, {"duration=\"10min\"", std::string("variant_selector.name=\"") + planner + "\""});
    experiments::Simulation sim(e);
    const auto r = sim.run();
    EXPECT_EQ(r.requests.size(), expected) << planner;
  }
}

}  // namespace
