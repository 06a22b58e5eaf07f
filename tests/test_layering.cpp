// The folders depend in one direction: sim <- workloads <- hw-models <- policies <- experiments.
// This test reads every source file and fails on an include that goes against that direction,
// and on a policy that includes the engine (policies decide over a read-only view).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kLayers = {"sim", "workloads", "hw-models", "policies", "experiments"};

int layer_of(const std::string& folder) {
  for (std::size_t i = 0; i < kLayers.size(); ++i)
    if (kLayers[i] == folder) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> violations() {
  std::vector<std::string> out;
  std::regex include_re(R"(^\s*#\s*include\s*"(?:\.\./)*([A-Za-z_-]+)/([^"]+)\")");
  for (std::size_t i = 0; i < kLayers.size(); ++i) {
    fs::path dir = fs::path(STITCHSIM_SOURCE_DIR) / kLayers[i];
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".cpp") continue;
      std::ifstream in(entry.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (!std::regex_search(line, m, include_re)) continue;
        int target = layer_of(m[1]);
        std::string where = entry.path().string() + ":" + std::to_string(n) + ": " + line;
        if (target > static_cast<int>(i)) out.push_back(where);
        if (kLayers[i] == "policies" && m[1] == "sim" &&
            (m[2].str().rfind("engine", 0) == 0 || m[2].str().rfind("event_queue", 0) == 0)) {
          out.push_back(where + "  (policies must not include the engine)");
        }
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

TEST(Layering, DetectorSeesIncludes) {
  // Guards against a regex that silently matches nothing: the experiments layer does include
  // lower layers, so the same scan with the direction reversed must find edges.
  std::regex include_re(R"(^\s*#\s*include\s*"(?:\.\./)*([A-Za-z_-]+)/([^"]+)\")");
  std::smatch m;
  std::string line = "#include \"hw-models/soc.h\"";
  ASSERT_TRUE(std::regex_search(line, m, include_re));
  EXPECT_EQ(m[1], "hw-models");
}
