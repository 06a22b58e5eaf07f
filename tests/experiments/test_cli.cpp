// The CLI's contract on bad input: one error line naming the file and the JSON path, exit code
// 2, and no run directory left behind. Runs the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_harness.h"
#include "hw-models/profile.h"
#include "sim/config.h"

namespace fs = std::filesystem;

namespace {

using cli_harness::default_config;
using cli_harness::Result;
using cli_harness::run_cli;
using cli_harness::scratch;
using cli_harness::source;
using cli_harness::write_temp;

// Runs `stitchsim run CONFIG` expecting bad input; checks the contract and returns stderr.
std::string expect_bad_input(const std::string& config, const std::string& expected_path) {
  std::string out_dir = scratch("run_should_not_exist");
  fs::remove_all(out_dir);
  Result r = run_cli("run " + config + " --out " + out_dir);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "expected one line:\n" << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(expected_path), std::string::npos) << "missing '" << expected_path << "' in: " << r.err;
  EXPECT_FALSE(fs::exists(out_dir));
  // No staging directory left either.
  for (const auto& e : fs::directory_iterator(fs::path(out_dir).parent_path())) {
    EXPECT_EQ(e.path().filename().string().find(".run_should_not_exist.staging"), std::string::npos);
  }
  return r.err;
}

}  // namespace

TEST(Cli, HelpForEveryCommand) {
  for (const char* cmd : {"--help", "run --help", "list --help"}) {
    Result r = run_cli(cmd);
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(run_cli("frobnicate").code, 2);
  EXPECT_EQ(run_cli("run --bogus-flag x").code, 2);
}

TEST(Cli, ListShowsEveryExtensionPoint) {
  Result r = run_cli("list");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"scheduler:", "arrival:", "variant_selector:", "latency_model:", "sink:",
                        "least_slack_time_first", "poisson", "rate_rps"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  }
}

TEST(Cli, MissingFile) {
  auto err = expect_bad_input(scratch("does_not_exist.json"), "does_not_exist.json");
  EXPECT_NE(err.find("cannot open"), std::string::npos);
}

TEST(Cli, MalformedJson) {
  auto f = write_temp("malformed.json", "{\n \"name\": \"x\",\n \"seed\": NaN\n}\n");
  auto err = expect_bad_input(f, "malformed.json");
  EXPECT_NE(err.find("line 3"), std::string::npos) << err;
}

TEST(Cli, UnknownKey) {
  auto j = default_config();
  j["tasks"][1]["slo"]["latncy_ms"] = 5;
  expect_bad_input(write_temp("unknown_key.json", j.dump()), "$.tasks[1].slo.latncy_ms");
}

TEST(Cli, WrongType) {
  auto j = default_config();
  j["tasks"][0]["arrival"]["rate_rps"] = "thirty";
  expect_bad_input(write_temp("wrong_type.json", j.dump()), "$.tasks[0].arrival.rate_rps");
}

TEST(Cli, UnknownSchedulerListsValidNames) {
  auto j = default_config();
  j["scheduler"] = {{"name", "fastest_ever"}};
  auto err = expect_bad_input(write_temp("bad_sched.json", j.dump()), "$.scheduler.name");
  EXPECT_NE(err.find("round_robin"), std::string::npos);
}

TEST(Cli, ModelWithoutProfileEntry) {
  auto j = default_config();
  j["tasks"][2]["model"] = "alexnet";
  auto err = expect_bad_input(write_temp("no_model.json", j.dump()), "$.tasks[2].model");
  EXPECT_NE(err.find("alexnet"), std::string::npos);
}

TEST(Cli, NegativeLatencyInProfile) {
  auto j = default_config();
  sim::Json profile = hw::read_profile_document(j["profile"].get<std::string>());  // .json or .h5
  std::string model = profile["models"].begin().key();
  profile["models"][model]["latency"][0]["mean_ms"] = -1.0;
  j["profile"] = write_temp("negative_profile.json", profile.dump());
  auto err = expect_bad_input(write_temp("neg.json", j.dump()), "negative_profile.json: $.models." + model + ".latency[0].mean_ms");
}

TEST(Cli, NanLatencyInProfile) {
  auto j = default_config();
  sim::Json profile = hw::read_profile_document(j["profile"].get<std::string>());  // .json or .h5
  std::string model = profile["models"].begin().key();
  profile["models"][model]["latency"][0]["mean_ms"] = "NaN";
  j["profile"] = write_temp("nan_profile.json", profile.dump());
  expect_bad_input(write_temp("nan.json", j.dump()), "$.models." + model + ".latency[0].mean_ms");
}

TEST(Cli, BadSetOverride) {
  std::string out_dir = scratch("run_should_not_exist");
  Result r = run_cli("run " + source("experiments/configs/default.json") + " --set tasks.9.slo.latency_ms=3 --out " + out_dir);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("tasks[9]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out_dir));
}

TEST(Cli, RunWritesCompleteDirectory) {
  auto j = default_config();
  std::string out_dir = scratch("run_ok");
  fs::remove_all(out_dir);
  Result r = run_cli("run " + write_temp("ok.json", j.dump()) + " --out " + out_dir + " --seed 3 --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"config.resolved.json", "summary.json", "results.h5", "trace.json"}) {
    EXPECT_TRUE(fs::exists(out_dir + "/" + f)) << f;
  }
  auto resolved = sim::read_json_file(out_dir + "/config.resolved.json");
  EXPECT_EQ(resolved["seed"], 3);
  EXPECT_TRUE(resolved["scheduler"].contains("early_drop"));  // defaults filled in
  auto summary = sim::read_json_file(out_dir + "/summary.json");
  for (const char* k : {"slo_violation_rate", "throughput_rps", "requests", "dropped"}) {
    EXPECT_TRUE(summary["overall"].contains(k)) << k;
  }
  EXPECT_TRUE(summary["overall"]["latency_ms"].contains("p99"));
  EXPECT_TRUE(summary.contains("peak_memory_bytes"));
  EXPECT_EQ(summary["tasks"].size(), j["tasks"].size());
  auto trace = sim::read_json_file(out_dir + "/trace.json");
  EXPECT_GT(trace["traceEvents"].size(), 10u);
}
