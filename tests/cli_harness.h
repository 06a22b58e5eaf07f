// Running the real stitchsim binary from tests: a scratch folder per test case and process, the
// exit code and both output streams, and a copy of the default config with absolute paths.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/config.h"

namespace cli_harness {

struct Result {
  int code;
  std::string err;
  std::string out;
};

inline std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ctest runs test cases as parallel processes: every file a case writes is named after the
// case and the process so cases never share one.
inline std::string scratch(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "/stitchsim-cli-" + info->name() + "-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

// Runs `stitchsim ARGS` (ARGS as a shell would split them); a process killed by a signal gives
// code -1.
inline Result run_cli(const std::string& args) {
  std::string err = scratch("err.txt"), out = scratch("out.txt");
  std::string cmd = std::string(STITCHSIM_BINARY) + " " + args + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(err), slurp(out)};
}

inline std::string source(const std::string& rel) { return std::string(STITCHSIM_SOURCE_DIR) + "/" + rel; }

// A copy of the default config (with absolute paths, 2 s long) that a test then breaks.
inline sim::Json default_config() {
  sim::Json j = sim::read_json_file(source("experiments/configs/default.json"));
  std::string base = source("experiments/configs/");
  j["platform"] = std::filesystem::path(base + j["platform"].get<std::string>()).lexically_normal().string();
  j["profile"] = std::filesystem::path(base + j["profile"].get<std::string>()).lexically_normal().string();
  j["duration"] = "2s";
  return j;
}

inline std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = scratch(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace cli_harness
