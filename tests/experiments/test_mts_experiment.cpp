// The `mts` experiment: config errors name the JSON path; a small run writes every table, and
// one task is its own baseline everywhere (speed-up 1, equal memory).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "experiments/mts.h"

namespace {

const std::string kSrc = STITCHSIM_SOURCE_DIR;

sim::Json small_config() {
  return sim::Json::parse(R"({
    "architecture": {"cnn_layers": 3, "batch": 1},
    "ncnn_dir": ")" + kSrc + R"(/../shared/data/public/ncnn/params",
    "gpus": [")" + kSrc + R"(/hw-models/graphs/gpus/jetson_agx_orin.json"],
    "tasks": [1, 2], "rho": [0.5],
    "grouping": {"tasks": 3, "sharing_groups": 1, "groupers": ["exhaustive", "none"], "objectives": ["makespan"]},
    "group_size": {"tasks": 4, "sizes": [1, 4]}})");
}

int lines(const std::string& file) {
  std::ifstream in(file);
  std::string l;
  int n = 0;
  while (std::getline(in, l)) ++n;
  return n;
}

bool have_data() { return std::filesystem::exists(kSrc + "/../shared/data/public/ncnn/params/resnet50.param"); }

}  // namespace

TEST(MtsExperiment, ConfigErrorsNameThePath) {
  if (!have_data()) GTEST_SKIP() << "no shared data (the GPU files calibrate on its layer lists)";
  sim::Json c = small_config();
  c["grouping"]["bogus"] = 1;
  try {
    experiments::mts::parse_config(sim::ConfigNode(c, "m.json"));
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.file(), "m.json");
    EXPECT_EQ(e.path(), "$.grouping.bogus");
  }
  c = small_config();
  c["grouping"]["groupers"] = {"best"};
  try {
    experiments::mts::parse_config(sim::ConfigNode(c, "m.json"));
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.grouping.groupers[0]");
  }
}

TEST(MtsExperiment, SmallRunWritesEveryTable) {
  if (!have_data()) GTEST_SKIP() << "no shared data";
  auto c = experiments::mts::parse_config(sim::ConfigNode(small_config(), "m.json"));
  auto row = experiments::mts::speedup_row(c.arch, c.gpus[0], 1, 0.5);
  EXPECT_DOUBLE_EQ(row.mts_ms, row.sequential_ms);
  EXPECT_DOUBLE_EQ(row.netfuse_ms, row.sequential_ms);
  EXPECT_EQ(row.mts_bytes, row.netfuse_bytes);
  auto two = experiments::mts::speedup_row(c.arch, c.gpus[0], 2, 0.5);
  EXPECT_LT(two.mts_ms, two.sequential_ms);
  EXPECT_LT(two.mts_weight_bytes, two.netfuse_weight_bytes);
  auto dir = (std::filesystem::temp_directory_path() / "stitchsim_mts_experiment").string();
  std::filesystem::remove_all(dir);
  auto summary = experiments::mts::run(c, dir);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(lines(dir + "/speedup.csv"), 1 + 2);     // header + 2 task counts x 1 rho
  EXPECT_EQ(lines(dir + "/grouping.csv"), 1 + 2);    // header + 2 groupers x 1 objective
  EXPECT_EQ(lines(dir + "/group_size.csv"), 1 + 2);  // header + 2 sizes
  EXPECT_TRUE(std::filesystem::exists(dir + "/gpus.json"));
}
