// `profile check` logic and the `stitchsim profile` CLI: every cross-entry problem is reported
// once with its path, and the CLI exits 2 with one error line per problem.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hw-models/profile_check.h"

namespace fs = std::filesystem;

namespace {

const std::string kSrc = STITCHSIM_SOURCE_DIR;
const std::string kFixture = kSrc + "/tests/data/profile_small.json";

hw::Profile fixture_with(const std::vector<std::string>& overrides) {
  sim::Json doc = sim::read_json_file(kFixture);
  for (const auto& o : overrides) sim::apply_override(doc, o);
  return hw::read_profile_json(sim::ConfigNode(doc, "fixture.json"));
}

bool has(const std::vector<hw::ProfileProblem>& ps, const std::string& path, const std::string& part) {
  for (const auto& p : ps)
    if (p.path == path && p.message.find(part) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<hw::ProfileProblem>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.path + ": " + p.message + "\n";
  return s;
}

TEST(ProfileCheck, FixtureIsClean) {
  auto ps = hw::check_profile(fixture_with({"models.tiny.runs.0.mean_ms=0.3"}));
  EXPECT_TRUE(ps.empty()) << dump(ps);
}

TEST(ProfileCheck, MisalignedCuts) {
  auto ps = hw::check_profile(fixture_with({"models.tiny.variants.1.subgraph_cuts=[0,1,3]"}));
  EXPECT_TRUE(has(ps, "$.models.tiny.variants[1].subgraph_cuts", "do not align across variants")) << dump(ps);
}

TEST(ProfileCheck, PartsThatDoNotSumToTheRun) {
  auto ps = hw::check_profile(fixture_with({"models.tiny.runs.0.mean_ms=0.5"}));
  EXPECT_TRUE(has(ps, "$.models.tiny.runs", "sum to 0.3 ms, the whole-model run is 0.5 ms")) << dump(ps);
}

TEST(ProfileCheck, RunWithoutEverySubgraph) {
  auto ps = hw::check_profile(fixture_with({"models.tiny.runs.0.variant=dense_fp32"}));
  EXPECT_TRUE(has(ps, "$.models.tiny.runs", "not every subgraph has a latency")) << dump(ps);
}

TEST(ProfileCheck, SubgraphNoProcessorRuns) {
  auto ps = hw::check_profile(fixture_with({"models.tiny.latency.3.subgraph=0", "models.tiny.latency.3.processor=cpu",
                                            "models.tiny.runs=[]"}));
  EXPECT_TRUE(has(ps, "$.models.tiny.latency", "no processor has a latency for variant 'int8' subgraph 1")) << dump(ps);
}

TEST(ProfileCheck, ProcessorWithoutKind) {
  auto ps = hw::check_profile(fixture_with({"processors.1=\"npu\""}));
  EXPECT_TRUE(has(ps, "$.processors[1]", "has no kind")) << dump(ps);
}

TEST(ProfileCheck, WhatAConfigNeeds) {
  hw::Profile p = fixture_with({});
  sim::Json pj = {{"processors", {{{"name", "cpu"}, {"kind", "GPU"}}, {{"name", "dsp"}, {"kind", "DSP"}}}},
                  {"memory", {{"capacity_bytes", 1000}}}};
  hw::Platform platform = hw::read_platform(sim::ConfigNode(pj, "platform.json"));
  std::vector<hw::ProfileNeed> needs = {{"$.tasks[0]", "nosuch", ""},
                                        {"$.tasks[1]", "tiny", "int4"},
                                        {"$.tasks[2]", "tiny", "int8"},
                                        {"$.tasks[3]", "tiny", "dense_fp32"}};
  auto ps = hw::check_profile_needs(p, platform, needs);
  EXPECT_TRUE(has(ps, "$.platform.processors[0].kind", "is a GPU on the platform but a CPU in the profile")) << dump(ps);
  EXPECT_TRUE(has(ps, "$.platform.processors[1]", "unknown processor 'dsp'")) << dump(ps);
  EXPECT_TRUE(has(ps, "$.tasks[0].model", "no entry in the profile")) << dump(ps);
  EXPECT_TRUE(has(ps, "$.tasks[1].variant", "no variant 'int4'")) << dump(ps);
  // int8 runs only on the NPU, which this platform lacks.
  EXPECT_TRUE(has(ps, "$.tasks[2]", "missing entry: no platform processor has a latency for subgraph 0 of tiny/int8")) << dump(ps);
  EXPECT_TRUE(has(ps, "$.tasks[3]", "more than the platform's memory")) << dump(ps);
}

TEST(ProfileCheck, ProvenanceCounts) {
  auto n = hw::count_provenance(fixture_with({}));
  EXPECT_EQ(n["measured"], 5);
  EXPECT_EQ(n["derived"], 2);
  EXPECT_EQ(n["estimated"], 17);
}

// --- CLI ---------------------------------------------------------------------------------

struct Result {
  int code;
  std::string out;
};

Result run_cli(const std::string& args) {
  std::string cmd = std::string(STITCHSIM_BINARY) + " " + args + " 2>&1";
  Result r{0, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe)) r.out += buf.data();
  int status = pipe ? pclose(pipe) : -1;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A path in this test's own folder where nothing exists yet (outputs must be new files).
std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() / ("stitchsim_profile_cli_" + std::to_string(::getpid())) / info->name();
  fs::create_directories(dir);
  fs::remove((dir / name));
  return (dir / name).string();
}

std::string temp_file(const std::string& name, const std::string& text) {
  std::string f = temp_path(name);
  std::ofstream(f) << text;
  return f;
}

TEST(ProfileCli, ShowSummarises) {
  Result r = run_cli("profile show " + kSrc + "/hw-models/profiles/sm8550.h5");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Snapdragon 8 Gen 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resnet101"), std::string::npos);
  EXPECT_NE(r.out.find("measured"), std::string::npos);
}

TEST(ProfileCli, CheckShippedProfileAgainstDefaultConfig) {
  Result r = run_cli("profile check " + kSrc + "/hw-models/profiles/sm8550.h5 --config " + kSrc + "/experiments/configs/default.json");
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST(ProfileCli, CheckListsEveryProblemAndExits2) {
  sim::Json doc = sim::read_json_file(kFixture);
  sim::apply_override(doc, "models.tiny.latency.0.mean_ms=-1");
  sim::apply_override(doc, "models.tiny.latency.2.processor=gpu");
  sim::apply_override(doc, "models.tiny.variants.1.subgraph_cuts=[0,1,3]");
  std::string f = temp_file("bad.json", doc.dump());
  Result r = run_cli("profile check " + f);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("$.models.tiny.latency[0].mean_ms: must be at least 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$.models.tiny.latency[2].processor: unknown processor 'gpu'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$.models.tiny.variants[1].subgraph_cuts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems in"), std::string::npos) << r.out;
}

TEST(ProfileCli, UnknownSubcommandAndBadSource) {
  EXPECT_EQ(run_cli("profile frobnicate").code, 2);
  EXPECT_EQ(run_cli("profile").code, 2);
  EXPECT_EQ(run_cli("profile import nosuch --out /dev/null").code, 2);
  Result r = run_cli("profile import edgecaffe --data /nonexistent --out " + temp_path("x.h5"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/public/edgecaffe/networks"), std::string::npos) << r.out;
}

TEST(ProfileCli, ImportFixtureWritesACheckedProfile) {
  std::string out = temp_path("edge.json");
  Result r = run_cli("profile import edgecaffe --data " + kSrc + "/tests/data/import --out " + out);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("rows used: 6"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli("profile check " + out).code, 0);
}

}  // namespace
