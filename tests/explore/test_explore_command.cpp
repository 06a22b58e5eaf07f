// `stitchsim explore` and `stitchsim profile estimate` end to end: identical output at any
// thread count, and one clear error (exit 2, no output) for bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <H5Cpp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config.h"

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("stitchsim-explore-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d.parent_path());
  return d;
}

Result run_cli(const std::string& args) {
  fs::path base = scratch("cli");
  fs::create_directories(base);
  std::string cmd = std::string(STITCHSIM_BINARY) + " " + args + " >" + (base / "out").string() + " 2>" + (base / "err").string();
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(base / "out"), slurp(base / "err")};
}

const std::string kDefault = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/default.json";

std::vector<double> reals(const std::string& file, const std::string& dataset) {
  H5::H5File f(file, H5F_ACC_RDONLY);
  H5::DataSet ds = f.openDataSet(dataset);
  hsize_t n = 0;
  ds.getSpace().getSimpleExtentDims(&n);
  std::vector<double> v(n);
  if (n) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
  return v;
}

std::vector<std::int64_t> ints(const std::string& file, const std::string& dataset) {
  H5::H5File f(file, H5F_ACC_RDONLY);
  H5::DataSet ds = f.openDataSet(dataset);
  hsize_t n = 0;
  ds.getSpace().getSimpleExtentDims(&n);
  std::vector<std::int64_t> v(n);
  if (n) ds.read(v.data(), H5::PredType::NATIVE_INT64);
  return v;
}

// An explore config next to a copy of the default experiment, with `settings` merged in.
std::string write_config(const fs::path& dir, const sim::Json& settings) {
  fs::create_directories(dir);
  sim::Json c = {{"name", "t"}, {"experiment", kDefault}};
  for (auto it = settings.begin(); it != settings.end(); ++it) c[it.key()] = it.value();
  std::string file = (dir / "explore.json").string();
  std::ofstream(file) << c.dump(2);
  return file;
}

}  // namespace

TEST(ExploreCommand, SameOutputAtOneAndTwoThreads) {
  fs::path dir = scratch("threads");
  // placement "any" with a small enumeration limit exercises the sampled table too.
  std::string config = write_config(dir, {{"tasks", {"image", "speech"}}, {"placement", "any"}, {"enumeration_limit", 20000},
                                          {"histogram_samples", 5000}});
  Result one = run_cli("explore " + config + " --threads 1 -q --out " + (dir / "one").string());
  Result two = run_cli("explore " + config + " --threads 2 -q --out " + (dir / "two").string());
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(two.code, 0) << two.err;
  for (const char* f : {"summary.json", "frontier.json", "explore.resolved.json"})
    EXPECT_EQ(slurp(dir / "one" / f), slurp(dir / "two" / f)) << f;
  std::string h1 = (dir / "one" / "explore.h5").string(), h2 = (dir / "two" / "explore.h5").string();
  for (const char* d : {"variants/accuracy", "variants/latency_ms", "frontier/accuracy", "frontier/latency_ms"})
    EXPECT_EQ(reals(h1, d), reals(h2, d)) << d;
  for (const char* d : {"variants/memory_bytes", "variants/on_frontier", "histogram/count", "histogram/frontier_points"})
    EXPECT_EQ(ints(h1, d), ints(h2, d)) << d;
  sim::Json s = sim::Json::parse(slurp(dir / "one" / "summary.json"));
  EXPECT_GT(s["tasks"]["image"]["frontier"]["points"].get<int>(), 0);
  EXPECT_TRUE(s["tasks"]["image"]["table"]["sampled"].get<bool>());
  // Every frontier point falls in a marked histogram cell and on_frontier rows exist.
  std::int64_t marked = 0;
  for (auto m : ints(h1, "histogram/frontier_points")) marked += m;
  EXPECT_EQ(marked, s["tasks"]["image"]["frontier"]["points"].get<std::int64_t>() +
                        s["tasks"]["speech"]["frontier"]["points"].get<std::int64_t>());
}

TEST(ExploreCommand, AnExperimentConfigWorksDirectly) {
  fs::path dir = scratch("direct");
  Result r = run_cli("explore " + kDefault + " -q --out " + dir.string());
  ASSERT_EQ(r.code, 0) << r.err;
  sim::Json s = sim::Json::parse(slurp(dir / "summary.json"));
  EXPECT_EQ(s["tasks"].size(), sim::read_json_file(kDefault)["tasks"].size());
  for (auto& [name, t] : s["tasks"].items()) {
    double pairs = t["tuples"].get<double>() * t["placements_per_tuple"].get<double>();
    EXPECT_EQ(t["table"]["sampled"].get<bool>(), pairs > 1000000) << name;  // the default enumeration_limit
    EXPECT_GT(t["frontier"]["points"].get<int>(), 0) << name;
    EXPECT_GE(t["frontier"]["points"].get<int>(), t["stitching_gain"]["new_frontier_points"].get<int>());
  }
}

TEST(ExploreCommand, UnknownSettingIsOneErrorAndNoOutput) {
  fs::path dir = scratch("badkey");
  std::string config = write_config(dir, {{"placemnt", "any"}});
  Result r = run_cli("explore " + config + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(config), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("placemnt"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(ExploreCommand, OnePerProcessorNeedsEnoughProcessors) {
  // The default experiment on a two-processor platform: 3 subgraphs cannot take one each.
  fs::path dir = scratch("twoprocs");
  fs::create_directories(dir);
  sim::Json e = sim::read_json_file(kDefault);
  fs::path cfgdir = fs::path(kDefault).parent_path();
  e["profile"] = (cfgdir / e["profile"].get<std::string>()).lexically_normal().string();
  sim::Json platform = sim::read_json_file((cfgdir / e["platform"].get<std::string>()).lexically_normal().string());
  sim::Json procs = sim::Json::array();
  for (const auto& p : platform["processors"])
    if (procs.size() < 2) procs.push_back(p);
  platform["processors"] = procs;
  platform.erase("handoff_ms");
  e["platform"] = platform;
  std::ofstream(dir / "exp.json") << e.dump(2);
  sim::Json c = {{"experiment", (dir / "exp.json").string()}, {"placement", "one_per_processor"}};
  std::ofstream(dir / "explore.json") << c.dump(2);
  Result r = run_cli("explore " + (dir / "explore.json").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("subgraph_count"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("one_per_processor"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(ExploreCommand, ProfileEstimateFillsEstimatedEntries) {
  fs::path dir = scratch("estimate");
  fs::create_directories(dir);
  std::string in = std::string(STITCHSIM_SOURCE_DIR) + "/hw-models/profiles/example_illustrative.json";
  Result r = run_cli("profile estimate " + in + " -q --estimator '\"analytic\"' --out " + (dir / "est.json").string());
  ASSERT_EQ(r.code, 0) << r.err;
  sim::Json p = sim::read_json_file((dir / "est.json").string());
  for (auto& [name, m] : p["models"].items()) {
    std::size_t K = m["variants"].size();
    ASSERT_EQ(m["stitched_accuracy"].size(), K * K * K - K) << name;  // every off-diagonal tuple
    EXPECT_EQ(m["stitched_accuracy"][0]["provenance"]["kind"], "estimated");
  }
  Result bad = run_cli("profile estimate " + in + " --max-entries 10 --out " + (dir / "no.json").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("$.models."), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "no.json"));
}
