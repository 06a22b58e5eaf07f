// The Core Ultra platform: the OpenVINO benchmark table reader on a small fixture
// (tests/data/import/public/openvino), the CLI's answer to a bad row, the shipped profile's
// invariants, and the cold-start cost of one on-demand load computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "cli_harness.h"
#include "hw-models/execution_model.h"
#include "hw-models/import/profile_sources.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/config.h"

namespace fs = std::filesystem;
using namespace hw;

namespace {

const std::string kSrc = STITCHSIM_SOURCE_DIR;
const std::string kTable = kSrc + "/tests/data/import/public/openvino/OV-benchmark-data-2024.3.csv";

std::string temp_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() / ("stitchsim_core_ultra_" + std::to_string(::getpid())) / info->name();
  fs::create_directories(dir);
  return dir.string();
}

// The fixture with line `line` (1-based) replaced by `text`.
std::string fixture_with_line(const std::string& dir, int line, const std::string& text) {
  std::ifstream in(kTable);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  lines.at(static_cast<std::size_t>(line - 1)) = text;
  fs::create_directories(fs::path(dir) / "public/openvino");
  std::string out = (fs::path(dir) / "public/openvino/OV-benchmark-data-2024.3.csv").string();
  std::ofstream o(out);
  for (const auto& l : lines) o << l << "\r\n";  // the published file's CRLF endings
  return out;
}

TEST(OpenVinoTable, ReadsRowsWithUnitsAndLines) {
  auto rows = sources::read_openvino_csv(kTable);
  ASSERT_EQ(rows.size(), 9u);
  const auto& cpu = rows[0];
  EXPECT_EQ(cpu.model, "bert-base-cased");
  EXPECT_EQ(cpu.release, "OV-2024.3.0");
  EXPECT_NE(cpu.platform.find("165H CPU-only"), std::string::npos);
  EXPECT_DOUBLE_EQ(cpu.fps_int8, 50.56);
  EXPECT_DOUBLE_EQ(cpu.fps_fp16, -1) << "an empty cell";
  EXPECT_DOUBLE_EQ(cpu.fps_fp32, 20.03);
  EXPECT_DOUBLE_EQ(cpu.latency_int8, 40.12);
  EXPECT_EQ(cpu.throughput_unit, "FPS");
  EXPECT_EQ(cpu.latency_unit, "msec.");
  EXPECT_EQ(cpu.line, 3);
  EXPECT_EQ(rows[4].model, "resnet-50");
  EXPECT_DOUBLE_EQ(rows[4].latency_int8, 1.55);
  EXPECT_EQ(rows[8].model, "chatglm2-6b");
  EXPECT_EQ(rows[8].throughput_unit, "tokens/sec") << "units come from the block's begin_rec row";
  EXPECT_EQ(rows[8].line, 15);
}

TEST(OpenVinoTable, BadRowsNameFileAndLine) {
  std::string dir = temp_dir();
  struct Case {
    int line;
    std::string text, message;
  } cases[] = {
      {4, "bert-base-cased,OV-2024.3.0,core-NPU,x,81.73", "5 columns, the header has 25"},
      {4, "bert-base-cased,OV-2024.3.0,core-NPU,x,fast,,,,,,,,,,13.37,FPS,FPS/$,FPS/TDP,msec.,,,,,,", "expected a number, got 'fast'"},
      {7, "resnet-50,OV-2024.3.0,core,x,1,,,,,,,,,,2,FPS,FPS/$,FPS/TDP,msec.,,,,,,", "outside a begin_rec/end_rec block"},
  };
  for (const auto& c : cases) {
    std::string file = fixture_with_line(dir, c.line, c.text);
    try {
      sources::read_openvino_csv(file);
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const sim::ConfigError& e) {
      EXPECT_EQ(e.file(), file);
      EXPECT_EQ(e.path(), "line " + std::to_string(c.line));
      EXPECT_NE(e.message().find(c.message), std::string::npos) << e.message();
    }
  }
}

TEST(OpenVinoTable, ImportOfABadTableExitsTwoWithOneLine) {
  std::string dir = temp_dir();
  std::string file = fixture_with_line(dir, 9, "resnet-50,OV-2024.3.0,core-NPU,x,779.54,384.38");
  std::string out = (fs::path(dir) / "core_ultra.h5").string();
  auto r = cli_harness::run_cli("profile import core_ultra --data " + dir + " --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 9"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "no partial output";
}

// Every model, variant and processor of the shipped profile has a positive latency whose
// provenance names its source, and the subgraph parts sum to the whole-model run.
TEST(CoreUltraProfile, EveryUnitHasAPositiveLatencyWithProvenance) {
  Profile p = read_profile(kSrc + "/hw-models/profiles/core_ultra.h5");
  EXPECT_EQ(p.processors, (std::vector<std::string>{"cpu", "gpu", "npu"}));
  ASSERT_EQ(p.models.size(), 4u);
  for (int m = 0; m < static_cast<int>(p.models.size()); ++m) {
    const auto& mp = p.models[static_cast<std::size_t>(m)];
    ASSERT_EQ(mp.variants.size(), 10u) << mp.name;
    for (int v = 0; v < static_cast<int>(mp.variants.size()); ++v) {
      for (int q = 0; q < static_cast<int>(p.processors.size()); ++q) {
        std::string where = mp.name + "/" + mp.variants[static_cast<std::size_t>(v)].name + "/" + p.processors[static_cast<std::size_t>(q)];
        const ModelRun* run = p.run(m, v, q);
        ASSERT_NE(run, nullptr) << where;
        double sum = 0;
        for (int s = 0; s < mp.subgraph_count; ++s) {
          const LatencyDist* d = p.latency(m, v, s, q);
          ASSERT_NE(d, nullptr) << where << " subgraph " << s;
          EXPECT_GT(d->mean_ms, 0) << where;
          EXPECT_FALSE(d->provenance.kind.empty()) << where;
          EXPECT_NE(d->provenance.path.find("OV-2024.3-benchmark-data.csv"), std::string::npos) << where;
          sum += d->mean_ms;
        }
        EXPECT_NEAR(sum, run->latency.mean_ms, 1e-9 * run->latency.mean_ms) << where;
      }
      for (int s = 0; s < mp.subgraph_count; ++s) EXPECT_GT(mp.unit_memory(v, s).weights_bytes, 0);
    }
  }
  // The point of the platform: processors of comparable speed. For every model's dense int8
  // variant the iGPU and the NPU are within 2x of each other (on the SoC profiles the GPU is
  // 3-15x slower than the fastest processor).
  for (int m = 0; m < static_cast<int>(p.models.size()); ++m) {
    int v = p.models[static_cast<std::size_t>(m)].find_variant("dense_int8");
    double gpu = p.run(m, v, p.find_processor("gpu"))->latency.mean_ms, npu = p.run(m, v, p.find_processor("npu"))->latency.mean_ms;
    EXPECT_LT(std::max(gpu, npu), 2 * std::min(gpu, npu)) << p.models[static_cast<std::size_t>(m)].name;
  }
}

// One on-demand load: 30 MB of weights at 1.5 GB/s plus 4 ms of runtime initialisation
// = 20 ms + 4 ms; a measured load_ms in the profile replaces both.
TEST(ColdStart, LoadTimeIsInitPlusBytesOverBandwidth) {
  sim::Json doc = {{"name", "t"},
                   {"processors", sim::Json::array({{{"name", "cpu"}, {"kind", "CPU"}}})},
                   {"memory", {{"capacity_bytes", 1 << 30}, {"load_bandwidth_bytes_per_s", 1.5e9}, {"load_init_ms", 4.0}}}};
  Platform pf = read_platform(sim::ConfigNode(doc, "platform.json"));
  EXPECT_EQ(pf.load_init, sim::from_ms(4.0));
  EXPECT_EQ(to_json(pf)["memory"]["load_init_ms"], 4.0);
  Profile prof;
  prof.processors = {"cpu"};
  prof.processor_kinds = {"CPU"};
  ModelProfile m;
  m.name = "m";
  m.subgraph_count = 1;
  m.variants.resize(1);
  m.memory.assign(1, UnitMemory{.weights_bytes = 30'000'000, .activation_bytes = 1});
  prof.models.push_back(m);
  EXPECT_EQ(unit_load_time(pf, prof, 0, 0, 0), sim::from_ms(24.0));
  prof.models[0].memory[0].load_ms = 7.0;
  EXPECT_EQ(unit_load_time(pf, prof, 0, 0, 0), sim::from_ms(7.0));
  // Without load_init_ms the platform keeps today's behaviour: bytes over bandwidth only.
  doc["memory"].erase("load_init_ms");
  Platform plain = read_platform(sim::ConfigNode(doc, "platform.json"));
  prof.models[0].memory[0].load_ms = -1;
  EXPECT_EQ(unit_load_time(plain, prof, 0, 0, 0), sim::from_ms(20.0));
  EXPECT_FALSE(to_json(plain)["memory"].contains("load_init_ms"));
}

}  // namespace
