// Profile converters: the source readers on small hand-written fixtures (tests/data/import), the
// derivation steps (split, cuts, roofline fit, filter), a whole converter run on a fixture, and
// when the shared data is present (../shared/data) that the committed profiles are reproduced
// byte for byte and pass the profile checks.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include <unistd.h>

#include "hw-models/profile_check.h"
#include "hw-models/import/profile_import.h"
#include "hw-models/import/profile_sources.h"

namespace fs = std::filesystem;
using namespace hw;

namespace {

const std::string kSrc = STITCHSIM_SOURCE_DIR;
const std::string kFix = kSrc + "/tests/data/import";
const std::string kData = kSrc + "/../shared/data";

std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() / ("stitchsim_import_tests_" + std::to_string(::getpid())) / info->name();
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ImportSources, NcnnParamCosts) {
  auto layers = sources::read_ncnn_param(kFix + "/tiny.param");
  ASSERT_EQ(layers.size(), 4u);
  // conv1: 432 weights x 4x4 output pixels; 16 bias values.
  EXPECT_EQ(layers[1].layer.macs, 432 * 16);
  EXPECT_EQ(layers[1].layer.weight_bytes, 4 * (432 + 16));
  EXPECT_EQ(layers[1].layer.activation_bytes, 4 * 4 * 4 * 16);
  EXPECT_EQ(layers[2].layer.activation_bytes, 0) << "Split aliases its input";
  EXPECT_EQ(layers[3].layer.macs, 2560);
  EXPECT_EQ(layers[3].layer.weight_bytes, 4 * (2560 + 10)) << "InnerProduct: 2= weights, 1= bias flag";
  EXPECT_EQ(layers[3].line, 6);
}

TEST(ImportSources, BadParamNamesFileAndLine) {
  std::string f = temp_path("bad.param");
  std::ofstream(f) << "7767517\n1 1\nConvolution c 1 1 a b 0x\n";
  try {
    sources::read_ncnn_param(f);
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.file(), f);
    EXPECT_EQ(e.path(), "line 3");
  }
}

TEST(ImportSources, BenchmarkSectionAndRuns) {
  auto rows = sources::read_ncnn_benchmark(kFix + "/bench.md", "Fixture SoC");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].model, "tiny");
  EXPECT_EQ(rows[0].threads, 4);
  EXPECT_EQ(rows[0].gpu_device, -1);
  EXPECT_EQ(rows[0].loop_count, 4);
  EXPECT_DOUBLE_EQ(rows[0].avg_ms, 1.10);
  EXPECT_EQ(rows[3].gpu_device, 0);
  EXPECT_EQ(rows[3].loop_count, 8);
  EXPECT_TRUE(sources::read_ncnn_benchmark(kFix + "/bench.md", "No such SoC").empty());
}

TEST(ImportFilter, RejectsGpuInt8AndFasterThanPeak) {
  auto rows = sources::read_ncnn_benchmark(kFix + "/bench.md", "Fixture SoC");
  std::map<std::string, int> rejected;
  int kept = 0;
  for (const auto& r : rows) {
    bool gpu = r.gpu_device >= 0;
    double macs = r.model == "impossible" ? 1e9 : 1e6;  // 1 GMAC in 0.01 ms = 1e14 MAC/s
    std::string why = import::reject_reason(r, gpu, macs, 1e12);
    if (why.empty()) ++kept;
    else ++rejected[why];
  }
  EXPECT_EQ(kept, 3);
  EXPECT_EQ(rejected["gpu int8 row (ncnn runs int8 on the CPU)"], 1);
  EXPECT_EQ(rejected["implies more MAC/s than the processor's peak"], 1);
  EXPECT_EQ(import::reject_reason(rows[2], false, 0, 1e12), "") << "unknown MACs cannot be judged";
}

TEST(ImportSources, SimpleYaml) {
  sim::Json y = sources::read_yaml(kFix + "/perf.yaml");
  EXPECT_EQ(y["supported_devices"], (sim::Json{"Phone A", "Phone B"}));
  const auto& t = y["precisions"]["float"]["components"]["Tiny"]["performance_metrics"]["Phone A"]["tflite"];
  EXPECT_EQ(t["inference_time_milliseconds"], "3.5");
  EXPECT_EQ(t["estimated_peak_memory_range_mb"]["max"], "12");
  EXPECT_EQ(y["metrics"][0]["partial_torch_metric"], "80.5");
  EXPECT_TRUE(y["metrics"][0]["device_metric"].is_object());
  EXPECT_DOUBLE_EQ(sources::yaml_number(t["inference_time_milliseconds"], "f", "$"), 3.5);
  EXPECT_THROW(sources::yaml_number(t["job_id"], "f", "$.job_id"), sim::ConfigError);
}

TEST(ImportDerive, SplitPartsSumToTheTotal) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> w(1 + trial % 7);
    for (auto& x : w) x = u(gen);
    double total = 1 + 100 * u(gen);
    auto parts = import::split_exact(total, w);
    double sum = std::accumulate(parts.begin(), parts.end(), 0.0);
    EXPECT_NEAR(sum, total, 1e-12 * total);
    for (std::size_t i = 0; i + 1 < w.size(); ++i) EXPECT_NEAR(parts[i] / total, w[i] / std::accumulate(w.begin(), w.end(), 0.0), 1e-12);
  }
  EXPECT_THROW(import::split_exact(1.0, {0.0, 0.0}), std::invalid_argument);
}

TEST(ImportDerive, BalancedCutsAreContiguousAndComparable) {
  std::vector<double> cost = {1, 1, 1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  auto cuts = import::balanced_cuts(cost, 3);
  ASSERT_EQ(cuts.size(), 4u);
  EXPECT_EQ(cuts.front(), 0);
  EXPECT_EQ(cuts.back(), 14);
  double total = 25, worst = 0;
  for (int s = 0; s < 3; ++s) {
    EXPECT_LT(cuts[static_cast<std::size_t>(s)], cuts[static_cast<std::size_t>(s) + 1]);
    double part = std::accumulate(cost.begin() + cuts[static_cast<std::size_t>(s)], cost.begin() + cuts[static_cast<std::size_t>(s) + 1], 0.0);
    worst = std::max(worst, std::abs(part - total / 3));
  }
  EXPECT_LE(worst, 10.0) << "each part is within one layer of a third";
  EXPECT_EQ(import::balanced_cuts({5, 0, 0}, 3), (std::vector<int>{0, 1, 2, 3})) << "every subgraph keeps a layer";
}

TEST(ImportDerive, RooflineFitRecoversParameters) {
  import::Roofline truth{2e11, 1e10};
  std::vector<std::vector<Layer>> models;
  for (int i = 0; i < 6; ++i) {
    Layer compute{"c", "Convolution", static_cast<std::int64_t>(1e9 * (i + 1)), 1000, 1000, {}};
    Layer memory{"m", "InnerProduct", 1000, static_cast<std::int64_t>(5e7 * (6 - i)), 1000, {}};
    models.push_back({compute, memory});
  }
  std::vector<std::pair<const std::vector<Layer>*, double>> pts;
  for (const auto& m : models) pts.push_back({&m, truth.seconds(m) * 1e3});
  auto fit = import::fit_roofline(pts);
  EXPECT_NEAR(std::log10(fit.macs_per_s), std::log10(2e11), 0.03);
  EXPECT_NEAR(std::log10(fit.bytes_per_s), std::log10(1e10), 0.03);
}

TEST(ImportEdgeCaffe, FixtureConversion) {
  import::Report report;
  Profile p = import::import_edgecaffe(kFix, report);
  EXPECT_EQ(report.accepted, 6);
  ASSERT_EQ(p.models.size(), 2u);
  EXPECT_TRUE(check_profile(p).size() == 0) << check_profile(p)[0].message;
  const ModelProfile& tiny = p.models[static_cast<std::size_t>(p.find_model("Tiny"))];
  ASSERT_EQ(tiny.layers.size(), 3u);
  EXPECT_EQ(tiny.layers[2].weight_bytes, 200000);
  const auto& conv = *tiny.layer_latency[1];
  EXPECT_EQ(conv.samples_ms, (std::vector<double>{5.0, 5.2}));
  EXPECT_EQ(conv.provenance.kind, "measured");
  EXPECT_EQ(tiny.layer_load[2]->samples_ms, (std::vector<double>{0.9, 0.95}));
  // The whole-model time is the sum of the per-layer means, and the run carries valgrind's peak.
  EXPECT_NEAR(tiny.latency[0]->mean_ms, 0.0021 + 5.1 + 0.725, 1e-12);
  EXPECT_EQ(p.run(p.find_model("Tiny"), 0, 0)->peak_memory_bytes, 2500000);
  const ModelProfile& other = p.models[static_cast<std::size_t>(p.find_model("Other"))];
  EXPECT_EQ(other.layer_latency[0]->provenance.kind, "estimated");
  EXPECT_DOUBLE_EQ(other.layer_latency[0]->mean_ms, 2.0);
  // Reproducible and readable in both forms.
  std::string a = temp_path("a.h5"), b = temp_path("b.h5");
  write_profile_h5(p, a);
  import::Report again;
  write_profile_h5(import::import_edgecaffe(kFix, again), b);
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_EQ(to_json(read_profile(a)), to_json(p));
}

TEST(ImportEdgeCaffe, MissingDataIsAConfigError) {
  import::Report report;
  EXPECT_THROW(import::import_edgecaffe(kFix + "/nowhere", report), sim::ConfigError);
}

// --- the shipped profiles (need ../shared/data for the reproduction part) -------------------

struct Shipped {
  std::string name;
  Profile (*convert)(const std::string&, import::Report&);
};

class ShippedProfile : public ::testing::TestWithParam<Shipped> {};

TEST_P(ShippedProfile, PassesChecksAndPartsSumToRuns) {
  Profile p = read_profile(kSrc + "/hw-models/profiles/" + GetParam().name + ".h5");
  auto problems = check_profile(p);
  for (const auto& pr : problems) ADD_FAILURE() << pr.path << ": " << pr.message;
  int runs = 0;
  const int P = static_cast<int>(p.processors.size());
  for (int m = 0; m < static_cast<int>(p.models.size()); ++m) {
    const auto& mp = p.models[static_cast<std::size_t>(m)];
    for (int v = 0; v < static_cast<int>(mp.variants.size()); ++v)
      for (int q = 0; q < P; ++q) {
        const ModelRun* r = p.run(m, v, q);
        if (!r) continue;
        double sum = 0;
        for (int s = 0; s < mp.subgraph_count; ++s) {
          const LatencyDist* d = p.latency(m, v, s, q);
          ASSERT_NE(d, nullptr);
          EXPECT_TRUE(d->provenance.kind == "derived" || mp.subgraph_count == 1);
          sum += d->mean_ms;
        }
        EXPECT_NEAR(sum, r->latency.mean_ms, 1e-9 * r->latency.mean_ms);
        ++runs;
      }
  }
  EXPECT_GT(runs, 0);
}

TEST_P(ShippedProfile, ConverterReproducesTheCommittedFile) {
  if (!fs::exists(kData + "/README.md")) GTEST_SKIP() << "no shared data at " << kData;
  import::Report report;
  Profile p = GetParam().convert(kData, report);
  std::string out = temp_path(GetParam().name + ".h5");
  write_profile_h5(p, out);
  EXPECT_EQ(slurp(out), slurp(kSrc + "/hw-models/profiles/" + GetParam().name + ".h5"))
      << "re-run `stitchsim profile import " << GetParam().name << "` and commit the result";
}

INSTANTIATE_TEST_SUITE_P(All, ShippedProfile,
                         ::testing::Values(Shipped{"sm8550", import::import_sm8550}, Shipped{"rk3588", import::import_rk3588},
                                           Shipped{"edgecaffe", import::import_edgecaffe},
                                           Shipped{"core_ultra", import::import_core_ultra}),
                         [](const auto& info) { return info.param.name; });

TEST(ShippedProfiles, Sm8550ZooAndFilter) {
  Profile p = read_profile(kSrc + "/hw-models/profiles/sm8550.h5");
  EXPECT_EQ(p.processor_kinds, (std::vector<std::string>{"CPU", "GPU", "NPU"}));
  for (const char* model : {"resnet101", "bert_base", "vit_small", "wav2vec2"}) {
    int m = p.find_model(model);
    ASSERT_GE(m, 0) << model;
    const auto& mp = p.models[static_cast<std::size_t>(m)];
    EXPECT_EQ(mp.variants.size(), 10u);
    EXPECT_EQ(mp.subgraph_count, 3);
    EXPECT_GE(mp.find_variant("dense_fp32"), 0);
    // GPU int8 rows were filtered out: no int8 variant runs on the GPU.
    for (std::size_t v = 0; v < mp.variants.size(); ++v)
      if (mp.variants[v].precision == "int8") EXPECT_EQ(p.run(m, static_cast<int>(v), p.find_processor("gpu")), nullptr);
  }
  // The NPU rows of ResNet-101 are the S23 measurements themselves.
  int r = p.find_model("resnet101");
  const ModelRun* npu = p.run(r, p.models[static_cast<std::size_t>(r)].find_variant("dense_int8"), p.find_processor("npu"));
  ASSERT_NE(npu, nullptr);
  EXPECT_EQ(npu->latency.provenance.kind, "measured");
  EXPECT_GT(npu->peak_memory_bytes, 0);
}

TEST(ShippedProfiles, EncoderBuilderMatchesNcnnVisionTransformerWeights) {
  if (!fs::exists(kData + "/README.md")) GTEST_SKIP() << "no shared data at " << kData;
  auto layers = sources::read_ncnn_param(kData + "/public/ncnn/params/vision_transformer.param");
  double param_weights = 0;
  for (const auto& l : layers) param_weights += static_cast<double>(l.weight_count);
  auto built = import::build_encoder({"patch", 145, 768, 3072, 12, 1000, 32, 384, 0, 0}, Provenance{});
  double built_weights = 0;
  for (const auto& l : built) built_weights += static_cast<double>(l.weight_bytes) / 4;
  // The builder also counts biases and norms the param's weight_data_size leaves out.
  EXPECT_NEAR(built_weights / param_weights, 1.0, 0.02);
}

}  // namespace
