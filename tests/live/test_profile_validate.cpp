// The live profiler writes a profile the simulator reads back, and validate runs a tiny
// workload end to end. Sizes are tiny so this runs in seconds; timing targets are not asserted
// (the CI machine is shared), only structure and sanity.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include <cstdlib>
#include <fstream>

#include "experiments/live/machine_costs.h"
#include "experiments/live/profiler.h"
#include "experiments/live/validate.h"
#include "experiments/live/zoo.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/config.h"
#include "sim/run_directory.h"

namespace fs = std::filesystem;

namespace {

std::string temp_dir(const std::string& name) {
  // Per process: suites of other checkouts run at the same time on shared machines.
  fs::path d = fs::temp_directory_path() / ("stitchsim_live_tests-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

sim::Json tiny_zoo() {
  return sim::Json::parse(R"({
    "seed": 3,
    "processors": [{"name": "cpu0", "cores": [0]}, {"name": "cpu1", "cores": [0]}],
    "measure": {"warmup": 1, "repeats": 5, "batch": 1, "cold_repeats": 2, "cold_gap_ms": 3,
                "reuse_gaps_ms": [0.5, 1], "reuse_repeats": 2, "runtime_repeats": 5},
    "accuracy": {"samples": 8},
    "variants": [{"name": "dense_fp32"}, {"name": "dense_int8", "precision": "int8"},
                 {"name": "s50", "pruning": "structured", "sparsity": 0.5},
                 {"name": "u80", "pruning": "unstructured", "sparsity": 0.8}],
    "models": [
      {"name": "cnn", "kind": "resnet", "subgraphs": 3,
       "size": {"input_hw": 16, "stem_channels": 8, "classes": 10, "stage_blocks": [1, 1], "stage_channels": [16, 32]}},
      {"name": "enc", "kind": "transformer", "subgraphs": 2,
       "size": {"tokens": 8, "input_dim": 8, "dim": 16, "heads": 2, "ffn_dim": 32, "layers": 2, "classes": 10}}
    ]})");
}

TEST(LiveProfile, WrittenProfileReadsBackWithMeasuredEntries) {
  std::string dir = temp_dir("profile");
  sim::Json zj = tiny_zoo();
  live::Zoo zoo(live::read_zoo_config(sim::ConfigNode(zj, dir + "/zoo.json"), dir));
  hw::Profile p = live::measure_profile(zoo);
  for (const std::string ext : {".json", ".h5"}) {
    std::string file = dir + "/profile" + ext;
    if (ext == ".h5") hw::write_profile_h5(p, file);
    else hw::write_profile_json(p, file);
    hw::Profile back = hw::read_profile(file);
    EXPECT_EQ(back, p) << ext;
  }
  ASSERT_EQ(p.processors, (std::vector<std::string>{"cpu0", "cpu1"}));
  ASSERT_EQ(p.models.size(), 2u);
  for (int m = 0; m < 2; ++m) {
    const auto& mp = p.models[static_cast<std::size_t>(m)];
    EXPECT_EQ(mp.variants.size(), 4u);
    EXPECT_EQ(mp.variants[0].accuracy, 1.0);  // the base agrees with itself
    for (int v = 0; v < 4; ++v)
      for (int s = 0; s < mp.subgraph_count; ++s) {
        EXPECT_GT(mp.unit_memory(v, s).weights_bytes, 0);
        EXPECT_GT(mp.unit_memory(v, s).activation_bytes, 0);
        for (int pr = 0; pr < 2; ++pr) {
          const hw::LatencyDist* d = p.latency(m, v, s, pr);
          ASSERT_NE(d, nullptr);
          EXPECT_EQ(d->samples_ms.size(), 5u);
          EXPECT_GT(d->mean_ms, 0.0);
          EXPECT_EQ(d->provenance.kind, "measured");
          EXPECT_GT(d->cold_mean_ms, 0.0);  // measured after idling; it round-trips with the rest
        }
      }
    // Pruning at 50 % removes weights; int8 stores fewer bytes (about a quarter on real sizes; these
    // tiny layers are padded to the int8 kernels' channel blocking).
    EXPECT_LT(mp.unit_memory(2, 1).weights_bytes, mp.unit_memory(0, 1).weights_bytes);
    EXPECT_LT(mp.unit_memory(1, 1).weights_bytes, mp.unit_memory(0, 1).weights_bytes);
  }
}

TEST(LiveProfile, StitchedAccuracyCoversEveryOffDiagonalTuple) {
  std::string dir = temp_dir("stitched");
  sim::Json zj = tiny_zoo();
  live::Zoo zoo(live::read_zoo_config(sim::ConfigNode(zj, dir + "/zoo.json"), dir));
  const auto& enc = zoo.models()[1];  // 4 variants, 2 subgraphs: 16 tuples, 12 off the diagonal
  auto sa = live::stitched_accuracy(enc);
  ASSERT_EQ(sa.size(), 12u);
  auto diag = live::variant_accuracy(enc);
  for (const auto& s : sa) {
    EXPECT_NE(s.variants[0], s.variants[1]);
    EXPECT_GE(s.accuracy, 0.0);
    EXPECT_LE(s.accuracy, 1.0);
  }
  EXPECT_EQ(diag[0], 1.0);
}

TEST(LiveZooConfig, BadInputNamesFileAndPath) {
  sim::Json zj = tiny_zoo();
  zj["models"][0]["variants"] = sim::Json::parse(R"([{"name": "dense_fp32"}, {"name": "x", "precision": "int8", "pruning": "unstructured", "sparsity": 0.5}])");
  try {
    live::read_zoo_config(sim::ConfigNode(zj, "zoo.json"), ".");
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.file(), "zoo.json");
    EXPECT_EQ(e.path(), "$.models[0].variants[1].precision");
  }
  zj = tiny_zoo();
  zj["processors"][0]["cores"] = sim::Json::parse("[999]");
  EXPECT_THROW(live::read_zoo_config(sim::ConfigNode(zj, "zoo.json"), "."), sim::ConfigError);
}

TEST(LiveMachineCosts, PlatformFileReadsBackWithMeasuredCosts) {
  std::string dir = temp_dir("costs");
  sim::Json zj = tiny_zoo();
  live::Zoo zoo(live::read_zoo_config(sim::ConfigNode(zj, dir + "/zoo.json"), dir));
  live::RuntimeCosts costs = live::measure_runtime_costs(zoo.config());
  ASSERT_EQ(costs.dispatch_ms.size(), 2u);
  ASSERT_EQ(costs.handoff_ms.size(), 2u);
  for (int a = 0; a < 2; ++a) {
    // A thread wake-up: positive, and far below a second even on a loaded CI machine.
    EXPECT_GT(costs.dispatch_ms[a], 0.0);
    EXPECT_LT(costs.dispatch_ms[a], 1000.0);
    for (int b = 0; b < 2; ++b) EXPECT_GT(costs.handoff_ms[a][b], 0.0);
  }
  live::ReuseCurve curve = live::measure_reuse_curve(zoo);
  EXPECT_EQ(curve.reference_units, 2 * (3 + 2));  // two variants of both models, every subgraph
  if (!curve.empty()) {
    EXPECT_TRUE(std::is_sorted(curve.gap_ms.begin(), curve.gap_ms.end()));
    EXPECT_EQ(curve.gap_ms.back(), 3.0);  // the cold point closes the curve
    EXPECT_EQ(curve.cold_fraction.back(), 1.0);
  }
  sim::Json pj = live::measured_platform(zoo.config(), curve, costs, "profile.h5");
  hw::Platform p = hw::read_platform(sim::ConfigNode(pj, dir + "/platform.json"));
  ASSERT_EQ(p.processors.size(), 2u);
  EXPECT_EQ(p.processors[1].name, "cpu1");
  EXPECT_EQ(p.handoff_cost(0, 0), sim::from_ms(costs.handoff_ms[0][0]));  // same-processor hop kept
  EXPECT_EQ(p.handoff_cost(-1, 1), sim::from_ms(costs.dispatch_ms[1]));
  EXPECT_EQ(p.cache->inert(), curve.empty());
}

TEST(LiveZooConfig, ReuseIdleTimesMustIncreaseAndStayBelowCold) {
  sim::Json zj = tiny_zoo();
  zj["measure"]["reuse_gaps_ms"] = sim::Json::parse("[1, 0.5]");
  try {
    live::read_zoo_config(sim::ConfigNode(zj, "zoo.json"), ".");
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.measure.reuse_gaps_ms[1]");
  }
  zj["measure"]["reuse_gaps_ms"] = sim::Json::parse("[1, 5]");  // cold_gap_ms is 3
  try {
    live::read_zoo_config(sim::ConfigNode(zj, "zoo.json"), ".");
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.measure.reuse_gaps_ms");
  }
}

TEST(LiveProfileCli, WritesProfileAndPlatformOrNothing) {
  std::string dir = temp_dir("cli");
  sim::Json zj = tiny_zoo();
  zj["models"].erase(1);  // one model keeps this quick
  sim::write_json_file(dir + "/zoo.json", zj);
  std::string bin = STITCHSIM_BINARY;
  std::string cmd = bin + " profile run --backend onednn " + dir + "/zoo.json --out " + dir + "/p.h5 -q";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  hw::Profile p = hw::read_profile(dir + "/p.h5");
  EXPECT_EQ(p.models.size(), 1u);
  ASSERT_TRUE(fs::exists(dir + "/p.platform.json"));  // default: beside the profile
  hw::Platform platform = hw::read_platform(sim::ConfigNode(sim::read_json_file(dir + "/p.platform.json"), "p.platform.json"));
  EXPECT_EQ(platform.processors.size(), 2u);
  // A bad platform path fails before measuring and writes neither file.
  cmd = bin + " profile run --backend onednn " + dir + "/zoo.json --out " + dir + "/q.h5 --platform-out " + dir + "/q.txt -q 2>/dev/null";
  int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_FALSE(fs::exists(dir + "/q.h5"));
  EXPECT_FALSE(fs::exists(dir + "/q.txt"));
}

TEST(LiveValidate, TinyWorkloadEndToEnd) {
  std::string dir = temp_dir("validate");
  sim::Json zj = tiny_zoo();
  zj["processors"][1]["cores"] = sim::Json::parse("[1]");
  if (std::thread::hardware_concurrency() < 2) zj["processors"][1]["cores"] = sim::Json::parse("[0]");
  sim::write_json_file(dir + "/zoo.json", zj);
  live::Zoo zoo(live::read_zoo_config(dir + "/zoo.json"));
  hw::write_profile_json(live::measure_profile(zoo), dir + "/profile.json");
  // The platform as profile run writes it: measured runtime costs and reuse curve (when this
  // machine shows one), so the simulated side runs the cache model on the profile's cold latencies.
  sim::Json platform = live::measured_platform(zoo.config(), live::measure_reuse_curve(zoo),
                                               live::measure_runtime_costs(zoo.config()), "profile.json");
  sim::Json config = {
      {"name", "tiny"},
      {"zoo", "zoo.json"},
      {"experiment",
       {{"name", "tiny"}, {"seed", 1}, {"duration", "400ms"}, {"platform", platform}, {"profile", "profile.json"},
        {"scheduler", {{"name", "shortest_expected_latency"}}}, {"variant_selector", {{"name", "fixed"}}},
        {"outputs", {{"trace", false}, {"sinks", {"csv"}}}},
        {"tasks",
         {{{"name", "a"}, {"model", "cnn"}, {"variant", "dense_int8"}, {"slo", {{"latency_ms", 50}}},
           {"arrival", {{"name", "periodic"}, {"rate_rps", 50}}}},
          {{"name", "b"}, {"model", "enc"}, {"variant", "s50"}, {"slo", {{"latency_ms", 50}}},
           {"arrival", {{"name", "poisson"}, {"rate_rps", 40}}}}}}}}};
  sim::write_json_file(dir + "/validate.json", config);
  std::string out = dir + "/out";
  sim::Json c = live::run_validate(dir + "/validate.json", out, true);
  for (const char* t : {"a", "b"}) {
    const auto& task = c["tasks"][t];
    // Same arrival process and seed: the same number of requests arrive in both runs.
    EXPECT_EQ(task["requests"]["predicted"], task["requests"]["measured"]) << t;
    EXPECT_GT(task["requests"]["measured"].get<int>(), 5) << t;
    EXPECT_GT(task["p50_ms"]["measured"].get<double>(), 0.0) << t;
    EXPECT_GT(task["p50_ms"]["predicted"].get<double>(), 0.0) << t;
    EXPECT_GE(task["p99_ms"]["measured"].get<double>(), task["p50_ms"]["measured"].get<double>()) << t;
    EXPECT_TRUE(task["p50_ms"].contains("error_pct")) << t;
    EXPECT_TRUE(task["slo_violation_rate"].contains("error_pp")) << t;
  }
  EXPECT_GT(c["peak_memory_bytes"]["measured"].get<double>(), 0.0);
  for (const char* f : {"summary.json", "config.resolved.json", "simulated/summary.json", "live/summary.json"}) {
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  }
  sim::Json live_summary = sim::read_json_file(out + "/live/summary.json");
  EXPECT_EQ(live_summary["overall"]["dropped"], 0);
  EXPECT_FALSE(live::format_comparison(c).empty());

  // A zoo missing a variant of the profile is one ConfigError naming the validate config, and
  // nothing is written.
  zj["variants"].erase(zj["variants"].end() - 1);
  sim::write_json_file(dir + "/zoo.json", zj);
  std::string out2 = dir + "/out2";
  try {
    live::run_validate(dir + "/validate.json", out2, true);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.zoo");
  }
  EXPECT_FALSE(fs::exists(out2));
}

}  // namespace
