// The profile format: JSON and HDF5 forms read to the same in-memory profile, writing is
// reproducible, and every structural problem is one ConfigError naming the file and the path.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <unistd.h>

#include "hw-models/profile.h"
#include "hw-models/profile_h5.h"

namespace fs = std::filesystem;

namespace {

const std::string kFixture = std::string(STITCHSIM_SOURCE_DIR) + "/tests/data/profile_small.json";

// A fresh path per process and test: ctest runs test cases in parallel processes.
std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : test)
    if (c == '/') c = '_';
  fs::path dir = fs::temp_directory_path() / ("stitchsim_profile_tests_" + std::to_string(::getpid())) / test;
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ProfileFormat, FixtureReadsEveryFeature) {
  hw::Profile p = hw::read_profile(kFixture);
  ASSERT_EQ(p.processors, (std::vector<std::string>{"cpu", "npu"}));
  EXPECT_EQ(p.processor_kinds, (std::vector<std::string>{"CPU", "NPU"}));
  EXPECT_EQ(p.platform, "fixture-soc");
  ASSERT_EQ(p.boundary_costs.size(), 2u);
  EXPECT_EQ(p.boundary_costs[0].ms_per_mb, 0.05);
  int m = p.find_model("tiny");
  ASSERT_GE(m, 0);
  const auto& tiny = p.models[static_cast<std::size_t>(m)];
  EXPECT_EQ(tiny.layers.size(), 3u);
  EXPECT_EQ(tiny.layers[2].provenance.commit, "abc123");
  EXPECT_EQ(tiny.subgraph_cuts, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(tiny.variants[1].subgraph_cuts, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(tiny.variants[0].accuracy_provenance.kind, "measured");
  EXPECT_EQ(tiny.unit_memory(0, 1).compile_ms, 3.0);
  EXPECT_EQ(tiny.unit_memory(1, 1).provenance.method, "fp32 / 4");
  const hw::LatencyDist* sampled = p.latency(m, 0, 1, 0);
  ASSERT_NE(sampled, nullptr);
  EXPECT_DOUBLE_EQ(sampled->mean_ms, 1.25);
  EXPECT_EQ(sampled->count, 3);
  EXPECT_EQ(p.latency(m, 0, 0, 0)->count, 8);
  EXPECT_EQ(p.latency(m, 0, 0, 1), nullptr);
  const hw::ModelRun* run = p.run(m, 1, 1);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->peak_memory_bytes, 5000000);
  EXPECT_EQ(p.run(m, 0, 0), nullptr);
  EXPECT_EQ(tiny.layer_latency.size(), 2u * 3u * 2u);
  EXPECT_TRUE(tiny.layer_load[0 * 3 + 2].has_value());
  ASSERT_EQ(tiny.stitched_accuracy.size(), 1u);
  EXPECT_EQ(tiny.stitched_accuracy[0].variants, (std::vector<int>{0, 1}));
}

TEST(ProfileFormat, JsonAndHdf5GiveTheSameProfile) {
  hw::Profile original = hw::read_profile(kFixture);
  std::string j = temp_path("roundtrip.json"), h = temp_path("roundtrip.h5");
  hw::write_profile_json(original, j);
  hw::write_profile_h5(original, h);
  hw::Profile from_json = hw::read_profile(j);
  hw::Profile from_h5 = hw::read_profile(h);
  EXPECT_TRUE(from_json == original);
  EXPECT_TRUE(from_h5 == original);
  EXPECT_TRUE(from_h5 == from_json);
  EXPECT_EQ(hw::to_json(from_h5), hw::to_json(original));
  // A change is visible to the comparison (the test above could fail).
  hw::Profile changed = from_h5;
  changed.models[1].layers[0].macs += 1;
  EXPECT_FALSE(changed == original);
}

TEST(ProfileFormat, WritingIsByteReproducible) {
  hw::Profile p = hw::read_profile(kFixture);
  std::string a = temp_path("a.h5"), b = temp_path("b.h5"), c = temp_path("a.json"), d = temp_path("b.json");
  hw::write_profile_h5(p, a);
  hw::write_profile_h5(p, b);
  hw::write_profile_json(p, c);
  hw::write_profile_json(p, d);
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_EQ(slurp(c), slurp(d));
}

TEST(ProfileFormat, IllustrativeExampleStillReads) {
  hw::Profile p = hw::read_profile(std::string(STITCHSIM_SOURCE_DIR) + "/hw-models/profiles/example_illustrative.json");
  EXPECT_TRUE(p.illustrative);
  // Kinds given, so `profile check` accepts the shipped example (issue 15).
  EXPECT_EQ(p.processor_kinds, (std::vector<std::string>{"CPU", "GPU", "NPU"}));
  EXPECT_GE(p.find_model("resnet101"), 0);
}

TEST(ProfileFormat, ProcessorsAsBareNamesStillRead) {
  sim::Json doc = sim::read_json_file(kFixture);
  doc["processors"] = {"cpu", "npu"};
  hw::Profile p = hw::read_profile_json(sim::ConfigNode(doc, "legacy.json"));
  EXPECT_EQ(p.processor_kinds, (std::vector<std::string>{"", ""}));
}

TEST(ProfileFormat, UnknownExtensionIsAnError) {
  try {
    hw::read_profile("profile.yaml");
    FAIL() << "no error";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a .json or .h5"), std::string::npos) << e.what();
  }
}

TEST(ProfileFormat, NotAnHdf5FileIsAnError) {
  std::string f = temp_path("bogus.h5");
  std::ofstream(f) << "not hdf5";
  EXPECT_THROW(hw::read_profile(f), sim::ConfigError);
  EXPECT_THROW(hw::read_profile(temp_path("missing.h5")), sim::ConfigError);
}

TEST(ProfileFormat, NanInHdf5IsRejectedWithItsPath) {
  sim::Json doc = sim::read_json_file(kFixture);
  doc["models"]["tiny"]["latency"][2]["mean_ms"] = std::numeric_limits<double>::quiet_NaN();
  std::string f = temp_path("nan.h5");
  hw::write_json_h5(doc, f);
  try {
    hw::read_profile(f);
    FAIL() << "NaN accepted";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.file(), f);
    EXPECT_EQ(e.path(), "$.models.tiny.latency[2].mean_ms");
    EXPECT_NE(e.message().find("finite"), std::string::npos) << e.what();
  }
}

// Each case: an override applied to the fixture, the JSON path of the error, a message part.
struct BadCase {
  std::string override_, path, message;
};

class ProfileValidation : public ::testing::TestWithParam<BadCase> {};

TEST_P(ProfileValidation, OneErrorNamingFileAndPath) {
  const BadCase& c = GetParam();
  sim::Json doc = sim::read_json_file(kFixture);
  sim::apply_override(doc, c.override_);
  for (const std::string form : {"json", "h5"}) {
    std::string f = temp_path("bad." + form);
    if (form == "json") std::ofstream(f) << doc.dump();
    else hw::write_json_h5(doc, f);
    try {
      hw::read_profile(f);
      ADD_FAILURE() << c.override_ << ": no error (" << form << ")";
    } catch (const sim::ConfigError& e) {
      EXPECT_EQ(e.file(), f);
      EXPECT_EQ(e.path(), c.path) << e.what();
      EXPECT_NE(e.message().find(c.message), std::string::npos) << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ProfileValidation,
    ::testing::Values(
        BadCase{"version=2", "$.version", "unsupported profile version"},
        BadCase{"processors.1.kind=TPU", "$.processors[1].kind", "not one of"},
        BadCase{"processors.1.name=cpu", "$.processors[1]", "duplicate processor"},
        BadCase{"models.tiny.latency.0.mean_ms=-1", "$.models.tiny.latency[0].mean_ms", "must be at least 0"},
        BadCase{"models.tiny.latency.0.processor=gpu", "$.models.tiny.latency[0].processor", "unknown processor 'gpu'"},
        BadCase{"models.tiny.latency.0.max_ms=1.0", "$.models.tiny.latency[0].max_ms", "below min_ms"},
        BadCase{"models.tiny.latency.0.subgraph=2", "$.models.tiny.latency[0].subgraph", "out of range"},
        BadCase{"models.tiny.latency.1.samples_ms=[]", "$.models.tiny.latency[1].samples_ms", "at least one sample"},
        BadCase{"models.tiny.latency.3.subgraph=0", "$.models.tiny.latency[3]", "duplicate latency entry"},
        BadCase{"models.tiny.memory.0.weights_bytes=-5", "$.models.tiny.memory[0].weights_bytes", "must not be negative"},
        BadCase{"models.tiny.memory.3.subgraph=0", "$.models.tiny.memory[3]", "duplicate memory entry"},
        BadCase{"models.tiny.variants.0.accuracy=1.5", "$.models.tiny.variants[0].accuracy", "must be in [0, 1]"},
        BadCase{"models.tiny.variants.1.precision=int4", "$.models.tiny.variants[1].precision", "not one of"},
        BadCase{"models.tiny.variants.1.name=dense_fp32", "$.models.tiny.variants[1].name", "duplicate variant"},
        BadCase{"models.tiny.variants.1.subgraph_cuts=[0,3,3]", "$.models.tiny.variants[1].subgraph_cuts[2]",
                "increase strictly"},
        BadCase{"models.tiny.subgraph_cuts=[0,2]", "$.models.tiny.subgraph_cuts", "needs 3 entries"},
        BadCase{"models.tiny.subgraph_cuts=[1,2,3]", "$.models.tiny.subgraph_cuts[0]", "first cut must be 0"},
        BadCase{"models.tiny.subgraph_cuts=[0,1,2]", "$.models.tiny.subgraph_cuts[2]", "last cut must be the layer count"},
        BadCase{"models.tiny.layers.1.name=conv1", "$.models.tiny.layers[1].name", "duplicate layer"},
        BadCase{"models.tiny.layers.0.macs=-1", "$.models.tiny.layers[0].macs", "must not be negative"},
        BadCase{"models.tiny.layer_latency.0.layer=conv9", "$.models.tiny.layer_latency[0].layer", "unknown layer"},
        BadCase{"models.tiny.runs.0.variant=int4", "$.models.tiny.runs[0].variant", "unknown variant"},
        BadCase{"models.tiny.runs.0.peak_memory_bytes=-2", "$.models.tiny.runs[0].peak_memory_bytes", "must not be negative"},
        BadCase{"models.tiny.stitched_accuracy.0.variants=[\"int8\"]", "$.models.tiny.stitched_accuracy[0].variants",
                "one variant per subgraph"},
        BadCase{"models.tiny.stitched_accuracy.0.variants.1=int4", "$.models.tiny.stitched_accuracy[0].variants[1]",
                "unknown variant"},
        BadCase{"models.tiny.memory.3.provenance.kind=guessed", "$.models.tiny.memory[3].provenance.kind", "not one of"},
        BadCase{"models.tiny.memory.3.provenance.method=\"\"", "$.models.tiny.memory[3].provenance", "needs a \"method\""},
        BadCase{"boundary_costs.0.processor=dsp", "$.boundary_costs[0].processor", "unknown processor"},
        BadCase{"boundary_costs.1.to=cpu", "$.boundary_costs[1].to", "are the same"},
        BadCase{"models.tiny.typo=1", "$.models.tiny.typo", "unknown key"}));

TEST(ProfileValidation, CollectingModeReportsEveryEntryProblem) {
  sim::Json doc = sim::read_json_file(kFixture);
  sim::apply_override(doc, "models.tiny.latency.0.mean_ms=-1");
  sim::apply_override(doc, "models.tiny.latency.2.processor=gpu");
  sim::apply_override(doc, "models.tiny.memory.0.activation_bytes=-1");
  std::vector<sim::ConfigError> problems;
  hw::read_profile_json(sim::ConfigNode(doc, "x.json"), problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].path(), "$.models.tiny.memory[0].activation_bytes");
  EXPECT_EQ(problems[1].path(), "$.models.tiny.latency[0].mean_ms");
  EXPECT_EQ(problems[2].path(), "$.models.tiny.latency[2].processor");
}

}  // namespace
