// The live backend drives the same request flow as the simulator.
//
// 1. Plumbing check: the live pool with the replay runner waits out exactly the times the `soc`
//    model draws (same latency stream per job), so a live run and a simulation of the same
//    experiment must agree, up to thread wake-up overheads, on every policy combination. A
//    perturbed simulation (latencies x1.6) must NOT agree: the comparison can fail.
// 2. `stitchsim validate` (real oneDNN execution of a tiny zoo) completes and reports with every
//    registered planner and scheduler.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "experiments/experiment.h"
#include "experiments/live/live_run.h"
#include "experiments/live/machine.h"
#include "experiments/live/profiler.h"
#include "experiments/live/validate.h"
#include "experiments/live/zoo.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "hw-models/profile.h"
#include "sim/registry.h"
#include "sim/run_directory.h"

namespace fs = std::filesystem;

namespace {

std::string temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / "stitchsim_live_flow" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

// Two processors, one model of 2 subgraphs in three zoo variants (fp32, int8, pruned) with
// latencies of 1.5-4 ms (stddev 10 %), so planners have real choices. `scale` multiplies every latency.
hw::Profile replay_profile(double scale) {
  hw::Profile pr;
  pr.file = "replay_profile.json";
  pr.processors = {"cpu0", "cpu1"};
  pr.processor_kinds = {"CPU", "CPU"};
  hw::ModelProfile m;
  m.name = "m";
  m.subgraph_count = 2;
  m.variants = {hw::ZooVariant{.name = "dense_fp32", .accuracy = 0.90},
                hw::ZooVariant{.name = "dense_int8", .precision = "int8", .accuracy = 0.86},
                hw::ZooVariant{.name = "s50", .pruning = "structured", .sparsity = 0.5, .accuracy = 0.84}};
  m.memory.assign(6, hw::UnitMemory{.weights_bytes = 1 << 20, .activation_bytes = 1 << 16, .load_ms = 1});
  const double base_ms[3] = {4.0, 2.0, 2.5};
  for (int v = 0; v < 3; ++v)
    for (int s = 0; s < 2; ++s)
      for (int p = 0; p < 2; ++p) {
        hw::LatencyDist d;
        d.mean_ms = scale * base_ms[v] * (p == 0 ? 1.0 : 0.75) * (s == 0 ? 1.0 : 0.8);
        d.stddev_ms = 0.1 * d.mean_ms;
        d.provenance.kind = "estimated";
        m.latency.push_back(d);
      }
  pr.models.push_back(m);
  return pr;
}

sim::Json replay_experiment(const std::string& profile_file, const std::string& scheduler, const std::string& planner,
                          const std::string& preloader) {
  return {{"name", "replay"},
          {"seed", 4},
          {"duration", "1s"},
          {"platform",
           {{"name", "two"},
            {"processors", {{{"name", "cpu0"}, {"kind", "CPU"}, {"slots", 1}}, {{"name", "cpu1"}, {"kind", "CPU"}, {"slots", 1}}}},
            {"memory", {{"capacity_bytes", 64 << 20}, {"load_bandwidth_bytes_per_s", 1e9}}}}},
          {"profile", profile_file},
          {"scheduler", {{"name", scheduler}}},
          {"variant_selector", {{"name", planner}}},
          {"preloader", {{"name", preloader}}},
          {"outputs", {{"trace", false}, {"intervals", false}}},
          {"tasks",
           {{{"name", "a"}, {"model", "m"}, {"variant", "dense_fp32"}, {"slo", {{"latency_ms", 12}, {"min_accuracy", 0.85}}},
             {"arrival", {{"name", "periodic"}, {"rate_rps", 60}, {"jitter_ms", 2.0}}}},
            {{"name", "b"}, {"model", "m"}, {"variant", "s50"}, {"slo", {{"latency_ms", 9}}},
             {"arrival", {{"name", "poisson"}, {"rate_rps", 50}}}}}}};
}

// Where the two summaries disagree beyond thread wake-up overheads (measured on the shared 2-core
// machine with builds running next to it: up to +0.7 ms at p50, +2 ms at p99): requests must
// match exactly, p50 within max(15 %, 1 ms), p99 within max(30 %, 3 ms), violation rates within
// 8 points. A flow that diverges (another plan, a skipped load, a wrong order) moves them further.
std::vector<std::string> mismatches(const sim::Json& sim_summary, const sim::Json& live_summary) {
  std::vector<std::string> out;
  for (auto it = sim_summary["tasks"].begin(); it != sim_summary["tasks"].end(); ++it) {
    const auto& p = it.value();
    const auto& m = live_summary["tasks"][it.key()];
    if (p["requests"] != m["requests"]) out.push_back(it.key() + ": requests differ");
    for (auto [q, rel, abs_ms] : {std::tuple{"p50", 0.15, 1.0}, std::tuple{"p99", 0.30, 3.0}}) {
      double a = p["latency_ms"][q].get<double>(), b = m["latency_ms"][q].get<double>();
      if (std::abs(a - b) > std::max(rel * a, abs_ms)) out.push_back(fmt::format("{} {}: {} vs {}", it.key(), q, a, b));
    }
    double va = p["slo_violation_rate"].get<double>(), vb = m["slo_violation_rate"].get<double>();
    if (std::abs(va - vb) > 0.08) out.push_back(fmt::format("{} violations: {} vs {}", it.key(), va, vb));
  }
  return out;
}

struct ReplayCase {
  std::string scheduler, planner, preloader;
};

class LiveReplay : public ::testing::TestWithParam<ReplayCase> {};

TEST_P(LiveReplay, AgreesWithTheSimulation) {
  const ReplayCase& c = GetParam();
  std::string dir = temp_dir("replay_" + c.scheduler + "_" + c.planner);
  hw::write_profile_json(replay_profile(1.0), dir + "/profile.json");
  hw::write_profile_json(replay_profile(1.6), dir + "/slow.json");
  sim::Json config = replay_experiment("profile.json", c.scheduler, c.planner, c.preloader);
  auto e = experiments::load_experiment_json(config, dir + "/exp.json", dir);
  experiments::Simulation sim(e);
  sim::Json predicted = experiments::make_summary(e, sim.run());
  EXPECT_GT(predicted["overall"]["requests"].get<int>(), 90);
  // Noise on a shared machine only delays the live run (a late wake-up), never speeds it up, so
  // the check gets three attempts and must pass one; a diverging flow fails all three.
  sim::Json measured;
  std::string report;
  bool agreed = false;
  for (int attempt = 0; attempt < 3 && !agreed; ++attempt) {
    // At SCHED_FIFO where permitted (root in CI), so builds or tests running beside this one do not
    // delay the workers' wake-ups.
    live::LiveRun run(e, live::LiveRun::Executor::kReplay, {{}, {}}, live::realtime_permitted(), nullptr, dir + "/exp.json");
    measured = experiments::make_summary(e, run.run());
    auto m = mismatches(predicted, measured);
    agreed = m.empty();
    for (const auto& x : m) report += fmt::format("attempt {}: {}\n", attempt, x);
  }
  EXPECT_TRUE(agreed) << report;

  // The same check on a simulation whose latencies are 60 % longer must fail.
  config["profile"] = "slow.json";
  auto slow = experiments::load_experiment_json(config, dir + "/exp.json", dir);
  experiments::Simulation slow_sim(slow);
  EXPECT_FALSE(mismatches(experiments::make_summary(slow, slow_sim.run()), measured).empty());
}

INSTANTIATE_TEST_SUITE_P(Policies, LiveReplay,
                         ::testing::Values(ReplayCase{"shortest_expected_latency", "sparseloom", "hotness"},
                                           ReplayCase{"round_robin", "av", "none"},
                                           ReplayCase{"least_slack_time_first", "sv_lo", "none"},
                                           ReplayCase{"fixed_processor", "fixed", "none"}),
                         [](const auto& info) { return info.param.scheduler + "_" + info.param.planner; });

// A tiny zoo measured once, shared by the validate runs below.
class LiveValidateEvery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("validate_every");
    sim::Json zj = sim::Json::parse(R"({
      "seed": 3,
      "processors": [{"name": "cpu0", "cores": [0]}, {"name": "cpu1", "cores": [0]}],
      "measure": {"warmup": 1, "repeats": 3, "batch": 1, "cold_repeats": 1, "cold_gap_ms": 3, "reuse_gaps_ms": [0.5, 1], "reuse_repeats": 1, "runtime_repeats": 3},
      "accuracy": {"samples": 8},
      "variants": [{"name": "dense_fp32"}, {"name": "dense_int8", "precision": "int8"},
                   {"name": "s50", "pruning": "structured", "sparsity": 0.5}],
      "models": [{"name": "cnn", "kind": "resnet", "subgraphs": 2,
                  "size": {"input_hw": 16, "stem_channels": 8, "classes": 10, "stage_blocks": [1, 1], "stage_channels": [16, 32]}}]})");
    if (std::thread::hardware_concurrency() >= 2) zj["processors"][1]["cores"] = sim::Json::parse("[1]");
    sim::write_json_file(dir_ + "/zoo.json", zj);
    live::Zoo zoo(live::read_zoo_config(dir_ + "/zoo.json"));
    hw::write_profile_json(live::measure_profile(zoo), dir_ + "/profile.json");
  }
  static std::string dir_;
};
std::string LiveValidateEvery::dir_;

TEST_F(LiveValidateEvery, EveryPlannerAndSchedulerCompletesAndReports) {
  for (const auto& planner : sim::Registry<policies::VariantSelector>::instance().names()) {
    for (const auto& scheduler : sim::Registry<policies::Scheduler>::instance().names()) {
      std::string name = planner + "_" + scheduler;
      sim::Json config = {
          {"name", name},
          {"zoo", "zoo.json"},
          {"experiment",
           {{"name", name}, {"seed", 1}, {"duration", "150ms"},
            {"platform",
             {{"name", "two"},
              {"processors", {{{"name", "cpu0"}, {"kind", "CPU"}, {"slots", 1}}, {{"name", "cpu1"}, {"kind", "CPU"}, {"slots", 1}}}},
              {"memory", {{"capacity_bytes", 1 << 30}}}}},
            {"profile", "profile.json"},
            {"scheduler", {{"name", scheduler}}},
            {"variant_selector", {{"name", planner}}},
            {"preloader", {{"name", planner == "sparseloom" ? "hotness" : "none"}}},
            {"outputs", {{"trace", false}, {"sinks", {"csv"}}}},
            {"tasks",
             {{{"name", "a"}, {"model", "cnn"}, {"variant", "dense_int8"}, {"slo", {{"latency_ms", 50}, {"min_accuracy", 0.0}}},
               {"arrival", {{"name", "periodic"}, {"rate_rps", 60}}}}}}}}};
      sim::write_json_file(dir_ + "/validate.json", config);
      std::string out = dir_ + "/out_" + name;
      sim::Json c;
      ASSERT_NO_THROW(c = live::run_validate(dir_ + "/validate.json", out, true)) << name;
      const auto& t = c["tasks"]["a"];
      EXPECT_EQ(t["requests"]["predicted"], t["requests"]["measured"]) << name;
      EXPECT_GE(t["requests"]["measured"].get<int>(), 8) << name;
      EXPECT_GT(t["p50_ms"]["measured"].get<double>(), 0.0) << name;
      // Measured from the process (allocator bytes in use above the run's start), not summed
      // from the profile: positive, and not the pool's own accounting by construction.
      EXPECT_GT(c["peak_memory_bytes"]["measured"].get<double>(), 0.0) << name;
      EXPECT_TRUE(c.contains("live_accounted_peak_bytes")) << name;
      EXPECT_TRUE(fs::exists(out + "/live/summary.json")) << name;
    }
  }
}

}  // namespace
