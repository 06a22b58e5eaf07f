// The folders depend in one direction:
//   sim <- workloads <- hw-models <- hw-models/stitching <- policies <- experiments
// hw-models/graphs (op graphs, the MTS stitcher) is a library under hw-models that includes only
// sim/ and itself. hw-models/import (the profile converters) sits beside hw-models/stitching, and only the CLI's
// `profile import` command (experiments/cmd_profile_import.cpp) may include it. This test reads
// every source file and fails on an include that goes against that direction, and on a policy
// that includes the engine (policies decide over a read-only view).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Layers by folder prefix, most specific first; the number is the level (higher depends on lower).
struct Layer {
  std::string prefix;
  int level;
};
const std::vector<Layer> kLayers = {{"hw-models/stitching/", 3}, {"hw-models/import/", 3}, {"sim/", 0},
                                    {"workloads/", 1},           {"hw-models/", 2},        {"policies/", 4},
                                    {"experiments/", 5}};

int level_of(const std::string& path) {
  for (const auto& l : kLayers)
    if (path.rfind(l.prefix, 0) == 0) return l.level;
  return -1;
}

const std::regex& include_re() {
  static const std::regex re(R"(^\s*#\s*include\s*"(?:\.\./)*((?:sim|workloads|hw-models|policies|experiments)/[^"]+)\")");
  return re;
}

// Why `from` (a source path relative to the root) may not include `target`, or "" when it may.
std::string violation(const std::string& from, const std::string& target) {
  int a = level_of(from), b = level_of(target);
  if (b > a) return "include against the layer direction";
  bool from_import = from.rfind("hw-models/import/", 0) == 0;
  bool to_import = target.rfind("hw-models/import/", 0) == 0;
  if (to_import && !from_import && from != "experiments/cmd_profile_import.cpp") {
    return "only the CLI's profile import command may include the converters";
  }
  if (from.rfind("hw-models/stitching/", 0) == 0 && to_import) return "stitching must not include the converters";
  // hw-models/graphs is its own library that hw-models links: it may include only sim/ and itself.
  if (from.rfind("hw-models/graphs/", 0) == 0 && target.rfind("sim/", 0) != 0 && target.rfind("hw-models/graphs/", 0) != 0) {
    return "hw-models/graphs may include only sim/ and itself";
  }
  if (from_import && target.rfind("hw-models/stitching/", 0) == 0) return "the converters must not include stitching";
  if (from.rfind("policies/", 0) == 0 &&
      (target.rfind("sim/engine", 0) == 0 || target.rfind("sim/event_queue", 0) == 0)) {
    return "policies must not include the engine";
  }
  return "";
}

std::vector<std::string> violations() {
  std::vector<std::string> out;
  for (const auto& top : {"sim", "workloads", "hw-models", "policies", "experiments"}) {
    fs::path dir = fs::path(STITCHSIM_SOURCE_DIR) / top;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".cpp") continue;
      std::string rel = fs::relative(entry.path(), STITCHSIM_SOURCE_DIR).generic_string();
      std::ifstream in(entry.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (!std::regex_search(line, m, include_re())) continue;
        std::string why = violation(rel, m[1]);
        if (!why.empty()) out.push_back(rel + ":" + std::to_string(n) + ": " + line + "  (" + why + ")");
      }
    }
  }
  return out;
}

}  // namespace

TEST(Layering, NoIncludeAgainstTheDirection) {
  auto v = violations();
  std::string all;
  for (const auto& s : v) all += s + "\n";
  EXPECT_TRUE(v.empty()) << all;
}

TEST(Layering, DetectorSeesViolations) {
  // Guards against rules that silently accept everything.
  std::smatch m;
  std::string line = "#include \"hw-models/execution_models/soc.h\"";
  ASSERT_TRUE(std::regex_search(line, m, include_re()));
  EXPECT_EQ(m[1], "hw-models/execution_models/soc.h");
  EXPECT_NE(violation("sim/engine.cpp", "workloads/slo.h"), "");
  EXPECT_NE(violation("hw-models/soc.cpp", "hw-models/stitching/space.h"), "");
  EXPECT_NE(violation("policies/planning.cpp", "hw-models/import/profile_import.h"), "");
  EXPECT_NE(violation("experiments/explore.cpp", "hw-models/import/profile_sources.h"), "");
  EXPECT_NE(violation("policies/schedulers/x.cpp", "sim/engine.h"), "");
  EXPECT_EQ(violation("experiments/cmd_profile_import.cpp", "hw-models/import/profile_import.h"), "");
  EXPECT_EQ(violation("policies/planning.cpp", "hw-models/stitching/space.h"), "");
  EXPECT_EQ(violation("hw-models/stitching/space.cpp", "hw-models/profile.h"), "");
  EXPECT_NE(violation("hw-models/graphs/stitch.cpp", "hw-models/weight_blocks.h"), "");
  EXPECT_NE(violation("hw-models/graphs/stitch.cpp", "workloads/task.h"), "");
  EXPECT_EQ(violation("hw-models/graphs/stitch.cpp", "hw-models/graphs/op_graph.h"), "");
  EXPECT_EQ(violation("hw-models/execution_models/mts.cpp", "hw-models/graphs/gpu_cost.h"), "");
}
